//! Inbound media end to end: a customer's image arrives through the sandbox's signed webhook, its
//! `media.fetch` job is enqueued once (however often the webhook is redelivered), and the handler
//! downloads the bytes from the sandbox through the channel's connector, checks the webhook's
//! digest, keeps the file under the media directory and records it as the message's media row.

mod inbound_support;

use inbound_support::{CUSTOMER, Sandbox, conversations, messages, post_hook};
use serde_json::json;
use switchboard_core::ingest::MEDIA_FETCH;
use switchboard_domain::{MessageId, OrgId};
use switchboard_jobs::{JobError, JobHandler};
use switchboard_store::{JobFilter, MediaOrigin, PageRequest};
use switchboard_test_support::both_backends;

both_backends! {
    async fn an_inbound_image_is_fetched_once_and_kept(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        // "hello media", as the customer's photo.
        sb.customer_sends(&ch.phone_number_id, CUSTOMER, json!({
            "type": "image",
            "image": {"data_base64": "aGVsbG8gbWVkaWE=", "mime_type": "image/png"},
        }))
        .await;
        let delivery = sb.deliveries(&ch.phone_number_id).await.last().expect("delivery").clone();
        let again = post_hook(
            &app,
            ch.id,
            delivery["body"].as_str().expect("body"),
            delivery["signature"].as_str(),
        )
        .await;
        assert_eq!(again.json["duplicates"], 1, "{}", again.text);

        let org = OrgId(app.org.id);
        let filter = JobFilter { org_id: Some(org), state: None, kind: Some(MEDIA_FETCH.into()) };
        let jobs = app.store.list_jobs(&filter, PageRequest::first(10)).await.expect("jobs").items;
        let [job] = jobs.as_slice() else { panic!("one fetch job after a redelivery: {jobs:?}") };

        let convs = conversations(&app, ch.id).await;
        let msgs = messages(&app, convs[0]["id"].as_str().expect("id")).await;
        let message_id = msgs[0]["id"].as_str().expect("message id").to_owned();
        assert_eq!(job.payload["message_id"], message_id.as_str());
        assert_eq!(job.payload["channel_id"], ch.id.to_string());
        assert_eq!(job.payload["media_id"], msgs[0]["content"]["id"].clone());
        assert!(job.payload["sha256"].is_string(), "the webhook's digest rides along: {}", job.payload);

        let dir = tempfile::tempdir().expect("media dir");
        let fetcher = app.core.media_fetcher(dir.path());
        fetcher.run(job).await.expect("fetched");
        let message = MessageId(message_id.parse().expect("uuid"));
        let rows = app.store.media_of_messages(org, &[message]).await.expect("media rows");
        let [row] = rows.as_slice() else { panic!("one media row: {rows:?}") };
        assert_eq!(row.origin, MediaOrigin::Inbound);
        assert_eq!((row.mime.as_str(), row.size), ("image/png", 11));
        let path = dir.path().join(&row.storage_key);
        assert_eq!(std::fs::read(&path).expect("kept"), b"hello media");
        // A rerun after a crash finds the row and does nothing else.
        fetcher.run(job).await.expect("idempotent");
        let again = app.store.media_of_messages(org, &[message]).await.expect("media rows");
        assert_eq!(again, rows, "still the one row");

        // A media id the provider does not know is final, not retried for a day.
        let mut lost = job.clone();
        lost.payload["media_id"] = json!("000000000000000");
        lost.payload["message_id"] = json!(MessageId::new());
        let err = fetcher.run(&lost).await.expect_err("unknown media");
        assert!(matches!(err, JobError::Permanent { .. }), "{err:?}");

        // A digest that does not match the bytes is retried: the download was not the file.
        let mut garbled = job.clone();
        garbled.payload["sha256"] = json!("0".repeat(64));
        garbled.payload["message_id"] = json!(MessageId::new());
        let err = fetcher.run(&garbled).await.expect_err("digest mismatch");
        assert!(matches!(err, JobError::Retry { .. }), "{err:?}");
    }
}
