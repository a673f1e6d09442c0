//! Message search on the generated `text_search` column of migration 0003: the words of the query
//! as `to_tsquery` prefixes, accents removed by the same
//! `search_unaccent()` as the texts (the rest of `search_fold()` would eat the quotes), newest first.
//!
//! `to_tsquery` rather than `plainto_tsquery` or `websearch_to_tsquery`: those two have no prefix
//! matching ("lov" would not find "lovely", which SQLite's `"lov"*` does). Its syntax is never
//! exposed to the user: the query text is built from [`switchboard_store::SearchQuery`]'s words
//! (letters and digits only), each quoted as `'word':*` and joined by `&`.

use switchboard_domain::OrgId;
use switchboard_store::{Message, MessageSearch, Page, PageRequest, Result, SearchStore};
use uuid::Uuid;

use crate::PgStore;
use crate::errors::db;
use crate::message_rows::{COLUMNS, MessageRow};

#[async_trait::async_trait]
impl SearchStore for PgStore {
    async fn search_messages(
        &self,
        org: OrgId,
        search: &MessageSearch,
        page: PageRequest,
    ) -> Result<Page<Message>> {
        let only: Option<Vec<Uuid>> = search
            .only_channels
            .as_ref()
            .map(|ids| ids.iter().map(|c| c.0).collect());
        let rows: Vec<MessageRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM messages
             WHERE text_search @@ to_tsquery('simple', search_unaccent($1))
               AND org_id = $2
               AND ($3::uuid IS NULL OR id < $3)
               AND ($4::uuid IS NULL OR channel_id = $4)
               AND ($5::uuid IS NULL OR conversation_id = $5)
               AND ($6::text IS NULL OR direction = $6)
               AND ($7::uuid[] IS NULL OR channel_id = ANY($7))
             ORDER BY id DESC
             LIMIT $8"
        ))
        .bind(search.query.tsquery())
        .bind(org.0)
        .bind(page.after)
        .bind(search.channel.map(|c| c.0))
        .bind(search.conversation.map(|c| c.0))
        .bind(search.direction.map(|d| d.as_str()))
        .bind(only)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |m: &Message| -> Uuid { m.id.0 })
    }
}
