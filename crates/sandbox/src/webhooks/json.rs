//! Meta's webhook JSON: compact, with every non-ASCII character escaped as `\uXXXX` (lowercase
//! hex, UTF-16 code units, surrogate pairs for astral characters). The signature is computed over
//! these exact ASCII bytes, so a hub that re-serialises before verifying will fail, as with Meta.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// A compact formatter (the trait's defaults are compact) that escapes non-ASCII the way Meta does; everything else (quotes,
/// backslashes, control characters) is escaped by serde_json before fragments reach us.
struct AsciiEscaping;

impl Formatter for AsciiEscaping {
    fn write_string_fragment<W>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        // Runs of ASCII are written in one go; only the rest is escaped unit by unit.
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// Serialises `value` as Meta sends it. Serialising a `serde_json::Value` cannot fail.
pub(crate) fn to_meta_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, AsciiEscaping);
    if let Err(e) = value.serialize(&mut ser) {
        tracing::error!(error = %e, "webhook payload did not serialise");
        return b"{}".to_vec();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn non_ascii_is_escaped_in_lowercase_utf16() {
        let bytes = to_meta_json(&json!({"a": 1, "t": "café 👍 \"q\"\n"}));
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, r#"{"a":1,"t":"caf\u00e9 \ud83d\udc4d \"q\"\n"}"#);
        assert!(text.is_ascii());
    }

    #[test]
    fn escaped_json_parses_back_to_the_same_value() {
        let v = json!({"a": ["Ünïcödé", "日本語", "🇬🇧"], "b": {"c": null, "d": 1.5}});
        let back: serde_json::Value = serde_json::from_slice(&to_meta_json(&v)).unwrap();
        assert_eq!(back, v);
    }
}
