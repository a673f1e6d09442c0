//! The contact listing's filters: text (case-insensitive, wildcards literal), tags (all of),
//! attribute equality by JSON type, blocked, channel, combined, and paging.

use std::sync::Arc;

use switchboard_domain::ChannelKind;
use switchboard_store::{ContactFilter, PageRequest, Store};

use crate::contacts::{full_contact, list};
use crate::fixtures::{contact, inbound, ingest_one, new_channel, new_org, none, wa_number};

pub async fn contact_filters_match_every_rule(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let mut a = full_contact(o.id);
    a.name = Some("ÉLODIE 100%_done".to_owned());
    s.create_contact(&a, &none()).await.expect("a");
    let mut b = contact(o.id);
    b.name = Some("Elodie 1000 done".to_owned());
    b.tags = vec!["vip".to_owned()];
    b.attributes
        .insert("plan".to_owned(), serde_json::json!("silver"));
    b.attributes
        .insert("seats".to_owned(), serde_json::json!("12"));
    b.blocked = true;
    s.create_contact(&b, &none()).await.expect("b");
    let from_channel = ingest_one(&*s, o.id, ch.id, inbound(&wa_number(), "hi")).await;
    let c = from_channel.contact_id;

    let q = |text: &str| ContactFilter {
        query: Some(text.to_owned()),
        ..ContactFilter::default()
    };
    assert_eq!(
        list(&*s, o.id, q("élodie")).await,
        vec![a.id],
        "case-insensitive beyond ASCII"
    );
    assert_eq!(
        list(&*s, o.id, q("100%_")).await,
        vec![a.id],
        "% and _ are literal"
    );
    assert_eq!(
        list(&*s, o.id, q("%")).await,
        vec![a.id],
        "a lone % is literal"
    );
    let domain = a.email.as_ref().expect("email").as_str()[5..].to_uppercase();
    assert_eq!(
        list(&*s, o.id, q(&domain)).await,
        vec![a.id],
        "e-mail substring"
    );
    let ext = a.external_id.clone().expect("ext");
    assert_eq!(
        list(&*s, o.id, q(&ext[4..])).await,
        vec![a.id],
        "external id substring"
    );
    let phone = a.phone.as_ref().expect("phone").as_str()[3..].to_owned();
    assert_eq!(
        list(&*s, o.id, q(&phone)).await,
        vec![a.id],
        "phone substring"
    );

    let tags = |t: &[&str]| ContactFilter {
        tags: t.iter().map(|s| (*s).to_owned()).collect(),
        ..ContactFilter::default()
    };
    assert_eq!(list(&*s, o.id, tags(&["vip"])).await, vec![a.id, b.id]);
    assert_eq!(
        list(&*s, o.id, tags(&["vip", "beta"])).await,
        vec![a.id],
        "all of"
    );
    assert!(list(&*s, o.id, tags(&["vip", "nope"])).await.is_empty());

    let attr = |k: &str, v: serde_json::Value| ContactFilter {
        attribute: Some((k.to_owned(), v)),
        ..ContactFilter::default()
    };
    assert_eq!(
        list(&*s, o.id, attr("plan", "gold".into())).await,
        vec![a.id]
    );
    assert_eq!(
        list(&*s, o.id, attr("seats", 12.into())).await,
        vec![a.id],
        "number, not text"
    );
    assert_eq!(
        list(&*s, o.id, attr("seats", "12".into())).await,
        vec![b.id],
        "text, not number"
    );
    assert_eq!(list(&*s, o.id, attr("vip", true.into())).await, vec![a.id]);
    assert!(list(&*s, o.id, attr("vip", false.into())).await.is_empty());
    let meta = serde_json::json!({ "b": null, "a": [1, 2] });
    assert_eq!(
        list(&*s, o.id, attr("meta", meta)).await,
        vec![a.id],
        "object equality"
    );
    assert!(
        list(&*s, o.id, attr("plan') OR 1=1 --", "x".into()))
            .await
            .is_empty()
    );

    let blocked = ContactFilter {
        blocked: Some(true),
        ..ContactFilter::default()
    };
    assert_eq!(list(&*s, o.id, blocked).await, vec![b.id]);
    let unblocked = ContactFilter {
        blocked: Some(false),
        ..ContactFilter::default()
    };
    assert_eq!(list(&*s, o.id, unblocked).await, vec![a.id, c]);
    let on_channel = ContactFilter {
        channel: Some(ch.id),
        ..ContactFilter::default()
    };
    assert_eq!(
        list(&*s, o.id, on_channel).await,
        vec![c],
        "has an identity there"
    );
    let both = ContactFilter {
        query: Some("elodie".to_owned()),
        tags: vec!["vip".to_owned()],
        blocked: Some(true),
        ..ContactFilter::default()
    };
    assert_eq!(list(&*s, o.id, both).await, vec![b.id], "filters combine");

    let page = s
        .list_contacts(o.id, &ContactFilter::default(), PageRequest::first(2))
        .await
        .expect("page");
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.next, Some(b.id.0), "ascending by id");
}
