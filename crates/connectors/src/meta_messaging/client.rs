//! The Messenger / Instagram connector: the [`Connector`] contract over the Graph Send API.
//!
//! Build one per channel with [`MetaMessaging::new`]; point `base_url` at the sandbox in tests
//! and demos. Sends post JSON to `{base}/{version}/{send_id}/messages` with the access token as a
//! Bearer header; files go through the attachment upload API and come back as attachment ids.

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use reqwest::RequestBuilder;
use serde::Deserialize;
use tracing::instrument;
use url::Url;

use super::config::MetaMessagingConfig;
use super::errors::provider_error;
use super::send::{self, send_body};
use super::{Platform, webhook};
use crate::connector::Connector;
use crate::inbound::{HandshakeQuery, InboundEvent, ParseError, VerifyError};
use crate::media::{FetchedMedia, sha256_hex};
use crate::outbound::{
    OutboundMessage, ReceiptStatus, SendAction, SendError, SendNotes, SendReceipt,
};
use crate::whatsapp_cloud::client::ConfigError;
use crate::whatsapp_cloud::client::call::{self, BAD_RESPONSE, exchange_with};
use crate::whatsapp_cloud::webhook::{
    HandshakeError, SIGNATURE_HEADER, SignatureError, verify_handshake, verify_signature,
};

/// Attachments are at most 25 MB on both platforms.
const MAX_ATTACHMENT: usize = 25 * 1024 * 1024;

/// One Page or Instagram account.
#[derive(Debug, Clone)]
pub struct MetaMessaging {
    http: reqwest::Client,
    config: MetaMessagingConfig,
    /// `{base}/{version}/{send_id}/`, the root of the send and upload endpoints.
    root: Url,
    /// `Bearer {token}`, marked sensitive so it never shows in debug output.
    auth: HeaderValue,
}

/// `{"recipient_id": ..., "message_id": ...}`.
#[derive(Deserialize)]
struct SendAnswer {
    recipient_id: Option<String>,
    message_id: Option<String>,
}

/// `{"attachment_id": ...}`.
#[derive(Deserialize)]
struct UploadAnswer {
    attachment_id: String,
}

impl MetaMessaging {
    /// A connector for `config`, sending through `http` (see [`crate::http_client`]).
    pub fn new(config: MetaMessagingConfig, http: reqwest::Client) -> Result<Self, ConfigError> {
        if config.send_id.is_empty() {
            return Err(ConfigError::Empty("the id to send from"));
        }
        let base = config.base_url.trim_end_matches('/');
        let root = Url::parse(&format!("{base}/"))
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| ConfigError::BaseUrl(config.base_url.clone()))?;
        let mut root = root;
        root.path_segments_mut()
            .map_err(|()| ConfigError::BaseUrl(config.base_url.clone()))?
            .pop_if_empty()
            .push(&config.api_version)
            .push(&config.send_id)
            .push("");
        let mut auth = HeaderValue::try_from(format!("Bearer {}", config.access_token.expose()))
            .map_err(|e| ConfigError::AuthHeader(e.to_string()))?;
        auth.set_sensitive(true);
        Ok(Self {
            http,
            config,
            root,
            auth,
        })
    }

    fn url(&self, endpoint: &str) -> Url {
        // `root` ends with `/`, and endpoints are our own constants.
        self.root
            .join(endpoint)
            .unwrap_or_else(|_| self.root.clone())
    }

    fn post(&self, endpoint: &str) -> RequestBuilder {
        self.http
            .request(Method::POST, self.url(endpoint))
            .header(http::header::AUTHORIZATION, self.auth.clone())
    }

    /// Posts a send body as is (tests of the provider's own validation use this too).
    pub async fn post_message(&self, body: &serde_json::Value) -> Result<SendReceipt, SendError> {
        let answer = exchange_with(
            self.post("messages").json(body),
            call::MAX_JSON_BODY,
            provider_error,
        )
        .await?;
        let sent: SendAnswer = call::decode(&answer)?;
        let Some(id) = sent.message_id else {
            return Err(SendError::local(
                SendAction::Retry,
                BAD_RESPONSE,
                "accepted without a message_id",
            )
            .with_body(answer.status, &answer.body));
        };
        Ok(SendReceipt {
            provider_message_id: id,
            status: ReceiptStatus::Sent,
            recipient_id: sent.recipient_id,
            notes: SendNotes::default(),
        })
    }

    /// The platform this connector speaks.
    pub fn platform(&self) -> Platform {
        self.config.platform
    }

    /// Shows `MARK_SEEN` (and `TYPING_ON`) to `recipient`: Messenger marks a conversation seen,
    /// not a message, so this takes the customer's id.
    pub async fn mark_seen(&self, recipient: &str, typing: bool) -> Result<(), SendError> {
        let mut actions = vec!["MARK_SEEN"];
        if typing {
            actions.push("TYPING_ON");
        }
        for action in actions {
            let body = send::sender_action(recipient, action);
            exchange_with(
                self.post("messages").json(&body),
                call::MAX_JSON_BODY,
                provider_error,
            )
            .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Connector for MetaMessaging {
    fn provider(&self) -> &'static str {
        self.config.platform.provider()
    }

    #[instrument(skip_all, fields(provider = self.config.platform.provider(), kind = message.content.content.kind().as_str()))]
    async fn send(&self, message: &OutboundMessage) -> Result<SendReceipt, SendError> {
        let body = send_body(self.config.platform, message)?;
        if body.get("sender_action").is_none() {
            return self.post_message(&body).await;
        }
        // A reaction is a sender action: Meta answers with the recipient only. The hub still
        // needs an id for the message it stored, unique per channel: ours, named after it.
        exchange_with(
            self.post("messages").json(&body),
            call::MAX_JSON_BODY,
            provider_error,
        )
        .await?;
        let target = body["payload"]["message_id"].as_str().unwrap_or_default();
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        Ok(SendReceipt {
            provider_message_id: format!("reaction:{target}:{nanos}"),
            status: ReceiptStatus::Sent,
            recipient_id: Some(message.to.clone()),
            notes: SendNotes::default(),
        })
    }

    /// The contract names a message, but the Send API marks a conversation seen for a customer:
    /// the hub passes the customer's PSID / IGSID here for these platforms.
    #[instrument(skip_all)]
    async fn mark_read(&self, recipient: &str, typing: bool) -> Result<(), SendError> {
        self.mark_seen(recipient, typing).await
    }

    #[instrument(skip_all, fields(mime_type = %mime_type, size = bytes.len()))]
    async fn upload_media(
        &self,
        bytes: Bytes,
        mime_type: &str,
        filename: &str,
    ) -> Result<String, SendError> {
        let kind = match mime_type.split('/').next() {
            Some("image") => "image",
            Some("video") => "video",
            Some("audio") => "audio",
            _ => "file",
        };
        let message =
            serde_json::json!({"attachment": {"type": kind, "payload": {"is_reusable": true}}});
        let part = reqwest::multipart::Part::bytes(bytes.to_vec())
            .file_name(filename.to_owned())
            .mime_str(mime_type)
            .map_err(|e| {
                SendError::local(
                    SendAction::Rejected,
                    send::INVALID_CONTENT,
                    format!("bad mime type: {e}"),
                )
            })?;
        let form = reqwest::multipart::Form::new()
            .text("message", message.to_string())
            .part("filedata", part);
        let answer = exchange_with(
            self.post("message_attachments").multipart(form),
            call::MAX_JSON_BODY,
            provider_error,
        )
        .await?;
        let up: UploadAnswer = call::decode(&answer)?;
        Ok(up.attachment_id)
    }

    /// Inbound attachments arrive as URLs on Meta's CDN (the webhook mapping passes the URL as
    /// the media id); they need no token, so none is sent to that host.
    #[instrument(skip_all)]
    async fn fetch_media(&self, media_id: &str) -> Result<FetchedMedia, SendError> {
        let url = Url::parse(media_id)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| {
                SendError::local(
                    SendAction::Rejected,
                    "unknown_media",
                    "the attachment URL is not http(s)",
                )
            })?;
        let answer = exchange_with(self.http.get(url), MAX_ATTACHMENT, provider_error).await?;
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

    /// Uploaded attachments cannot be deleted through the API; Meta expires them itself.
    async fn delete_media(&self, _media_id: &str) -> Result<(), SendError> {
        Ok(())
    }

    fn verify_webhook(&self, headers: &HeaderMap, raw: &[u8]) -> Result<(), VerifyError> {
        let secret = self.config.app_secret.expose();
        // Without a secret any sender could sign: refuse rather than accept everything.
        if secret.is_empty() {
            return Err(VerifyError::Unsupported);
        }
        let header = match headers.get(SIGNATURE_HEADER) {
            None => None,
            Some(v) => Some(v.to_str().map_err(|_| VerifyError::MalformedSignature)?),
        };
        verify_signature(secret.as_bytes(), raw, header).map_err(|e| match e {
            SignatureError::Missing => VerifyError::MissingSignature,
            SignatureError::Malformed => VerifyError::MalformedSignature,
            SignatureError::Mismatch => VerifyError::BadSignature,
        })
    }

    fn handshake(&self, query: &HandshakeQuery) -> Result<String, VerifyError> {
        verify_handshake(
            query.mode.as_deref(),
            query.verify_token.as_deref(),
            query.challenge.as_deref(),
            self.config.verify_token.expose(),
        )
        .map_err(|e| match e {
            HandshakeError::WrongMode => VerifyError::WrongMode,
            HandshakeError::TokenMismatch => VerifyError::TokenMismatch,
            HandshakeError::MissingChallenge => VerifyError::MissingChallenge,
        })
    }

    fn parse_webhook(&self, raw: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
        webhook::parse(self.config.platform, &self.config.account_id, raw)
    }
}
