//! A recipient address, checked against the format its channel kind uses (PRODUCT §5): WhatsApp
//! E.164 digits without `+`, SMS E.164 with `+`, Messenger PSIDs and Instagram IGSIDs (digits),
//! Telegram chat ids (integers, negative for groups, or a public `@channel`), web chat visitor
//! ids, e-mail addresses. Parsed once at the edge, stored in its canonical form.

use std::fmt;

use super::ChannelKind;
use crate::{E164, Email};

/// Page- and account-scoped Meta ids are long digit strings; 32 leaves room for growth.
const MAX_SCOPED_ID_DIGITS: usize = 32;
/// Web chat visitor ids are ours (the widget makes them); this caps what a client may send.
const MAX_VISITOR_ID: usize = 128;

/// A recipient address in its channel's canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    kind: ChannelKind,
    value: String,
}

/// Why a `to` does not fit its channel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {kind} address: {expected}")]
pub struct AddressError {
    /// The channel kind it was checked for.
    pub kind: ChannelKind,
    /// What was given (cut to 64 characters).
    pub value: String,
    /// What the kind expects.
    pub expected: &'static str,
}

impl Address {
    /// Checks `raw` against `kind`'s format and normalizes it.
    pub fn parse(kind: ChannelKind, raw: &str) -> Result<Self, AddressError> {
        let fail = |expected| AddressError {
            kind,
            value: raw.chars().take(64).collect(),
            expected,
        };
        let raw = raw.trim();
        let value = match kind {
            ChannelKind::Whatsapp => {
                const EXPECTED: &str =
                    "the phone number's digits with the country code, e.g. 447700900123";
                let digits = raw.strip_prefix('+').unwrap_or(raw);
                E164::parse_digits(digits)
                    .map_err(|_| fail(EXPECTED))?
                    .digits()
                    .to_owned()
            }
            ChannelKind::Sms => E164::parse(raw)
                .map_err(|_| {
                    fail("an E.164 number with `+` and the country code, e.g. +447700900123")
                })?
                .as_str()
                .to_owned(),
            ChannelKind::Messenger | ChannelKind::Instagram => {
                let ok = !raw.is_empty()
                    && raw.len() <= MAX_SCOPED_ID_DIGITS
                    && raw.bytes().all(|b| b.is_ascii_digit());
                if !ok {
                    return Err(fail("the page-scoped user id (digits)"));
                }
                raw.to_owned()
            }
            ChannelKind::Telegram => telegram_chat(raw).ok_or_else(|| {
                fail("a chat id (an integer, negative for groups) or @channelname")
            })?,
            ChannelKind::Email => Email::parse(raw)
                .map_err(|_| fail("an e-mail address"))?
                .as_str()
                .to_owned(),
            ChannelKind::Webchat => {
                let ok = !raw.is_empty()
                    && raw.len() <= MAX_VISITOR_ID
                    && raw
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !ok {
                    return Err(fail("a visitor id (letters, digits, - and _)"));
                }
                raw.to_owned()
            }
        };
        Ok(Self { kind, value })
    }

    /// Rebuilds an address read back from storage, where it was stored canonical.
    pub fn from_stored(kind: ChannelKind, value: String) -> Self {
        Self { kind, value }
    }

    /// The channel kind it belongs to.
    pub fn kind(&self) -> ChannelKind {
        self.kind
    }

    /// The canonical form.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// A Telegram chat id: an i64 (groups and channels are negative) or a public `@username`
/// (5 to 32 letters, digits and underscores).
fn telegram_chat(raw: &str) -> Option<String> {
    if let Some(name) = raw.strip_prefix('@') {
        let ok = (5..=32).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        return ok.then(|| raw.to_owned());
    }
    let id: i64 = raw.parse().ok()?;
    (id != 0).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChannelKind::*;

    fn ok(kind: ChannelKind, raw: &str) -> String {
        Address::parse(kind, raw)
            .unwrap_or_else(|e| panic!("{raw}: {e}"))
            .as_str()
            .to_owned()
    }

    #[test]
    fn whatsapp_takes_digits_with_or_without_plus() {
        assert_eq!(ok(Whatsapp, "447700900123"), "447700900123");
        assert_eq!(ok(Whatsapp, "+44 7700 900123"), "447700900123");
        assert!(Address::parse(Whatsapp, "07700900123").is_err());
        assert!(Address::parse(Whatsapp, "12").is_err());
    }

    #[test]
    fn sms_needs_the_plus() {
        assert_eq!(ok(Sms, "+447700900123"), "+447700900123");
        let err = Address::parse(Sms, "447700900123").unwrap_err();
        assert!(err.to_string().contains("E.164"), "{err}");
    }

    #[test]
    fn scoped_ids_chat_ids_visitors_and_emails() {
        assert_eq!(ok(Messenger, "6543210987654321"), "6543210987654321");
        assert!(Address::parse(Instagram, "ada").is_err());
        assert_eq!(ok(Telegram, "-1001234567890"), "-1001234567890");
        assert_eq!(ok(Telegram, "@switchboard_news"), "@switchboard_news");
        assert!(Address::parse(Telegram, "0").is_err());
        assert!(Address::parse(Telegram, "@ab").is_err());
        assert_eq!(ok(Webchat, "v_01J9Z-abc"), "v_01J9Z-abc");
        assert!(Address::parse(Webchat, "a b").is_err());
        assert!(Address::parse(Email, "not-an-address").is_err());
    }
}
