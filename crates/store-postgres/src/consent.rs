//! Consent per contact and channel kind. Keyed by the organization: another tenant's contact
//! has no consents to read and cannot be written.

use sqlx::PgConnection;
use switchboard_domain::{ChannelKind, ContactId, OrgId};
use switchboard_store::{Consent, ConsentStore, Effects, Result, StoreError, merge_consents};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db};

#[derive(sqlx::FromRow)]
struct ConsentRow {
    org_id: Uuid,
    contact_id: Uuid,
    channel_kind: String,
    opted_in_at: Option<OffsetDateTime>,
    opt_in_source: Option<String>,
    opted_out_at: Option<OffsetDateTime>,
    opt_out_source: Option<String>,
    updated_at: OffsetDateTime,
}

impl TryFrom<ConsentRow> for Consent {
    type Error = StoreError;
    fn try_from(r: ConsentRow) -> Result<Self> {
        Ok(Consent {
            org_id: OrgId(r.org_id),
            contact_id: ContactId(r.contact_id),
            channel_kind: ChannelKind::parse(&r.channel_kind)
                .ok_or_else(|| corrupt("consent channel kind", r.channel_kind.clone()))?,
            opted_in_at: r.opted_in_at,
            opt_in_source: r.opt_in_source,
            opted_out_at: r.opted_out_at,
            opt_out_source: r.opt_out_source,
            updated_at: r.updated_at,
        })
    }
}

async fn consents_of(
    conn: &mut PgConnection,
    org: OrgId,
    contact: ContactId,
) -> Result<Vec<Consent>> {
    let rows: Vec<ConsentRow> = sqlx::query_as(
        "SELECT org_id, contact_id, channel_kind, opted_in_at, opt_in_source, opted_out_at,
                opt_out_source, updated_at
         FROM contact_consents WHERE org_id = $1 AND contact_id = $2 ORDER BY channel_kind",
    )
    .bind(org.0)
    .bind(contact.0)
    .fetch_all(conn)
    .await
    .map_err(db)?;
    rows.into_iter().map(Consent::try_from).collect()
}

async fn put(conn: &mut PgConnection, c: &Consent) -> Result<()> {
    sqlx::query(
        "INSERT INTO contact_consents (org_id, contact_id, channel_kind, opted_in_at,
             opt_in_source, opted_out_at, opt_out_source, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (contact_id, channel_kind) DO UPDATE SET
             opted_in_at = EXCLUDED.opted_in_at, opt_in_source = EXCLUDED.opt_in_source,
             opted_out_at = EXCLUDED.opted_out_at, opt_out_source = EXCLUDED.opt_out_source,
             updated_at = EXCLUDED.updated_at",
    )
    .bind(c.org_id.0)
    .bind(c.contact_id.0)
    .bind(c.channel_kind.as_str())
    .bind(c.opted_in_at)
    .bind(&c.opt_in_source)
    .bind(c.opted_out_at)
    .bind(&c.opt_out_source)
    .bind(c.updated_at)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// Inside a merge: the survivor's consents become both contacts' combined, the merged one's go.
pub(crate) async fn merge(
    conn: &mut PgConnection,
    org: OrgId,
    survivor: ContactId,
    merged: ContactId,
) -> Result<()> {
    let kept = consents_of(&mut *conn, org, survivor).await?;
    let gone = consents_of(&mut *conn, org, merged).await?;
    let combined = merge_consents(&kept, &gone);
    sqlx::query("DELETE FROM contact_consents WHERE org_id = $1 AND contact_id IN ($2, $3)")
        .bind(org.0)
        .bind(survivor.0)
        .bind(merged.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    for c in &combined {
        put(
            &mut *conn,
            &Consent {
                contact_id: survivor,
                ..c.clone()
            },
        )
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl ConsentStore for PgStore {
    async fn put_consent(&self, c: &Consent, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        let found: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM contacts WHERE org_id = $1 AND id = $2)",
        )
        .bind(c.org_id.0)
        .bind(c.contact_id.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if !found {
            return Err(StoreError::NotFound);
        }
        put(&mut tx, c).await?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn list_consents(&self, org: OrgId, contact: ContactId) -> Result<Vec<Consent>> {
        let mut conn = self.pool().acquire().await.map_err(db)?;
        consents_of(&mut conn, org, contact).await
    }
}
