//! `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 with the app secret over the raw body bytes.
//!
//! Verify before parsing, over the bytes exactly as received (Meta signs its `\uXXXX`-escaped
//! ASCII; re-serialised JSON would not match). The comparison is constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header Meta signs POSTs with (the same for Messenger and Instagram).
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

const PREFIX: &str = "sha256=";

type HmacSha256 = Hmac<Sha256>;

/// Why a webhook signature was refused. The variants never carry the secret or the digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `X-Hub-Signature-256` header.
    #[error("signature header is missing")]
    Missing,
    /// Not `sha256=` followed by 64 hex digits.
    #[error("signature header is malformed")]
    Malformed,
    /// Well formed, but not the HMAC of this body under our secret.
    #[error("signature does not match the body")]
    Mismatch,
}

/// Checks `header` (the `X-Hub-Signature-256` value, if any) against `raw_body`.
pub fn verify_signature(
    app_secret: &[u8],
    raw_body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let hex_digest = header
        .trim()
        .strip_prefix(PREFIX)
        .ok_or(SignatureError::Malformed)?;
    let expected = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed)?;
    if expected.len() != 32 {
        return Err(SignatureError::Malformed);
    }
    // `verify_slice` compares in constant time.
    mac(app_secret, raw_body)
        .verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// The header value Meta would send for `raw_body`: `sha256=<lowercase hex>`. Used by the sandbox
/// to sign what it emits, and by tests.
pub fn sign(app_secret: &[u8], raw_body: &[u8]) -> String {
    let digest = mac(app_secret, raw_body).finalize().into_bytes();
    format!("{PREFIX}{}", hex::encode(digest))
}

fn mac(app_secret: &[u8], raw_body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length (long ones are hashed first), so `new_from_slice` never
    // returns its `InvalidLength` error for HMAC-SHA256.
    let mut mac = <HmacSha256 as hmac::digest::KeyInit>::new_from_slice(app_secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(raw_body);
    mac
}
