//! Provider-shaped identifiers: wamids, numeric Graph ids, fbtrace ids.

use base64::Engine as _;
use rand::Rng as _;
use rand::distributions::Alphanumeric;

/// A new WhatsApp message id: `wamid.` and base64, like Meta's (opaque, up to 128 chars).
pub(crate) fn wamid(recipient_digits: &str) -> String {
    let mut raw = Vec::with_capacity(40);
    raw.extend_from_slice(b"\x15\x02\x00\x11\x18\x12");
    raw.extend_from_slice(
        recipient_digits
            .as_bytes()
            .get(..15)
            .unwrap_or(recipient_digits.as_bytes()),
    );
    let random: [u8; 16] = rand::thread_rng().r#gen();
    raw.extend_from_slice(hex::encode_upper(random).as_bytes());
    format!(
        "wamid.HBgM{}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// A new numeric Graph object id (media, templates): 16 digits, first one non-zero.
pub(crate) fn numeric_id() -> String {
    let mut rng = rand::thread_rng();
    let first = rng.gen_range(1..=9u8);
    let rest: u64 = rng.gen_range(0..1_000_000_000_000_000);
    format!("{first}{rest:015}")
}

/// A Graph `fbtrace_id`: 11 alphanumerics.
pub(crate) fn fbtrace_id() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(11)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_provider_shapes() {
        let w = wamid("447700900123");
        assert!(w.starts_with("wamid.") && w.len() <= 128, "{w}");
        assert_ne!(w, wamid("447700900123"));
        let n = numeric_id();
        assert_eq!(n.len(), 16);
        assert!(n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'));
        assert_eq!(fbtrace_id().len(), 11);
    }
}
