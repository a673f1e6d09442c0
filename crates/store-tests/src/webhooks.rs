//! Webhook endpoints: every field round-trips exactly, pages ascend by id, updates replace, and
//! another organization sees and changes nothing.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, WebhookEndpointId};
use switchboard_store::{Effects, PageRequest, Store, WebhookEndpoint};

use crate::fixtures::{assert_not_found, audit, new_channel, new_org, none, plus_secs};

fn endpoint(org: switchboard_domain::OrgId, url: &str) -> WebhookEndpoint {
    let now = switchboard_domain::now();
    WebhookEndpoint {
        id: WebhookEndpointId::new(),
        org_id: org,
        url: url.to_owned(),
        description: "CRM sync — ünïcode".to_owned(),
        event_types: vec!["message.received".to_owned(), "conversation.*".to_owned()],
        channel_ids: Vec::new(),
        enabled: true,
        format: "standard".to_owned(),
        secret: vec![0, 1, 2, 255],
        previous_secret: None,
        previous_until: None,
        disabled_reason: None,
        failing_since: None,
        created_at: now,
        updated_at: now,
    }
}

pub async fn webhook_endpoint_round_trip_page_update_delete(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let a = endpoint(o.id, "https://hooks.example.com/a");
    let effects = Effects::audit(audit(
        o.id,
        "webhook_endpoint.created",
        "webhook_endpoint",
        None,
    ));
    s.create_webhook_endpoint(&a, &effects)
        .await
        .expect("create");
    assert_eq!(s.get_webhook_endpoint(o.id, a.id).await.expect("get"), a);
    let b = endpoint(o.id, "https://hooks.example.com/b");
    s.create_webhook_endpoint(&b, &none())
        .await
        .expect("create b");

    let first = s
        .list_webhook_endpoints(o.id, PageRequest::first(1))
        .await
        .expect("page 1");
    assert_eq!(
        (first.items.clone(), first.next),
        (vec![a.clone()], Some(a.id.0))
    );
    let rest = s
        .list_webhook_endpoints(
            o.id,
            PageRequest {
                after: first.next,
                limit: 5,
            },
        )
        .await
        .expect("page 2");
    assert_eq!((rest.items, rest.next), (vec![b.clone()], None));

    let changed = WebhookEndpoint {
        url: "https://hooks.example.com/a2".to_owned(),
        event_types: Vec::new(),
        channel_ids: vec![ch.id],
        enabled: false,
        format: "meta".to_owned(),
        secret: vec![9; 40],
        previous_secret: Some(vec![0, 1, 2, 255]),
        previous_until: Some(plus_secs(a.created_at, 86_400)),
        disabled_reason: Some("gone".to_owned()),
        failing_since: Some(a.created_at),
        updated_at: plus_secs(a.updated_at, 5),
        ..a.clone()
    };
    s.update_webhook_endpoint(&changed, &none())
        .await
        .expect("update");
    assert_eq!(
        s.get_webhook_endpoint(o.id, a.id).await.expect("get"),
        changed
    );

    s.delete_webhook_endpoint(o.id, a.id, &none())
        .await
        .expect("delete");
    assert_not_found(s.get_webhook_endpoint(o.id, a.id).await, "deleted endpoint");
    assert_not_found(
        s.delete_webhook_endpoint(o.id, a.id, &none()).await,
        "deleting twice",
    );
}

pub async fn webhook_endpoints_are_invisible_to_other_orgs(s: Arc<dyn Store>) {
    let (o, other) = (new_org(&*s).await, new_org(&*s).await);
    let e = endpoint(o.id, "https://hooks.example.com/x");
    s.create_webhook_endpoint(&e, &none())
        .await
        .expect("create");
    assert_not_found(s.get_webhook_endpoint(other.id, e.id).await, "foreign get");
    let foreign = WebhookEndpoint {
        org_id: other.id,
        url: "https://evil.example/".into(),
        ..e.clone()
    };
    assert_not_found(
        s.update_webhook_endpoint(&foreign, &none()).await,
        "foreign update",
    );
    assert_not_found(
        s.delete_webhook_endpoint(other.id, e.id, &none()).await,
        "foreign delete",
    );
    let listed = s
        .list_webhook_endpoints(other.id, PageRequest::first(10))
        .await
        .expect("list");
    assert!(listed.items.is_empty());
    assert_eq!(s.get_webhook_endpoint(o.id, e.id).await.expect("intact"), e);
}
