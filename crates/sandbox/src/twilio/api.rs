//! The emulated Messages API: `POST …/Messages.json` validates like Twilio, answers 201 with the
//! message resource (numbers as strings, RFC 2822 dates) or Twilio's error document, and
//! schedules the signed status callbacks; `GET …/Media/{sid}` serves inbound media.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use bytes::Bytes;
use serde_json::{Value, json};
use switchboard_domain::sms::keyword;

use super::hooks::{self, Due};
use super::state::{TwilioAccount, sid};
use crate::state::AppState;

/// Twilio's error: its HTTP status, code and message.
#[derive(Debug)]
pub(crate) struct TwilioError {
    status: u16,
    code: u32,
    message: String,
}

impl IntoResponse for TwilioError {
    fn into_response(self) -> Response {
        let body = json!({
            "code": self.code,
            "message": self.message,
            "more_info": format!("https://www.twilio.com/docs/errors/{}", self.code),
            "status": self.status,
        });
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (status, axum::Json(body)).into_response()
    }
}

/// Twilio's error document with its HTTP status, as a response.
pub(crate) fn error(status: u16, code: u32, message: impl Into<String>) -> Response {
    TwilioError {
        status,
        code,
        message: message.into(),
    }
    .into_response()
}

/// The account named in the path, when the Basic credentials are its own; 20003 otherwise.
pub(crate) fn authenticate(
    state: &AppState,
    account_sid: &str,
    headers: &HeaderMap,
) -> Result<Arc<TwilioAccount>, TwilioError> {
    let unauthorized = || TwilioError {
        status: 401,
        code: 20003,
        message: "Authenticate".to_owned(),
    };
    let account = state.twilio.account(account_sid).ok_or_else(unauthorized)?;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok())
        .ok_or_else(unauthorized)?;
    let expected = format!("{}:{}", account.account_sid, account.auth_token);
    if subtle::ConstantTimeEq::ct_eq(given.as_bytes(), expected.as_bytes()).into() {
        Ok(account)
    } else {
        Err(unauthorized())
    }
}

/// `+` and 8 to 15 digits.
pub(crate) fn is_e164(v: &str) -> bool {
    v.strip_prefix('+')
        .is_some_and(|d| (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// RFC 2822 in GMT, as Twilio writes dates.
pub(crate) fn rfc2822_now() -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] +0000"
    );
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}

/// Twilio's test numbers (its "magic" numbers) and the errors they provoke.
fn magic(to: &str) -> Option<Response> {
    Some(match to {
        "+15005550001" => error(
            400,
            21211,
            format!("The 'To' number {to} is not a valid phone number."),
        ),
        "+15005550003" => error(
            400,
            21408,
            format!(
                "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}."
            ),
        ),
        "+15005550004" => error(400, 21610, "Attempt to send to unsubscribed recipient"),
        "+15005550009" => error(
            400,
            21614,
            format!("'To' number {to} is not a valid mobile number"),
        ),
        _ => return None,
    })
}

/// Recipients whose messages are accepted but never arrive, with the callback's error code.
fn delivery_failure(to: &str) -> Option<u32> {
    match to.trim_start_matches("whatsapp:") {
        "+447700900999" => Some(30003),
        "+447700900998" => Some(30006),
        "+447700900997" => Some(30007),
        "+447700900996" => Some(30005),
        _ => None,
    }
}

pub(crate) async fn create_message(
    State(state): State<Arc<AppState>>,
    Path(account_sid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let account = match authenticate(&state, &account_sid, &headers) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let one = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let media: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "MediaUrl")
        .map(|(_, v)| v.clone())
        .collect();
    let Some(to) = one("To").filter(|t| !t.is_empty()) else {
        return error(400, 21604, "A 'To' phone number is required.");
    };
    let whatsapp = to.starts_with("whatsapp:");
    let to_number = to.trim_start_matches("whatsapp:");
    if !is_e164(to_number) {
        return error(
            400,
            21211,
            format!("The 'To' number {to} is not a valid phone number."),
        );
    }
    let service = one("MessagingServiceSid");
    let from = match (one("From"), &service) {
        (Some(f), _) => f,
        (None, Some(mg)) if mg.starts_with("MG") && mg.len() == 34 => {
            let prefix = if whatsapp { "whatsapp:" } else { "" };
            format!("{prefix}{}", account.phone_number)
        }
        (None, Some(_)) => return error(400, 21701, "The Messaging Service Sid is invalid."),
        (None, None) => return error(400, 21603, "A 'From' phone number is required."),
    };
    if from.starts_with("whatsapp:") != whatsapp {
        return error(
            400,
            63007,
            "Invalid From and To pair. From and To should be of the same channel",
        );
    }
    if from.trim_start_matches("whatsapp:") != account.phone_number {
        return error(
            400,
            21606,
            format!(
                "The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."
            ),
        );
    }
    let text = one("Body").unwrap_or_default();
    let content_sid = one("ContentSid");
    if text.is_empty() && media.is_empty() && content_sid.is_none() {
        return error(400, 21602, "Message body is required.");
    }
    if text.chars().count() > 1600 {
        return error(
            400,
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        );
    }
    if media.len() > 10
        || media
            .iter()
            .any(|u| !u.starts_with("http://") && !u.starts_with("https://"))
    {
        return error(400, 21620, "Invalid media URL(s)");
    }
    if let Some(content) = &content_sid {
        let valid = content.len() == 34
            && content.starts_with("HX")
            && content[2..].bytes().all(|b| b.is_ascii_hexdigit());
        if !whatsapp || !valid {
            return error(400, 21655, "The ContentSid is Invalid.");
        }
        if let Some(vars) = one("ContentVariables")
            && !serde_json::from_str::<Value>(&vars).is_ok_and(|v| v.is_object())
        {
            return error(400, 21656, "The ContentVariables Parameter is invalid.");
        }
    }
    if let Some(res) = magic(to_number) {
        return res;
    }
    if state
        .twilio
        .opted_out
        .lock()
        .contains(&(account.phone_number.clone(), to_number.to_owned()))
        && !whatsapp
    {
        return error(400, 21610, "Attempt to send to unsubscribed recipient");
    }
    if !state.twilio.take_slot(&from, account.messages_per_second) {
        return error(429, 20429, "Too Many Requests");
    }

    let message_sid = sid(if media.is_empty() { "SM" } else { "MM" });
    let segments = if service.is_some() {
        0
    } else {
        switchboard_domain::sms::segments(&text).count
    };
    let now = rfc2822_now();
    let resource = json!({
        "sid": message_sid,
        "account_sid": account.account_sid,
        "messaging_service_sid": service,
        "from": from,
        "to": to,
        "body": text,
        "status": if service.is_some() { "accepted" } else { "queued" },
        "direction": "outbound-api",
        "num_segments": segments.to_string(),
        "num_media": media.len().to_string(),
        "price": null,
        "price_unit": "USD",
        "error_code": null,
        "error_message": null,
        "api_version": "2010-04-01",
        "date_created": now,
        "date_updated": now,
        "date_sent": null,
        "uri": format!("/2010-04-01/Accounts/{}/Messages/{message_sid}.json", account.account_sid),
        "subresource_uris": {
            "media": format!("/2010-04-01/Accounts/{}/Messages/{message_sid}/Media.json", account.account_sid),
        },
    });
    let callback = one("StatusCallback");
    state.twilio.outbox.lock().push(json!({
        "resource": resource,
        "media_urls": media,
        "content_sid": content_sid,
        "content_variables": one("ContentVariables"),
        "status_callback": callback,
    }));
    if let Some(url) = callback {
        let base = vec![
            ("MessageSid".to_owned(), message_sid.clone()),
            ("SmsSid".to_owned(), message_sid.clone()),
            ("AccountSid".to_owned(), account.account_sid.clone()),
            ("From".to_owned(), from.clone()),
            ("To".to_owned(), to.clone()),
            ("ApiVersion".to_owned(), "2010-04-01".to_owned()),
        ];
        let config = &state.config.whatsapp.statuses;
        let sent = Duration::from_millis(config.sent_after_ms);
        let mut due = vec![Due {
            after: Duration::ZERO,
            status: "queued",
            error_code: None,
        }];
        due.push(Due {
            after: sent,
            status: "sent",
            error_code: None,
        });
        match (delivery_failure(&to), config.delivered_after_ms) {
            (Some(code), _) => due.push(Due {
                after: sent + Duration::from_millis(200),
                status: "undelivered",
                error_code: Some(code),
            }),
            (None, Some(ms)) => {
                due.push(Due {
                    after: Duration::from_millis(ms),
                    status: "delivered",
                    error_code: None,
                });
                if let (true, Some(read)) = (whatsapp, config.read_after_ms) {
                    due.push(Due {
                        after: Duration::from_millis(read),
                        status: "read",
                        error_code: None,
                    });
                }
            }
            (None, None) => {}
        }
        tokio::spawn(hooks::statuses(
            state.clone(),
            account.clone(),
            url,
            base,
            due,
        ));
    }
    (StatusCode::CREATED, axum::Json(resource)).into_response()
}

/// An auto-reply Twilio sends itself (STOP, START, HELP), recorded in the outbox.
pub(crate) fn auto_reply(state: &AppState, account: &TwilioAccount, to: &str, body: &str) {
    let now = rfc2822_now();
    state.twilio.outbox.lock().push(json!({
        "resource": {
            "sid": sid("SM"), "account_sid": account.account_sid, "from": account.phone_number,
            "to": to, "body": body, "status": "sent", "direction": "outbound-reply",
            "num_segments": switchboard_domain::sms::segments(body).count.to_string(),
            "num_media": "0", "date_created": now, "date_updated": now,
        },
        "media_urls": [],
        "auto_reply": true,
    }));
}

/// What Twilio answers a keyword with, and the block it applies.
pub(crate) fn keyword_reply(state: &AppState, account: &TwilioAccount, from: &str, body: &str) {
    use switchboard_domain::sms::Keyword;
    let pair = (account.phone_number.clone(), from.to_owned());
    let reply = match keyword(body) {
        Some(Keyword::OptOut) => {
            state.twilio.opted_out.lock().insert(pair);
            "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe."
        }
        Some(Keyword::OptIn) => {
            state.twilio.opted_out.lock().remove(&pair);
            "You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
        }
        Some(Keyword::Help) => "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
        None => return,
    };
    auto_reply(state, account, from, reply);
}

/// `GET …/Messages/{sid}/Media/{sid}`: an inbound file, for its own account only.
pub(crate) async fn media(
    State(state): State<Arc<AppState>>,
    Path((account_sid, _message_sid, media_sid)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = authenticate(&state, &account_sid, &headers) {
        return e.into_response();
    }
    let found = state.twilio.media.lock().get(&media_sid).cloned();
    match found {
        Some(m) if m.account_sid == account_sid => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, m.content_type)],
            Body::from(m.bytes),
        )
            .into_response(),
        _ => error(
            404,
            20404,
            format!("The requested resource /Media/{media_sid} was not found"),
        ),
    }
}
