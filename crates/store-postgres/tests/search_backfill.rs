//! Migration 0003 on a database that already holds messages: adding the generated search column
//! computes it for every existing row, so old messages are found like new ones.

mod support;

use sqlx::Connection;
use support::{channel, inbound, org};
use switchboard_domain::ChannelKind;
use switchboard_store::{
    ChannelStore, Effects, IngestBatch, MessageSearch, MessageStore, PageRequest, SearchQuery,
    SearchStore,
};
use switchboard_store_postgres::testing;

#[tokio::test]
async fn migration_0003_indexes_existing_messages() {
    let Some((store, schema)) = testing::fresh_store().await else {
        return;
    };
    let o = org(&store).await;
    let ch = channel(o, ChannelKind::Whatsapp, "Support", "1001");
    store.create_channel(&ch, &Effects::none()).await.unwrap();
    let batch = IngestBatch {
        messages: vec![inbound(
            "wamid.old",
            "447700900123",
            "Crème brûlée, s'il vous plaît",
        )],
        statuses: Vec::new(),
    };
    let stored = store.ingest(o, ch.id, &batch).await.unwrap().stored[0];

    // Back to the schema before 0003 (the message stays), then apply 0003 as a release would.
    let mut conn = sqlx::PgConnection::connect(&testing::database_url())
        .await
        .unwrap();
    let undo = format!(
        "SET search_path TO \"{}\";
         DROP INDEX messages_text_search;
         ALTER TABLE messages DROP COLUMN text_search;
         DROP FUNCTION search_fold(text);
         DROP FUNCTION search_unaccent(text);",
        schema.name()
    );
    sqlx::raw_sql(&undo).execute(&mut conn).await.unwrap();
    sqlx::raw_sql(include_str!("../migrations/0003_search.sql"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    let search = MessageSearch {
        query: SearchQuery::parse("creme plait").unwrap(),
        channel: None,
        conversation: None,
        direction: None,
        only_channels: None,
    };
    let found = store
        .search_messages(o, &search, PageRequest::default())
        .await
        .unwrap();
    let ids: Vec<_> = found.items.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![stored.message_id]);
}
