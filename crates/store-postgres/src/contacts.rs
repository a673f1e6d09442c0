//! Contacts and their identities. Phone, e-mail and external id are unique per organization
//! (indexes `contact_phone`, `contact_email`, `contact_external_id`); a violation answers
//! `Conflict` with the id of the contact holding the value. Tags live in `contacts.tags` (their
//! order) and again in `contact_tags` (for "carries all of these tags").

use sqlx::PgConnection;
use switchboard_domain::{ChannelId, ContactId, E164, Email, OrgId};
use switchboard_store::{
    Contact, ContactFilter, ContactKey, ContactStore, ContactWrite, Effects, Identity, Page,
    PageRequest, Result, StoreError,
};

use crate::contact_rows::{
    COLUMNS, ContactRow, IdentityRow, distinct_tags, json_text, search_key, write_attributes,
    write_tags,
};
use crate::errors::db;
use crate::{PgStore, contact_batch};

impl PgStore {
    /// Turns a unique violation on one of the contact keys into a `Conflict` naming the contact
    /// that holds the value (looked up after the failed transaction is gone).
    async fn contact_conflict(&self, e: StoreError, contact: &Contact) -> StoreError {
        let StoreError::Conflict { what, .. } = &e else {
            return e;
        };
        let key = match *what {
            "contact_email" => contact.email.clone().map(ContactKey::Email),
            "contact_phone" => contact.phone.clone().map(ContactKey::Phone),
            "contact_external_id" => contact.external_id.clone().map(ContactKey::ExternalId),
            _ => None,
        };
        let Some(key) = key else { return e };
        match self.find_contact(contact.org_id, &key).await {
            Ok(holder) => StoreError::Conflict {
                what,
                existing: Some(holder.id.to_string()),
            },
            Err(_) => e,
        }
    }

    /// Writes the contact row (insert or full update), its tags and `effects` in one transaction.
    async fn save_contact(&self, c: &Contact, insert: bool, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        if let Err(e) = save_row(&mut tx, c, insert).await {
            drop(tx);
            return Err(self.contact_conflict(e, c).await);
        }
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }
}

/// The contact row (insert or full update) with its tags and attributes, on `conn`. A key held
/// by another contact answers `Conflict` without the holder (the caller names it).
pub(crate) async fn save_row(conn: &mut PgConnection, c: &Contact, insert: bool) -> Result<()> {
    let tags = distinct_tags(&c.tags);
    let attributes = serde_json::to_string(&c.attributes).map_err(StoreError::other)?;
    let sql = if insert {
        "INSERT INTO contacts (id, org_id, name, email, phone, external_id, address, birthdate,
                               language, notes, tags, attributes, blocked, created_at,
                               updated_at, search_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::json, $13, $14, $15,
                 $16)"
    } else {
        // Bound like the insert; created_at ($14) never changes and is only type-checked.
        "UPDATE contacts SET name = $3, email = $4, phone = $5, external_id = $6,
                address = $7, birthdate = $8, language = $9, notes = $10, tags = $11,
                attributes = $12::json, blocked = $13, updated_at = $15, search_key = $16
         WHERE org_id = $2 AND id = $1 AND $14::timestamptz IS NOT NULL"
    };
    let touched = sqlx::query(sql)
        .bind(c.id.0)
        .bind(c.org_id.0)
        .bind(c.name.as_deref())
        .bind(c.email.as_ref().map(Email::as_str))
        .bind(c.phone.as_ref().map(E164::as_str))
        .bind(c.external_id.as_deref())
        .bind(c.address.as_deref())
        .bind(c.birthdate)
        .bind(c.language.as_deref())
        .bind(c.notes.as_deref())
        .bind(&tags)
        .bind(attributes)
        .bind(c.blocked)
        .bind(c.created_at)
        .bind(c.updated_at)
        .bind(search_key(c))
        .execute(&mut *conn)
        .await
        .map_err(db)?
        .rows_affected();
    if touched == 0 {
        return Err(StoreError::NotFound);
    }
    write_tags(&mut *conn, c, &tags, insert).await?;
    write_attributes(conn, c, insert).await
}

#[async_trait::async_trait]
impl ContactStore for PgStore {
    async fn create_contact(&self, contact: &Contact, effects: &Effects) -> Result<()> {
        self.save_contact(contact, true, effects).await
    }

    async fn get_contact(&self, org: OrgId, id: ContactId) -> Result<Contact> {
        let row: Option<ContactRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM contacts c WHERE c.org_id = $1 AND c.id = $2"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    async fn find_contact(&self, org: OrgId, key: &ContactKey) -> Result<Contact> {
        let (column, value) = match key {
            ContactKey::Phone(p) => ("phone", p.as_str().to_owned()),
            // Stored lower-cased; folding again makes the look-up independent of the caller.
            ContactKey::Email(e) => ("email", e.as_str().to_lowercase()),
            ContactKey::ExternalId(x) => ("external_id", x.clone()),
        };
        let row: Option<ContactRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM contacts c WHERE c.org_id = $1 AND c.{column} = $2"
        ))
        .bind(org.0)
        .bind(value)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    async fn list_contacts(
        &self,
        org: OrgId,
        filter: &ContactFilter,
        page: PageRequest,
    ) -> Result<Page<Contact>> {
        let query = filter.query.as_deref().map(str::to_lowercase);
        let tags = distinct_tags(&filter.tags);
        let (attr_key, attr_value) = match &filter.attribute {
            Some((k, v)) => (Some(json_text(k)), Some(json_text(v))),
            None => (None, None),
        };
        let rows: Vec<ContactRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM contacts c
             WHERE c.org_id = $1
               AND ($2::text IS NULL OR strpos(c.search_key, $2) > 0)
               AND NOT EXISTS (
                   SELECT 1 FROM UNNEST($3::text[]) AS want(tag)
                   WHERE NOT EXISTS (SELECT 1 FROM contact_tags t
                                     WHERE t.contact_id = c.id AND t.tag = want.tag))
               AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM contact_attributes a
                                                WHERE a.contact_id = c.id AND a.key = $4
                                                  AND a.value = $5))
               AND ($6::boolean IS NULL OR c.blocked = $6)
               AND ($7::uuid IS NULL OR EXISTS (SELECT 1 FROM identities i
                                                WHERE i.channel_id = $7 AND i.contact_id = c.id))
               AND ($8::uuid IS NULL OR c.id > $8)
             ORDER BY c.id
             LIMIT $9"
        ))
        .bind(org.0)
        .bind(query)
        .bind(&tags)
        .bind(attr_key)
        .bind(attr_value)
        .bind(filter.blocked)
        .bind(filter.channel.map(|c| c.0))
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |c: &Contact| c.id.0)
    }

    async fn update_contact(&self, contact: &Contact, effects: &Effects) -> Result<()> {
        self.save_contact(contact, false, effects).await
    }

    async fn delete_contact(&self, org: OrgId, id: ContactId, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        // Events about the contact's conversations go with them; identities, conversations,
        // their messages and timelines, and tags follow the contact row (ON DELETE CASCADE).
        sqlx::query(
            "DELETE FROM events WHERE org_id = $1 AND conversation_id IN
                 (SELECT id FROM conversations WHERE contact_id = $2 AND org_id = $1)",
        )
        .bind(org.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let touched = sqlx::query("DELETE FROM contacts WHERE org_id = $1 AND id = $2")
            .bind(org.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        if touched == 0 {
            return Err(StoreError::NotFound);
        }
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn contact_of_address(
        &self,
        org: OrgId,
        channel: ChannelId,
        address: &str,
    ) -> Result<ContactId> {
        sqlx::query_scalar(
            "SELECT contact_id FROM identities
             WHERE channel_id = $1 AND address = $2 AND org_id = $3",
        )
        .bind(channel.0)
        .bind(address)
        .bind(org.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .map(ContactId)
        .ok_or(StoreError::NotFound)
    }

    async fn list_identities(&self, org: OrgId, contact: ContactId) -> Result<Vec<Identity>> {
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM contacts WHERE org_id = $1 AND id = $2)",
        )
        .bind(org.0)
        .bind(contact.0)
        .fetch_one(self.pool())
        .await
        .map_err(db)?;
        if !exists {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<IdentityRow> = sqlx::query_as(
            "SELECT id, org_id, contact_id, channel_id, address, profile_name, created_at,
                    updated_at
             FROM identities WHERE org_id = $1 AND contact_id = $2
             ORDER BY id",
        )
        .bind(org.0)
        .bind(contact.0)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(Identity::from).collect())
    }

    async fn find_contacts(&self, org: OrgId, keys: &[ContactKey]) -> Result<Vec<Contact>> {
        contact_batch::find(self, org, keys).await
    }

    async fn write_contacts(
        &self,
        org: OrgId,
        writes: &[ContactWrite],
        effects: &Effects,
    ) -> Result<Vec<Result<()>>> {
        contact_batch::write(self, org, writes, effects).await
    }

    async fn merge_contacts(
        &self,
        survivor: &Contact,
        merged: ContactId,
        effects: &Effects,
    ) -> Result<()> {
        contact_batch::merge(self, survivor, merged, effects).await
    }
}
