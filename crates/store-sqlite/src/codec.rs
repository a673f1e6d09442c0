//! Conversions between domain values and SQLite columns: UUIDs as 16-byte BLOBs, timestamps as
//! INTEGER unix milliseconds, lists as JSON text. Decoding helpers take a `Row` and column index
//! and report bad data as a rusqlite conversion error, so row mappers stay `?`-only.

use rusqlite::Row;
use rusqlite::types::Type;
use switchboard_domain::Timestamp;
use uuid::Uuid;

/// Milliseconds since the epoch; the domain truncates `now()` to milliseconds so this round-trips.
pub(crate) fn ms(t: Timestamp) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub(crate) fn opt_ms(t: Option<Timestamp>) -> Option<i64> {
    t.map(ms)
}

pub(crate) fn from_ms(v: i64) -> Result<Timestamp, time::error::ComponentRange> {
    Timestamp::from_unix_timestamp_nanos(i128::from(v) * 1_000_000)
}

/// A JSON text column for any serializable list or value.
pub(crate) fn json<T: serde::Serialize>(v: &T) -> String {
    // Serializing plain lists and `serde_json::Value` cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

/// Channel ids as one JSON array of hex ids, matched in SQL with `json_each`: the statement text
/// (and its cached plan) never changes with the list's length.
pub(crate) fn channel_ids_json(ids: &[switchboard_domain::ChannelId]) -> String {
    let hex: Vec<String> = ids.iter().map(|id| id.0.simple().to_string()).collect();
    json(&hex)
}

fn bad(idx: usize, ty: Type, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, ty, Box::new(e))
}

pub(crate) fn get_uuid(row: &Row<'_>, idx: usize) -> rusqlite::Result<Uuid> {
    let bytes: Vec<u8> = row.get(idx)?;
    Uuid::from_slice(&bytes).map_err(|e| bad(idx, Type::Blob, e))
}

pub(crate) fn get_opt_uuid(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Uuid>> {
    let bytes: Option<Vec<u8>> = row.get(idx)?;
    bytes
        .map(|b| Uuid::from_slice(&b).map_err(|e| bad(idx, Type::Blob, e)))
        .transpose()
}

pub(crate) fn get_ts(row: &Row<'_>, idx: usize) -> rusqlite::Result<Timestamp> {
    from_ms(row.get(idx)?).map_err(|e| bad(idx, Type::Integer, e))
}

pub(crate) fn get_opt_ts(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Timestamp>> {
    let v: Option<i64> = row.get(idx)?;
    v.map(|v| from_ms(v).map_err(|e| bad(idx, Type::Integer, e)))
        .transpose()
}

pub(crate) fn get_json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| bad(idx, Type::Text, e))
}

pub(crate) fn get_opt_json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| bad(idx, Type::Text, e)))
        .transpose()
}

/// A text column parsed by a domain parser (`Name::parse`, `Role::from_str`...).
pub(crate) fn get_parsed<T, E>(
    row: &Row<'_>,
    idx: usize,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> rusqlite::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(idx)?;
    parse(&text).map_err(|e| bad(idx, Type::Text, e))
}

/// An integer column that must fit the target type (attempt counters, statuses).
pub(crate) fn get_int<T: TryFrom<i64>>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T::Error: std::error::Error + Send + Sync + 'static,
{
    let v: i64 = row.get(idx)?;
    T::try_from(v).map_err(|e| bad(idx, Type::Integer, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_trip() {
        let t = switchboard_domain::now();
        assert_eq!(from_ms(ms(t)).unwrap(), t);
        assert_eq!(ms(from_ms(-1).unwrap()), -1);
    }
}
