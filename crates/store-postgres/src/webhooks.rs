//! Webhook endpoints. Every statement is keyed by the organization, so another tenant's endpoint
//! is simply not found.

use sqlx::PgConnection;
use sqlx::types::Json;
use switchboard_domain::{ChannelId, OrgId, WebhookEndpointId};
use switchboard_store::{
    Effects, Page, PageRequest, Result, StoreError, WebhookAttempt, WebhookDelivery,
    WebhookEndpoint, WebhookStore,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::db;

const COLUMNS: &str = "id, org_id, url, description, event_types, channel_ids, enabled, format,
                       secret, previous_secret, previous_until, disabled_reason, failing_since,
                       created_at, updated_at";

#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: Uuid,
    org_id: Uuid,
    url: String,
    description: String,
    event_types: Json<Vec<String>>,
    channel_ids: Json<Vec<Uuid>>,
    enabled: bool,
    format: String,
    secret: Vec<u8>,
    previous_secret: Option<Vec<u8>>,
    previous_until: Option<OffsetDateTime>,
    disabled_reason: Option<String>,
    failing_since: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<EndpointRow> for WebhookEndpoint {
    type Error = StoreError;
    fn try_from(r: EndpointRow) -> Result<Self> {
        Ok(WebhookEndpoint {
            id: WebhookEndpointId(r.id),
            org_id: OrgId(r.org_id),
            url: r.url,
            description: r.description,
            event_types: r.event_types.0,
            channel_ids: r.channel_ids.0.into_iter().map(ChannelId).collect(),
            enabled: r.enabled,
            format: r.format,
            secret: r.secret,
            previous_secret: r.previous_secret,
            previous_until: r.previous_until,
            disabled_reason: r.disabled_reason,
            failing_since: r.failing_since,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn channel_uuids(e: &WebhookEndpoint) -> Json<Vec<Uuid>> {
    Json(e.channel_ids.iter().map(|c| c.0).collect())
}

/// The enabled endpoints of `orgs`, for the fan-out.
pub(crate) async fn enabled_endpoints(
    conn: &mut PgConnection,
    orgs: &[Uuid],
) -> Result<Vec<WebhookEndpoint>> {
    let rows: Vec<EndpointRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE org_id = ANY($1) AND enabled"
    ))
    .bind(orgs)
    .fetch_all(conn)
    .await
    .map_err(db)?;
    rows.into_iter().map(WebhookEndpoint::try_from).collect()
}

/// Writes every changeable field of `e`, keyed by its organization.
pub(crate) fn update_query(
    e: &WebhookEndpoint,
) -> sqlx::query::Query<'static, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(
        "UPDATE webhook_endpoints SET url = $3, description = $4, event_types = $5,
             channel_ids = $6, enabled = $7, format = $8, secret = $9, previous_secret = $10,
             previous_until = $11, disabled_reason = $12, failing_since = $13,
             updated_at = $14
         WHERE org_id = $1 AND id = $2",
    )
    .bind(e.org_id.0)
    .bind(e.id.0)
    .bind(e.url.clone())
    .bind(e.description.clone())
    .bind(Json(e.event_types.clone()))
    .bind(channel_uuids(e))
    .bind(e.enabled)
    .bind(e.format.clone())
    .bind(e.secret.clone())
    .bind(e.previous_secret.clone())
    .bind(e.previous_until)
    .bind(e.disabled_reason.clone())
    .bind(e.failing_since)
    .bind(e.updated_at)
}

#[async_trait::async_trait]
impl WebhookStore for PgStore {
    async fn create_webhook_endpoint(&self, e: &WebhookEndpoint, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(&format!(
            "INSERT INTO webhook_endpoints ({COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ))
        .bind(e.id.0)
        .bind(e.org_id.0)
        .bind(&e.url)
        .bind(&e.description)
        .bind(Json(&e.event_types))
        .bind(channel_uuids(e))
        .bind(e.enabled)
        .bind(&e.format)
        .bind(&e.secret)
        .bind(&e.previous_secret)
        .bind(e.previous_until)
        .bind(&e.disabled_reason)
        .bind(e.failing_since)
        .bind(e.created_at)
        .bind(e.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn get_webhook_endpoint(
        &self,
        org: OrgId,
        id: WebhookEndpointId,
    ) -> Result<WebhookEndpoint> {
        let row: EndpointRow = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM webhook_endpoints WHERE org_id = $1 AND id = $2"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    async fn list_webhook_endpoints(
        &self,
        org: OrgId,
        page: PageRequest,
    ) -> Result<Page<WebhookEndpoint>> {
        let rows: Vec<EndpointRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM webhook_endpoints
             WHERE org_id = $1 AND ($2::uuid IS NULL OR id > $2)
             ORDER BY id LIMIT $3"
        ))
        .bind(org.0)
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |e: &WebhookEndpoint| e.id.0)
    }

    async fn update_webhook_endpoint(&self, e: &WebhookEndpoint, effects: &Effects) -> Result<()> {
        self.change_existing(update_query(e), effects).await
    }

    async fn delete_webhook_endpoint(
        &self,
        org: OrgId,
        id: WebhookEndpointId,
        effects: &Effects,
    ) -> Result<()> {
        let query = sqlx::query("DELETE FROM webhook_endpoints WHERE org_id = $1 AND id = $2")
            .bind(org.0)
            .bind(id.0);
        self.change_existing(query, effects).await
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
