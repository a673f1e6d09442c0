//! Signing in: cookies, CSRF, logout, password change ending sessions, throttling, and the same
//! answer for a wrong password and an unknown e-mail.

use reqwest::Method;
use serde_json::json;
use switchboard_test_support::{Auth, Backend, TestApp, both_backends};

fn without_csrf(auth: &Auth) -> Auth {
    match auth {
        Auth::Session { token, .. } => Auth::Session {
            token: token.clone(),
            csrf: None,
        },
        other => other.clone(),
    }
}

both_backends! {
    async fn a_session_works_with_csrf_and_ends_at_logout(app) {
        let (res, auth) = app.login(&app.org.owner_email, &app.org.owner_password).await;
        res.assert_status(200);
        let cookie = res.header("set-cookie").unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"));
        assert!(!cookie.contains("Secure"), "not configured");
        assert_eq!(res.json["org_id"], app.org.id.to_string());
        let auth = auth.expect("a session");

        let me = app.call(Method::GET, "/v1/me").auth(auth.clone()).send().await;
        assert_eq!(me.assert_status(200)["user"]["role"], "owner");
        // Reads need no CSRF token; writes do.
        let res = app.call(Method::POST, "/v1/teams").auth(without_csrf(&auth))
            .json(json!({ "name": "T" })).send().await;
        res.assert_problem(403, "csrf_failed");
        let res = app.call(Method::POST, "/v1/teams")
            .auth(Auth::Session { token: match &auth { Auth::Session { token, .. } => token.clone(), _ => unreachable!() }, csrf: Some("forged".into()) })
            .json(json!({ "name": "T" })).send().await;
        res.assert_problem(403, "csrf_failed");
        let res = app.call(Method::POST, "/v1/teams").auth(auth.clone()).json(json!({ "name": "T" })).send().await;
        res.assert_status(201);

        let res = app.call(Method::POST, "/v1/auth/logout").auth(auth.clone()).send().await;
        res.assert_status(204);
        assert!(res.header("set-cookie").unwrap().contains("Max-Age=0"));
        let res = app.call(Method::GET, "/v1/me").auth(auth).send().await;
        res.assert_problem(401, "unauthenticated");
    }

    async fn wrong_password_and_unknown_email_look_the_same(app) {
        let (wrong, auth) = app.login(&app.org.owner_email, "not-the-password").await;
        assert!(auth.is_none());
        wrong.assert_problem(401, "invalid_credentials");
        let (unknown, _) = app.login("nobody@acme.test", "not-the-password").await;
        unknown.assert_problem(401, "invalid_credentials");
        assert_eq!(wrong.json["detail"], unknown.json["detail"]);
        let (malformed, _) = app.login("not an email", "x").await;
        malformed.assert_problem(401, "invalid_credentials");
    }

    async fn changing_the_password_ends_every_session(app) {
        let (_, first) = app.login(&app.org.owner_email, &app.org.owner_password).await;
        let (_, second) = app.login(&app.org.owner_email, &app.org.owner_password).await;
        let (first, second) = (first.unwrap(), second.unwrap());
        let res = app.call(Method::POST, "/v1/auth/password").auth(first.clone())
            .json(json!({ "current_password": "wrong-password", "new_password": "brand-new-pass" })).send().await;
        res.assert_problem(401, "invalid_credentials");
        let res = app.call(Method::POST, "/v1/auth/password").auth(first.clone())
            .json(json!({ "current_password": app.org.owner_password, "new_password": "short" })).send().await;
        res.assert_problem(422, "validation_failed");
        let res = app.call(Method::POST, "/v1/auth/password").auth(first.clone())
            .json(json!({ "current_password": app.org.owner_password, "new_password": "brand-new-pass" })).send().await;
        res.assert_status(204);
        for s in [first, second] {
            let res = app.call(Method::GET, "/v1/me").auth(s).send().await;
            res.assert_problem(401, "unauthenticated");
        }
        let (old, _) = app.login(&app.org.owner_email, &app.org.owner_password).await;
        old.assert_problem(401, "invalid_credentials");
        let (new, _) = app.login(&app.org.owner_email, "brand-new-pass").await;
        new.assert_status(200);
        let audit = app.get("/v1/audit-log?action=user.password_changed").await;
        assert_eq!(audit.json["data"].as_array().unwrap().len(), 1);
    }

    async fn repeated_failures_lock_the_account(app) {
        for _ in 0..5 {
            let (res, _) = app.login(&app.org.owner_email, "guess-guess").await;
            res.assert_problem(401, "invalid_credentials");
        }
        // Locked now: even the right password is not checked.
        let (res, _) = app.login(&app.org.owner_email, &app.org.owner_password).await;
        res.assert_problem(429, "login_throttled");
        assert!(res.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let (res, _) = app.login(&app.org.owner_email, &app.org.owner_password).await;
        res.assert_status(200);
        // Success resets the count: one more failure does not lock.
        let (res, _) = app.login(&app.org.owner_email, "guess-guess").await;
        res.assert_problem(401, "invalid_credentials");
        let (res, _) = app.login(&app.org.owner_email, &app.org.owner_password).await;
        res.assert_status(200);
    }
}

#[tokio::test]
async fn one_address_is_limited_across_accounts() {
    let mut options = switchboard_test_support::TestOptions::default();
    options.core.login_attempts_per_ip_per_minute = 3;
    let app = TestApp::spawn_with(Backend::Sqlite, options)
        .await
        .expect("app");
    for i in 0..3 {
        let (res, _) = app.login(&format!("user{i}@acme.test"), "whatever-1").await;
        res.assert_problem(401, "invalid_credentials");
    }
    let (res, _) = app
        .login(&app.org.owner_email, &app.org.owner_password)
        .await;
    res.assert_problem(429, "login_throttled");
    assert!(res.header("retry-after").is_some());
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let mut options = switchboard_test_support::TestOptions::default();
    options.http.secure_cookies = true;
    let app = TestApp::spawn_with(Backend::Sqlite, options)
        .await
        .expect("app");
    let (res, _) = app
        .login(&app.org.owner_email, &app.org.owner_password)
        .await;
    assert!(res.header("set-cookie").unwrap().contains("; Secure"));
}
