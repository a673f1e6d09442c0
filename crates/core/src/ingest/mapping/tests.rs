use serde_json::json;
use switchboard_connectors::inbound::{
    DeliveryState, InboundMedia, MediaKind, ProviderErrorInfo, Referral, TemplateStatusEvent,
};
use switchboard_domain::content::{Contact, ContactName};
use switchboard_domain::{ChannelId, ChannelKind, MessageStatus, OrgId};
use time::macros::datetime;

use super::*;

const ACCOUNT: &str = "106540352242922";

fn target() -> Target<'static> {
    Target {
        org: OrgId::new(),
        channel: ChannelId::new(),
        kind: ChannelKind::Whatsapp,
        account: Some(ACCOUNT),
        provider: "whatsapp_cloud",
    }
}

fn message(id: &str, from: &str, content: InboundContent) -> InboundEvent {
    InboundEvent::Message(Box::new(switchboard_connectors::InboundMessage {
        account: ACCOUNT.into(),
        provider_message_id: id.into(),
        from: from.into(),
        profile_name: Some("Ada".into()),
        timestamp: datetime!(2026-11-23 04:00 UTC),
        reply_to: None,
        forwarded: Forwarded::No,
        referral: None,
        content,
        errors: Vec::new(),
        participant: None,
    }))
}

fn text(body: &str) -> InboundContent {
    InboundContent::Text { body: body.into() }
}

fn status(id: &str, state: DeliveryState, errors: Vec<ProviderErrorInfo>) -> InboundEvent {
    InboundEvent::Status(StatusEvent {
        account: ACCOUNT.into(),
        provider_message_id: id.into(),
        status: state,
        timestamp: datetime!(2026-11-23 04:01 UTC),
        recipient: "447700900123".into(),
        errors,
        pricing: None,
        callback_data: None,
    })
}

#[test]
fn a_text_message_becomes_one_stored_message() {
    let t = target();
    let mapped = map_events(&t, vec![message("wamid.1", "+447700900123", text("Hi"))]);
    assert!(mapped.skipped.is_empty(), "{:?}", mapped.skipped);
    let [m] = mapped.batch.messages.as_slice() else {
        panic!("one message expected: {:?}", mapped.batch);
    };
    assert_eq!(m.provider_message_id, "wamid.1");
    assert_eq!(
        m.from, "447700900123",
        "canonical WhatsApp address, no plus"
    );
    assert_eq!(m.profile_name.as_deref(), Some("Ada"));
    assert_eq!(m.kind, "text");
    assert_eq!(m.text.as_deref(), Some("Hi"));
    assert_eq!(m.content, json!({"type": "text", "body": "Hi"}));
    assert_eq!(m.provider_at, datetime!(2026-11-23 04:00 UTC));
    assert!(m.jobs_if_new.is_empty());
    assert_eq!(m.reaction_to, None);
}

#[test]
fn media_messages_carry_a_fetch_job() {
    let t = target();
    let media = InboundContent::Media(InboundMedia {
        kind: MediaKind::Image,
        id: "media-9".into(),
        mime_type: Some("image/jpeg".into()),
        sha256: Some("abc=".into()),
        caption: Some("Receipt".into()),
        filename: None,
        voice: false,
        animated: false,
    });
    let mapped = map_events(&t, vec![message("wamid.2", "447700900123", media)]);
    let m = &mapped.batch.messages[0];
    assert_eq!(m.kind, "image");
    assert_eq!(m.text.as_deref(), Some("Receipt"));
    assert_eq!(m.content["type"], "media");
    assert_eq!(m.content["kind"], "image");
    assert_eq!(m.content["id"], "media-9");
    let [job] = m.jobs_if_new.as_slice() else {
        panic!("one job expected");
    };
    assert_eq!(job.kind, MEDIA_FETCH);
    assert_eq!(job.org_id, Some(t.org));
    assert_eq!(
        job.payload,
        json!({
            "channel_id": t.channel,
            "media_id": "media-9",
            "mime_type": "image/jpeg",
            "sha256": "abc=",
        })
    );
    assert_eq!(
        job.dedup_key.as_deref(),
        Some(format!("media.fetch:{}:wamid.2", t.channel.0).as_str())
    );
}

#[test]
fn reactions_point_at_their_message_and_removals_are_empty() {
    let t = target();
    let react = |emoji: Option<&str>| InboundContent::Reaction {
        message_id: "wamid.out".into(),
        emoji: emoji.map(Into::into),
    };
    let mapped = map_events(
        &t,
        vec![
            message("wamid.r1", "447700900123", react(Some("👍"))),
            message("wamid.r2", "447700900123", react(None)),
        ],
    );
    let [added, removed] = mapped.batch.messages.as_slice() else {
        panic!("two messages expected");
    };
    assert_eq!(added.kind, "reaction");
    assert_eq!(added.reaction_to, Some(("wamid.out".into(), "👍".into())));
    assert_eq!(
        removed.reaction_to,
        Some(("wamid.out".into(), String::new()))
    );
}

#[test]
fn contacts_forwarding_and_referrals_serialize_into_the_content() {
    let t = target();
    let card = Contact {
        name: ContactName {
            formatted_name: "Grace Hopper".into(),
            first_name: None,
            last_name: None,
            middle_name: None,
            prefix: None,
            suffix: None,
        },
        phones: Vec::new(),
        emails: Vec::new(),
        org: None,
        urls: Vec::new(),
    };
    let mut event = message(
        "wamid.c",
        "447700900123",
        InboundContent::Contacts(vec![card]),
    );
    if let InboundEvent::Message(m) = &mut event {
        m.forwarded = Forwarded::Frequently;
        m.referral = Some(Referral {
            source_id: Some("ad-1".into()),
            ..Referral::default()
        });
        m.reply_to = Some("wamid.before".into());
    }
    let mapped = map_events(&t, vec![event]);
    let m = &mapped.batch.messages[0];
    assert_eq!(m.kind, "contacts");
    assert_eq!(m.text.as_deref(), Some("Grace Hopper"));
    assert_eq!(m.content["type"], "contacts");
    assert_eq!(
        m.content["contacts"][0]["name"]["formatted_name"],
        "Grace Hopper"
    );
    assert_eq!(m.content["forwarded"], "frequently");
    assert_eq!(m.content["referral"]["source_id"], "ad-1");
    assert_eq!(m.reply_to.as_deref(), Some("wamid.before"));
}

#[test]
fn statuses_map_and_failures_carry_classified_errors() {
    let t = target();
    let failure = ProviderErrorInfo {
        code: 131026,
        title: Some("Message undeliverable".into()),
        details: None,
    };
    let mapped = map_events(
        &t,
        vec![
            status("wamid.o1", DeliveryState::Read, Vec::new()),
            status("wamid.o2", DeliveryState::Failed, vec![failure]),
            status(
                "wamid.o3",
                DeliveryState::Other("deleted".into()),
                Vec::new(),
            ),
        ],
    );
    let [read, failed] = mapped.batch.statuses.as_slice() else {
        panic!("two statuses expected: {:?}", mapped.batch.statuses);
    };
    assert_eq!(read.status, MessageStatus::Read);
    assert_eq!(read.error, None);
    assert_eq!(failed.status, MessageStatus::Failed);
    let error = failed.error.as_ref().expect("failure error");
    assert_eq!(error.code, "undeliverable");
    assert_eq!(error.provider_code.as_deref(), Some("131026"));
    assert_eq!(
        error.provider_text.as_deref(),
        Some("Message undeliverable")
    );
    assert_eq!(mapped.skipped.len(), 1);
    assert!(mapped.skipped[0].reason.contains("deleted"));
}

#[test]
fn a_bad_piece_is_skipped_and_the_good_ones_stay() {
    let t = target();
    let mapped = map_events(
        &t,
        vec![
            message("wamid.ok1", "447700900123", text("one")),
            InboundEvent::Unparsed {
                reason: "message without id".into(),
                raw: json!({"type": "text"}),
            },
            message("wamid.bad", "not-a-number", text("two")),
            message("wamid.ok2", "447700900124", text("three")),
        ],
    );
    let ids: Vec<&str> = mapped
        .batch
        .messages
        .iter()
        .map(|m| m.provider_message_id.as_str())
        .collect();
    assert_eq!(ids, ["wamid.ok1", "wamid.ok2"]);
    assert_eq!(mapped.skipped.len(), 2);
    assert_eq!(mapped.skipped[0].reason, "message without id");
    assert!(mapped.skipped[1].reason.contains("wamid.bad"));
}

#[test]
fn events_for_another_account_are_skipped() {
    let t = target();
    let mut other = message("wamid.x", "447700900123", text("hi"));
    if let InboundEvent::Message(m) = &mut other {
        m.account = "999".into();
    }
    let mapped = map_events(&t, vec![other]);
    assert!(mapped.batch.messages.is_empty());
    assert!(mapped.skipped[0].reason.contains("`999`"));

    // A channel without a known account takes what its own signed hook receives.
    let open = Target {
        account: None,
        ..target()
    };
    let mut other = message("wamid.x", "447700900123", text("hi"));
    if let InboundEvent::Message(m) = &mut other {
        m.account = "999".into();
    }
    assert_eq!(map_events(&open, vec![other]).batch.messages.len(), 1);
}

#[test]
fn template_reviews_are_recorded_as_events_and_logged() {
    let t = target();
    let mapped = map_events(
        &t,
        vec![InboundEvent::TemplateStatus(TemplateStatusEvent {
            account: "waba".into(),
            template_id: "1".into(),
            name: "order_update".into(),
            language: "en".into(),
            status: "REJECTED".into(),
            reason: Some("INVALID_FORMAT".into()),
            category: None,
        })],
    );
    assert!(mapped.batch.messages.is_empty() && mapped.batch.statuses.is_empty());
    let [event] = mapped.batch.events.as_slice() else {
        panic!("one event: {:?}", mapped.batch.events)
    };
    assert_eq!(
        (event.kind.as_str(), event.org_id, event.channel_id),
        ("template.status", t.org, Some(t.channel))
    );
    assert_eq!(event.payload["name"], "order_update");
    assert_eq!(event.payload["status"], "REJECTED");
    assert_eq!(event.payload["reason"], "INVALID_FORMAT");
    assert_eq!(
        mapped.notices,
        [Notice {
            warn: false,
            text: "template order_update (en) is now REJECTED: INVALID_FORMAT".into()
        }]
    );
}
