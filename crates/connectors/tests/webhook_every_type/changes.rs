//! Delivery statuses of every kind, and template status and quality changes.

use switchboard_connectors::whatsapp_cloud::webhook::{
    DeliveryStatus, Pricing, StatusUpdate, WebhookEvent,
};

use super::{fixture, statuses};

#[test]
fn statuses_of_every_kind_with_pricing_errors_groups_and_conversation() {
    let events = fixture("inbound_statuses.json");
    let s = statuses(&events);
    let kinds: Vec<_> = s.iter().map(|s| s.status.clone()).collect();
    use DeliveryStatus::{Delivered, Failed, Other, Played, Read, Sent};
    let expected = [
        Sent,
        Delivered,
        Read,
        Played,
        Failed,
        Sent,
        Delivered,
        Delivered,
        Sent,
        Other("deleted".into()),
    ];
    assert_eq!(kinds, expected, "{events:#?}");
    assert_eq!(s[0].recipient_user_id.as_deref(), Some("GB.1111111111"));
    let pricing = |s: &StatusUpdate| {
        s.pricing
            .clone()
            .map(|p: Pricing| (p.billable, p.kind, p.category))
    };
    assert_eq!(
        pricing(s[0]),
        Some((
            Some(true),
            Some("regular".into()),
            Some("marketing_lite".into())
        ))
    );
    // Categories we do not know are kept as sent.
    assert_eq!(
        pricing(s[1]).and_then(|p| p.2).as_deref(),
        Some("referral_conversion")
    );
    assert_eq!(
        pricing(s[2]).map(|p| p.1),
        Some(Some("free_customer_service".into()))
    );
    assert_eq!(pricing(s[3]), None);

    let failed = &s[4].errors;
    assert_eq!(
        failed.iter().map(|e| e.code).collect::<Vec<_>>(),
        [131047, 131026]
    );
    assert!(
        failed[0]
            .details()
            .unwrap()
            .starts_with("Message failed to send")
    );
    assert_eq!(
        (failed[1].details(), failed[1].href.as_deref()),
        (None, None)
    );

    let group: Vec<_> = s[5..7]
        .iter()
        .map(|s| {
            (
                s.recipient_type.as_deref(),
                s.recipient_participant_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        group,
        [
            (Some("group"), Some("447700900126")),
            (Some("group"), Some("447700900127"))
        ]
    );

    let conversation = s[7].conversation.as_ref().unwrap();
    assert_eq!(
        conversation
            .expiration_timestamp
            .map(|t| t.unix_timestamp()),
        Some(1_767_312_087)
    );
    let older = s[8].conversation.as_ref().unwrap();
    assert_eq!(
        (older.id.as_str(), older.expiration_timestamp),
        ("conv-3", None)
    );
    assert_eq!(
        older.origin.as_ref().map(|o| o.kind.as_str()),
        Some("utility")
    );
}

#[test]
fn template_status_with_rejection_info_and_quality_changes() {
    let events = fixture("inbound_templates.json");
    assert_eq!(events.len(), 4, "{events:#?}");
    let WebhookEvent::TemplateStatus { update, .. } = &events[0] else {
        panic!("{events:#?}")
    };
    assert_eq!(
        (update.event.as_str(), update.message_template_id.as_str()),
        ("REJECTED", "1234567891")
    );
    assert_eq!(
        update.message_template_category.as_deref(),
        Some("MARKETING")
    );
    let info = update.rejection_info.as_ref().unwrap();
    assert_eq!(
        info.recommendation.as_deref(),
        Some("Change the category to MARKETING.")
    );
    let WebhookEvent::TemplateStatus { update, .. } = &events[1] else {
        panic!("{events:#?}")
    };
    assert_eq!(
        (update.event.as_str(), update.reason.as_deref()),
        ("PAUSED", Some("NONE"))
    );
    assert_eq!(
        (update.message_template_id.as_str(), &update.rejection_info),
        ("1234567892", &None)
    );
    let WebhookEvent::TemplateQuality { update, .. } = &events[2] else {
        panic!("{events:#?}")
    };
    assert_eq!(
        (
            update.previous_quality_score.as_deref(),
            update.new_quality_score.as_str()
        ),
        (Some("UNKNOWN"), "RED")
    );
    let WebhookEvent::TemplateQuality { update, .. } = &events[3] else {
        panic!("{events:#?}")
    };
    assert_eq!(
        (
            update.previous_quality_score.as_deref(),
            update.message_template_id.as_str()
        ),
        (None, "1234567893")
    );
}
