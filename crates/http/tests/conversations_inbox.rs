//! `/v1/conversations` listing and access: every inbox filter, newest-first pages, bad
//! parameters, `assignee=me`, keys restricted to channels, assignees limited to other channels,
//! and the scopes agents and keys need.

mod conversations_seed;

use conversations_seed::{channel, inbound, wa_number};
use reqwest::Method;
use serde_json::json;
use switchboard_domain::ChannelKind;
use switchboard_test_support::{TestApp, both_backends};

async fn ids(app: &TestApp, query: &str) -> Vec<String> {
    let res = app.get(&format!("/v1/conversations?{query}")).await;
    ids_of(res.assert_status(200))
}

fn ids_of(json: &serde_json::Value) -> Vec<String> {
    json["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect()
}

both_backends! {
    async fn inbox_filters_and_pages(app) {
        let a = channel(&app, ChannelKind::Whatsapp).await;
        let b = channel(&app, ChannelKind::Sms).await;
        let s1 = inbound(&app, a, &wa_number(), "first").await;
        let s2 = inbound(&app, a, &wa_number(), "second").await;
        let s3 = inbound(&app, b, &format!("+{}", wa_number()), "third").await;
        let [c1, c2, c3] = [s1, s2, s3].map(|s| s.conversation_id.0.to_string());
        let team = app.create_team("Billing").await;
        let team_id = team["id"].as_str().unwrap().to_owned();
        let owner = app.org.owner_id.to_string();
        app.patch_json(&format!("/v1/contacts/{}", s1.contact_id.0), json!({ "tags": ["vip"] })).await.assert_status(200);
        app.patch_json(&format!("/v1/conversations/{c1}"), json!({ "assignee_id": owner })).await.assert_status(200);
        app.patch_json(&format!("/v1/conversations/{c2}"), json!({ "team_id": team_id, "status": "pending" })).await.assert_status(200);
        app.call(Method::POST, &format!("/v1/conversations/{c3}/read")).send().await.assert_status(200);

        assert_eq!(ids(&app, "").await, [c3.as_str(), c2.as_str(), c1.as_str()], "newest first");
        assert_eq!(ids(&app, "status=open").await, [c3.as_str(), c1.as_str()]);
        assert_eq!(ids(&app, "status=pending").await, [c2.as_str()]);
        assert_eq!(ids(&app, &format!("channel={a}")).await, [c2.as_str(), c1.as_str()]);
        assert_eq!(ids(&app, "assignee=none").await, [c3.as_str(), c2.as_str()]);
        assert_eq!(ids(&app, &format!("assignee={owner}")).await, [c1.as_str()]);
        assert_eq!(ids(&app, &format!("team={team_id}")).await, [c2.as_str()]);
        assert_eq!(ids(&app, &format!("contact={}", s1.contact_id.0)).await, [c1.as_str()]);
        assert_eq!(ids(&app, "tag=vip").await, [c1.as_str()]);
        assert_eq!(ids(&app, "unread=true").await, [c2.as_str(), c1.as_str()]);
        assert_eq!(ids(&app, "unread=false").await, [c3.as_str()]);
        assert_eq!(ids(&app, &format!("unread=true&channel={a}&status=open")).await, [c1.as_str()]);
        let sms = app.get(&format!("/v1/conversations/{c3}")).await.assert_status(200).clone();
        assert_eq!(sms["window_open_until"], json!(null), "SMS has no service window");

        // `me` is the signed-in user; a key is nobody.
        let (res, session) = app.login(&app.org.owner_email, &app.org.owner_password).await;
        res.assert_status(200);
        let session = session.expect("a session");
        let res = app.call(Method::GET, "/v1/conversations?assignee=me").auth(session).send().await;
        assert_eq!(ids_of(res.assert_status(200)), [c1.as_str()]);
        let res = app.get("/v1/conversations?assignee=me").await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "assignee");

        let first = app.get("/v1/conversations?limit=2").await.assert_status(200).clone();
        assert_eq!(ids_of(&first), [c3.as_str(), c2.as_str()]);
        let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
        let rest = app.get(&format!("/v1/conversations?limit=2&cursor={cursor}")).await.assert_status(200).clone();
        assert_eq!((ids_of(&rest), rest["next_cursor"].clone()), (vec![c1.clone()], json!(null)));

        for (query, field) in [
            ("status=closed", "status"),
            ("channel=x", "channel"),
            ("assignee=someone", "assignee"),
            ("team=1", "team"),
            ("contact=1", "contact"),
            ("unread=yes", "unread"),
            ("limit=500", "limit"),
            ("colour=red", "query"),
        ] {
            let res = app.get(&format!("/v1/conversations?{query}")).await;
            assert_eq!(res.assert_problem(422, "validation_failed")["field"], field, "{query}");
        }
        app.assert_tenant_isolation().await;
    }

    async fn restricted_callers_and_scopes(app) {
        let a = channel(&app, ChannelKind::Whatsapp).await;
        let b = channel(&app, ChannelKind::Whatsapp).await;
        let on_a = inbound(&app, a, &wa_number(), "a").await.conversation_id.0.to_string();
        let on_b = inbound(&app, b, &wa_number(), "b").await.conversation_id.0.to_string();

        let (_, key) = app.create_api_key(json!({
            "name": "channel A", "scopes": ["conversations:read", "conversations:write"], "channel_ids": [a]
        })).await;
        let call = |m: Method, path: String| app.call(m, &path).bearer(&key);
        let res = call(Method::GET, "/v1/conversations".into()).send().await;
        assert_eq!(ids_of(res.assert_status(200)), [on_a.as_str()]);
        let res = call(Method::GET, format!("/v1/conversations?channel={b}")).send().await;
        assert_eq!(ids_of(res.assert_status(200)), Vec::<String>::new());
        call(Method::GET, format!("/v1/conversations/{on_a}")).send().await.assert_status(200);
        call(Method::PATCH, format!("/v1/conversations/{on_a}")).json(json!({ "priority": "low" })).send().await.assert_status(200);
        // Conversation B is invisible to the key: every route answers 404 and nothing changes.
        for res in [
            call(Method::GET, format!("/v1/conversations/{on_b}")).send().await,
            call(Method::PATCH, format!("/v1/conversations/{on_b}")).json(json!({ "priority": "low" })).send().await,
            call(Method::POST, format!("/v1/conversations/{on_b}/notes")).json(json!({ "text": "x" })).send().await,
            call(Method::GET, format!("/v1/conversations/{on_b}/events")).send().await,
            call(Method::POST, format!("/v1/conversations/{on_b}/read")).send().await,
        ] {
            res.assert_problem(404, "not_found");
        }
        let b_conv = app.get(&format!("/v1/conversations/{on_b}")).await.assert_status(200).clone();
        assert_eq!((b_conv["priority"].as_str(), b_conv["unread_count"].as_u64()), (Some("none"), Some(1)));
        assert_eq!(app.get(&format!("/v1/conversations/{on_b}/events")).await.json["data"], json!([]));

        // A member limited to channel B cannot be assigned a conversation on A.
        let res = app.post_json("/v1/users", json!({
            "email": "bo@acme.test", "password": "bo-password-1", "role": "agent", "channel_ids": [b]
        })).await;
        let bo = res.assert_status(201)["id"].as_str().unwrap().to_owned();
        let res = app.patch_json(&format!("/v1/conversations/{on_a}"), json!({ "assignee_id": bo })).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "assignee_id");
        app.patch_json(&format!("/v1/conversations/{on_b}"), json!({ "assignee_id": bo })).await.assert_status(200);

        // Agents read and work conversations (signed in, with the CSRF token).
        app.create_user("cy@acme.test", "cy-password-1", "agent").await;
        let (_, agent) = app.login("cy@acme.test", "cy-password-1").await;
        let agent = agent.expect("agent session");
        let res = app.call(Method::PATCH, &format!("/v1/conversations/{on_a}")).auth(agent.clone())
            .json(json!({ "status": "pending" })).send().await;
        assert_eq!(res.assert_status(200)["status"], "pending");
        let res = app.call(Method::POST, &format!("/v1/conversations/{on_a}/notes")).auth(agent)
            .json(json!({ "text": "agent note" })).send().await;
        assert_eq!(res.assert_status(201)["actor_type"], "user");

        // Keys need the scopes: read for reads, write for changes.
        let (_, reader) = app.create_api_key(json!({ "name": "reader", "scopes": ["conversations:read"] })).await;
        app.call(Method::GET, &format!("/v1/conversations/{on_a}")).bearer(&reader).send().await.assert_status(200);
        for res in [
            app.call(Method::PATCH, &format!("/v1/conversations/{on_a}")).bearer(&reader).json(json!({ "priority": "low" })).send().await,
            app.call(Method::POST, &format!("/v1/conversations/{on_a}/notes")).bearer(&reader).json(json!({ "text": "x" })).send().await,
            app.call(Method::POST, &format!("/v1/conversations/{on_a}/read")).bearer(&reader).send().await,
        ] {
            assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "conversations:write");
        }
        let (_, none) = app.create_api_key(json!({ "name": "none", "scopes": ["contacts:read"] })).await;
        let res = app.call(Method::GET, "/v1/conversations").bearer(&none).send().await;
        assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "conversations:read");
        app.assert_tenant_isolation().await;
    }
}
