//! Webhook endpoints. Every statement is keyed by the organization, so another tenant's endpoint
//! is simply not found.

use rusqlite::{Connection, Row, params};
use switchboard_domain::{ChannelId, OrgId, WebhookEndpointId};
use switchboard_store::{
    Effects, Page, PageRequest, Result, WebhookAttempt, WebhookDelivery, WebhookEndpoint,
    WebhookStore,
};
use uuid::Uuid;

use crate::codec::{get_json, get_opt_ts, get_ts, get_uuid, json, ms, opt_ms};
use crate::error::DbResult;
use crate::{SqliteStore, one_row};

const COLUMNS: &str = "id, org_id, url, description, event_types, channel_ids, enabled, format,
                       secret, previous_secret, previous_until, disabled_reason, failing_since,
                       created_at, updated_at";

fn endpoint_from_row(row: &Row<'_>) -> rusqlite::Result<WebhookEndpoint> {
    let channels: Vec<Uuid> = get_json(row, 5)?;
    Ok(WebhookEndpoint {
        id: WebhookEndpointId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        url: row.get(2)?,
        description: row.get(3)?,
        event_types: get_json(row, 4)?,
        channel_ids: channels.into_iter().map(ChannelId).collect(),
        enabled: row.get(6)?,
        format: row.get(7)?,
        secret: row.get(8)?,
        previous_secret: row.get(9)?,
        previous_until: get_opt_ts(row, 10)?,
        disabled_reason: row.get(11)?,
        failing_since: get_opt_ts(row, 12)?,
        created_at: get_ts(row, 13)?,
        updated_at: get_ts(row, 14)?,
    })
}

fn channels_json(e: &WebhookEndpoint) -> String {
    json(&e.channel_ids.iter().map(|c| c.0).collect::<Vec<_>>())
}

/// Every endpoint of `org` (only the enabled ones when asked), for the fan-out.
pub(crate) fn endpoints_of(
    conn: &Connection,
    org: OrgId,
    enabled_only: bool,
) -> Result<Vec<WebhookEndpoint>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE org_id = ?1 AND (?2 = 0 OR enabled = 1)"
    ))
    .db()?
    .query_map(params![org.0.as_bytes(), enabled_only], endpoint_from_row)
    .db()?
    .collect::<rusqlite::Result<Vec<_>>>()
    .db()
}

/// Writes every changeable field of `e`; `NotFound` unless it is its organization's.
pub(crate) fn update_endpoint(conn: &Connection, e: &WebhookEndpoint) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE webhook_endpoints SET url = ?3, description = ?4, event_types = ?5,
                 channel_ids = ?6, enabled = ?7, format = ?8, secret = ?9,
                 previous_secret = ?10, previous_until = ?11, disabled_reason = ?12,
                 failing_since = ?13, updated_at = ?14
             WHERE id = ?1 AND org_id = ?2",
        )
        .db()?
        .execute(params![
            e.id.0.as_bytes(),
            e.org_id.0.as_bytes(),
            e.url,
            e.description,
            json(&e.event_types),
            channels_json(e),
            e.enabled,
            e.format,
            e.secret,
            e.previous_secret,
            opt_ms(e.previous_until),
            e.disabled_reason,
            opt_ms(e.failing_since),
            ms(e.updated_at)
        ])
        .db()?;
    one_row(changed)
}

#[async_trait::async_trait]
impl WebhookStore for SqliteStore {
    async fn create_webhook_endpoint(&self, e: &WebhookEndpoint, effects: &Effects) -> Result<()> {
        let e = e.clone();
        self.change(effects, move |conn| {
            conn.prepare_cached(&format!(
                "INSERT INTO webhook_endpoints ({COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
            ))
            .db()?
            .execute(params![
                e.id.0.as_bytes(),
                e.org_id.0.as_bytes(),
                e.url,
                e.description,
                json(&e.event_types),
                channels_json(&e),
                e.enabled,
                e.format,
                e.secret,
                e.previous_secret,
                opt_ms(e.previous_until),
                e.disabled_reason,
                opt_ms(e.failing_since),
                ms(e.created_at),
                ms(e.updated_at)
            ])
            .db()?;
            Ok(())
        })
        .await
    }

    async fn get_webhook_endpoint(
        &self,
        org: OrgId,
        id: WebhookEndpointId,
    ) -> Result<WebhookEndpoint> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM webhook_endpoints WHERE id = ?1 AND org_id = ?2"
            ))
            .db()?
            .query_row(
                params![id.0.as_bytes(), org.0.as_bytes()],
                endpoint_from_row,
            )
            .db()
        })
        .await
    }

    async fn list_webhook_endpoints(
        &self,
        org: OrgId,
        page: PageRequest,
    ) -> Result<Page<WebhookEndpoint>> {
        self.read(move |conn| {
            let after = page.after.map(|u| u.as_bytes().to_vec());
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM webhook_endpoints
                     WHERE org_id = ?1 AND (?2 IS NULL OR id > ?2) ORDER BY id LIMIT ?3"
                ))
                .db()?
                .query_map(
                    params![org.0.as_bytes(), after, page.fetch_limit()],
                    endpoint_from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |e| e.id.0))
        })
        .await
    }

    async fn update_webhook_endpoint(&self, e: &WebhookEndpoint, effects: &Effects) -> Result<()> {
        let e = e.clone();
        self.change(effects, move |conn| update_endpoint(conn, &e))
            .await
    }

    async fn delete_webhook_endpoint(
        &self,
        org: OrgId,
        id: WebhookEndpointId,
        effects: &Effects,
    ) -> Result<()> {
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached("DELETE FROM webhook_endpoints WHERE id = ?1 AND org_id = ?2")
                .db()?
                .execute(params![id.0.as_bytes(), org.0.as_bytes()])
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn fan_out_events(&self, limit: u32) -> Result<usize> {
        self.fan_out(limit).await
    }

    async fn get_webhook_delivery(&self, org: OrgId, id: Uuid) -> Result<WebhookDelivery> {
        self.delivery(org, id).await
    }

    async fn list_webhook_deliveries(
        &self,
        org: OrgId,
        endpoint: WebhookEndpointId,
        failed_only: bool,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>> {
        self.deliveries(org, endpoint, failed_only, page).await
    }

    async fn list_webhook_attempts(
        &self,
        org: OrgId,
        delivery: Uuid,
    ) -> Result<Vec<WebhookAttempt>> {
        self.attempts(org, delivery).await
    }

    async fn record_webhook_attempt(
        &self,
        attempt: &WebhookAttempt,
        delivery: &WebhookDelivery,
        endpoint: Option<&WebhookEndpoint>,
        effects: &Effects,
    ) -> Result<()> {
        self.record_attempt(attempt, delivery, endpoint, effects)
            .await
    }
}
