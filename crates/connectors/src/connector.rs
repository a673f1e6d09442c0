//! The connector contract: what the hub asks of every provider. One connector instance serves one
//! channel; the hub holds them as `Arc<dyn Connector>`.
//!
//! Outbound calls return [`SendError`] on failure, which carries the retry decision. Inbound, the
//! hub calls [`Connector::verify_request`] (the URL called and the raw bytes) before
//! [`Connector::parse_webhook`].

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;

use crate::inbound::{HandshakeQuery, InboundEvent, ParseError, VerifyError};
use crate::media::{AttachedFile, FetchedMedia, KeptFile};
use crate::outbound::{OutboundMessage, SendAction, SendError, SendReceipt};
use crate::templates::TemplateManager;

/// A provider-specific answer to an accepted webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookAck {
    /// e.g. `text/xml`.
    pub content_type: &'static str,
    pub body: &'static str,
}

/// One channel's provider.
#[async_trait]
pub trait Connector: Send + Sync {
    /// A short name of the protocol for logs and metrics, e.g. `whatsapp_cloud`.
    fn provider(&self) -> &'static str;

    /// Sends one message. Content the channel cannot carry is refused before any I/O.
    async fn send(&self, message: &OutboundMessage) -> Result<SendReceipt, SendError>;

    /// Sends one message whose media are the `files` themselves (providers without a separate
    /// upload, whose protocol says `media_upload: false`); answers what the provider kept of
    /// them for re-sends. The default refuses: providers with uploads never get here.
    async fn send_with_files(
        &self,
        _message: &OutboundMessage,
        _files: &[AttachedFile],
    ) -> Result<(SendReceipt, Vec<KeptFile>), SendError> {
        Err(SendError::local(
            SendAction::Rejected,
            "unsupported_operation",
            format!(
                "`{}` takes files by upload, not with the message",
                self.provider()
            ),
        ))
    }

    /// Marks an inbound message read, optionally showing a typing indicator.
    async fn mark_read(&self, provider_message_id: &str, typing: bool) -> Result<(), SendError>;

    /// Uploads a file; the answer is the provider's media id for sends.
    async fn upload_media(
        &self,
        bytes: Bytes,
        mime_type: &str,
        filename: &str,
    ) -> Result<String, SendError>;

    /// Downloads a file by the provider's media id, checking its digest when the provider
    /// gives one.
    async fn fetch_media(&self, media_id: &str) -> Result<FetchedMedia, SendError>;

    /// Deletes an uploaded file.
    async fn delete_media(&self, media_id: &str) -> Result<(), SendError>;

    /// Template management, where the provider has it.
    fn templates(&self) -> Option<&dyn TemplateManager> {
        None
    }

    /// Checks an inbound webhook's signature over the raw body bytes, in constant time.
    fn verify_webhook(&self, headers: &HeaderMap, raw: &[u8]) -> Result<(), VerifyError>;

    /// Checks a webhook that arrived at `url`, the public URL the provider called (the hub's
    /// public hook URL with the query as called; `None` when the hub does not know its public
    /// address). Providers that sign the URL (Twilio) override this; the others sign only the
    /// body, so the default is [`Connector::verify_webhook`].
    fn verify_request(
        &self,
        url: Option<&str>,
        headers: &HeaderMap,
        raw: &[u8],
    ) -> Result<(), VerifyError> {
        let _ = url;
        self.verify_webhook(headers, raw)
    }

    /// The body the provider expects in answer to an accepted webhook, when it is not the hub's
    /// JSON report (Twilio wants TwiML). `None` keeps the JSON report.
    fn webhook_ack(&self) -> Option<WebhookAck> {
        None
    }

    /// Answers the provider's GET verification handshake: the challenge to echo.
    fn handshake(&self, query: &HandshakeQuery) -> Result<String, VerifyError>;

    /// Parses a verified webhook body into events.
    fn parse_webhook(&self, raw: &[u8]) -> Result<Vec<InboundEvent>, ParseError>;

    /// Tells the provider where to deliver webhooks (the channel's hook URL and secret), for
    /// providers configured by API rather than by hand (Telegram's `setWebhook`). `Ok(false)`
    /// when there is nothing to register (the default, or no public hook URL is known).
    async fn register_webhook(&self) -> Result<bool, SendError> {
        Ok(false)
    }

    /// A cheap authenticated call proving the credentials work. The default lists one template,
    /// for providers that have them.
    async fn test_connection(&self) -> Result<(), SendError> {
        match self.templates() {
            Some(t) => t.list_templates(1, None).await.map(|_| ()),
            None => Err(SendError::local(
                SendAction::Rejected,
                "unsupported_operation",
                format!(
                    "`{}` has no cheap authenticated call to test with",
                    self.provider()
                ),
            )),
        }
    }

    /// Called after a webhook's button replies were stored (their provider message ids), for
    /// providers that expect an answer to a tap (Telegram's `answerCallbackQuery`, which stops
    /// the spinner on the customer's button). Best effort; the default does nothing.
    async fn acknowledge_replies(&self, _provider_message_ids: &[String]) {}
}
