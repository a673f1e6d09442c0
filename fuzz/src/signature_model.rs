//! What `verify_signature` must answer, restated from PROVIDERS §1.6: the header is
//! `sha256=<hex>` (64 hex digits, surrounding whitespace tolerated) and only the HMAC-SHA256 of
//! the exact body under the app secret is accepted.

/// The expected verdict, given the digest the body really has (as produced by `sign`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No header.
    Missing,
    /// Not `sha256=` and 64 hex digits.
    Malformed,
    /// Well formed, wrong digest.
    Mismatch,
    /// The right digest.
    Valid,
}

/// `correct` is `sign(secret, body)`, i.e. `sha256=<lowercase hex>`.
#[must_use]
pub fn verdict(header: Option<&str>, correct: &str) -> Verdict {
    let Some(header) = header else {
        return Verdict::Missing;
    };
    let Some(hex) = header.trim().strip_prefix("sha256=") else {
        return Verdict::Malformed;
    };
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Verdict::Malformed;
    }
    let want = correct.strip_prefix("sha256=").unwrap_or(correct);
    if hex.eq_ignore_ascii_case(want) {
        Verdict::Valid
    } else {
        Verdict::Mismatch
    }
}

/// Cuts fuzz input into (secret, header, body): the first byte sizes the secret (0..=64 bytes,
/// so both short keys and keys longer than the SHA-256 block are hit), the second the header.
#[must_use]
pub fn split(data: &[u8]) -> (&[u8], &[u8], &[u8]) {
    let [a, b, rest @ ..] = data else {
        return (&[], &[], data);
    };
    let (secret, rest) = rest.split_at(usize::from(*a % 65).min(rest.len()));
    let (header, body) = rest.split_at(usize::from(*b).min(rest.len()));
    (secret, header, body)
}
