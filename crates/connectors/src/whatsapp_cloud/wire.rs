//! Small serde helpers shared by the send and webhook types: the constant `messaging_product`,
//! and the lenient readers for values Meta sends as a string or a number (timestamps, indices).

use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;

/// The `"messaging_product":"whatsapp"` marker every Cloud API body carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessagingProduct {
    /// The only value Meta accepts on this API.
    #[default]
    #[serde(rename = "whatsapp")]
    Whatsapp,
}

/// A JSON scalar that Meta (or a client) may write as a string or as a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrNumber {
    String(String),
    Int(i64),
    Float(f64),
}

impl StringOrNumber {
    fn into_i64(self) -> Option<i64> {
        match self {
            Self::String(s) => s.trim().parse().ok(),
            Self::Int(n) => Some(n),
            // Only whole numbers are meaningful where we use this (seconds, ids, indices).
            #[expect(
                clippy::cast_possible_truncation,
                reason = "checked to be whole and in range"
            )]
            Self::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            Self::Float(_) => None,
        }
    }

    fn into_string(self) -> String {
        match self {
            Self::String(s) => s,
            Self::Int(n) => n.to_string(),
            Self::Float(f) => f.to_string(),
        }
    }
}

/// Reads unix seconds written as `"1767225600"` (Meta's usual form) or `1767225600`.
pub(crate) fn unix_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
    let secs = StringOrNumber::deserialize(d)?
        .into_i64()
        .ok_or_else(|| serde::de::Error::custom("timestamp is not whole unix seconds"))?;
    OffsetDateTime::from_unix_timestamp(secs).map_err(serde::de::Error::custom)
}

/// Like [`unix_seconds`] for an optional field (absent or `null` is `None`).
pub(crate) fn opt_unix_seconds<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<OffsetDateTime>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "unix_seconds")] OffsetDateTime);
    Ok(Option::<Wrap>::deserialize(d)?.map(|Wrap(t)| t))
}

/// Reads a value written as a string or a number into its string form (ids, button indices).
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(StringOrNumber::deserialize(d)?.into_string())
}
