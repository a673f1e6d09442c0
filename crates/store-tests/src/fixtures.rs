//! Rows with sensible defaults (an org, a user, a membership, a key, a job, an audit entry) and
//! the assertions every scenario shares. Builders return plain values so a scenario can change a
//! field before writing; `new_*` helpers write the row and return it.

use std::fmt::Debug;
use std::time::Duration;

use ipnet::IpNet;
use switchboard_domain::{
    ApiKeyId, AuditId, ChannelId, Email, Name, OrgId, Role, Scope, SessionId, TeamId, Timestamp,
    UserId,
};
use switchboard_store::{
    Actor, ApiKey, AuditEntry, Effects, Membership, NewJob, Org, Result, Session, Store,
    StoreError, Team, User,
};

/// A short random tag that keeps names, e-mails and prefixes unique within a scenario.
pub fn tag() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

pub fn name(s: &str) -> Name {
    Name::parse(s).expect("fixture name is valid")
}

/// `base + ms` milliseconds: lease and expiry times are built from explicit offsets.
pub fn plus_ms(base: Timestamp, ms: i64) -> Timestamp {
    base + time::Duration::milliseconds(ms)
}

pub fn plus_secs(base: Timestamp, secs: i64) -> Timestamp {
    base + time::Duration::seconds(secs)
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

pub fn org() -> Org {
    Org {
        id: OrgId::new(),
        name: name(&format!("Org {}", tag())),
        created_at: switchboard_domain::now(),
    }
}

pub fn user() -> User {
    let t = tag();
    User {
        id: UserId::new(),
        email: Email::parse(&format!("user-{t}@example.com")).expect("fixture e-mail is valid"),
        name: name(&format!("User {t}")),
        password_hash: Some(format!("$argon2id$v=19$m=19456,t=2,p=1$salt{t}$hash")),
        password_changed_at: Some(switchboard_domain::now()),
        created_at: switchboard_domain::now(),
    }
}

pub fn membership(org: OrgId, user: UserId, role: Role) -> Membership {
    Membership {
        org_id: org,
        user_id: user,
        role,
        channel_ids: Vec::new(),
        created_at: switchboard_domain::now(),
    }
}

pub fn team(org: OrgId, team_name: &str) -> Team {
    Team {
        id: TeamId::new(),
        org_id: org,
        name: name(team_name),
        description: format!("The {team_name} team"),
        created_at: switchboard_domain::now(),
    }
}

/// 32 random bytes standing in for a SHA-256.
pub fn hash32() -> Vec<u8> {
    let mut v = uuid::Uuid::new_v4().as_bytes().to_vec();
    v.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    v
}

pub fn prefix() -> String {
    format!("sb_{}", tag())
}

/// A plain key: one scope, no restrictions, no expiry, made by the operator.
pub fn api_key(org: OrgId) -> ApiKey {
    ApiKey {
        id: ApiKeyId::new(),
        org_id: org,
        name: name(&format!("Key {}", tag())),
        prefix: prefix(),
        secret_hash: hash32(),
        scopes: vec![Scope::MessagesSend],
        channel_ids: Vec::new(),
        allowed_ips: Vec::new(),
        expires_at: None,
        revoked_at: None,
        created_by_user: None,
        created_by_key: None,
        created_at: switchboard_domain::now(),
        last_used_at: None,
        last_used_ip: None,
    }
}

/// A key with every optional field set. Lists are given in ascending order (both as text and as
/// values) so that a backend may keep them as given or sorted and still round-trip them exactly.
pub fn full_api_key(org: OrgId, by: UserId) -> ApiKey {
    let now = switchboard_domain::now();
    let nets = [
        "10.0.0.0/8",
        "192.168.1.7/32",
        "2001:db8::/32",
        "fd00:1234::1/128",
    ];
    ApiKey {
        scopes: vec![
            Scope::KeysManage,
            Scope::MessagesSend,
            Scope::TemplatesRead,
            Scope::WebhooksManage,
        ],
        channel_ids: vec![ChannelId::new(), ChannelId::new()],
        allowed_ips: nets
            .iter()
            .map(|n| n.parse::<IpNet>().expect("fixture CIDR is valid"))
            .collect(),
        expires_at: Some(plus_secs(now, 90 * 24 * 3600)),
        created_by_user: Some(by),
        created_by_key: Some(ApiKeyId::new()),
        created_at: now,
        ..api_key(org)
    }
}

pub fn session(org: OrgId, user: UserId) -> Session {
    let now = switchboard_domain::now();
    Session {
        id: SessionId::new(),
        token_hash: hash32(),
        user_id: user,
        org_id: org,
        csrf_token: tag(),
        created_at: now,
        expires_at: plus_secs(now, 3600),
        ip: Some("203.0.113.9".to_owned()),
    }
}

pub fn job(kind: &str) -> NewJob {
    NewJob::new(None, kind, serde_json::json!({ "n": tag() }))
}

/// An audit entry by the system about a target, at `created_at = now`.
pub fn audit(org: OrgId, action: &str, target_type: &str, target_id: Option<String>) -> AuditEntry {
    AuditEntry {
        id: AuditId::new(),
        org_id: org,
        actor: Actor::System,
        action: action.to_owned(),
        target_type: target_type.to_owned(),
        target_id,
        ip: Some("2001:db8::7".to_owned()),
        request_id: Some(format!("req-{}", tag())),
        details: serde_json::json!({ "before": null, "after": { "n": 1, "ok": true } }),
        created_at: switchboard_domain::now(),
    }
}

pub fn none() -> Effects {
    Effects::none()
}

pub async fn new_org(s: &dyn Store) -> Org {
    let o = org();
    s.create_org(&o, &none()).await.expect("create org");
    o
}

pub async fn new_user(s: &dyn Store) -> User {
    let u = user();
    s.create_user(&u, &none()).await.expect("create user");
    u
}

/// A new user who is a member of `org` with `role`.
pub async fn new_member(s: &dyn Store, org: OrgId, role: Role) -> User {
    let u = new_user(s).await;
    s.add_member(&membership(org, u.id, role), &none())
        .await
        .expect("add member");
    u
}

pub async fn new_team(s: &dyn Store, org: OrgId, team_name: &str) -> Team {
    let t = team(org, team_name);
    s.create_team(&t, &none()).await.expect("create team");
    t
}

pub async fn new_api_key(s: &dyn Store, org: OrgId) -> ApiKey {
    let k = api_key(org);
    s.create_api_key(&k, &none()).await.expect("create api key");
    k
}

/// Fails the scenario unless `r` is `NotFound`.
#[track_caller]
pub fn assert_not_found<T: Debug>(r: Result<T>, what: &str) {
    match r {
        Err(StoreError::NotFound) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    }
}

/// Fails the scenario unless `r` is a conflict on `rule`; returns the `existing` id it carried.
#[track_caller]
pub fn assert_conflict<T: Debug>(r: Result<T>, rule: &str, what: &str) -> Option<String> {
    match r {
        Err(StoreError::Conflict { what: w, existing }) if w == rule => existing,
        other => panic!("{what}: expected Conflict {{ what: {rule:?} }}, got {other:?}"),
    }
}

/// For a list method called with a foreign org: an empty answer or `NotFound` are both fine.
#[track_caller]
pub fn assert_empty_or_not_found<T: Debug>(r: Result<Vec<T>>, what: &str) {
    match r {
        Ok(v) if v.is_empty() => {}
        Err(StoreError::NotFound) => {}
        other => panic!("{what}: expected an empty list or NotFound, got {other:?}"),
    }
}
