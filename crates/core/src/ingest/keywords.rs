//! Inbound STOP / START keywords (PRODUCT §8, PROVIDERS §4.5): a message whose whole body is an
//! opt-out or opt-in keyword records that decision in the sender's consent for the channel's
//! kind (source `keyword`), and is still stored as a message like any other. Runs before the
//! webhook is acknowledged, so an acknowledged STOP is a recorded one; a redelivered webhook
//! finds the decision already recorded and changes nothing.

use switchboard_domain::sms::keyword;
use switchboard_store::{Channel, InboundMessage, StoreError, phone_of_address};

use crate::{Core, CoreResult};

/// The consent source of a keyword.
pub const KEYWORD_SOURCE: &str = "keyword";

impl Core {
    pub(super) async fn apply_keywords(
        &self,
        channel: &Channel,
        messages: &[InboundMessage],
    ) -> CoreResult<()> {
        for m in messages {
            if m.kind != "text" {
                continue;
            }
            let Some(opted_in) = m
                .text
                .as_deref()
                .and_then(keyword)
                .and_then(|k| k.consent())
            else {
                continue;
            };
            if phone_of_address(channel.kind, &m.from).is_none() {
                continue;
            }
            // The sender's own contact (not the phone's holder: SMS and WhatsApp may be kept
            // apart), found the same way for a redelivered webhook.
            let contact = match self
                .store
                .contact_of_address(channel.org_id, channel.id, &m.from)
                .await
            {
                Ok(c) => c,
                // Merged or deleted meanwhile: nobody to record it for.
                Err(StoreError::NotFound) => continue,
                Err(e) => return Err(e.into()),
            };
            let changed = self
                .record_channel_consent(
                    channel.org_id,
                    contact,
                    channel.kind,
                    opted_in,
                    KEYWORD_SOURCE,
                )
                .await?;
            if changed {
                tracing::info!(channel_id = %channel.id, contact_id = %contact, opted_in, "keyword recorded in consent");
            }
        }
        Ok(())
    }
}
