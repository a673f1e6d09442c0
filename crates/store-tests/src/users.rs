//! Users: the e-mail rule, look-ups, renames, password changes (which end sessions) and the
//! login throttle.

use std::sync::Arc;

use switchboard_domain::{Email, Role, UserId};
use switchboard_store::{LoginThrottle, Store, User};

use crate::fixtures::{
    assert_conflict, assert_not_found, name, new_member, new_org, none, plus_secs, session, user,
};

pub async fn user_create_get_find_rename(s: Arc<dyn Store>) {
    let u = user();
    s.create_user(&u, &none()).await.expect("create user");
    assert_eq!(
        s.get_user(u.id).await.expect("get user"),
        u,
        "user round-trips"
    );
    assert_eq!(
        s.find_user_by_email(&u.email)
            .await
            .expect("find by e-mail"),
        u
    );

    // A user who cannot sign in yet: no hash, no change time.
    let blank = User {
        password_hash: None,
        password_changed_at: None,
        ..user()
    };
    s.create_user(&blank, &none())
        .await
        .expect("create blank user");
    assert_eq!(s.get_user(blank.id).await.expect("get blank"), blank);

    s.update_user_name(u.id, &name("Ana Lima"), &none())
        .await
        .expect("rename user");
    let got = s.get_user(u.id).await.expect("get renamed");
    assert_eq!(
        got,
        User {
            name: name("Ana Lima"),
            ..u.clone()
        }
    );

    assert_not_found(s.get_user(UserId::new()).await, "get unknown user");
    let nobody = Email::parse("nobody@example.com").expect("e-mail");
    assert_not_found(s.find_user_by_email(&nobody).await, "find unknown e-mail");
    assert_not_found(
        s.update_user_name(UserId::new(), &name("Ghost"), &none())
            .await,
        "rename unknown user",
    );
}

pub async fn user_emails_are_unique(s: Arc<dyn Store>) {
    let a = user();
    s.create_user(&a, &none()).await.expect("create a");
    let b = User {
        // Typed differently, parsed to the same address.
        email: Email::parse(&a.email.as_str().to_uppercase()).expect("e-mail"),
        ..user()
    };
    let existing = assert_conflict(s.create_user(&b, &none()).await, "email", "same e-mail");
    assert_eq!(
        existing,
        Some(a.id.to_string()),
        "conflict names the holder"
    );
    assert_not_found(s.get_user(b.id).await, "the refused user was not written");
}

pub async fn set_password_ends_the_users_sessions(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let u = new_member(&*s, o.id, Role::Agent).await;
    let other = new_member(&*s, o.id, Role::Agent).await;
    let s1 = session(o.id, u.id);
    let s2 = session(o.id, u.id);
    let kept = session(o.id, other.id);
    for x in [&s1, &s2, &kept] {
        s.create_session(x).await.expect("create session");
    }

    let now = switchboard_domain::now();
    let at = plus_secs(now, 5);
    s.set_password(u.id, "$argon2id$new", at, &none())
        .await
        .expect("set password");

    let got = s.get_user(u.id).await.expect("get user");
    assert_eq!(got.password_hash.as_deref(), Some("$argon2id$new"));
    assert_eq!(got.password_changed_at, Some(at));
    assert_not_found(s.find_session(&s1.token_hash, now).await, "first session");
    assert_not_found(s.find_session(&s2.token_hash, now).await, "second session");
    assert_eq!(
        s.find_session(&kept.token_hash, now)
            .await
            .expect("other user's session"),
        kept,
        "another user's session survives"
    );
    assert_not_found(
        s.set_password(UserId::new(), "$argon2id$x", at, &none())
            .await,
        "set password of unknown user",
    );
}

pub async fn login_throttle_round_trips(s: Arc<dyn Store>) {
    let u = user();
    s.create_user(&u, &none()).await.expect("create user");
    assert_eq!(
        s.login_throttle(u.id)
            .await
            .expect("throttle of a new user"),
        LoginThrottle::default(),
        "a new user has no failures and no lock"
    );

    let locked = LoginThrottle {
        failed_logins: 7,
        locked_until: Some(plus_secs(switchboard_domain::now(), 900)),
    };
    s.set_login_throttle(u.id, locked)
        .await
        .expect("set throttle");
    assert_eq!(s.login_throttle(u.id).await.expect("get throttle"), locked);

    let other = user();
    s.create_user(&other, &none()).await.expect("create other");
    assert_eq!(
        s.login_throttle(other.id).await.expect("other throttle"),
        LoginThrottle::default(),
        "throttle is per user"
    );

    s.set_login_throttle(u.id, LoginThrottle::default())
        .await
        .expect("reset throttle");
    assert_eq!(
        s.login_throttle(u.id).await.expect("get reset throttle"),
        LoginThrottle::default()
    );
}
