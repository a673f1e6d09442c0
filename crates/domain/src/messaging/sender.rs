//! Which way a message goes, and who sent an outbound one (PRODUCT §5: every outbound message
//! records its sender).

use serde::{Deserialize, Serialize};

use super::wire_enum;
use crate::{ApiKeyId, UserId};

/// Inbound (from a customer) or outbound (to one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Inbound,
    Outbound,
}

wire_enum!(Direction {
    Inbound => "inbound",
    Outbound => "outbound",
});

/// Who sent an outbound message. Bots, automations, campaigns and sequences are named by their
/// own ids (uuids) once those features exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Sender {
    User(UserId),
    ApiKey(ApiKeyId),
    Bot(uuid::Uuid),
    Automation(uuid::Uuid),
    Campaign(uuid::Uuid),
    Sequence(uuid::Uuid),
    /// Switchboard itself (an opt-out confirmation, a session-end message).
    System,
}

impl Sender {
    /// The kind as stored: `user`, `api_key`, `bot`...
    pub fn kind(&self) -> &'static str {
        match self {
            Sender::User(_) => "user",
            Sender::ApiKey(_) => "api_key",
            Sender::Bot(_) => "bot",
            Sender::Automation(_) => "automation",
            Sender::Campaign(_) => "campaign",
            Sender::Sequence(_) => "sequence",
            Sender::System => "system",
        }
    }

    /// The sender's id, when it has one.
    pub fn id(&self) -> Option<uuid::Uuid> {
        match self {
            Sender::User(id) => Some(id.0),
            Sender::ApiKey(id) => Some(id.0),
            Sender::Bot(id)
            | Sender::Automation(id)
            | Sender::Campaign(id)
            | Sender::Sequence(id) => Some(*id),
            Sender::System => None,
        }
    }

    /// Rebuilds a sender from its stored kind and id.
    pub fn from_parts(kind: &str, id: Option<uuid::Uuid>) -> Option<Self> {
        Some(match (kind, id) {
            ("user", Some(id)) => Sender::User(UserId(id)),
            ("api_key", Some(id)) => Sender::ApiKey(ApiKeyId(id)),
            ("bot", Some(id)) => Sender::Bot(id),
            ("automation", Some(id)) => Sender::Automation(id),
            ("campaign", Some(id)) => Sender::Campaign(id),
            ("sequence", Some(id)) => Sender::Sequence(id),
            ("system", None) => Sender::System,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip() {
        let all = [
            Sender::User(UserId::new()),
            Sender::ApiKey(ApiKeyId::new()),
            Sender::Bot(uuid::Uuid::now_v7()),
            Sender::Campaign(uuid::Uuid::now_v7()),
            Sender::System,
        ];
        for s in all {
            assert_eq!(Sender::from_parts(s.kind(), s.id()), Some(s));
        }
        assert_eq!(Sender::from_parts("user", None), None);
        let json = serde_json::to_value(Sender::System).unwrap();
        assert_eq!(json, serde_json::json!({"type": "system"}));
    }
}
