//! What is particular to PostgreSQL's message search: migration 0003 on a database that already
//! holds messages (adding the generated search column computes it for every existing row, so old
//! messages are found like new ones), and texts too big for one tsvector.

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
        events: Vec::new(),
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

/// A text too big for one tsvector (1 MB) is still stored; its first 100,000 characters are
/// searchable.
#[tokio::test]
async fn a_huge_text_is_stored_and_its_start_found() {
    let Some((store, _schema)) = testing::fresh_store().await else {
        return;
    };
    let o = org(&store).await;
    let ch = channel(o, ChannelKind::Whatsapp, "Support", "1001");
    store.create_channel(&ch, &Effects::none()).await.unwrap();
    let words: Vec<String> = (0..200_000).map(|i| format!("w{i:x}")).collect();
    let text = format!("opening {}", words.join(" "));
    assert!(text.len() > 1_048_576);
    let batch = IngestBatch {
        messages: vec![inbound("wamid.huge", "447700900123", &text)],
        statuses: Vec::new(),
        events: Vec::new(),
    };
    let stored = store.ingest(o, ch.id, &batch).await.unwrap().stored[0];
    let search = |words: &str| MessageSearch {
        query: SearchQuery::parse(words).unwrap(),
        channel: None,
        conversation: None,
        direction: None,
        only_channels: None,
    };
    let found = store
        .search_messages(o, &search("opening w10"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].id, stored.message_id);
    assert_eq!(found.items[0].text.as_deref(), Some(text.as_str()));
}
