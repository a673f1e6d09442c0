//! `/v1/contacts/{id}/consent`: opt-ins and opt-outs per kind of channel with their source, the
//! newer decision standing, bad input, restricted keys, events and isolation.

use serde_json::json;
use switchboard_store::{EventFilter, PageRequest};
use switchboard_test_support::both_backends;

both_backends! {
    async fn consent_is_recorded_per_channel_kind(app) {
        let created = app.post_json("/v1/contacts", json!({"name": "Ada", "phone": "+447700900123"})).await;
        let id = created.assert_status(201)["id"].as_str().unwrap().to_owned();
        let path = format!("/v1/contacts/{id}/consent");
        assert_eq!(app.get(&path).await.assert_status(200)["data"], json!([]));

        let opt_in = app.post_json(&path, json!({"channel_kind": "whatsapp", "opted_in": true, "source": "web_form"})).await;
        let opt_in = opt_in.assert_status(200).clone();
        assert_eq!((opt_in["status"].as_str(), opt_in["opt_in_source"].as_str()), (Some("opted_in"), Some("web_form")));
        assert!(opt_in["opted_in_at"].is_string());
        let out = app.post_json(&path, json!({"channel_kind": "whatsapp", "opted_in": false, "source": "STOP"})).await;
        let out = out.assert_status(200).clone();
        assert_eq!(out["status"], "opted_out");
        assert_eq!((out["opt_in_source"].as_str(), out["opt_out_source"].as_str()), (Some("web_form"), Some("STOP")));
        app.post_json(&path, json!({"channel_kind": "sms", "opted_in": true, "source": "import"})).await.assert_status(200);
        let list = app.get(&path).await.assert_status(200).clone();
        let kinds: Vec<_> = list["data"].as_array().unwrap().iter().map(|c| (c["channel_kind"].clone(), c["status"].clone())).collect();
        assert_eq!(kinds, vec![(json!("sms"), json!("opted_in")), (json!("whatsapp"), json!("opted_out"))]);

        for (body, field) in [
            (json!({"channel_kind": "pigeon", "opted_in": true, "source": "x"}), "channel_kind"),
            (json!({"channel_kind": "sms", "opted_in": true, "source": " "}), "source"),
        ] {
            assert_eq!(app.post_json(&path, body).await.assert_problem(422, "validation_failed")["field"], field);
        }
        app.post_json(&path, json!({"channel_kind": "sms", "opted_in": true})).await.assert_status(422);

        // Each change is an event in its transaction.
        let org = switchboard_domain::OrgId(app.org.id);
        let filter = EventFilter { kinds: vec!["contact.opted_in".into(), "contact.opted_out".into()], only_channels: None };
        let events = app.store.list_events(org, &filter, PageRequest::first(10)).await.unwrap().items;
        let told: Vec<_> = events.iter().map(|e| (e.kind.as_str(), e.payload["source"].as_str().unwrap_or_default())).collect();
        assert_eq!(told, vec![("contact.opted_in", "web_form"), ("contact.opted_out", "STOP"), ("contact.opted_in", "import")]);

        // A key held to channels reads but does not record.
        let ch = app.whatsapp_channel().await;
        let (_, held) = app.create_api_key(json!({"name": "held", "scopes": ["contacts:read", "contacts:write"], "channel_ids": [ch.id]})).await;
        let res = app.call(reqwest::Method::POST, &path).bearer(&held)
            .json(json!({"channel_kind": "whatsapp", "opted_in": true, "source": "agent"})).send().await;
        res.assert_problem(403, "channel_not_allowed");

        app.assert_tenant_isolation().await;
    }
}
