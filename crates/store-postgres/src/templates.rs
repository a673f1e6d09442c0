//! Message templates per organization and channel, and the application of provider verdicts
//! inside an ingest (by the provider's id on the channel, else by name and language).

use sqlx::PgConnection;
use switchboard_domain::templates::{ParameterFormat, TemplateCategory, TemplateStatus};
use switchboard_domain::{ChannelId, OrgId, TemplateId, Timestamp};
use switchboard_store::{
    Effects, Event, Page, PageRequest, Result, StoreError, Template, TemplateFilter, TemplateStore,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::errors::{corrupt, db};
use crate::{PgStore, channels};

const COLUMNS: &str = "id, org_id, channel_id, name, language, category, parameter_format, \
     components::text AS components, status, provider_template_id, rejection_reason, quality, \
     created_at, updated_at";

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: Uuid,
    org_id: Uuid,
    channel_id: Uuid,
    name: String,
    language: String,
    category: String,
    parameter_format: String,
    components: String,
    status: String,
    provider_template_id: Option<String>,
    rejection_reason: Option<String>,
    quality: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<TemplateRow> for Template {
    type Error = StoreError;
    fn try_from(r: TemplateRow) -> Result<Self> {
        Ok(Template {
            id: TemplateId(r.id),
            org_id: OrgId(r.org_id),
            channel_id: ChannelId(r.channel_id),
            category: TemplateCategory::parse(&r.category)
                .ok_or_else(|| corrupt("template category", &r.category))?,
            parameter_format: ParameterFormat::parse(&r.parameter_format)
                .ok_or_else(|| corrupt("template parameter format", &r.parameter_format))?,
            components: serde_json::from_str(&r.components)
                .map_err(|e| corrupt("template components", e))?,
            status: TemplateStatus::parse(&r.status)
                .ok_or_else(|| corrupt("template status", &r.status))?,
            name: r.name,
            language: r.language,
            provider_template_id: r.provider_template_id,
            rejection_reason: r.rejection_reason,
            quality: r.quality,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

async fn insert(conn: &mut PgConnection, t: &Template) -> Result<()> {
    channels::kind_of(&mut *conn, t.org_id, t.channel_id).await?;
    sqlx::query(
        "INSERT INTO templates (id, org_id, channel_id, name, language, category,
             parameter_format, components, status, provider_template_id, rejection_reason,
             quality, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json, $9, $10, $11, $12, $13, $14)",
    )
    .bind(t.id.0)
    .bind(t.org_id.0)
    .bind(t.channel_id.0)
    .bind(&t.name)
    .bind(&t.language)
    .bind(t.category.as_str())
    .bind(t.parameter_format.as_str())
    .bind(t.components.to_string())
    .bind(t.status.as_str())
    .bind(&t.provider_template_id)
    .bind(&t.rejection_reason)
    .bind(&t.quality)
    .bind(t.created_at)
    .bind(t.updated_at)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// Replaces the mutable fields of the row with `t.id`, or with `t`'s channel, name and
/// language when `by_name` (a sync, whose rows carry fresh ids). Answers the rows changed.
async fn update(conn: &mut PgConnection, t: &Template, by_name: bool) -> Result<u64> {
    let key = if by_name {
        "channel_id = $10 AND name = $11 AND language = $12"
    } else {
        "id = $10"
    };
    let sql = format!(
        "UPDATE templates SET category = $2, parameter_format = $3, components = $4::json,
             status = $5, provider_template_id = $6, rejection_reason = $7, quality = $8,
             updated_at = $9
         WHERE org_id = $1 AND {key}"
    );
    let query = sqlx::query(&sql)
        .bind(t.org_id.0)
        .bind(t.category.as_str())
        .bind(t.parameter_format.as_str())
        .bind(t.components.to_string())
        .bind(t.status.as_str())
        .bind(&t.provider_template_id)
        .bind(&t.rejection_reason)
        .bind(&t.quality)
        .bind(t.updated_at);
    let query = if by_name {
        query.bind(t.channel_id.0).bind(&t.name).bind(&t.language)
    } else {
        query.bind(t.id.0)
    };
    let done = query.execute(conn).await.map_err(db)?;
    Ok(done.rows_affected())
}

/// Inside an ingest: applies each `template.status` event of the batch to its stored template,
/// when the organization has it.
pub(crate) async fn apply_reviews(
    conn: &mut PgConnection,
    org: OrgId,
    channel: ChannelId,
    events: &[Event],
    at: Timestamp,
) -> Result<()> {
    for review in events.iter().filter_map(Event::template_review) {
        // The provider's id names the template exactly; name and language find one submitted
        // before its id was known.
        let row: Option<TemplateRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM templates
             WHERE org_id = $1 AND channel_id = $2
               AND (provider_template_id = $3 OR (name = $4 AND language = $5))
             ORDER BY (provider_template_id = $3) IS TRUE DESC LIMIT 1 FOR UPDATE"
        ))
        .bind(org.0)
        .bind(channel.0)
        .bind(&review.template_id)
        .bind(&review.name)
        .bind(&review.language)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        if let Some(row) = row {
            let mut t = Template::try_from(row)?;
            t.apply_review(&review, at);
            update(&mut *conn, &t, false).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl TemplateStore for PgStore {
    async fn create_template(&self, t: &Template, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        insert(&mut tx, t).await?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn get_template(&self, org: OrgId, id: TemplateId) -> Result<Template> {
        let row: Option<TemplateRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM templates WHERE org_id = $1 AND id = $2"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    async fn find_template(
        &self,
        org: OrgId,
        channel: ChannelId,
        name: &str,
        language: &str,
    ) -> Result<Option<Template>> {
        let row: Option<TemplateRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM templates
             WHERE org_id = $1 AND channel_id = $2 AND name = $3 AND language = $4"
        ))
        .bind(org.0)
        .bind(channel.0)
        .bind(name)
        .bind(language)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        row.map(Template::try_from).transpose()
    }

    async fn list_templates(
        &self,
        org: OrgId,
        filter: &TemplateFilter,
        page: PageRequest,
    ) -> Result<Page<Template>> {
        let only: Option<Vec<Uuid>> = filter
            .only
            .as_ref()
            .map(|ids| ids.iter().map(|c| c.0).collect());
        let rows: Vec<TemplateRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM templates
             WHERE org_id = $1
               AND ($2::uuid IS NULL OR id > $2)
               AND ($3::uuid IS NULL OR channel_id = $3)
               AND ($4::text IS NULL OR status = $4)
               AND ($5::text IS NULL OR name = $5)
               AND ($6::text IS NULL OR language = $6)
               AND ($7::uuid[] IS NULL OR channel_id = ANY($7))
             ORDER BY id
             LIMIT $8"
        ))
        .bind(org.0)
        .bind(page.after)
        .bind(filter.channel.map(|c| c.0))
        .bind(filter.status.map(TemplateStatus::as_str))
        .bind(&filter.name)
        .bind(&filter.language)
        .bind(only)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |t: &Template| t.id.0)
    }

    async fn update_template(&self, t: &Template, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        if update(&mut tx, t, false).await? == 0 {
            return Err(StoreError::NotFound);
        }
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn upsert_templates(&self, templates: &[Template], effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        for t in templates {
            if update(&mut tx, t, true).await? == 0 {
                insert(&mut tx, t).await?;
            }
        }
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn delete_template(&self, org: OrgId, id: TemplateId, effects: &Effects) -> Result<()> {
        let query = sqlx::query("DELETE FROM templates WHERE org_id = $1 AND id = $2")
            .bind(org.0)
            .bind(id.0);
        self.change_existing(query, effects).await
    }
}
