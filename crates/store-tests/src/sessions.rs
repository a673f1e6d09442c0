//! Browser sessions: found by token hash until they expire, gone once deleted.

use std::sync::Arc;

use switchboard_domain::{Role, SessionId};
use switchboard_store::{Session, Store};

use crate::fixtures::{assert_not_found, hash32, new_member, new_org, plus_ms, plus_secs, session};

pub async fn session_create_find_expire_delete(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let u = new_member(&*s, o.id, Role::Agent).await;
    let now = switchboard_domain::now();
    let sess = Session {
        created_at: now,
        expires_at: plus_secs(now, 60),
        ..session(o.id, u.id)
    };
    s.create_session(&sess).await.expect("create session");
    let no_ip = Session {
        ip: None,
        ..session(o.id, u.id)
    };
    s.create_session(&no_ip)
        .await
        .expect("create session without ip");

    assert_eq!(
        s.find_session(&sess.token_hash, now).await.expect("find"),
        sess
    );
    assert_eq!(
        s.find_session(&no_ip.token_hash, now).await.expect("find"),
        no_ip
    );
    assert_eq!(
        s.find_session(&sess.token_hash, plus_ms(sess.expires_at, -1))
            .await
            .expect("one millisecond before expiry"),
        sess
    );
    assert_not_found(
        s.find_session(&sess.token_hash, sess.expires_at).await,
        "at expires_at (expires_at <= now)",
    );
    assert_not_found(
        s.find_session(&sess.token_hash, plus_secs(sess.expires_at, 1))
            .await,
        "after expiry",
    );
    assert_not_found(s.find_session(&hash32(), now).await, "unknown token");

    s.delete_session(sess.id).await.expect("delete");
    assert_not_found(
        s.find_session(&sess.token_hash, now).await,
        "deleted session",
    );
    assert_eq!(
        s.find_session(&no_ip.token_hash, now)
            .await
            .expect("the other one"),
        no_ip,
        "delete removes only that session"
    );
    // Deleting what is already gone must not break a logout that raced another.
    let again = s.delete_session(sess.id).await;
    assert!(
        matches!(again, Ok(()) | Err(switchboard_store::StoreError::NotFound)),
        "second delete: {again:?}"
    );
    let unknown = s.delete_session(SessionId::new()).await;
    assert!(
        matches!(
            unknown,
            Ok(()) | Err(switchboard_store::StoreError::NotFound)
        ),
        "delete unknown: {unknown:?}"
    );
}
