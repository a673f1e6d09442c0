//! Contacts and their platform identities (PRODUCT §3). Phone (E.164) and e-mail (compared
//! case-insensitively) are unique within an organization, and so is the external id; a duplicate
//! answers `Conflict` with the existing contact's id. An identity (a WhatsApp id on one channel,
//! a PSID, a chat id...) belongs to exactly one contact.

use std::collections::BTreeMap;

use switchboard_domain::{
    ChannelId, ChannelKind, ContactId, E164, Email, IdentityId, OrgId, Timestamp,
};

use crate::{Effects, Event, Page, PageRequest, Result, StoreError};

/// One person.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: ContactId,
    pub org_id: OrgId,
    pub name: Option<String>,
    /// `Conflict { what: "contact_email", existing }` when another contact has it.
    pub email: Option<Email>,
    /// `Conflict { what: "contact_phone", existing }` when another contact has it.
    pub phone: Option<E164>,
    /// The business's own id for the person; `Conflict { what: "contact_external_id", existing }`.
    pub external_id: Option<String>,
    pub address: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<time::Date>,
    /// A BCP 47 tag, e.g. `en-GB`.
    pub language: Option<String>,
    pub notes: Option<String>,
    /// Distinct, in the order given.
    pub tags: Vec<String>,
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// Blocked contacts receive nothing.
    pub blocked: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Contact {
    /// An empty contact with fresh ids and times.
    pub fn new(org_id: OrgId, now: Timestamp) -> Self {
        Self {
            id: ContactId::new(),
            org_id,
            name: None,
            email: None,
            phone: None,
            external_id: None,
            address: None,
            birthdate: None,
            language: None,
            notes: None,
            tags: Vec::new(),
            attributes: BTreeMap::new(),
            blocked: false,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A contact's identity on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub id: IdentityId,
    pub org_id: OrgId,
    pub contact_id: ContactId,
    pub channel_id: ChannelId,
    /// The canonical address on that channel (`Address::as_str`); unique per channel.
    pub address: String,
    /// The name the platform shows for them, refreshed from inbound messages.
    pub profile_name: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Which contacts a listing returns. Every value is bound as a parameter, never spliced into SQL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactFilter {
    /// Case-insensitive substring of name, e-mail, phone or external id.
    pub query: Option<String>,
    /// Contacts carrying every one of these tags.
    pub tags: Vec<String>,
    /// Contacts whose attribute equals this JSON value.
    pub attribute: Option<(String, serde_json::Value)>,
    pub blocked: Option<bool>,
    /// Contacts with an identity on this channel.
    pub channel: Option<ChannelId>,
}

#[async_trait::async_trait]
pub trait ContactStore: Send + Sync {
    async fn create_contact(&self, contact: &Contact, effects: &Effects) -> Result<()>;
    async fn get_contact(&self, org: OrgId, id: ContactId) -> Result<Contact>;
    /// The contact with this phone, e-mail or external id (exact, e-mail case-insensitive).
    async fn find_contact(&self, org: OrgId, key: &ContactKey) -> Result<Contact>;
    /// Ascending by id.
    async fn list_contacts(
        &self,
        org: OrgId,
        filter: &ContactFilter,
        page: PageRequest,
    ) -> Result<Page<Contact>>;
    /// Replaces every mutable field of `contact.id` in `contact.org_id`.
    async fn update_contact(&self, contact: &Contact, effects: &Effects) -> Result<()>;
    /// Deletes the contact, its identities, and its conversations with their messages.
    async fn delete_contact(&self, org: OrgId, id: ContactId, effects: &Effects) -> Result<()>;
    /// Ascending by id.
    async fn list_identities(&self, org: OrgId, contact: ContactId) -> Result<Vec<Identity>>;
    /// The contact whose identity `address` is on `channel` (`NotFound` when there is none).
    async fn contact_of_address(
        &self,
        org: OrgId,
        channel: ChannelId,
        address: &str,
    ) -> Result<ContactId>;
    /// Every contact of `org` holding one of `keys` (each at most once, in no particular order):
    /// how a batch (a CSV import) finds its existing contacts in one read.
    async fn find_contacts(&self, org: OrgId, keys: &[ContactKey]) -> Result<Vec<Contact>>;
    /// Writes each of `writes` (all of `org`) atomically on its own, in ONE transaction: a write
    /// that fails (a key conflict, a vanished contact) undoes only itself and its events, and its
    /// outcome says why; the others commit, then `effects`. The outcomes follow `writes`' order.
    /// An `Err` of the whole call means nothing was written.
    async fn write_contacts(
        &self,
        org: OrgId,
        writes: &[ContactWrite],
        effects: &Effects,
    ) -> Result<Vec<Result<(), StoreError>>>;
    /// Folds `merged` into `survivor` in one transaction: its identities, conversations and
    /// their messages move to the survivor, `merged` is deleted, the survivor's row is replaced
    /// by `survivor` (whose fields the caller already combined), then `effects`. `NotFound` when
    /// either is missing in `survivor.org_id`; nothing changes on any error.
    async fn merge_contacts(
        &self,
        survivor: &Contact,
        merged: ContactId,
        effects: &Effects,
    ) -> Result<()>;
}

/// One contact of a batch to insert (`insert`) or to replace (same rules as `create_contact` /
/// `update_contact`), with the events that ride on it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactWrite {
    pub contact: Contact,
    pub insert: bool,
    pub events: Vec<Event>,
}

/// A unique key a contact can be found or upserted by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactKey {
    Phone(E164),
    Email(Email),
    ExternalId(String),
}

/// The phone number an identity's canonical address stands for, on kinds whose addresses are
/// phones (WhatsApp digits, SMS `+digits`): a new identity there joins the contact with that
/// phone. `None` for other kinds (and for an address that is not a valid number).
pub fn phone_of_address(kind: ChannelKind, address: &str) -> Option<E164> {
    match kind {
        ChannelKind::Whatsapp => {
            E164::parse_digits(address.strip_prefix('+').unwrap_or(address)).ok()
        }
        ChannelKind::Sms => E164::parse(address).ok(),
        _ => None,
    }
}

/// The other kind whose addresses are the same phone numbers (SMS for WhatsApp and back): a
/// contact that has an identity on it is joined by a new phone identity only when the
/// organization links the two ([`crate::OrgSettings::link_sms_and_whatsapp`]).
pub fn other_phone_kind(kind: ChannelKind) -> Option<ChannelKind> {
    match kind {
        ChannelKind::Whatsapp => Some(ChannelKind::Sms),
        ChannelKind::Sms => Some(ChannelKind::Whatsapp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_kinds_give_the_number() {
        let wa = phone_of_address(ChannelKind::Whatsapp, "447700900123").expect("whatsapp");
        assert_eq!(wa.as_str(), "+447700900123");
        let sms = phone_of_address(ChannelKind::Sms, "+447700900123").expect("sms");
        assert_eq!(sms, wa);
        assert_eq!(
            phone_of_address(ChannelKind::Telegram, "447700900123"),
            None
        );
        assert_eq!(phone_of_address(ChannelKind::Whatsapp, "not a phone"), None);
    }
}
