//! The Telegram connector: the [`Connector`] contract over the Bot API. One bot per channel;
//! every call is `POST {base_url}/bot{token}/{method}` with JSON parameters.
//!
//! The token is part of every URL, so no URL ever reaches an error text or a log line
//! (`reqwest::Error::without_url`), and `Debug` shows neither the token nor the secret token.

mod exchange;
mod inbound;
mod upload;

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;
use serde_json::{Value, json};
use switchboard_domain::Secret;
use tracing::instrument;

use super::errors::CHAT_MIGRATED;
use super::send;
use super::wire::{self, User, WebhookInfo};
use crate::connector::Connector;
use crate::inbound::{HandshakeQuery, InboundEvent, ParseError, VerifyError};
use crate::media::{AttachedFile, FetchedMedia, KeptFile};
use crate::outbound::{
    OutboundMessage, ReceiptStatus, SendAction, SendError, SendNotes, SendReceipt,
};
use exchange::Failure;

/// Everything needed to talk to one bot.
#[derive(Debug, Clone)]
pub struct TelegramConfig {
    /// `https://api.telegram.org`, or the sandbox's root.
    pub base_url: String,
    /// The bot's token from @BotFather.
    pub bot_token: Secret,
    /// What `setWebhook` is given as `secret_token` and inbound calls must present.
    pub secret_token: Secret,
    /// The channel's public hook URL, for `setWebhook`.
    pub hook_url: Option<String>,
}

/// One bot.
#[derive(Clone)]
pub struct Telegram {
    http: reqwest::Client,
    base_url: String,
    token: Secret,
    secret_token: Secret,
    hook_url: Option<String>,
}

impl std::fmt::Debug for Telegram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telegram")
            .field("base_url", &self.base_url)
            .field("hook_url", &self.hook_url)
            .finish_non_exhaustive()
    }
}

impl Telegram {
    pub fn new(config: TelegramConfig, http: reqwest::Client) -> Self {
        Self {
            http,
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            token: config.bot_token,
            secret_token: config.secret_token,
            hook_url: config.hook_url,
        }
    }

    fn method_url(&self, method: &str) -> String {
        format!("{}/bot{}/{method}", self.base_url, self.token.expose())
    }

    /// Calls `method` with JSON `params`; the `result` on success.
    pub async fn call(&self, method: &str, params: &Value) -> Result<Value, SendError> {
        self.invoke(method, params).await.map_err(|f| f.error)
    }

    async fn invoke(&self, method: &str, params: &Value) -> Result<Value, Failure> {
        let request = self.http.post(self.method_url(method)).json(params);
        exchange::json(request).await
    }

    /// `getMe`: the bot itself (the cheapest authenticated call).
    pub async fn get_me(&self) -> Result<User, SendError> {
        let me = self.call("getMe", &json!({})).await?;
        exchange::decode(me)
    }

    /// `setWebhook` to the channel's hook URL with the channel's secret token. Without a hook
    /// URL (the hub does not know its public address) there is nothing to register.
    pub async fn set_webhook(&self) -> Result<bool, SendError> {
        let Some(url) = &self.hook_url else {
            return Ok(false);
        };
        let params = json!({
            "url": url,
            "secret_token": self.secret_token.expose(),
            // Everything a conversation needs; the default list leaves out nothing we read.
            "allowed_updates": ["message", "edited_message", "channel_post",
                                "edited_channel_post", "callback_query"],
        });
        self.call("setWebhook", &params).await?;
        Ok(true)
    }

    /// `getWebhookInfo`.
    pub async fn webhook_info(&self) -> Result<WebhookInfo, SendError> {
        let info = self.call("getWebhookInfo", &json!({})).await?;
        exchange::decode(info)
    }

    /// Sends one prepared call (with its files, if any), following a group's move to a
    /// supergroup once.
    async fn send_call(
        &self,
        mut call: send::Call,
        files: &[AttachedFile],
    ) -> Result<(SendReceipt, Vec<KeptFile>), SendError> {
        let (result, kept) = match self.exchange_call(&call, files).await {
            Ok(answer) => answer,
            Err(Failure {
                error,
                migrate_to: Some(new_chat),
            }) if error.code == CHAT_MIGRATED => {
                tracing::info!(new_chat, "the group became a supergroup; sending there");
                call.params.insert("chat_id".into(), json!(new_chat));
                self.exchange_call(&call, files)
                    .await
                    .map_err(|f| f.error)?
            }
            Err(f) => return Err(f.error),
        };
        let sent: wire::Message = exchange::decode(result)?;
        let receipt = SendReceipt {
            provider_message_id: wire::message_key(sent.chat.id, sent.message_id),
            status: ReceiptStatus::Sent,
            recipient_id: Some(sent.chat.id.to_string()),
            notes: SendNotes::default(),
        };
        Ok((receipt, kept))
    }

    async fn exchange_call(
        &self,
        call: &send::Call,
        files: &[AttachedFile],
    ) -> Result<(Value, Vec<KeptFile>), Failure> {
        if files.is_empty() {
            let result = self
                .invoke(call.method, &Value::Object(call.params.clone()))
                .await?;
            return Ok((result, Vec::new()));
        }
        upload::send(self, call, files).await
    }
}

#[async_trait]
impl Connector for Telegram {
    fn provider(&self) -> &'static str {
        "telegram"
    }

    #[instrument(skip_all, fields(kind = message.content.content.kind().as_str()))]
    async fn send(&self, message: &OutboundMessage) -> Result<SendReceipt, SendError> {
        self.send_call(send::call(message)?, &[])
            .await
            .map(|(r, _)| r)
    }

    #[instrument(skip_all, fields(kind = message.content.content.kind().as_str(), files = files.len()))]
    async fn send_with_files(
        &self,
        message: &OutboundMessage,
        files: &[AttachedFile],
    ) -> Result<(SendReceipt, Vec<KeptFile>), SendError> {
        self.send_call(send::call(message)?, files).await
    }

    async fn mark_read(&self, _provider_message_id: &str, _typing: bool) -> Result<(), SendError> {
        Err(unsupported("bots cannot mark messages read on Telegram"))
    }

    async fn upload_media(
        &self,
        _bytes: Bytes,
        _mime_type: &str,
        _filename: &str,
    ) -> Result<String, SendError> {
        // Telegram has no upload apart from a send; files travel with the message itself.
        Err(unsupported("Telegram takes files only with a message"))
    }

    #[instrument(skip_all)]
    async fn fetch_media(&self, media_id: &str) -> Result<FetchedMedia, SendError> {
        inbound::fetch(self, media_id).await
    }

    async fn delete_media(&self, _media_id: &str) -> Result<(), SendError> {
        Err(unsupported("Telegram files cannot be deleted"))
    }

    fn verify_webhook(&self, headers: &HeaderMap, _raw: &[u8]) -> Result<(), VerifyError> {
        inbound::verify(self.secret_token.expose(), headers)
    }

    fn handshake(&self, _query: &HandshakeQuery) -> Result<String, VerifyError> {
        // Telegram has no handshake: the hub registers the webhook itself with `setWebhook`.
        Err(VerifyError::Unsupported)
    }

    fn parse_webhook(&self, raw: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
        super::update::parse(raw)
    }

    #[instrument(skip_all)]
    async fn register_webhook(&self) -> Result<bool, SendError> {
        self.set_webhook().await
    }

    #[instrument(skip_all)]
    async fn test_connection(&self) -> Result<(), SendError> {
        self.get_me().await?;
        self.set_webhook().await.map(|_| ())
    }

    #[instrument(skip_all)]
    async fn acknowledge_replies(&self, provider_message_ids: &[String]) {
        inbound::answer_callbacks(self, provider_message_ids).await;
    }
}

fn unsupported(text: &str) -> SendError {
    SendError::local(SendAction::Rejected, "unsupported_operation", text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_token() {
        let t = Telegram::new(
            TelegramConfig {
                base_url: "http://h".into(),
                bot_token: Secret::new("123:TOKEN-XYZ".into()),
                secret_token: Secret::new("secret-XYZ".into()),
                hook_url: None,
            },
            reqwest::Client::new(),
        );
        assert!(!format!("{t:?}").contains("XYZ"));
    }
}
