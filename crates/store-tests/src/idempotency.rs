//! Idempotency records: begin/finish/replay, mismatches, claims that expire, abandon, purge, and
//! keys scoped to (organization, principal).

use std::sync::Arc;

use switchboard_domain::OrgId;
use switchboard_store::{IdempotencyBegin, IdempotencyKey, Store, StoredResponse};

use crate::fixtures::{new_org, plus_secs, tag};

fn key(org: OrgId, principal: &str, key: &str) -> IdempotencyKey {
    IdempotencyKey {
        org_id: org,
        principal: principal.to_owned(),
        key: key.to_owned(),
    }
}

fn response(n: u8) -> StoredResponse {
    StoredResponse {
        status: 201,
        content_type: "application/json".to_owned(),
        // Not UTF-8 on purpose: the body is bytes.
        body: vec![b'{', 0xff, 0x00, n, b'}'],
    }
}

const H1: &[u8] = b"hash-of-POST /v1/teams {a}";
const H2: &[u8] = b"hash-of-POST /v1/teams {b}";

pub async fn idempotency_started_finish_replay_mismatch(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let k = key(o.id, "key:1", &tag());
    let t = switchboard_domain::now();
    let lock = plus_secs(t, 60);
    let begin = |hash: &'static [u8], now| {
        let (s, k) = (s.clone(), k.clone());
        async move {
            s.begin_idempotent(&k, hash, now, plus_secs(now, 60))
                .await
                .expect("begin")
        }
    };

    assert_eq!(
        s.begin_idempotent(&k, H1, t, lock).await.expect("begin"),
        IdempotencyBegin::Started
    );
    assert_eq!(
        begin(H1, t).await,
        IdempotencyBegin::InProgress,
        "same request while running"
    );
    assert_eq!(
        begin(H2, t).await,
        IdempotencyBegin::Mismatch,
        "other request while running"
    );

    s.finish_idempotent(&k, &response(1), plus_secs(t, 1))
        .await
        .expect("finish");
    assert_eq!(
        begin(H1, plus_secs(t, 2)).await,
        IdempotencyBegin::Replay(response(1))
    );
    assert_eq!(
        begin(H2, plus_secs(t, 2)).await,
        IdempotencyBegin::Mismatch,
        "other request after finish"
    );
    // A finished record is an answer, not a claim: it does not expire at locked_until.
    assert_eq!(
        begin(H1, plus_secs(t, 3600)).await,
        IdempotencyBegin::Replay(response(1)),
        "replay long after the lock passed"
    );
}

pub async fn idempotency_expired_claim_is_taken_over(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let k = key(o.id, "user:7", &tag());
    let t = switchboard_domain::now();
    let b = |now, until| {
        let (s, k) = (s.clone(), k.clone());
        async move { s.begin_idempotent(&k, H1, now, until).await.expect("begin") }
    };
    assert_eq!(b(t, plus_secs(t, 30)).await, IdempotencyBegin::Started);
    assert_eq!(
        b(plus_secs(t, 10), plus_secs(t, 40)).await,
        IdempotencyBegin::InProgress
    );
    assert_eq!(
        b(plus_secs(t, 31), plus_secs(t, 61)).await,
        IdempotencyBegin::Started,
        "the crashed claim expired: taken over"
    );
    assert_eq!(
        b(plus_secs(t, 40), plus_secs(t, 70)).await,
        IdempotencyBegin::InProgress,
        "the new claim holds until its own lock"
    );
    s.finish_idempotent(&k, &response(2), plus_secs(t, 45))
        .await
        .expect("finish");
    assert_eq!(
        b(plus_secs(t, 50), plus_secs(t, 80)).await,
        IdempotencyBegin::Replay(response(2))
    );
}

pub async fn idempotency_abandon_frees_the_key(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let k = key(o.id, "key:1", &tag());
    let t = switchboard_domain::now();
    let lock = plus_secs(t, 60);
    assert_eq!(
        s.begin_idempotent(&k, H1, t, lock).await.expect("begin"),
        IdempotencyBegin::Started
    );
    s.abandon_idempotent(&k).await.expect("abandon");
    assert_eq!(
        s.begin_idempotent(&k, H2, t, lock)
            .await
            .expect("begin again"),
        IdempotencyBegin::Started,
        "abandoned key is free, even for another request"
    );
}

pub async fn idempotency_purge_deletes_old_records(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let t = switchboard_domain::now();
    let old = key(o.id, "key:1", "old");
    let new = key(o.id, "key:1", "new");
    let long_ago = plus_secs(t, -7200);
    assert_eq!(
        s.begin_idempotent(&old, H1, long_ago, plus_secs(long_ago, 60))
            .await
            .expect("begin old"),
        IdempotencyBegin::Started
    );
    s.finish_idempotent(&old, &response(3), long_ago)
        .await
        .expect("finish old");
    assert_eq!(
        s.begin_idempotent(&new, H1, t, plus_secs(t, 60))
            .await
            .expect("begin new"),
        IdempotencyBegin::Started
    );
    s.finish_idempotent(&new, &response(4), t)
        .await
        .expect("finish new");

    assert_eq!(
        s.purge_idempotency(plus_secs(t, -3600))
            .await
            .expect("purge"),
        1
    );
    assert_eq!(
        s.begin_idempotent(&old, H2, t, plus_secs(t, 60))
            .await
            .expect("begin old again"),
        IdempotencyBegin::Started,
        "the purged key runs again"
    );
    assert_eq!(
        s.begin_idempotent(&new, H1, t, plus_secs(t, 60))
            .await
            .expect("begin new again"),
        IdempotencyBegin::Replay(response(4)),
        "the recent record stays"
    );
}

pub async fn idempotency_keys_are_per_org_and_principal(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    let t = switchboard_domain::now();
    let lock = plus_secs(t, 60);
    let same = tag();
    let ka = key(a.id, "key:1", &same);
    let kp = key(a.id, "key:2", &same);
    let kb = key(b.id, "key:1", &same);

    for k in [&ka, &kp, &kb] {
        assert_eq!(
            s.begin_idempotent(k, H1, t, lock).await.expect("begin"),
            IdempotencyBegin::Started,
            "{k:?} is its own record"
        );
    }
    s.finish_idempotent(&ka, &response(5), t)
        .await
        .expect("finish a");
    assert_eq!(
        s.begin_idempotent(&kp, H1, t, lock).await.expect("begin p"),
        IdempotencyBegin::InProgress,
        "another principal never sees a's answer"
    );
    assert_eq!(
        s.begin_idempotent(&kb, H1, t, lock).await.expect("begin b"),
        IdempotencyBegin::InProgress,
        "another org never sees a's answer"
    );
    s.finish_idempotent(&kb, &response(6), t)
        .await
        .expect("finish b");
    assert_eq!(
        s.begin_idempotent(&ka, H1, t, lock).await.expect("a"),
        IdempotencyBegin::Replay(response(5))
    );
    assert_eq!(
        s.begin_idempotent(&kb, H1, t, lock).await.expect("b"),
        IdempotencyBegin::Replay(response(6))
    );
}
