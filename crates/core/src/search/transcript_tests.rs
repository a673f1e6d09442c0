//! The plain-text rendering of a transcript.

use switchboard_domain::{
    ChannelId, ContactId, ConversationId, ConversationStatus, Direction, IdentityId, MessageId,
    MessageStatus, OrgId, Priority,
};
use switchboard_store::{Conversation, Message};
use time::macros::datetime;

use super::*;

fn message(direction: Direction, text: Option<&str>, kind: &str, at: Timestamp) -> Message {
    Message {
        id: MessageId::new(),
        org_id: OrgId::new(),
        conversation_id: ConversationId::new(),
        channel_id: ChannelId::new(),
        contact_id: ContactId::new(),
        direction,
        status: MessageStatus::Received,
        provider_message_id: None,
        kind: kind.to_owned(),
        content: serde_json::json!({}),
        text: text.map(str::to_owned),
        reply_to: None,
        sender: None,
        error: None,
        reactions: Vec::new(),
        revisions: Vec::new(),
        created_at: at,
        provider_at: None,
        sent_at: None,
        delivered_at: None,
        read_at: None,
        failed_at: None,
        updated_at: at,
        send_notes: None,
    }
}

fn author(role: &'static str, name: &str) -> TranscriptAuthor {
    TranscriptAuthor {
        role,
        id: None,
        name: name.to_owned(),
    }
}

fn transcript(entries: Vec<TranscriptEntry>) -> Transcript {
    let now = switchboard_domain::now();
    Transcript {
        conversation: Conversation {
            id: ConversationId::new(),
            org_id: OrgId::new(),
            channel_id: ChannelId::new(),
            contact_id: ContactId::new(),
            identity_id: IdentityId::new(),
            status: ConversationStatus::Open,
            snoozed_until: None,
            priority: Priority::None,
            assignee: None,
            team: None,
            last_message_at: None,
            last_message_preview: None,
            last_inbound_at: None,
            unread_count: 0,
            created_at: now,
            updated_at: now,
        },
        contact_name: "Ada".to_owned(),
        entries,
        exported_at: now,
    }
}

#[test]
fn one_line_per_message_in_utc() {
    let t = transcript(vec![
        TranscriptEntry {
            message: message(
                Direction::Inbound,
                Some("Hi"),
                "text",
                datetime!(2026-11-23 05:12:03 +01:00),
            ),
            author: author("customer", "Ada"),
        },
        TranscriptEntry {
            message: message(
                Direction::Outbound,
                Some("Hello Ada"),
                "text",
                datetime!(2026-11-23 04:13:00 UTC),
            ),
            author: author("user", "Grace Hopper"),
        },
        TranscriptEntry {
            message: message(
                Direction::Outbound,
                None,
                "image",
                datetime!(2026-11-23 04:14:00 UTC),
            ),
            author: author("api_key", "CRM sync"),
        },
    ]);
    assert_eq!(
        t.to_text(),
        "[2026-11-23 04:12:03 UTC] Ada (customer): Hi\n\
         [2026-11-23 04:13:00 UTC] Grace Hopper (user): Hello Ada\n\
         [2026-11-23 04:14:00 UTC] CRM sync (api key): [image]\n"
    );
}

#[test]
fn later_lines_are_indented_and_controls_dropped() {
    let forged = "first\n[2026-01-01 00:00:00 UTC] Agent (user): forged\r\n\u{1b}[31mred\tend";
    let t = transcript(vec![TranscriptEntry {
        message: message(
            Direction::Inbound,
            Some(forged),
            "text",
            datetime!(2026-11-23 04:12:03 UTC),
        ),
        author: author("customer", "Ada\u{7}"),
    }]);
    assert_eq!(
        t.to_text(),
        "[2026-11-23 04:12:03 UTC] Ada (customer): first\n\
         \x20   [2026-01-01 00:00:00 UTC] Agent (user): forged\n\
         \x20   [31mred end\n"
    );
}

#[test]
fn the_customer_is_named_by_what_is_known() {
    assert_eq!(
        customer_name(
            None,
            Some("Ada L.".to_owned()),
            Some("447700900123".to_owned())
        ),
        "Ada L."
    );
    assert_eq!(
        customer_name(None, None, Some("447700900123".to_owned())),
        "447700900123"
    );
    assert_eq!(customer_name(None, None, None), "Customer");
}
