//! The WhatsApp Cloud API connector: the [`Connector`] contract over HTTP, for Meta's Graph API or
//! a BSP that speaks the same JSON behind its own host and API-key header (360dialog style).
//!
//! Build one per channel with [`WhatsAppCloud::new`] from a [`WhatsAppCloudConfig`] and the
//! shared client of [`http_client`]; point `base_url` at the sandbox in tests and demos.

pub(crate) mod call;
mod config;
mod mapping;
mod media;
mod templates;

pub use config::{
    ApiStyle, Auth, ConfigError, DEFAULT_API_VERSION, DEFAULT_BSP_KEY_HEADER, WhatsAppCloudConfig,
    http_client,
};
pub use mapping::{INVALID_CONTENT, send_request};

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use reqwest::RequestBuilder;
use switchboard_domain::Secret;
use tracing::instrument;
use url::Url;

use super::send::{MarkRead, SendRequest, SendResponse, SuccessResponse};
use super::webhook::{self, HandshakeError, SIGNATURE_HEADER, SignatureError};
use crate::connector::Connector;
use crate::inbound::{HandshakeQuery, InboundEvent, ParseError, VerifyError};
use crate::media::FetchedMedia;
use crate::outbound::{OutboundMessage, ReceiptStatus, SendAction, SendError, SendReceipt};
use crate::templates::TemplateManager;
use config::Endpoints;

/// One WhatsApp number reached over the Cloud API.
#[derive(Debug, Clone)]
pub struct WhatsAppCloud {
    http: reqwest::Client,
    endpoints: Endpoints,
    /// The credential header, built once and marked sensitive so it never shows in debug output.
    auth: (HeaderName, HeaderValue),
    app_secret: Secret,
    verify_token: Secret,
}

impl WhatsAppCloud {
    /// A connector for `config`, sending through `http` (see [`http_client`]).
    pub fn new(config: WhatsAppCloudConfig, http: reqwest::Client) -> Result<Self, ConfigError> {
        let endpoints = Endpoints::new(&config)?;
        let (name, value) = match &config.auth {
            Auth::Bearer(token) => (
                http::header::AUTHORIZATION,
                format!("Bearer {}", token.expose()),
            ),
            Auth::ApiKey { header, key } => (
                HeaderName::try_from(header.as_str())
                    .map_err(|e| ConfigError::AuthHeader(e.to_string()))?,
                key.expose().clone(),
            ),
        };
        let mut value =
            HeaderValue::try_from(value).map_err(|e| ConfigError::AuthHeader(e.to_string()))?;
        value.set_sensitive(true);
        Ok(Self {
            http,
            endpoints,
            auth: (name, value),
            app_secret: config.app_secret,
            verify_token: config.verify_token,
        })
    }

    /// Posts an already-built send body as is, without the content checks of
    /// [`Connector::send`]: for callers that build wire bodies themselves (tests of the provider's
    /// own validation, connection checks).
    pub async fn post_message(&self, body: &SendRequest) -> Result<SendReceipt, SendError> {
        let request = self
            .request(Method::POST, self.endpoints.messages())
            .json(body);
        let answer = call::exchange(request, call::MAX_JSON_BODY).await?;
        let response: SendResponse = call::decode(&answer)?;
        let recipient_id = response.contacts.into_iter().next().map(|c| c.wa_id);
        let Some(sent) = response.messages.into_iter().next() else {
            return Err(SendError::local(
                SendAction::Retry,
                call::BAD_RESPONSE,
                "accepted without a message id",
            )
            .with_body(answer.status, &answer.body));
        };
        Ok(SendReceipt {
            provider_message_id: sent.id,
            status: ReceiptStatus::from_provider(sent.message_status.as_deref()),
            recipient_id,
            notes: crate::outbound::SendNotes::default(),
        })
    }

    /// A request to `url` carrying the credential.
    fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.http
            .request(method, url)
            .header(self.auth.0.clone(), self.auth.1.clone())
    }
}

#[async_trait]
impl Connector for WhatsAppCloud {
    fn provider(&self) -> &'static str {
        "whatsapp_cloud"
    }

    #[instrument(skip_all, fields(kind = message.content.content.kind().as_str()))]
    async fn send(&self, message: &OutboundMessage) -> Result<SendReceipt, SendError> {
        self.post_message(&send_request(message)?).await
    }

    #[instrument(skip_all)]
    async fn mark_read(&self, provider_message_id: &str, typing: bool) -> Result<(), SendError> {
        let body = MarkRead::new(provider_message_id, typing);
        let request = self
            .request(Method::POST, self.endpoints.messages())
            .json(&body);
        expect_success(request).await
    }

    #[instrument(skip_all, fields(mime_type = %mime_type, size = bytes.len()))]
    async fn upload_media(
        &self,
        bytes: Bytes,
        mime_type: &str,
        filename: &str,
    ) -> Result<String, SendError> {
        media::upload(self, bytes, mime_type, filename).await
    }

    #[instrument(skip_all)]
    async fn fetch_media(&self, media_id: &str) -> Result<FetchedMedia, SendError> {
        media::fetch(self, media_id).await
    }

    #[instrument(skip_all)]
    async fn delete_media(&self, media_id: &str) -> Result<(), SendError> {
        media::delete(self, media_id).await
    }

    fn templates(&self) -> Option<&dyn TemplateManager> {
        Some(self)
    }

    fn verify_webhook(&self, headers: &HeaderMap, raw: &[u8]) -> Result<(), VerifyError> {
        let secret = self.app_secret.expose();
        // Without a secret any sender could sign: refuse rather than accept everything.
        if secret.is_empty() {
            return Err(VerifyError::Unsupported);
        }
        let header = match headers.get(SIGNATURE_HEADER) {
            None => None,
            Some(v) => Some(v.to_str().map_err(|_| VerifyError::MalformedSignature)?),
        };
        webhook::verify_signature(secret.as_bytes(), raw, header).map_err(|e| match e {
            SignatureError::Missing => VerifyError::MissingSignature,
            SignatureError::Malformed => VerifyError::MalformedSignature,
            SignatureError::Mismatch => VerifyError::BadSignature,
        })
    }

    fn handshake(&self, query: &HandshakeQuery) -> Result<String, VerifyError> {
        webhook::verify_handshake(
            query.mode.as_deref(),
            query.verify_token.as_deref(),
            query.challenge.as_deref(),
            self.verify_token.expose(),
        )
        .map_err(|e| match e {
            HandshakeError::WrongMode => VerifyError::WrongMode,
            HandshakeError::TokenMismatch => VerifyError::TokenMismatch,
            HandshakeError::MissingChallenge => VerifyError::MissingChallenge,
        })
    }

    fn parse_webhook(&self, raw: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
        webhook::parse(raw)
            .map(super::inbound::neutral_events)
            .map_err(|e| ParseError {
                reason: e.to_string(),
            })
    }
}

/// Runs a call whose 2xx answer is `{"success":true}`. Some BSPs answer 2xx with another body (or
/// none): a 2xx is success unless it explicitly says `"success":false`.
async fn expect_success(request: RequestBuilder) -> Result<(), SendError> {
    let answer = call::exchange(request, call::MAX_JSON_BODY).await?;
    match serde_json::from_slice::<SuccessResponse>(&answer.body) {
        Ok(SuccessResponse { success: false }) => Err(SendError::local(
            SendAction::Retry,
            call::BAD_RESPONSE,
            "the provider answered success: false",
        )
        .with_body(answer.status, &answer.body)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_credentials() {
        let config = WhatsAppCloudConfig::graph("http://h", "1", "2", "token-XYZ")
            .with_webhook_secrets("secret-XYZ", "verify-XYZ");
        let wa = WhatsAppCloud::new(config.clone(), reqwest::Client::new()).unwrap();
        for shown in [format!("{wa:?}"), format!("{config:?}")] {
            assert!(!shown.contains("XYZ"), "{shown}");
        }
        let bsp = WhatsAppCloudConfig::bsp("http://h", "1", "key-XYZ");
        let wa = WhatsAppCloud::new(bsp, reqwest::Client::new()).unwrap();
        assert!(!format!("{wa:?}").contains("XYZ"));
    }

    #[test]
    fn an_api_key_header_http_cannot_carry_is_a_config_error() {
        let mut config = WhatsAppCloudConfig::bsp("http://h", "1", "k");
        config.auth = Auth::ApiKey {
            header: "bad header".into(),
            key: Secret::new("k".into()),
        };
        let e = WhatsAppCloud::new(config, reqwest::Client::new()).unwrap_err();
        assert!(matches!(e, ConfigError::AuthHeader(_)), "{e}");
    }
}
