//! `/v1/contacts` listing: every filter, cursor pagination, bad parameters, and callers
//! restricted to channels (they read contacts through their channels' identities only and may
//! not write contacts).

mod conversations_seed;

use conversations_seed::{channel, inbound, wa_number};
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_domain::ChannelKind;
use switchboard_test_support::{TestApp, both_backends};

async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let res = app.get(&format!("/v1/contacts?{query}")).await;
    let json = res.assert_status(200).clone();
    let mut out: Vec<String> = json["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or("?").to_owned())
        .collect();
    out.sort();
    out
}

async fn create(app: &TestApp, body: Value) -> String {
    let res = app.post_json("/v1/contacts", body).await;
    res.assert_status(201)["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

both_backends! {
    async fn contact_filters_and_pages(app) {
        create(&app, json!({ "name": "Ana", "email": "ana@shop.test", "tags": ["vip", "lead"], "attributes": { "plan": "gold", "score": 5 } })).await;
        create(&app, json!({ "name": "Bruno", "phone": "+447700900401", "tags": ["vip"], "attributes": { "plan": "silver", "score": "5" } })).await;
        create(&app, json!({ "name": "Carla", "external_id": "crm-77", "tags": ["lead"], "blocked": true })).await;
        create(&app, json!({ "name": "Davi" })).await;
        let ch = channel(&app, ChannelKind::Whatsapp).await;
        let stored = inbound(&app, ch, &wa_number(), "hi").await;
        let eva = stored.contact_id.0;
        app.patch_json(&format!("/v1/contacts/{eva}"), json!({ "name": "Eva" })).await.assert_status(200);

        assert_eq!(names(&app, "").await, ["Ana", "Bruno", "Carla", "Davi", "Eva"]);
        assert_eq!(names(&app, "q=SHOP").await, ["Ana"]);
        assert_eq!(names(&app, "q=900401").await, ["Bruno"]);
        assert_eq!(names(&app, "q=crm-7").await, ["Carla"]);
        assert_eq!(names(&app, "tag=vip").await, ["Ana", "Bruno"]);
        assert_eq!(names(&app, "tag=vip&tag=lead").await, ["Ana"]);
        assert_eq!(names(&app, "attr.plan=gold").await, ["Ana"]);
        assert_eq!(names(&app, "attr.plan=%22silver%22").await, ["Bruno"]);
        assert_eq!(names(&app, "attr.score=5").await, ["Ana"], "5 is the number");
        assert_eq!(names(&app, "attr.score=%225%22").await, ["Bruno"], "\"5\" is the string");
        assert_eq!(names(&app, "blocked=true").await, ["Carla"]);
        assert_eq!(names(&app, "blocked=false&tag=lead").await, ["Ana"]);
        assert_eq!(names(&app, &format!("channel={ch}")).await, ["Eva"]);
        assert_eq!(names(&app, "q=nobody-has-this").await, Vec::<String>::new());

        // Pages of two, ascending by id, never repeating or skipping.
        let mut seen = Vec::new();
        let mut query = "limit=2".to_owned();
        loop {
            let page = app.get(&format!("/v1/contacts?{query}")).await.assert_status(200).clone();
            let data = page["data"].as_array().unwrap().clone();
            assert!(data.len() <= 2);
            seen.extend(data.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
            match page["next_cursor"].as_str() {
                Some(c) => query = format!("limit=2&cursor={c}"),
                None => break,
            }
        }
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!((seen.len(), sorted), (5, seen.clone()));

        for (query, field) in [
            ("blocked=maybe", "blocked"),
            ("channel=nope", "channel"),
            ("attr.a=1&attr.b=2", "attr"),
            ("attr.bad%20name=1", "attr"),
            ("colour=red", "colour"),
            ("limit=0", "limit"),
            ("cursor=%25%25", "cursor"),
        ] {
            let res = app.get(&format!("/v1/contacts?{query}")).await;
            assert_eq!(res.assert_problem(422, "validation_failed")["field"], field, "{query}");
        }
        app.assert_tenant_isolation().await;
    }

    async fn channel_restricted_keys_see_contacts_through_their_channels(app) {
        let a = channel(&app, ChannelKind::Whatsapp).await;
        let b = channel(&app, ChannelKind::Whatsapp).await;
        let on_a = inbound(&app, a, &wa_number(), "on a").await.contact_id.0.to_string();
        let on_b = inbound(&app, b, &wa_number(), "on b").await.contact_id.0.to_string();
        let by_hand = create(&app, json!({ "name": "By hand" })).await;
        // A contact reachable on both channels: the restricted key sees only its identity on A.
        let both_number = wa_number();
        let both = inbound(&app, a, &both_number, "a").await.contact_id.0.to_string();
        assert_eq!(inbound(&app, b, &both_number, "b").await.contact_id.0.to_string(), both);

        let (_, key) = app.create_api_key(json!({
            "name": "channel A", "scopes": ["contacts:read", "contacts:write"], "channel_ids": [a]
        })).await;
        let get = |path: String| app.call(Method::GET, &path).bearer(&key).send();
        let res = get("/v1/contacts".into()).await;
        let mut seen: Vec<String> = res.assert_status(200)["data"].as_array().unwrap().iter()
            .map(|c| c["id"].as_str().unwrap().to_owned()).collect();
        seen.sort();
        let mut want = vec![on_a.clone(), both.clone()];
        want.sort();
        assert_eq!(seen, want);
        let page = get("/v1/contacts?limit=1".into()).await.assert_status(200).clone();
        assert_eq!(page["data"].as_array().unwrap().len(), 1);
        let next = page["next_cursor"].as_str().expect("a second page").to_owned();
        let page2 = get(format!("/v1/contacts?limit=1&cursor={next}")).await.assert_status(200).clone();
        assert_eq!(page2["data"].as_array().unwrap().len(), 1);
        assert_ne!(page2["data"][0]["id"], page["data"][0]["id"]);
        assert_eq!(get(format!("/v1/contacts?channel={b}")).await.assert_status(200)["data"], json!([]));
        get(format!("/v1/contacts/{on_a}")).await.assert_status(200);
        for hidden in [&on_b, &by_hand] {
            get(format!("/v1/contacts/{hidden}")).await.assert_problem(404, "not_found");
            get(format!("/v1/contacts/{hidden}/identities")).await.assert_problem(404, "not_found");
        }
        let ids = get(format!("/v1/contacts/{both}/identities")).await.assert_status(200).clone();
        assert_eq!(ids["data"].as_array().unwrap().len(), 1);
        assert_eq!(ids["data"][0]["channel_id"], a.to_string());

        // Writes are refused outright, even on a contact the key can see.
        let res = app.call(Method::POST, "/v1/contacts").bearer(&key).json(json!({ "name": "X" })).send().await;
        res.assert_problem(403, "channel_not_allowed");
        let res = app.call(Method::PATCH, &format!("/v1/contacts/{on_a}")).bearer(&key).json(json!({ "name": "X" })).send().await;
        res.assert_problem(403, "channel_not_allowed");
        let res = app.call(Method::DELETE, &format!("/v1/contacts/{on_a}")).bearer(&key).send().await;
        res.assert_problem(403, "channel_not_allowed");
        let res = app.call(Method::PUT, "/v1/contacts/by-external-id/k1").bearer(&key).json(json!({})).send().await;
        res.assert_problem(403, "channel_not_allowed");
        app.get(&format!("/v1/contacts/{on_a}")).await.assert_status(200);

        // Scopes: read-only keys read, keys without contacts scopes do neither.
        let (_, reader) = app.create_api_key(json!({ "name": "reader", "scopes": ["contacts:read"] })).await;
        app.call(Method::GET, "/v1/contacts").bearer(&reader).send().await.assert_status(200);
        let res = app.call(Method::POST, "/v1/contacts").bearer(&reader).json(json!({})).send().await;
        assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "contacts:write");
        let (_, none) = app.create_api_key(json!({ "name": "none", "scopes": ["teams:read"] })).await;
        let res = app.call(Method::GET, "/v1/contacts").bearer(&none).send().await;
        assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "contacts:read");
        app.assert_tenant_isolation().await;
    }
}
