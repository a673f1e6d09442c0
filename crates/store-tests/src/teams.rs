//! Teams: CRUD, the per-organization name rule, and team members.

use std::sync::Arc;

use switchboard_domain::{Role, TeamId, UserId};
use switchboard_store::{PageRequest, Store, Team};

use crate::fixtures::{
    assert_conflict, assert_empty_or_not_found, assert_not_found, name, new_member, new_org,
    new_team, new_user, none, team,
};

pub async fn team_create_get_list_update_delete(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let t = team(o.id, "Support");
    s.create_team(&t, &none()).await.expect("create team");
    assert_eq!(s.get_team(o.id, t.id).await.expect("get team"), t);

    let u = new_team(&*s, o.id, "Sales").await;
    let v = new_team(&*s, o.id, "Billing").await;
    let page = s
        .list_teams(o.id, PageRequest::first(2))
        .await
        .expect("page 1");
    assert_eq!(page.items, vec![t.clone(), u.clone()], "ascending by id");
    assert_eq!(page.next, Some(u.id.0));
    let rest = s
        .list_teams(
            o.id,
            PageRequest {
                after: page.next,
                limit: 2,
            },
        )
        .await
        .expect("page 2");
    assert_eq!(rest.items, vec![v.clone()]);
    assert_eq!(rest.next, None);

    let changed = Team {
        name: name("Customer Support"),
        description: "First line".to_owned(),
        ..t.clone()
    };
    s.update_team(&changed, &none()).await.expect("update team");
    assert_eq!(s.get_team(o.id, t.id).await.expect("get updated"), changed);

    s.delete_team(o.id, t.id, &none())
        .await
        .expect("delete team");
    assert_not_found(s.get_team(o.id, t.id).await, "deleted team");
    assert_not_found(s.delete_team(o.id, t.id, &none()).await, "delete twice");
    assert_not_found(
        s.update_team(&changed, &none()).await,
        "update deleted team",
    );
    assert_not_found(s.get_team(o.id, TeamId::new()).await, "unknown team");
    let left = s
        .list_teams(o.id, PageRequest::default())
        .await
        .expect("list");
    assert_eq!(left.items, vec![u, v]);
}

pub async fn team_names_are_unique_per_org(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    new_team(&*s, a.id, "Support").await;
    let dup = team(a.id, "SUPPORT");
    assert_conflict(
        s.create_team(&dup, &none()).await,
        "team_name",
        "same org, other case",
    );
    assert_not_found(s.get_team(a.id, dup.id).await, "refused team not written");

    new_team(&*s, b.id, "Support").await;
    let sales = new_team(&*s, a.id, "Sales").await;
    let renamed = Team {
        name: name("support"),
        ..sales.clone()
    };
    assert_conflict(
        s.update_team(&renamed, &none()).await,
        "team_name",
        "rename onto a taken name",
    );
    assert_eq!(
        s.get_team(a.id, sales.id).await.expect("get"),
        sales,
        "unchanged"
    );
}

pub async fn team_members_add_list_remove(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let t = new_team(&*s, o.id, "Support").await;
    let u1 = new_member(&*s, o.id, Role::Agent).await;
    let u2 = new_member(&*s, o.id, Role::Admin).await;
    let outsider = new_user(&*s).await;

    s.add_team_member(o.id, t.id, u2.id, &none())
        .await
        .expect("add u2");
    s.add_team_member(o.id, t.id, u1.id, &none())
        .await
        .expect("add u1");
    assert_conflict(
        s.add_team_member(o.id, t.id, u1.id, &none()).await,
        "team_member",
        "add twice",
    );
    assert_not_found(
        s.add_team_member(o.id, t.id, outsider.id, &none()).await,
        "a user who is not a member of the org",
    );
    assert_not_found(
        s.add_team_member(o.id, TeamId::new(), u1.id, &none()).await,
        "unknown team",
    );

    let members = s.list_team_members(o.id, t.id).await.expect("list");
    let mut ids = vec![u1.id, u2.id];
    ids.sort();
    let got: Vec<UserId> = members.iter().map(|m| m.membership.user_id).collect();
    assert_eq!(got, ids, "ascending by user id");
    let m1 = members
        .iter()
        .find(|m| m.membership.user_id == u1.id)
        .expect("u1 listed");
    assert_eq!(m1.email, u1.email);
    assert_eq!(m1.name, u1.name);
    assert_eq!(
        m1.membership.role,
        Role::Agent,
        "listing carries the org membership"
    );

    s.remove_team_member(o.id, t.id, u1.id, &none())
        .await
        .expect("remove u1");
    let got: Vec<UserId> = s
        .list_team_members(o.id, t.id)
        .await
        .expect("list")
        .iter()
        .map(|m| m.membership.user_id)
        .collect();
    assert_eq!(got, vec![u2.id]);
    assert_not_found(
        s.remove_team_member(o.id, t.id, u1.id, &none()).await,
        "remove twice",
    );
    s.get_member(o.id, u1.id)
        .await
        .expect("still a member of the org");

    s.delete_team(o.id, t.id, &none())
        .await
        .expect("delete team");
    s.get_member(o.id, u2.id)
        .await
        .expect("deleting a team keeps its members' memberships");
    assert_empty_or_not_found(
        s.list_team_members(o.id, t.id).await,
        "members of a deleted team",
    );

    // The name is free again, and the new team starts without members.
    let again = new_team(&*s, o.id, "SUPPORT").await;
    let members = s.list_team_members(o.id, again.id).await.expect("list");
    assert!(members.is_empty(), "a new team has no members: {members:?}");
}
