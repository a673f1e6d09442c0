//! Contacts (PRODUCT §3): create, read, list with filters, update, delete, upsert by a unique key
//! (phone, e-mail, external id) and the contact's platform identities.
//!
//! Callers restricted to channels (an API key or a member limited to some channels) see a
//! contact only through an identity on one of their channels, and may not write contacts at all:
//! a contact is organization-wide (creating, deleting or re-keying one reaches beyond their
//! channels, and a duplicate's `existing_id` would reveal contacts they cannot see). They get
//! `403 channel_not_allowed` on writes and `404` for contacts outside their channels.

mod consent;
mod csv_cells;
mod export;
mod fields;
mod import;
mod merge;
mod visibility;

use serde_json::json;
use switchboard_domain::{ContactId, Scope};
use switchboard_store::{
    Contact, ContactFilter, ContactKey, Effects, Event, Identity, Page, PageRequest, StoreError,
};

use crate::{Core, CoreError, CoreResult, Principal, audit};

pub use consent::ConsentChange;
pub use export::ExportColumns;
pub use fields::ContactFields;
pub use import::{ImportReport, ImportRequest, OnDuplicate, RejectedRow};

/// A unique key to upsert by, as the caller wrote it (parsed and checked here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactKeyInput {
    /// E.164, with or without its `+`.
    Phone(String),
    Email(String),
    ExternalId(String),
}

/// What an upsert did.
#[derive(Debug, Clone, PartialEq)]
pub enum Upserted {
    Created(Contact),
    Updated(Contact),
}

/// Maps a uniqueness conflict of the contact store to `contact_exists` with the holder's id.
pub(super) fn conflict(e: StoreError) -> CoreError {
    match e {
        StoreError::Conflict {
            what,
            existing: Some(id),
        } => {
            let field = match what {
                "contact_phone" => "phone",
                "contact_email" => "email",
                "contact_external_id" => "external_id",
                _ => {
                    return StoreError::Conflict {
                        what,
                        existing: Some(id),
                    }
                    .into();
                }
            };
            match id.parse() {
                Ok(existing) => CoreError::ContactExists { field, existing },
                Err(_) => CoreError::internal_msg("store returned a malformed contact id"),
            }
        }
        other => other.into(),
    }
}

/// Refuses writes from callers limited to channels (see the module docs).
pub(super) fn require_write(p: &Principal) -> CoreResult<()> {
    p.require(Scope::ContactsWrite)?;
    if p.channel_ids().is_empty() {
        Ok(())
    } else {
        Err(CoreError::ChannelNotAllowed(
            "a caller restricted to channels may read contacts but not create, change or delete them"
                .into(),
        ))
    }
}

impl Core {
    pub async fn create_contact(
        &self,
        p: &Principal,
        fields: ContactFields,
    ) -> CoreResult<Contact> {
        require_write(p)?;
        let mut contact = Contact::new(p.org(), switchboard_domain::now());
        fields.apply(&mut contact)?;
        let effects = Effects::none().with_event(Event::contact_created(&contact, None));
        self.store
            .create_contact(&contact, &effects)
            .await
            .map_err(conflict)?;
        Ok(contact)
    }

    pub async fn get_contact(&self, p: &Principal, id: ContactId) -> CoreResult<Contact> {
        p.require(Scope::ContactsRead)?;
        self.visible_contact(p, id).await
    }

    /// Ascending by id; a restricted caller's listing holds only contacts with an identity on
    /// one of its channels.
    pub async fn list_contacts(
        &self,
        p: &Principal,
        filter: ContactFilter,
        page: PageRequest,
    ) -> CoreResult<Page<Contact>> {
        p.require(Scope::ContactsRead)?;
        if let Some((name, _)) = &filter.attribute {
            fields::attribute_name("attr", name)?;
        }
        self.list_visible_contacts(p, filter, page).await
    }

    pub async fn update_contact(
        &self,
        p: &Principal,
        id: ContactId,
        fields: ContactFields,
    ) -> CoreResult<Contact> {
        require_write(p)?;
        let before = self.store.get_contact(p.org(), id).await?;
        self.apply_update(before, fields).await
    }

    async fn apply_update(&self, before: Contact, fields: ContactFields) -> CoreResult<Contact> {
        let mut contact = before.clone();
        fields.apply(&mut contact)?;
        if contact == before {
            return Ok(contact);
        }
        contact.updated_at = switchboard_domain::now();
        let mut effects = Effects::none();
        effects
            .events
            .extend(Event::contact_updated(&before, &contact));
        self.store
            .update_contact(&contact, &effects)
            .await
            .map_err(conflict)?;
        Ok(contact)
    }

    /// Deletes the contact with its identities and conversations; audited, since it erases
    /// history.
    pub async fn delete_contact(&self, p: &Principal, id: ContactId) -> CoreResult<()> {
        require_write(p)?;
        let contact = self.store.get_contact(p.org(), id).await?;
        let effects = audit::effects(
            p,
            "contact.deleted",
            "contact",
            id,
            json!({
                "name": contact.name,
                "phone": contact.phone.as_ref().map(|x| x.as_str()),
                "email": contact.email.as_ref().map(|x| x.as_str()),
                "external_id": contact.external_id,
            }),
        )
        .with_event(Event::contact_deleted(&contact, switchboard_domain::now()));
        // The rows of the contact's files go with its messages; their bytes are removed after.
        let files = self.store.media_of_contact(p.org(), id).await?;
        self.store.delete_contact(p.org(), id, &effects).await?;
        self.remove_media_files(&files).await;
        Ok(())
    }

    /// Creates the contact holding `key` or updates it with `fields`. `fields` may repeat the key
    /// but not contradict it.
    pub async fn upsert_contact(
        &self,
        p: &Principal,
        key: ContactKeyInput,
        mut fields: ContactFields,
    ) -> CoreResult<Upserted> {
        require_write(p)?;
        let key = pin_key(key, &mut fields)?;
        match self.store.find_contact(p.org(), &key).await {
            Ok(found) => return Ok(Upserted::Updated(self.apply_update(found, fields).await?)),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        match self.create_contact(p, fields.clone()).await {
            Ok(c) => Ok(Upserted::Created(c)),
            // Someone created the same key meanwhile: update theirs, as if we had come second.
            // A conflict on another field (the body's e-mail held by someone else) stands.
            Err(e @ CoreError::ContactExists { .. }) => {
                match self.store.find_contact(p.org(), &key).await {
                    Ok(found) => Ok(Upserted::Updated(self.apply_update(found, fields).await?)),
                    Err(_) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// The contact's identities on channels, ascending by id (only the caller's channels for a
    /// restricted caller).
    pub async fn list_contact_identities(
        &self,
        p: &Principal,
        id: ContactId,
    ) -> CoreResult<Vec<Identity>> {
        p.require(Scope::ContactsRead)?;
        let identities = self.store.list_identities(p.org(), id).await?;
        let visible: Vec<Identity> = identities
            .into_iter()
            .filter(|i| p.may_use_channel(i.channel_id))
            .collect();
        if visible.is_empty() && !p.channel_ids().is_empty() {
            return Err(CoreError::NotFound);
        }
        Ok(visible)
    }
}

/// Parses the upsert key and puts it into `fields`, refusing a body that names another value for
/// the same field (or clears it).
fn pin_key(key: ContactKeyInput, fields: &mut ContactFields) -> CoreResult<ContactKey> {
    match key {
        ContactKeyInput::Phone(raw) => {
            let raw = raw.trim();
            let phone = fields::phone(&if raw.starts_with('+') {
                raw.to_owned()
            } else {
                format!("+{raw}")
            })?;
            pin(
                &mut fields.phone,
                &phone,
                phone.as_str(),
                fields::phone,
                "phone",
            )?;
            Ok(ContactKey::Phone(phone))
        }
        ContactKeyInput::Email(raw) => {
            let email = fields::email(&raw)?;
            pin(
                &mut fields.email,
                &email,
                email.as_str(),
                fields::email,
                "email",
            )?;
            Ok(ContactKey::Email(email))
        }
        ContactKeyInput::ExternalId(raw) => {
            let ext = fields::external_id(&raw)?;
            pin(
                &mut fields.external_id,
                &ext,
                &ext,
                fields::external_id,
                "external_id",
            )?;
            Ok(ContactKey::ExternalId(ext))
        }
    }
}

fn pin<T: PartialEq>(
    slot: &mut Option<Option<String>>,
    key: &T,
    canonical: &str,
    parse: impl Fn(&str) -> CoreResult<T>,
    field: &str,
) -> CoreResult<()> {
    match slot.take() {
        None => {}
        Some(Some(body)) if parse(&body)? == *key => {}
        Some(_) => {
            return Err(CoreError::validation(
                field,
                format!("the body's {field} differs from the one in the path"),
            ));
        }
    }
    *slot = Some(Some(canonical.to_owned()));
    Ok(())
}
