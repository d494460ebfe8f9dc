//! A storage error in words a member can act on: which of the target problems it is (no
//! bucket, credentials refused, out of reach), judged from object_store's message.

use super::storage::Target;
use crate::error::Error;

/// The target problem `error` is, with its text; `Invalid` when it is none of them.
pub(crate) fn describe(target: &Target, error: object_store::Error) -> Error {
    use crate::error::TargetProblem;
    // object_store's own kinds first; its generic errors are judged by their words.
    let refused =
        matches!(error, object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. });
    let text = error.to_string();
    // Addresses are left out of what is matched: a port such as 40347 or a file's hash is not
    // an HTTP status (a server gone on port 40347 once read as "refused the credentials").
    let lower = text.to_lowercase().split_whitespace().filter(|w| !w.contains("://")).collect::<Vec<_>>().join(" ");
    // A status is a code said as one: "status 403", "status: 401", "403 Forbidden". A bare
    // number is not (a retry "in 401.77ms" once read as "refused the credentials").
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let status = |code: &str| {
        words.iter().enumerate().any(|(i, word)| {
            *word == code
                && (i.checked_sub(1).is_some_and(|before| ["status", "code", "http"].contains(&words[before]))
                    || words.get(i + 1).is_some_and(|after| ["forbidden", "unauthorized"].contains(after)))
        })
    };
    // The most specific cause first: a store's message for a missing bucket or refused
    // credentials may also mention the request that failed.
    if lower.contains("nosuchbucket") || lower.contains("bucket does not exist") {
        Error::target(TargetProblem::NoBucket, format!("{target}: the bucket does not exist: {text}"))
    } else if refused
        || status("403")
        || status("401")
        || lower.contains("access denied")
        || lower.contains("forbidden")
        || lower.contains("unauthorized")
    {
        Error::target(TargetProblem::CredentialsRefused, format!("{target} refused the credentials: {text}"))
    } else if lower.contains("connection refused")
        || lower.contains("dns error")
        || lower.contains("error sending request")
        || lower.contains("timed out")
        // A server that went away while a kept-alive connection was open.
        || lower.contains("connection reset")
        || lower.contains("connection closed")
        || lower.contains("broken pipe")
        || lower.contains("incomplete message")
    {
        Error::target(
            TargetProblem::Unreachable,
            format!("cannot reach {target} (is it online, and is the address right?): {text}"),
        )
    } else {
        Error::invalid("target", format!("{target}: {text}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_a_hash_or_a_duration_is_not_an_http_status() {
        use crate::error::TargetProblem::{CredentialsRefused, Unreachable};
        let target = Target::parse("http://127.0.0.1:40347/circle").unwrap();
        for (text, expected) in [
            ("GET http://127.0.0.1:40347/circle/blobs/a403b.jpg after 3 retries - error sending request", Unreachable),
            (
                "Error performing GET http://127.0.0.1:40401/circle/blobs/9f.jpg in 401.779764ms, after 3 retries, \
                 max_retries: 3, retry_timeout: 30s  - HTTP error: error sending request",
                Unreachable,
            ),
            ("Server returned non-2xx status code: 401 Unauthorized", CredentialsRefused),
            ("Client error with status 403", CredentialsRefused),
            ("HTTP 401 returned by the server", CredentialsRefused),
        ] {
            let error = object_store::Error::Generic { store: "HTTP", source: text.into() };
            assert!(matches!(describe(&target, error), Error::Target { problem, .. } if problem == expected), "{text}");
        }
    }
}
