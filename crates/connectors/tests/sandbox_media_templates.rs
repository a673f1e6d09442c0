//! Media and templates through the real WhatsApp connector against the sandbox: upload and the
//! two-step download round-trip bytes and digest; templates are created PENDING, listed page by
//! page and deleted, in the Graph and the BSP style.

mod support;

use bytes::Bytes;
use serde_json::json;
use support::{CUSTOMER, Env, message};
use switchboard_connectors::Connector;
use switchboard_connectors::media::sha256_hex;
use switchboard_connectors::outbound::SendAction;
use switchboard_connectors::templates::{
    ComponentSpec, Examples, NewTemplate, ParameterFormat, TemplateCategory, TemplateInfo,
    TemplateManager,
};
use switchboard_connectors::whatsapp_cloud::client::WhatsAppCloud;

/// Bytes that are not valid UTF-8 and hold every byte value, so no text conversion survives.
fn file() -> Bytes {
    let mut bytes: Vec<u8> = (0..=255u8).collect();
    bytes.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    bytes.extend((0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    Bytes::from(bytes)
}

async fn media_round_trip(wa: &WhatsAppCloud) {
    let bytes = file();
    let id = wa
        .upload_media(bytes.clone(), "image/png", "photo.png")
        .await
        .expect("uploaded");
    assert!(!id.is_empty());
    let fetched = wa.fetch_media(&id).await.expect("fetched");
    assert_eq!(fetched.bytes, bytes);
    assert_eq!(fetched.mime_type, "image/png");
    assert_eq!(fetched.sha256, sha256_hex(&bytes));
    assert_eq!(fetched.file_size, bytes.len() as u64);

    // The id works in a send, then is gone once deleted.
    wa.send(&message(
        CUSTOMER,
        json!({"type": "image", "media_id": id, "caption": "Receipt"}),
    ))
    .await
    .expect("sent by id");
    wa.delete_media(&id).await.expect("deleted");
    let e = wa.fetch_media(&id).await.unwrap_err();
    assert_eq!(e.action, SendAction::Rejected, "{e}");
    assert!(e.http_status.is_some_and(|s| s >= 400), "{e:?}");
}

#[tokio::test]
async fn graph_media_upload_fetch_and_delete() {
    let env = Env::open_window().await;
    media_round_trip(&env.graph()).await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn bsp_media_upload_fetch_and_delete() {
    let env = Env::open_window().await;
    media_round_trip(&env.bsp()).await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn uploads_the_provider_refuses_are_final() {
    let env = Env::open_window().await;
    let e = env
        .graph()
        .upload_media(
            Bytes::from_static(b"MZ"),
            "application/x-msdownload",
            "a.exe",
        )
        .await
        .unwrap_err();
    assert_eq!(e.action, SendAction::Rejected, "{e}");
    assert!(e.provider_code.is_some(), "{e:?}");
    env.sandbox.shutdown().await;
}

fn template(name: &str, format: ParameterFormat) -> NewTemplate {
    let (text, example) = match format {
        ParameterFormat::Positional => (
            "Hi {{1}}, your order is ready.",
            Examples::Positional(vec!["Ada".into()]),
        ),
        ParameterFormat::Named => (
            "Hi {{first_name}}, your order is ready.",
            Examples::Named(vec![("first_name".into(), "Ada".into())]),
        ),
    };
    NewTemplate {
        name: name.to_owned(),
        language: "en_GB".to_owned(),
        category: TemplateCategory::Utility,
        parameter_format: format,
        components: vec![
            ComponentSpec::TextHeader {
                text: "Your order".to_owned(),
                example: None,
            },
            ComponentSpec::Body {
                text: text.to_owned(),
                example: Some(example),
            },
            ComponentSpec::Footer {
                text: "Thanks for shopping".to_owned(),
            },
        ],
    }
}

/// Every template, following the cursor page by page with `limit` per page.
async fn list_all(t: &dyn TemplateManager, limit: u32) -> (Vec<TemplateInfo>, usize) {
    let mut all = Vec::new();
    let mut pages = 0;
    let mut after: Option<String> = None;
    loop {
        let page = t
            .list_templates(limit, after.as_deref())
            .await
            .expect("listed");
        pages += 1;
        assert!(page.templates.len() <= limit as usize);
        all.extend(page.templates);
        match page.next_cursor {
            Some(next) => after = Some(next),
            None => return (all, pages),
        }
        assert!(pages < 50, "paging does not end");
    }
}

async fn template_lifecycle(env: &Env, wa: &WhatsAppCloud) {
    let t = wa.templates().expect("WhatsApp manages templates");
    let names = ["order_ready", "order_named", "order_late"];
    let mut ids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let format = if i == 1 {
            ParameterFormat::Named
        } else {
            ParameterFormat::Positional
        };
        let created = t
            .create_template(&template(name, format))
            .await
            .expect("created");
        assert_eq!(created.status, "PENDING");
        assert_eq!(created.category, "UTILITY");
        ids.push(created.id);
    }
    let (listed, pages) = list_all(t, 2).await;
    assert_eq!(pages, 2, "three templates, two per page");
    let listed_names: Vec<&str> = listed.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(listed_names, names);
    assert_eq!(listed[1].parameter_format.as_deref(), Some("NAMED"));
    assert!(
        listed
            .iter()
            .all(|t| t.status == "PENDING" && t.language == "en_GB")
    );

    env.control(
        &format!("templates/{}/status", ids[0]),
        json!({"status": "REJECTED", "reason": "INVALID_FORMAT"}),
    )
    .await;
    let (listed, _) = list_all(t, 10).await;
    assert_eq!(listed[0].status, "REJECTED");
    assert_eq!(listed[0].rejected_reason.as_deref(), Some("INVALID_FORMAT"));

    t.delete_template("order_late", None)
        .await
        .expect("deleted");
    let (listed, _) = list_all(t, 10).await;
    assert!(listed.iter().all(|t| t.name != "order_late"));
    let e = t.delete_template("order_late", None).await.unwrap_err();
    assert_eq!(
        (e.action, e.code),
        (SendAction::Rejected, "invalid_parameter"),
        "{e}"
    );
}

#[tokio::test]
async fn graph_templates_create_list_page_and_delete() {
    let env = Env::open_window().await;
    let wa = env.graph();
    template_lifecycle(&env, &wa).await;
    // Graph deletes one language by id.
    let t = wa.templates().unwrap();
    let (listed, _) = list_all(t, 10).await;
    let named = listed.iter().find(|t| t.name == "order_named").unwrap();
    t.delete_template("order_named", Some(&named.id))
        .await
        .expect("deleted by id");
    let (listed, _) = list_all(t, 10).await;
    assert_eq!(listed.len(), 1);
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn bsp_templates_create_list_page_and_delete() {
    let env = Env::open_window().await;
    template_lifecycle(&env, &env.bsp()).await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_template_the_provider_refuses_is_final() {
    let env = Env::open_window().await;
    let mut bad = template("Bad Name!", ParameterFormat::Positional);
    bad.components.clear();
    let e = env
        .graph()
        .templates()
        .unwrap()
        .create_template(&bad)
        .await
        .unwrap_err();
    assert_eq!(e.action, SendAction::Rejected, "{e}");
    assert!(e.provider_code.is_some(), "{e:?}");
    env.sandbox.shutdown().await;
}
