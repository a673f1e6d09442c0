//! Message templates per organization and channel, and the application of provider verdicts
//! inside an ingest (by the provider's id on the channel, else by name and language).

use rusqlite::{Connection, OptionalExtension, Row, params};
use switchboard_domain::templates::{ParameterFormat, TemplateCategory, TemplateStatus};
use switchboard_domain::{ChannelId, OrgId, TemplateId, Timestamp};
use switchboard_store::{
    Effects, Event, Page, PageRequest, Result, StoreError, Template, TemplateFilter, TemplateStore,
};

use crate::codec::{get_json, get_parsed, get_ts, get_uuid, json, ms};
use crate::error::DbResult;
use crate::{SqliteStore, channels, one_row};

const COLUMNS: &str = "id, org_id, channel_id, name, language, category, parameter_format, \
     components, status, provider_template_id, rejection_reason, quality, created_at, updated_at";

fn parsed<T>(s: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<T> {
    parse(s).ok_or_else(|| StoreError::msg(format!("unknown template {what} {s}")))
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Template> {
    Ok(Template {
        id: TemplateId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        channel_id: ChannelId(get_uuid(row, 2)?),
        name: row.get(3)?,
        language: row.get(4)?,
        category: get_parsed(row, 5, |s| parsed(s, TemplateCategory::parse, "category"))?,
        parameter_format: get_parsed(row, 6, |s| {
            parsed(s, ParameterFormat::parse, "parameter format")
        })?,
        components: get_json(row, 7)?,
        status: get_parsed(row, 8, |s| parsed(s, TemplateStatus::parse, "status"))?,
        provider_template_id: row.get(9)?,
        rejection_reason: row.get(10)?,
        quality: row.get(11)?,
        created_at: get_ts(row, 12)?,
        updated_at: get_ts(row, 13)?,
    })
}

fn insert(conn: &Connection, t: &Template) -> Result<()> {
    channels::live_kind(conn, t.org_id, t.channel_id)?;
    conn.prepare_cached(&format!(
        "INSERT INTO templates ({COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    ))
    .db()?
    .execute(params![
        t.id.0.as_bytes(),
        t.org_id.0.as_bytes(),
        t.channel_id.0.as_bytes(),
        t.name,
        t.language,
        t.category.as_str(),
        t.parameter_format.as_str(),
        json(&t.components),
        t.status.as_str(),
        t.provider_template_id,
        t.rejection_reason,
        t.quality,
        ms(t.created_at),
        ms(t.updated_at)
    ])
    .db()?;
    Ok(())
}

/// Replaces the mutable fields of the row with `t.id`, or with `t`'s channel, name and
/// language when `by_name` (a sync, whose rows carry fresh ids). Answers the rows changed.
fn update(conn: &Connection, t: &Template, by_name: bool) -> Result<usize> {
    let set = "UPDATE templates SET category = ?2, parameter_format = ?3, components = ?4,
             status = ?5, provider_template_id = ?6, rejection_reason = ?7, quality = ?8,
             updated_at = ?9
         WHERE org_id = ?1 AND ";
    let fields = params![
        t.org_id.0.as_bytes(),
        t.category.as_str(),
        t.parameter_format.as_str(),
        json(&t.components),
        t.status.as_str(),
        t.provider_template_id,
        t.rejection_reason,
        t.quality,
        ms(t.updated_at)
    ];
    let mut all: Vec<&dyn rusqlite::ToSql> = fields.to_vec();
    let (channel, id) = (t.channel_id.0.as_bytes(), t.id.0.as_bytes());
    let sql = if by_name {
        all.extend([&channel as &dyn rusqlite::ToSql, &t.name, &t.language]);
        format!("{set} channel_id = ?10 AND name = ?11 AND language = ?12")
    } else {
        all.push(&id);
        format!("{set} id = ?10")
    };
    conn.prepare_cached(&sql).db()?.execute(all.as_slice()).db()
}

fn by_review(
    conn: &Connection,
    org: OrgId,
    channel: ChannelId,
    provider_id: &str,
    name: &str,
    language: &str,
) -> Result<Option<Template>> {
    // The provider's id names the template exactly; name and language find one submitted
    // before its id was known (or synced under another id).
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM templates
         WHERE org_id = ?1 AND channel_id = ?2
           AND (provider_template_id = ?3 OR (name = ?4 AND language = ?5))
         ORDER BY provider_template_id = ?3 DESC LIMIT 1"
    ))
    .db()?
    .query_row(
        params![
            org.0.as_bytes(),
            channel.0.as_bytes(),
            provider_id,
            name,
            language
        ],
        from_row,
    )
    .optional()
    .db()
}

/// Inside an ingest: applies each `template.status` event of the batch to its stored template,
/// when the organization has it.
pub(crate) fn apply_reviews(
    conn: &Connection,
    org: OrgId,
    channel: ChannelId,
    events: &[Event],
    at: Timestamp,
) -> Result<()> {
    for review in events.iter().filter_map(Event::template_review) {
        let found = by_review(
            conn,
            org,
            channel,
            &review.template_id,
            &review.name,
            &review.language,
        )?;
        if let Some(mut t) = found {
            t.apply_review(&review, at);
            update(conn, &t, false)?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl TemplateStore for SqliteStore {
    async fn create_template(&self, t: &Template, effects: &Effects) -> Result<()> {
        let t = t.clone();
        self.change(effects, move |conn| insert(conn, &t)).await
    }

    async fn get_template(&self, org: OrgId, id: TemplateId) -> Result<Template> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM templates WHERE id = ?1 AND org_id = ?2"
            ))
            .db()?
            .query_row(params![id.0.as_bytes(), org.0.as_bytes()], from_row)
            .db()
        })
        .await
    }

    async fn find_template(
        &self,
        org: OrgId,
        channel: ChannelId,
        name: &str,
        language: &str,
    ) -> Result<Option<Template>> {
        let (name, language) = (name.to_owned(), language.to_owned());
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM templates
                 WHERE org_id = ?1 AND channel_id = ?2 AND name = ?3 AND language = ?4"
            ))
            .db()?
            .query_row(
                params![org.0.as_bytes(), channel.0.as_bytes(), name, language],
                from_row,
            )
            .optional()
            .db()
        })
        .await
    }

    async fn list_templates(
        &self,
        org: OrgId,
        filter: &TemplateFilter,
        page: PageRequest,
    ) -> Result<Page<Template>> {
        let filter = filter.clone();
        self.read(move |conn| {
            let after = page.after.map(|u| u.as_bytes().to_vec());
            // The allowed channels travel as one JSON array of hex ids (see `codec::channel_ids_json`).
            let only = filter
                .only
                .as_ref()
                .map(|ids| crate::codec::channel_ids_json(ids));
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM templates
                     WHERE org_id = ?1
                       AND (?2 IS NULL OR id > ?2)
                       AND (?3 IS NULL OR channel_id = ?3)
                       AND (?4 IS NULL OR status = ?4)
                       AND (?5 IS NULL OR name = ?5)
                       AND (?6 IS NULL OR language = ?6)
                       AND (?7 IS NULL OR channel_id IN (SELECT unhex(value) FROM json_each(?7)))
                     ORDER BY id LIMIT ?8"
                ))
                .db()?
                .query_map(
                    params![
                        org.0.as_bytes(),
                        after,
                        filter.channel.map(|c| c.0.as_bytes().to_vec()),
                        filter.status.map(TemplateStatus::as_str),
                        filter.name,
                        filter.language,
                        only,
                        page.fetch_limit()
                    ],
                    from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |t| t.id.0))
        })
        .await
    }

    async fn update_template(&self, t: &Template, effects: &Effects) -> Result<()> {
        let t = t.clone();
        self.change(effects, move |conn| one_row(update(conn, &t, false)?))
            .await
    }

    async fn upsert_templates(&self, templates: &[Template], effects: &Effects) -> Result<()> {
        let templates = templates.to_vec();
        self.change(effects, move |conn| {
            for t in &templates {
                if update(conn, t, true)? == 0 {
                    insert(conn, t)?;
                }
            }
            Ok(())
        })
        .await
    }

    async fn delete_template(&self, org: OrgId, id: TemplateId, effects: &Effects) -> Result<()> {
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached("DELETE FROM templates WHERE id = ?1 AND org_id = ?2")
                .db()?
                .execute(params![id.0.as_bytes(), org.0.as_bytes()])
                .db()?;
            one_row(changed)
        })
        .await
    }
}
