//! Contacts in batches (a CSV import's chunk: one read for the keys, one transaction whose rows
//! succeed or fail one by one) and merging two contacts into one.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, ContactId};
use switchboard_store::{
    AuditFilter, ContactKey, ContactWrite, Effects, Event, EventFilter, PageRequest, Store,
};

use crate::contacts::full_contact;
use crate::fixtures::{
    all_events, assert_conflict, assert_not_found, contact, e164, events_of, inbound, ingest_one,
    new_channel, new_org, none, wa_number,
};

fn created(c: &switchboard_store::Contact) -> ContactWrite {
    ContactWrite {
        contact: c.clone(),
        insert: true,
        events: vec![Event::contact_created(c, None)],
    }
}

pub async fn find_contacts_by_any_key_within_the_org(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let other = new_org(&*s).await;
    let a = full_contact(o.id);
    let b = full_contact(o.id);
    let theirs = full_contact(other.id);
    for c in [&a, &b, &theirs] {
        s.create_contact(c, &none()).await.expect("create");
    }
    let keys = vec![
        ContactKey::Phone(a.phone.clone().expect("phone")),
        ContactKey::ExternalId(a.external_id.clone().expect("external id")),
        // E-mail keys match whatever their case.
        ContactKey::Email(b.email.clone().expect("email")),
        ContactKey::Phone(theirs.phone.clone().expect("phone")),
        ContactKey::Phone(e164(&wa_number())),
    ];
    let mut found: Vec<ContactId> = s
        .find_contacts(o.id, &keys)
        .await
        .expect("find")
        .into_iter()
        .map(|c| c.id)
        .collect();
    found.sort_by_key(|id| id.0);
    let mut want = vec![a.id, b.id];
    want.sort_by_key(|id| id.0);
    assert_eq!(found, want, "each holder once, none of another org");
    assert!(
        s.find_contacts(o.id, &[])
            .await
            .expect("no keys")
            .is_empty()
    );
    let full = s.find_contacts(o.id, &keys[..1]).await.expect("one key");
    assert_eq!(full, vec![a], "the contact round-trips exactly");
}

pub async fn write_contacts_commits_each_row_on_its_own(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let holder = full_contact(o.id);
    s.create_contact(&holder, &none()).await.expect("holder");
    let fresh = full_contact(o.id);
    let mut clash = contact(o.id);
    clash.phone = holder.phone.clone();
    let mut renamed = holder.clone();
    renamed.name = Some("Renamed".to_owned());
    let mut foreign = contact(new_org(&*s).await.id);
    foreign.name = Some("Elsewhere".to_owned());
    let writes = vec![
        created(&fresh),
        created(&clash),
        ContactWrite {
            contact: renamed.clone(),
            insert: false,
            events: Event::contact_updated(&holder, &renamed)
                .into_iter()
                .collect(),
        },
        created(&foreign),
    ];
    let audit = switchboard_store::AuditEntry {
        id: switchboard_domain::AuditId::new(),
        org_id: o.id,
        actor: switchboard_store::Actor::System,
        action: "contact.imported".to_owned(),
        target_type: "contact".to_owned(),
        target_id: None,
        ip: None,
        request_id: None,
        details: serde_json::json!({ "created": 1 }),
        created_at: switchboard_domain::now(),
    };
    let outcomes = s
        .write_contacts(o.id, &writes, &Effects::audit(audit))
        .await
        .expect("the batch commits");
    assert_eq!(outcomes.len(), 4);
    let mut outcomes = outcomes.into_iter();
    let first = outcomes.next().expect("first");
    assert!(first.is_ok(), "{first:?}");
    let existing = assert_conflict(
        outcomes.next().expect("second"),
        "contact_phone",
        "a phone another contact holds",
    );
    assert_eq!(existing, Some(holder.id.to_string()), "names the holder");
    assert!(outcomes.next().expect("third").is_ok());
    assert_not_found(outcomes.next().expect("fourth"), "a contact of another org");

    assert_eq!(s.get_contact(o.id, fresh.id).await.expect("fresh"), fresh);
    assert_eq!(
        s.get_contact(o.id, holder.id).await.expect("renamed"),
        renamed
    );
    assert_not_found(s.get_contact(o.id, clash.id).await, "the refused row");
    let created_events = events_of(&*s, o.id, "contact.created").await;
    let ids: Vec<_> = created_events
        .iter()
        .map(|e| {
            e.payload["contact_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        ids,
        vec![fresh.id.to_string()],
        "the refused row's event is undone too"
    );
    let updated = events_of(&*s, o.id, "contact.updated").await;
    assert_eq!(updated.len(), 1);
    assert_eq!(
        updated[0].payload["changes"],
        serde_json::json!({ "name": "Renamed" })
    );
    let log = s
        .list_audit(o.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit");
    assert_eq!(log.items.len(), 1, "the batch's effects are written once");
}

pub async fn merge_moves_history_and_deletes_the_other(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let gone = ingest_one(&*s, o.id, ch.id, inbound(&number, "from the old record")).await;
    let kept = ingest_one(&*s, o.id, ch.id, inbound(&wa_number(), "hello")).await;
    let before = s.get_contact(o.id, kept.contact_id).await.expect("kept");
    let other = s.get_contact(o.id, gone.contact_id).await.expect("gone");
    // The survivor takes over the other's phone: only possible once the other is deleted.
    let mut survivor = before.clone();
    survivor.email = Some(switchboard_domain::Email::parse("both@example.com").expect("email"));
    survivor.tags = vec!["merged".to_owned()];
    survivor.name = other.name.clone();
    let effects = Effects::none().with_event(Event::contact_merged(&survivor, gone.contact_id));
    s.merge_contacts(&survivor, gone.contact_id, &effects)
        .await
        .expect("merge");

    assert_not_found(s.get_contact(o.id, gone.contact_id).await, "merged contact");
    assert_eq!(
        s.get_contact(o.id, kept.contact_id).await.expect("kept"),
        survivor
    );
    let identities = s.list_identities(o.id, kept.contact_id).await.expect("ids");
    assert_eq!(identities.len(), 2, "both identities: {identities:?}");
    let conversation = s
        .get_conversation(o.id, gone.conversation_id)
        .await
        .expect("the conversation survives");
    assert_eq!(conversation.contact_id, kept.contact_id);
    let message = s.get_message(o.id, gone.message_id).await.expect("message");
    assert_eq!(message.contact_id, kept.contact_id);
    assert_eq!(events_of(&*s, o.id, "contact.merged").await.len(), 1);
    assert!(
        !all_events(&*s, o.id, &EventFilter::default())
            .await
            .is_empty(),
        "history stays"
    );

    // The moved identity keeps its conversation: a new message from it lands on the survivor.
    let later = ingest_one(&*s, o.id, ch.id, inbound(&number, "still me")).await;
    assert_eq!(later.contact_id, kept.contact_id);
    assert_eq!(later.conversation_id, gone.conversation_id);
    assert!(!later.new_conversation);
}

pub async fn merge_of_a_missing_or_foreign_contact_changes_nothing(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let other = new_org(&*s).await;
    let mine = full_contact(o.id);
    let theirs = full_contact(other.id);
    s.create_contact(&mine, &none()).await.expect("mine");
    s.create_contact(&theirs, &none()).await.expect("theirs");
    let mut renamed = mine.clone();
    renamed.name = Some("Changed".to_owned());
    assert_not_found(
        s.merge_contacts(&renamed, theirs.id, &none()).await,
        "merging another org's contact",
    );
    assert_not_found(
        s.merge_contacts(&renamed, ContactId::new(), &none()).await,
        "merging a missing contact",
    );
    let mut foreign_survivor = theirs.clone();
    foreign_survivor.org_id = o.id;
    assert_not_found(
        s.merge_contacts(&foreign_survivor, mine.id, &none()).await,
        "a survivor of another org",
    );
    assert_eq!(s.get_contact(o.id, mine.id).await.expect("mine"), mine);
    assert_eq!(
        s.get_contact(other.id, theirs.id).await.expect("theirs"),
        theirs
    );
}

pub async fn ingest_naming_a_nameless_contact_is_a_contact_update(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let first = ingest_one(&*s, o.id, ch.id, inbound(&number, "no name yet")).await;
    assert!(events_of(&*s, o.id, "contact.updated").await.is_empty());
    let mut named = inbound(&number, "now with a name");
    named.profile_name = Some("Grace".to_owned());
    ingest_one(&*s, o.id, ch.id, named).await;
    let updates = events_of(&*s, o.id, "contact.updated").await;
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(
        updates[0].payload,
        serde_json::json!({
            "contact_id": first.contact_id,
            "changes": { "name": "Grace" }
        })
    );
    // A contact keeps its own name, and nothing is told.
    let mut renamed = inbound(&number, "new profile");
    renamed.profile_name = Some("Grace H.".to_owned());
    ingest_one(&*s, o.id, ch.id, renamed).await;
    assert_eq!(events_of(&*s, o.id, "contact.updated").await.len(), 1);
}
