//! Query-plan checks for the messaging hot paths: each statement must find its rows through an
//! index (SQLite's `EXPLAIN QUERY PLAN` says `SEARCH ... USING INDEX`), never by scanning a
//! table, so ingest and the inbox stay fast at a million messages.

use rusqlite::Connection;

use crate::{
    channels, contact_search, contacts, conversation_flow, conversations, events, identities,
    ingest, jobs, messages, migrate,
};

/// The plan's detail lines for `sql`, with every parameter left unbound (NULL).
fn plan(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    let nulls = vec![rusqlite::types::Value::Null; stmt.parameter_count()];
    stmt.query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
        .expect("plan rows")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("plan")
}

/// Fails unless the plan uses `index` and scans no table (scanning a `json_each` virtual table over a bound
/// list is fine: that is the caller's list, not a table).
fn assert_uses(conn: &Connection, sql: &str, index: &str) {
    let lines = plan(conn, sql);
    assert!(
        lines.iter().any(|l| l.contains(index)),
        "expected {index} in {lines:#?}\nfor {sql}"
    );
    let scans: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("SCAN") && !l.contains("VIRTUAL TABLE"))
        .collect();
    assert!(scans.is_empty(), "full scan {scans:?} for {sql}");
    // Listings walk their index in order; a sort would read every row of the organization.
    let sorts: Vec<&String> = lines.iter().filter(|l| l.contains("TEMP B-TREE")).collect();
    assert!(sorts.is_empty(), "sort {sorts:?} for {sql}");
}

#[test]
fn hot_paths_use_their_indexes() {
    let mut conn = Connection::open_in_memory().expect("memory db");
    migrate::run(&mut conn).expect("migrate");
    assert_uses(&conn, ingest::IS_STORED, "messages_channel_provider_id");
    // The job claim: each step one index range, never a sort of the backlog.
    assert_uses(&conn, jobs::claim::EXPIRED, "jobs_lease");
    assert_uses(&conn, jobs::claim::NEXT_LEVEL, "jobs_claimable");
    assert_uses(&conn, jobs::claim::DUE_AT_LEVEL, "jobs_claimable");
    assert_uses(&conn, ingest::REACT, "messages_channel_provider_id");
    assert_uses(&conn, ingest::REVISE, "messages_channel_provider_id");
    assert_uses(
        &conn,
        &messages::BY_PROVIDER_ID,
        "messages_channel_provider_id",
    );
    assert_uses(
        &conn,
        identities::IDENTITY_BY_ADDRESS,
        "identities_channel_address",
    );
    assert_uses(&conn, identities::CONTACT_BY_PHONE, "contacts_org_phone");
    assert_uses(
        &conn,
        identities::CONTACT_OF_ADDRESS,
        "identities_channel_address",
    );
    assert_uses(
        &conn,
        conversation_flow::CONVERSATION_OF_IDENTITY,
        "conversations_channel_identity",
    );
    assert_uses(&conn, &messages::LIST_MESSAGES, "messages_conversation");
    assert_uses(
        &conn,
        &conversations::LIST_CONVERSATIONS,
        "conversations_org",
    );
    assert_uses(&conn, events::LIST_EVENTS, "events_org_id");
    assert_uses(&conn, &contact_search::LIST_CONTACTS, "contacts_org_id");
    assert_uses(&conn, &channels::BY_ACCOUNT, "channels_protocol_account");
    let history = [
        "events_conversation",
        "messages_conversation",
        "conversation_events_conversation",
        "conversations_contact",
        "identities_contact",
        "contact_tags",
    ];
    for (sql, index) in contacts::DELETE_HISTORY.iter().zip(history) {
        assert_uses(&conn, sql, index);
    }
}

#[test]
#[should_panic(expected = "full scan")]
fn a_scan_is_caught() {
    let mut conn = Connection::open_in_memory().expect("memory db");
    migrate::run(&mut conn).expect("migrate");
    // Messages have no index on their text: this must be reported.
    assert_uses(&conn, "SELECT id FROM messages WHERE text = ?1", "");
}
