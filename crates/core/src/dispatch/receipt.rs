//! Recording what the provider accepted. The message has left by now, so the job must never run
//! the send again: a store hiccup is retried here, in place, and if the receipt still cannot be
//! written the job ends dead (loudly logged with the provider's id) rather than sending twice.

use std::time::Duration;

use switchboard_connectors::{ReceiptStatus, SendNotes, SendReceipt};
use switchboard_domain::ChannelStatus;
use switchboard_domain::MessageStatus;
use switchboard_jobs::JobError;
use switchboard_store::{Channel, IngestBatch, Message, StatusReport, StoreError};

use crate::Core;

/// Pauses between tries to write a receipt: about four seconds in all, well inside a job's lease.
const PAUSES: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_millis(500),
    Duration::from_secs(3),
];

/// Keeps what the connector noted (a downgrade, SMS segments) on the message. Best effort: the
/// message has left either way, so a failure is logged, never retried into a second send.
pub(super) async fn record_notes(core: &Core, message: &Message, notes: &SendNotes) {
    if notes.is_empty() {
        return;
    }
    let json = match serde_json::to_value(notes) {
        Ok(json) => json,
        Err(e) => {
            tracing::warn!(message_id = %message.id, error = %e, "send notes not serializable");
            return;
        }
    };
    if let Err(e) = core
        .store
        .record_send_notes(message.org_id, message.id, &json)
        .await
    {
        tracing::warn!(message_id = %message.id, error = %e, "could not record the send notes");
    }
}

pub(super) async fn record(
    core: &Core,
    message: &Message,
    channel: &Channel,
    receipt: &SendReceipt,
) -> Result<(), JobError> {
    let provider_message_id = receipt.provider_message_id.as_str();
    let mut pauses = PAUSES.iter();
    loop {
        let at = switchboard_domain::now();
        match core
            .store
            .record_receipt(message.org_id, message.id, provider_message_id, at)
            .await
        {
            Ok(_) => break,
            Err(StoreError::Busy | StoreError::Other(_)) if pauses.len() > 0 => {
                if let Some(pause) = pauses.next() {
                    tokio::time::sleep(*pause).await;
                }
            }
            Err(e) => {
                tracing::error!(
                    message_id = %message.id, provider_message_id, error = %e,
                    "the provider accepted the message but its receipt could not be recorded"
                );
                return Err(JobError::permanent(format!(
                    "sent as {provider_message_id} but the receipt could not be recorded: {e}"
                )));
            }
        }
    }
    tracing::debug!(message_id = %message.id, provider_message_id, "message handed to the provider");
    if receipt.status == ReceiptStatus::Sent {
        sent(core, message, provider_message_id).await;
    }
    // A send that works proves the channel works: clear an earlier error (once, not per message).
    if matches!(
        channel.status,
        ChannelStatus::Error | ChannelStatus::Pending
    ) {
        let at = switchboard_domain::now();
        if let Err(e) = core
            .store
            .record_channel_health(channel.org_id, channel.id, None, at)
            .await
        {
            tracing::warn!(channel_id = %channel.id, error = %e, "could not clear the channel's error");
        }
    }
    Ok(())
}

/// A provider that reports no `sent` status (Telegram, Messenger, Instagram) sent the message when it answered: `sent` is
/// applied as a status from the provider would be, so the message and its events move on. A
/// store error is only logged: the message was sent and its receipt is recorded; it stays
/// `enqueued` in the view, which is wrong but not dangerous (nothing sends it again).
async fn sent(core: &Core, message: &Message, provider_message_id: &str) {
    let batch = IngestBatch {
        messages: Vec::new(),
        statuses: vec![StatusReport {
            provider_message_id: provider_message_id.to_owned(),
            status: MessageStatus::Sent,
            at: switchboard_domain::now(),
            error: None,
        }],
        events: Vec::new(),
    };
    if let Err(e) = core
        .store
        .ingest(message.org_id, message.channel_id, &batch)
        .await
    {
        tracing::warn!(message_id = %message.id, error = %e, "could not mark the message sent");
    }
}
