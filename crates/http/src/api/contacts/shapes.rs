//! The JSON shapes of `/v1/contacts`: the request fields (absent vs `null`) and the views.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use switchboard_core::ContactFields;
use switchboard_store::{Contact, Identity};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Deserializes a present field, `null` included, as `Some(..)`; with `#[serde(default)]` an
/// absent field stays `None`. So `None` = leave alone, `Some(None)` = clear.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A contact's fields. On create every field is optional; on update and upsert an absent field is
/// left alone and `null` clears it. `attributes` is merged: a key set to `null` is removed.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// E.164 with its `+`, e.g. `+447700900123` (spaces and dashes are tolerated).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// The business's own id for the person; unique in the organization.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub birthdate: Option<Option<String>>,
    /// A BCP 47 tag, e.g. `en-GB`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub language: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Replaces the tags.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Vec<String>>)]
    pub tags: Option<Option<Vec<String>>>,
    /// Merged into the attributes; a key set to `null` is removed.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<Option<BTreeMap<String, serde_json::Value>>>,
    pub blocked: Option<bool>,
}

impl From<ContactRequest> for ContactFields {
    fn from(r: ContactRequest) -> Self {
        ContactFields {
            name: r.name,
            phone: r.phone,
            email: r.email,
            external_id: r.external_id,
            address: r.address,
            birthdate: r.birthdate,
            language: r.language,
            notes: r.notes,
            tags: r.tags,
            attributes: r.attributes,
            blocked: r.blocked,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: Uuid,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub address: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<String>,
    pub language: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    #[schema(value_type = Object)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    pub blocked: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> Self {
        let date = time::macros::format_description!("[year]-[month]-[day]");
        Self {
            id: c.id.0,
            name: c.name,
            phone: c.phone.map(|p| p.as_str().to_owned()),
            email: c.email.map(|e| e.as_str().to_owned()),
            external_id: c.external_id,
            address: c.address,
            birthdate: c.birthdate.and_then(|d| d.format(date).ok()),
            language: c.language,
            notes: c.notes,
            tags: c.tags,
            attributes: c.attributes,
            blocked: c.blocked,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityView {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub channel_id: Uuid,
    /// The canonical address on the channel (a WhatsApp id, a PSID, a chat id...).
    pub address: String,
    pub profile_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<Identity> for IdentityView {
    fn from(i: Identity) -> Self {
        Self {
            id: i.id.0,
            contact_id: i.contact_id.0,
            channel_id: i.channel_id.0,
            address: i.address,
            profile_name: i.profile_name,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}
