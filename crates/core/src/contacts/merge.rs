//! Merging two contacts that are one person (PRODUCT §3): the survivor keeps its own values and
//! takes what it lacks from the other, and everything the other had (identities, conversations,
//! messages) moves over in one store transaction; the other contact is deleted.

use serde_json::json;
use switchboard_domain::ContactId;
use switchboard_store::{Contact, Event};

use super::{conflict, require_write};
use crate::{Core, CoreError, CoreResult, Principal, audit};

impl Core {
    /// Folds `from` into `survivor` and returns the survivor as it is now. Audited, with
    /// `contact.merged` (and `contact.updated` when the survivor's fields changed).
    pub async fn merge_contacts(
        &self,
        p: &Principal,
        survivor: ContactId,
        from: ContactId,
    ) -> CoreResult<Contact> {
        require_write(p)?;
        let keep = self.store.get_contact(p.org(), survivor).await?;
        if survivor == from {
            return Err(CoreError::unprocessable(
                "merge_into_self",
                "from",
                "a contact cannot be merged into itself",
            ));
        }
        let gone = self.store.get_contact(p.org(), from).await?;
        let mut merged = combine(&keep, &gone);
        merged.updated_at = switchboard_domain::now();
        let mut effects = audit::effects(
            p,
            "contact.merged",
            "contact",
            survivor,
            json!({
                "merged": from,
                "merged_name": gone.name,
                "merged_phone": gone.phone.as_ref().map(|x| x.as_str()),
                "merged_email": gone.email.as_ref().map(|x| x.as_str()),
                "merged_external_id": gone.external_id,
            }),
        )
        .with_event(Event::contact_merged(&merged, from));
        effects
            .events
            .extend(Event::contact_updated(&keep, &merged));
        self.store
            .merge_contacts(&merged, from, &effects)
            .await
            .map_err(conflict)?;
        Ok(merged)
    }
}

/// The survivor's fields after the merge: its own values win; a field it lacks comes from
/// `gone`; tags are the union (the survivor's first); attributes the survivor lacks are taken;
/// a block on either side stays (the stricter choice: a person who was blocked under one of
/// their two records must not start receiving messages because of a merge).
fn combine(keep: &Contact, gone: &Contact) -> Contact {
    let mut c = keep.clone();
    fn fill<T: Clone>(slot: &mut Option<T>, other: &Option<T>) {
        if slot.is_none() {
            slot.clone_from(other);
        }
    }
    fill(&mut c.name, &gone.name);
    fill(&mut c.phone, &gone.phone);
    fill(&mut c.email, &gone.email);
    fill(&mut c.external_id, &gone.external_id);
    fill(&mut c.address, &gone.address);
    fill(&mut c.birthdate, &gone.birthdate);
    fill(&mut c.language, &gone.language);
    fill(&mut c.notes, &gone.notes);
    for tag in &gone.tags {
        if !c.tags.contains(tag) {
            c.tags.push(tag.clone());
        }
    }
    for (k, v) in &gone.attributes {
        c.attributes.entry(k.clone()).or_insert_with(|| v.clone());
    }
    c.blocked |= gone.blocked;
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_domain::{E164, Email, OrgId};

    #[test]
    fn survivor_wins_and_takes_what_it_lacks() {
        let now = switchboard_domain::now();
        let org = OrgId::new();
        let mut keep = Contact::new(org, now);
        keep.name = Some("Ana".into());
        keep.tags = vec!["vip".into(), "lead".into()];
        keep.attributes.insert("plan".into(), json!("gold"));
        let mut gone = Contact::new(org, now);
        gone.name = Some("Ana S.".into());
        gone.phone = Some(E164::parse("+447700900123").unwrap());
        gone.email = Some(Email::parse("ana@example.com").unwrap());
        gone.tags = vec!["lead".into(), "pt".into()];
        gone.attributes.insert("plan".into(), json!("silver"));
        gone.attributes.insert("score".into(), json!(7));
        gone.blocked = true;
        let c = combine(&keep, &gone);
        assert_eq!(c.id, keep.id);
        assert_eq!(c.name.as_deref(), Some("Ana"));
        assert_eq!(c.phone, gone.phone);
        assert_eq!(c.email, gone.email);
        assert_eq!(c.tags, ["vip", "lead", "pt"]);
        assert_eq!(c.attributes["plan"], json!("gold"));
        assert_eq!(c.attributes["score"], json!(7));
        assert!(c.blocked);
    }
}
