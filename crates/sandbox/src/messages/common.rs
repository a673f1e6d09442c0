//! The fields every send shares (PROVIDERS §1.2): `messaging_product`, `recipient_type`, `to`,
//! `type`, `context`, `biz_opaque_callback_data`, and the refusal of keys Meta does not know.

use super::params::{Checked, Obj, invalid, malformed};

/// Message types a business can send, each with its object key of the same name.
pub(crate) const SENDABLE: [&str; 11] = [
    "text",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "location",
    "contacts",
    "interactive",
    "template",
    "reaction",
];

/// Types Meta knows (they arrive in webhooks) but a business cannot send: 131051.
const NOT_SENDABLE: [&str; 6] = [
    "button",
    "order",
    "system",
    "unsupported",
    "ephemeral",
    "request_welcome",
];

/// Longest `biz_opaque_callback_data` Meta takes.
const CALLBACK_DATA_MAX: usize = 512;
/// E.164: a country code and subscriber number of 8 to 15 digits in all.
const E164_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

/// The checked common fields of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Envelope<'a> {
    /// `to` exactly as given (echoed as `contacts[0].input`).
    pub to: &'a str,
    /// The normalised recipient: digits for individuals, the group id for groups.
    pub wa_id: String,
    /// The send's `type`, one of [`SENDABLE`].
    pub kind: &'static str,
    /// `recipient_type` is `group`: no customer window or pair rate applies.
    pub group: bool,
    /// `biz_opaque_callback_data`.
    pub callback_data: Option<&'a str>,
}

/// Checks the common fields and that the only other key is the object of `type`.
pub(crate) fn envelope<'a>(root: &Obj<'a>) -> Checked<Envelope<'a>> {
    messaging_product(root)?;
    let kind = root.req_str("type")?;
    let kind = match SENDABLE.iter().find(|k| **k == kind) {
        Some(k) => *k,
        None if NOT_SENDABLE.contains(&kind) => {
            return Err(crate::graph_error::GraphError::code(
                131_051,
                format!("Message type {kind} is not supported for sending"),
            ));
        }
        None => return Err(invalid(format!("Param type has an invalid value: {kind}"))),
    };
    root.only(&[
        "messaging_product",
        "recipient_type",
        "to",
        "type",
        "context",
        "biz_opaque_callback_data",
        kind,
    ])?;
    let group = match root.opt_str("recipient_type")? {
        None | Some("individual") => false,
        Some("group") => true,
        Some(other) => {
            return Err(invalid(format!(
                "Param recipient_type must be one of {{individual, group}}, got {other}"
            )));
        }
    };
    let to = root.req_str("to")?;
    let wa_id = if group {
        group_id(to)?
    } else {
        recipient_digits(to)?
    };
    if let Some(context) = root.opt_obj("context")? {
        context.only(&["message_id"])?;
        let id = context.req_str("message_id")?;
        super::params::non_empty(&context.at("message_id"), id)?;
    }
    let callback_data = root.opt_text("biz_opaque_callback_data", CALLBACK_DATA_MAX)?;
    if !root.has(kind) {
        return Err(malformed(format!("Param {kind} is required")));
    }
    Ok(Envelope {
        to,
        wa_id,
        kind,
        group,
        callback_data,
    })
}

/// `messaging_product` must be `whatsapp`.
pub(crate) fn messaging_product(root: &Obj<'_>) -> Checked<()> {
    match root.req_str("messaging_product")? {
        "whatsapp" => Ok(()),
        other => Err(invalid(format!(
            "Param messaging_product must be whatsapp, got {other}"
        ))),
    }
}

/// The digits of `to`: Meta strips spaces, dashes, dots and parentheses and one leading `+`;
/// what remains must be 8 to 15 digits.
pub(crate) fn recipient_digits(to: &str) -> Checked<String> {
    let trimmed = to.trim();
    let rest = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '.' => {}
            _ => return Err(bad_number(to)),
        }
    }
    if E164_DIGITS.contains(&digits.len()) && !digits.starts_with('0') {
        Ok(digits)
    } else {
        Err(bad_number(to))
    }
}

fn bad_number(to: &str) -> crate::graph_error::GraphError {
    invalid(format!(
        "Param to must be a valid phone number in international format (8 to 15 digits with the country code), got \"{to}\""
    ))
}

/// A group id: Meta's are opaque tokens; we take letters, digits, `.`, `_`, `-`, `@`.
fn group_id(to: &str) -> Checked<String> {
    let ok = !to.is_empty()
        && to.len() <= 128
        && to
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(to.to_owned())
    } else {
        Err(invalid(format!(
            "Param to is not a valid group id: \"{to}\""
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: serde_json::Value) -> Result<(String, &'static str), (i64, String)> {
        let root =
            Obj::new(&v, String::new()).map_err(|e| (e.code, e.details.unwrap_or_default()))?;
        envelope(&root)
            .map(|e| (e.wa_id, e.kind))
            .map_err(|e| (e.code, e.details.unwrap_or_default()))
    }

    #[test]
    fn numbers_are_normalised_like_meta() {
        assert_eq!(
            recipient_digits("+44 (7700) 900-123").unwrap(),
            "447700900123"
        );
        assert_eq!(recipient_digits("447700900123").unwrap(), "447700900123");
        for bad in [
            "",
            "+",
            "1234567",
            "1234567890123456",
            "44770090012a",
            "++447700900123",
            "0447700900123",
        ] {
            assert_eq!(recipient_digits(bad).unwrap_err().code, 131_009, "{bad}");
        }
    }

    #[test]
    fn common_fields() {
        let ok = json!({"messaging_product":"whatsapp","to":"+447700900123","type":"text","text":{"body":"hi"}});
        assert_eq!(check(ok).unwrap(), ("447700900123".into(), "text"));
        let cases = [
            (
                json!({"to":"447700900123","type":"text","text":{}}),
                100,
                "Param messaging_product is required",
            ),
            (
                json!({"messaging_product":"sms","to":"447700900123","type":"text","text":{}}),
                131_009,
                "Param messaging_product must be whatsapp, got sms",
            ),
            (
                json!({"messaging_product":"whatsapp","type":"text","text":{}}),
                100,
                "Param to is required",
            ),
            (
                json!({"messaging_product":"whatsapp","to":"447700900123","text":{}}),
                100,
                "Param type is required",
            ),
            (
                json!({"messaging_product":"whatsapp","to":"447700900123","type":"fax"}),
                131_009,
                "Param type has an invalid value: fax",
            ),
            (
                json!({"messaging_product":"whatsapp","to":"447700900123","type":"text"}),
                100,
                "Param text is required",
            ),
            (
                json!({"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{},"x":1}),
                100,
                "Unexpected key \"x\" on param",
            ),
            (
                json!({"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{},"image":{}}),
                100,
                "Unexpected key \"image\" on param",
            ),
            (
                json!({"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{},"context":{"message_id":7}}),
                100,
                "Param context['message_id'] must be a string",
            ),
            (
                json!({"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{},"recipient_type":"broadcast"}),
                131_009,
                "Param recipient_type must be one of {individual, group}, got broadcast",
            ),
        ];
        for (body, code, details) in cases {
            assert_eq!(
                check(body.clone()).unwrap_err(),
                (code, details.to_owned()),
                "{body}"
            );
        }
        let long = "x".repeat(513);
        let body = json!({"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{},"biz_opaque_callback_data":long});
        assert_eq!(check(body).unwrap_err().0, 131_009);
        let body =
            json!({"messaging_product":"whatsapp","to":"447700900123","type":"order","order":{}});
        assert_eq!(check(body).unwrap_err().0, 131_051);
    }
}
