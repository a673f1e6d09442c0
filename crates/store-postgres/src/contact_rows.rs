//! How a contact is stored: the row types and their decoding, the derived search key, and the
//! side tables `contact_tags` and `contact_attributes` written with every save.

use sqlx::PgConnection;
use switchboard_domain::{ChannelId, ContactId, E164, Email, IdentityId, OrgId};
use switchboard_store::{Contact, Identity, Result, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::errors::{corrupt, db};

pub(crate) const COLUMNS: &str = "c.id, c.org_id, c.name, c.email, c.phone, c.external_id, \
                                  c.address, c.birthdate, c.language, c.notes, c.tags, \
                                  c.attributes::text AS attributes, c.blocked, c.created_at, \
                                  c.updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct ContactRow {
    id: Uuid,
    org_id: Uuid,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    external_id: Option<String>,
    address: Option<String>,
    birthdate: Option<time::Date>,
    language: Option<String>,
    notes: Option<String>,
    tags: Vec<String>,
    attributes: String,
    blocked: bool,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<ContactRow> for Contact {
    type Error = StoreError;
    fn try_from(r: ContactRow) -> Result<Self> {
        Ok(Contact {
            id: ContactId(r.id),
            org_id: OrgId(r.org_id),
            name: r.name,
            email: r
                .email
                .map(|e| Email::parse(&e).map_err(|e| corrupt("contact e-mail", e)))
                .transpose()?,
            phone: r
                .phone
                .map(|p| E164::parse(&p).map_err(|e| corrupt("contact phone", e)))
                .transpose()?,
            external_id: r.external_id,
            address: r.address,
            birthdate: r.birthdate,
            language: r.language,
            notes: r.notes,
            tags: r.tags,
            attributes: serde_json::from_str(&r.attributes)
                .map_err(|e| corrupt("contact attributes", e))?,
            blocked: r.blocked,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct IdentityRow {
    id: Uuid,
    org_id: Uuid,
    contact_id: Uuid,
    channel_id: Uuid,
    address: String,
    profile_name: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl From<IdentityRow> for Identity {
    fn from(r: IdentityRow) -> Self {
        Identity {
            id: IdentityId(r.id),
            org_id: OrgId(r.org_id),
            contact_id: ContactId(r.contact_id),
            channel_id: ChannelId(r.channel_id),
            address: r.address,
            profile_name: r.profile_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Tags without repeats, first occurrence first.
pub(crate) fn distinct_tags(tags: &[String]) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    tags.iter()
        .map(String::as_str)
        .filter(|t| seen.insert(*t))
        .collect()
}

/// What the free-text filter searches: the searchable fields lower-cased in Rust (so that
/// non-ASCII letters fold the same on every server, and as on SQLite), one per line.
pub(crate) fn search_key(c: &Contact) -> String {
    [
        c.name.as_deref(),
        c.email.as_ref().map(Email::as_str),
        c.phone.as_ref().map(E164::as_str),
        c.external_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::to_lowercase)
    .collect::<Vec<_>>()
    .join("\n")
}

/// Replaces the contact's rows in `contact_tags` with `tags` (a `fresh` contact has none to
/// delete: a CSV import inserts thousands, one round trip saved each).
pub(crate) async fn write_tags(
    conn: &mut PgConnection,
    contact: &Contact,
    tags: &[&str],
    fresh: bool,
) -> Result<()> {
    if !fresh {
        sqlx::query("DELETE FROM contact_tags WHERE contact_id = $1")
            .bind(contact.id.0)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    if tags.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO contact_tags (org_id, contact_id, tag)
         SELECT $1, $2, tag FROM UNNEST($3::text[]) AS t(tag)",
    )
    .bind(contact.org_id.0)
    .bind(contact.id.0)
    .bind(tags)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// Replaces the contact's rows in `contact_attributes` with its attributes, as JSON text.
pub(crate) async fn write_attributes(
    conn: &mut PgConnection,
    contact: &Contact,
    fresh: bool,
) -> Result<()> {
    if !fresh {
        sqlx::query("DELETE FROM contact_attributes WHERE contact_id = $1")
            .bind(contact.id.0)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    if contact.attributes.is_empty() {
        return Ok(());
    }
    let keys: Vec<String> = contact.attributes.keys().map(json_text).collect();
    let values: Vec<String> = contact.attributes.values().map(json_text).collect();
    sqlx::query(
        "INSERT INTO contact_attributes (contact_id, key, value)
         SELECT $1, key, value FROM UNNEST($2::text[], $3::text[]) AS a(key, value)",
    )
    .bind(contact.id.0)
    .bind(keys)
    .bind(values)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// Compact JSON text: a NUL becomes the escape `\u0000`, so any value fits a text column.
pub(crate) fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Serializing a string or a `serde_json::Value` cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_key_folds_every_searchable_field() {
        let mut c = Contact::new(OrgId::new(), switchboard_domain::now());
        assert_eq!(search_key(&c), "");
        c.name = Some("ÉLODIE Zoë".to_owned());
        c.phone = Some(E164::parse("+447700900123").unwrap());
        c.external_id = Some("CRM-7".to_owned());
        assert_eq!(search_key(&c), "élodie zoë\n+447700900123\ncrm-7");
    }

    #[test]
    fn tags_keep_their_first_occurrence() {
        let tags = ["vip", "b", "vip", "a", "b"].map(String::from);
        assert_eq!(distinct_tags(&tags), ["vip", "b", "a"]);
    }
}
