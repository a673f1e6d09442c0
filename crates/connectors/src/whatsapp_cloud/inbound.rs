//! Maps the Cloud API's own [`WebhookEvent`]s onto the neutral [`InboundEvent`]s the hub
//! consumes. The sender's profile name, which Meta sends beside the messages in
//! `value.contacts[]`, is folded into each message from that sender.

mod content;

use std::collections::HashMap;

use super::webhook::{
    DeliveryStatus, InboundMessage as WaMessage, Source, StatusUpdate, WebhookError, WebhookEvent,
};
use crate::inbound::{
    DeliveryState, Forwarded, InboundEvent, InboundMessage, MarketingChoice,
    MarketingPreferenceEvent, PhoneQualityEvent, Pricing, ProviderErrorInfo, Referral, StatusEvent,
    TemplateQualityEvent, TemplateStatusEvent,
};

/// Maps a parsed webhook, in order. `ContactProfile` events carry no event of their own.
pub fn neutral_events(events: Vec<WebhookEvent>) -> Vec<InboundEvent> {
    // (number id, wa_id) -> profile name, from the contacts[] of the same payload.
    let names: HashMap<(String, String), String> = events
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::ContactProfile { source, profile } => Some((
                (account(source), profile.wa_id.clone()),
                profile.name.clone()?,
            )),
            _ => None,
        })
        .collect();
    events
        .into_iter()
        .filter_map(|e| neutral(e, &names))
        .collect()
}

/// The receiving number's id, or the WABA id for account-level changes.
fn account(source: &Source) -> String {
    source
        .metadata
        .as_ref()
        .map_or_else(|| source.waba_id.clone(), |m| m.phone_number_id.clone())
}

fn neutral(event: WebhookEvent, names: &HashMap<(String, String), String>) -> Option<InboundEvent> {
    Some(match event {
        WebhookEvent::Message { source, message } => {
            let account = account(&source);
            let profile_name = names.get(&(account.clone(), message.from.clone())).cloned();
            InboundEvent::Message(Box::new(message_event(account, profile_name, message)))
        }
        WebhookEvent::Status { source, status } => {
            InboundEvent::Status(status_event(account(&source), status))
        }
        WebhookEvent::ContactProfile { .. } => return None,
        WebhookEvent::Errors { source, errors } => InboundEvent::Errors {
            account: account(&source),
            errors: errors.iter().map(error_info).collect(),
        },
        WebhookEvent::TemplateStatus { source, update } => {
            InboundEvent::TemplateStatus(TemplateStatusEvent {
                account: source.waba_id,
                template_id: update.message_template_id,
                name: update.message_template_name,
                language: update.message_template_language,
                status: update.event,
                reason: update.reason.filter(|r| !r.eq_ignore_ascii_case("NONE")),
                category: update.message_template_category,
            })
        }
        WebhookEvent::TemplateQuality { source, update } => {
            InboundEvent::TemplateQuality(TemplateQualityEvent {
                account: source.waba_id,
                template_id: update.message_template_id,
                name: update.message_template_name,
                language: update.message_template_language,
                previous: update.previous_quality_score,
                quality: update.new_quality_score,
            })
        }
        WebhookEvent::PhoneQuality { source, update } => {
            InboundEvent::PhoneQuality(PhoneQualityEvent {
                account: source.waba_id,
                display_phone_number: update.display_phone_number,
                event: update.event,
                tier: update.current_limit,
                previous_tier: update.old_limit,
            })
        }
        WebhookEvent::Account { source, update } => InboundEvent::Account {
            account: source.waba_id,
            event: update.event,
            phone_number: update.phone_number,
            raw: update.raw,
        },
        WebhookEvent::MarketingPreference { source, preference } => {
            let choice = match preference.value.to_ascii_lowercase().as_str() {
                "stop" => MarketingChoice::Stop,
                "resume" => MarketingChoice::Resume,
                _ => MarketingChoice::Other(preference.value),
            };
            InboundEvent::MarketingPreference(MarketingPreferenceEvent {
                account: account(&source),
                user: preference.wa_id,
                choice,
                category: preference.category,
                timestamp: preference.timestamp,
                detail: preference.detail,
            })
        }
        WebhookEvent::Unparsed { field, reason, raw } => InboundEvent::Unparsed {
            reason: if field.is_empty() {
                reason
            } else {
                format!("{field}: {reason}")
            },
            raw,
        },
    })
}

fn message_event(account: String, profile_name: Option<String>, m: WaMessage) -> InboundMessage {
    let (reply_to, forwarded) = match &m.context {
        Some(c) => (
            c.id.clone(),
            if c.frequently_forwarded {
                Forwarded::Frequently
            } else if c.forwarded {
                Forwarded::Once
            } else {
                Forwarded::No
            },
        ),
        None => (None, Forwarded::No),
    };
    InboundMessage {
        account,
        provider_message_id: m.id,
        from: m.from,
        profile_name,
        timestamp: m.timestamp,
        reply_to,
        forwarded,
        referral: m.referral.map(|r| Referral {
            source_url: r.source_url,
            source_id: r.source_id,
            source_type: r.source_type,
            headline: r.headline,
            body: r.body,
            media_type: r.media_type,
            click_id: r.ctwa_clid,
        }),
        errors: m.errors.iter().map(error_info).collect(),
        participant: None,
        content: content::content(m.body),
    }
}

fn status_event(account: String, s: StatusUpdate) -> StatusEvent {
    StatusEvent {
        account,
        provider_message_id: s.id,
        status: match s.status {
            DeliveryStatus::Sent => DeliveryState::Sent,
            DeliveryStatus::Delivered => DeliveryState::Delivered,
            DeliveryStatus::Read => DeliveryState::Read,
            DeliveryStatus::Played => DeliveryState::Played,
            DeliveryStatus::Failed => DeliveryState::Failed,
            DeliveryStatus::Other(other) => DeliveryState::Other(other),
        },
        timestamp: s.timestamp,
        recipient: s.recipient_id,
        errors: s.errors.iter().map(error_info).collect(),
        pricing: s.pricing.map(|p| Pricing {
            billable: p.billable,
            model: p.pricing_model,
            kind: p.kind,
            category: p.category,
        }),
        callback_data: s.biz_opaque_callback_data,
    }
}

fn error_info(e: &WebhookError) -> ProviderErrorInfo {
    ProviderErrorInfo {
        code: e.code,
        title: e.title.clone().or_else(|| e.message.clone()),
        details: e.details().map(str::to_owned),
    }
}
