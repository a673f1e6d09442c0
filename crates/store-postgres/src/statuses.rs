//! Status reports for outbound messages. A report always records its own timestamp (when still
//! empty) but moves the status only forward ([`MessageStatus::advances`]); a report for a provider
//! id not recorded yet waits in `pending_statuses` until `record_receipt` applies it.

use std::collections::{HashMap, HashSet};

use sqlx::PgConnection;
use switchboard_domain::{ChannelId, Direction, MessageStatus, OrgId, Timestamp};
use switchboard_store::{Event, Message, MessageError, Result, StatusReport};
use time::OffsetDateTime;

use crate::errors::{corrupt, db};
use crate::message_rows::{self, MessageRow};

/// What applying one report did to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Applied {
    /// Whether anything changed (the status, or a timestamp it had not recorded yet).
    pub changed: bool,
    /// The status it moved from, when it moved.
    pub moved_from: Option<MessageStatus>,
}

/// Applies a report of `status` at `at` to `m` in memory.
pub(crate) fn apply(
    m: &mut Message,
    status: MessageStatus,
    at: Timestamp,
    error: Option<&MessageError>,
    now: Timestamp,
) -> Applied {
    let slot = match status {
        MessageStatus::Sent => Some(&mut m.sent_at),
        MessageStatus::Delivered => Some(&mut m.delivered_at),
        MessageStatus::Read => Some(&mut m.read_at),
        MessageStatus::Failed => Some(&mut m.failed_at),
        _ => None,
    };
    let stamped = match slot {
        Some(slot @ None) => {
            *slot = Some(at);
            true
        }
        _ => false,
    };
    let from = m.status;
    let moved = from.advances(status);
    let changed = stamped || moved;
    if moved {
        m.status = status;
    }
    // A failure's error comes with its first report or with the move to `failed`.
    if changed
        && status == MessageStatus::Failed
        && let Some(error) = error
    {
        m.error = Some(error.clone());
    }
    if changed {
        m.updated_at = now;
    }
    Applied {
        changed,
        moved_from: moved.then_some(from),
    }
}

/// Applies a webhook's reports to the channel's outbound messages, in batch order; reports for
/// unknown provider ids are kept as pending. Events for moved statuses go onto `events`.
/// Returns (applied, pending).
pub(crate) async fn apply_reports(
    conn: &mut PgConnection,
    org: OrgId,
    channel: ChannelId,
    reports: &[StatusReport],
    now: Timestamp,
    events: &mut Vec<Event>,
) -> Result<(usize, usize)> {
    if reports.is_empty() {
        return Ok((0, 0));
    }
    let ids: Vec<&str> = reports
        .iter()
        .map(|r| r.provider_message_id.as_str())
        .collect();
    // Locked in id order, as every path that changes statuses does, so batches never deadlock.
    let rows: Vec<MessageRow> = sqlx::query_as(&format!(
        "SELECT {} FROM messages
         WHERE channel_id = $1 AND provider_message_id = ANY($2)
         ORDER BY id
         FOR UPDATE",
        message_rows::COLUMNS
    ))
    .bind(channel.0)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut known: HashMap<String, (Message, bool)> = HashMap::with_capacity(rows.len());
    let mut inbound = HashSet::new();
    for row in rows {
        let m = Message::try_from(row)?;
        match (m.provider_message_id.clone(), m.direction) {
            (Some(pid), Direction::Outbound) => {
                known.insert(pid, (m, false));
            }
            (Some(pid), Direction::Inbound) => {
                inbound.insert(pid);
            }
            (None, _) => {}
        }
    }

    let (mut applied, mut pending) = (0, Vec::new());
    for r in reports {
        let Some((m, dirty)) = known.get_mut(&r.provider_message_id) else {
            // A status naming an inbound message is not ours to apply, nor to keep.
            if !inbound.contains(&r.provider_message_id) {
                pending.push(r);
            }
            continue;
        };
        let outcome = apply(m, r.status, r.at, r.error.as_ref(), now);
        if outcome.changed {
            applied += 1;
            *dirty = true;
        }
        if let Some(from) = outcome.moved_from {
            events.push(Event::message_status_changed(m, from, r.at));
        }
    }
    let changed: Vec<&Message> = known
        .values()
        .filter(|(_, dirty)| *dirty)
        .map(|(m, _)| m)
        .collect();
    message_rows::write_status(&mut *conn, &changed).await?;
    keep_pending(conn, org, channel, &pending, now).await?;
    Ok((applied, pending.len()))
}

/// Stores reports for provider ids not known yet; a repeat of one already waiting is dropped.
async fn keep_pending(
    conn: &mut PgConnection,
    org: OrgId,
    channel: ChannelId,
    reports: &[&StatusReport],
    now: Timestamp,
) -> Result<()> {
    if reports.is_empty() {
        return Ok(());
    }
    let error = |f: fn(&MessageError) -> Option<String>| {
        reports
            .iter()
            .map(|r| r.error.as_ref().and_then(f))
            .collect::<Vec<_>>()
    };
    sqlx::query(
        "INSERT INTO pending_statuses (org_id, channel_id, provider_message_id, status, at,
                                       error_code, error_provider_code, error_provider_text,
                                       created_at)
         SELECT $1, $2, p.*, $9 FROM UNNEST($3::text[], $4::text[], $5::timestamptz[],
                                          $6::text[], $7::text[], $8::bytea[]) AS p
         ON CONFLICT DO NOTHING",
    )
    .bind(org.0)
    .bind(channel.0)
    .bind(
        reports
            .iter()
            .map(|r| r.provider_message_id.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        reports
            .iter()
            .map(|r| r.status.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(reports.iter().map(|r| r.at).collect::<Vec<_>>())
    .bind(error(|e| Some(e.code.clone())))
    .bind(error(|e| e.provider_code.clone()))
    .bind(
        reports
            .iter()
            .map(|r| {
                let text = r.error.as_ref().and_then(|e| e.provider_text.as_deref());
                text.map(|t| t.as_bytes().to_vec())
            })
            .collect::<Vec<_>>(),
    )
    .bind(now)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    status: String,
    at: OffsetDateTime,
    error_code: Option<String>,
    error_provider_code: Option<String>,
    error_provider_text: Option<Vec<u8>>,
}

/// Takes (deletes and returns) the reports waiting for `provider_message_id`, oldest first.
pub(crate) async fn take_pending(
    conn: &mut PgConnection,
    channel: ChannelId,
    provider_message_id: &str,
) -> Result<Vec<StatusReport>> {
    let mut rows: Vec<PendingRow> = sqlx::query_as(
        "DELETE FROM pending_statuses WHERE channel_id = $1 AND provider_message_id = $2
         RETURNING status, at, error_code, error_provider_code, error_provider_text",
    )
    .bind(channel.0)
    .bind(provider_message_id)
    .fetch_all(conn)
    .await
    .map_err(db)?;
    // In the order they happened (ties by status name, as on SQLite).
    rows.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.status.cmp(&b.status)));
    rows.into_iter()
        .map(|r| {
            let error = match r.error_code {
                Some(code) => Some(MessageError {
                    code,
                    provider_code: r.error_provider_code,
                    provider_text: r
                        .error_provider_text
                        .map(String::from_utf8)
                        .transpose()
                        .map_err(|e| corrupt("pending status error", e))?,
                }),
                None => None,
            };
            Ok(StatusReport {
                provider_message_id: provider_message_id.to_owned(),
                status: MessageStatus::parse(&r.status)
                    .ok_or_else(|| corrupt("pending status", &r.status))?,
                at: r.at,
                error,
            })
        })
        .collect()
}
