//! Every error path of the real WhatsApp connector against the sandbox: Meta's codes come back as
//! the right retry decision and stable Switchboard code, and transport failures are retryable.

mod support;

use serde_json::json;
use support::{CUSTOMER, Env, message};
use switchboard_connectors::Connector;
use switchboard_connectors::outbound::{SendAction, SendError};
use switchboard_connectors::whatsapp_cloud::client::{WhatsAppCloud, WhatsAppCloudConfig};
use switchboard_connectors::whatsapp_cloud::send::{
    ButtonAction, Interactive, InteractiveText, ListAction, ListRow, ListSection, MessageBody,
    ReplyButton, SendRequest, Text,
};
use switchboard_sandbox::SandboxConfig;

fn text(body: &str) -> serde_json::Value {
    json!({"type": "text", "body": body})
}

fn assert_rejected(e: &SendError, code: &str, provider_codes: &[i64]) {
    assert_eq!(e.action, SendAction::Rejected, "{e}");
    assert_eq!(e.code, code, "{e}");
    assert!(
        e.provider_code.is_some_and(|c| provider_codes.contains(&c)),
        "{e}"
    );
    assert!(
        e.raw_body
            .as_deref()
            .is_some_and(|b| b.contains("\"error\"")),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_bad_token_is_a_final_auth_failure_in_both_styles() {
    let env = Env::open_window().await;
    let mut config = env.graph_config();
    config.auth =
        switchboard_connectors::whatsapp_cloud::client::Auth::Bearer("wrong".to_owned().into());
    let wa = WhatsAppCloud::new(config, env.http.clone()).unwrap();
    let e = wa.send(&message(CUSTOMER, text("Hi"))).await.unwrap_err();
    assert_rejected(&e, "provider_auth_failed", &[190]);
    assert_eq!(e.http_status, Some(401));

    let a = env.account();
    let config = WhatsAppCloudConfig::bsp(env.sandbox.base_url(), &a.phone_number_id, "nope");
    let wa = WhatsAppCloud::new(config, env.http.clone()).unwrap();
    let e = wa.send(&message(CUSTOMER, text("Hi"))).await.unwrap_err();
    assert_rejected(&e, "provider_auth_failed", &[190]);
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn the_provider_refuses_what_breaks_its_limits_with_meta_codes() {
    // `send` refuses these before any I/O (see sandbox_send); `post_message` sends the wire body
    // as built, so Meta's own checks (emulated by the sandbox) answer.
    let env = Env::open_window().await;
    let wa = env.graph();
    let four_buttons = MessageBody::Interactive {
        interactive: Interactive::Button {
            header: None,
            body: InteractiveText {
                text: "Pick".into(),
            },
            footer: None,
            action: ButtonAction {
                buttons: ["a", "b", "c", "d"]
                    .iter()
                    .map(|id| ReplyButton::reply(*id, id.to_uppercase()))
                    .collect(),
            },
        },
    };
    let rows = (0..11)
        .map(|i| ListRow {
            id: format!("r{i}"),
            title: format!("Row {i}"),
            description: None,
        })
        .collect();
    let eleven_rows = MessageBody::Interactive {
        interactive: Interactive::List {
            header: None,
            body: InteractiveText {
                text: "Pick".into(),
            },
            footer: None,
            action: ListAction {
                button: "Go".into(),
                sections: vec![ListSection { title: None, rows }],
            },
        },
    };
    let long_text = MessageBody::Text {
        text: Text {
            body: "x".repeat(4097),
            preview_url: None,
        },
    };
    let long_title = MessageBody::Interactive {
        interactive: Interactive::Button {
            header: None,
            body: InteractiveText {
                text: "Pick".into(),
            },
            footer: None,
            action: ButtonAction {
                buttons: vec![ReplyButton::reply("a", "x".repeat(21))],
            },
        },
    };
    for body in [four_buttons, eleven_rows, long_text, long_title] {
        let e = wa
            .post_message(&SendRequest::new(CUSTOMER, body))
            .await
            .unwrap_err();
        assert_rejected(&e, "invalid_parameter", &[100, 131009]);
        assert_eq!(e.http_status, Some(400));
    }
    // A `to` that is no phone number reaches the provider (the hub parses it per channel) and
    // comes back refused.
    let e = wa
        .send(&message("not-a-number", text("Hi")))
        .await
        .unwrap_err();
    assert_rejected(&e, "invalid_parameter", &[100, 131009]);
    assert!(env.outbox(CUSTOMER).await.is_empty());
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn the_24h_window_refuses_free_form_until_the_customer_writes() {
    let env = Env::start(SandboxConfig::default()).await;
    let wa = env.graph();
    let e = wa.send(&message(CUSTOMER, text("Hi"))).await.unwrap_err();
    assert_rejected(&e, "window_closed", &[131047]);
    assert!(e.provider_text.contains("24 hours"), "{}", e.provider_text);

    let inbound = env.customer_writes(CUSTOMER, "Hello?").await;
    let receipt = wa
        .send(&message(CUSTOMER, text("Hi Ada")))
        .await
        .expect("window open");
    assert!(receipt.provider_message_id.starts_with("wamid."));
    let inbound_id = inbound["message_id"].as_str().expect("inbound wamid");
    wa.mark_read(inbound_id, true)
        .await
        .expect("marked read with typing");
    wa.mark_read(inbound_id, false).await.expect("marked read");
    env.bsp()
        .mark_read(inbound_id, false)
        .await
        .expect("marked read in the BSP style");
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn throughput_and_pair_limits_are_rate_limited_with_a_delay() {
    let mut config = SandboxConfig::default();
    config.whatsapp.limits.enforce_window = false;
    config.whatsapp.limits.messages_per_second = 1;
    let env = Env::start(config).await;
    let wa = env.graph();
    // A burst to different customers (so no pair limit applies): beyond one per second the
    // number is throttled. Three sends make the test immune to a second boundary in between.
    let mut errors = Vec::new();
    for to in ["447700900201", "447700900202", "447700900203"] {
        if let Err(e) = wa.send(&message(to, text("burst"))).await {
            errors.push(e);
        }
    }
    let e = errors.first().expect("the burst was throttled");
    assert_eq!(e.code, "rate_limited", "{e}");
    assert_eq!(e.provider_code, Some(130_429));
    assert!(
        matches!(e.action, SendAction::RateLimited(d) if !d.is_zero()),
        "{e:?}"
    );
    env.sandbox.shutdown().await;

    let mut config = SandboxConfig::default();
    config.whatsapp.limits.enforce_window = false;
    config.whatsapp.limits.pair_burst = 1;
    config.whatsapp.limits.pair_interval_ms = 60_000;
    let env = Env::start(config).await;
    let wa = env.graph();
    wa.send(&message(CUSTOMER, text("1"))).await.expect("first");
    let e = wa.send(&message(CUSTOMER, text("2"))).await.unwrap_err();
    assert_eq!(e.code, "pair_rate_limited", "{e}");
    assert_eq!(e.provider_code, Some(131_056));
    assert!(
        matches!(e.action, SendAction::RateLimited(d) if !d.is_zero()),
        "{e:?}"
    );
    // Another customer is not held back by this pair.
    wa.send(&message("447700900204", text("3")))
        .await
        .expect("other pair");
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn armed_faults_map_to_retry_or_rejection() {
    let env = Env::open_window().await;
    let wa = env.graph();
    env.arm_fault(131_000, None).await;
    let e = wa.send(&message(CUSTOMER, text("Hi"))).await.unwrap_err();
    assert_eq!(
        (e.action, e.code),
        (SendAction::Retry, "provider_unavailable"),
        "{e}"
    );
    assert_eq!(e.provider_code, Some(131_000));

    env.arm_fault(190, Some(CUSTOMER)).await;
    let e = wa.send(&message(CUSTOMER, text("Hi"))).await.unwrap_err();
    assert_rejected(&e, "provider_auth_failed", &[190]);

    env.arm_fault(131_026, None).await;
    let e = wa.send(&message(CUSTOMER, text("Hi"))).await.unwrap_err();
    assert_rejected(&e, "undeliverable", &[131_026]);

    // Faults are used up: the next send goes through.
    wa.send(&message(CUSTOMER, text("Hi")))
        .await
        .expect("no fault left");
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn template_errors_missing_unapproved_and_wrong_parameter_count() {
    let env = Env::start(SandboxConfig::default()).await;
    let wa = env.graph();
    let send = |name: &str, params: &[&str]| {
        let params: Vec<_> = params
            .iter()
            .map(|p| json!({"type": "text", "text": p}))
            .collect();
        message(
            CUSTOMER,
            json!({"type": "template", "name": name, "language": "en_GB",
                   "components": [{"type": "body", "parameters": params}]}),
        )
    };
    let e = wa
        .send(&send("no_such_template", &["Ada"]))
        .await
        .unwrap_err();
    assert_rejected(&e, "template_missing", &[132_001]);

    let templates = wa.templates().unwrap();
    let created = templates
        .create_template(&sandbox_template("pending_one"))
        .await
        .unwrap();
    assert_eq!(created.status, "PENDING");
    let e = wa
        .send(&send("pending_one", &["Ada", "7"]))
        .await
        .unwrap_err();
    assert_rejected(&e, "template_missing", &[132_001]);

    env.control(
        &format!("templates/{}/status", created.id),
        json!({"status": "APPROVED"}),
    )
    .await;
    let e = wa.send(&send("pending_one", &["Ada"])).await.unwrap_err();
    assert_rejected(&e, "template_param_count_mismatch", &[132_000]);
    // Templates are allowed outside the 24 h window: the customer never wrote.
    wa.send(&send("pending_one", &["Ada", "7"]))
        .await
        .expect("approved template");
    env.sandbox.shutdown().await;
}

fn sandbox_template(name: &str) -> switchboard_connectors::templates::NewTemplate {
    use switchboard_connectors::templates::*;
    NewTemplate {
        name: name.to_owned(),
        language: "en_GB".to_owned(),
        category: TemplateCategory::Utility,
        parameter_format: ParameterFormat::Positional,
        components: vec![ComponentSpec::Body {
            text: "Hi {{1}}, order {{2}} is ready.".to_owned(),
            example: Some(Examples::Positional(vec!["Ada".into(), "7".into()])),
        }],
    }
}

#[tokio::test]
async fn a_dead_port_is_a_retryable_transport_error() {
    // Bind and drop a listener: the port is free and nothing answers on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = WhatsAppCloudConfig::graph(format!("http://127.0.0.1:{port}"), "1", "2", "t");
    let http = switchboard_connectors::whatsapp_cloud::client::http_client().unwrap();
    let wa = WhatsAppCloud::new(config, http).unwrap();
    let e = wa.send(&message(CUSTOMER, text("Hi"))).await.unwrap_err();
    assert_eq!(
        (e.action, e.code),
        (SendAction::Retry, "provider_unreachable"),
        "{e}"
    );
    assert_eq!((e.http_status, e.provider_code), (None, None));
    let e = wa.fetch_media("123").await.unwrap_err();
    assert!(e.is_retryable(), "{e}");
}
