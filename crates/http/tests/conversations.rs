//! `/v1/conversations`: one conversation's workflow (status with snoozing, priority, assignee,
//! team), its timeline and notes, marking read, the service window, and tenant isolation, on both
//! backends through real HTTP. Conversations are seeded through the store's ingest.

mod conversations_seed;

use conversations_seed::{channel, inbound, wa_number};
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_domain::ChannelKind;
use switchboard_test_support::{TestApp, both_backends};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn at(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(v.as_str().expect("a time"), &Rfc3339).expect("RFC 3339")
}

/// `t` cut to whole milliseconds, as Switchboard stores times.
fn ms(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000)
        .expect("in range")
}

fn later(hours: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::hours(hours))
        .format(&Rfc3339)
        .expect("format")
}

async fn timeline(app: &TestApp, id: &str) -> Vec<Value> {
    let res = app.get(&format!("/v1/conversations/{id}/events")).await;
    res.assert_status(200)["data"]
        .as_array()
        .expect("data")
        .clone()
}

both_backends! {
    async fn conversation_workflow_timeline_and_isolation(app) {
        let ch = channel(&app, ChannelKind::Whatsapp).await;
        let number = wa_number();
        let stored = inbound(&app, ch, &number, "hello there").await;
        let id = stored.conversation_id.0.to_string();
        let path = format!("/v1/conversations/{id}");

        let conv = app.get(&path).await.assert_status(200).clone();
        assert_eq!((conv["status"].as_str(), conv["priority"].as_str()), (Some("open"), Some("none")));
        assert_eq!((conv["unread_count"].as_u64(), conv["last_message_preview"].as_str()), (Some(1), Some("hello there")));
        assert_eq!(conv["contact_id"], stored.contact_id.0.to_string());
        assert_eq!(at(&conv["window_open_until"]), at(&conv["last_inbound_at"]) + time::Duration::hours(24));
        let list = app.get("/v1/conversations").await;
        assert_eq!(list.assert_status(200)["data"][0]["id"], id.as_str());

        let ana = app.create_user("ana@acme.test", "ana-password-1", "agent").await;
        let ana_id = ana["id"].as_str().unwrap().to_owned();
        let team = app.create_team("Support").await;
        let team_id = team["id"].as_str().unwrap().to_owned();

        // Validation, each with its field, and nothing changed.
        for (body, field) in [
            (json!({ "status": "snoozed" }), "snoozed_until"),
            (json!({ "status": "snoozed", "snoozed_until": "2001-01-01T00:00:00Z" }), "snoozed_until"),
            (json!({ "status": "open", "snoozed_until": later(2) }), "snoozed_until"),
            (json!({ "status": "snoozed", "snoozed_until": "tomorrow" }), "snoozed_until"),
            (json!({ "status": "closed" }), "status"),
            (json!({ "priority": "whenever" }), "priority"),
            (json!({ "assignee_id": uuid::Uuid::now_v7() }), "assignee_id"),
            (json!({ "team_id": uuid::Uuid::now_v7() }), "team_id"),
            (json!({ "colour": "red" }), "body"),
        ] {
            let res = app.patch_json(&path, body.clone()).await;
            assert_eq!(res.assert_problem(422, "validation_failed")["field"], field, "{body}");
        }
        assert_eq!(timeline(&app, &id).await, Vec::<Value>::new());

        let until = later(3);
        let res = app.patch_json(&path, json!({ "status": "snoozed", "snoozed_until": until })).await;
        let snoozed = res.assert_status(200).clone();
        assert_eq!((snoozed["status"].as_str(), at(&snoozed["snoozed_until"])), (Some("snoozed"), ms(at(&json!(until)))));
        let res = app.patch_json(&path, json!({ "priority": "high", "assignee_id": ana_id, "team_id": team_id })).await;
        let assigned = res.assert_status(200).clone();
        assert_eq!((assigned["priority"].as_str(), assigned["assignee_id"].as_str(), assigned["team_id"].as_str()),
            (Some("high"), Some(ana_id.as_str()), Some(team_id.as_str())));
        // The same values again change nothing and write nothing.
        app.patch_json(&path, json!({ "priority": "high", "assignee_id": ana_id })).await.assert_status(200);
        let res = app.patch_json(&path, json!({ "status": "resolved", "assignee_id": null })).await;
        let resolved = res.assert_status(200).clone();
        assert_eq!((resolved["status"].as_str(), resolved["snoozed_until"].clone(), resolved["assignee_id"].clone()),
            (Some("resolved"), json!(null), json!(null)));
        assert_eq!(resolved["team_id"], team_id.as_str(), "untouched");

        let res = app.post_json(&format!("{path}/notes"), json!({ "text": "  Called them back  " })).await;
        let note = res.assert_status(201).clone();
        assert_eq!((note["kind"].as_str(), note["data"]["text"].as_str()), (Some("note.added"), Some("Called them back")));
        assert_eq!((note["actor_type"].as_str(), note["actor_id"].as_str()), (Some("api_key"), Some(app.org.key_id.to_string().as_str())));
        for bad in [json!({ "text": "   " }), json!({ "text": "x".repeat(10_001) })] {
            let res = app.post_json(&format!("{path}/notes"), bad).await;
            assert_eq!(res.assert_problem(422, "validation_failed")["field"], "text");
        }

        let events = timeline(&app, &id).await;
        let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["status.changed", "priority.changed", "conversation.assigned", "conversation.team_changed",
            "status.changed", "conversation.assigned", "note.added"]);
        assert_eq!(events[0]["data"], json!({ "from": "open", "to": "snoozed", "snoozed_until": events[0]["data"]["snoozed_until"] }));
        assert_eq!(at(&events[0]["data"]["snoozed_until"]), ms(at(&json!(until))));
        assert_eq!(events[2]["data"], json!({ "from": null, "to": ana_id }));
        assert_eq!(events[5]["data"], json!({ "from": ana_id, "to": null }));
        assert!(events.iter().all(|e| e["actor_id"] == app.org.key_id.to_string()));
        let page = app.get(&format!("{path}/events?limit=2")).await.assert_status(200).clone();
        let next = page["next_cursor"].as_str().expect("more events").to_owned();
        let rest = app.get(&format!("{path}/events?limit=10&cursor={next}")).await;
        assert_eq!(rest.assert_status(200)["data"].as_array().unwrap().len(), 5);

        let read = app.call(Method::POST, &format!("{path}/read")).send().await;
        assert_eq!(read.assert_status(200)["unread_count"], 0);

        app.assert_tenant_isolation().await;

        // The customer writes again: the resolved conversation reopens, by the system.
        inbound(&app, ch, &number, "me again").await;
        let conv = app.get(&path).await.assert_status(200).clone();
        assert_eq!((conv["status"].as_str(), conv["unread_count"].as_u64()), (Some("open"), Some(1)));
        let last = timeline(&app, &id).await.pop().expect("an entry");
        assert_eq!((last["kind"].as_str(), last["actor_type"].as_str()), (Some("status.changed"), Some("system")));

        // Another organization's member and team are not assignable here.
        let other = app.other_org().await.clone();
        let res = app.patch_json(&path, json!({ "assignee_id": other.owner_id })).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "assignee_id");
        let theirs = app.call(Method::POST, "/v1/teams").bearer(&other.key).json(json!({ "name": "Theirs" })).send().await;
        let their_team = theirs.assert_status(201)["id"].as_str().unwrap().to_owned();
        let res = app.patch_json(&path, json!({ "team_id": their_team })).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "team_id");
        app.get("/v1/conversations/not-an-id").await.assert_problem(404, "not_found");
    }
}
