//! Channels: round trips with drafts, lookups by id and provider account, the name and account
//! rules, health reports, soft deletion that keeps history readable, and tenant isolation.

use std::sync::Arc;

use switchboard_domain::{ChannelId, ChannelKind, ChannelStatus};
use switchboard_store::{Channel, ChannelDraft, ChannelFilter, PageRequest, Store, StoreError};

use crate::fixtures::{
    assert_conflict, assert_not_found, channel, inbound, ingest_one, new_channel, new_org, none,
    plus_secs, wa_number,
};

pub async fn channel_create_get_find_list_update(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let wa = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    assert_eq!(s.get_channel(o.id, wa.id).await.expect("get"), wa);
    assert_eq!(s.find_channel(wa.id).await.expect("find"), wa);
    let same_id = Channel {
        name: "Another name".to_owned(),
        account: None,
        ..wa.clone()
    };
    let r = s.create_channel(&same_id, &none()).await;
    assert!(
        matches!(r, Err(StoreError::Conflict { .. })),
        "an existing id conflicts: {r:?}"
    );
    let account = wa.account.clone().expect("fixture account");
    assert_eq!(
        s.find_channel_by_account(&wa.protocol, &account)
            .await
            .expect("find by account"),
        wa
    );
    assert_not_found(
        s.find_channel_by_account("other_protocol", &account).await,
        "account of another protocol",
    );

    let mut sms = channel(o.id, ChannelKind::Sms);
    sms.status = ChannelStatus::Pending;
    sms.account = None;
    s.create_channel(&sms, &none()).await.expect("create sms");
    let tg = new_channel(&*s, o.id, ChannelKind::Telegram).await;

    let all = s
        .list_channels(o.id, &ChannelFilter::default(), PageRequest::first(2))
        .await
        .expect("page 1");
    assert_eq!(all.items, vec![wa.clone(), sms.clone()], "ascending by id");
    let rest = s
        .list_channels(
            o.id,
            &ChannelFilter::default(),
            PageRequest {
                after: all.next,
                limit: 2,
            },
        )
        .await
        .expect("page 2");
    assert_eq!(rest.items, vec![tg.clone()]);
    assert_eq!(rest.next, None);
    let list = |f: ChannelFilter| {
        let s = s.clone();
        async move {
            s.list_channels(o.id, &f, PageRequest::default())
                .await
                .expect("list")
                .items
        }
    };
    let by_kind = list(ChannelFilter {
        kind: Some(ChannelKind::Sms),
        ..ChannelFilter::default()
    })
    .await;
    assert_eq!(by_kind, vec![sms.clone()], "kind filter");
    let by_status = list(ChannelFilter {
        status: Some(ChannelStatus::Active),
        ..ChannelFilter::default()
    })
    .await;
    assert_eq!(by_status, vec![wa.clone(), tg.clone()], "status filter");
    let only = list(ChannelFilter {
        only: Some(vec![tg.id, ChannelId::new()]),
        ..ChannelFilter::default()
    })
    .await;
    assert_eq!(only, vec![tg.clone()], "only these channels");
    let none_allowed = list(ChannelFilter {
        only: Some(Vec::new()),
        ..ChannelFilter::default()
    })
    .await;
    assert!(none_allowed.is_empty(), "an empty allow-list allows none");

    // Every mutable field, a draft with and without credentials.
    let now = switchboard_domain::now();
    let changed = Channel {
        name: "Support line".to_owned(),
        status: ChannelStatus::Disabled,
        last_error: Some("token expired".to_owned()),
        last_error_at: Some(now),
        config: serde_json::json!({ "phone_number_id": "123", "note": "caf\u{e9}" }),
        credentials: b"new-sealed".to_vec(),
        draft: Some(ChannelDraft {
            config: serde_json::json!({ "phone_number_id": "456" }),
            credentials: Some(b"draft-sealed".to_vec()),
            updated_at: now,
        }),
        webhook_secret: b"new-secret".to_vec(),
        account: Some("acct-renamed".to_owned()),
        updated_at: plus_secs(now, 1),
        ..wa.clone()
    };
    s.update_channel(&changed, &none()).await.expect("update");
    assert_eq!(s.get_channel(o.id, wa.id).await.expect("get"), changed);
    let keep_creds = Channel {
        draft: Some(ChannelDraft {
            config: serde_json::json!({}),
            credentials: None,
            updated_at: now,
        }),
        ..changed.clone()
    };
    s.update_channel(&keep_creds, &none())
        .await
        .expect("update draft");
    assert_eq!(s.get_channel(o.id, wa.id).await.expect("get"), keep_creds);
    assert_not_found(
        s.update_channel(&channel(o.id, ChannelKind::Email), &none())
            .await,
        "update of an unknown channel",
    );
}

pub async fn channel_names_are_unique_per_org_case_insensitively(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    let first = Channel {
        name: "Ünïcode Support".to_owned(),
        ..channel(a.id, ChannelKind::Whatsapp)
    };
    s.create_channel(&first, &none()).await.expect("first");
    let dup = Channel {
        name: "ÜNÏCODE SUPPORT".to_owned(),
        ..channel(a.id, ChannelKind::Sms)
    };
    assert_conflict(
        s.create_channel(&dup, &none()).await,
        "channel_name",
        "same name, other case",
    );
    assert_not_found(s.get_channel(a.id, dup.id).await, "refused channel");
    let other_org = Channel {
        org_id: b.id,
        ..dup.clone()
    };
    s.create_channel(&other_org, &none())
        .await
        .expect("same name in another org");

    let second = new_channel(&*s, a.id, ChannelKind::Telegram).await;
    let renamed = Channel {
        name: "ünïcode support".to_owned(),
        ..second.clone()
    };
    assert_conflict(
        s.update_channel(&renamed, &none()).await,
        "channel_name",
        "rename onto a taken name",
    );
    s.delete_channel(a.id, first.id, &none())
        .await
        .expect("delete");
    s.update_channel(&renamed, &none())
        .await
        .expect("a deleted channel frees its name");
}

pub async fn channel_accounts_are_unique_per_protocol(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    let first = new_channel(&*s, a.id, ChannelKind::Whatsapp).await;
    let dup = Channel {
        account: first.account.clone(),
        ..channel(b.id, ChannelKind::Whatsapp)
    };
    assert_conflict(
        s.create_channel(&dup, &none()).await,
        "channel_account",
        "same protocol and account, even in another org",
    );
    let other_protocol = Channel {
        protocol: "whatsapp_other".to_owned(),
        account: dup.account.clone(),
        ..channel(b.id, ChannelKind::Whatsapp)
    };
    s.create_channel(&other_protocol, &none())
        .await
        .expect("same account on another protocol");
    s.delete_channel(a.id, first.id, &none())
        .await
        .expect("delete");
    s.create_channel(&dup, &none())
        .await
        .expect("a deleted channel frees its account");
    let found = s
        .find_channel_by_account(&dup.protocol, dup.account.as_deref().unwrap_or_default())
        .await
        .expect("the live one");
    assert_eq!(found.id, dup.id);
}

pub async fn channel_health_sets_and_clears_errors(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let mut c = channel(o.id, ChannelKind::Whatsapp);
    c.status = ChannelStatus::Pending;
    s.create_channel(&c, &none()).await.expect("create");
    let at = switchboard_domain::now();

    s.record_channel_health(o.id, c.id, None, at)
        .await
        .expect("ok");
    let got = s.get_channel(o.id, c.id).await.expect("get");
    assert_eq!(got.status, ChannelStatus::Active, "pending becomes active");

    s.record_channel_health(o.id, c.id, Some("invalid token"), at)
        .await
        .expect("error");
    let got = s.get_channel(o.id, c.id).await.expect("get");
    assert_eq!(got.status, ChannelStatus::Error);
    assert_eq!(got.last_error.as_deref(), Some("invalid token"));
    assert_eq!(got.last_error_at, Some(at));

    s.record_channel_health(o.id, c.id, None, at)
        .await
        .expect("recovered");
    let got = s.get_channel(o.id, c.id).await.expect("get");
    assert_eq!(got.status, ChannelStatus::Active, "error becomes active");
    assert_eq!(got.last_error, None, "error cleared");

    let disabled = Channel {
        status: ChannelStatus::Disabled,
        ..got
    };
    s.update_channel(&disabled, &none()).await.expect("disable");
    s.record_channel_health(o.id, c.id, None, at)
        .await
        .expect("ok while disabled");
    s.record_channel_health(o.id, c.id, Some("boom"), at)
        .await
        .expect("error while disabled");
    let got = s.get_channel(o.id, c.id).await.expect("get");
    assert_eq!(
        got.status,
        ChannelStatus::Disabled,
        "disabled stays disabled"
    );
    assert_eq!(got.last_error.as_deref(), Some("boom"), "the error is kept");
}

pub async fn deleted_channel_leaves_lookups_but_keeps_history(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let c = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let stored = ingest_one(&*s, o.id, c.id, inbound(&wa_number(), "hello")).await;
    s.delete_channel(o.id, c.id, &none()).await.expect("delete");

    assert_not_found(s.get_channel(o.id, c.id).await, "get deleted");
    assert_not_found(s.find_channel(c.id).await, "find deleted");
    let account = c.account.clone().unwrap_or_default();
    assert_not_found(
        s.find_channel_by_account(&c.protocol, &account).await,
        "find deleted by account",
    );
    let list = s
        .list_channels(o.id, &ChannelFilter::default(), PageRequest::default())
        .await
        .expect("list");
    assert!(list.items.is_empty(), "deleted channel is not listed");
    assert_not_found(s.delete_channel(o.id, c.id, &none()).await, "delete twice");
    assert_not_found(s.update_channel(&c, &none()).await, "update deleted");
    assert_not_found(
        s.record_channel_health(o.id, c.id, None, switchboard_domain::now())
            .await,
        "health of deleted",
    );
    assert_not_found(
        s.ingest(
            o.id,
            c.id,
            &crate::fixtures::batch(vec![inbound(&wa_number(), "x")], vec![]),
        )
        .await,
        "ingest on a deleted channel",
    );

    let conv = s
        .get_conversation(o.id, stored.conversation_id)
        .await
        .expect("conversation stays readable");
    assert_eq!(conv.channel_id, c.id);
    let m = s
        .get_message(o.id, stored.message_id)
        .await
        .expect("message stays readable");
    assert_eq!(m.text.as_deref(), Some("hello"));
}

pub async fn channels_of_another_org_are_not_found(s: Arc<dyn Store>) {
    let mine = new_org(&*s).await;
    let theirs = new_org(&*s).await;
    let c = new_channel(&*s, theirs.id, ChannelKind::Whatsapp).await;
    assert_not_found(s.get_channel(mine.id, c.id).await, "get");
    let hijack = Channel {
        org_id: mine.id,
        name: "Mine now".to_owned(),
        ..c.clone()
    };
    assert_not_found(s.update_channel(&hijack, &none()).await, "update");
    assert_not_found(
        s.record_channel_health(mine.id, c.id, Some("x"), switchboard_domain::now())
            .await,
        "health",
    );
    assert_not_found(s.delete_channel(mine.id, c.id, &none()).await, "delete");
    let list = s
        .list_channels(mine.id, &ChannelFilter::default(), PageRequest::default())
        .await
        .expect("list");
    assert!(list.items.is_empty(), "nothing of the other org listed");
    assert_eq!(
        s.get_channel(theirs.id, c.id).await.expect("untouched"),
        c,
        "the owner's channel is unchanged"
    );
}
