//! `POST /v1/contacts/imports`: an exact report for good and broken rows, a dry run that writes
//! nothing, duplicates within the file and against stored contacts, whole-file refusals, and a
//! 50,000-row import, on both backends through real HTTP.

mod contacts_csv;

use contacts_csv::{export_as, import, import_as, records};
use serde_json::{Value, json};
use switchboard_test_support::{TestApp, both_backends};

fn mapping() -> Value {
    json!({
        "Name": "name", "Mobile": "phone", "E-mail": "email", "Tags": "tags",
        "Plan": "attributes.plan", "Score": "attributes.score:number", "Notes": "notes"
    })
}

const FILE: &str = "\u{feff}Name,Mobile,E-mail,Tags,Plan,Score,Notes
Ana,+447700900001,Ana@Example.com,vip|lead,gold,5,=1+1
Bob,+447700900002,,,silver,abc,
Cy,12,cy@example.com,,,,
Di,+447700900003,not-an-email,,,,
Ana Again,447700900001,,,,,
Xavier Jr,+447700900100,,new,,,
,,,,,,
Eve,,eve@example.com,,,7,
X again,,x@example.com,,,,
Both,+447700900200,z@example.com,,,,
Fay,+447700900005,,\"a, b\",,2.5,
";

fn rejected(row: u64, column: Option<&str>, code: &str) -> Value {
    json!({ "row": row, "column": column, "code": code })
}

/// The report's rejected rows without their human-readable detail.
fn codes(report: &Value) -> Vec<Value> {
    report["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| json!({ "row": r["row"], "column": r["column"], "code": r["code"] }))
        .collect()
}

async fn all_contacts(app: &TestApp) -> Vec<Value> {
    let page = app.get("/v1/contacts?limit=200").await;
    page.assert_status(200)["data"]
        .as_array()
        .expect("data")
        .clone()
}

fn by_phone<'a>(contacts: &'a [Value], phone: &str) -> &'a Value {
    contacts
        .iter()
        .find(|c| c["phone"] == phone)
        .unwrap_or_else(|| panic!("a contact with {phone} in {contacts:?}"))
}

both_backends! {
    async fn import_reports_every_row_and_writes_only_good_ones(app) {
        let x = app.post_json("/v1/contacts", json!({
            "name": "Xavier", "phone": "+447700900100", "email": "x@example.com",
            "tags": ["old"], "attributes": { "plan": "bronze" }
        })).await.assert_status(201).clone();
        app.post_json("/v1/contacts", json!({ "phone": "+447700900200", "email": "y@example.com" }))
            .await.assert_status(201);
        app.post_json("/v1/contacts", json!({ "email": "z@example.com" })).await.assert_status(201);
        let before = all_contacts(&app).await;

        let expected_rejections = vec![
            rejected(3, Some("Score"), "invalid_attribute"),
            rejected(4, Some("Mobile"), "invalid_phone"),
            rejected(5, Some("E-mail"), "invalid_email"),
            rejected(6, Some("Mobile"), "duplicate_in_file"),
            rejected(8, None, "no_identifier"),
            rejected(10, None, "duplicate_in_file"),
            rejected(11, Some("E-mail"), "contact_exists"),
        ];
        let dry = import(&app, FILE, &mapping(), &[("dry_run", "true")]).await;
        assert_eq!(
            (&dry["rows"], &dry["created"], &dry["updated"], &dry["unchanged"], &dry["skipped"], &dry["dry_run"]),
            (&json!(11), &json!(3), &json!(1), &json!(0), &json!(0), &json!(true)),
            "{dry}"
        );
        assert_eq!(codes(&dry), expected_rejections);
        assert_eq!(dry["rejected"][4]["detail"], "the row has no phone, e-mail or external id to match a contact by");
        assert_eq!(dry["rejected"][3]["detail"], "row 2 has the same phone");
        assert_eq!(all_contacts(&app).await, before, "a dry run writes nothing");

        let report = import(&app, FILE, &mapping(), &[]).await;
        assert_eq!(
            (&report["rows"], &report["created"], &report["updated"], &report["dry_run"]),
            (&json!(11), &json!(3), &json!(1), &json!(false)),
            "{report}"
        );
        assert_eq!(codes(&report), expected_rejections);

        let contacts = all_contacts(&app).await;
        assert_eq!(contacts.len(), 6, "three before, three created: {contacts:?}");
        let ana = by_phone(&contacts, "+447700900001");
        assert_eq!(ana["name"], "Ana");
        assert_eq!(ana["email"], "ana@example.com");
        assert_eq!(ana["tags"], json!(["vip", "lead"]));
        assert_eq!(ana["attributes"], json!({ "plan": "gold", "score": 5 }));
        assert_eq!(ana["notes"], "=1+1", "stored as given; only the export escapes it");
        let fay = by_phone(&contacts, "+447700900005");
        assert_eq!((&fay["tags"], &fay["attributes"]), (&json!(["a", "b"]), &json!({ "score": 2.5 })));
        let eve = contacts.iter().find(|c| c["email"] == "eve@example.com").expect("eve");
        assert_eq!(eve["attributes"], json!({ "score": 7 }));
        // The update keeps what the row does not mention, adds tags, and keeps the attributes.
        let xavier = app.get(&format!("/v1/contacts/{}", x["id"].as_str().unwrap())).await;
        let xavier = xavier.assert_status(200);
        assert_eq!(xavier["name"], "Xavier Jr");
        assert_eq!(xavier["email"], "x@example.com");
        assert_eq!(xavier["tags"], json!(["old", "new"]));
        assert_eq!(xavier["attributes"], json!({ "plan": "bronze" }));
        for phone in ["+447700900002", "+447700900003"] {
            assert!(!contacts.iter().any(|c| c["phone"] == phone), "rejected rows write nothing");
        }
        let y = by_phone(&contacts, "+447700900200");
        assert_eq!(y["email"], "y@example.com", "the refused row left Y alone");

        // One audit entry per import (the dry run has none), with the counts.
        let audit = app.get("/v1/audit-log?action=contact.imported").await;
        let entries = audit.assert_status(200)["data"].as_array().unwrap().clone();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0]["details"], json!({
            "rows": 11, "created": 3, "updated": 1, "unchanged": 0, "skipped": 0, "rejected": 7
        }));

        // Again: nothing new; with `skip`, rows matching a contact are skipped.
        let again = import(&app, FILE, &mapping(), &[]).await;
        assert_eq!((&again["created"], &again["updated"], &again["unchanged"]), (&json!(0), &json!(0), &json!(4)), "{again}");
        let skip = import(&app, FILE, &mapping(), &[("on_duplicate", "skip")]).await;
        assert_eq!((&skip["created"], &skip["skipped"]), (&json!(0), &json!(4)), "{skip}");
        assert_eq!(all_contacts(&app).await.len(), 6);

        // Rows are numbered as a spreadsheet shows them: a blank line is a row, a quoted cell's
        // line break is not.
        let sheet = "Mobile,Notes\n+447700900501,\"two\nlines\"\n\nbad-phone,x\n";
        let m = json!({ "Mobile": "phone", "Notes": "notes" });
        let report = import(&app, sheet, &m, &[]).await;
        assert_eq!(codes(&report), vec![rejected(4, Some("Mobile"), "invalid_phone")], "{report}");
        assert_eq!(report["created"], 1);

        // `;` files (a comma-decimal locale's spreadsheet) are detected.
        let semi = "Mobile;Score\n+447700900006;3\n";
        let m = json!({ "Mobile": "phone", "Score": "attributes.score:number" });
        let report = import(&app, semi, &m, &[]).await;
        assert_eq!((&report["created"], &report["rejected"]), (&json!(1), &json!([])), "{report}");
    }

    async fn whole_file_problems_refuse_the_import_and_write_nothing(app) {
        let good = json!({ "Mobile": "phone" });
        let cases: Vec<(Vec<u8>, Value, &str)> = vec![
            (b"Mobile\n+447700900001\n".to_vec(), json!("phone"), "mapping_invalid"),
            (b"Mobile\n+447700900001\n".to_vec(), json!({ "Phone": "phone" }), "mapping_unknown_column"),
            (b"Mobile\n+447700900001\n".to_vec(), json!({ "Mobile": "telephone" }), "mapping_unknown_target"),
            (b"Mobile,Score\n+447700900001,1\n".to_vec(), json!({ "Mobile": "phone", "Score": "attributes.score:int" }), "mapping_unknown_target"),
            (b"Name,Mobile\nAna,+447700900001\n".to_vec(), json!({ "Name": "name" }), "mapping_no_identifier"),
            (b"Mobile,Other\n+447700900001,+447700900002\n".to_vec(), json!({ "Mobile": "phone", "Other": "phone" }), "mapping_duplicate_target"),
            (b"Mobile,Mobile\n+447700900001,x\n".to_vec(), good.clone(), "csv_duplicate_header"),
            (b"Mobile\n+44770\xff0900001\n".to_vec(), good.clone(), "csv_invalid_utf8"),
            (b"".to_vec(), good.clone(), "csv_no_header"),
            (b"\n\n".to_vec(), good.clone(), "csv_no_header"),
            (b"Mobile\n+447700900001\0\n".to_vec(), good.clone(), "csv_malformed"),
        ];
        for (file, mapping, code) in cases {
            let res = import_as(&app, None, &file, &mapping, &[]).await;
            res.assert_problem(422, code);
        }
        let mut big = String::from("Mobile\n");
        for i in 0..100_001u64 {
            big.push_str(&format!("+4477{i:08}\n"));
        }
        import_as(&app, None, big.as_bytes(), &good, &[]).await.assert_problem(422, "csv_too_large");
        // Past 20 MB the file is refused whole. (A body past the route's limit is answered 413
        // before it is read, which a client still sending may see as a reset: not asserted.)
        let mut huge = b"Mobile\n".to_vec();
        huge.resize(21_000_000, b'1');
        import_as(&app, None, &huge, &good, &[]).await.assert_problem(422, "csv_too_large");
        import_as(&app, None, b"Mobile\n+447700900001\n", &good, &[("delimiter", "|")])
            .await.assert_problem(422, "validation_failed");
        import_as(&app, None, b"Mobile\n+447700900001\n", &good, &[("on_duplicate", "merge")])
            .await.assert_problem(422, "validation_failed");
        let json_body = app.post_json("/v1/contacts/imports", json!({ "file": "Mobile" })).await;
        json_body.assert_problem(415, "unsupported_media_type");
        assert!(all_contacts(&app).await.is_empty(), "nothing was written");
    }

    async fn fifty_thousand_rows_import_and_export(app) {
        let mut file = String::from("phone,email,name,Tier\n");
        for i in 0..50_000u64 {
            file.push_str(&format!("+4479{i:08},c{i}@example.com,Customer {i},{}\n", i % 3));
        }
        // One broken row at the end, so the tail of the last chunk is checked too.
        file.push_str("+4479,bad@example.com,Broken,1\n");
        let m = json!({ "phone": "phone", "email": "email", "name": "name", "Tier": "attributes.tier:number" });
        let report = import(&app, &file, &m, &[]).await;
        assert_eq!((&report["rows"], &report["created"]), (&json!(50_001), &json!(50_000)), "{}", report["rejected"]);
        assert_eq!(codes(&report), vec![rejected(50_002, Some("phone"), "invalid_phone")]);
        let csv = export_as(&app, None, "").await;
        let rows = records(&csv);
        assert_eq!(rows.len(), 50_001, "header and every contact");
        assert_eq!(rows[0].last().map(String::as_str), Some("attributes.tier:number"));
        let tiers = rows[1..].iter().filter(|r| r.last().map(String::as_str) == Some("2")).count();
        assert_eq!(tiers, 16_666);
    }
}
