//! `GET /v1/conversations/{id}/transcript`: the whole conversation oldest first (past one store
//! page), as text lines and as JSON, downloaded as an attachment, each export audited, scopes,
//! channel-restricted keys and tenant isolation, on both backends through real HTTP.

mod conversations_seed;

use conversations_seed::{channel, inbound, wa_number};
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_domain::{ApiKeyId, ChannelId, ChannelKind, MessageId, OrgId, Sender, UserId};
use switchboard_store::{Effects, OutboundRequest};
use switchboard_test_support::{TestApp, both_backends};
use uuid::Uuid;

/// An outbound text to `to` on `channel`, stored as the send API stores it.
async fn outbound(app: &TestApp, channel: Uuid, to: &str, text: &str, sender: Sender) {
    let request = OutboundRequest {
        id: MessageId::new(),
        channel_id: ChannelId(channel),
        to: to.to_owned(),
        kind: "text".to_owned(),
        content: json!({ "content": { "type": "text", "body": text } }),
        text: Some(text.to_owned()),
        reply_to: None,
        sender,
        created_at: switchboard_domain::now(),
    };
    app.store
        .accept_outbound(OrgId(app.org.id), &request, &Effects::none())
        .await
        .expect("accept outbound");
}

/// The export audit entries, newest first (read without recording: the replay must not count
/// its own exports).
async fn exports(app: &TestApp) -> Vec<Value> {
    let res = app
        .call(Method::GET, "/v1/audit-log?action=conversation.exported")
        .bearer(&app.org.key)
        .send()
        .await;
    res.assert_status(200)["data"]
        .as_array()
        .expect("data")
        .clone()
}

fn line_time_ok(line: &str) -> bool {
    // `[2026-11-23 04:12:03 UTC] `
    let b = line.as_bytes();
    b.len() > 26
        && b[0] == b'['
        && &line[20..26] == " UTC] "
        && line[1..20]
            .chars()
            .all(|c| c.is_ascii_digit() || "-: ".contains(c))
}

both_backends! {
    async fn transcript_text_and_json_oldest_first_and_audited(app) {
        let ch = channel(&app, ChannelKind::Whatsapp).await;
        let number = wa_number();
        let first = inbound(&app, ch, &number, "Hi, my parcel is late").await;
        let conv = first.conversation_id.0.to_string();
        let owner = app.call(Method::GET, &format!("/v1/users/{}", app.org.owner_id)).bearer(&app.org.key).send().await;
        let owner_name = owner.assert_status(200)["name"].as_str().expect("owner name").to_owned();
        outbound(&app, ch, &number, "Sorry!\nLet me check.", Sender::User(UserId(app.org.owner_id))).await;
        let (key, _) = app.create_api_key(json!({ "name": "CRM sync", "scopes": ["messages:send"] })).await;
        let key_id: Uuid = key["id"].as_str().expect("key id").parse().expect("uuid");
        outbound(&app, ch, &number, "Ticket 88 opened", Sender::ApiKey(ApiKeyId(key_id))).await;
        outbound(&app, ch, &number, "Auto reply", Sender::System).await;
        // Past one store page (200), so the export must page through.
        for i in 0..205 {
            inbound(&app, ch, &number, &format!("follow-up {i}")).await;
        }

        let path = format!("/v1/conversations/{conv}/transcript");
        let res = app.get(&path).await;
        res.assert_status(200);
        assert_eq!(res.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(res.header("content-disposition"), Some(format!("attachment; filename=\"conversation-{conv}.txt\"").as_str()));
        let lines: Vec<&str> = res.text.lines().collect();
        assert_eq!(lines.len(), 4 + 205 + 1, "one line per message, plus the continued one");
        assert!(lines.iter().filter(|l| !l.starts_with("    ")).all(|l| line_time_ok(l)), "{:?}", &lines[..5]);
        assert!(lines[0].ends_with("] Customer (customer): Hi, my parcel is late"), "{}", lines[0]);
        assert!(lines[1].ends_with(&format!("] {owner_name} (user): Sorry!")), "{}", lines[1]);
        assert_eq!(lines[2], "    Let me check.");
        assert!(lines[3].ends_with("] CRM sync (api key): Ticket 88 opened"), "{}", lines[3]);
        assert!(lines[4].ends_with("] Switchboard (system): Auto reply"), "{}", lines[4]);
        assert!(lines[5].ends_with("(customer): follow-up 0"));
        assert!(lines[209].ends_with("(customer): follow-up 204"));

        let res = app.call(Method::GET, &format!("{path}?format=json")).bearer(&app.org.key).send().await;
        let t = res.assert_status(200).clone();
        assert_eq!(res.header("content-disposition"), Some(format!("attachment; filename=\"conversation-{conv}.json\"").as_str()));
        assert_eq!((t["conversation_id"].as_str(), t["channel_id"].as_str()), (Some(conv.as_str()), Some(ch.to_string().as_str())));
        assert_eq!(t["contact_name"], "Customer");
        let messages = t["messages"].as_array().expect("messages");
        assert_eq!(messages.len(), 209);
        assert_eq!(messages[0]["id"], first.message_id.0.to_string());
        assert_eq!(messages[0]["author"], json!({ "role": "customer", "id": first.contact_id.0.to_string(), "name": "Customer" }));
        assert_eq!(messages[1]["author"], json!({ "role": "user", "id": app.org.owner_id.to_string(), "name": owner_name }));
        assert_eq!(messages[1]["text"], "Sorry!\nLet me check.");
        assert_eq!(messages[2]["author"], json!({ "role": "api_key", "id": key_id.to_string(), "name": "CRM sync" }));
        assert_eq!(messages[3]["author"], json!({ "role": "system", "id": null, "name": "Switchboard" }));
        let ids: Vec<&str> = messages.iter().map(|m| m["id"].as_str().expect("id")).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "oldest first");

        let audited = exports(&app).await;
        assert_eq!(audited.len(), 2, "each export is audited");
        assert_eq!(audited[0]["target_type"], "conversation");
        assert_eq!(audited[0]["target_id"], conv.as_str());
        assert_eq!(audited[0]["details"], json!({ "format": "json", "messages": 209 }));
        assert_eq!(audited[1]["details"]["format"], "text");
        assert_eq!((audited[0]["actor_type"].as_str(), audited[0]["actor_id"].is_string()), (Some("api_key"), true));

        let res = app.get(&format!("{path}?format=pdf")).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "format");
        app.get(&format!("/v1/conversations/{}/transcript", Uuid::now_v7())).await.assert_problem(404, "not_found");
        assert_eq!(exports(&app).await.len(), 2, "refused exports are not audited");

        app.assert_tenant_isolation().await;
    }

    async fn transcript_obeys_scopes_and_channel_restricted_keys(app) {
        let a = channel(&app, ChannelKind::Whatsapp).await;
        let b = channel(&app, ChannelKind::Whatsapp).await;
        let on_a = inbound(&app, a, &wa_number(), "on A").await.conversation_id.0;
        let on_b = inbound(&app, b, &wa_number(), "on B").await.conversation_id.0;

        let (_, key_a) = app.create_api_key(json!({
            "name": "channel A", "scopes": ["conversations:read"], "channel_ids": [a]
        })).await;
        let get = |key: String, conv: Uuid| {
            let app = &app;
            async move { app.call(Method::GET, &format!("/v1/conversations/{conv}/transcript")).bearer(&key).send().await }
        };
        let res = get(key_a.clone(), on_a).await;
        assert!(res.assert_status(200).is_null() && res.text.ends_with("(customer): on A\n"), "{}", res.text);
        get(key_a, on_b).await.assert_problem(404, "not_found");

        let (_, messages_only) = app.create_api_key(json!({ "name": "reader", "scopes": ["messages:read"] })).await;
        get(messages_only, on_a).await.assert_problem(403, "insufficient_scope");
        assert_eq!(exports(&app).await.len(), 1, "only the allowed export is audited");
    }
}
