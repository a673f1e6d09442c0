//! IP allow-lists on API keys, IPv4 and IPv6, with `X-Forwarded-For` believed only from trusted
//! proxies (right-most untrusted hop).

use serde_json::json;
use switchboard_test_support::{Backend, TestApp, TestOptions};

async fn app_trusting(proxies: &[&str], bind: &str) -> TestApp {
    let mut options = TestOptions::default();
    options.http.trusted_proxies = proxies.iter().map(|p| p.parse().unwrap()).collect();
    options.bind = bind.parse().unwrap();
    TestApp::spawn_with(Backend::Sqlite, options)
        .await
        .expect("app")
}

async fn status(app: &TestApp, key: &str, xff: Option<&str>) -> (u16, Option<String>) {
    let mut call = app.call(reqwest::Method::GET, "/v1/me").bearer(key);
    if let Some(x) = xff {
        call = call.header("x-forwarded-for", x);
    }
    let res = call.send().await;
    (res.status, res.json["code"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn forwarded_for_is_ignored_from_untrusted_peers() {
    let app = app_trusting(&[], "127.0.0.1:0").await;
    let (_, key) = app
        .create_api_key(json!({ "name": "v4", "allowed_ips": ["198.51.100.0/24"] }))
        .await;
    assert_eq!(
        status(&app, &key, Some("198.51.100.7")).await,
        (403, Some("ip_not_allowed".into()))
    );
    let (_, local) = app
        .create_api_key(json!({ "name": "local", "allowed_ips": ["127.0.0.0/8"] }))
        .await;
    assert_eq!(status(&app, &local, Some("198.51.100.7")).await.0, 200);
}

#[tokio::test]
async fn trusted_proxies_pass_the_client_address_v4_and_v6() {
    let app = app_trusting(&["127.0.0.1/32", "10.0.0.0/8"], "127.0.0.1:0").await;
    let (_, v4) = app
        .create_api_key(json!({ "name": "v4", "allowed_ips": ["198.51.100.0/24"] }))
        .await;
    let (_, v6) = app
        .create_api_key(json!({ "name": "v6", "allowed_ips": ["2001:db8:1::/48"] }))
        .await;
    assert_eq!(status(&app, &v4, Some("198.51.100.7")).await.0, 200);
    // A client-written hop left of an untrusted one proves nothing.
    assert_eq!(
        status(&app, &v4, Some("198.51.100.7, 192.0.2.1")).await.0,
        403
    );
    // Trusted hops are skipped from the right.
    assert_eq!(
        status(&app, &v4, Some("198.51.100.7, 10.1.1.1")).await.0,
        200
    );
    assert_eq!(status(&app, &v6, Some("2001:db8:1::42")).await.0, 200);
    assert_eq!(
        status(&app, &v6, Some("2001:db8:2::42")).await,
        (403, Some("ip_not_allowed".into()))
    );
    assert_eq!(
        status(&app, &v4, None).await.0,
        403,
        "the proxy itself is not allowed"
    );
}

#[tokio::test]
async fn an_ipv6_peer_is_matched_directly() {
    let app = app_trusting(&[], "[::1]:0").await;
    let (_, v6) = app
        .create_api_key(json!({ "name": "v6", "allowed_ips": ["::1/128"] }))
        .await;
    let (_, v4) = app
        .create_api_key(json!({ "name": "v4", "allowed_ips": ["127.0.0.1"] }))
        .await;
    assert_eq!(status(&app, &v6, None).await.0, 200);
    assert_eq!(
        status(&app, &v4, None).await,
        (403, Some("ip_not_allowed".into()))
    );
}
