//! The media API through real HTTP: upload (multipart) with the channel's type and size limits
//! checked against the file's bytes, the description with a signed link, the public download
//! (exact bytes, stored type, tampered and expired links refused), the authenticated download,
//! delete, channel-limited keys, and another organization seeing none of it.

mod media_support;

use media_support::{MULTIPART, Part, fetch, id_of, png, upload, upload_as, webp, with_param};
use reqwest::Method;
use serde_json::json;
use switchboard_core::media::UrlSigner;
use switchboard_domain::MediaId;
use switchboard_test_support::{Auth, both_backends};

both_backends! {
    async fn an_upload_is_described_downloaded_and_deleted(app) {
        let ch = app.whatsapp_channel().await;
        let bytes = png(4096);
        let channel = ch.id.to_string();
        let res = upload(&app, &[
            Part::Text("channel_id", &channel),
            Part::Text("kind", "image"),
            Part::File("file", "Reçu mai.png", "image/png", &bytes),
        ]).await;
        let created = res.assert_status(201).clone();
        assert_eq!(created["kind"], "image");
        assert_eq!(created["mime"], "image/png");
        assert_eq!(created["size"], 4096);
        assert_eq!(created["filename"], "Reçu mai.png");
        assert_eq!(created["channel_id"], channel.as_str());
        assert_eq!(created["origin"], "upload");
        assert_eq!(created["sha256"].as_str().map(str::len), Some(64), "{created}");
        assert!(created["url_expires_at"].is_string());
        let id = id_of(&created);

        let (status, headers, body) = fetch(created["url"].as_str().expect("url")).await;
        assert_eq!(status, 200);
        assert_eq!(body, bytes, "the exact bytes");
        assert_eq!(headers["content-type"], "image/png");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let disposition = headers["content-disposition"].to_str().expect("ascii");
        assert_eq!(
            disposition,
            "inline; filename=\"Re_u mai.png\"; filename*=UTF-8''Re%C3%A7u%20mai.png"
        );

        let got = app.get(&format!("/v1/media/{id}")).await.assert_status(200).clone();
        assert_eq!(got["sha256"], created["sha256"]);
        let url = got["url"].as_str().expect("fresh url").to_owned();
        let tampered = with_param(&url, "signature", &"0".repeat(64));
        let p = app.call(Method::GET, tampered.trim_start_matches(&app.base_url))
            .auth(Auth::None).send().await;
        p.assert_problem(403, "media_link_invalid");
        let stretched = with_param(&url, "expires", "99999999999");
        let (status, _, _) = fetch(&stretched).await;
        assert_eq!(status, 403, "an expiry moved by hand breaks the signature");

        let signer = UrlSigner::new(app.core.master_key());
        let media_id: MediaId = id.parse().expect("uuid");
        let old = signer.sign(media_id, switchboard_domain::now() - time::Duration::minutes(1));
        let p = app.call(Method::GET, &old.path_and_query).auth(Auth::None).send().await;
        p.assert_problem(403, "media_link_expired");
        let p = app.call(Method::GET, &format!("/media/{id}")).auth(Auth::None).send().await;
        p.assert_problem(403, "media_link_invalid");

        let content = app.get(&format!("/v1/media/{id}/content")).await;
        assert_eq!(content.status, 200);
        assert_eq!(content.header("content-type"), Some("image/png"));
        assert_eq!(content.header("content-length"), Some("4096"));

        app.assert_tenant_isolation().await;

        app.delete(&format!("/v1/media/{id}")).await.assert_status(204);
        app.get(&format!("/v1/media/{id}")).await.assert_problem(404, "not_found");
        let (status, _, _) = fetch(&url).await;
        assert_eq!(status, 404, "a deleted file's link finds nothing");
    }

    async fn files_the_channel_cannot_carry_are_refused(app) {
        let ch = app.whatsapp_channel().await;
        let channel = ch.id.to_string();
        let as_jpeg = upload(&app, &[
            Part::Text("channel_id", &channel),
            Part::File("file", "a.jpg", "image/jpeg", &png(100)),
        ]).await;
        let p = as_jpeg.assert_problem(415, "unsupported_media_type");
        assert!(p["detail"].as_str().is_some_and(|d| d.contains("image/jpeg")), "{p}");
        let text_as_image = upload(&app, &[
            Part::File("file", "notes.png", "image/png", b"just some notes\n"),
        ]).await;
        text_as_image.assert_problem(415, "unsupported_media_type");
        let pdf_as_image = upload(&app, &[
            Part::Text("kind", "image"),
            Part::File("file", "a.pdf", "application/pdf", b"%PDF-1.7\n"),
        ]).await;
        pdf_as_image.assert_problem(415, "unsupported_media_type");

        // A 150 KB sticker is over WhatsApp's 100 KB; a 5 MB + 1 image over its 5 MB.
        let sticker = upload(&app, &[
            Part::Text("channel_id", &channel),
            Part::File("file", "s.webp", "image/webp", &webp(150 * 1024)),
        ]).await;
        let p = sticker.assert_problem(413, "media_too_large");
        assert_eq!(p["limit_bytes"], 100 * 1024);
        let big = png(5 * 1024 * 1024 + 1);
        let image = upload(&app, &[
            Part::Text("channel_id", &channel),
            Part::File("file", "big.png", "image/png", &big),
        ]).await;
        image.assert_problem(413, "media_too_large");
        // Without a channel the generic limit (100 MB) applies; the channel's comes at send time.
        let generic = upload(&app, &[Part::File("file", "big.png", "image/png", &big)]).await;
        assert_eq!(generic.assert_status(201)["kind"], "image");
        // An Idempotency-Key does not make the server buffer the upload (past the JSON limit).
        let keyed = app.call(Method::POST, "/v1/media").header("idempotency-key", "up-1")
            .raw(MULTIPART, media_support::multipart(&[Part::File("file", "b.png", "image/png", &big)]))
            .send().await;
        keyed.assert_status(201);
        let plain = upload(&app, &[Part::File("file", "n.txt", "text/plain", b"hello\n")]).await;
        assert_eq!(plain.assert_status(201)["kind"], "document");

        let no_file = upload(&app, &[Part::Text("kind", "image")]).await;
        no_file.assert_problem(422, "validation_failed");
        let bad_kind = upload(&app, &[Part::Text("kind", "gif")]).await;
        assert_eq!(bad_kind.assert_problem(422, "validation_failed")["field"], "kind");
        let json_body = app.post_json("/v1/media", json!({"file": "x"})).await;
        json_body.assert_problem(422, "validation_failed");
        let foreign = upload(&app, &[
            Part::Text("channel_id", &uuid::Uuid::now_v7().to_string()),
            Part::File("file", "a.png", "image/png", &png(100)),
        ]).await;
        foreign.assert_problem(404, "not_found");
    }

    async fn channel_limited_keys_see_only_their_channels_media(app) {
        let a = app.whatsapp_channel().await;
        let b = app.whatsapp_channel().await;
        let on_a = upload(&app, &[
            Part::Text("channel_id", &a.id.to_string()),
            Part::File("file", "a.png", "image/png", &png(100)),
        ]).await;
        let on_a = id_of(on_a.assert_status(201));
        let (_, key) = app.create_api_key(json!({
            "name": "b only", "scopes": ["media:write", "messages:read"], "channel_ids": [b.id],
        })).await;
        let as_b = Auth::Bearer(key.clone());
        let file = png(100);
        let to_a = upload_as(&app, as_b.clone(), &[
            Part::Text("channel_id", &a.id.to_string()),
            Part::File("file", "a.png", "image/png", &file),
        ]).await;
        to_a.assert_problem(404, "not_found");
        let nowhere = upload_as(&app, as_b.clone(), &[Part::File("file", "a.png", "image/png", &file)]).await;
        nowhere.assert_problem(403, "channel_not_allowed");
        let to_b = upload_as(&app, as_b.clone(), &[
            Part::Text("channel_id", &b.id.to_string()),
            Part::File("file", "b.png", "image/png", &file),
        ]).await;
        let on_b = id_of(to_b.assert_status(201));
        let get = |id: String| app.call(Method::GET, &format!("/v1/media/{id}")).bearer(&key).send();
        get(on_a.clone()).await.assert_problem(404, "not_found");
        get(on_b).await.assert_status(200);
        let del = app.call(Method::DELETE, &format!("/v1/media/{on_a}")).bearer(&key).send().await;
        del.assert_problem(404, "not_found");

        let (_, reader) = app.create_api_key(json!({"name": "r", "scopes": ["contacts:read"]})).await;
        let p = upload_as(&app, Auth::Bearer(reader), &[Part::File("file", "a.png", "image/png", &file)]).await;
        assert_eq!(p.assert_problem(403, "insufficient_scope")["scope"], "media:write");
    }
}
