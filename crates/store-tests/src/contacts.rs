//! Contacts: exact round trips, the unique keys (answering the holder's id), every listing
//! filter with values that look like SQL wildcards, deletion of a contact's whole history, and
//! tenant isolation.

use std::collections::BTreeMap;
use std::sync::Arc;

use switchboard_domain::{ChannelKind, ContactId, Email, OrgId};
use switchboard_store::{
    Contact, ContactFilter, ContactKey, ConversationFilter, EventFilter, PageRequest, Store,
    StoreError,
};

use crate::fixtures::{
    all_events, assert_conflict, assert_empty_or_not_found, assert_not_found, contact, e164,
    inbound, ingest_one, new_channel, new_org, none, plus_secs, wa_number,
};

fn email(s: &str) -> Email {
    Email::parse(s).expect("fixture e-mail")
}

/// A contact with every field set.
pub(crate) fn full_contact(org: OrgId) -> Contact {
    let now = switchboard_domain::now();
    let mut attributes = BTreeMap::new();
    attributes.insert("plan".to_owned(), serde_json::json!("gold"));
    attributes.insert("seats".to_owned(), serde_json::json!(12));
    attributes.insert("vip".to_owned(), serde_json::json!(true));
    attributes.insert(
        "meta".to_owned(),
        serde_json::json!({ "a": [1, 2], "b": null }),
    );
    Contact {
        name: Some("Zoë O'Brien".to_owned()),
        email: Some(email(&format!(
            "zoe.{}@example.com",
            crate::fixtures::tag()
        ))),
        phone: Some(e164(&wa_number())),
        external_id: Some(format!("crm-{}", crate::fixtures::tag())),
        address: Some("1 Main St\nDublin".to_owned()),
        birthdate: Some(time::macros::date!(1990 - 02 - 28)),
        language: Some("en-IE".to_owned()),
        notes: Some("Prefers mornings".to_owned()),
        tags: vec!["vip".to_owned(), "beta".to_owned()],
        attributes,
        blocked: false,
        created_at: now,
        updated_at: now,
        ..Contact::new(org, now)
    }
}

pub(crate) async fn list(s: &dyn Store, org: OrgId, f: ContactFilter) -> Vec<ContactId> {
    s.list_contacts(org, &f, PageRequest::default())
        .await
        .expect("list contacts")
        .items
        .into_iter()
        .map(|c| c.id)
        .collect()
}

pub async fn contact_create_get_find_update_delete(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let c = full_contact(o.id);
    s.create_contact(&c, &none()).await.expect("create");
    assert_eq!(s.get_contact(o.id, c.id).await.expect("get"), c);
    let again = s.create_contact(&c, &none()).await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "creating it again conflicts: {again:?}"
    );
    let by_phone = ContactKey::Phone(c.phone.clone().expect("phone"));
    assert_eq!(s.find_contact(o.id, &by_phone).await.expect("by phone"), c);
    let shouted = c.email.as_ref().expect("email").as_str().to_uppercase();
    let by_email = ContactKey::Email(email(&shouted));
    assert_eq!(s.find_contact(o.id, &by_email).await.expect("by email"), c);
    let by_ext = ContactKey::ExternalId(c.external_id.clone().expect("external id"));
    assert_eq!(s.find_contact(o.id, &by_ext).await.expect("by ext"), c);
    assert_not_found(
        s.find_contact(o.id, &ContactKey::ExternalId("nobody".to_owned()))
            .await,
        "unknown external id",
    );

    let changed = Contact {
        name: None,
        email: None,
        phone: None,
        external_id: None,
        address: None,
        birthdate: None,
        language: None,
        notes: None,
        tags: vec!["b".to_owned(), "a".to_owned(), "b".to_owned()],
        attributes: BTreeMap::new(),
        blocked: true,
        updated_at: plus_secs(c.updated_at, 5),
        ..c.clone()
    };
    s.update_contact(&changed, &none()).await.expect("update");
    let got = s.get_contact(o.id, c.id).await.expect("get updated");
    assert_eq!(
        got.tags,
        vec!["b".to_owned(), "a".to_owned()],
        "distinct, in order"
    );
    assert_eq!(
        got,
        Contact {
            tags: got.tags.clone(),
            ..changed.clone()
        }
    );
    assert_not_found(s.find_contact(o.id, &by_phone).await, "phone removed");

    s.delete_contact(o.id, c.id, &none()).await.expect("delete");
    assert_not_found(s.get_contact(o.id, c.id).await, "deleted");
    assert_not_found(s.delete_contact(o.id, c.id, &none()).await, "twice");
    assert_not_found(s.update_contact(&changed, &none()).await, "update deleted");
}

pub async fn contact_keys_conflict_naming_the_holder(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let other = new_org(&*s).await;
    let holder = full_contact(o.id);
    s.create_contact(&holder, &none()).await.expect("holder");
    let want = Some(holder.id.to_string());

    let same_email = Contact {
        email: Some(email(
            &holder
                .email
                .as_ref()
                .expect("email")
                .as_str()
                .to_uppercase(),
        )),
        ..contact(o.id)
    };
    let got = assert_conflict(
        s.create_contact(&same_email, &none()).await,
        "contact_email",
        "same e-mail, other case",
    );
    assert_eq!(got, want, "names the holder");
    let same_phone = Contact {
        phone: holder.phone.clone(),
        ..contact(o.id)
    };
    let got = assert_conflict(
        s.create_contact(&same_phone, &none()).await,
        "contact_phone",
        "same phone",
    );
    assert_eq!(got, want);
    let same_ext = Contact {
        external_id: holder.external_id.clone(),
        ..contact(o.id)
    };
    let got = assert_conflict(
        s.create_contact(&same_ext, &none()).await,
        "contact_external_id",
        "same external id",
    );
    assert_eq!(got, want);
    assert_not_found(s.get_contact(o.id, same_ext.id).await, "refused contact");

    // Updating onto a taken value conflicts too; keeping one's own does not.
    let second = contact(o.id);
    s.create_contact(&second, &none()).await.expect("second");
    let onto = Contact {
        phone: holder.phone.clone(),
        ..second.clone()
    };
    let got = assert_conflict(
        s.update_contact(&onto, &none()).await,
        "contact_phone",
        "update onto a taken phone",
    );
    assert_eq!(got, want);
    s.update_contact(&holder, &none())
        .await
        .expect("a contact keeps its own values");

    let elsewhere = Contact {
        org_id: other.id,
        ..same_email.clone()
    };
    s.create_contact(&elsewhere, &none())
        .await
        .expect("the same e-mail in another org");
}

pub async fn delete_contact_removes_its_whole_history(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let gone = ingest_one(&*s, o.id, ch.id, inbound(&number, "delete me")).await;
    let kept = ingest_one(&*s, o.id, ch.id, inbound(&wa_number(), "keep me")).await;

    s.delete_contact(o.id, gone.contact_id, &none())
        .await
        .expect("delete contact");
    assert_not_found(s.get_contact(o.id, gone.contact_id).await, "contact");
    assert_empty_or_not_found(s.list_identities(o.id, gone.contact_id).await, "identities");
    assert_not_found(
        s.get_conversation(o.id, gone.conversation_id).await,
        "conversation",
    );
    assert_not_found(s.get_message(o.id, gone.message_id).await, "message");
    let conversations = s
        .list_conversations(o.id, &ConversationFilter::default(), PageRequest::default())
        .await
        .expect("conversations");
    let ids: Vec<_> = conversations.items.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![kept.conversation_id], "the other one stays");
    let events = all_events(&*s, o.id, &EventFilter::default()).await;
    let mentions = |id: String| {
        events
            .iter()
            .any(|e| e.payload.get("conversation_id").and_then(|v| v.as_str()) == Some(&id))
    };
    assert!(
        !mentions(gone.conversation_id.to_string()),
        "events of its conversations are deleted: {events:?}"
    );
    assert!(mentions(kept.conversation_id.to_string()), "others stay");

    // The address is free again: a new message makes a new contact.
    let again = ingest_one(&*s, o.id, ch.id, inbound(&number, "back")).await;
    assert_ne!(again.contact_id, gone.contact_id);
    assert!(again.new_conversation);
}

pub async fn contacts_of_another_org_are_not_found(s: Arc<dyn Store>) {
    let mine = new_org(&*s).await;
    let theirs = new_org(&*s).await;
    let c = full_contact(theirs.id);
    s.create_contact(&c, &none()).await.expect("theirs");
    assert_not_found(s.get_contact(mine.id, c.id).await, "get");
    let key = ContactKey::Phone(c.phone.clone().expect("phone"));
    assert_not_found(s.find_contact(mine.id, &key).await, "find");
    let hijack = Contact {
        org_id: mine.id,
        name: Some("Mine".to_owned()),
        ..c.clone()
    };
    assert_not_found(s.update_contact(&hijack, &none()).await, "update");
    assert_not_found(s.delete_contact(mine.id, c.id, &none()).await, "delete");
    assert_empty_or_not_found(s.list_identities(mine.id, c.id).await, "identities");
    assert!(
        list(&*s, mine.id, ContactFilter::default())
            .await
            .is_empty(),
        "nothing listed"
    );
    assert_eq!(s.get_contact(theirs.id, c.id).await.expect("untouched"), c);
}
