//! Changing a conversation's workflow: status (snoozing needs a time), priority, assignee and
//! team. Each actual change becomes a timeline entry by the caller, written with the change in
//! one transaction; a request that changes nothing writes nothing.

use serde_json::json;
use switchboard_domain::{
    ConversationId, ConversationStatus, Priority, Scope, TeamId, Timestamp, UserId,
};
use switchboard_store::{
    Conversation, ConversationChange, ConversationEvent, Effects, Event, StoreError,
};

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
        let mut effects = Effects::none();
        effects.events =
            Event::conversation_changed(&before, &applied(&before, &change), p.actor(), now);
        let after = self
            .store
            .change_conversation(p.org(), id, &change, &events, &effects)
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

/// `before` with `change` applied, as the store will leave it: what the events describe.
fn applied(before: &Conversation, change: &ConversationChange) -> Conversation {
    let mut after = before.clone();
    if let Some(s) = change.status {
        after.status = s;
    }
    if let Some(t) = change.snoozed_until {
        after.snoozed_until = t;
    }
    if let Some(x) = change.priority {
        after.priority = x;
    }
    if let Some(a) = change.assignee {
        after.assignee = a;
    }
    if let Some(t) = change.team {
        after.team = t;
    }
    after
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

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_domain::{ChannelId, ContactId, IdentityId, OrgId};

    fn snooze(status: Option<ConversationStatus>, until: Option<Timestamp>) -> ConversationUpdate {
        ConversationUpdate {
            status,
            snoozed_until: until,
            ..Default::default()
        }
    }

    #[test]
    fn snoozing_needs_a_future_time_and_only_snoozing_takes_one() {
        let now = switchboard_domain::now();
        let soon = now + time::Duration::seconds(90);
        let snoozed = Some(ConversationStatus::Snoozed);
        assert_eq!(
            snooze_time(&snooze(snoozed, Some(soon)), now).unwrap(),
            Some(soon)
        );
        assert!(snooze_time(&snooze(snoozed, None), now).is_err());
        assert!(snooze_time(&snooze(snoozed, Some(now)), now).is_err());
        assert!(snooze_time(&snooze(Some(ConversationStatus::Open), Some(soon)), now).is_err());
        assert!(snooze_time(&snooze(None, Some(soon)), now).is_err());
        assert_eq!(snooze_time(&snooze(None, None), now).unwrap(), None);
        let fine = soon + time::Duration::nanoseconds(123_456);
        let kept = snooze_time(&snooze(snoozed, Some(fine)), now).unwrap();
        assert_eq!(
            kept.map(|t| t.nanosecond() % 1_000_000),
            Some(0),
            "whole ms"
        );
    }

    #[test]
    fn the_timeline_names_each_moved_field_once() {
        let now = switchboard_domain::now();
        let p = Principal::system(OrgId::new());
        let before = Conversation {
            id: ConversationId::new(),
            org_id: p.org(),
            channel_id: ChannelId::new(),
            contact_id: ContactId::new(),
            identity_id: IdentityId::new(),
            status: ConversationStatus::Snoozed,
            snoozed_until: Some(now),
            priority: Priority::None,
            assignee: None,
            team: None,
            last_message_at: None,
            last_message_preview: None,
            last_inbound_at: None,
            unread_count: 0,
            created_at: now,
            updated_at: now,
        };
        let later = now + time::Duration::hours(1);
        // Still snoozed, to another time: one `conversation.snoozed` entry, no status change.
        let resnooze = ConversationChange {
            snoozed_until: Some(Some(later)),
            ..Default::default()
        };
        let kinds: Vec<String> = timeline(&p, &before, &resnooze, now)
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, ["conversation.snoozed"]);
        let user = UserId::new();
        let all = ConversationChange {
            status: Some(ConversationStatus::Open),
            snoozed_until: Some(None),
            priority: Some(Priority::Urgent),
            assignee: Some(Some(user)),
            team: None,
        };
        let events = timeline(&p, &before, &all, now);
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "status.changed",
                "priority.changed",
                "conversation.assigned"
            ]
        );
        assert_eq!(events[0].data, json!({ "from": "snoozed", "to": "open" }));
        assert_eq!(events[2].data, json!({ "from": null, "to": user }));
        assert!(events.iter().all(|e| e.actor == p.actor()));
    }
}
