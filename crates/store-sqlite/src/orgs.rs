//! Organizations. Names are unique case-insensitively through `name_key` (lower-cased in Rust).

use rusqlite::{Row, params};
use switchboard_domain::{Name, OrgId};
use switchboard_store::{Effects, Org, OrgSettings, OrgSetup, OrgStore, Page, PageRequest, Result};

use crate::codec::{get_parsed, get_ts, get_uuid, ms};
use crate::error::DbResult;
use crate::{SqliteStore, one_row};

/// The case-folded form uniqueness is checked on.
pub(crate) fn name_key(name: &Name) -> String {
    name.as_str().to_lowercase()
}

const ORG_COLUMNS: &str = "id, name, created_at, link_sms_and_whatsapp";

fn org_from_row(row: &Row<'_>) -> rusqlite::Result<Org> {
    Ok(Org {
        id: OrgId(get_uuid(row, 0)?),
        name: get_parsed(row, 1, Name::parse)?,
        created_at: get_ts(row, 2)?,
        settings: OrgSettings {
            link_sms_and_whatsapp: row.get(3)?,
        },
    })
}

#[async_trait::async_trait]
impl OrgStore for SqliteStore {
    async fn create_org_with(&self, org: &Org, setup: &OrgSetup, effects: &Effects) -> Result<()> {
        let org = org.clone();
        let setup = setup.clone();
        self.change(effects, move |conn| {
            conn.prepare_cached(
                "INSERT INTO orgs (id, name, name_key, created_at, link_sms_and_whatsapp)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .db()?
            .execute(params![
                org.id.0.as_bytes(),
                org.name.as_str(),
                name_key(&org.name),
                ms(org.created_at),
                org.settings.link_sms_and_whatsapp
            ])
            .db()?;
            // Inside the same unit (savepoint): a failure here undoes the organization too.
            for user in &setup.new_users {
                crate::users::insert_user(conn, user)?;
            }
            for member in &setup.members {
                crate::members::insert(conn, member)?;
            }
            for key in &setup.api_keys {
                crate::api_keys::insert(conn, key)?;
            }
            Ok(())
        })
        .await
    }

    async fn get_org(&self, id: OrgId) -> Result<Org> {
        self.read(move |conn| {
            conn.prepare_cached(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = ?1"))
                .db()?
                .query_row([id.0.as_bytes()], org_from_row)
                .db()
        })
        .await
    }

    async fn list_orgs(&self, page: PageRequest) -> Result<Page<Org>> {
        self.read(move |conn| {
            let after = page.after.map(|u| u.as_bytes().to_vec());
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {ORG_COLUMNS} FROM orgs
                     WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2"
                ))
                .db()?
                .query_map(params![after, page.fetch_limit()], org_from_row)
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |o| o.id.0))
        })
        .await
    }

    async fn rename_org(&self, id: OrgId, name: &Name, effects: &Effects) -> Result<()> {
        let name = name.clone();
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached("UPDATE orgs SET name = ?2, name_key = ?3 WHERE id = ?1")
                .db()?
                .execute(params![id.0.as_bytes(), name.as_str(), name_key(&name)])
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn update_org_settings(
        &self,
        id: OrgId,
        settings: &OrgSettings,
        effects: &Effects,
    ) -> Result<()> {
        let settings = *settings;
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached("UPDATE orgs SET link_sms_and_whatsapp = ?2 WHERE id = ?1")
                .db()?
                .execute(params![id.0.as_bytes(), settings.link_sms_and_whatsapp])
                .db()?;
            one_row(changed)
        })
        .await
    }
}
