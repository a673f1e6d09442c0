//! Templates: created once per (channel, name, language), read back exactly, listed with filters
//! and pages, updated, upserted by a sync, deleted, invisible to other organizations; and the
//! provider's verdict applied by the ingest that records its `template.status` event.

use std::sync::Arc;

use serde_json::json;
use switchboard_domain::templates::{ParameterFormat, TemplateCategory, TemplateStatus};
use switchboard_domain::{ChannelId, ChannelKind, OrgId, TemplateId};
use switchboard_store::{
    Event, IngestBatch, PageRequest, Store, Template, TemplateFilter, TemplateReview,
};

use crate::fixtures::{assert_conflict, assert_not_found, events_of, new_channel, new_org, none};

fn template(org: OrgId, channel: ChannelId, name: &str, language: &str) -> Template {
    let now = switchboard_domain::now();
    Template {
        id: TemplateId::new(),
        org_id: org,
        channel_id: channel,
        name: name.to_owned(),
        language: language.to_owned(),
        category: TemplateCategory::Utility,
        parameter_format: ParameterFormat::Positional,
        components: json!([{"type": "body", "text": "Hi {{1}}", "example": ["Maya"]}]),
        status: TemplateStatus::Pending,
        provider_template_id: None,
        rejection_reason: None,
        quality: None,
        created_at: now,
        updated_at: now,
    }
}

pub async fn template_create_get_list_update_delete(s: Arc<dyn Store>) {
    let (o, other) = (new_org(&*s).await, new_org(&*s).await);
    let (wa, wa2) = (
        new_channel(&*s, o.id, ChannelKind::Whatsapp).await,
        new_channel(&*s, o.id, ChannelKind::Whatsapp).await,
    );
    let a = template(o.id, wa.id, "order_ready", "en_GB");
    s.create_template(&a, &none()).await.expect("create");
    assert_eq!(s.get_template(o.id, a.id).await.expect("get"), a);
    let twin = template(o.id, wa.id, "order_ready", "en_GB");
    assert_conflict(
        s.create_template(&twin, &none()).await,
        "template_name",
        "same name",
    );
    let b = template(o.id, wa.id, "order_ready", "de");
    let c = template(o.id, wa2.id, "order_ready", "en_GB");
    s.create_template(&b, &none())
        .await
        .expect("other language");
    s.create_template(&c, &none()).await.expect("other channel");
    let foreign_channel = template(other.id, wa.id, "x", "en");
    assert_not_found(
        s.create_template(&foreign_channel, &none()).await,
        "foreign channel",
    );

    let found = s
        .find_template(o.id, wa.id, "order_ready", "de")
        .await
        .expect("find");
    assert_eq!(found, Some(b.clone()));
    assert_eq!(
        s.find_template(other.id, wa.id, "order_ready", "de")
            .await
            .expect("foreign"),
        None
    );

    let all = s
        .list_templates(o.id, &TemplateFilter::default(), PageRequest::first(2))
        .await
        .expect("page 1");
    assert_eq!(all.items, vec![a.clone(), b.clone()]);
    let rest = s
        .list_templates(
            o.id,
            &TemplateFilter::default(),
            PageRequest {
                after: all.next,
                limit: 2,
            },
        )
        .await
        .expect("page 2");
    assert_eq!((rest.items, rest.next), (vec![c.clone()], None));
    let filtered = |f: TemplateFilter| {
        let s = s.clone();
        async move {
            s.list_templates(o.id, &f, PageRequest::first(10))
                .await
                .expect("list")
                .items
        }
    };
    assert_eq!(
        filtered(TemplateFilter {
            channel: Some(wa2.id),
            ..Default::default()
        })
        .await,
        vec![c.clone()]
    );
    assert_eq!(
        filtered(TemplateFilter {
            language: Some("de".into()),
            ..Default::default()
        })
        .await,
        vec![b.clone()]
    );
    assert_eq!(
        filtered(TemplateFilter {
            only: Some(vec![wa2.id]),
            ..Default::default()
        })
        .await,
        vec![c.clone()]
    );
    assert!(
        filtered(TemplateFilter {
            name: Some("nope".into()),
            ..Default::default()
        })
        .await
        .is_empty()
    );

    let mut approved = a.clone();
    approved.status = TemplateStatus::Approved;
    approved.provider_template_id = Some("9001".into());
    approved.quality = Some("green".into());
    approved.updated_at = switchboard_domain::now();
    s.update_template(&approved, &none()).await.expect("update");
    assert_eq!(s.get_template(o.id, a.id).await.expect("get"), approved);
    assert_eq!(
        filtered(TemplateFilter {
            status: Some(TemplateStatus::Approved),
            ..Default::default()
        })
        .await,
        vec![approved.clone()]
    );
    assert_not_found(
        s.update_template(
            &Template {
                org_id: other.id,
                ..approved.clone()
            },
            &none(),
        )
        .await,
        "foreign update",
    );
    assert!(
        s.list_templates(other.id, &TemplateFilter::default(), PageRequest::first(10))
            .await
            .expect("foreign list")
            .items
            .is_empty()
    );
    assert_not_found(s.get_template(other.id, a.id).await, "foreign get");
    assert_not_found(
        s.delete_template(other.id, a.id, &none()).await,
        "foreign delete",
    );
    s.delete_template(o.id, a.id, &none())
        .await
        .expect("delete");
    assert_not_found(s.get_template(o.id, a.id).await, "deleted");
}

pub async fn template_upsert_keeps_ids_of_known_names(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let wa = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let known = template(o.id, wa.id, "order_ready", "en_GB");
    s.create_template(&known, &none()).await.expect("create");
    let mut synced = template(o.id, wa.id, "order_ready", "en_GB");
    synced.status = TemplateStatus::Approved;
    synced.provider_template_id = Some("77".into());
    let fresh = template(o.id, wa.id, "welcome", "en");
    s.upsert_templates(&[synced.clone(), fresh.clone()], &none())
        .await
        .expect("upsert");
    let got = s.get_template(o.id, known.id).await.expect("kept id");
    assert_eq!(
        (got.status, got.provider_template_id.as_deref()),
        (TemplateStatus::Approved, Some("77"))
    );
    assert_eq!(got.created_at, known.created_at);
    assert_eq!(
        s.get_template(o.id, fresh.id).await.expect("inserted"),
        fresh
    );
}

pub async fn template_review_is_applied_with_its_ingest(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let wa = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let mut a = template(o.id, wa.id, "order_ready", "en_GB");
    a.provider_template_id = Some("111".into());
    let b = template(o.id, wa.id, "welcome", "en");
    s.create_template(&a, &none()).await.expect("a");
    s.create_template(&b, &none()).await.expect("b");
    let review = |id: &str, name: &str, language: &str, status: &str, reason: Option<&str>| {
        Event::template_status(
            o.id,
            wa.id,
            &TemplateReview {
                template_id: id.into(),
                name: name.into(),
                language: language.into(),
                status: status.into(),
                reason: reason.map(str::to_owned),
                category: Some("UTILITY".into()),
            },
            switchboard_domain::now(),
        )
    };
    let batch = IngestBatch {
        messages: Vec::new(),
        statuses: Vec::new(),
        events: vec![
            // By the provider's id, whatever name it gives.
            review("111", "renamed", "en_GB", "APPROVED", Some("NONE")),
            // By name and language: its id was not known yet, and is now.
            review("222", "welcome", "en", "REJECTED", Some("INVALID_FORMAT")),
            // Nobody's template: only recorded.
            review("333", "other", "en", "APPROVED", None),
        ],
    };
    s.ingest(o.id, wa.id, &batch).await.expect("ingest");
    let a = s.get_template(o.id, a.id).await.expect("a");
    assert_eq!(
        (a.status, a.rejection_reason),
        (TemplateStatus::Approved, None)
    );
    let b = s.get_template(o.id, b.id).await.expect("b");
    assert_eq!(
        (
            b.status,
            b.rejection_reason.as_deref(),
            b.provider_template_id.as_deref()
        ),
        (
            TemplateStatus::Rejected,
            Some("INVALID_FORMAT"),
            Some("222")
        )
    );
    assert_eq!(events_of(&*s, o.id, "template.status").await.len(), 3);
}
