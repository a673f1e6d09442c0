//! Webhook deliveries: the fan-out of pending events into deliveries and their jobs (several nodes
//! share the work: `FOR UPDATE SKIP LOCKED` hands each pending event to one of them), the attempts
//! log, and the listings behind the delivery log API.

use switchboard_domain::{EventId, OrgId, WebhookEndpointId};
use switchboard_store::{
    Effects, Event, Page, PageRequest, Result, StoreError, WebhookAttempt, WebhookDelivery,
    WebhookEndpoint, deliveries_for,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db};
use crate::events::EventRow;

const DELIVERY_COLUMNS: &str = "id, org_id, endpoint_id, event_id, event_type, body, status,
                                attempts, last_status, last_error, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: Uuid,
    org_id: Uuid,
    endpoint_id: Uuid,
    event_id: Uuid,
    event_type: String,
    body: String,
    status: String,
    attempts: i32,
    last_status: Option<i32>,
    last_error: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<DeliveryRow> for WebhookDelivery {
    type Error = StoreError;
    fn try_from(r: DeliveryRow) -> Result<Self> {
        Ok(WebhookDelivery {
            id: r.id,
            org_id: OrgId(r.org_id),
            endpoint_id: WebhookEndpointId(r.endpoint_id),
            event_id: EventId(r.event_id),
            event_type: r.event_type,
            body: r.body,
            status: r.status,
            attempts: u32::try_from(r.attempts).map_err(|e| corrupt("delivery attempts", e))?,
            last_status: r
                .last_status
                .map(u16::try_from)
                .transpose()
                .map_err(|e| corrupt("delivery status", e))?,
            last_error: r.last_error,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    id: Uuid,
    org_id: Uuid,
    delivery_id: Uuid,
    endpoint_id: Uuid,
    attempt: i32,
    at: OffsetDateTime,
    response_status: Option<i32>,
    duration_ms: i32,
    response_body: String,
    error: Option<String>,
}

impl TryFrom<AttemptRow> for WebhookAttempt {
    type Error = StoreError;
    fn try_from(r: AttemptRow) -> Result<Self> {
        let bad = |e| corrupt("webhook attempt", e);
        Ok(WebhookAttempt {
            id: r.id,
            org_id: OrgId(r.org_id),
            delivery_id: r.delivery_id,
            endpoint_id: WebhookEndpointId(r.endpoint_id),
            attempt: u32::try_from(r.attempt).map_err(bad)?,
            at: r.at,
            response_status: r
                .response_status
                .map(u16::try_from)
                .transpose()
                .map_err(bad)?,
            duration_ms: u32::try_from(r.duration_ms).map_err(bad)?,
            response_body: r.response_body,
            error: r.error,
        })
    }
}

impl PgStore {
    pub(crate) async fn fan_out(&self, limit: u32) -> Result<usize> {
        let mut tx = self.begin().await?;
        // Ids and organizations first: most events belong to organizations without an endpoint,
        // and their payloads need not be read at all.
        let heads: Vec<(Uuid, Uuid)> = sqlx::query_as(
            "SELECT id, org_id FROM events
             WHERE NOT fanned_out ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
        )
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        if heads.is_empty() {
            return Ok(0);
        }
        let ids: Vec<Uuid> = heads.iter().map(|(id, _)| *id).collect();
        let mut orgs: Vec<Uuid> = heads.iter().map(|(_, org)| *org).collect();
        orgs.sort();
        orgs.dedup();
        let endpoints = crate::webhooks::enabled_endpoints(&mut tx, &orgs).await?;
        let events = if endpoints.is_empty() {
            Vec::new()
        } else {
            let rows: Vec<EventRow> = sqlx::query_as(
                "SELECT id, org_id, kind, channel_id, payload::text AS payload, created_at
                 FROM events WHERE id = ANY($1) ORDER BY id",
            )
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
            rows.into_iter()
                .map(Event::try_from)
                .collect::<Result<Vec<_>>>()?
        };
        let deliveries = deliveries_for(&events, &endpoints);
        for d in &deliveries {
            sqlx::query(&format!(
                "INSERT INTO webhook_deliveries ({DELIVERY_COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            ))
            .bind(d.id)
            .bind(d.org_id.0)
            .bind(d.endpoint_id.0)
            .bind(d.event_id.0)
            .bind(&d.event_type)
            .bind(&d.body)
            .bind(&d.status)
            .bind(i32::try_from(d.attempts).unwrap_or(i32::MAX))
            .bind(d.last_status.map(i32::from))
            .bind(&d.last_error)
            .bind(d.created_at)
            .bind(d.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        sqlx::query("UPDATE events SET fanned_out = true WHERE id = ANY($1)")
            .bind(&ids)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let effects = Effects {
            jobs: deliveries.iter().map(|d| d.job(None)).collect(),
            ..Effects::none()
        };
        let woke = self.write_effects(&mut tx, &effects).await?;
        self.commit(tx, woke).await?;
        Ok(heads.len())
    }

    pub(crate) async fn delivery(&self, org: OrgId, id: Uuid) -> Result<WebhookDelivery> {
        let row: DeliveryRow = sqlx::query_as(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE org_id = $1 AND id = $2"
        ))
        .bind(org.0)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    pub(crate) async fn deliveries(
        &self,
        org: OrgId,
        endpoint: WebhookEndpointId,
        failed_only: bool,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
             WHERE org_id = $1 AND endpoint_id = $2 AND ($3::uuid IS NULL OR id < $3)
               AND (NOT $4 OR status = 'failed')
             ORDER BY id DESC LIMIT $5"
        ))
        .bind(org.0)
        .bind(endpoint.0)
        .bind(page.after)
        .bind(failed_only)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |d: &WebhookDelivery| d.id)
    }

    pub(crate) async fn attempts(&self, org: OrgId, delivery: Uuid) -> Result<Vec<WebhookAttempt>> {
        let rows: Vec<AttemptRow> = sqlx::query_as(
            "SELECT id, org_id, delivery_id, endpoint_id, attempt, at, response_status,
                    duration_ms, response_body, error
             FROM webhook_attempts WHERE org_id = $1 AND delivery_id = $2 ORDER BY attempt, id",
        )
        .bind(org.0)
        .bind(delivery)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        rows.into_iter().map(WebhookAttempt::try_from).collect()
    }

    pub(crate) async fn record_attempt(
        &self,
        a: &WebhookAttempt,
        d: &WebhookDelivery,
        endpoint: Option<&WebhookEndpoint>,
        effects: &Effects,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let touched = sqlx::query(
            "UPDATE webhook_deliveries SET status = $3, attempts = $4, last_status = $5,
                 last_error = $6, updated_at = $7
             WHERE org_id = $1 AND id = $2",
        )
        .bind(d.org_id.0)
        .bind(d.id)
        .bind(&d.status)
        .bind(i32::try_from(d.attempts).unwrap_or(i32::MAX))
        .bind(d.last_status.map(i32::from))
        .bind(&d.last_error)
        .bind(d.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if touched == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO webhook_attempts (id, org_id, delivery_id, endpoint_id, attempt, at,
                 response_status, duration_ms, response_body, error)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id)
        .bind(a.org_id.0)
        .bind(a.delivery_id)
        .bind(a.endpoint_id.0)
        .bind(i32::try_from(a.attempt).unwrap_or(i32::MAX))
        .bind(a.at)
        .bind(a.response_status.map(i32::from))
        .bind(i32::try_from(a.duration_ms).unwrap_or(i32::MAX))
        .bind(&a.response_body)
        .bind(&a.error)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if let Some(e) = endpoint {
            crate::webhooks::update_query(e)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }
}
