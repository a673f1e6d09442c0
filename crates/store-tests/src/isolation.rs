//! Tenant isolation: every tenant-scoped method, called with organization B's id and a row of
//! organization A, answers `NotFound` (or an empty list) and leaves A's rows exactly as they were.

use std::sync::Arc;

use switchboard_domain::Role;
use switchboard_store::{AuditFilter, Effects, Membership, PageRequest, Store, Team};

use crate::fixtures::{
    assert_empty_or_not_found, assert_not_found, audit, hash32, membership, name, new_member,
    new_org, new_team, none, prefix,
};

pub async fn foreign_org_id_sees_and_changes_nothing(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    let ua = new_member(&*s, a.id, Role::Admin).await;
    let ub = new_member(&*s, b.id, Role::Admin).await;
    let team_a = new_team(&*s, a.id, "Support").await;
    s.add_team_member(a.id, team_a.id, ua.id, &none())
        .await
        .expect("join team");
    let key_a = crate::fixtures::api_key(a.id);
    let created = audit(
        a.id,
        "api_key.created",
        "api_key",
        Some(key_a.id.to_string()),
    );
    s.create_api_key(&key_a, &Effects::audit(created))
        .await
        .expect("key with audit");

    let member_before = s.get_member(a.id, ua.id).await.expect("member a");
    let team_before = s.get_team(a.id, team_a.id).await.expect("team a");
    let key_before = s.get_api_key(a.id, key_a.id).await.expect("key a");
    let now = switchboard_domain::now();

    // Members.
    assert_not_found(s.get_member(b.id, ua.id).await, "get_member");
    let moved = Membership {
        org_id: b.id,
        ..membership(a.id, ua.id, Role::Owner)
    };
    assert_not_found(s.update_member(&moved, &none()).await, "update_member");
    assert_not_found(s.remove_member(b.id, ua.id, &none()).await, "remove_member");
    let members_b = s
        .list_members(b.id, PageRequest::default())
        .await
        .expect("list b");
    assert_eq!(
        members_b
            .items
            .iter()
            .map(|m| m.membership.user_id)
            .collect::<Vec<_>>(),
        vec![ub.id],
        "list_members shows only b's people"
    );
    assert_eq!(
        s.count_members_with_role(b.id, Role::Admin)
            .await
            .expect("count b"),
        1,
        "count_members_with_role counts only b"
    );

    // Teams.
    assert_not_found(s.get_team(b.id, team_a.id).await, "get_team");
    let hijack = Team {
        org_id: b.id,
        name: name("Hijacked"),
        ..team_a.clone()
    };
    assert_not_found(s.update_team(&hijack, &none()).await, "update_team");
    assert_not_found(s.delete_team(b.id, team_a.id, &none()).await, "delete_team");
    let teams_b = s
        .list_teams(b.id, PageRequest::default())
        .await
        .expect("teams b");
    assert!(teams_b.items.is_empty(), "list_teams of b: {teams_b:?}");
    assert_not_found(
        s.add_team_member(b.id, team_a.id, ub.id, &none()).await,
        "add_team_member to a's team under b",
    );
    assert_not_found(
        s.add_team_member(a.id, team_a.id, ub.id, &none()).await,
        "add_team_member of b's user to a's team",
    );
    assert_not_found(
        s.remove_team_member(b.id, team_a.id, ua.id, &none()).await,
        "remove_team_member",
    );
    assert_empty_or_not_found(
        s.list_team_members(b.id, team_a.id).await,
        "list_team_members",
    );

    // API keys.
    assert_not_found(s.get_api_key(b.id, key_a.id).await, "get_api_key");
    let keys_b = s
        .list_api_keys(b.id, PageRequest::default())
        .await
        .expect("keys b");
    assert!(keys_b.items.is_empty(), "list_api_keys of b: {keys_b:?}");
    assert_not_found(
        s.revoke_api_key(b.id, key_a.id, now, &none()).await,
        "revoke_api_key",
    );
    assert_not_found(
        s.rotate_api_key(b.id, key_a.id, &prefix(), &hash32(), &none())
            .await,
        "rotate_api_key",
    );

    // Audit.
    let audit_b = s
        .list_audit(b.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit b");
    assert!(audit_b.items.is_empty(), "list_audit of b: {audit_b:?}");

    // Nothing changed for a.
    assert_eq!(
        s.get_member(a.id, ua.id).await.expect("member a"),
        member_before
    );
    assert_eq!(
        s.get_team(a.id, team_a.id).await.expect("team a"),
        team_before
    );
    assert_eq!(
        s.get_api_key(a.id, key_a.id).await.expect("key a"),
        key_before
    );
    assert_eq!(
        s.find_api_key_by_prefix(&key_a.prefix)
            .await
            .expect("old prefix still works"),
        key_before
    );
    let in_team: Vec<_> = s
        .list_team_members(a.id, team_a.id)
        .await
        .expect("team a members")
        .iter()
        .map(|m| m.membership.user_id)
        .collect();
    assert_eq!(in_team, vec![ua.id]);
    let audit_a = s
        .list_audit(a.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit a");
    assert_eq!(audit_a.items.len(), 1, "a's audit log untouched");
}
