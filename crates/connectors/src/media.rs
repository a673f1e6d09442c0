//! Media bytes fetched from a provider, with the digest the hub stores them under.
//!
//! Provider download URLs expire within minutes, so the hub fetches inbound media at once and
//! keeps the bytes itself (PRODUCT §5).

use base64::Engine as _;
use bytes::Bytes;
use sha2::{Digest, Sha256};

/// A downloaded media file.
#[derive(Clone, PartialEq, Eq)]
pub struct FetchedMedia {
    /// The file.
    pub bytes: Bytes,
    /// What the provider says it is, e.g. `image/jpeg`.
    pub mime_type: String,
    /// Lowercase hex SHA-256 of `bytes`, computed here (and checked against the provider's).
    pub sha256: String,
    /// `bytes.len()`.
    pub file_size: u64,
}

impl std::fmt::Debug for FetchedMedia {
    // Media can be megabytes: never dump the bytes into a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchedMedia")
            .field("mime_type", &self.mime_type)
            .field("sha256", &self.sha256)
            .field("file_size", &self.file_size)
            .finish_non_exhaustive()
    }
}

/// A hub file that travels inside the send itself, for providers without a separate upload
/// (Telegram): the message's media source names it by `media_id`.
#[derive(Clone)]
pub struct AttachedFile {
    /// The id the message's content uses for it (the hub's media id).
    pub media_id: String,
    pub bytes: Bytes,
    pub mime_type: String,
    pub filename: String,
}

impl std::fmt::Debug for AttachedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachedFile")
            .field("media_id", &self.media_id)
            .field("mime_type", &self.mime_type)
            .field("size", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// What the provider keeps of an attached file after the send: its own id, for re-sends
/// without the bytes (Telegram's `file_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFile {
    /// The attached file's `media_id`.
    pub media_id: String,
    /// The provider's id for it.
    pub provider_media_id: String,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether a provider-written digest names `actual` (raw SHA-256 bytes). Providers write it as
/// hex (Graph media lookups) or base64 (WhatsApp webhooks), so both forms are accepted; anything
/// that is neither is a mismatch.
pub fn digest_matches(provider: &str, actual: &[u8; 32]) -> bool {
    let provider = provider.trim();
    if let Ok(raw) = hex::decode(provider)
        && raw.len() == 32
    {
        return raw == actual;
    }
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
    ];
    engines
        .iter()
        .filter_map(|e| e.decode(provider).ok())
        .any(|raw| raw == actual)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_in_hex_and_base64_and_nothing_else() {
        let bytes = b"hello media";
        let actual: [u8; 32] = Sha256::digest(bytes).into();
        let hex_form = sha256_hex(bytes);
        let b64_form = base64::engine::general_purpose::STANDARD.encode(actual);
        assert!(digest_matches(&hex_form, &actual));
        assert!(digest_matches(&hex_form.to_uppercase(), &actual));
        assert!(digest_matches(&b64_form, &actual));
        assert!(!digest_matches(&sha256_hex(b"other"), &actual));
        assert!(!digest_matches("not a digest", &actual));
        assert!(!digest_matches("", &actual));
    }
}
