//! The Twilio connector: one account and sender (a number, or a Messaging Service) on the
//! Messages API, `POST {base}/2010-04-01/Accounts/{sid}/Messages.json` with HTTP Basic auth.
//! Media goes by URL (`MediaUrl`): Twilio cannot take an upload, so the hub hands it a signed
//! public link instead of a media id.

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;
use reqwest::RequestBuilder;
use serde::Deserialize;
use switchboard_domain::Secret;
use url::Url;

use super::{EMPTY_TWIML, content, errors, exchange, signature, webhook};
use crate::connector::{Connector, WebhookAck};
use crate::inbound::{HandshakeQuery, InboundEvent, ParseError, VerifyError};
use crate::media::{FetchedMedia, sha256_hex};
use crate::outbound::{OutboundMessage, ReceiptStatus, SendAction, SendError, SendReceipt};
use crate::whatsapp_cloud::client::ConfigError;

/// Twilio's largest MMS is 5 MB; WhatsApp media through Twilio reaches 16 MB. Inbound media is
/// capped above both so a misbehaving server cannot fill memory.
const MAX_MEDIA_BODY: usize = 20 * 1024 * 1024;

/// Which channel the account's messages travel on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// SMS and MMS to E.164 numbers.
    Sms,
    /// WhatsApp: both ends carry the `whatsapp:` prefix on the wire.
    Whatsapp,
}

impl Flavor {
    /// The protocol name, for logs and error classification.
    pub fn protocol(self) -> &'static str {
        match self {
            Flavor::Sms => "twilio_sms",
            Flavor::Whatsapp => "twilio_whatsapp",
        }
    }

    /// A hub address as Twilio wants it: SMS `+E164` as is; WhatsApp digits as `whatsapp:+E164`.
    pub fn wire_address(self, address: &str) -> String {
        match self {
            Flavor::Sms => address.to_owned(),
            Flavor::Whatsapp if address.starts_with("whatsapp:") => address.to_owned(),
            Flavor::Whatsapp => format!("whatsapp:+{}", address.trim_start_matches('+')),
        }
    }

    /// A wire address as the hub stores it: SMS `+E164`; WhatsApp digits without `+`.
    pub fn hub_address(self, wire: &str) -> String {
        match self {
            Flavor::Sms => wire.to_owned(),
            Flavor::Whatsapp => wire
                .strip_prefix("whatsapp:")
                .unwrap_or(wire)
                .trim_start_matches('+')
                .to_owned(),
        }
    }
}

/// Who the messages come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderId {
    /// A number (`+14155550100`), short code or alphanumeric id: the `From` parameter.
    From(String),
    /// A Messaging Service (`MG…`): Twilio picks the number from its pool.
    Service(String),
}

/// Everything the connector needs.
#[derive(Debug, Clone)]
pub struct TwilioConfig {
    /// The API root: `https://api.twilio.com`, or the sandbox.
    pub base_url: String,
    /// `AC…`: the path's account and the Basic auth user.
    pub account_sid: String,
    pub sender: SenderId,
    /// The Basic auth password, and the key of `X-Twilio-Signature`.
    pub auth_token: Secret,
    pub flavor: Flavor,
    /// Where Twilio posts status callbacks: the channel's public hook URL.
    pub status_callback: Option<String>,
}

/// A Twilio account and sender as a [`Connector`].
pub struct Twilio {
    config: TwilioConfig,
    http: reqwest::Client,
    messages_url: Url,
    /// `scheme://host:port` of the API: media is only fetched from there, so the auth token is
    /// never sent to a host a webhook named.
    origin: url::Origin,
}

impl std::fmt::Debug for Twilio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Twilio")
            .field("account_sid", &self.config.account_sid)
            .field("flavor", &self.config.flavor)
            .finish_non_exhaustive()
    }
}

/// The part of Twilio's message resource we read.
#[derive(Debug, Deserialize)]
struct MessageResource {
    sid: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

impl Twilio {
    pub fn new(config: TwilioConfig, http: reqwest::Client) -> Result<Self, ConfigError> {
        let base = Url::parse(&config.base_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            .ok_or_else(|| ConfigError::BaseUrl(config.base_url.clone()))?;
        if config.account_sid.is_empty() {
            return Err(ConfigError::Empty("account_sid"));
        }
        let mut messages_url = base.clone();
        messages_url
            .path_segments_mut()
            .map_err(|()| ConfigError::BaseUrl(config.base_url.clone()))?
            .pop_if_empty()
            .extend([
                "2010-04-01",
                "Accounts",
                &config.account_sid,
                "Messages.json",
            ]);
        Ok(Self {
            origin: base.origin(),
            messages_url,
            config,
            http,
        })
    }

    /// The channel flavour (SMS or WhatsApp).
    pub fn flavor(&self) -> Flavor {
        self.config.flavor
    }

    fn authed(&self, request: RequestBuilder) -> RequestBuilder {
        request.basic_auth(
            &self.config.account_sid,
            Some(self.config.auth_token.expose()),
        )
    }
}

#[async_trait]
impl Connector for Twilio {
    fn provider(&self) -> &'static str {
        self.config.flavor.protocol()
    }

    async fn send(&self, message: &OutboundMessage) -> Result<SendReceipt, SendError> {
        let flavor = self.config.flavor;
        let form = content::form(flavor, &message.content)?;
        let mut params: Vec<(&str, String)> = vec![("To", flavor.wire_address(&message.to))];
        match &self.config.sender {
            SenderId::From(from) => params.push(("From", flavor.wire_address(from))),
            SenderId::Service(sid) => params.push(("MessagingServiceSid", sid.clone())),
        }
        params.extend(form.params);
        if let Some(url) = &self.config.status_callback {
            params.push(("StatusCallback", url.clone()));
        }
        let request = self.authed(self.http.post(self.messages_url.clone()).form(&params));
        let answer = exchange::call(request, exchange::MAX_JSON_BODY, flavor).await?;
        let resource: MessageResource = serde_json::from_slice(&answer.body).map_err(|e| {
            SendError::local(
                SendAction::Retry,
                errors::BAD_RESPONSE,
                format!("unexpected answer: {e}"),
            )
            .with_body(answer.status, &answer.body)
        })?;
        Ok(SendReceipt {
            provider_message_id: resource.sid,
            status: match resource.status.as_deref() {
                None | Some("queued" | "accepted" | "sending" | "sent") => ReceiptStatus::Accepted,
                Some(other) => ReceiptStatus::Other(other.to_owned()),
            },
            recipient_id: resource.to.map(|to| flavor.hub_address(&to)),
            notes: form.notes,
        })
    }

    async fn mark_read(&self, _provider_message_id: &str, _typing: bool) -> Result<(), SendError> {
        Err(unsupported("Twilio has no read receipts to send"))
    }

    async fn upload_media(
        &self,
        _bytes: Bytes,
        _mime_type: &str,
        _filename: &str,
    ) -> Result<String, SendError> {
        Err(unsupported(
            "Twilio takes media by URL only; send a signed link (MediaUrl)",
        ))
    }

    /// `media_id` is the `MediaUrl{N}` of an inbound webhook: fetched with Basic auth, and only
    /// from the API's own origin (the auth token must never go to another host).
    async fn fetch_media(&self, media_id: &str) -> Result<FetchedMedia, SendError> {
        let url = Url::parse(media_id)
            .ok()
            .filter(|u| u.origin() == self.origin)
            .ok_or_else(|| {
                SendError::local(
                    SendAction::Rejected,
                    "media_not_found",
                    "the media URL is not on the provider's API host",
                )
            })?;
        let request = self.authed(self.http.get(url));
        let answer = exchange::call(request, MAX_MEDIA_BODY, self.config.flavor).await?;
        let mime_type = answer
            .content_type
            .clone()
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        Ok(FetchedMedia {
            sha256: sha256_hex(&answer.body),
            file_size: answer.body.len() as u64,
            bytes: Bytes::from(answer.body),
            mime_type,
        })
    }

    async fn delete_media(&self, _media_id: &str) -> Result<(), SendError> {
        Err(unsupported("Twilio media is not uploaded, so not deleted"))
    }

    /// Without the URL only the configured hook URL can be signed against.
    fn verify_webhook(&self, headers: &HeaderMap, raw: &[u8]) -> Result<(), VerifyError> {
        self.verify_request(self.config.status_callback.as_deref(), headers, raw)
    }

    fn verify_request(
        &self,
        url: Option<&str>,
        headers: &HeaderMap,
        raw: &[u8],
    ) -> Result<(), VerifyError> {
        let header = headers
            .get(signature::SIGNATURE_HEADER)
            .map(|v| v.to_str().map_err(|_| VerifyError::MalformedSignature))
            .transpose()?
            .ok_or(VerifyError::MissingSignature)?;
        // Without a public URL nothing can be checked: refuse rather than accept unsigned.
        let url = url.ok_or(VerifyError::BadSignature)?;
        let params = webhook::form_pairs(raw);
        signature::verify(
            self.config.auth_token.expose().as_bytes(),
            url,
            &params,
            header,
        )
    }

    fn webhook_ack(&self) -> Option<WebhookAck> {
        Some(WebhookAck {
            content_type: "text/xml",
            body: EMPTY_TWIML,
        })
    }

    fn handshake(&self, _query: &HandshakeQuery) -> Result<String, VerifyError> {
        Err(VerifyError::Unsupported)
    }

    fn parse_webhook(&self, raw: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
        webhook::parse(self.config.flavor, &self.config.account_sid, raw)
    }
}

fn unsupported(text: &str) -> SendError {
    SendError::local(SendAction::Rejected, "unsupported_by_provider", text)
}
