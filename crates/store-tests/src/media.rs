//! Media: stored files round-trip, one file per message, provider uploads cached per channel
//! until they expire, and another organization's file is never seen nor changed.

use std::sync::Arc;

use switchboard_domain::{ChannelId, ChannelKind, MediaId, MessageId, OrgId};
use switchboard_store::{MediaFile, MediaKind, MediaOrigin, ProviderUpload, Store};

use crate::fixtures::{assert_conflict, assert_not_found, new_org, plus_secs, tag};
use crate::fixtures::{new_channel, sent_message};

/// An uploaded file of `org` (not written).
pub fn media_file(org: OrgId, channel: Option<ChannelId>) -> MediaFile {
    let id = MediaId::new();
    MediaFile {
        id,
        org_id: org,
        channel_id: channel,
        kind: MediaKind::Image,
        mime: "image/png".to_owned(),
        size: 5 * 1024 * 1024,
        sha256: format!("{:0>64}", tag()),
        filename: Some("Réçu été.png".to_owned()),
        storage_key: format!("{org}/{id}"),
        origin: MediaOrigin::Upload,
        message_id: None,
        created_at: switchboard_domain::now(),
    }
}

fn upload(media: MediaId, channel: ChannelId, secs_left: i64) -> ProviderUpload {
    let now = switchboard_domain::now();
    ProviderUpload {
        media_id: media,
        channel_id: channel,
        provider_media_id: format!("prov-{}", tag()),
        uploaded_at: now,
        expires_at: plus_secs(now, secs_left),
    }
}

pub async fn media_create_get_delete_round_trip(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let m = media_file(o.id, Some(ch.id));
    s.create_media(&m).await.expect("create media");
    assert_eq!(s.get_media(o.id, m.id).await.expect("get media"), m);
    assert_eq!(s.find_media(m.id).await.expect("find media"), m);

    let bare = MediaFile {
        channel_id: None,
        filename: None,
        kind: MediaKind::Document,
        ..media_file(o.id, None)
    };
    s.create_media(&bare).await.expect("create bare media");
    assert_eq!(s.get_media(o.id, bare.id).await.expect("get bare"), bare);

    s.put_provider_upload(o.id, &upload(m.id, ch.id, 3600))
        .await
        .expect("cache an upload");
    assert_eq!(s.delete_media(o.id, m.id).await.expect("delete"), m);
    assert_not_found(s.get_media(o.id, m.id).await, "deleted media");
    assert_not_found(s.delete_media(o.id, m.id).await, "delete twice");
    let gone = s
        .provider_upload(o.id, m.id, ch.id, switchboard_domain::now())
        .await
        .expect("lookup");
    assert_eq!(gone, None, "uploads leave with their file");
    assert_not_found(s.get_media(o.id, MediaId::new()).await, "unknown media");
    assert_not_found(s.find_media(m.id).await, "find deleted media");
}

pub async fn inbound_media_is_one_per_message(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let msg = sent_message(&*s, o.id, ch.id).await;
    let other = sent_message(&*s, o.id, ch.id).await;
    let first = MediaFile {
        origin: MediaOrigin::Inbound,
        message_id: Some(msg.id),
        ..media_file(o.id, Some(ch.id))
    };
    s.create_media(&first).await.expect("inbound media");
    let again = MediaFile {
        id: MediaId::new(),
        ..first.clone()
    };
    assert_conflict(s.create_media(&again).await, "media_message", "second file");
    assert_not_found(
        s.create_media(&MediaFile {
            id: MediaId::new(),
            message_id: Some(MessageId::new()),
            ..first.clone()
        })
        .await,
        "file of an unknown message",
    );
    let found = s
        .media_of_messages(o.id, &[msg.id, other.id, MessageId::new()])
        .await
        .expect("media of messages");
    assert_eq!(found, vec![first.clone()]);
    let none = s.media_of_messages(o.id, &[]).await.expect("no messages");
    assert!(none.is_empty());
}

pub async fn provider_uploads_are_cached_per_channel_until_they_expire(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let a = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let b = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let m = media_file(o.id, None);
    s.create_media(&m).await.expect("create media");
    let now = switchboard_domain::now();
    assert_eq!(
        s.provider_upload(o.id, m.id, a.id, now)
            .await
            .expect("none"),
        None
    );
    let on_a = upload(m.id, a.id, 3600);
    s.put_provider_upload(o.id, &on_a).await.expect("put");
    let got = s.provider_upload(o.id, m.id, a.id, now).await.expect("get");
    assert_eq!(got, Some(on_a.clone()));
    assert_eq!(
        s.provider_upload(o.id, m.id, b.id, now).await.expect("b"),
        None,
        "another channel has its own upload"
    );
    let later = plus_secs(now, 7200);
    assert_eq!(
        s.provider_upload(o.id, m.id, a.id, later)
            .await
            .expect("expired"),
        None,
        "an expired upload is not offered"
    );
    let renewed = upload(m.id, a.id, 30 * 86_400);
    s.put_provider_upload(o.id, &renewed)
        .await
        .expect("replace");
    let got = s
        .provider_upload(o.id, m.id, a.id, later)
        .await
        .expect("renewed");
    assert_eq!(got, Some(renewed));
}

pub async fn media_of_another_org_is_not_found(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let x = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let msg = sent_message(&*s, o.id, ch.id).await;
    let m = MediaFile {
        origin: MediaOrigin::Inbound,
        message_id: Some(msg.id),
        ..media_file(o.id, Some(ch.id))
    };
    s.create_media(&m).await.expect("create media");
    let up = upload(m.id, ch.id, 3600);
    s.put_provider_upload(o.id, &up).await.expect("put");
    let now = switchboard_domain::now();

    assert_not_found(s.get_media(x.id, m.id).await, "foreign get");
    assert_not_found(s.delete_media(x.id, m.id).await, "foreign delete");
    assert_not_found(
        s.put_provider_upload(x.id, &upload(m.id, ch.id, 60)).await,
        "foreign upload record",
    );
    let seen = s.provider_upload(x.id, m.id, ch.id, now).await.expect("ok");
    assert_eq!(seen, None, "foreign upload lookup");
    let listed = s.media_of_messages(x.id, &[msg.id]).await.expect("ok");
    assert!(listed.is_empty(), "foreign message media");
    assert_eq!(s.get_media(o.id, m.id).await.expect("still there"), m);
    let kept = s.provider_upload(o.id, m.id, ch.id, now).await.expect("ok");
    assert_eq!(kept, Some(up), "the foreign attempt changed nothing");
}

pub async fn a_deleted_contact_takes_its_media_rows(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let msg = sent_message(&*s, o.id, ch.id).await;
    let kept = sent_message(&*s, o.id, ch.id).await;
    let file = |m: MessageId| MediaFile {
        origin: MediaOrigin::Inbound,
        message_id: Some(m),
        ..media_file(o.id, Some(ch.id))
    };
    let theirs = file(msg.id);
    s.create_media(&theirs).await.expect("media");
    let other = file(kept.id);
    s.create_media(&other).await.expect("other media");
    let found = s
        .media_of_contact(o.id, msg.contact_id)
        .await
        .expect("media of contact");
    assert_eq!(found, vec![theirs.clone()]);
    let x = new_org(&*s).await;
    let foreign = s.media_of_contact(x.id, msg.contact_id).await.expect("ok");
    assert!(foreign.is_empty(), "another organization sees none");

    s.delete_contact(o.id, msg.contact_id, &crate::fixtures::none())
        .await
        .expect("delete contact");
    assert_not_found(s.get_media(o.id, theirs.id).await, "the contact's file row");
    assert_eq!(
        s.get_media(o.id, other.id).await.expect("other contact's"),
        other
    );
}
