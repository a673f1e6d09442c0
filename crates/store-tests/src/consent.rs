//! Consent per contact and channel kind: written and replaced, read back exactly, kept from
//! other organizations, combined by a merge (the latest decisions of either side), gone with the
//! contact.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, ContactId};
use switchboard_store::{Consent, Store};

use crate::fixtures::{assert_not_found, contact, new_org, none, plus_secs};

pub async fn consent_round_trip_isolation_merge_and_delete(s: Arc<dyn Store>) {
    let (o, other) = (new_org(&*s).await, new_org(&*s).await);
    let (a, b) = (contact(o.id), contact(o.id));
    s.create_contact(&a, &none()).await.expect("a");
    s.create_contact(&b, &none()).await.expect("b");
    let t = a.created_at;
    let mut wa = Consent::none(o.id, a.id, ChannelKind::Whatsapp, t);
    wa.opted_in_at = Some(t);
    wa.opt_in_source = Some("web_form".into());
    s.put_consent(&wa, &none()).await.expect("opt in");
    assert_eq!(
        s.list_consents(o.id, a.id).await.expect("list"),
        vec![wa.clone()]
    );
    // Replaced, not duplicated.
    let mut out = wa.clone();
    out.opted_out_at = Some(plus_secs(t, 5));
    out.opt_out_source = Some("STOP".into());
    out.updated_at = plus_secs(t, 5);
    s.put_consent(&out, &none()).await.expect("opt out");
    let got = s.list_consents(o.id, a.id).await.expect("list");
    assert_eq!(got, vec![out.clone()]);
    assert!(got[0].opted_out());

    // Another organization reads nothing and writes nothing.
    assert!(
        s.list_consents(other.id, a.id)
            .await
            .expect("foreign list")
            .is_empty()
    );
    let foreign = Consent {
        org_id: other.id,
        ..out.clone()
    };
    assert_not_found(s.put_consent(&foreign, &none()).await, "foreign contact");
    assert_not_found(
        s.put_consent(
            &Consent {
                contact_id: ContactId::new(),
                ..out.clone()
            },
            &none(),
        )
        .await,
        "missing contact",
    );

    // b opted in later on WhatsApp and on SMS; merging b into a keeps the latest of each.
    let mut b_wa = Consent::none(o.id, b.id, ChannelKind::Whatsapp, t);
    b_wa.opted_in_at = Some(plus_secs(t, 9));
    b_wa.opt_in_source = Some("agent".into());
    let mut b_sms = Consent::none(o.id, b.id, ChannelKind::Sms, t);
    b_sms.opted_in_at = Some(t);
    b_sms.opt_in_source = Some("import".into());
    s.put_consent(&b_wa, &none()).await.expect("b wa");
    s.put_consent(&b_sms, &none()).await.expect("b sms");
    s.merge_contacts(&a, b.id, &none()).await.expect("merge");
    let merged = s.list_consents(o.id, a.id).await.expect("merged");
    assert_eq!(merged.len(), 2, "{merged:?}");
    let wa_now = merged
        .iter()
        .find(|c| c.channel_kind == ChannelKind::Whatsapp)
        .unwrap();
    assert_eq!(
        wa_now.opt_in_source.as_deref(),
        Some("agent"),
        "the later opt-in"
    );
    assert_eq!(
        wa_now.opt_out_source.as_deref(),
        Some("STOP"),
        "the opt-out kept"
    );
    assert!(wa_now.opted_in(), "the newer decision stands");
    assert!(
        merged
            .iter()
            .any(|c| c.channel_kind == ChannelKind::Sms && c.contact_id == a.id)
    );
    assert!(s.list_consents(o.id, b.id).await.expect("gone").is_empty());

    s.delete_contact(o.id, a.id, &none()).await.expect("delete");
    assert!(
        s.list_consents(o.id, a.id)
            .await
            .expect("after delete")
            .is_empty()
    );
}
