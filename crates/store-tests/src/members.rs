//! Memberships: a user's role and channel limits in an organization, listings, counts, and what
//! removing a member takes with it.

use std::sync::Arc;

use switchboard_domain::{ChannelId, Role, UserId};
use switchboard_store::{Member, Membership, PageRequest, Store};

use crate::fixtures::{
    assert_conflict, assert_not_found, membership, new_member, new_org, new_team, new_user, none,
    session,
};

pub async fn member_add_get_update_remove(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let u = new_user(&*s).await;
    let m = Membership {
        channel_ids: vec![ChannelId::new(), ChannelId::new()],
        ..membership(o.id, u.id, Role::Admin)
    };
    s.add_member(&m, &none()).await.expect("add member");
    let expected = Member {
        membership: m.clone(),
        email: u.email.clone(),
        name: u.name.clone(),
    };
    assert_eq!(
        s.get_member(o.id, u.id).await.expect("get member"),
        expected
    );

    let changed = Membership {
        role: Role::Agent,
        channel_ids: vec![ChannelId::new()],
        ..m.clone()
    };
    s.update_member(&changed, &none())
        .await
        .expect("update member");
    let got = s.get_member(o.id, u.id).await.expect("get updated");
    assert_eq!(
        got.membership, changed,
        "role and channels changed, created_at kept"
    );

    let cleared = Membership {
        channel_ids: Vec::new(),
        ..changed
    };
    s.update_member(&cleared, &none())
        .await
        .expect("clear channels");
    assert_eq!(
        s.get_member(o.id, u.id).await.expect("get").membership,
        cleared
    );

    s.remove_member(o.id, u.id, &none())
        .await
        .expect("remove member");
    assert_not_found(s.get_member(o.id, u.id).await, "removed member");
    assert_not_found(s.remove_member(o.id, u.id, &none()).await, "remove twice");
    assert_not_found(
        s.update_member(&cleared, &none()).await,
        "update a removed member",
    );
    assert_not_found(s.get_member(o.id, UserId::new()).await, "unknown user");
    s.get_user(u.id)
        .await
        .expect("the user outlives the membership");
}

pub async fn member_duplicate_is_a_conflict(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let u = new_member(&*s, o.id, Role::Agent).await;
    assert_conflict(
        s.add_member(&membership(o.id, u.id, Role::Owner), &none())
            .await,
        "membership",
        "add twice",
    );
    assert_eq!(
        s.get_member(o.id, u.id).await.expect("get").membership.role,
        Role::Agent,
        "refused add changed nothing"
    );
}

pub async fn member_list_pages_by_user_id(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let other = new_org(&*s).await;
    new_member(&*s, other.id, Role::Owner).await;

    let mut users = Vec::new();
    for _ in 0..5 {
        users.push(new_user(&*s).await);
    }
    // Join in an order unrelated to the ids, so only a real ORDER BY passes.
    for i in [3, 0, 4, 1, 2] {
        s.add_member(&membership(o.id, users[i].id, Role::Agent), &none())
            .await
            .expect("add member");
    }
    let mut ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    ids.sort();

    let p1 = s
        .list_members(o.id, PageRequest::first(3))
        .await
        .expect("page 1");
    let got: Vec<UserId> = p1.items.iter().map(|m| m.membership.user_id).collect();
    assert_eq!(got, ids[..3]);
    assert_eq!(p1.next, Some(ids[2].0));
    let p2 = s
        .list_members(
            o.id,
            PageRequest {
                after: p1.next,
                limit: 3,
            },
        )
        .await
        .expect("page 2");
    let got: Vec<UserId> = p2.items.iter().map(|m| m.membership.user_id).collect();
    assert_eq!(got, ids[3..], "second page, nobody from the other org");
    assert_eq!(p2.next, None);
    let first = &p1.items[0];
    let u = users.iter().find(|u| u.id == first.membership.user_id);
    assert_eq!(
        u.map(|u| &u.email),
        Some(&first.email),
        "listing carries the e-mail"
    );
}

pub async fn count_members_with_role(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let other = new_org(&*s).await;
    new_member(&*s, o.id, Role::Owner).await;
    new_member(&*s, o.id, Role::Owner).await;
    let agent = new_member(&*s, o.id, Role::Agent).await;
    new_member(&*s, other.id, Role::Owner).await;

    assert_eq!(
        s.count_members_with_role(o.id, Role::Owner)
            .await
            .expect("owners"),
        2
    );
    assert_eq!(
        s.count_members_with_role(o.id, Role::Agent)
            .await
            .expect("agents"),
        1
    );
    assert_eq!(
        s.count_members_with_role(o.id, Role::Admin)
            .await
            .expect("admins"),
        0
    );
    assert_eq!(
        s.count_members_with_role(other.id, Role::Owner)
            .await
            .expect("other"),
        1
    );

    s.update_member(&membership(o.id, agent.id, Role::Owner), &none())
        .await
        .expect("promote");
    assert_eq!(
        s.count_members_with_role(o.id, Role::Owner)
            .await
            .expect("owners"),
        3
    );
    assert_eq!(
        s.count_members_with_role(o.id, Role::Agent)
            .await
            .expect("agents"),
        0
    );
}

pub async fn memberships_of_user_span_orgs(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    let c = new_org(&*s).await;
    let u = new_user(&*s).await;
    new_member(&*s, c.id, Role::Owner).await;
    let ma = membership(a.id, u.id, Role::Owner);
    let mb = Membership {
        channel_ids: vec![ChannelId::new()],
        ..membership(b.id, u.id, Role::Agent)
    };
    s.add_member(&ma, &none()).await.expect("join a");
    s.add_member(&mb, &none()).await.expect("join b");

    let mut got = s.list_memberships_of_user(u.id).await.expect("memberships");
    got.sort_by_key(|m| m.org_id);
    let mut expected = vec![ma, mb];
    expected.sort_by_key(|m| m.org_id);
    assert_eq!(got, expected);
    assert!(
        s.list_memberships_of_user(UserId::new())
            .await
            .expect("nobody")
            .is_empty(),
        "an unknown user belongs nowhere"
    );
}

pub async fn remove_member_removes_team_memberships_and_sessions(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    let u = new_member(&*s, a.id, Role::Agent).await;
    let stays = new_member(&*s, a.id, Role::Agent).await;
    s.add_member(&membership(b.id, u.id, Role::Agent), &none())
        .await
        .expect("join b");
    let team_a = new_team(&*s, a.id, "Support").await;
    let team_b = new_team(&*s, b.id, "Support").await;
    for (org, team, user) in [
        (a.id, team_a.id, u.id),
        (a.id, team_a.id, stays.id),
        (b.id, team_b.id, u.id),
    ] {
        s.add_team_member(org, team, user, &none())
            .await
            .expect("join team");
    }
    let sess_a = session(a.id, u.id);
    let sess_b = session(b.id, u.id);
    s.create_session(&sess_a).await.expect("session a");
    s.create_session(&sess_b).await.expect("session b");

    s.remove_member(a.id, u.id, &none())
        .await
        .expect("remove from a");

    let in_team_a: Vec<UserId> = s
        .list_team_members(a.id, team_a.id)
        .await
        .expect("team a")
        .iter()
        .map(|m| m.membership.user_id)
        .collect();
    assert_eq!(
        in_team_a,
        vec![stays.id],
        "removed from a's team, teammates stay"
    );
    let in_team_b = s.list_team_members(b.id, team_b.id).await.expect("team b");
    assert_eq!(in_team_b.len(), 1, "b's team untouched");
    let now = switchboard_domain::now();
    assert_not_found(
        s.find_session(&sess_a.token_hash, now).await,
        "session in a",
    );
    assert_eq!(
        s.find_session(&sess_b.token_hash, now)
            .await
            .expect("session b"),
        sess_b
    );
    assert_eq!(
        s.get_member(b.id, u.id)
            .await
            .expect("still in b")
            .membership
            .org_id,
        b.id
    );

    // Joining again starts clean: the old team membership is gone, not hidden.
    s.add_member(&membership(a.id, u.id, Role::Agent), &none())
        .await
        .expect("rejoin a");
    let again = s.list_team_members(a.id, team_a.id).await.expect("team a");
    assert_eq!(again.len(), 1, "rejoining does not restore team membership");
}
