//! `GET /v1/contacts/export` and `POST /v1/contacts/{id}/merge`: the export's columns and its
//! formula escaping, an export imported into another organization giving the same contacts,
//! merging (identities, conversations and messages move; a later message from a moved identity
//! lands on the survivor), channel-restricted keys, and tenant isolation, on both backends.

mod contacts_csv;
mod conversations_seed;

use contacts_csv::{export_as, import, import_as, records};
use conversations_seed::{channel, inbound, wa_number};
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_domain::ChannelKind;
use switchboard_test_support::both_backends;

/// The export's rows without the columns that differ between organizations (id and times).
fn comparable(csv: &str) -> Vec<Vec<String>> {
    let rows = records(csv);
    let header = rows[0].clone();
    let keep: Vec<usize> = (0..header.len())
        .filter(|i| !["id", "created_at", "updated_at"].contains(&header[*i].as_str()))
        .collect();
    let mut out: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            keep.iter()
                .map(|i| r.get(*i).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    out[1..].sort();
    out
}

/// The mapping that imports an export back: every column to the target of its own name, the
/// columns an import does not set ignored.
pub fn mapping_of_export(csv: &str) -> Value {
    let header = records(csv).into_iter().next().expect("header");
    let mut m = serde_json::Map::new();
    for h in header {
        let target = match h.as_str() {
            "id" | "blocked" | "created_at" | "updated_at" => "ignore".to_owned(),
            other => other.to_owned(),
        };
        m.insert(h, Value::String(target));
    }
    Value::Object(m)
}

both_backends! {
    async fn export_escapes_formulas_and_imports_back_the_same(app) {
        app.post_json("/v1/contacts", json!({
            "name": "=HYPERLINK(\"http://evil.example\",\"click\")",
            "phone": "+447700900301", "email": "a@example.com", "external_id": "@crm-1",
            "address": "1 Main St\nDublin", "birthdate": "1990-02-28", "language": "en-IE",
            "notes": "-5 and, \"quoted\"", "tags": ["vip", "b"],
            "attributes": { "plan": "gold", "seats": -3, "trial": true, "meta": { "a": [1] }, "mixed": "x" }
        })).await.assert_status(201);
        app.post_json("/v1/contacts", json!({
            "name": "'=already quoted", "email": "b@example.com", "blocked": true,
            "attributes": { "mixed": 2, "plan": "+silver" }
        })).await.assert_status(201);
        app.post_json("/v1/contacts", json!({ "external_id": "plain" })).await.assert_status(201);

        let csv = export_as(&app, None, "").await;
        let rows = records(&csv);
        assert_eq!(rows[0], [
            "id", "name", "phone", "email", "external_id", "address", "birthdate", "language",
            "notes", "tags", "blocked", "created_at", "updated_at", "attributes.meta:json",
            "attributes.mixed:json", "attributes.plan", "attributes.seats:number",
            "attributes.trial:boolean",
        ]);
        assert_eq!(rows.len(), 4);
        let first = &rows[1];
        assert_eq!(first[1], "'=HYPERLINK(\"http://evil.example\",\"click\")");
        assert_eq!(first[2], "'+447700900301");
        assert_eq!(first[4], "'@crm-1");
        assert_eq!(first[8], "'-5 and, \"quoted\"");
        assert_eq!(first[9], "vip|b");
        assert_eq!((&first[13][..], &first[14][..], &first[15][..], &first[16][..], &first[17][..]),
            ("{\"a\":[1]}", "\"x\"", "gold", "'-3", "true"));
        let second = &rows[2];
        assert_eq!((&second[1][..], &second[10][..], &second[14][..], &second[15][..]),
            ("''=already quoted", "true", "2", "'+silver"));
        // No cell of the file starts with a formula character.
        for row in &rows {
            for cell in row {
                assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
            }
        }
        // Filters apply as in the listing.
        let vip = records(&export_as(&app, None, "?tag=vip").await);
        assert_eq!(vip.len(), 2);

        // Imported into another organization, the export gives the same contacts (blocked is not
        // imported: an import never blocks anyone).
        let other = app.other_org().await.clone();
        let mapping = mapping_of_export(&csv);
        let res = import_as(&app, Some(&other.key), csv.as_bytes(), &mapping, &[]).await;
        let report = res.assert_status(200).clone();
        assert_eq!((&report["created"], &report["rejected"]), (&json!(3), &json!([])), "{report}");
        let theirs = export_as(&app, Some(&other.key), "").await;
        let mut ours = comparable(&csv);
        for row in ours.iter_mut().skip(1) {
            row[9] = "false".to_owned();
        }
        let mut ours_sorted = ours.clone();
        ours_sorted[1..].sort();
        assert_eq!(comparable(&theirs), ours_sorted);
        // And back into the same organization, nothing changes.
        let again = import(&app, &csv, &mapping, &[]).await;
        assert_eq!((&again["unchanged"], &again["rejected"]), (&json!(3), &json!([])), "{again}");

        // Another organization's export holds none of our ids.
        for row in &rows[1..] {
            assert!(!theirs.contains(&row[0]), "{theirs}");
        }
        app.assert_tenant_isolation().await;
    }

    async fn merge_moves_history_and_later_messages_find_the_survivor(app) {
        let ch = channel(&app, ChannelKind::Whatsapp).await;
        let number = wa_number();
        let first = inbound(&app, ch, &number, "hi, it's me").await;
        let gone = first.contact_id.0.to_string();
        app.patch_json(&format!("/v1/contacts/{gone}"), json!({
            "tags": ["whatsapp"], "attributes": { "plan": "free", "source": "wa" }
        })).await.assert_status(200);
        let keep = app.post_json("/v1/contacts", json!({
            "name": "Ana Silva", "email": "ana@example.com", "tags": ["crm"],
            "attributes": { "plan": "gold" }
        })).await.assert_status(201).clone();
        let id = keep["id"].as_str().unwrap().to_owned();

        app.post_json(&format!("/v1/contacts/{id}/merge"), json!({ "from": id }))
            .await.assert_problem(422, "merge_into_self");
        let merged = app.post_json(&format!("/v1/contacts/{id}/merge"), json!({ "from": gone })).await;
        let merged = merged.assert_status(200).clone();
        assert_eq!(merged["id"], id.as_str());
        assert_eq!(merged["name"], "Ana Silva", "the survivor's own values win");
        assert_eq!(merged["phone"], format!("+{number}"), "a missing phone is taken over");
        assert_eq!(merged["tags"], json!(["crm", "whatsapp"]));
        assert_eq!(merged["attributes"], json!({ "plan": "gold", "source": "wa" }));
        app.get(&format!("/v1/contacts/{gone}")).await.assert_problem(404, "not_found");
        let ids = app.get(&format!("/v1/contacts/{id}/identities")).await;
        assert_eq!(ids.assert_status(200)["data"][0]["address"], number.as_str());
        let conv = app.get(&format!("/v1/conversations/{}", first.conversation_id.0)).await;
        assert_eq!(conv.assert_status(200)["contact_id"], id.as_str());
        // Read from the store: the message view's field casing is being changed elsewhere.
        let org = switchboard_domain::OrgId(app.org.id);
        let msg = app.store.get_message(org, first.message_id).await.expect("message");
        assert_eq!(msg.contact_id.0.to_string(), id);

        let later = inbound(&app, ch, &number, "me again").await;
        assert_eq!(later.contact_id.0.to_string(), id);
        assert_eq!(later.conversation_id, first.conversation_id);

        let audit = app.get("/v1/audit-log?action=contact.merged").await;
        let entry = audit.assert_status(200)["data"][0].clone();
        assert_eq!((&entry["target_id"], &entry["details"]["merged"]), (&json!(id), &json!(gone)));

        // Another organization's contact is not found, either way round.
        let other = app.other_org().await.clone();
        let theirs = app.call(Method::POST, "/v1/contacts").bearer(&other.key)
            .json(json!({ "name": "Theirs" })).send().await;
        let theirs = theirs.assert_status(201)["id"].as_str().unwrap().to_owned();
        app.post_json(&format!("/v1/contacts/{id}/merge"), json!({ "from": theirs }))
            .await.assert_problem(404, "not_found");
        app.call(Method::POST, &format!("/v1/contacts/{theirs}/merge")).bearer(&other.key)
            .json(json!({ "from": id })).send().await.assert_problem(404, "not_found");
        app.assert_tenant_isolation().await;
    }

    async fn channel_restricted_keys_export_their_contacts_and_cannot_import_or_merge(app) {
        let a = channel(&app, ChannelKind::Whatsapp).await;
        let b = channel(&app, ChannelKind::Whatsapp).await;
        let on_a = inbound(&app, a, &wa_number(), "on a").await.contact_id.0.to_string();
        let on_b = inbound(&app, b, &wa_number(), "on b").await.contact_id.0.to_string();
        let (_, key) = app.create_api_key(json!({
            "name": "channel A", "scopes": ["contacts:read", "contacts:write"], "channel_ids": [a]
        })).await;
        let csv = export_as(&app, Some(&key), "").await;
        let rows = records(&csv);
        assert_eq!(rows.len(), 2, "{csv}");
        assert_eq!(rows[1][0], on_a);
        let res = import_as(&app, Some(&key), b"Mobile\n+447700900401\n", &json!({ "Mobile": "phone" }), &[]).await;
        res.assert_problem(403, "channel_not_allowed");
        let res = app.call(Method::POST, &format!("/v1/contacts/{on_a}/merge")).bearer(&key)
            .json(json!({ "from": on_b })).send().await;
        res.assert_problem(403, "channel_not_allowed");
        let (_, reader) = app.create_api_key(json!({ "name": "reader", "scopes": ["contacts:read"] })).await;
        let res = import_as(&app, Some(&reader), b"Mobile\n+447700900401\n", &json!({ "Mobile": "phone" }), &[]).await;
        res.assert_problem(403, "insufficient_scope");
        assert_eq!(records(&export_as(&app, None, "").await).len(), 3, "nothing was imported");

        let doc = app.call(Method::GET, "/v1/openapi.json").send().await;
        let paths = doc.assert_status(200)["paths"].clone();
        assert!(paths["/v1/contacts/imports"].get("post").is_some(), "import is documented");
        assert!(paths["/v1/contacts/export"].get("get").is_some(), "export is documented");
        assert!(paths["/v1/contacts/{id}/merge"].get("post").is_some(), "merge is documented");
    }

    async fn contact_changes_are_told_as_events(app) {
        let c = app.post_json("/v1/contacts", json!({ "name": "Ana", "tags": ["a"] })).await;
        let id = c.assert_status(201)["id"].as_str().unwrap().to_owned();
        app.patch_json(&format!("/v1/contacts/{id}"), json!({ "name": "Ana" })).await.assert_status(200);
        app.patch_json(&format!("/v1/contacts/{id}"), json!({
            "name": null, "email": "ana@example.com", "tags": ["a", "b"]
        })).await.assert_status(200);
        let other = app.post_json("/v1/contacts", json!({ "phone": "+447700900601" })).await;
        let other = other.assert_status(201)["id"].as_str().unwrap().to_owned();
        app.post_json(&format!("/v1/contacts/{id}/merge"), json!({ "from": other }))
            .await.assert_status(200);
        app.delete(&format!("/v1/contacts/{id}")).await.assert_status(204);

        let org = switchboard_domain::OrgId(app.org.id);
        let page = switchboard_store::PageRequest::first(100);
        let events = app.store.list_events(org, &Default::default(), page).await.expect("events");
        let told: Vec<(String, Value)> = events.items.into_iter()
            .filter(|e| e.kind != "contact.created")
            .map(|e| (e.kind, e.payload))
            .collect();
        assert_eq!(told, vec![
            // The unchanged PATCH tells nothing.
            ("contact.updated".to_owned(), json!({ "contact_id": id, "changes": {
                "name": null, "email": "ana@example.com", "tags": ["a", "b"] } })),
            ("contact.merged".to_owned(), json!({ "survivor": id, "merged": other })),
            ("contact.updated".to_owned(), json!({ "contact_id": id, "changes": {
                "phone": "+447700900601" } })),
            ("contact.deleted".to_owned(), json!({ "contact_id": id, "phone": "+447700900601",
                "email": "ana@example.com", "external_id": null })),
        ]);
    }
}
