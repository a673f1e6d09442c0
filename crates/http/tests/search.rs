//! `GET /v1/messages/search`: words and prefixes with accents folded, newest first, filters,
//! cursor pages, hostile queries answered safely, empty queries refused, scopes, keys restricted
//! to channels, and tenant isolation, on both backends through real HTTP. Messages are seeded
//! through the store's ingest (the webhook pipeline's path).

mod conversations_seed;

use conversations_seed::{channel, inbound, wa_number};
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_domain::ChannelKind;
use switchboard_test_support::{TestApp, both_backends};

/// The ids a search answers (asserting 200), in order.
async fn ids(app: &TestApp, query: &str) -> Vec<String> {
    let res = app.get(&format!("/v1/messages/search?{query}")).await;
    ids_of(res.assert_status(200))
}

fn ids_of(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|m| m["id"].as_str().expect("id").to_owned())
        .collect()
}

fn q(words: &str) -> String {
    format!("q={}", urlencoding(words))
}

/// Percent-encodes everything but unreserved ASCII, so hostile queries arrive as typed.
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

both_backends! {
    async fn search_finds_words_newest_first_with_filters_and_pages(app) {
        let a = channel(&app, ChannelKind::Whatsapp).await;
        let b = channel(&app, ChannelKind::Whatsapp).await;
        let ada = wa_number();
        let first = inbound(&app, a, &ada, "Crème brûlée for the party?").await;
        let second = inbound(&app, a, &ada, "Is my ORDER 4521 shipped?").await;
        let third = inbound(&app, b, &wa_number(), "order twice please").await;
        let (first, second, third) = (
            first.message_id.0.to_string(),
            second.message_id.0.to_string(),
            third.message_id.0.to_string(),
        );

        assert_eq!(ids(&app, &q("order")).await, vec![third.clone(), second.clone()]);
        assert_eq!(ids(&app, &q("creme BRULEE")).await, vec![first.clone()]);
        assert_eq!(ids(&app, &q("ord 4521")).await, vec![second.clone()]);
        assert!(ids(&app, &q("nowhere")).await.is_empty());

        let res = app.get(&format!("/v1/messages/search?{}", q("shipped"))).await;
        let hit = &res.assert_status(200)["data"][0];
        assert_eq!(hit["id"], second.as_str());
        assert_eq!(hit["channel_id"], a.to_string());
        assert_eq!(hit["direction"], "inbound");
        assert_eq!(hit["kind"], "text");
        assert_eq!(hit["text"], "Is my ORDER 4521 shipped?");
        assert!(hit["conversation_id"].is_string() && hit["contact_id"].is_string());
        assert!(hit["created_at"].is_string());
        assert_eq!(res.json["next_cursor"], Value::Null);

        assert_eq!(ids(&app, &format!("{}&channel={a}", q("order"))).await, vec![second.clone()]);
        let conv = app.get(&format!("/v1/messages/search?{}", q("order"))).await;
        let conv_of_third = conv.assert_status(200)["data"][0]["conversation_id"].as_str().unwrap().to_owned();
        assert_eq!(ids(&app, &format!("{}&conversation={conv_of_third}", q("order"))).await, vec![third.clone()]);
        assert_eq!(ids(&app, &format!("{}&direction=inbound", q("order"))).await.len(), 2);
        assert!(ids(&app, &format!("{}&direction=outbound", q("order"))).await.is_empty());

        // Pages of one, newest first, each hit once.
        let page = app.get(&format!("/v1/messages/search?{}&limit=1", q("order"))).await;
        let page = page.assert_status(200).clone();
        assert_eq!(ids_of(&page), vec![third.clone()]);
        let cursor = page["next_cursor"].as_str().expect("a next page").to_owned();
        let page = app.get(&format!("/v1/messages/search?{}&limit=1&cursor={cursor}", q("order"))).await;
        assert_eq!(ids_of(page.assert_status(200)), vec![second.clone()]);
        assert_eq!(page.json["next_cursor"], Value::Null);

        app.assert_tenant_isolation().await;
    }

    async fn search_refuses_empty_queries_and_treats_syntax_as_words(app) {
        let ch = channel(&app, ChannelKind::Whatsapp).await;
        let from = wa_number();
        let quoted = inbound(&app, ch, &from, "she said \"hello\" NEAR(the door)").await;
        let sql = inbound(&app, ch, &from, "' OR 1=1 -- is not a password").await;
        let (quoted, sql) = (quoted.message_id.0.to_string(), sql.message_id.0.to_string());

        for raw in ["\"", "*", "' -- ()", "   ", "\"\"*", "^", "-"] {
            let res = app.get(&format!("/v1/messages/search?{}", q(raw))).await;
            assert_eq!(res.assert_problem(422, "validation_failed")["field"], "q", "{raw:?}");
        }
        let res = app.get("/v1/messages/search").await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "q");
        let long = "x ".repeat(300);
        app.get(&format!("/v1/messages/search?{}", q(&long))).await.assert_problem(422, "validation_failed");

        assert_eq!(ids(&app, &q("\"hello")).await, vec![quoted.clone()]);
        assert_eq!(ids(&app, &q("NEAR(")).await, vec![quoted.clone()]);
        assert_eq!(ids(&app, &q("hello\"* door)")).await, vec![quoted.clone()]);
        assert_eq!(ids(&app, &q("' OR 1=1 --")).await, vec![sql.clone()]);
        assert!(ids(&app, &q("'; DROP TABLE messages; --")).await.is_empty());
        assert_eq!(ids(&app, &q("password")).await, vec![sql.clone()], "messages still there");

        for (query, field) in [
            ("q=x&channel=nope", "channel"),
            ("q=x&conversation=12", "conversation"),
            ("q=x&direction=sideways", "direction"),
            ("q=x&limit=0", "limit"),
            ("q=x&cursor=notacursor", "cursor"),
        ] {
            let res = app.get(&format!("/v1/messages/search?{query}")).await;
            assert_eq!(res.assert_problem(422, "validation_failed")["field"], field, "{query}");
        }
    }

    async fn search_obeys_scopes_and_channel_restricted_keys(app) {
        let a = channel(&app, ChannelKind::Whatsapp).await;
        let b = channel(&app, ChannelKind::Whatsapp).await;
        let on_a = inbound(&app, a, &wa_number(), "invoice for A").await.message_id.0.to_string();
        let on_b = inbound(&app, b, &wa_number(), "invoice for B").await.message_id.0.to_string();

        let (_, key_a) = app.create_api_key(json!({
            "name": "channel A", "scopes": ["messages:read"], "channel_ids": [a]
        })).await;
        let search = |key: String, query: String| {
            let app = &app;
            async move { app.call(Method::GET, &format!("/v1/messages/search?{query}")).bearer(&key).send().await }
        };
        let res = search(key_a.clone(), q("invoice")).await;
        assert_eq!(ids_of(res.assert_status(200)), vec![on_a.clone()]);
        let res = search(key_a.clone(), format!("{}&channel={b}", q("invoice"))).await;
        assert!(ids_of(res.assert_status(200)).is_empty(), "another channel finds nothing");

        let (_, no_read) = app.create_api_key(json!({ "name": "writer", "scopes": ["contacts:read"] })).await;
        search(no_read, q("invoice")).await.assert_problem(403, "insufficient_scope");

        assert_eq!(ids(&app, &q("invoice")).await, vec![on_b, on_a]);
        app.assert_tenant_isolation().await;
    }
}

#[tokio::test]
async fn search_and_transcript_are_documented() {
    use switchboard_test_support::{Auth, Backend};
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let res = app
        .call(Method::GET, "/v1/openapi.json")
        .auth(Auth::None)
        .send()
        .await;
    let doc = res.assert_status(200);
    let search = &doc["paths"]["/v1/messages/search"]["get"];
    let params: Vec<&str> = search["parameters"]
        .as_array()
        .expect("search parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in [
        "q",
        "channel",
        "conversation",
        "direction",
        "limit",
        "cursor",
    ] {
        assert!(params.contains(&name), "{name} missing from {params:?}");
    }
    let transcript = &doc["paths"]["/v1/conversations/{id}/transcript"]["get"];
    let ok = &transcript["responses"]["200"]["content"];
    assert!(ok["text/plain"].is_object(), "{ok}");
    assert_eq!(
        ok["application/json"]["schema"]["$ref"],
        "#/components/schemas/TranscriptView"
    );
    assert!(doc["components"]["schemas"]["TranscriptView"].is_object());
    assert!(doc["components"]["schemas"]["MessageSummaryView"].is_object());
}
