//! Statuses, account-level changes, batches, and broken pieces inside a valid envelope.

use switchboard_connectors::whatsapp_cloud::webhook::{
    DeliveryStatus, ParseError, StatusUpdate, WebhookEvent, parse,
};

fn fixture(name: &str) -> Vec<WebhookEvent> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    parse(&std::fs::read(path).unwrap()).unwrap()
}

fn statuses(events: &[WebhookEvent]) -> Vec<&StatusUpdate> {
    events
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::Status { status, .. } => Some(status),
            _ => None,
        })
        .collect()
}

/// The wamids of messages and statuses, in order, and the reasons of unparsed pieces.
fn summary(events: &[WebhookEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            WebhookEvent::Message { message, .. } => message.id.clone(),
            WebhookEvent::Status { status, .. } => status.id.clone(),
            WebhookEvent::Unparsed { field, .. } => format!("unparsed:{field}"),
            WebhookEvent::ContactProfile { profile, .. } => format!("profile:{}", profile.wa_id),
            WebhookEvent::TemplateStatus { update, .. } => format!("template:{}", update.event),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn statuses_with_pricing_conversation_errors_and_groups() {
    let events = fixture("statuses.json");
    let s = statuses(&events);
    assert_eq!(s.len(), 6, "{events:#?}");
    assert_eq!(s[0].status, DeliveryStatus::Delivered);
    assert_eq!(s[0].timestamp.unix_timestamp(), 1_767_225_700);
    let pricing = s[0].pricing.as_ref().unwrap();
    assert_eq!(pricing.billable, Some(true));
    assert_eq!(pricing.pricing_model.as_deref(), Some("PMP"));
    assert_eq!(pricing.kind.as_deref(), Some("regular"));
    assert_eq!(pricing.category.as_deref(), Some("utility"));

    assert_eq!(s[1].status, DeliveryStatus::Sent);
    assert_eq!(s[1].biz_opaque_callback_data.as_deref(), Some("msg_01"));
    let conversation = s[1].conversation.as_ref().unwrap();
    assert_eq!(
        conversation.origin.as_ref().unwrap().kind,
        "free_entry_point"
    );
    assert_eq!(
        conversation.expiration_timestamp.unwrap().unix_timestamp(),
        1_767_312_000
    );

    assert_eq!(s[2].status, DeliveryStatus::Failed);
    assert_eq!(s[2].errors[0].code, 131026);
    assert_eq!(
        s[2].errors[0].title.as_deref(),
        Some("Message undeliverable")
    );
    assert_eq!(s[2].errors[0].details(), Some("Message Undeliverable."));

    assert_eq!(s[3].status, DeliveryStatus::Read);
    assert_eq!(s[3].recipient_type.as_deref(), Some("group"));
    assert_eq!(
        s[3].recipient_participant_id.as_deref(),
        Some("447700900125")
    );
    assert_eq!(s[4].status, DeliveryStatus::Played);
    assert_eq!(s[5].status, DeliveryStatus::Other("warning".into()));
}

#[test]
fn template_quality_account_and_preferences() {
    let events = fixture("account.json");
    assert_eq!(events.len(), 5, "{events:#?}");
    let WebhookEvent::TemplateStatus { source, update } = &events[0] else {
        panic!("{events:#?}")
    };
    assert_eq!(source.waba_id, "102290129340398");
    assert_eq!(source.metadata, None);
    assert_eq!(update.event, "REJECTED");
    assert_eq!(update.message_template_id, "1234567890");
    assert_eq!(update.reason.as_deref(), Some("INVALID_FORMAT"));
    assert_eq!(
        update
            .rejection_info
            .as_ref()
            .and_then(|r| r.recommendation.as_deref()),
        Some("Add text between them.")
    );
    let WebhookEvent::TemplateQuality { update, .. } = &events[1] else {
        panic!("{events:#?}")
    };
    assert_eq!(update.previous_quality_score.as_deref(), Some("GREEN"));
    assert_eq!(update.new_quality_score, "YELLOW");
    let WebhookEvent::PhoneQuality { update, .. } = &events[2] else {
        panic!("{events:#?}")
    };
    assert_eq!(
        (update.event.as_str(), update.current_limit.as_deref()),
        ("FLAGGED", Some("TIER_10K"))
    );
    let WebhookEvent::Account { update, .. } = &events[3] else {
        panic!("{events:#?}")
    };
    assert_eq!(update.event, "ACCOUNT_VIOLATION");
    assert_eq!(update.phone_number.as_deref(), Some("447700900001"));
    assert_eq!(update.raw["violation_info"]["violation_type"], "SCAM");
    let WebhookEvent::MarketingPreference { source, preference } = &events[4] else {
        panic!("{events:#?}")
    };
    assert_eq!(
        source.metadata.as_ref().unwrap().phone_number_id,
        "109876543210"
    );
    assert_eq!(preference.wa_id, "447700900123");
    assert!(preference.is_marketing_stop());
    assert_eq!(preference.timestamp.unix_timestamp(), 1_767_225_900);
}

#[test]
fn batch_keeps_every_entry_and_change_in_order() {
    let events = fixture("batch.json");
    assert_eq!(
        summary(&events),
        [
            "profile:447700900123",
            "wamid.A1",
            "wamid.B1",
            "profile:447700900125",
            "wamid.C1",
            "wamid.C2",
            "template:APPROVED"
        ]
    );
    let numbers: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::Message { source, .. } | WebhookEvent::Status { source, .. } => Some((
                source.waba_id.as_str(),
                source.metadata.as_ref()?.phone_number_id.as_str(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        numbers,
        [
            ("111", "201"),
            ("111", "202"),
            ("222", "203"),
            ("222", "203")
        ]
    );
}

#[test]
fn broken_pieces_never_lose_the_good_ones_beside_them() {
    let events = fixture("broken.json");
    assert_eq!(
        summary(&events),
        [
            "unparsed:",         // "not an entry"
            "wamid.GOOD1",       //
            "unparsed:messages", // bad timestamp and media without id
            "wamid.GOOD2",       //
            "unparsed:messages", // status without timestamp
            "wamid.S2",          //
            "unparsed:messages", // change without metadata
            "unparsed:",         // change without field
            "unparsed:security", // a field we do not handle
            "unparsed:",         // entry whose changes is not a list
        ]
    );
    let WebhookEvent::Unparsed { reason, raw, .. } = &events[2] else {
        panic!()
    };
    assert!(reason.contains("timestamp"), "{reason}");
    assert_eq!(raw["id"], "wamid.BAD");
}

#[test]
fn a_bad_envelope_is_an_error() {
    assert!(matches!(parse(b"{not json"), Err(ParseError::Json(_))));
    assert_eq!(
        parse(br#"{"object":"page","entry":[]}"#),
        Err(ParseError::WrongObject("page".into()))
    );
    assert_eq!(
        parse(br#"{"entry":[]}"#),
        Err(ParseError::WrongObject(String::new()))
    );
    assert_eq!(
        parse(br#"{"object":"whatsapp_business_account"}"#),
        Err(ParseError::MissingEntry)
    );
    assert_eq!(
        parse(br#"{"object":"whatsapp_business_account","entry":[]}"#),
        Ok(vec![])
    );
}

#[test]
fn change_level_errors_become_an_errors_event() {
    let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
      "messaging_product":"whatsapp","metadata":{"display_phone_number":"447700900001","phone_number_id":"201"},
      "errors":[{"code":131000,"title":"Something went wrong","message":"Something went wrong","error_data":{"details":"Retry later"}}]}}]}]}"#;
    let events = parse(body).unwrap();
    let [WebhookEvent::Errors { source, errors }] = events.as_slice() else {
        panic!("{events:#?}")
    };
    assert_eq!(source.metadata.as_ref().unwrap().phone_number_id, "201");
    assert_eq!(errors[0].code, 131000);
    assert_eq!(errors[0].details(), Some("Retry later"));
}
