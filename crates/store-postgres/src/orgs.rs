//! Organizations (the tenants). Names are unique case-insensitively through the `org_name` index
//! on `name_key`, the name lower-cased in Rust (see [`crate::name_key`]).

use switchboard_domain::{Name, OrgId};
use switchboard_store::{
    Effects, Org, OrgSettings, OrgSetup, OrgStore, Page, PageRequest, Result, StoreError,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db, is_conflict};

const ORG_COLUMNS: &str = "id, name, created_at, link_sms_and_whatsapp";

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: Uuid,
    name: String,
    created_at: OffsetDateTime,
    link_sms_and_whatsapp: bool,
}

impl TryFrom<OrgRow> for Org {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> Result<Self> {
        Ok(Org {
            id: OrgId(r.id),
            name: Name::parse(&r.name).map_err(|e| corrupt("organization name", e))?,
            created_at: r.created_at,
            settings: OrgSettings {
                link_sms_and_whatsapp: r.link_sms_and_whatsapp,
            },
        })
    }
}

#[async_trait::async_trait]
impl OrgStore for PgStore {
    async fn create_org_with(&self, org: &Org, setup: &OrgSetup, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO orgs (id, name, name_key, created_at, link_sms_and_whatsapp)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org.id.0)
        .bind(org.name.as_str())
        .bind(crate::name_key(&org.name))
        .bind(org.created_at)
        .bind(org.settings.link_sms_and_whatsapp)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        for user in &setup.new_users {
            if let Err(e) = crate::users::insert_user(&mut tx, user).await {
                if !is_conflict(&e, "email") {
                    return Err(e);
                }
                // The failed transaction can run nothing more; end it before naming the holder.
                tx.rollback().await.map_err(db)?;
                return Err(self.email_taken(&user.email).await);
            }
        }
        for member in &setup.members {
            crate::memberships::insert(&mut tx, member).await?;
        }
        for key in &setup.api_keys {
            crate::api_keys::insert(&mut tx, key).await?;
        }
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn get_org(&self, id: OrgId) -> Result<Org> {
        let row: OrgRow = sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    async fn list_orgs(&self, page: PageRequest) -> Result<Page<Org>> {
        let rows: Vec<OrgRow> = sqlx::query_as(&format!(
            "SELECT {ORG_COLUMNS} FROM orgs
             WHERE ($1::uuid IS NULL OR id > $1)
             ORDER BY id
             LIMIT $2"
        ))
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |o: &Org| o.id.0)
    }

    async fn rename_org(&self, id: OrgId, name: &Name, effects: &Effects) -> Result<()> {
        let query = sqlx::query("UPDATE orgs SET name = $2, name_key = $3 WHERE id = $1")
            .bind(id.0)
            .bind(name.as_str())
            .bind(crate::name_key(name));
        self.change_existing(query, effects).await
    }

    async fn update_org_settings(
        &self,
        id: OrgId,
        settings: &OrgSettings,
        effects: &Effects,
    ) -> Result<()> {
        let query = sqlx::query("UPDATE orgs SET link_sms_and_whatsapp = $2 WHERE id = $1")
            .bind(id.0)
            .bind(settings.link_sms_and_whatsapp);
        self.change_existing(query, effects).await
    }
}
