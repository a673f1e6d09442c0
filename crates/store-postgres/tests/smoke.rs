//! Smoke tests of the PostgreSQL backend itself: connecting, migrating, a first round trip, and
//! the test schema's clean-up. The behavioural suite lives in `switchboard-store-tests`.

use sqlx::Connection;
use switchboard_domain::{Name, OrgId, now};
use switchboard_store::{Effects, Org, OrgStore, Store, StoreError};
use switchboard_store_postgres::{PgStore, testing};

async fn schema_exists(name: &str) -> bool {
    let mut conn = sqlx::PgConnection::connect(&testing::database_url())
        .await
        .unwrap();
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn creates_an_org_and_drops_its_schema() {
    // Spawned, which also proves the future `Send` (callers open stores inside spawned tasks).
    let Some((store, schema)) = tokio::spawn(testing::fresh_store()).await.unwrap() else {
        return;
    };
    assert_eq!(store.backend(), "postgres");
    store.ping().await.unwrap();

    let org = Org {
        id: OrgId::new(),
        name: Name::parse("Acme").unwrap(),
        created_at: now(),
        settings: Default::default(),
    };
    store.create_org(&org, &Effects::none()).await.unwrap();
    assert_eq!(store.get_org(org.id).await.unwrap(), org);

    let twin = Org {
        id: OrgId::new(),
        name: Name::parse("ACME").unwrap(),
        created_at: now(),
        settings: Default::default(),
    };
    let err = store.create_org(&twin, &Effects::none()).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                what: "org_name",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(matches!(
        store.get_org(twin.id).await,
        Err(StoreError::NotFound)
    ));

    let name = schema.name().to_owned();
    assert!(schema_exists(&name).await);
    store.close().await;
    drop(store);
    drop(schema);
    assert!(
        !schema_exists(&name).await,
        "schema {name} survived its drop"
    );
}

#[tokio::test]
async fn migrations_apply_once() {
    let Some((store, schema)) = testing::fresh_store().await else {
        return;
    };
    // `fresh_store` has migrated already: a second node finds nothing left to do.
    let applied = PgStore::migrate(&schema.config()).await.unwrap();
    assert!(applied.is_empty(), "re-applied {applied:?}");
    store.close().await;
}
