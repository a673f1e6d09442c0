//! Behaviour of the SQLite store through its public traits: uniqueness rules, tenant isolation,
//! effects written with their change, idempotency records. (The cross-backend conformance suite
//! lives in `store-tests`; these pin this backend's own mapping of SQLite errors.)

mod common;

use common::{org, temp_store};
use switchboard_domain::{
    ApiKeyId, AuditId, Email, Name, OrgId, Role, Scope, SessionId, TeamId, UserId,
};
use switchboard_store::*;

fn user(email: &str) -> User {
    User {
        id: UserId::new(),
        email: Email::parse(email).unwrap(),
        name: Name::parse("Ana").unwrap(),
        password_hash: Some("$argon2id$fake".into()),
        password_changed_at: None,
        created_at: switchboard_domain::now(),
    }
}

fn membership(org: OrgId, user: UserId, role: Role) -> Membership {
    Membership {
        org_id: org,
        user_id: user,
        role,
        channel_ids: vec![],
        created_at: switchboard_domain::now(),
    }
}

fn audit(org: OrgId, action: &str) -> AuditEntry {
    AuditEntry {
        id: AuditId::new(),
        org_id: org,
        actor: Actor::System,
        action: action.into(),
        target_type: "org".into(),
        target_id: Some(org.to_string()),
        ip: None,
        request_id: None,
        details: serde_json::json!({"k": 1}),
        created_at: switchboard_domain::now(),
    }
}

#[tokio::test]
async fn org_names_are_unique_case_insensitively_and_failures_write_no_effects() {
    let (_dir, _cfg, store) = temp_store().await;
    let acme = org("Acme Ünïcode");
    store
        .create_org(&acme, &Effects::audit(audit(acme.id, "org.created")))
        .await
        .unwrap();
    assert_eq!(store.get_org(acme.id).await.unwrap(), acme);

    let mut same_id = org("Other");
    same_id.id = acme.id;
    let err = store
        .create_org(&same_id, &Effects::none())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { what: "id", .. }),
        "{err:?}"
    );

    let clash = org("acme ÜNÏCODE");
    let err = store
        .create_org(&clash, &Effects::audit(audit(clash.id, "org.created")))
        .await
        .unwrap_err();
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
        store.get_org(clash.id).await,
        Err(StoreError::NotFound)
    ));
    let log = store
        .list_audit(clash.id, &AuditFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert!(
        log.items.is_empty(),
        "the failed change left an audit entry"
    );
    let log = store
        .list_audit(acme.id, &AuditFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(log.items.len(), 1);
    assert_eq!(log.items[0].details, serde_json::json!({"k": 1}));
}

#[tokio::test]
async fn email_conflict_names_the_existing_user() {
    let (_dir, _cfg, store) = temp_store().await;
    let ana = user("ana@example.com");
    store.create_user(&ana, &Effects::none()).await.unwrap();
    let err = store
        .create_user(&user("ANA@example.com"), &Effects::none())
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict { what, existing } => {
            assert_eq!(what, "email");
            assert_eq!(existing, Some(ana.id.to_string()));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let found = store.find_user_by_email(&ana.email).await.unwrap();
    assert_eq!(found, ana);
}

#[tokio::test]
async fn members_and_teams_stay_inside_their_org() {
    let (_dir, _cfg, store) = temp_store().await;
    let (a, b) = (org("A"), org("B"));
    store.create_org(&a, &Effects::none()).await.unwrap();
    store.create_org(&b, &Effects::none()).await.unwrap();
    let ana = user("ana@example.com");
    store.create_user(&ana, &Effects::none()).await.unwrap();
    let m = membership(a.id, ana.id, Role::Admin);
    store.add_member(&m, &Effects::none()).await.unwrap();
    let err = store.add_member(&m, &Effects::none()).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                what: "membership",
                ..
            }
        ),
        "{err:?}"
    );
    let ghost = membership(a.id, UserId::new(), Role::Agent);
    assert!(matches!(
        store.add_member(&ghost, &Effects::none()).await,
        Err(StoreError::NotFound)
    ));

    let team = Team {
        id: TeamId::new(),
        org_id: a.id,
        name: Name::parse("Support").unwrap(),
        description: String::new(),
        created_at: switchboard_domain::now(),
    };
    store.create_team(&team, &Effects::none()).await.unwrap();
    let mut twin = team.clone();
    twin.id = TeamId::new();
    twin.name = Name::parse("SUPPORT").unwrap();
    let err = store
        .create_team(&twin, &Effects::none())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                what: "team_name",
                ..
            }
        ),
        "{err:?}"
    );
    // The same name in another organization is fine.
    twin.org_id = b.id;
    store.create_team(&twin, &Effects::none()).await.unwrap();

    // Another org's id sees nothing and changes nothing.
    assert!(matches!(
        store.get_team(b.id, team.id).await,
        Err(StoreError::NotFound)
    ));
    let e = Effects::none();
    assert!(matches!(
        store.delete_team(b.id, team.id, &e).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.add_team_member(b.id, team.id, ana.id, &e).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.get_member(b.id, ana.id).await,
        Err(StoreError::NotFound)
    ));

    store
        .add_team_member(a.id, team.id, ana.id, &e)
        .await
        .unwrap();
    let err = store
        .add_team_member(a.id, team.id, ana.id, &e)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                what: "team_member",
                ..
            }
        ),
        "{err:?}"
    );
    let listed = store.list_team_members(a.id, team.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].membership, m);
    assert_eq!(
        store
            .count_members_with_role(a.id, Role::Admin)
            .await
            .unwrap(),
        1
    );

    // Leaving the org leaves its teams and ends sessions there.
    let session = Session {
        id: SessionId::new(),
        token_hash: vec![7; 32],
        user_id: ana.id,
        org_id: a.id,
        csrf_token: "csrf".into(),
        created_at: switchboard_domain::now(),
        expires_at: switchboard_domain::now() + time::Duration::hours(1),
        ip: None,
    };
    store.create_session(&session).await.unwrap();
    assert_eq!(
        store
            .find_session(&session.token_hash, switchboard_domain::now())
            .await
            .unwrap(),
        session
    );
    store.remove_member(a.id, ana.id, &e).await.unwrap();
    assert!(
        store
            .list_team_members(a.id, team.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store
            .find_session(&session.token_hash, switchboard_domain::now())
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .list_memberships_of_user(ana.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn api_keys_round_trip_and_rotate() {
    let (_dir, _cfg, store) = temp_store().await;
    let a = org("A");
    store.create_org(&a, &Effects::none()).await.unwrap();
    let key = ApiKey {
        id: ApiKeyId::new(),
        org_id: a.id,
        name: Name::parse("ci").unwrap(),
        prefix: "sb_abc".into(),
        secret_hash: vec![1; 32],
        scopes: vec![Scope::OrgRead, Scope::KeysManage],
        channel_ids: vec![switchboard_domain::ChannelId::new()],
        allowed_ips: vec![
            "10.0.0.0/8".parse().unwrap(),
            "2001:db8::/32".parse().unwrap(),
        ],
        expires_at: Some(switchboard_domain::now()),
        revoked_at: None,
        created_by_user: None,
        created_by_key: None,
        created_at: switchboard_domain::now(),
        last_used_at: None,
        last_used_ip: None,
    };
    store.create_api_key(&key, &Effects::none()).await.unwrap();
    assert_eq!(store.find_api_key_by_prefix("sb_abc").await.unwrap(), key);
    let mut twin = key.clone();
    twin.id = ApiKeyId::new();
    let err = store
        .create_api_key(&twin, &Effects::none())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                what: "api_key_prefix",
                ..
            }
        ),
        "{err:?}"
    );

    let e = Effects::none();
    store
        .rotate_api_key(a.id, key.id, "sb_new", &[2; 32], &e)
        .await
        .unwrap();
    assert!(matches!(
        store.find_api_key_by_prefix("sb_abc").await,
        Err(StoreError::NotFound)
    ));
    let t1 = switchboard_domain::now();
    store.revoke_api_key(a.id, key.id, t1, &e).await.unwrap();
    store
        .revoke_api_key(a.id, key.id, t1 + time::Duration::seconds(5), &e)
        .await
        .unwrap();
    let got = store.get_api_key(a.id, key.id).await.unwrap();
    assert_eq!(
        got.revoked_at,
        Some(t1),
        "a second revoke keeps the first time"
    );
    assert!(matches!(
        store
            .rotate_api_key(a.id, key.id, "sb_x", &[3; 32], &e)
            .await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn idempotency_claims_replays_and_takes_over_expired_claims() {
    let (_dir, _cfg, store) = temp_store().await;
    let key = IdempotencyKey {
        org_id: OrgId::new(),
        principal: "key:1".into(),
        key: "abc".into(),
    };
    let now = switchboard_domain::now();
    let later = now + time::Duration::seconds(30);
    let begin = |hash: &'static [u8], at| {
        let store = store.clone();
        let key = key.clone();
        async move {
            store
                .begin_idempotent(&key, hash, at, at + time::Duration::seconds(10))
                .await
        }
    };
    assert_eq!(begin(b"h1", now).await.unwrap(), IdempotencyBegin::Started);
    assert_eq!(
        begin(b"h1", now).await.unwrap(),
        IdempotencyBegin::InProgress
    );
    assert_eq!(begin(b"h2", now).await.unwrap(), IdempotencyBegin::Mismatch);
    // The claim expired (its request crashed): the next attempt runs again.
    assert_eq!(
        begin(b"h1", later).await.unwrap(),
        IdempotencyBegin::Started
    );
    let response = StoredResponse {
        status: 201,
        content_type: "application/json".into(),
        body: b"{}".to_vec(),
    };
    store
        .finish_idempotent(&key, &response, later)
        .await
        .unwrap();
    assert_eq!(
        begin(b"h1", later).await.unwrap(),
        IdempotencyBegin::Replay(response)
    );
    assert_eq!(
        store
            .purge_idempotency(later + time::Duration::seconds(1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        begin(b"h2", later).await.unwrap(),
        IdempotencyBegin::Started
    );
}

#[tokio::test]
async fn migrate_alone_applies_each_migration_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = switchboard_store_sqlite::SqliteConfig::new(dir.path().join("m/x.db"));
    let applied = switchboard_store_sqlite::SqliteStore::migrate(&config)
        .await
        .unwrap();
    assert_eq!(
        applied,
        vec![
            "0001_foundation",
            "0002_messaging",
            "0003_search",
            "0004_media",
            "0006_dispatch",
            "0007_webhooks",
            "0008_consent",
            "0009_send_notes",
            "0010_revisions",
            "0011_org_settings",
            "0012_templates"
        ]
    );
    assert!(
        switchboard_store_sqlite::SqliteStore::migrate(&config)
            .await
            .unwrap()
            .is_empty()
    );
    let store = switchboard_store_sqlite::SqliteStore::open(config)
        .await
        .unwrap();
    store.ping().await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    store.close().await;
    assert!(store.ping().await.is_err(), "a closed store refuses writes");
}
