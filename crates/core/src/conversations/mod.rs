//! Conversations (PRODUCT §4): the inbox listing with its filters, one conversation with its
//! customer-service window, the timeline, internal notes and marking as read. Workflow changes
//! (status, priority, assignment) live in [`change`].
//!
//! A caller restricted to channels sees only conversations on its channels; any other answers
//! `NotFound`, exactly like another organization's id.

mod change;

use std::collections::HashMap;

use serde_json::json;
use switchboard_domain::{
    ChannelId, ChannelKind, ContactId, ConversationId, ConversationStatus, Scope, TeamId,
    Timestamp, UserId,
};
use switchboard_store::{
    Conversation, ConversationEvent, ConversationFilter, Effects, Page, PageRequest, StoreError,
};

use crate::{Core, CoreError, CoreResult, Principal};

pub use change::ConversationUpdate;

/// A conversation with what is computed on reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationDetails {
    pub conversation: Conversation,
    /// Until when a free-form answer is allowed (the channel kind's service window from the
    /// customer's last message); `None` when the kind has no window, the customer never wrote,
    /// or the window has closed.
    pub window_open_until: Option<Timestamp>,
}

/// Whose conversations an inbox listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// The signed-in user's.
    Me,
    User(UserId),
    /// Unassigned ones.
    Nobody,
}

/// The inbox filters, as the caller gives them; every one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationQuery {
    pub status: Option<ConversationStatus>,
    pub channel: Option<ChannelId>,
    pub assignee: Option<AssigneeFilter>,
    pub team: Option<TeamId>,
    pub contact: Option<ContactId>,
    pub tag: Option<String>,
    pub unread: Option<bool>,
}

/// Internal notes are for colleagues, not essays.
const MAX_NOTE_CHARS: usize = 10_000;

impl Core {
    /// The inbox, newest first.
    pub async fn list_conversations(
        &self,
        p: &Principal,
        q: ConversationQuery,
        page: PageRequest,
    ) -> CoreResult<Page<ConversationDetails>> {
        p.require(Scope::ConversationsRead)?;
        let assignee = match q.assignee {
            None => None,
            Some(AssigneeFilter::Nobody) => Some(None),
            Some(AssigneeFilter::User(u)) => Some(Some(u)),
            Some(AssigneeFilter::Me) => match p {
                Principal::User(u) => Some(Some(u.user_id)),
                _ => {
                    return Err(CoreError::validation(
                        "assignee",
                        "`me` needs a signed-in user; an API key is nobody's assignee",
                    ));
                }
            },
        };
        let own = p.channel_ids();
        let filter = ConversationFilter {
            status: q.status,
            channel: q.channel,
            assignee,
            team: q.team,
            contact: q.contact,
            tag: q.tag,
            unread: q.unread,
            only_channels: (!own.is_empty()).then(|| own.to_vec()),
        };
        let page = self
            .store
            .list_conversations(p.org(), &filter, page)
            .await?;
        let mut kinds: HashMap<ChannelId, Option<ChannelKind>> = HashMap::new();
        let now = switchboard_domain::now();
        let mut items = Vec::with_capacity(page.items.len());
        for c in page.items {
            let kind = match kinds.get(&c.channel_id) {
                Some(k) => *k,
                None => {
                    let k = self.channel_kind(p, c.channel_id).await?;
                    kinds.insert(c.channel_id, k);
                    k
                }
            };
            items.push(details(c, kind, now));
        }
        Ok(Page {
            items,
            next: page.next,
        })
    }

    pub async fn get_conversation(
        &self,
        p: &Principal,
        id: ConversationId,
    ) -> CoreResult<ConversationDetails> {
        p.require(Scope::ConversationsRead)?;
        let c = self.visible_conversation(p, id).await?;
        self.with_details(p, c).await
    }

    /// The timeline, oldest first.
    pub async fn list_conversation_events(
        &self,
        p: &Principal,
        id: ConversationId,
        page: PageRequest,
    ) -> CoreResult<Page<ConversationEvent>> {
        p.require(Scope::ConversationsRead)?;
        self.visible_conversation(p, id).await?;
        Ok(self
            .store
            .list_conversation_events(p.org(), id, page)
            .await?)
    }

    /// Adds an internal note to the timeline (`note.added`); it is never sent to the customer.
    pub async fn add_conversation_note(
        &self,
        p: &Principal,
        id: ConversationId,
        text: &str,
    ) -> CoreResult<ConversationEvent> {
        p.require(Scope::ConversationsWrite)?;
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
            return Err(CoreError::validation(
                "text",
                format!("a note is 1 to {MAX_NOTE_CHARS} characters"),
            ));
        }
        self.visible_conversation(p, id).await?;
        let event = ConversationEvent {
            id: uuid::Uuid::now_v7(),
            org_id: p.org(),
            conversation_id: id,
            kind: "note.added".to_owned(),
            actor: p.actor(),
            data: json!({ "text": text }),
            created_at: switchboard_domain::now(),
        };
        self.store
            .add_conversation_events(p.org(), std::slice::from_ref(&event), &Effects::none())
            .await?;
        Ok(event)
    }

    /// Sets the unread count to zero; answers the conversation as it now is.
    pub async fn mark_conversation_read(
        &self,
        p: &Principal,
        id: ConversationId,
    ) -> CoreResult<ConversationDetails> {
        p.require(Scope::ConversationsWrite)?;
        self.visible_conversation(p, id).await?;
        self.store.mark_conversation_read(p.org(), id).await?;
        let c = self.store.get_conversation(p.org(), id).await?;
        self.with_details(p, c).await
    }

    /// The conversation, or `NotFound` when it is on a channel the caller may not use.
    pub(crate) async fn visible_conversation(
        &self,
        p: &Principal,
        id: ConversationId,
    ) -> CoreResult<Conversation> {
        let c = self.store.get_conversation(p.org(), id).await?;
        if p.may_use_channel(c.channel_id) {
            Ok(c)
        } else {
            Err(CoreError::NotFound)
        }
    }

    async fn with_details(
        &self,
        p: &Principal,
        c: Conversation,
    ) -> CoreResult<ConversationDetails> {
        let kind = self.channel_kind(p, c.channel_id).await?;
        Ok(details(c, kind, switchboard_domain::now()))
    }

    /// The kind of the conversation's channel; `None` if the channel went away meanwhile.
    async fn channel_kind(&self, p: &Principal, id: ChannelId) -> CoreResult<Option<ChannelKind>> {
        match self.store.get_channel(p.org(), id).await {
            Ok(ch) => Ok(Some(ch.kind)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

fn details(c: Conversation, kind: Option<ChannelKind>, now: Timestamp) -> ConversationDetails {
    let window_open_until = kind.and_then(|k| k.window_open_until(c.last_inbound_at, now));
    ConversationDetails {
        conversation: c,
        window_open_until,
    }
}
