//! Standard Webhooks signing: a secret is `whsec_` and the base64 of random bytes; the signature of
//! a message is `v1,` and the base64 HMAC-SHA256, keyed with those bytes, of
//! `{webhook-id}.{webhook-timestamp}.{body}`. During a rotation both secrets sign and the
//! `webhook-signature` header carries both, space separated, so receivers can switch at leisure.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

const PREFIX: &str = "whsec_";
/// Bytes of a new secret: 32 (the specification allows 24 to 64).
const NEW_SECRET_BYTES: usize = 32;
const MIN_BYTES: usize = 24;
const MAX_BYTES: usize = 64;

/// The key of one endpoint. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(••••)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("a webhook secret starts with `whsec_`")]
    Prefix,
    #[error("a webhook secret is `whsec_` and base64")]
    Base64,
    #[error("a webhook secret holds 24 to 64 bytes")]
    Length,
}

impl WebhookSecret {
    /// A fresh random secret.
    pub fn generate() -> Self {
        let key: [u8; NEW_SECRET_BYTES] = rand::random();
        Self { key: key.to_vec() }
    }

    /// Parses `whsec_<base64>` (a customer may bring their own, e.g. when migrating from Svix).
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let encoded = text.strip_prefix(PREFIX).ok_or(SecretError::Prefix)?;
        let key = STANDARD.decode(encoded).map_err(|_| SecretError::Base64)?;
        if !(MIN_BYTES..=MAX_BYTES).contains(&key.len()) {
            return Err(SecretError::Length);
        }
        Ok(Self { key })
    }

    /// The text form, shown once to the customer and sealed at rest.
    pub fn expose(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.key))
    }

    /// `v1,<base64 signature>` of one delivery.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        format!("v1,{}", STANDARD.encode(self.mac(id, timestamp, body)))
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize().into_bytes().to_vec()
    }

    /// Whether a `webhook-signature` header holds a valid `v1` signature by this secret (constant
    /// time per candidate). Used for the test ping's self-check and by our own receivers in tests.
    pub fn verify(&self, id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
        let expected = self.mac(id, timestamp, body);
        header
            .split(' ')
            .filter_map(|s| s.strip_prefix("v1,"))
            .any(|sig| {
                STANDARD.decode(sig).is_ok_and(|got| {
                    got.len() == expected.len() && bool::from(got.ct_eq(&expected))
                })
            })
    }
}

impl WebhookSecret {
    /// The `X-Hub-Signature-256` value of a meta-format delivery: `sha256=` and the hex
    /// HMAC-SHA256 of the body keyed with the secret's text form (`whsec_...`), which is what a
    /// WhatsApp bot computes when that text is configured as its app secret.
    pub fn hub_signature(&self, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.expose().as_bytes())
            .expect("HMAC takes any key length");
        mac.update(body);
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("sha256={hex}")
    }
}

/// The `webhook-signature` header for the secrets in force (the current one first).
pub fn signature_header(
    secrets: &[&WebhookSecret],
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    secrets
        .iter()
        .map(|s| s.sign(id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_and_bad_forms_are_refused() {
        let s = WebhookSecret::generate();
        assert!(s.expose().starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(&s.expose()), Ok(s.clone()));
        assert_eq!(WebhookSecret::parse("sk_abc"), Err(SecretError::Prefix));
        assert_eq!(WebhookSecret::parse("whsec_***"), Err(SecretError::Base64));
        assert_eq!(
            WebhookSecret::parse("whsec_c2hvcnQ="),
            Err(SecretError::Length)
        );
        assert_eq!(format!("{s:?}"), "WebhookSecret(••••)");
    }

    #[test]
    fn verify_accepts_either_secret_of_a_rotation_and_nothing_else() {
        let (old, new) = (WebhookSecret::generate(), WebhookSecret::generate());
        let header = signature_header(&[&new, &old], "msg_1", 1_700_000_000, b"{}");
        assert_eq!(header.split(' ').count(), 2);
        assert!(new.verify("msg_1", 1_700_000_000, b"{}", &header));
        assert!(old.verify("msg_1", 1_700_000_000, b"{}", &header));
        assert!(!new.verify("msg_2", 1_700_000_000, b"{}", &header));
        assert!(!new.verify("msg_1", 1_700_000_001, b"{}", &header));
        assert!(!new.verify("msg_1", 1_700_000_000, b"{ }", &header));
        assert!(!WebhookSecret::generate().verify("msg_1", 1_700_000_000, b"{}", &header));
    }
}
