//! The neutral outbound side of the connector contract: the message to send, the receipt a
//! provider gives back, and [`SendError`], which tells the caller whether and when to retry.
//!
//! `SendError` is the error of every call a connector makes to its provider (sends, mark-read,
//! media, templates), so the job runner has one retry decision to read.

use std::fmt;
use std::time::Duration;

use switchboard_domain::content::OutboundContent;

/// How much of a provider's answer body a [`SendError`] keeps for the log: enough for any Graph
/// error document, never a whole HTML error page or media file.
pub const MAX_RAW_BODY: usize = 2048;

/// One message to send on a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundMessage {
    /// The recipient in the channel's own form (WhatsApp: E.164 digits without `+`). Parsed by
    /// the hub per channel; the connector passes it through so the provider has the last word.
    pub to: String,
    /// What to send, and the message it replies to.
    pub content: OutboundContent,
    /// Opaque data the provider echoes back in status webhooks (WhatsApp
    /// `biz_opaque_callback_data`).
    pub callback_data: Option<String>,
    /// The message tag the API caller asked for (`human_agent`...), which lets Messenger and
    /// Instagram deliver outside the 24-hour window; `None` inside it. Other protocols ignore it.
    pub tag: Option<String>,
}

/// What the provider said when it accepted a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    /// The provider's id of the new message (a wamid for WhatsApp): statuses refer to it.
    pub provider_message_id: String,
    /// Whether the provider took it as is or holds it.
    pub status: ReceiptStatus,
    /// The recipient as the provider normalised it (WhatsApp `wa_id`), when it says.
    pub recipient_id: Option<String>,
    /// What the connector had to do to make the message fit the channel; stored with the
    /// message and shown in its view.
    pub notes: SendNotes,
}

/// What a connector changed or measured while sending, recorded on the message so what the
/// customer got is never a surprise. Every connector can fill it; empty means "sent as is".
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SendNotes {
    /// How the content was changed to fit the channel, e.g. "reply_buttons sent as numbered
    /// text"; `None` when it went as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downgraded: Option<String>,
    /// SMS segments the body costs (GSM-7 or UCS-2), for channels billed per segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_segments: Option<u32>,
    /// The alphabet the SMS body travels in (`gsm7`, `ucs2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_encoding: Option<switchboard_domain::sms::Encoding>,
}

impl SendNotes {
    /// Whether there is nothing to record.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The state of an accepted message, as the provider reported it synchronously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptStatus {
    /// Accepted for delivery (the default when the provider says nothing more); a `sent`
    /// status webhook follows.
    Accepted,
    /// WhatsApp template sends: held while Meta assesses the template's quality.
    HeldForQualityAssessment,
    /// Already sent on: the provider sends no `sent` status of its own (Telegram, Messenger,
    /// Instagram), so its answer is the `sent` status itself and the hub records it at once.
    Sent,
    /// A state this code does not know, kept verbatim.
    Other(String),
}

impl ReceiptStatus {
    /// Reads a provider's status word; absent means accepted.
    pub fn from_provider(value: Option<&str>) -> Self {
        match value {
            None | Some("accepted") => Self::Accepted,
            Some("held_for_quality_assessment") => Self::HeldForQualityAssessment,
            Some(other) => Self::Other(other.to_owned()),
        }
    }
}

/// What the caller should do after a failed provider call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendAction {
    /// Transient (provider down, timeout, garbled answer): retry with the usual backoff.
    Retry,
    /// Transient, and the provider (or our table) says not before this delay.
    RetryAfter(Duration),
    /// The provider is throttling us: retry no sooner than this delay, and slow down.
    RateLimited(Duration),
    /// Final: the same request cannot succeed.
    Rejected,
}

impl SendAction {
    /// Whether the call may be retried at all.
    pub fn is_retryable(self) -> bool {
        !matches!(self, Self::Rejected)
    }

    /// The minimum wait before a retry, when there is one.
    pub fn delay(self) -> Option<Duration> {
        match self {
            Self::RetryAfter(d) | Self::RateLimited(d) => Some(d),
            Self::Retry | Self::Rejected => None,
        }
    }
}

/// A failed provider call: the decision, a stable Switchboard code, and the provider's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// Retry, retry after, rate limited, or rejected.
    pub action: SendAction,
    /// Stable Switchboard code, e.g. `window_closed`, `provider_unreachable`, `invalid_content`.
    pub code: &'static str,
    /// The provider's error code (WhatsApp `error.code`), when it gave one.
    pub provider_code: Option<i64>,
    /// The provider's explanation, or ours for failures that never reached it.
    pub provider_text: String,
    /// The HTTP status of the answer; `None` when there was no answer.
    pub http_status: Option<u16>,
    /// The start of the answer body (at most [`MAX_RAW_BODY`] bytes, lossy UTF-8), for the log.
    pub raw_body: Option<String>,
}

impl SendError {
    /// An error that never reached the provider or got no usable answer.
    pub fn local(action: SendAction, code: &'static str, text: impl Into<String>) -> Self {
        Self {
            action,
            code,
            provider_code: None,
            provider_text: text.into(),
            http_status: None,
            raw_body: None,
        }
    }

    /// Keeps the start of an answer body for the log.
    pub fn with_body(mut self, http_status: u16, body: &[u8]) -> Self {
        self.http_status = Some(http_status);
        self.raw_body = Some(truncate_body(body));
        self
    }

    /// Whether the call may be retried.
    pub fn is_retryable(&self) -> bool {
        self.action.is_retryable()
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(code) = self.provider_code {
            write!(f, " (provider code {code})")?;
        }
        if let Some(status) = self.http_status {
            write!(f, " [HTTP {status}]")?;
        }
        if !self.provider_text.is_empty() {
            write!(f, ": {}", self.provider_text)?;
        }
        Ok(())
    }
}

impl std::error::Error for SendError {}

/// The start of `body` as lossy UTF-8, at most [`MAX_RAW_BODY`] bytes, cut on a character
/// boundary (invalid bytes become 3-byte replacement characters, so the text is cut again).
pub fn truncate_body(body: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(&body[..body.len().min(MAX_RAW_BODY)]).into_owned();
    if text.len() > MAX_RAW_BODY {
        let cut = (0..=MAX_RAW_BODY)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(cut);
    }
    text
}

/// The stable code of content the domain validator refuses.
pub const INVALID_CONTENT: &str = "invalid_content";

/// Runs the domain's content checks before any I/O; every problem is named in one refusal.
pub fn check_content(content: &OutboundContent) -> Result<(), SendError> {
    content.validate().map_err(|errors| {
        let text = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        SendError::local(SendAction::Rejected, INVALID_CONTENT, text)
    })
}
