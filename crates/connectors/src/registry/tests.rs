//! Registry checks: every problem reported with its path, defaults, accounts, and connectors
//! built from valid configurations only.

use serde_json::json;

use super::*;
use crate::whatsapp_cloud::client::DEFAULT_API_VERSION;

fn cloud_config() -> Value {
    json!({"phone_number_id": "109876543210", "waba_id": "100000000000001"})
}

fn cloud_secrets() -> Value {
    json!({"access_token": "tok", "app_secret": "shh"})
}

fn fields(problems: &[FieldError]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

#[test]
fn both_whatsapp_protocols_are_listed_with_their_fields() {
    let names: Vec<&str> = protocols().iter().map(|p| p.name).collect();
    assert!(
        names.starts_with(&["whatsapp_cloud", "whatsapp_bsp"]),
        "{names:?}"
    );
    let cloud = protocol("whatsapp_cloud").unwrap();
    assert_eq!(cloud.kind, ChannelKind::Whatsapp);
    assert!(cloud.capabilities.carries(ContentKind::Template));
    assert!(
        cloud
            .secret_fields
            .iter()
            .any(|f| f.name == "access_token" && f.required)
    );
    assert!(protocol("telex").is_none());
}

#[test]
fn a_valid_cloud_config_passes_and_gets_its_defaults() {
    validate("whatsapp_cloud", &cloud_config(), &cloud_secrets()).unwrap();
    let full = with_defaults("whatsapp_cloud", &cloud_config());
    assert_eq!(full["base_url"], whatsapp::GRAPH_BASE_URL);
    assert_eq!(full["api_version"], "v21.0");
    assert_eq!(full["messages_per_second"], 80);
    assert_eq!(
        account_of("whatsapp_cloud", &full).as_deref(),
        Some("109876543210")
    );
    assert_eq!(messages_per_second("whatsapp_cloud", &full), Some(80));
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let config = json!({
        "base_url": "ftp://example.test",
        "api_version": "21",
        "phone_number_id": "12ab",
        "messages_per_second": 0,
        "colour": "blue",
    });
    let secrets = json!({"access_token": "", "extra": "x"});
    let problems = validate("whatsapp_cloud", &config, &secrets).unwrap_err();
    let mut got = fields(&problems);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "config.api_version",
            "config.base_url",
            "config.colour",
            "config.messages_per_second",
            "config.phone_number_id",
            "config.waba_id",
            "secrets.access_token",
            "secrets.app_secret",
            "secrets.extra",
        ]
    );
}

#[test]
fn shapes_that_are_not_objects_or_strings_are_refused() {
    let problems = validate("whatsapp_cloud", &json!([1]), &json!("tok")).unwrap_err();
    assert_eq!(fields(&problems), ["config", "secrets"]);
    let problems = validate(
        "whatsapp_cloud",
        &json!({"phone_number_id": 5, "waba_id": "1"}),
        &cloud_secrets(),
    )
    .unwrap_err();
    assert_eq!(problems[0].message, "must be a string");
    let missing = validate("whatsapp_cloud", &Value::Null, &Value::Null).unwrap_err();
    assert_eq!(missing.len(), 4, "{missing:?}");
}

#[test]
fn an_unknown_protocol_is_a_problem_of_protocol() {
    let problems = validate("telex", &json!({}), &json!({})).unwrap_err();
    assert_eq!(fields(&problems), ["protocol"]);
    assert!(problems[0].message.contains("whatsapp_cloud"));
    let e = build("telex", &json!({}), &json!({}), &ctx("v"))
        .err()
        .unwrap();
    assert!(matches!(e, RegistryError::UnknownProtocol(_)));
}

#[test]
fn bsp_needs_a_base_url_and_a_valid_header_name() {
    let config = json!({"phone_number_id": "1", "api_key_header": "bad header"});
    let problems = validate(
        "whatsapp_bsp",
        &config,
        &json!({"api_key": "k", "app_secret": "s"}),
    )
    .unwrap_err();
    assert_eq!(
        fields(&problems),
        ["config.base_url", "config.api_key_header"]
    );
    let ok = json!({"base_url": "http://127.0.0.1:9", "phone_number_id": "1"});
    validate(
        "whatsapp_bsp",
        &ok,
        &json!({"api_key": "k", "app_secret": "s"}),
    )
    .unwrap();
    assert_eq!(
        with_defaults("whatsapp_bsp", &ok)["api_key_header"],
        "D360-API-KEY"
    );
}

#[test]
fn connectors_are_built_only_from_valid_configs() {
    let c = build(
        "whatsapp_cloud",
        &cloud_config(),
        &cloud_secrets(),
        &ctx("verify"),
    )
    .unwrap();
    assert_eq!(c.provider(), "whatsapp_cloud");
    assert!(c.templates().is_some());
    // The generated webhook secret is the handshake's verify token.
    let query = crate::inbound::HandshakeQuery {
        mode: Some("subscribe".into()),
        verify_token: Some("verify".into()),
        challenge: Some("42".into()),
    };
    assert_eq!(c.handshake(&query).unwrap(), "42");
    let bad = build("whatsapp_cloud", &json!({}), &cloud_secrets(), &ctx("v"))
        .err()
        .unwrap();
    assert!(
        bad.to_string()
            .contains("config.phone_number_id: is required"),
        "{bad}"
    );
}

fn ctx(webhook_secret: &str) -> BuildContext {
    BuildContext::new(webhook_secret, reqwest::Client::new())
}

#[test]
fn messenger_and_instagram_check_their_own_fields_and_build() {
    let http = reqwest::Client::new();
    let ctx = BuildContext::new("verify", http);
    let config = json!({"page_id": "1122334455"});
    let secrets = json!({"page_access_token": "t", "app_secret": "s"});
    assert!(validate("messenger", &config, &secrets).is_ok());
    let c = build("messenger", &config, &secrets, &ctx).unwrap();
    assert_eq!(c.provider(), "messenger");
    assert_eq!(
        account_of("messenger", &config).as_deref(),
        Some("1122334455")
    );
    let defaults = with_defaults("messenger", &config);
    assert_eq!(defaults["api_version"], DEFAULT_API_VERSION);

    let problems = validate("instagram", &json!({"page_id": "x"}), &json!({})).unwrap_err();
    assert_eq!(
        fields(&problems),
        [
            "config.ig_account_id",
            "config.page_id",
            "secrets.access_token",
            "secrets.app_secret"
        ]
    );
    let ig = json!({"ig_account_id": "17841400000000001"});
    let c = build(
        "instagram",
        &ig,
        &json!({"access_token": "t", "app_secret": "s"}),
        &ctx,
    )
    .unwrap();
    assert_eq!(c.provider(), "instagram");
    let info = protocol("instagram").unwrap();
    assert_eq!(info.kind, ChannelKind::Instagram);
    assert!(info.capabilities.carries(ContentKind::Reaction));
    assert!(!info.capabilities.carries(ContentKind::Template));
    assert!(
        !protocol("messenger")
            .unwrap()
            .capabilities
            .carries(ContentKind::Reaction)
    );
}
