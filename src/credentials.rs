//! Portable signs of membership: an award as an Open Badges 3.0 `OpenBadgeCredential` (a W3C
//! Verifiable Credential, Data Model 2.0), secured with a Data Integrity proof of the
//! `eddsa-jcs-2022` cryptosuite (W3C "Data Integrity EdDSA Cryptosuites v1.0", §3.3): the
//! document and the proof options are canonicalised with JCS (RFC 8785, the
//! `serde_json_canonicalizer` crate), hashed with SHA-256, and the two hashes signed with
//! Ed25519. The issuer is a `did:key` (W3C CCG did:key v0.7: multicodec `0xed01` and the
//! 32-byte public key, base58btc with the multibase prefix `z`), so a credential verifies
//! offline, with nothing but itself, in ten years as today.
//!
//! A credential baked into a PNG sits in one `iTXt` chunk with the keyword
//! `openbadgecredential` (Open Badges 3.0, §5.3.2.1), written and read with the `png` crate.

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The multicodec prefix of an Ed25519 public key (0xed, as an unsigned varint).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// The PNG text chunk keyword Open Badges bakes a credential under.
pub const PNG_KEYWORD: &str = "openbadgecredential";

/// What an award says, to be issued as a credential.
pub struct Claim<'a> {
    /// This issuance's id (a UUID, fresh for each), made into the credential's `urn:uuid:` id:
    /// what a revocation names.
    pub credential_id: &'a str,
    /// The community that issues it (the issuer profile's name).
    pub community: &'a str,
    /// The member awarded (`urn:hearth:member:<id>`) and their name.
    pub member_id: &'a str,
    pub member_name: &'a str,
    /// The badge (`urn:hearth:badge:<id>`), as it was defined when awarded.
    pub badge_id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    /// When it was awarded, RFC 3339 (`validFrom`).
    pub awarded_at: &'a str,
}

/// An issuer's key pair from its 32-byte secret seed.
pub fn signing_key(seed: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(seed)
}

/// The `did:key` of a public key: `did:key:z6Mk…`.
pub fn did_key(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("did:key:z{}", bs58::encode(bytes).into_string())
}

/// The public key a `did:key` (or its verification method, `did:key:z…#z…`) names. None for
/// anything but an Ed25519 did:key.
pub fn key_of_did(did: &str) -> Option<VerifyingKey> {
    let id = did.strip_prefix("did:key:z")?.split('#').next()?;
    let bytes = bs58::decode(id).into_vec().ok()?;
    let key: [u8; 32] = bytes.strip_prefix(&ED25519_PUB)?.try_into().ok()?;
    VerifyingKey::from_bytes(&key).ok()
}

/// The credential `claim` describes, signed by `key`.
pub fn issue(claim: &Claim, key: &SigningKey) -> Result<Value> {
    let did = did_key(&key.verifying_key());
    let mut achievement = json!({
        "id": format!("urn:hearth:badge:{}", claim.badge_id),
        "type": ["Achievement"],
        "name": claim.name,
        "description": claim.description,
        "criteria": { "narrative": claim.criteria },
    });
    if claim.criteria.is_empty() {
        achievement["criteria"] = json!({ "narrative": claim.description });
    }
    let document = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": format!("urn:uuid:{}", claim.credential_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": did, "type": ["Profile"], "name": claim.community },
        "validFrom": claim.awarded_at,
        "name": claim.name,
        "credentialSubject": {
            "id": format!("urn:hearth:member:{}", claim.member_id),
            "type": ["AchievementSubject"],
            "name": claim.member_name,
            "achievement": achievement,
        },
    });
    resign(document, key)
}

/// Signs `document` (a credential without its proof) again with `key`, after a change.
pub fn resign(document: Value, key: &SigningKey) -> Result<Value> {
    let did = did_key(&key.verifying_key());
    let options = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": document["validFrom"].clone(),
        "verificationMethod": format!("{did}#{}", did.trim_start_matches("did:key:")),
        "proofPurpose": "assertionMethod",
    });
    sign(document, options, key)
}

fn sign(document: Value, options: Value, key: &SigningKey) -> Result<Value> {
    let signature = key.sign(&hash_data(&document, &options)?);
    let mut proof = options;
    proof["proofValue"] = json!(format!("z{}", bs58::encode(signature.to_bytes()).into_string()));
    let mut signed = document;
    signed["proof"] = proof;
    Ok(signed)
}

/// The bytes `eddsa-jcs-2022` signs: SHA-256 of the canonical proof configuration (the proof
/// options with the document's `@context`) followed by SHA-256 of the canonical document.
fn hash_data(document: &Value, options: &Value) -> Result<Vec<u8>> {
    let mut config = options.clone();
    config["@context"] = document["@context"].clone();
    let canonical = |value: &Value| {
        serde_json_canonicalizer::to_vec(value).map_err(|e| Error::invalid("credential", e.to_string()))
    };
    let mut data = Sha256::digest(canonical(&config)?).to_vec();
    data.extend_from_slice(&Sha256::digest(canonical(document)?));
    Ok(data)
}

/// What a verified credential says.
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    /// The issuer's did:key and name.
    pub issuer: String,
    pub issuer_name: String,
    /// Who it was awarded to (`urn:hearth:member:<id>`) and their name.
    pub subject: String,
    pub subject_name: String,
    /// The badge's id (`urn:hearth:badge:<id>`) and name.
    pub achievement: String,
    pub achievement_name: String,
    pub valid_from: String,
    /// The credential's own id (`urn:uuid:…`).
    pub id: String,
}

/// Checks a credential: an `OpenBadgeCredential` whose `eddsa-jcs-2022` proof was made by the
/// key of its issuer's did:key, over exactly these bytes (any change to the document or the
/// proof options fails). Errors: `Invalid` saying what is wrong.
pub fn verify(credential: &Value) -> Result<Verified> {
    let bad = |reason: &str| Error::invalid("credential", reason.to_owned());
    let types = |value: &Value| -> Vec<String> {
        match value {
            Value::String(s) => vec![s.clone()],
            Value::Array(list) => list.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect(),
            _ => vec![],
        }
    };
    if !types(&credential["type"]).iter().any(|t| t == "OpenBadgeCredential") {
        return Err(bad("is not an OpenBadgeCredential"));
    }
    let Value::Object(fields) = credential else { return Err(bad("is not a JSON object")) };
    let mut document = Value::Object(fields.clone());
    let proof = document.as_object_mut().and_then(|d| d.remove("proof")).ok_or_else(|| bad("has no proof"))?;
    if proof["type"] != "DataIntegrityProof" || proof["cryptosuite"] != "eddsa-jcs-2022" {
        return Err(bad("has a proof Hearth cannot check (it checks DataIntegrityProof with eddsa-jcs-2022)"));
    }
    let issuer = match &credential["issuer"] {
        Value::String(id) => id.clone(),
        issuer => issuer["id"].as_str().unwrap_or_default().to_owned(),
    };
    let method = proof["verificationMethod"].as_str().unwrap_or_default();
    if method.split('#').next() != Some(issuer.as_str()) {
        return Err(bad("is signed by a key that is not its issuer's"));
    }
    let key = key_of_did(&issuer).ok_or_else(|| bad("names an issuer that is not an Ed25519 did:key"))?;
    let signature = proof["proofValue"]
        .as_str()
        .and_then(|v| v.strip_prefix('z'))
        .and_then(|v| bs58::decode(v).into_vec().ok())
        .and_then(|bytes| ed25519_dalek::Signature::from_slice(&bytes).ok())
        .ok_or_else(|| bad("has a proof value that is not a signature"))?;
    let mut options = proof.clone();
    options.as_object_mut().map(|o| o.remove("proofValue"));
    key.verify(&hash_data(&document, &options)?, &signature)
        .map_err(|_| bad("does not match its signature: it was changed after it was signed"))?;
    let subject = &credential["credentialSubject"];
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    Ok(Verified {
        issuer_name: text(&credential["issuer"]["name"]),
        issuer,
        subject: text(&subject["id"]),
        subject_name: text(&subject["name"]),
        achievement: text(&subject["achievement"]["id"]),
        achievement_name: text(&subject["achievement"]["name"]),
        valid_from: text(&credential["validFrom"]),
        id: text(&credential["id"]),
    })
}

/// `png` (an image) with `credential` baked in as one `iTXt` chunk.
pub fn bake(png: &[u8], credential: &Value) -> Result<Vec<u8>> {
    let bad = |e: String| Error::invalid("image", e);
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(|e| bad(e.to_string()))?;
    let mut pixels = vec![0; reader.output_buffer_size().ok_or_else(|| bad("is too large".into()))?];
    let frame = reader.next_frame(&mut pixels).map_err(|e| bad(e.to_string()))?;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, frame.width, frame.height);
        encoder.set_color(frame.color_type);
        encoder.set_depth(frame.bit_depth);
        let text = serde_json::to_string(credential).expect("a credential serialises");
        encoder.add_itxt_chunk(PNG_KEYWORD.to_owned(), text).map_err(|e| bad(e.to_string()))?;
        let mut writer = encoder.write_header().map_err(|e| bad(e.to_string()))?;
        writer.write_image_data(&pixels[..frame.buffer_size()]).map_err(|e| bad(e.to_string()))?;
    }
    Ok(out)
}

/// The credential baked into a PNG, or the credential a JSON file holds.
pub fn read(bytes: &[u8]) -> Result<Value> {
    if bytes.starts_with(b"\x89PNG") {
        let reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .map_err(|e| Error::invalid("credential", format!("the image could not be read: {e}")))?;
        let chunk = reader
            .info()
            .utf8_text
            .iter()
            .find(|chunk| chunk.keyword == PNG_KEYWORD)
            .ok_or_else(|| Error::invalid("credential", "the image holds no Open Badges credential"))?;
        let text = chunk.get_text().map_err(|e| Error::invalid("credential", e.to_string()))?;
        return serde_json::from_str(&text).map_err(|e| Error::invalid("credential", format!("is not JSON: {e}")));
    }
    serde_json::from_slice(bytes).map_err(|e| Error::invalid("credential", format!("is not JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim() -> Claim<'static> {
        Claim {
            credential_id: "0190c3a2-5e1f-7000-8000-000000000001",
            community: "Riverside Care Learning Circle",
            member_id: "m1",
            member_name: "Amara Okafor",
            badge_id: "b1",
            name: "Founding member",
            description: "Was there in the first month.",
            criteria: "",
            awarded_at: "2026-11-30T07:00:00Z",
        }
    }

    #[test]
    fn a_credential_verifies_and_any_change_fails() {
        let key = signing_key(&[7; 32]);
        let credential = issue(&claim(), &key).unwrap();
        let verified = verify(&credential).unwrap();
        assert_eq!(verified.achievement_name, "Founding member");
        assert!(verified.issuer.starts_with("did:key:z6Mk"), "an Ed25519 did:key: {}", verified.issuer);
        let mut changed = credential.clone();
        changed["credentialSubject"]["name"] = json!("Someone else");
        assert!(verify(&changed).is_err(), "a changed subject fails");
        let mut other_time = credential.clone();
        other_time["proof"]["created"] = json!("2030-01-01T00:00:00Z");
        assert!(verify(&other_time).is_err(), "changed proof options fail");
        let mut forged_issuer = credential;
        forged_issuer["issuer"]["id"] = json!(did_key(&signing_key(&[8; 32]).verifying_key()));
        assert!(verify(&forged_issuer).is_err(), "another issuer's name on it fails");
    }

    /// The W3C test vector (vc-di-eddsa, "Representation: eddsa-jcs-2022"): the same key,
    /// document and proof options give the same proof value, byte for byte.
    #[test]
    fn the_w3c_eddsa_jcs_2022_test_vector_signs_to_its_published_proof_value() {
        let secret = bs58::decode("3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq").into_vec().unwrap();
        let seed: [u8; 32] = secret.strip_prefix(&[0x80, 0x26]).unwrap().try_into().unwrap();
        let key = signing_key(&seed);
        assert_eq!(did_key(&key.verifying_key()), "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2");
        let context = json!(["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]);
        let document = json!({
            "@context": context,
            "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "type": ["VerifiableCredential", "AlumniCredential"],
            "name": "Alumni Credential",
            "description": "A minimum viable example of an Alumni Credential.",
            "issuer": "https://vc.example/issuers/5678",
            "validFrom": "2023-01-01T00:00:00Z",
            "credentialSubject": { "id": "did:example:abcdefgh", "alumniOf": "The School of Examples" }
        });
        let options = json!({
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2023-02-24T23:36:38Z",
            "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "proofPurpose": "assertionMethod",
            "@context": context,
        });
        let signed = sign(document, options, &key).unwrap();
        assert_eq!(
            signed["proof"]["proofValue"],
            "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"
        );
    }

    /// Open Badges 3.0's own test key (its "Linked Data Proof Test Vector"): public key hex
    /// 4bdeafde… is the multikey z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi.
    #[test]
    fn a_did_key_encodes_as_open_badges_test_vector_says() {
        let bytes: Vec<u8> = (0..32)
            .map(|i| {
                u8::from_str_radix(
                    &"4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"[2 * i..2 * i + 2],
                    16,
                )
                .unwrap()
            })
            .collect();
        let key = VerifyingKey::from_bytes(&bytes.try_into().unwrap()).unwrap();
        assert_eq!(did_key(&key), "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi");
    }

    #[test]
    fn a_did_key_round_trips() {
        let key = signing_key(&[3; 32]).verifying_key();
        assert_eq!(key_of_did(&did_key(&key)), Some(key));
        assert_eq!(key_of_did("did:web:example.org"), None);
    }

    #[test]
    fn a_baked_png_gives_its_credential_back() {
        let credential = issue(&claim(), &signing_key(&[7; 32])).unwrap();
        let mut png_bytes = Vec::new();
        image::DynamicImage::new_rgb8(4, 4)
            .write_to(&mut std::io::Cursor::new(&mut png_bytes), image::ImageFormat::Png)
            .unwrap();
        let baked = bake(&png_bytes, &credential).unwrap();
        assert_eq!(read(&baked).unwrap(), credential);
        assert!(verify(&read(&baked).unwrap()).is_ok());
    }
}
