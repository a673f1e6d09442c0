//! Switchboard's domain vocabulary: identifiers, values parsed once at the edge, and the access
//! model (roles and scopes). Pure: no I/O, no async, no driver or web crate, so every other crate
//! can depend on it and its rules can be unit-tested in isolation.

pub mod access;
pub mod content;
pub mod email;
pub mod ids;
pub mod messaging;
pub mod name;
pub mod phone;
pub mod secret;
pub mod sms;
pub mod templates;

pub use access::{Role, Scope, ScopeParseError};
pub use content::{Content, ContentError, ContentKind, OutboundContent};
pub use email::{Email, EmailError};
pub use ids::*;
pub use messaging::{
    Address, AddressError, ChannelKind, ChannelStatus, ConversationStatus, Direction,
    MessageStatus, MessageTag, Priority, Sender, WindowClosed,
};
pub use name::{Name, NameError};
pub use phone::{E164, PhoneError};
pub use secret::Secret;

/// Every timestamp in Switchboard is UTC.
pub type Timestamp = time::OffsetDateTime;

/// The current time, truncated to whole milliseconds so that it round-trips exactly through both
/// storage backends (SQLite keeps integer milliseconds, PostgreSQL microseconds).
pub fn now() -> Timestamp {
    let now = time::OffsetDateTime::now_utc();
    let ms = now.unix_timestamp_nanos() / 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000).expect("in range")
}
