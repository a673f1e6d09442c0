//! Creating an organization with its starting people and keys: all of it in one transaction, or
//! nothing at all.

use std::sync::Arc;

use switchboard_domain::Role;
use switchboard_store::{AuditFilter, Effects, OrgSetup, PageRequest, Store};

use crate::fixtures::{
    api_key, assert_conflict, assert_not_found, audit, membership, new_api_key, new_user, org, user,
};

pub async fn org_setup_is_written_with_the_org(s: Arc<dyn Store>) {
    let o = org();
    let fresh = user();
    let existing = new_user(&*s).await;
    let key = api_key(o.id);
    let setup = OrgSetup {
        new_users: vec![fresh.clone()],
        members: vec![
            membership(o.id, fresh.id, Role::Owner),
            membership(o.id, existing.id, Role::Admin),
        ],
        api_keys: vec![key.clone()],
    };
    let effects = Effects::audit(audit(o.id, "org.created", "org", Some(o.id.to_string())));
    s.create_org_with(&o, &setup, &effects)
        .await
        .expect("create org with setup");

    assert_eq!(s.get_org(o.id).await.expect("org").name, o.name);
    assert_eq!(
        s.get_user(fresh.id).await.expect("new user").email,
        fresh.email
    );
    assert_eq!(
        s.get_member(o.id, fresh.id)
            .await
            .expect("owner")
            .membership
            .role,
        Role::Owner
    );
    assert_eq!(
        s.get_member(o.id, existing.id)
            .await
            .expect("admin")
            .membership
            .role,
        Role::Admin
    );
    assert_eq!(s.get_api_key(o.id, key.id).await.expect("key"), key);
    let log = s
        .list_audit(o.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit");
    assert_eq!(log.items.len(), 1);
}

pub async fn org_setup_failing_midway_writes_nothing(s: Arc<dyn Store>) {
    // A taken key prefix: the key comes last, after the org, a new user and memberships.
    let other = org();
    s.create_org(&other, &Effects::none())
        .await
        .expect("other org");
    let taken = new_api_key(&*s, other.id).await;
    let o = org();
    let fresh = user();
    let mut clash = api_key(o.id);
    clash.prefix = taken.prefix.clone();
    let setup = OrgSetup {
        new_users: vec![fresh.clone()],
        members: vec![membership(o.id, fresh.id, Role::Owner)],
        api_keys: vec![clash],
    };
    let effects = Effects::audit(audit(o.id, "org.created", "org", None));
    assert_conflict(
        s.create_org_with(&o, &setup, &effects).await,
        "api_key_prefix",
        "taken prefix",
    );
    assert_not_found(s.get_org(o.id).await, "org of a failed setup");
    assert_not_found(s.get_user(fresh.id).await, "user of a failed setup");
    let log = s
        .list_audit(o.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit");
    assert!(
        log.items.is_empty(),
        "no audit entry for what did not happen"
    );

    // A taken e-mail: the conflict names the holder, and again nothing is written.
    let holder = new_user(&*s).await;
    let o2 = org();
    let mut twin = user();
    twin.email = holder.email.clone();
    let setup = OrgSetup {
        new_users: vec![twin.clone()],
        members: vec![membership(o2.id, twin.id, Role::Owner)],
        api_keys: vec![],
    };
    let existing = assert_conflict(
        s.create_org_with(&o2, &setup, &Effects::none()).await,
        "email",
        "taken e-mail",
    );
    assert_eq!(existing, Some(holder.id.to_string()));
    assert_not_found(s.get_org(o2.id).await, "org of a failed setup");
    // The org's name is free again.
    s.create_org(&o2, &Effects::none())
        .await
        .expect("the same org without the clash");
}
