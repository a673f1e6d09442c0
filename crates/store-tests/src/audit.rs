//! The audit log: entries written through `Effects` come back newest first, filter and page; a
//! change that fails writes neither its audit entry nor its jobs.

use std::sync::Arc;

use switchboard_domain::{OrgId, Role};
use switchboard_store::{Actor, AuditEntry, AuditFilter, Effects, PageRequest, Store, Team};

use crate::fixtures::{api_key, audit, membership, name, new_member, new_org, plus_ms, team};

/// An entry by `actor` at `base + n` ms, so that ids and times both grow with `n`.
fn entry(org: OrgId, n: i64, actor: Actor, action: &str, target: (&str, String)) -> AuditEntry {
    AuditEntry {
        actor,
        created_at: plus_ms(switchboard_domain::now(), n),
        ..audit(org, action, target.0, Some(target.1))
    }
}

async fn list(
    s: &dyn Store,
    org: OrgId,
    filter: AuditFilter,
    page: PageRequest,
) -> Vec<AuditEntry> {
    s.list_audit(org, &filter, page)
        .await
        .expect("list audit")
        .items
}

pub async fn audit_newest_first_with_filters_and_paging(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let other = new_org(&*s).await;
    let u = new_member(&*s, o.id, Role::Owner).await;
    let by_user = Actor::User(u.id);

    let t = team(o.id, "Support");
    let e0 = entry(o.id, 0, by_user, "team.created", ("team", t.id.to_string()));
    s.create_team(&t, &Effects::audit(e0.clone()))
        .await
        .expect("create team");
    let e1 = entry(o.id, 1, by_user, "team.updated", ("team", t.id.to_string()));
    let renamed = Team {
        name: name("Help"),
        ..t.clone()
    };
    s.update_team(&renamed, &Effects::audit(e1.clone()))
        .await
        .expect("update team");
    let k = api_key(o.id);
    let e2 = entry(
        o.id,
        2,
        Actor::System,
        "api_key.created",
        ("api_key", k.id.to_string()),
    );
    s.create_api_key(&k, &Effects::audit(e2.clone()))
        .await
        .expect("create key");
    let e3 = entry(
        o.id,
        3,
        Actor::ApiKey(k.id),
        "api_key.revoked",
        ("api_key", k.id.to_string()),
    );
    s.revoke_api_key(
        o.id,
        k.id,
        switchboard_domain::now(),
        &Effects::audit(e3.clone()),
    )
    .await
    .expect("revoke key");
    let e4 = entry(
        o.id,
        4,
        by_user,
        "member.role_changed",
        ("user", u.id.to_string()),
    );
    s.update_member(
        &membership(o.id, u.id, Role::Admin),
        &Effects::audit(e4.clone()),
    )
    .await
    .expect("update member");
    let noise = entry(
        other.id,
        5,
        Actor::System,
        "team.created",
        ("team", "x".into()),
    );
    s.create_team(&team(other.id, "Support"), &Effects::audit(noise))
        .await
        .expect("other org's team");

    let all = PageRequest::default();
    let newest_first = vec![e4.clone(), e3.clone(), e2.clone(), e1.clone(), e0.clone()];
    assert_eq!(
        list(&*s, o.id, AuditFilter::default(), all).await,
        newest_first,
        "every field round-trips, newest first"
    );

    let f = |action: Option<&str>, target_type: Option<&str>, target_id: Option<String>, actor| {
        AuditFilter {
            action: action.map(str::to_owned),
            target_type: target_type.map(str::to_owned),
            target_id,
            actor,
        }
    };
    assert_eq!(
        list(&*s, o.id, f(Some("team.created"), None, None, None), all).await,
        vec![e0.clone()]
    );
    assert_eq!(
        list(&*s, o.id, f(None, Some("api_key"), None, None), all).await,
        vec![e3.clone(), e2.clone()]
    );
    assert_eq!(
        list(
            &*s,
            o.id,
            f(None, Some("team"), Some(t.id.to_string()), None),
            all
        )
        .await,
        vec![e1.clone(), e0.clone()]
    );
    assert_eq!(
        list(&*s, o.id, f(None, None, None, Some(by_user)), all).await,
        vec![e4.clone(), e1.clone(), e0.clone()]
    );
    assert_eq!(
        list(
            &*s,
            o.id,
            f(None, None, None, Some(Actor::ApiKey(k.id))),
            all
        )
        .await,
        vec![e3.clone()]
    );
    assert_eq!(
        list(&*s, o.id, f(None, None, None, Some(Actor::System)), all).await,
        vec![e2.clone()]
    );
    assert!(
        list(
            &*s,
            o.id,
            f(Some("nothing.happened"), None, None, None),
            all
        )
        .await
        .is_empty()
    );
    // The actor filter matches the actor's id, not only its kind.
    for stranger in [
        Actor::User(switchboard_domain::UserId::new()),
        Actor::ApiKey(switchboard_domain::ApiKeyId::new()),
    ] {
        let got = list(&*s, o.id, f(None, None, None, Some(stranger)), all).await;
        assert!(got.is_empty(), "{stranger:?} never acted: {got:?}");
    }

    // Paging walks down the ids.
    let p1 = s
        .list_audit(o.id, &AuditFilter::default(), PageRequest::first(2))
        .await
        .expect("p1");
    assert_eq!(
        (p1.items, p1.next),
        (vec![e4.clone(), e3.clone()], Some(e3.id.0))
    );
    let p2 = s
        .list_audit(
            o.id,
            &AuditFilter::default(),
            PageRequest {
                after: Some(e3.id.0),
                limit: 2,
            },
        )
        .await
        .expect("p2");
    assert_eq!(
        (p2.items, p2.next),
        (vec![e2.clone(), e1.clone()], Some(e1.id.0))
    );
    let p3 = s
        .list_audit(
            o.id,
            &AuditFilter::default(),
            PageRequest {
                after: Some(e1.id.0),
                limit: 2,
            },
        )
        .await
        .expect("p3");
    assert_eq!((p3.items, p3.next), (vec![e0.clone()], None));

    // Paging and a filter together.
    let mine = f(None, None, None, Some(by_user));
    let q1 = s
        .list_audit(o.id, &mine, PageRequest::first(2))
        .await
        .expect("q1");
    assert_eq!(
        (q1.items, q1.next),
        (vec![e4.clone(), e1.clone()], Some(e1.id.0))
    );
    let q2 = s
        .list_audit(
            o.id,
            &mine,
            PageRequest {
                after: q1.next,
                limit: 2,
            },
        )
        .await
        .expect("q2");
    assert_eq!((q2.items, q2.next), (vec![e0], None));
}
