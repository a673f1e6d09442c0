//! Channel secrets at rest: credentials (a JSON object of the protocol's secret fields) and the
//! webhook secret are sealed with the master key, bound to the channel and the slot they live in,
//! and only ever shown masked.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use switchboard_domain::ChannelId;

use crate::sealing::MasterKey;
use crate::{CoreError, CoreResult};

/// Where a sealed blob lives on a channel; part of the associated data, so a blob copied to
/// another slot or channel does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Credentials,
    DraftCredentials,
    WebhookSecret,
}

impl Slot {
    fn context(self, id: ChannelId) -> String {
        let slot = match self {
            Slot::Credentials => "credentials",
            Slot::DraftCredentials => "draft_credentials",
            Slot::WebhookSecret => "webhook_secret",
        };
        format!("channel:{id}:{slot}")
    }
}

pub(crate) fn seal(key: &MasterKey, id: ChannelId, slot: Slot, plaintext: &[u8]) -> Vec<u8> {
    key.seal(plaintext, slot.context(id).as_bytes())
}

pub(crate) fn open(key: &MasterKey, id: ChannelId, slot: Slot, blob: &[u8]) -> CoreResult<Vec<u8>> {
    key.open(blob, slot.context(id).as_bytes())
        .map_err(CoreError::internal)
}

/// Seals a credentials object.
pub(crate) fn seal_json(key: &MasterKey, id: ChannelId, slot: Slot, secrets: &Value) -> Vec<u8> {
    seal(key, id, slot, secrets.to_string().as_bytes())
}

/// Opens a credentials object.
pub(crate) fn open_json(
    key: &MasterKey,
    id: ChannelId,
    slot: Slot,
    blob: &[u8],
) -> CoreResult<Value> {
    let bytes = open(key, id, slot, blob)?;
    serde_json::from_slice(&bytes).map_err(CoreError::internal)
}

/// Opens the webhook secret.
pub(crate) fn open_text(key: &MasterKey, id: ChannelId, blob: &[u8]) -> CoreResult<String> {
    let bytes = open(key, id, Slot::WebhookSecret, blob)?;
    String::from_utf8(bytes).map_err(CoreError::internal)
}

/// `base` with every key of `changes` written over it; a `null` in `changes` removes the key.
pub(crate) fn merge(base: &Value, changes: &Value) -> Value {
    let mut out: Map<String, Value> = base.as_object().cloned().unwrap_or_default();
    if let Value::Object(changes) = changes {
        for (k, v) in changes {
            if v.is_null() {
                out.remove(k);
            } else {
                out.insert(k.clone(), v.clone());
            }
        }
    } else {
        // Not an object: keep it as is so validation reports the shape.
        return changes.clone();
    }
    Value::Object(out)
}

/// Secrets shorter than this show no characters at all: four of eight would be half the secret.
const MIN_LEN_TO_SHOW_TAIL: usize = 16;

/// `••••abcd`: enough to recognise a secret, never enough to use it.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < MIN_LEN_TO_SHOW_TAIL {
        return "••••".to_owned();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("••••{tail}")
}

/// Each set secret field with its masked value.
pub(crate) fn masked_fields(secrets: &Value) -> BTreeMap<String, String> {
    secrets
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), mask(v.as_str().unwrap_or_default())))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_show_at_most_the_last_four_of_long_secrets() {
        assert_eq!(mask("EAAG-0123456789-abcd"), "••••abcd");
        assert_eq!(mask("short-token"), "••••");
        assert_eq!(mask(""), "••••");
    }

    #[test]
    fn sealed_secrets_open_only_in_their_slot() {
        let (key, _) = MasterKey::generate();
        let id = ChannelId::new();
        let blob = seal_json(&key, id, Slot::Credentials, &json!({"access_token": "t"}));
        assert_eq!(
            open_json(&key, id, Slot::Credentials, &blob).unwrap(),
            json!({"access_token": "t"})
        );
        assert!(open_json(&key, id, Slot::DraftCredentials, &blob).is_err());
        assert!(open_json(&key, ChannelId::new(), Slot::Credentials, &blob).is_err());
    }

    #[test]
    fn merge_overwrites_and_removes() {
        let base = json!({"a": "1", "b": "2"});
        assert_eq!(
            merge(&base, &json!({"b": "3", "a": null})),
            json!({"b": "3"})
        );
        assert_eq!(merge(&base, &json!("x")), json!("x"));
    }
}
