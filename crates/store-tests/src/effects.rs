//! `Effects`: the audit entries and jobs a change implies commit with the change, and vanish
//! with it when the change fails.

use std::sync::Arc;

use switchboard_domain::Role;
use switchboard_store::{
    ApiKey, AuditEntry, AuditFilter, Effects, JobFilter, NewJob, PageRequest, Store, Team, User,
};

use crate::fixtures::{
    api_key, assert_conflict, assert_not_found, audit, job, membership, new_api_key, new_member,
    new_org, new_team, team, user,
};
use crate::jobs::{claim, fresh_job};

pub async fn effects_jobs_ride_the_change(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let j = NewJob::new(Some(o.id), "team.welcome", serde_json::json!({ "team": 1 }))
        .dedup("welcome-1");
    let t1 = team(o.id, "Support");
    s.create_team(&t1, &Effects::none().with_job(j.clone()))
        .await
        .expect("create team");
    let got = s.get_job(j.id).await.expect("job written with the change");
    assert_eq!(got, fresh_job(&j, &got));
    let claimed = claim(&*s, "w1", &["team.welcome"], 10, switchboard_domain::now()).await;
    assert_eq!(
        claimed.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![j.id],
        "and claimable"
    );

    // A job whose dedup key is taken is skipped; the change itself still commits.
    let dup = NewJob::new(Some(o.id), "team.welcome", serde_json::json!({ "team": 2 }))
        .dedup("welcome-1");
    let t2 = team(o.id, "Sales");
    s.create_team(&t2, &Effects::none().with_job(dup.clone()))
        .await
        .expect("a duplicate job does not fail its change");
    assert_eq!(s.get_team(o.id, t2.id).await.expect("team 2"), t2);
    assert_not_found(s.get_job(dup.id).await, "duplicate job not written");

    // Several entries and jobs in one change: all of them, alongside a duplicate that is skipped.
    let e1 = audit(o.id, "team.created", "team", None);
    let e2 = audit(o.id, "member.added", "user", None);
    let (j1, j2) = (job("multi.a"), job("multi.b"));
    let skipped = job("multi.c").dedup("welcome-1");
    let fx = Effects {
        audit: vec![e1.clone(), e2.clone()],
        jobs: vec![j1.clone(), skipped.clone(), j2.clone()],
        events: Vec::new(),
    };
    s.create_team(&team(o.id, "Billing"), &fx)
        .await
        .expect("create team with several effects");
    let entries = s
        .list_audit(o.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit");
    assert_eq!(entries.items, vec![e2, e1], "both entries, newest first");
    for j in [&j1, &j2] {
        let got = s.get_job(j.id).await.expect("every job of the change");
        assert_eq!(got, fresh_job(j, &got));
    }
    assert_not_found(s.get_job(skipped.id).await, "the duplicate among them");
}

pub async fn failed_change_writes_no_audit_and_no_job(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let taken = new_org(&*s).await;
    let u = new_member(&*s, o.id, Role::Owner).await;
    new_team(&*s, o.id, "Support").await;
    let k = new_api_key(&*s, o.id).await;
    let kind = "test.after_change";
    let effects = |action: &str| {
        let j = job(kind).dedup(format!("dedup-{action}"));
        Effects::audit(audit(o.id, action, "test", None)).with_job(j)
    };

    assert_conflict(
        s.create_team(&team(o.id, "support"), &effects("team.created"))
            .await,
        "team_name",
        "team",
    );
    assert_conflict(
        s.rename_org(o.id, &taken.name, &effects("org.renamed"))
            .await,
        "org_name",
        "org",
    );
    let clash = ApiKey {
        prefix: k.prefix.clone(),
        ..api_key(o.id)
    };
    assert_conflict(
        s.create_api_key(&clash, &effects("api_key.created")).await,
        "api_key_prefix",
        "key",
    );
    let dup_user = User {
        email: u.email.clone(),
        ..user()
    };
    assert_conflict(
        s.create_user(&dup_user, &effects("user.created")).await,
        "email",
        "user",
    );
    assert_conflict(
        s.add_member(
            &membership(o.id, u.id, Role::Agent),
            &effects("member.added"),
        )
        .await,
        "membership",
        "member",
    );
    assert_not_found(
        s.revoke_api_key(
            o.id,
            switchboard_domain::ApiKeyId::new(),
            switchboard_domain::now(),
            &effects("api_key.revoked"),
        )
        .await,
        "revoke unknown key",
    );

    let entries = s
        .list_audit(o.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit");
    assert!(
        entries.items.is_empty(),
        "failed changes wrote audit entries: {:?}",
        entries.items
    );
    let filter = JobFilter {
        kind: Some(kind.to_owned()),
        ..JobFilter::default()
    };
    let jobs = s
        .list_jobs(&filter, PageRequest::default())
        .await
        .expect("jobs");
    assert!(
        jobs.items.is_empty(),
        "failed changes enqueued jobs: {:?}",
        jobs.items
    );
    // The rolled-back jobs' dedup keys were never taken.
    let again = s
        .enqueue(&[job(kind).dedup("dedup-team.created")])
        .await
        .expect("enqueue");
    assert!(
        matches!(again[..], [switchboard_store::EnqueueOutcome::Created(_)]),
        "{again:?}"
    );

    // Control: the same change, succeeding, writes both.
    let ok = team(o.id, "Sales");
    let fx = effects("team.created.ok");
    s.create_team(&ok, &fx).await.expect("create team");
    let entries = s
        .list_audit(o.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit");
    assert_eq!(
        entries.items, fx.audit,
        "the successful change's entry, exactly"
    );
    let j = s
        .get_job(fx.jobs[0].id)
        .await
        .expect("the successful change's job");
    assert_eq!(j.kind, kind);
}

pub async fn change_whose_effects_fail_does_not_happen(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let first = audit(o.id, "team.created", "team", None);
    s.create_team(&team(o.id, "Support"), &Effects::audit(first.clone()))
        .await
        .expect("create team");

    // The change itself is fine; its audit entry reuses an id, so the effects cannot be
    // written after the change was: both or neither.
    let t = team(o.id, "Sales");
    let j = job("effects.fail");
    let fx = Effects {
        audit: vec![AuditEntry {
            action: "team.created.again".to_owned(),
            ..first.clone()
        }],
        jobs: vec![j.clone()],
        events: Vec::new(),
    };
    let r = s.create_team(&t, &fx).await;
    assert!(r.is_err(), "effects that cannot be written fail the change");
    assert_not_found(s.get_team(o.id, t.id).await, "the change was undone");
    assert_not_found(s.get_job(j.id).await, "its job was undone");
    let entries = s
        .list_audit(o.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit");
    assert_eq!(entries.items, vec![first], "only the first entry");
}

/// Free text from users (a team's description) and the audit details that quote it may hold any
/// character, NUL included, and read back exactly on every backend.
pub async fn free_text_and_audit_details_with_nul_round_trip(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let t = Team {
        description: "first line\u{0}rest".to_owned(),
        ..team(o.id, "Support")
    };
    let entry = AuditEntry {
        details: serde_json::json!({ "after": { "description": t.description } }),
        ..audit(o.id, "team.created", "team", Some(t.id.to_string()))
    };
    s.create_team(&t, &Effects::audit(entry.clone()))
        .await
        .expect("create a team whose description holds NUL");
    assert_eq!(s.get_team(o.id, t.id).await.expect("get team"), t);
    let entries = s
        .list_audit(o.id, &AuditFilter::default(), PageRequest::default())
        .await
        .expect("audit");
    assert_eq!(entries.items, vec![entry]);
}
