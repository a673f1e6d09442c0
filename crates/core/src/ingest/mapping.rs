//! Webhook events to one [`IngestBatch`]: a pure function, so every rule is unit-tested without
//! a provider or a database. Pieces that cannot be stored are returned as [`Skipped`] beside the
//! batch (the caller logs them); notices the store does not keep yet come back as [`Notice`]s.

use serde_json::{Value, json};
use switchboard_connectors::InboundEvent;
use switchboard_connectors::inbound::{
    Forwarded, InboundContent, StatusEvent, SystemNotice, WatermarkEvent,
};
use switchboard_domain::{Address, ChannelId, ChannelKind, MessageStatus, OrgId, Timestamp};
use switchboard_store::{
    Event, InboundMessage, IngestBatch, NewJob, Revision, StatusReport, TemplateReview,
};

use super::{render, status};

/// The job that downloads an inbound message's media from the provider and stores it.
pub const MEDIA_FETCH: &str = "media.fetch";

/// The channel a webhook arrived for: everything the mapping needs to know about it.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub org: OrgId,
    pub channel: ChannelId,
    pub kind: ChannelKind,
    /// The channel's provider-side account (phone number id); events for another account are
    /// skipped so one channel's hook never files another number's traffic under it.
    pub account: Option<&'a str>,
    /// The connector's protocol name, for classifying provider error codes.
    pub provider: &'static str,
}

/// A piece of the webhook left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub reason: String,
    /// What was received, when there is something worth logging.
    pub raw: Option<Value>,
}

/// Something the provider told us that is logged (template reviews, which are also recorded as
/// `template.status` events; quality and tier changes, account notices, marketing preferences:
/// issue 7 records them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Worth a warning (errors, restrictions), not just information.
    pub warn: bool,
    pub text: String,
}

/// Every message sent to `to` at or before `up_to` reached `status` (Messenger's delivery and
/// read watermarks); the webhook use case turns it into statuses of those messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watermark {
    /// The customer's canonical address on the channel.
    pub to: String,
    /// `Delivered` or `Read`.
    pub status: MessageStatus,
    pub up_to: Timestamp,
}

/// The batch to store and what was left aside.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapped {
    pub batch: IngestBatch,
    /// Watermarks to resolve into statuses before the batch is stored.
    pub watermarks: Vec<Watermark>,
    pub skipped: Vec<Skipped>,
    pub notices: Vec<Notice>,
}

/// Maps every event of one webhook; never fails: a bad piece is skipped, the rest goes on.
pub fn map_events(target: &Target<'_>, events: Vec<InboundEvent>) -> Mapped {
    let mut out = Mapped::default();
    for event in events {
        match event {
            InboundEvent::Message(m) => match message(target, *m) {
                Ok(m) => out.batch.messages.push(m),
                Err(skip) => out.skipped.push(skip),
            },
            InboundEvent::Status(s) => match status_report(target, s) {
                Ok(s) => out.batch.statuses.push(s),
                Err(skip) => out.skipped.push(skip),
            },
            InboundEvent::Watermark(w) => match watermark(target, w) {
                Ok(w) => out.watermarks.push(w),
                Err(skip) => out.skipped.push(skip),
            },
            InboundEvent::Unparsed { reason, raw } => out.skipped.push(Skipped {
                reason,
                raw: Some(raw),
            }),
            // Recorded as a `template.status` event (the business account's, so not checked
            // against the channel's number), and logged like the other notices.
            InboundEvent::TemplateStatus(t) => {
                let review = TemplateReview {
                    template_id: t.template_id.clone(),
                    name: t.name.clone(),
                    language: t.language.clone(),
                    status: t.status.clone(),
                    reason: t.reason.clone(),
                    category: t.category.clone(),
                };
                let now = switchboard_domain::now();
                out.batch.events.push(Event::template_status(
                    target.org,
                    target.channel,
                    &review,
                    now,
                ));
                out.notices.push(notice(InboundEvent::TemplateStatus(t)));
            }
            other => out.notices.push(notice(other)),
        }
    }
    out
}

/// `Err` when the event belongs to another provider account than the channel's.
fn check_account(target: &Target<'_>, account: &str) -> Result<(), Skipped> {
    match target.account {
        Some(ours) if !account.is_empty() && ours != account => Err(Skipped {
            reason: format!(
                "event for provider account `{account}` arrived at the hook of a channel for \
                 `{ours}`; point that account's webhook at its own channel"
            ),
            raw: None,
        }),
        _ => Ok(()),
    }
}

fn message(
    target: &Target<'_>,
    m: switchboard_connectors::InboundMessage,
) -> Result<InboundMessage, Skipped> {
    check_account(target, &m.account)?;
    let from = Address::parse(target.kind, &m.from).map_err(|e| Skipped {
        reason: format!("message {} skipped: sender {e}", m.provider_message_id),
        raw: None,
    })?;
    let kind = render::kind(&m.content);
    let text = render::text(&m.content);
    let reaction_to = match &m.content {
        InboundContent::Reaction { message_id, emoji } => {
            // The store's convention: an empty emoji removes the reaction.
            Some((message_id.clone(), emoji.clone().unwrap_or_default()))
        }
        _ => None,
    };
    let revision_of = revision_of(&m);
    let jobs_if_new = match &m.content {
        InboundContent::Media(media) => vec![
            NewJob::new(
                Some(target.org),
                MEDIA_FETCH,
                json!({
                    "channel_id": target.channel,
                    "media_id": media.id,
                    "mime_type": media.mime_type,
                    "sha256": media.sha256,
                }),
            )
            // One download per message even if two jobs were ever made for it.
            .dedup(format!(
                "{MEDIA_FETCH}:{}:{}",
                target.channel.0, m.provider_message_id
            )),
        ],
        _ => Vec::new(),
    };
    let content = content_json(&m);
    Ok(InboundMessage {
        provider_message_id: m.provider_message_id,
        from: from.as_str().to_owned(),
        profile_name: m.profile_name.filter(|n| !n.trim().is_empty()),
        kind: kind.to_owned(),
        content,
        text,
        reply_to: m.reply_to,
        provider_at: m.timestamp,
        reaction_to,
        revision_of,
        jobs_if_new,
    })
}

/// An edit or deletion notice (a `system` message quoting the message it concerns) as the
/// revision to record on that message.
fn revision_of(m: &switchboard_connectors::InboundMessage) -> Option<(String, Revision)> {
    let InboundContent::System(notice) = &m.content else {
        return None;
    };
    let target = m.reply_to.clone()?;
    let revision = match notice.kind.as_deref()? {
        SystemNotice::EDITED => Revision {
            text: notice.body.clone(),
            deleted: false,
            at: m.timestamp,
        },
        SystemNotice::DELETED => Revision {
            text: None,
            deleted: true,
            at: m.timestamp,
        },
        _ => return None,
    };
    Some((target, revision))
}

/// The connector's content serialized (`{"type": ..., ...}`), plus what the message says about
/// itself beside its content when present: forwarding, the ad that led here, the group member
/// who wrote, provider errors
/// (why a message is unsupported).
fn content_json(m: &switchboard_connectors::InboundMessage) -> Value {
    let mut content = serde_json::to_value(&m.content).unwrap_or_else(|e| {
        // Only non-finite coordinates or prices fail to serialize; keep what we can say.
        json!({ "type": render::kind(&m.content), "unserializable": e.to_string() })
    });
    if let Value::Object(obj) = &mut content {
        if m.forwarded != Forwarded::No {
            obj.insert("forwarded".into(), json!(m.forwarded));
        }
        if let Some(referral) = &m.referral {
            obj.insert("referral".into(), json!(referral));
        }
        // In a group the conversation is the group; who of it wrote is kept on the message.
        if let Some(participant) = &m.participant {
            obj.insert("participant".into(), json!(participant));
        }
        if !m.errors.is_empty() {
            let errors: Vec<Value> = m
                .errors
                .iter()
                .map(|e| json!({ "code": e.code, "title": e.title, "details": e.details }))
                .collect();
            obj.insert("provider_errors".into(), Value::Array(errors));
        }
    }
    content
}

fn status_report(target: &Target<'_>, s: StatusEvent) -> Result<StatusReport, Skipped> {
    check_account(target, &s.account)?;
    let new = status::status_of(&s.status).map_err(|why| Skipped {
        reason: format!("status for {} skipped: {why}", s.provider_message_id),
        raw: None,
    })?;
    let error = (new == switchboard_domain::MessageStatus::Failed)
        .then(|| status::error_of(target.provider, &s.errors));
    Ok(StatusReport {
        provider_message_id: s.provider_message_id,
        status: new,
        at: s.timestamp,
        error,
    })
}

fn watermark(target: &Target<'_>, w: WatermarkEvent) -> Result<Watermark, Skipped> {
    check_account(target, &w.account)?;
    let to = Address::parse(target.kind, &w.recipient).map_err(|e| Skipped {
        reason: format!("watermark skipped: recipient {e}"),
        raw: None,
    })?;
    let status = status::status_of(&w.status).map_err(|why| Skipped {
        reason: format!("watermark skipped: {why}"),
        raw: None,
    })?;
    if !matches!(status, MessageStatus::Delivered | MessageStatus::Read) {
        return Err(Skipped {
            reason: format!("watermark skipped: a {status} watermark means nothing"),
            raw: None,
        });
    }
    Ok(Watermark {
        to: to.as_str().to_owned(),
        status,
        up_to: w.up_to,
    })
}

fn notice(event: InboundEvent) -> Notice {
    let info = |text: String| Notice { warn: false, text };
    let warn = |text: String| Notice { warn: true, text };
    match event {
        InboundEvent::TemplateStatus(t) => info(format!(
            "template {} ({}) is now {}{}",
            t.name,
            t.language,
            t.status,
            t.reason.map(|r| format!(": {r}")).unwrap_or_default()
        )),
        InboundEvent::TemplateQuality(t) => info(format!(
            "template {} ({}) quality is now {}",
            t.name, t.language, t.quality
        )),
        InboundEvent::PhoneQuality(p) => warn(format!(
            "number {}: {}{}",
            p.display_phone_number,
            p.event,
            p.tier.map(|t| format!(", tier {t}")).unwrap_or_default()
        )),
        InboundEvent::Account { event, .. } => warn(format!("account notice {event}")),
        InboundEvent::MarketingPreference(p) => info(format!(
            "customer {} chose {:?} for {}",
            p.user, p.choice, p.category
        )),
        InboundEvent::Errors { errors, .. } => warn(format!(
            "provider errors: {}",
            errors
                .iter()
                .map(|e| format!("{} {}", e.code, e.title.as_deref().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        // `map_events` handles these itself and never passes them here.
        InboundEvent::Message(_)
        | InboundEvent::Status(_)
        | InboundEvent::Watermark(_)
        | InboundEvent::Unparsed { .. } => info("message, status or unparsed piece".to_owned()),
    }
}

#[cfg(test)]
mod tests;
