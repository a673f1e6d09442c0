//! The builders of the workflow events: a conversation updated, assigned or resolved, a channel's
//! status, a template's review, and the provider's raw webhook kept for meta-format endpoints.
//! Like every builder in [`super`], each kind's payload is built here only.

use serde_json::json;
use switchboard_domain::{ChannelId, ChannelStatus, ConversationStatus, OrgId, Timestamp};

use super::Event;
use crate::{Actor, Conversation};

/// The kind of the internal event that carries a provider's raw webhook body: delivered only to
/// `meta`-format endpoints, never shown in the stream, listings or standard deliveries.
pub const PROVIDER_WEBHOOK: &str = "provider.webhook";

impl Event {
    /// Internal events exist for one delivery format only and are nobody's to read.
    pub fn is_internal(&self) -> bool {
        self.kind == PROVIDER_WEBHOOK
    }

    /// `conversation.updated`: `after`'s workflow fields differ from `before`'s; `changes` holds
    /// the moved fields with their new values. `None` when nothing moved.
    pub fn conversation_updated(
        before: &Conversation,
        after: &Conversation,
        by: Actor,
        at: Timestamp,
    ) -> Option<Self> {
        let old = workflow_fields(before);
        let changes: serde_json::Map<String, serde_json::Value> = workflow_fields(after)
            .into_iter()
            .filter(|(k, v)| old.get(k) != Some(v))
            .collect();
        if changes.is_empty() {
            return None;
        }
        let mut payload = conversation_payload(after, by);
        payload.insert("changes".into(), changes.into());
        Some(Self::new(
            after.org_id,
            "conversation.updated",
            Some(after.channel_id),
            payload.into(),
            at,
        ))
    }

    /// `conversation.updated` by Switchboard: a customer's message reopened `after`, which was
    /// `from` (the snooze time it may have had is not told). `None` when it was open already.
    pub fn conversation_reopened(
        after: &Conversation,
        from: ConversationStatus,
        at: Timestamp,
    ) -> Option<Self> {
        let mut before = after.clone();
        before.status = from;
        Self::conversation_updated(&before, after, Actor::System, at)
    }

    /// `conversation.assigned`: the assignee or the team changed (either may now be none).
    /// `None` when neither moved.
    pub fn conversation_assigned(
        before: &Conversation,
        after: &Conversation,
        by: Actor,
        at: Timestamp,
    ) -> Option<Self> {
        if before.assignee == after.assignee && before.team == after.team {
            return None;
        }
        let mut payload = conversation_payload(after, by);
        payload.insert(
            "previous".into(),
            json!({ "assignee_id": before.assignee, "team_id": before.team }),
        );
        Some(Self::new(
            after.org_id,
            "conversation.assigned",
            Some(after.channel_id),
            payload.into(),
            at,
        ))
    }

    /// `conversation.resolved`: the conversation moved to `resolved` from another status.
    pub fn conversation_resolved(
        before: &Conversation,
        after: &Conversation,
        by: Actor,
        at: Timestamp,
    ) -> Option<Self> {
        if after.status != ConversationStatus::Resolved || before.status == after.status {
            return None;
        }
        let mut payload = conversation_payload(after, by);
        payload.insert("previous_status".into(), json!(before.status.as_str()));
        Some(Self::new(
            after.org_id,
            "conversation.resolved",
            Some(after.channel_id),
            payload.into(),
            at,
        ))
    }

    /// Every event one workflow change tells: updated, then assigned and resolved when they apply.
    pub fn conversation_changed(
        before: &Conversation,
        after: &Conversation,
        by: Actor,
        at: Timestamp,
    ) -> Vec<Self> {
        [
            Self::conversation_updated(before, after, by, at),
            Self::conversation_assigned(before, after, by, at),
            Self::conversation_resolved(before, after, by, at),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// `channel.status`: a channel moved from `from` to `to` (a health test, a send the provider
    /// refused or accepted, an admin disabling or enabling it); `error` is the provider's words.
    pub fn channel_status(
        org: OrgId,
        channel: ChannelId,
        from: ChannelStatus,
        to: ChannelStatus,
        error: Option<&str>,
        at: Timestamp,
    ) -> Self {
        Self::new(
            org,
            "channel.status",
            Some(channel),
            json!({
                "channel_id": channel,
                "from": from.as_str(),
                "to": to.as_str(),
                "error": error,
            }),
            at,
        )
    }

    /// `template.status`: the provider reviewed, paused or disabled a message template.
    pub fn template_status(
        org: OrgId,
        channel: ChannelId,
        review: &TemplateReview,
        at: Timestamp,
    ) -> Self {
        Self::new(
            org,
            "template.status",
            Some(channel),
            json!({
                "channel_id": channel,
                "template_id": review.template_id,
                "name": review.name,
                "language": review.language,
                "status": review.status,
                "reason": review.reason,
                "category": review.category,
            }),
            at,
        )
    }

    /// The verdict a `template.status` event reports; `None` for other events. Ingest applies it
    /// to the stored template from the event, so the two never disagree.
    pub fn template_review(&self) -> Option<TemplateReview> {
        if self.kind != "template.status" {
            return None;
        }
        let text = |key: &str| {
            self.payload
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        Some(TemplateReview {
            template_id: text("template_id")?,
            name: text("name")?,
            language: text("language")?,
            status: text("status")?,
            reason: text("reason"),
            category: text("category"),
        })
    }

    /// `provider.webhook` (internal): the exact body a provider POSTed to a channel's hook, kept
    /// in the ingest's transaction so that meta-format endpoints receive it durably.
    pub fn provider_webhook(
        org: OrgId,
        channel: ChannelId,
        provider: &str,
        body: &str,
        at: Timestamp,
    ) -> Self {
        Self::new(
            org,
            PROVIDER_WEBHOOK,
            Some(channel),
            json!({ "channel_id": channel, "provider": provider, "body": body }),
            at,
        )
    }

    /// The raw body of a `provider.webhook` event.
    pub fn raw_body(&self) -> Option<&str> {
        if !self.is_internal() {
            return None;
        }
        self.payload.get("body").and_then(serde_json::Value::as_str)
    }
}

/// A provider's verdict on a template, as `template.status` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateReview {
    pub template_id: String,
    pub name: String,
    pub language: String,
    /// The provider's word (`APPROVED`, `REJECTED`, `PAUSED`...).
    pub status: String,
    pub reason: Option<String>,
    pub category: Option<String>,
}

/// The fields a workflow change can move, in the terms `conversation.updated` reports them.
fn workflow_fields(c: &Conversation) -> serde_json::Map<String, serde_json::Value> {
    let fields = json!({
        "status": c.status.as_str(),
        "snoozed_until": c.snoozed_until.map(rfc3339),
        "priority": c.priority.as_str(),
        "assignee_id": c.assignee,
        "team_id": c.team,
    });
    match fields {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// What every conversation workflow event says about the conversation as it now is.
fn conversation_payload(c: &Conversation, by: Actor) -> serde_json::Map<String, serde_json::Value> {
    let mut map = workflow_fields(c);
    map.insert("conversation_id".into(), json!(c.id));
    map.insert("channel_id".into(), json!(c.channel_id));
    map.insert("contact_id".into(), json!(c.contact_id));
    map.insert("by".into(), actor(by));
    map
}

/// Who made a change: `{"type": "user", "id"}`, `{"type": "api_key", "id"}` or `{"type": "system"}`.
fn actor(by: Actor) -> serde_json::Value {
    match by {
        Actor::User(id) => json!({ "type": "user", "id": id }),
        Actor::ApiKey(id) => json!({ "type": "api_key", "id": id }),
        Actor::System => json!({ "type": "system" }),
    }
}

fn rfc3339(t: Timestamp) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
