//! Typed identifiers. Every id is a UUIDv7 (time-ordered, so primary-key inserts append and ids
//! sort by creation), wrapped in its own type so that an `OrgId` can never be passed as a `UserId`.

use std::fmt;
use std::str::FromStr;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
            pub fn as_uuid(&self) -> &uuid::Uuid {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }

        impl From<uuid::Uuid> for $name {
            fn from(u: uuid::Uuid) -> Self {
                Self(u)
            }
        }
    };
}

uuid_id!(
    /// An organization: the tenant.
    OrgId
);
uuid_id!(
    /// A person who can sign in; may belong to several organizations.
    UserId
);
uuid_id!(
    /// A team of users inside one organization.
    TeamId
);
uuid_id!(
    /// An API key of one organization.
    ApiKeyId
);
uuid_id!(
    /// A signed-in browser session.
    SessionId
);
uuid_id!(
    /// A row of the job queue.
    JobId
);
uuid_id!(
    /// An audit log entry.
    AuditId
);
uuid_id!(
    /// A channel: one messaging account of an organization (the `from` of the send API).
    ChannelId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_time_ordered_and_round_trip() {
        let a = OrgId::new();
        let b = OrgId::new();
        assert!(a < b, "UUIDv7 ids sort by creation");
        assert_eq!(a.to_string().parse::<OrgId>().unwrap(), a);
        assert!("not-a-uuid".parse::<OrgId>().is_err());
    }
}
uuid_id!(
    /// A contact: one person, with identities on several channels.
    ContactId
);
uuid_id!(
    /// A contact's identity on one channel (a WhatsApp id, a PSID, a chat id...).
    IdentityId
);
uuid_id!(
    /// The thread between an organization and one contact identity on one channel.
    ConversationId
);
uuid_id!(
    /// A message, inbound or outbound.
    MessageId
);
uuid_id!(
    /// A stored media file.
    MediaId
);
uuid_id!(
    /// A recorded event (what webhooks and the live stream tell).
    EventId
);
uuid_id!(
    /// A customer's webhook endpoint: where an organization's events are delivered.
    WebhookEndpointId
);
uuid_id!(
    /// A message template of one channel (name and language), as the organization knows it.
    TemplateId
);
