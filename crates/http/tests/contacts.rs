//! `/v1/contacts`: CRUD with normalization, partial updates, duplicates, upserts, identities,
//! audit on delete and tenant isolation, on both backends through real HTTP.

mod conversations_seed;

use conversations_seed::{channel, inbound, wa_number};
use reqwest::Method;
use serde_json::json;
use switchboard_domain::ChannelKind;
use switchboard_test_support::both_backends;

both_backends! {
    async fn contacts_crud_identities_and_isolation(app) {
        let res = app.post_json("/v1/contacts", json!({
            "name": "  Ana Silva ",
            "phone": "+44 7700 900-123",
            "email": "Ana@Example.COM",
            "birthdate": "1990-02-28",
            "language": "pt-BR",
            "tags": ["vip", "vip", "lead"],
            "attributes": { "plan": "gold", "score": 5 }
        })).await;
        let ana = res.assert_status(201).clone();
        let id = ana["id"].as_str().unwrap().to_owned();
        assert_eq!(ana["name"], "Ana Silva");
        assert_eq!(ana["phone"], "+447700900123");
        assert_eq!(ana["email"], "ana@example.com");
        assert_eq!(ana["birthdate"], "1990-02-28");
        assert_eq!(ana["tags"], json!(["vip", "lead"]));
        assert_eq!(ana["blocked"], false);
        assert_eq!(app.get(&format!("/v1/contacts/{id}")).await.assert_status(200)["email"], "ana@example.com");

        // Partial update: absent fields stay, null clears, attributes merge (null removes a key).
        let res = app.patch_json(&format!("/v1/contacts/{id}"), json!({
            "email": null, "notes": "Prefers mornings",
            "attributes": { "score": null, "tier": 2 }
        })).await;
        let patched = res.assert_status(200).clone();
        assert_eq!(patched["email"], json!(null));
        assert_eq!(patched["name"], "Ana Silva");
        assert_eq!(patched["notes"], "Prefers mornings");
        assert_eq!(patched["attributes"], json!({ "plan": "gold", "tier": 2 }));
        let res = app.patch_json(&format!("/v1/contacts/{id}"), json!({ "tags": null, "blocked": true })).await;
        let patched = res.assert_status(200).clone();
        assert_eq!((patched["tags"].clone(), patched["blocked"].clone()), (json!([]), json!(true)));

        // A contact made by an inbound message has an identity; the list shows both contacts.
        let ch = channel(&app, ChannelKind::Whatsapp).await;
        let number = wa_number();
        let stored = inbound(&app, ch, &number, "hello").await;
        let bea = stored.contact_id.0.to_string();
        let ids = app.get(&format!("/v1/contacts/{bea}/identities")).await;
        let ids = ids.assert_status(200).clone();
        assert_eq!(ids["data"][0]["address"], number.as_str());
        assert_eq!(ids["data"][0]["channel_id"], ch.to_string());
        assert_eq!(app.get(&format!("/v1/contacts/{bea}")).await.json["phone"], format!("+{number}"));
        assert_eq!(app.get(&format!("/v1/contacts/{id}/identities")).await.assert_status(200)["data"], json!([]));
        let list = app.get("/v1/contacts").await;
        assert_eq!(list.assert_status(200)["data"].as_array().unwrap().len(), 2);
        app.get(&format!("/v1/contacts?channel={ch}")).await.assert_status(200);

        app.assert_tenant_isolation().await;

        // Another organization cannot delete ours; the owner can, and it is audited.
        let other = app.other_org().await.clone();
        let res = app.call(Method::DELETE, &format!("/v1/contacts/{id}")).bearer(&other.key).send().await;
        res.assert_problem(404, "not_found");
        app.delete(&format!("/v1/contacts/{id}")).await.assert_status(204);
        app.get(&format!("/v1/contacts/{id}")).await.assert_problem(404, "not_found");
        app.delete(&format!("/v1/contacts/{id}")).await.assert_problem(404, "not_found");
        let audit = app.get("/v1/audit-log").await;
        let entry = audit.json["data"].as_array().unwrap().iter()
            .find(|e| e["action"] == "contact.deleted")
            .cloned()
            .expect("a contact.deleted audit entry");
        assert_eq!(entry["target_id"], id.as_str());
        assert_eq!(entry["details"]["phone"], "+447700900123");
        // Deleting the inbound contact takes its conversation along.
        app.delete(&format!("/v1/contacts/{bea}")).await.assert_status(204);
        let conv = stored.conversation_id.0;
        app.get(&format!("/v1/conversations/{conv}")).await.assert_problem(404, "not_found");
    }

    async fn duplicates_answer_contact_exists(app) {
        let first = app.post_json("/v1/contacts", json!({
            "phone": "+447700900200", "email": "dup@example.com", "external_id": "crm-1"
        })).await;
        let first_id = first.assert_status(201)["id"].as_str().unwrap().to_owned();
        for (body, field) in [
            (json!({ "phone": "+44 (7700) 900200" }), "phone"),
            (json!({ "email": "DUP@example.com" }), "email"),
            (json!({ "external_id": "crm-1" }), "external_id"),
        ] {
            let res = app.post_json("/v1/contacts", body).await;
            let p = res.assert_problem(409, "contact_exists");
            assert_eq!((p["field"].as_str(), p["existing_id"].as_str()), (Some(field), Some(first_id.as_str())));
        }
        // Changing another contact onto a taken key is the same conflict, and changes nothing.
        let second = app.post_json("/v1/contacts", json!({ "name": "Second" })).await;
        let second_id = second.assert_status(201)["id"].as_str().unwrap().to_owned();
        let res = app.patch_json(&format!("/v1/contacts/{second_id}"), json!({ "name": "Renamed", "email": "dup@example.com" })).await;
        assert_eq!(res.assert_problem(409, "contact_exists")["existing_id"], first_id.as_str());
        assert_eq!(app.get(&format!("/v1/contacts/{second_id}")).await.json["name"], "Second");
        app.assert_tenant_isolation().await;
    }

    async fn upserts_by_phone_email_and_external_id(app) {
        let res = app.call(Method::PUT, "/v1/contacts/by-phone/+447700900300").json(json!({ "name": "Caio" })).send().await;
        let created = res.assert_status(201).clone();
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["phone"], "+447700900300");
        // The same number, written without `+` or percent-encoded: the same contact, updated.
        let res = app.call(Method::PUT, "/v1/contacts/by-phone/447700900300").json(json!({ "language": "en" })).send().await;
        let updated = res.assert_status(200).clone();
        assert_eq!((updated["id"].as_str(), updated["name"].as_str(), updated["language"].as_str()), (Some(id.as_str()), Some("Caio"), Some("en")));
        let res = app.call(Method::PUT, "/v1/contacts/by-phone/%2B447700900300").json(json!({})).send().await;
        assert_eq!(res.assert_status(200)["id"], id.as_str());

        let res = app.call(Method::PUT, "/v1/contacts/by-email/Dora@Example.com").json(json!({ "name": "Dora" })).send().await;
        let dora = res.assert_status(201)["id"].as_str().unwrap().to_owned();
        let res = app.call(Method::PUT, "/v1/contacts/by-email/dora@example.com").json(json!({ "email": "DORA@example.com", "tags": ["x"] })).send().await;
        assert_eq!(res.assert_status(200)["id"], dora.as_str());

        let res = app.call(Method::PUT, "/v1/contacts/by-external-id/crm-42").json(json!({ "phone": "+447700900301" })).send().await;
        let ext = res.assert_status(201).clone();
        assert_eq!(ext["external_id"], "crm-42");
        let res = app.call(Method::PUT, "/v1/contacts/by-external-id/crm-42").json(json!({ "blocked": true })).send().await;
        assert_eq!(res.assert_status(200)["blocked"], true);

        // A body contradicting its path, a bad key, and a key held through another field.
        let res = app.call(Method::PUT, "/v1/contacts/by-phone/+447700900300").json(json!({ "phone": "+447700900999" })).send().await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "phone");
        let res = app.call(Method::PUT, "/v1/contacts/by-email/dora@example.com").json(json!({ "email": null })).send().await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "email");
        let res = app.call(Method::PUT, "/v1/contacts/by-phone/12").json(json!({})).send().await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "phone");
        let res = app.call(Method::PUT, "/v1/contacts/by-external-id/crm-43").json(json!({ "phone": "+447700900300" })).send().await;
        assert_eq!(res.assert_problem(409, "contact_exists")["existing_id"], id.as_str());
        let list = app.get("/v1/contacts").await;
        assert_eq!(list.assert_status(200)["data"].as_array().unwrap().len(), 3, "nothing half-written");

        app.get(&format!("/v1/contacts/{id}")).await.assert_status(200);
        app.assert_tenant_isolation().await;
        // As another organization the same upsert creates its own contact, never touching ours.
        let other = app.other_org().await.clone();
        let res = app.call(Method::PUT, "/v1/contacts/by-phone/+447700900300").bearer(&other.key).json(json!({ "name": "Theirs" })).send().await;
        assert_ne!(res.assert_status(201)["id"], id.as_str());
        assert_eq!(app.get(&format!("/v1/contacts/{id}")).await.json["name"], "Caio");
    }

    async fn bad_contact_input_is_refused_with_its_field(app) {
        for (body, field) in [
            (json!({ "phone": "07700 900123" }), "phone"),
            (json!({ "phone": "+0123456789" }), "phone"),
            (json!({ "email": "not-an-address" }), "email"),
            (json!({ "birthdate": "28/02/1990" }), "birthdate"),
            (json!({ "language": "english please" }), "language"),
            (json!({ "tags": ["ok", " "] }), "tags"),
            (json!({ "attributes": { "has space": 1 } }), "attributes"),
            (json!({ "external_id": "" }), "external_id"),
            (json!({ "name": "x".repeat(201) }), "name"),
            (json!({ "nickname": "typo" }), "body"),
            (json!({ "attributes": [1, 2] }), "body"),
        ] {
            let res = app.post_json("/v1/contacts", body.clone()).await;
            assert_eq!(res.assert_problem(422, "validation_failed")["field"], field, "{body}");
        }
        app.call(Method::POST, "/v1/contacts").raw("application/json", "{").send().await.assert_problem(400, "malformed_json");
        let res = app.get("/v1/contacts").await;
        assert_eq!(res.assert_status(200)["data"], json!([]), "nothing was created");
        app.get("/v1/contacts/not-an-id").await.assert_problem(404, "not_found");
    }

    async fn idempotent_creates_and_documented_routes(app) {
        let body = json!({ "name": "Once", "phone": "+447700900500" });
        let first = app.call(Method::POST, "/v1/contacts").header("idempotency-key", "c-1").json(body.clone()).send().await;
        let again = app.call(Method::POST, "/v1/contacts").header("idempotency-key", "c-1").json(body.clone()).send().await;
        assert_eq!((first.status, again.status), (201, 201));
        assert_eq!(first.json["id"], again.json["id"], "the replay answers the first contact");
        let list = app.get("/v1/contacts").await;
        assert_eq!(list.assert_status(200)["data"].as_array().unwrap().len(), 1);
        // Without the key, the same body is a duplicate.
        let dup = app.post_json("/v1/contacts", body).await;
        assert_eq!(dup.assert_problem(409, "contact_exists")["existing_id"], first.json["id"]);

        let doc = app.call(Method::GET, "/v1/openapi.json").send().await;
        let paths = doc.assert_status(200)["paths"].clone();
        for path in ["/v1/contacts", "/v1/contacts/{id}", "/v1/contacts/{id}/identities",
            "/v1/contacts/by-phone/{phone}", "/v1/contacts/by-email/{email}",
            "/v1/contacts/by-external-id/{external_id}", "/v1/conversations",
            "/v1/conversations/{id}", "/v1/conversations/{id}/notes",
            "/v1/conversations/{id}/events", "/v1/conversations/{id}/read"] {
            assert!(paths.get(path).is_some(), "{path} is documented");
        }
        assert!(paths["/v1/contacts/by-phone/{phone}"].get("put").is_some());
        assert!(paths["/v1/conversations/{id}"].get("patch").is_some());
        app.assert_tenant_isolation().await;
    }
}
