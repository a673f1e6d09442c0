//! Channels: an organization's messaging accounts. Deletion is soft (`deleted_at`), so that the
//! conversations and messages of a deleted channel stay readable while every lookup and listing
//! forgets the channel itself.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, Row, params};
use switchboard_domain::{ChannelId, ChannelKind, ChannelStatus, OrgId, Timestamp};
use switchboard_store::{
    Channel, ChannelDraft, ChannelFilter, ChannelStore, Effects, Event, Page, PageRequest, Result,
    StoreError,
};

use crate::codec::{
    get_json, get_opt_json, get_opt_ts, get_parsed, get_ts, get_uuid, json, ms, opt_ms,
};
use crate::error::DbResult;
use crate::{SqliteStore, events, one_row};

const CHANNEL_COLUMNS: &str = "id, org_id, kind, protocol, name, status, last_error, last_error_at,
                               config, credentials, draft_config, draft_credentials,
                               draft_updated_at, webhook_secret, account, created_at, updated_at";

/// The live channel of a provider account: how provider-wide webhooks find their channel.
pub(crate) static BY_ACCOUNT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {CHANNEL_COLUMNS} FROM channels
         WHERE protocol = ?1 AND account = ?2 AND deleted_at IS NULL"
    )
});

fn channel_from_row(row: &Row<'_>) -> rusqlite::Result<Channel> {
    let draft = match get_opt_ts(row, 12)? {
        Some(updated_at) => Some(ChannelDraft {
            config: get_opt_json(row, 10)?.unwrap_or(serde_json::Value::Null),
            credentials: row.get(11)?,
            updated_at,
        }),
        None => None,
    };
    Ok(Channel {
        id: ChannelId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        kind: get_parsed(row, 2, parse_kind)?,
        protocol: row.get(3)?,
        name: row.get(4)?,
        status: get_parsed(row, 5, parse_status)?,
        last_error: row.get(6)?,
        last_error_at: get_opt_ts(row, 7)?,
        config: get_json(row, 8)?,
        credentials: row.get(9)?,
        draft,
        webhook_secret: row.get(13)?,
        account: row.get(14)?,
        created_at: get_ts(row, 15)?,
        updated_at: get_ts(row, 16)?,
    })
}

pub(crate) fn parse_kind(s: &str) -> Result<ChannelKind, StoreError> {
    ChannelKind::parse(s).ok_or_else(|| StoreError::msg(format!("unknown channel kind {s}")))
}

fn parse_status(s: &str) -> Result<ChannelStatus, StoreError> {
    ChannelStatus::parse(s).ok_or_else(|| StoreError::msg(format!("unknown channel status {s}")))
}

/// The key that makes names unique case-insensitively (lower-cased here, not by SQLite, whose
/// `lower()` only folds ASCII).
fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// The kind of a live channel of `org`: what ingest and outbound acceptance resolve addresses by.
pub(crate) fn live_kind(conn: &Connection, org: OrgId, id: ChannelId) -> Result<ChannelKind> {
    let kind: String = conn
        .prepare_cached(
            "SELECT kind FROM channels WHERE id = ?1 AND org_id = ?2 AND deleted_at IS NULL",
        )
        .db()?
        .query_row(params![id.0.as_bytes(), org.0.as_bytes()], |r| r.get(0))
        .optional()
        .db()?
        .ok_or(StoreError::NotFound)?;
    parse_kind(&kind)
}

fn draft_columns(d: Option<&ChannelDraft>) -> (Option<String>, Option<Vec<u8>>, Option<i64>) {
    match d {
        Some(d) => (
            Some(json(&d.config)),
            d.credentials.clone(),
            Some(ms(d.updated_at)),
        ),
        None => (None, None, None),
    }
}

fn insert(conn: &Connection, c: &Channel) -> Result<()> {
    let (draft_config, draft_credentials, draft_at) = draft_columns(c.draft.as_ref());
    conn.prepare_cached(
        "INSERT INTO channels (id, org_id, kind, protocol, name, name_key, status, last_error,
                               last_error_at, config, credentials, draft_config,
                               draft_credentials, draft_updated_at, webhook_secret, account,
                               created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )
    .db()?
    .execute(params![
        c.id.0.as_bytes(),
        c.org_id.0.as_bytes(),
        c.kind.as_str(),
        c.protocol,
        c.name,
        name_key(&c.name),
        c.status.as_str(),
        c.last_error,
        opt_ms(c.last_error_at),
        json(&c.config),
        c.credentials,
        draft_config,
        draft_credentials,
        draft_at,
        c.webhook_secret,
        c.account,
        ms(c.created_at),
        ms(c.updated_at)
    ])
    .db()?;
    Ok(())
}

fn update(conn: &Connection, c: &Channel) -> Result<()> {
    let (draft_config, draft_credentials, draft_at) = draft_columns(c.draft.as_ref());
    let changed = conn
        .prepare_cached(
            "UPDATE channels SET name = ?3, name_key = ?4, status = ?5, last_error = ?6,
                    last_error_at = ?7, config = ?8, credentials = ?9, draft_config = ?10,
                    draft_credentials = ?11, draft_updated_at = ?12, webhook_secret = ?13,
                    account = ?14, updated_at = ?15
             WHERE id = ?1 AND org_id = ?2 AND deleted_at IS NULL",
        )
        .db()?
        .execute(params![
            c.id.0.as_bytes(),
            c.org_id.0.as_bytes(),
            c.name,
            name_key(&c.name),
            c.status.as_str(),
            c.last_error,
            opt_ms(c.last_error_at),
            json(&c.config),
            c.credentials,
            draft_config,
            draft_credentials,
            draft_at,
            c.webhook_secret,
            c.account,
            ms(c.updated_at)
        ])
        .db()?;
    one_row(changed)
}

fn health(
    conn: &Connection,
    org: OrgId,
    id: ChannelId,
    error: Option<&str>,
    at: Timestamp,
) -> Result<()> {
    let before: String = conn
        .prepare_cached(
            "SELECT status FROM channels WHERE id = ?1 AND org_id = ?2 AND deleted_at IS NULL",
        )
        .db()?
        .query_row(params![id.0.as_bytes(), org.0.as_bytes()], |r| r.get(0))
        .optional()
        .db()?
        .ok_or(StoreError::NotFound)?;
    // An error puts any channel but a disabled one in `error`; success makes a pending or erroring
    // channel active. Disabled stays disabled either way.
    let after: String = conn
        .prepare_cached(
            "UPDATE channels SET
                 status = CASE
                     WHEN status = 'disabled' THEN status
                     WHEN ?3 IS NOT NULL THEN 'error'
                     ELSE 'active' END,
                 last_error = ?3,
                 last_error_at = CASE WHEN ?3 IS NOT NULL THEN ?4 ELSE NULL END,
                 updated_at = ?4
             WHERE id = ?1 AND org_id = ?2 AND deleted_at IS NULL
             RETURNING status",
        )
        .db()?
        .query_row(
            params![id.0.as_bytes(), org.0.as_bytes(), error, ms(at)],
            |r| r.get(0),
        )
        .db()?;
    if before != after {
        let (from, to) = (parse_status(&before)?, parse_status(&after)?);
        events::insert(conn, &Event::channel_status(org, id, from, to, error, at))?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl ChannelStore for SqliteStore {
    async fn create_channel(&self, channel: &Channel, effects: &Effects) -> Result<()> {
        let c = channel.clone();
        self.change(effects, move |conn| insert(conn, &c)).await
    }

    async fn get_channel(&self, org: OrgId, id: ChannelId) -> Result<Channel> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {CHANNEL_COLUMNS} FROM channels
                 WHERE id = ?1 AND org_id = ?2 AND deleted_at IS NULL"
            ))
            .db()?
            .query_row(params![id.0.as_bytes(), org.0.as_bytes()], channel_from_row)
            .db()
        })
        .await
    }

    async fn find_channel(&self, id: ChannelId) -> Result<Channel> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = ?1 AND deleted_at IS NULL"
            ))
            .db()?
            .query_row(params![id.0.as_bytes()], channel_from_row)
            .db()
        })
        .await
    }

    async fn find_channel_by_account(&self, protocol: &str, account: &str) -> Result<Channel> {
        let (protocol, account) = (protocol.to_owned(), account.to_owned());
        self.read(move |conn| {
            conn.prepare_cached(&BY_ACCOUNT)
                .db()?
                .query_row(params![protocol, account], channel_from_row)
                .db()
        })
        .await
    }

    async fn list_channels(
        &self,
        org: OrgId,
        filter: &ChannelFilter,
        page: PageRequest,
    ) -> Result<Page<Channel>> {
        let filter = filter.clone();
        self.read(move |conn| {
            let after = page.after.map(|u| u.as_bytes().to_vec());
            // The allowed channels travel as one JSON array of hex ids, so the statement text
            // (and its cached plan) never changes with the list's length.
            let only = filter
                .only
                .as_ref()
                .map(|ids| crate::codec::channel_ids_json(ids));
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {CHANNEL_COLUMNS} FROM channels
                     WHERE org_id = ?1 AND deleted_at IS NULL
                       AND (?2 IS NULL OR id > ?2)
                       AND (?3 IS NULL OR kind = ?3)
                       AND (?4 IS NULL OR status = ?4)
                       AND (?5 IS NULL OR id IN (SELECT unhex(value) FROM json_each(?5)))
                     ORDER BY id LIMIT ?6"
                ))
                .db()?
                .query_map(
                    params![
                        org.0.as_bytes(),
                        after,
                        filter.kind.map(|k| k.as_str()),
                        filter.status.map(|s| s.as_str()),
                        only,
                        page.fetch_limit()
                    ],
                    channel_from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |c| c.id.0))
        })
        .await
    }

    async fn update_channel(&self, channel: &Channel, effects: &Effects) -> Result<()> {
        let c = channel.clone();
        self.change(effects, move |conn| update(conn, &c)).await
    }

    async fn record_channel_health(
        &self,
        org: OrgId,
        id: ChannelId,
        error: Option<&str>,
        at: Timestamp,
    ) -> Result<()> {
        let error = error.map(str::to_owned);
        self.write(move |conn| health(conn, org, id, error.as_deref(), at))
            .await
    }

    async fn delete_channel(&self, org: OrgId, id: ChannelId, effects: &Effects) -> Result<()> {
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE channels SET deleted_at = ?3, updated_at = ?3
                     WHERE id = ?1 AND org_id = ?2 AND deleted_at IS NULL",
                )
                .db()?
                .execute(params![
                    id.0.as_bytes(),
                    org.0.as_bytes(),
                    ms(switchboard_domain::now())
                ])
                .db()?;
            one_row(changed)
        })
        .await
    }
}
