//! The contract's u32 counters keep their whole range on PostgreSQL (whose integer is signed
//! 32-bit), exactly as on SQLite.

use switchboard_domain::{Email, Name, UserId, now};
use switchboard_store::{Effects, JobStore, LoginThrottle, NewJob, User, UserStore};
use switchboard_store_postgres::testing;

#[tokio::test]
async fn u32_counters_round_trip_at_their_maximum() {
    let Some((store, _schema)) = testing::fresh_store().await else {
        return;
    };
    let mut job = NewJob::new(None, "range", serde_json::json!({}));
    job.max_attempts = u32::MAX;
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    assert_eq!(store.get_job(job.id).await.unwrap().max_attempts, u32::MAX);

    let user = User {
        id: UserId::new(),
        email: Email::parse("range@example.com").unwrap(),
        name: Name::parse("Range").unwrap(),
        password_hash: None,
        password_changed_at: None,
        created_at: now(),
    };
    store.create_user(&user, &Effects::none()).await.unwrap();
    let throttle = LoginThrottle {
        failed_logins: u32::MAX,
        locked_until: Some(now()),
    };
    store.set_login_throttle(user.id, throttle).await.unwrap();
    assert_eq!(store.login_throttle(user.id).await.unwrap(), throttle);
}
