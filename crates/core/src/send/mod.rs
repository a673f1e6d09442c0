//! Messages through the API (PRODUCT §5): sending one (`POST /v1/messages`) and reading them back.
//!
//! [`Core::send_message`] checks everything that can be checked before the provider sees the
//! message (scope, channel, recipient format, content rules, the channel's capabilities), then
//! writes the message and its `message.dispatch` job in ONE store call (the outbox) and answers
//! at once; the [dispatcher](crate::dispatch) does the provider I/O later.

mod read;

use switchboard_domain::content::{Content, ContentError, ContentKind, OutboundContent, Rule};
use switchboard_domain::messaging::window::{MessageTag, check_window};
use switchboard_domain::{
    Address, ChannelId, ChannelKind, ChannelStatus, ConversationId, MessageId, MessageStatus,
    Scope, Sender,
};
use switchboard_store::{Channel, Effects, NewJob, OutboundRequest};

use crate::dispatch::{DISPATCH_KIND, DispatchPayload};
use crate::{Core, CoreError, CoreResult, Principal};

/// A message to send.
#[derive(Debug, Clone, PartialEq)]
pub struct SendMessage {
    /// The channel to send on.
    pub from: ChannelId,
    /// The recipient as the client wrote it; checked against the channel's format.
    pub to: String,
    pub content: OutboundContent,
    /// A message tag (`human_agent`...) allowing Messenger and Instagram sends outside the
    /// 24-hour window; refused on other kinds and where the platform does not know it.
    pub tag: Option<String>,
}

/// What the API answers at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentMessage {
    pub message_id: MessageId,
    pub status: MessageStatus,
    pub conversation_id: ConversationId,
}

impl Core {
    pub async fn send_message(&self, who: &Principal, req: SendMessage) -> CoreResult<SentMessage> {
        who.require(Scope::MessagesSend)?;
        let channel = self.channel_for(who, req.from).await?;
        if channel.status == ChannelStatus::Disabled {
            return Err(CoreError::ChannelDisabled);
        }
        let to = Address::parse(channel.kind, &req.to).map_err(CoreError::InvalidRecipient)?;
        req.content.validate().map_err(CoreError::InvalidContent)?;
        let protocol = self.protocol(&channel)?;
        let kind = req.content.content.kind();
        carries(protocol.name, protocol.capabilities.content, kind)?;
        let mut req = req;
        self.check_outbound_media(who, &channel, &mut req.content.content)
            .await?;
        self.check_send_policy(&channel, &to, req.tag.as_deref(), kind)
            .await?;
        if let Content::Template(t) = &req.content.content {
            self.check_template_send(&channel, t).await?;
        }

        let org = who.org();
        let id = MessageId::new();
        let content = serde_json::to_value(&req.content).map_err(CoreError::internal)?;
        refuse_nul(&content)?;
        let request = OutboundRequest {
            id,
            channel_id: channel.id,
            to: to.as_str().to_owned(),
            kind: kind.as_str().to_owned(),
            content,
            text: Some(req.content.content.summary()),
            reply_to: req.content.reply_to.clone(),
            sender: sender_of(who),
            created_at: switchboard_domain::now(),
        };
        let payload = DispatchPayload {
            message_id: id,
            org_id: org,
            channel_id: channel.id,
            to: request.to.clone(),
            tag: req.tag.clone(),
        };
        let payload = serde_json::to_value(&payload).map_err(CoreError::internal)?;
        let job = NewJob::new(Some(org), DISPATCH_KIND, payload).dedup(format!("dispatch:{id}"));
        let accepted = self
            .store
            .accept_outbound(org, &request, &Effects::none().with_job(job))
            .await?;
        tracing::info!(message_id = %id, channel_id = %channel.id, kind = kind.as_str(), "message accepted");
        Ok(SentMessage {
            message_id: id,
            status: MessageStatus::Enqueued,
            conversation_id: accepted.conversation_id,
        })
    }

    /// The sending policies known so far (issue 7 grows them): the customer-service window of
    /// WhatsApp (templates always allowed), Messenger and Instagram (with the caller's message
    /// tag), refused here with `window_closed` before anything is queued.
    async fn check_send_policy(
        &self,
        channel: &Channel,
        to: &Address,
        tag: Option<&str>,
        kind: ContentKind,
    ) -> CoreResult<()> {
        let tag = tag
            .map(|t| MessageTag::for_kind(channel.kind, t))
            .transpose()
            .map_err(|e| CoreError::unprocessable("invalid_tag", "tag", e.to_string()))?;
        if channel.kind.service_window().is_none()
            || (channel.kind == ChannelKind::Whatsapp && kind == ContentKind::Template)
        {
            return Ok(());
        }
        let last = self
            .store
            .last_inbound_at(channel.org_id, channel.id, to.as_str())
            .await?;
        check_window(channel.kind, last, switchboard_domain::now(), tag)
            .map(|_| ())
            .map_err(CoreError::WindowClosed)
    }
}

/// Refuses content the protocol cannot carry, naming what it can.
fn carries(
    protocol: &'static str,
    supported: &'static [ContentKind],
    kind: ContentKind,
) -> CoreResult<()> {
    if supported.contains(&kind) {
        Ok(())
    } else {
        Err(CoreError::UnsupportedContent {
            kind,
            protocol,
            supported,
        })
    }
}

/// Who the message is recorded as sent by.
fn sender_of(who: &Principal) -> Sender {
    match who {
        Principal::User(u) => Sender::User(u.user_id),
        Principal::ApiKey(k) => Sender::ApiKey(k.key_id),
        Principal::System { .. } => Sender::System,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_beyond_the_protocols_capabilities_is_refused_with_the_list() {
        const TEXT_ONLY: &[ContentKind] = &[ContentKind::Text];
        assert!(carries("sms", TEXT_ONLY, ContentKind::Text).is_ok());
        let e = carries("sms", TEXT_ONLY, ContentKind::Image).unwrap_err();
        assert_eq!(e.code(), "unsupported_content");
        assert_eq!(e.to_string(), "`sms` channels cannot carry `image` content");
        assert!(
            matches!(e, CoreError::UnsupportedContent { supported, .. } if supported == TEXT_ONLY)
        );
    }

    #[test]
    fn the_sender_is_the_caller() {
        let key = switchboard_domain::ApiKeyId::new();
        let who = Principal::ApiKey(crate::KeyPrincipal {
            key_id: key,
            org_id: switchboard_domain::OrgId::new(),
            scopes: vec![Scope::MessagesSend],
            channel_ids: Vec::new(),
            origin: crate::Origin::default(),
        });
        assert_eq!(sender_of(&who), Sender::ApiKey(key));
        let org = switchboard_domain::OrgId::new();
        assert_eq!(sender_of(&Principal::system(org)), Sender::System);
    }
}

/// A NUL character cannot be stored on PostgreSQL (nor sent by most providers): refused with the
/// same problem as any other content error instead of failing deep in the store.
fn refuse_nul(content: &serde_json::Value) -> CoreResult<()> {
    fn walk(v: &serde_json::Value, path: &str, out: &mut Vec<ContentError>) {
        match v {
            serde_json::Value::String(s) if s.contains('\0') => out.push(ContentError {
                path: path.trim_start_matches('.').to_owned(),
                rule: Rule::NotAllowed {
                    reason: "text cannot contain the NUL character (U+0000)",
                },
            }),
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map {
                    walk(item, &format!("{path}.{k}"), out);
                }
            }
            _ => {}
        }
    }
    let mut errors = Vec::new();
    walk(content, "", &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CoreError::InvalidContent(errors))
    }
}

#[cfg(test)]
mod nul_tests {
    #[test]
    fn nul_in_any_string_is_refused_with_its_path() {
        let content = serde_json::json!({"content": {"type": "text", "body": "a\0b"}});
        let err = super::refuse_nul(&content).unwrap_err();
        assert!(format!("{err:?}").contains("content.body"), "{err:?}");
        assert!(super::refuse_nul(&serde_json::json!({"body": "fine"})).is_ok());
    }
}
