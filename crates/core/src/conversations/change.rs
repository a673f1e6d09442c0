//! Changing a conversation's workflow: status (snoozing needs a time), priority, assignee and
//! team. Each actual change becomes a timeline entry by the caller, written with the change in
//! one transaction; a request that changes nothing writes nothing.

use serde_json::json;
use switchboard_domain::{
    ConversationId, ConversationStatus, Priority, Scope, TeamId, Timestamp, UserId,
};
use switchboard_store::{Conversation, ConversationChange, ConversationEvent, Effects, StoreError};

use super::ConversationDetails;
use crate::{Core, CoreError, CoreResult, Principal};

/// What a caller asks to change; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationUpdate {
    pub status: Option<ConversationStatus>,
    /// Required with `status: snoozed`, refused otherwise; must lie in the future.
    pub snoozed_until: Option<Timestamp>,
    pub priority: Option<Priority>,
    /// A member of the organization (every role may be assigned) who may use the
    /// conversation's channel.
    pub assignee: Option<Option<UserId>>,
    pub team: Option<Option<TeamId>>,
}

impl Core {
    pub async fn update_conversation(
        &self,
        p: &Principal,
        id: ConversationId,
        update: ConversationUpdate,
    ) -> CoreResult<ConversationDetails> {
        p.require(Scope::ConversationsWrite)?;
        let now = switchboard_domain::now();
        let snoozed_until = snooze_time(&update, now)?;
        let before = self.visible_conversation(p, id).await?;
        if let Some(Some(user)) = update.assignee {
            self.check_assignee(p, &before, user).await?;
        }
        if let Some(Some(team)) = update.team {
            match self.store.get_team(p.org(), team).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => {
                    return Err(CoreError::validation(
                        "team_id",
                        "no such team in this organization",
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        let change = ConversationChange {
            status: update.status.filter(|s| *s != before.status),
            snoozed_until: match update.status {
                Some(ConversationStatus::Snoozed) => Some(snoozed_until),
                // Leaving the snooze (or staying in another status) forgets its time.
                Some(_) => Some(None),
                None => None,
            }
            .filter(|t| *t != before.snoozed_until),
            priority: update.priority.filter(|x| *x != before.priority),
            assignee: update.assignee.filter(|x| *x != before.assignee),
            team: update.team.filter(|x| *x != before.team),
        };
        if change == ConversationChange::default() {
            return self.with_details(p, before).await;
        }
        let events = timeline(p, &before, &change, now);
        let after = self
            .store
            .change_conversation(p.org(), id, &change, &events, &Effects::none())
            .await?;
        self.with_details(p, after).await
    }

    /// The assignee must be a member of the organization allowed on the conversation's channel.
    async fn check_assignee(
        &self,
        p: &Principal,
        c: &Conversation,
        user: UserId,
    ) -> CoreResult<()> {
        let member = match self.store.get_member(p.org(), user).await {
            Ok(m) => m,
            Err(StoreError::NotFound) => {
                return Err(CoreError::validation(
                    "assignee_id",
                    "the assignee must be a member of this organization",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let channels = &member.membership.channel_ids;
        if !channels.is_empty() && !channels.contains(&c.channel_id) {
            return Err(CoreError::validation(
                "assignee_id",
                "the assignee may not use this conversation's channel",
            ));
        }
        Ok(())
    }
}

/// The snooze time, checked: required with `snoozed`, refused without it, in the future.
fn snooze_time(update: &ConversationUpdate, now: Timestamp) -> CoreResult<Option<Timestamp>> {
    match (update.status, update.snoozed_until) {
        (Some(ConversationStatus::Snoozed), None) => Err(CoreError::validation(
            "snoozed_until",
            "snoozing needs `snoozed_until`",
        )),
        (Some(ConversationStatus::Snoozed), Some(t)) if t <= now => Err(CoreError::validation(
            "snoozed_until",
            "`snoozed_until` must lie in the future",
        )),
        // Whole milliseconds, as every stored time, so the answer equals what is read back.
        (Some(ConversationStatus::Snoozed), Some(t)) => Ok(Some(to_millis(t))),
        (_, Some(_)) => Err(CoreError::validation(
            "snoozed_until",
            "`snoozed_until` goes only with `status: snoozed`",
        )),
        (_, None) => Ok(None),
    }
}

/// One timeline entry per field the change moves, by the caller.
fn timeline(
    p: &Principal,
    before: &Conversation,
    change: &ConversationChange,
    now: Timestamp,
) -> Vec<ConversationEvent> {
    let entry = |kind: &str, data: serde_json::Value| ConversationEvent {
        id: uuid::Uuid::now_v7(),
        org_id: before.org_id,
        conversation_id: before.id,
        kind: kind.to_owned(),
        actor: p.actor(),
        data,
        created_at: now,
    };
    let mut out = Vec::new();
    let new_snooze = change.snoozed_until.flatten();
    if let Some(to) = change.status {
        let mut e = ConversationEvent::status_changed(
            before.org_id,
            before.id,
            before.status,
            to,
            p.actor(),
            now,
        );
        if let (Some(t), Some(obj)) = (new_snooze, e.data.as_object_mut()) {
            obj.insert("snoozed_until".into(), json!(rfc3339(t)));
        }
        out.push(e);
    } else if let Some(t) = new_snooze {
        // Still snoozed, to another time.
        out.push(entry(
            "conversation.snoozed",
            json!({ "snoozed_until": rfc3339(t) }),
        ));
    }
    if let Some(to) = change.priority {
        out.push(entry(
            "priority.changed",
            json!({ "from": before.priority.as_str(), "to": to.as_str() }),
        ));
    }
    if let Some(to) = change.assignee {
        out.push(entry(
            "conversation.assigned",
            json!({ "from": before.assignee, "to": to }),
        ));
    }
    if let Some(to) = change.team {
        out.push(entry(
            "conversation.team_changed",
            json!({ "from": before.team, "to": to }),
        ));
    }
    out
}

fn to_millis(t: Timestamp) -> Timestamp {
    t.replace_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(t)
}

fn rfc3339(t: Timestamp) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
