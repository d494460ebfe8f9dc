//! A short tune as a WAV file, for the demo's song and tests (written with the `hound` crate):
//! the first phrase of a round in C major, one sine note after another with soft edges.

use std::io::Cursor;

/// Samples per second: enough for a clear tune, small enough for a demo (≈ 40 KB a second).
const RATE: u32 = 22_050;

/// The tune as 16-bit mono WAV bytes, `notes` notes long (each 0.3 s; at least one).
pub fn tune_wav(notes: usize) -> Vec<u8> {
    // C D E C, C D E C, E F G (Frère Jacques), in Hz.
    const MELODY: [f32; 11] = [261.6, 293.7, 329.6, 261.6, 261.6, 293.7, 329.6, 261.6, 329.6, 349.2, 392.0];
    let spec =
        hound::WavSpec { channels: 1, sample_rate: RATE, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut bytes = Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut bytes, spec).expect("a WAV header writes to memory");
    let per_note = (RATE as f32 * 0.3) as u32;
    for frequency in MELODY.iter().cycle().take(notes.max(1)) {
        for n in 0..per_note {
            let t = n as f32 / RATE as f32;
            // Rise and fall over 20 ms so notes do not click.
            let edge = (n.min(per_note - n) as f32 / (RATE as f32 * 0.02)).min(1.0);
            let sample = (t * frequency * std::f32::consts::TAU).sin() * 0.3 * edge;
            writer.write_sample((sample * f32::from(i16::MAX)) as i16).expect("samples write to memory");
        }
    }
    writer.finalize().expect("a WAV finishes in memory");
    bytes.into_inner()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tune_is_a_wav_of_the_length_asked() {
        let wav = super::tune_wav(4);
        let reader = hound::WavReader::new(std::io::Cursor::new(&wav)).unwrap();
        assert_eq!(reader.duration(), 4 * (super::RATE as f32 * 0.3) as u32, "four notes of 0.3 s");
        assert_eq!(infer::get(&wav).map(|t| t.mime_type()), Some("audio/x-wav"), "read as WAV from its bytes");
    }
}
