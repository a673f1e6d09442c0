//! The SSRF guard through the API, by address and by name: endpoint URLs whose host is, or
//! resolves to, a loopback, private, shared, link-local, unique-local, unspecified or metadata
//! address are refused on save; a name that resolved to an allowed address when saved and to a
//! refused one at delivery (DNS rebinding) is refused at delivery, before anything connects, and
//! the delivery log says so; the address a delivery connects to is the one its name resolved to.
//! (A connection already pooled to a checked address may be reused: it goes where it was checked.)
//! Names resolve through the client's static hosts map (the tests have no DNS of their own),
//! which sits in front of the system resolver in the very resolver production uses.

mod webhook_support;

use std::net::IpAddr;

use serde_json::json;
use switchboard_test_support::{Backend, TestApp, TestOptions, header, webhook_receiver};
use switchboard_webhooks::StaticHosts;
use webhook_support::deliver;

/// Names a test makes resolve, and what they must be refused as.
const NAMES: &[(&str, &[&str], &str)] = &[
    ("private.customer.test", &["10.0.0.5"], "private"),
    ("home.customer.test", &["192.168.1.20"], "private"),
    (
        "cgnat.customer.test",
        &["100.64.0.1"],
        "shared_address_space",
    ),
    (
        "metadata.customer.test",
        &["169.254.169.254"],
        "cloud_metadata",
    ),
    ("mapped.customer.test", &["::ffff:127.0.0.1"], "loopback"),
    (
        "mapped-private.customer.test",
        &["::ffff:10.1.2.3"],
        "private",
    ),
    ("zero.customer.test", &["0.0.0.0"], "unspecified"),
    ("zero6.customer.test", &["::"], "unspecified"),
    ("loop6.customer.test", &["::1"], "loopback"),
    ("ula.customer.test", &["fd00::1"], "unique_local"),
    ("fe80.customer.test", &["fe80::1"], "link_local"),
];

/// IP literals, and what they must be refused as.
const LITERALS: &[(&str, &str)] = &[
    ("127.0.0.1", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("[::]", "unspecified"),
    ("100.64.0.1", "shared_address_space"),
    ("169.254.169.254", "cloud_metadata"),
    ("[::ffff:169.254.169.254]", "cloud_metadata"),
    ("169.254.1.1", "link_local"),
    ("[fd00::1]", "unique_local"),
    ("[fe80::1]", "link_local"),
];

async fn app_with(backend: Backend, hosts: &StaticHosts, allow_loopback: bool) -> Option<TestApp> {
    let mut options = TestOptions::default();
    options.core.webhook_hosts = hosts.clone();
    if allow_loopback {
        options.core.webhook_allowed_ranges = vec!["127.0.0.0/8".parse().expect("a range")];
    }
    TestApp::spawn_with(backend, options).await
}

fn ips(list: &[&str]) -> Vec<IpAddr> {
    list.iter()
        .map(|a| a.parse().expect("an address"))
        .collect()
}

async fn refused_on_save(backend: Backend) {
    let hosts = StaticHosts::default();
    for (name, addrs, _) in NAMES {
        hosts.set(name, ips(addrs));
    }
    // One allowed-looking address beside a refused one is refused: a connector could fall back.
    hosts.set("mixed.customer.test", ips(&["::1", "fd12::7"]));
    let Some(app) = app_with(backend, &hosts, false).await else {
        return;
    };
    let mut table: Vec<(String, &str)> = NAMES
        .iter()
        .map(|(name, _, why)| (format!("https://{name}/hook"), *why))
        .collect();
    table.extend(
        LITERALS
            .iter()
            .map(|(ip, why)| (format!("http://{ip}/hook"), *why)),
    );
    table.push(("http://localhost:9/hook".to_owned(), "loopback"));
    table.push(("https://mixed.customer.test/hook".to_owned(), "loopback"));
    for (url, why) in &table {
        let res = app
            .post_json("/v1/webhook-endpoints", json!({"url": url}))
            .await;
        let p = res.assert_problem(422, "validation_failed");
        let detail = p["detail"].as_str().unwrap_or_default();
        assert_eq!(p["field"], "url", "{url}");
        assert!(detail.contains("address_refused"), "{url}: {p}");
        assert!(
            detail.contains(&format!("a {why} address")),
            "{url} as {why}: {p}"
        );
    }
    let list = app
        .get("/v1/webhook-endpoints")
        .await
        .assert_status(200)
        .clone();
    assert_eq!(list["data"], json!([]), "nothing was saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_targets_by_name_or_address_are_refused_on_save_sqlite() {
    refused_on_save(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_targets_by_name_or_address_are_refused_on_save_postgres() {
    refused_on_save(Backend::Postgres).await;
}

async fn rebinding_refused_at_delivery(backend: Backend) {
    let hosts = StaticHosts::default();
    hosts.set("hooks.customer.test", ips(&["127.0.0.1"]));
    hosts.set("good.customer.test", ips(&["127.0.0.1"]));
    let Some(app) = app_with(backend, &hosts, true).await else {
        return;
    };
    let (addr, seen) = webhook_receiver(Vec::new()).await;
    let mut ids = Vec::new();
    for name in ["hooks.customer.test", "good.customer.test"] {
        let url = format!("http://{name}:{}/hook", addr.port());
        let created = app
            .post_json(
                "/v1/webhook-endpoints",
                json!({"url": url, "event_types": ["contact.created"]}),
            )
            .await
            .assert_status(201)
            .clone();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    // Checked when saved; by the first delivery one name answers a private address.
    hosts.set("hooks.customer.test", ips(&["10.0.0.7"]));
    app.post_json("/v1/contacts", json!({"name": "Ada"}))
        .await
        .assert_status(201);
    deliver(&app).await;

    // The other name's delivery went to the address its name was checked at: the receiver.
    let got = seen.lock().clone();
    assert_eq!(got.len(), 1, "one delivery reached the receiver");
    assert_eq!(
        header(&got[0].0, "host"),
        format!("good.customer.test:{}", addr.port())
    );
    let log = app
        .get(&format!("/v1/webhook-endpoints/{}/deliveries", ids[1]))
        .await
        .assert_status(200)
        .clone();
    assert_eq!(log["data"][0]["status"], "succeeded", "{log}");

    // The rebound one was refused before connecting, and the log says why.
    let log = app
        .get(&format!("/v1/webhook-endpoints/{}/deliveries", ids[0]))
        .await
        .assert_status(200)
        .clone();
    let delivery = &log["data"][0];
    assert_eq!(delivery["last_error"], "address_refused", "{log}");
    assert_eq!(delivery["last_status"], json!(null));
    let detail = app
        .get(&format!(
            "/v1/webhook-endpoints/{}/deliveries/{}",
            ids[0],
            delivery["id"].as_str().unwrap()
        ))
        .await
        .assert_status(200)
        .clone();
    let attempt = &detail["attempt_log"][0];
    assert_eq!(attempt["error"], "address_refused", "{detail}");
    assert!(
        attempt["response_body"]
            .as_str()
            .unwrap()
            .contains("10.0.0.7"),
        "{detail}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_rebound_to_a_private_address_is_refused_at_delivery_sqlite() {
    rebinding_refused_at_delivery(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_rebound_to_a_private_address_is_refused_at_delivery_postgres() {
    rebinding_refused_at_delivery(Backend::Postgres).await;
}
