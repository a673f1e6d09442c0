//! Secrets at rest: channel credentials and webhook secrets are sealed with the installation's
//! master key (XChaCha20-Poly1305) before they reach the store, and opened only when a connector
//! needs them.
//!
//! A sealed blob is `version (1 byte) || nonce (24 bytes) || ciphertext+tag`. The caller passes
//! associated data naming where the blob lives (e.g. the channel id and the field), so a blob
//! copied into another row or field fails to open instead of silently decrypting there.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha2::Sha256;

/// The only format so far; a new one (another cipher, a rotated key id) gets a new byte.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
/// Master keys are 256-bit.
pub const KEY_LEN: usize = 32;

/// The installation's master key. Never printed.
#[derive(Clone)]
pub struct MasterKey(XChaCha20Poly1305, Arc<[u8; KEY_LEN]>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

/// Why a key or a blob was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the master key must be {KEY_LEN} bytes, base64-encoded")]
    BadKey,
    #[error("the sealed value is truncated or of an unknown version")]
    Malformed,
    #[error("the sealed value does not open with this master key (wrong key, or moved/altered)")]
    Tampered,
}

impl MasterKey {
    /// A key from its 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SealError> {
        if bytes.len() != KEY_LEN {
            return Err(SealError::BadKey);
        }
        let raw: [u8; KEY_LEN] = bytes.try_into().map_err(|_| SealError::BadKey)?;
        XChaCha20Poly1305::new_from_slice(bytes)
            .map(|cipher| Self(cipher, Arc::new(raw)))
            .map_err(|_| SealError::BadKey)
    }

    /// A key from base64 (standard alphabet, padding optional), as kept in the key file or
    /// `SWITCHBOARD_MASTER_KEY`.
    pub fn from_base64(text: &str) -> Result<Self, SealError> {
        let text = text.trim();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
            .map_err(|_| SealError::BadKey)?;
        Self::from_bytes(&bytes)
    }

    /// A fresh random key, returned with its base64 form (to write to the key file).
    pub fn generate() -> (Self, String) {
        let mut bytes = [0u8; KEY_LEN];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let text = base64::engine::general_purpose::STANDARD.encode(bytes);
        let key = Self::from_bytes(&bytes).expect("32 bytes is a valid key");
        (key, text)
    }

    /// A 256-bit key for one purpose (`context`, e.g. `"media-url-signing"`), derived as
    /// HMAC-SHA256(master key, context): each use gets its own key without a second secret to
    /// keep, and knowing a derived key reveals neither the master key nor any other derived key.
    pub fn derive(&self, context: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.1[..])
            .expect("HMAC takes a key of any length");
        mac.update(b"switchboard/derive/v1/");
        mac.update(context.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Seals `plaintext` bound to `context` (where it will be stored).
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory sizes");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a blob sealed with this key for the same `context`.
    pub fn open(&self, blob: &[u8], context: &[u8]) -> Result<Vec<u8>, SealError> {
        let (version, rest) = blob.split_first().ok_or(SealError::Malformed)?;
        if *version != VERSION || rest.len() < NONCE_LEN + 16 {
            return Err(SealError::Malformed);
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        self.0
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: context,
                },
            )
            .map_err(|_| SealError::Tampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_differ_per_context_and_per_master_key() {
        let (a, _) = MasterKey::generate();
        let (b, _) = MasterKey::generate();
        assert_eq!(a.derive("media-url-signing"), a.derive("media-url-signing"));
        assert_ne!(a.derive("media-url-signing"), a.derive("other"));
        assert_ne!(a.derive("media-url-signing"), b.derive("media-url-signing"));
    }

    #[test]
    fn seal_and_open_round_trip() {
        let (key, text) = MasterKey::generate();
        let blob = key.seal(b"EAAG-token", b"channel:1:credentials");
        assert!(
            !blob.windows(10).any(|w| w == b"EAAG-token"),
            "plaintext leaked"
        );
        assert_eq!(
            key.open(&blob, b"channel:1:credentials").unwrap(),
            b"EAAG-token"
        );
        // The same key read back from its text opens it too.
        let again = MasterKey::from_base64(&text).unwrap();
        assert_eq!(
            again.open(&blob, b"channel:1:credentials").unwrap(),
            b"EAAG-token"
        );
    }

    #[test]
    fn a_moved_altered_or_foreign_blob_does_not_open() {
        let (key, _) = MasterKey::generate();
        let blob = key.seal(b"secret", b"channel:1:credentials");
        assert_eq!(
            key.open(&blob, b"channel:2:credentials"),
            Err(SealError::Tampered)
        );
        let mut bent = blob.clone();
        *bent.last_mut().unwrap() ^= 1;
        assert_eq!(
            key.open(&bent, b"channel:1:credentials"),
            Err(SealError::Tampered)
        );
        let (other, _) = MasterKey::generate();
        assert_eq!(
            other.open(&blob, b"channel:1:credentials"),
            Err(SealError::Tampered)
        );
        assert_eq!(
            key.open(&blob[..10], b"channel:1:credentials"),
            Err(SealError::Malformed)
        );
        assert_eq!(key.open(&[], b""), Err(SealError::Malformed));
    }

    #[test]
    fn keys_must_be_32_bytes() {
        assert_eq!(
            MasterKey::from_base64("c2hvcnQ=").unwrap_err(),
            SealError::BadKey
        );
        assert_eq!(
            MasterKey::from_base64("not base64!").unwrap_err(),
            SealError::BadKey
        );
        assert!(format!("{:?}", MasterKey::generate().0).contains(".."));
    }
}
