//! Random secrets and their digests: API key secrets, session and CSRF tokens. Only SHA-256
//! digests are stored, and digests are compared in constant time so that timing reveals nothing.

use rand::Rng;
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Every API key secret starts with this, so leaked keys are easy to spot (secret scanners).
pub const KEY_MARKER: &str = "sbk_";
/// Random base62 characters in the visible prefix: 62^12 ≈ 2^71, so collisions are rare and
/// simply retried.
pub const PREFIX_RANDOM_CHARS: usize = 12;
/// 43 base62 characters carry 43 · log2(62) ≈ 256 bits: the entropy of 32 random bytes.
pub const SECRET_RANDOM_CHARS: usize = 43;

fn base62(n: usize) -> String {
    OsRng
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// A fresh API key secret and its visible prefix: `sbk_<12 base62>_<43 base62>`.
pub fn new_api_key_secret() -> (String, String) {
    let prefix = format!("{KEY_MARKER}{}", base62(PREFIX_RANDOM_CHARS));
    let secret = format!("{prefix}_{}", base62(SECRET_RANDOM_CHARS));
    (prefix, secret)
}

/// The prefix of a presented secret, or `None` when it does not have the shape of a key.
pub fn api_key_prefix(secret: &str) -> Option<&str> {
    let rest = secret.strip_prefix(KEY_MARKER)?;
    let (random, tail) = rest.split_at_checked(PREFIX_RANDOM_CHARS)?;
    let tail = tail.strip_prefix('_')?;
    let shaped = random.chars().all(|c| c.is_ascii_alphanumeric())
        && !tail.is_empty()
        && tail.chars().all(|c| c.is_ascii_alphanumeric());
    shaped.then(|| &secret[..KEY_MARKER.len() + PREFIX_RANDOM_CHARS])
}

/// 32 random bytes, URL-safe base64 (session cookies, CSRF tokens).
pub fn new_token() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = OsRng.r#gen();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn sha256(data: &str) -> Vec<u8> {
    Sha256::digest(data.as_bytes()).to_vec()
}

pub fn digests_equal(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_the_documented_shape() {
        let (prefix, secret) = new_api_key_secret();
        assert_eq!(prefix.len(), 16);
        assert!(secret.starts_with(&format!("{prefix}_")));
        assert_eq!(secret.len(), 16 + 1 + SECRET_RANDOM_CHARS);
        assert_eq!(api_key_prefix(&secret), Some(prefix.as_str()));
        assert_ne!(new_api_key_secret().1, secret);
    }

    #[test]
    fn malformed_secrets_have_no_prefix() {
        for bad in [
            "",
            "sbk_",
            "sbk_short_x",
            "xyz_abcdefghijkl_abc",
            "sbk_abcdefghijkl_",
            "sbk_abcdefghijkl-abc",
            "sbk_abcdéfghijk_abc",
        ] {
            assert_eq!(api_key_prefix(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn digests_compare() {
        assert!(digests_equal(&sha256("a"), &sha256("a")));
        assert!(!digests_equal(&sha256("a"), &sha256("b")));
    }
}
