//! Webhook deliveries: the fan-out of pending events into deliveries and their jobs, the
//! attempts log, and the listings behind the delivery log API. One writer means the fan-out
//! never races itself here.

use rusqlite::{Connection, Row, params};
use switchboard_domain::{ChannelId, EventId, OrgId, WebhookEndpointId};
use switchboard_store::{
    Effects, Event, Page, PageRequest, Result, WebhookAttempt, WebhookDelivery, WebhookEndpoint,
    deliveries_for,
};
use uuid::Uuid;

use crate::codec::{get_int, get_json, get_opt_uuid, get_ts, get_uuid, ms};
use crate::error::DbResult;
use crate::{SqliteStore, jobs, one_row};

const DELIVERY_COLUMNS: &str = "id, org_id, endpoint_id, event_id, event_type, body, status,
                                attempts, last_status, last_error, created_at, updated_at";

fn delivery_from_row(row: &Row<'_>) -> rusqlite::Result<WebhookDelivery> {
    Ok(WebhookDelivery {
        id: get_uuid(row, 0)?,
        org_id: OrgId(get_uuid(row, 1)?),
        endpoint_id: WebhookEndpointId(get_uuid(row, 2)?),
        event_id: EventId(get_uuid(row, 3)?),
        event_type: row.get(4)?,
        body: row.get(5)?,
        status: row.get(6)?,
        attempts: get_int(row, 7)?,
        last_status: row.get(8)?,
        last_error: row.get(9)?,
        created_at: get_ts(row, 10)?,
        updated_at: get_ts(row, 11)?,
    })
}

fn attempt_from_row(row: &Row<'_>) -> rusqlite::Result<WebhookAttempt> {
    Ok(WebhookAttempt {
        id: get_uuid(row, 0)?,
        org_id: OrgId(get_uuid(row, 1)?),
        delivery_id: get_uuid(row, 2)?,
        endpoint_id: WebhookEndpointId(get_uuid(row, 3)?),
        attempt: get_int(row, 4)?,
        at: get_ts(row, 5)?,
        response_status: row.get(6)?,
        duration_ms: get_int(row, 7)?,
        response_body: row.get(8)?,
        error: row.get(9)?,
    })
}

/// The pending events' ids and organizations, oldest first.
fn pending_heads(conn: &Connection, limit: u32) -> Result<Vec<(Uuid, OrgId)>> {
    conn.prepare_cached("SELECT id, org_id FROM events WHERE fanned_out = 0 ORDER BY id LIMIT ?1")
        .db()?
        .query_map([limit], |row| {
            Ok((get_uuid(row, 0)?, OrgId(get_uuid(row, 1)?)))
        })
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()
}

/// The pending events, oldest first.
fn pending_events(conn: &Connection, limit: u32) -> Result<Vec<Event>> {
    conn.prepare_cached(
        "SELECT id, org_id, kind, channel_id, payload, created_at FROM events
         WHERE fanned_out = 0 ORDER BY id LIMIT ?1",
    )
    .db()?
    .query_map([limit], |row| {
        Ok(Event {
            id: EventId(get_uuid(row, 0)?),
            org_id: OrgId(get_uuid(row, 1)?),
            kind: row.get(2)?,
            channel_id: get_opt_uuid(row, 3)?.map(ChannelId),
            payload: get_json(row, 4)?,
            created_at: get_ts(row, 5)?,
        })
    })
    .db()?
    .collect::<rusqlite::Result<Vec<_>>>()
    .db()
}

/// The enabled endpoints of `org`.
fn enabled_endpoints(conn: &Connection, org: OrgId) -> Result<Vec<WebhookEndpoint>> {
    crate::webhooks::endpoints_of(conn, org, true)
}

fn insert_delivery(conn: &Connection, d: &WebhookDelivery) -> Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO webhook_deliveries ({DELIVERY_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    ))
    .db()?
    .execute(params![
        d.id.as_bytes(),
        d.org_id.0.as_bytes(),
        d.endpoint_id.0.as_bytes(),
        d.event_id.0.as_bytes(),
        d.event_type,
        d.body,
        d.status,
        d.attempts,
        d.last_status,
        d.last_error,
        ms(d.created_at),
        ms(d.updated_at)
    ])
    .db()?;
    Ok(())
}

impl SqliteStore {
    pub(crate) async fn fan_out(&self, limit: u32) -> Result<usize> {
        self.write_waking(move |conn| {
            // Ids and organizations first: most events belong to organizations without an
            // endpoint, and their payloads need not be read at all.
            let heads = pending_heads(conn, limit)?;
            let Some(last) = heads.last().map(|(id, _)| *id) else {
                return Ok(0);
            };
            let mut orgs: Vec<OrgId> = heads.iter().map(|(_, org)| *org).collect();
            orgs.sort_by_key(|o| o.0);
            orgs.dedup();
            let mut endpoints = Vec::new();
            for org in orgs {
                endpoints.extend(enabled_endpoints(conn, org)?);
            }
            if !endpoints.is_empty() {
                // The same rows: this writer is the only one, so nothing moved in between.
                let events = pending_events(conn, limit)?;
                for d in deliveries_for(&events, &endpoints) {
                    insert_delivery(conn, &d)?;
                    jobs::insert(conn, &d.job(None))?;
                }
            }
            // One statement for the batch: everything up to the last id taken was pending.
            conn.prepare_cached(
                "UPDATE events SET fanned_out = 1 WHERE fanned_out = 0 AND id <= ?1",
            )
            .db()?
            .execute([last.as_bytes()])
            .db()?;
            Ok(heads.len())
        })
        .await
    }

    pub(crate) async fn delivery(&self, org: OrgId, id: Uuid) -> Result<WebhookDelivery> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?1 AND org_id = ?2"
            ))
            .db()?
            .query_row(params![id.as_bytes(), org.0.as_bytes()], delivery_from_row)
            .db()
        })
        .await
    }

    pub(crate) async fn deliveries(
        &self,
        org: OrgId,
        endpoint: WebhookEndpointId,
        failed_only: bool,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>> {
        self.read(move |conn| {
            let after = page.after.map(|u| u.as_bytes().to_vec());
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
                     WHERE org_id = ?1 AND endpoint_id = ?2 AND (?3 IS NULL OR id < ?3)
                       AND (?4 = 0 OR status = 'failed')
                     ORDER BY id DESC LIMIT ?5"
                ))
                .db()?
                .query_map(
                    params![
                        org.0.as_bytes(),
                        endpoint.0.as_bytes(),
                        after,
                        failed_only,
                        page.fetch_limit()
                    ],
                    delivery_from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |d| d.id))
        })
        .await
    }

    pub(crate) async fn attempts(&self, org: OrgId, delivery: Uuid) -> Result<Vec<WebhookAttempt>> {
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT id, org_id, delivery_id, endpoint_id, attempt, at, response_status,
                        duration_ms, response_body, error
                 FROM webhook_attempts WHERE delivery_id = ?1 AND org_id = ?2 ORDER BY attempt, id",
            )
            .db()?
            .query_map(
                params![delivery.as_bytes(), org.0.as_bytes()],
                attempt_from_row,
            )
            .db()?
            .collect::<rusqlite::Result<Vec<_>>>()
            .db()
        })
        .await
    }

    pub(crate) async fn record_attempt(
        &self,
        a: &WebhookAttempt,
        d: &WebhookDelivery,
        endpoint: Option<&WebhookEndpoint>,
        effects: &Effects,
    ) -> Result<()> {
        let (a, d, endpoint) = (a.clone(), d.clone(), endpoint.cloned());
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE webhook_deliveries SET status = ?3, attempts = ?4, last_status = ?5,
                         last_error = ?6, updated_at = ?7
                     WHERE id = ?1 AND org_id = ?2",
                )
                .db()?
                .execute(params![
                    d.id.as_bytes(),
                    d.org_id.0.as_bytes(),
                    d.status,
                    d.attempts,
                    d.last_status,
                    d.last_error,
                    ms(d.updated_at)
                ])
                .db()?;
            one_row(changed)?;
            conn.prepare_cached(
                "INSERT INTO webhook_attempts (id, org_id, delivery_id, endpoint_id, attempt, at,
                     response_status, duration_ms, response_body, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .db()?
            .execute(params![
                a.id.as_bytes(),
                a.org_id.0.as_bytes(),
                a.delivery_id.as_bytes(),
                a.endpoint_id.0.as_bytes(),
                a.attempt,
                ms(a.at),
                a.response_status,
                a.duration_ms,
                a.response_body,
                a.error
            ])
            .db()?;
            if let Some(e) = &endpoint {
                crate::webhooks::update_endpoint(conn, e)?;
            }
            Ok(())
        })
        .await
    }
}
