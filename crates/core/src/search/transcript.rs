//! A conversation's transcript: every message oldest first, each with who wrote it (the
//! customer, a user, an API key, Switchboard...), as data and as plain text. Exporting one writes
//! a `conversation.exported` audit entry before anything is handed out: no audit, no export.

use std::collections::HashMap;

use serde_json::json;
use switchboard_domain::{ConversationId, Direction, Scope, Sender, Timestamp};
use switchboard_store::{Contact, Conversation, Message, PageRequest, StoreError};
use time::macros::format_description;

use crate::{Core, CoreError, CoreResult, Principal, audit};

/// How the caller asked for the transcript (recorded in the audit entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranscriptFormat {
    Text,
    Json,
}

impl TranscriptFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
        }
    }
}

/// Who wrote one message, resolved to a name once per export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptAuthor {
    /// `customer`, or the sender kind: `user`, `api_key`, `bot`, `automation`, `campaign`,
    /// `sequence`, `system`.
    pub role: &'static str,
    pub id: Option<uuid::Uuid>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptEntry {
    pub message: Message,
    pub author: TranscriptAuthor,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub conversation: Conversation,
    /// The customer's name as the transcript shows it.
    pub contact_name: String,
    /// Oldest first.
    pub entries: Vec<TranscriptEntry>,
    pub exported_at: Timestamp,
}

impl Transcript {
    /// One line per message: `[2026-11-23 04:12:03 UTC] Ada (customer): Hi`. A text that spans
    /// lines continues on lines indented by four spaces, so no message can pass for another;
    /// control characters (terminal escapes) are dropped. A message without text shows its kind.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            let when = utc_line_time(e.message.created_at);
            let text = match e.message.text.as_deref() {
                Some(t) if !t.trim().is_empty() => t.to_owned(),
                _ => format!("[{}]", e.message.kind),
            };
            let role = e.author.role.replace('_', " ");
            out.push_str(&format!("[{when}] {} ({role}): ", clean(&e.author.name)));
            let mut lines = text.lines();
            out.push_str(&clean(lines.next().unwrap_or_default()));
            out.push('\n');
            for line in lines {
                out.push_str("    ");
                out.push_str(&clean(line));
                out.push('\n');
            }
        }
        out
    }
}

/// `2026-11-23 04:12:03 UTC`.
fn utc_line_time(t: Timestamp) -> String {
    let fmt = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let utc = t.to_offset(time::UtcOffset::UTC);
    // Every in-range date formats; the fallback only keeps a corrupt row from failing an export.
    let shown = utc.format(&fmt).unwrap_or_else(|_| utc.to_string());
    format!("{shown} UTC")
}

/// The text without control characters (tabs become spaces).
fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// What the customer is called: the contact's name, else the platform's profile name, else their
/// address on the channel.
fn customer_name(
    contact: Option<&Contact>,
    profile: Option<String>,
    address: Option<String>,
) -> String {
    contact
        .and_then(|c| c.name.clone())
        .or(profile)
        .or(address)
        .unwrap_or_else(|| "Customer".to_owned())
}

impl Core {
    /// The whole conversation, oldest first, for download; writes `conversation.exported`.
    pub async fn export_transcript(
        &self,
        p: &Principal,
        id: ConversationId,
        format: TranscriptFormat,
    ) -> CoreResult<Transcript> {
        p.require(Scope::ConversationsRead)?;
        let org = p.org();
        let conversation = self.visible_conversation(p, id).await?;

        let mut messages = Vec::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let got = self.store.list_messages(org, id, page).await?;
            messages.extend(got.items);
            match got.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }

        // The contact may have been deleted since; the transcript still names the customer.
        let contact = match self.store.get_contact(org, conversation.contact_id).await {
            Ok(c) => Some(c),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let identity = match &contact {
            Some(c) => self
                .store
                .list_identities(org, c.id)
                .await?
                .into_iter()
                .find(|i| i.id == conversation.identity_id),
            None => None,
        };
        let contact_name = customer_name(
            contact.as_ref(),
            identity.as_ref().and_then(|i| i.profile_name.clone()),
            identity.map(|i| i.address),
        );

        let mut names: HashMap<Sender, String> = HashMap::new();
        let mut entries = Vec::with_capacity(messages.len());
        for message in messages {
            let author = match (message.direction, message.sender) {
                (Direction::Inbound, _) => TranscriptAuthor {
                    role: "customer",
                    id: Some(conversation.contact_id.0),
                    name: contact_name.clone(),
                },
                // An outbound message always records its sender; a row without one reads as
                // Switchboard's own.
                (Direction::Outbound, sender) => {
                    let sender = sender.unwrap_or(Sender::System);
                    let name = match names.get(&sender) {
                        Some(n) => n.clone(),
                        None => {
                            let n = self.sender_name(p, sender).await?;
                            names.insert(sender, n.clone());
                            n
                        }
                    };
                    TranscriptAuthor {
                        role: sender.kind(),
                        id: sender.id(),
                        name,
                    }
                }
            };
            entries.push(TranscriptEntry { message, author });
        }

        let effects = audit::effects(
            p,
            "conversation.exported",
            "conversation",
            id,
            json!({ "format": format.as_str(), "messages": entries.len() }),
        );
        self.store
            .add_conversation_events(org, &[], &effects)
            .await?;
        Ok(Transcript {
            conversation,
            contact_name,
            entries,
            exported_at: switchboard_domain::now(),
        })
    }

    /// A sender's display name: a member's name (even after they left the organization), an API
    /// key's name, or the kind of automated sender.
    async fn sender_name(&self, p: &Principal, sender: Sender) -> CoreResult<String> {
        let org = p.org();
        let found = match sender {
            Sender::User(user) => match self.store.get_member(org, user).await {
                Ok(m) => Ok(m.name.to_string()),
                Err(StoreError::NotFound) => {
                    self.store.get_user(user).await.map(|u| u.name.to_string())
                }
                Err(e) => Err(e),
            },
            Sender::ApiKey(key) => self
                .store
                .get_api_key(org, key)
                .await
                .map(|k| k.name.to_string()),
            Sender::Bot(_) => Ok("Bot".to_owned()),
            Sender::Automation(_) => Ok("Automation".to_owned()),
            Sender::Campaign(_) => Ok("Campaign".to_owned()),
            Sender::Sequence(_) => Ok("Sequence".to_owned()),
            Sender::System => Ok("Switchboard".to_owned()),
        };
        match found {
            Ok(name) => Ok(name),
            // A user or key deleted since: the transcript still shows the line.
            Err(StoreError::NotFound) => Ok(format!("Unknown {}", sender.kind().replace('_', " "))),
            Err(e) => Err(CoreError::from(e)),
        }
    }
}

#[cfg(test)]
#[path = "transcript_tests.rs"]
mod tests;
