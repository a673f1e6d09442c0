//! The messaging vocabulary shared by the store, core and the edges: channel kinds, recipient
//! addresses per kind, message statuses and their order, directions, senders, and conversation
//! states. Pure values with their rules; nothing here does I/O.

mod address;
mod channel;
mod conversation;
mod sender;
mod status;
pub mod window;

pub use address::{Address, AddressError};
pub use channel::{ChannelKind, ChannelStatus};
pub use conversation::{ConversationStatus, Priority};
pub use sender::{Direction, Sender};
pub use status::MessageStatus;
pub use window::{MessageTag, TagError, WindowClosed, WindowVerdict, check_window};

/// Implements `as_str`, `parse`, `Display`, `FromStr` and string serde for a fieldless enum whose
/// wire names are listed once.
macro_rules! wire_enum {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value with this wire name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s).ok_or_else(|| {
                    let known: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("`{s}` is not one of {}", known.join(", "))
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use wire_enum;
