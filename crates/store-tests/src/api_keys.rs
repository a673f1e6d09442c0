//! API keys: exact round-trips of every field, prefix look-up and uniqueness, paging, revoke,
//! rotate and use tracking.

use std::sync::Arc;

use switchboard_domain::{ApiKeyId, Role};
use switchboard_store::{ApiKey, PageRequest, Store};

use crate::fixtures::{
    api_key, assert_conflict, assert_not_found, full_api_key, hash32, new_api_key, new_member,
    new_org, none, plus_secs, prefix,
};

pub async fn api_key_fields_round_trip_exactly(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let u = new_member(&*s, o.id, Role::Owner).await;
    let full = full_api_key(o.id, u.id);
    s.create_api_key(&full, &none())
        .await
        .expect("create full key");
    assert_eq!(s.get_api_key(o.id, full.id).await.expect("get"), full);
    assert_eq!(
        s.find_api_key_by_prefix(&full.prefix).await.expect("find"),
        full
    );
    assert!(
        full.allowed_ips.iter().any(|n| n.addr().is_ipv6())
            && full.allowed_ips.iter().any(|n| n.addr().is_ipv4()),
        "the fixture covers both address families"
    );

    let plain = api_key(o.id);
    s.create_api_key(&plain, &none())
        .await
        .expect("create plain key");
    assert_eq!(
        s.get_api_key(o.id, plain.id).await.expect("get plain"),
        plain
    );

    // The far end of the calendar, to the millisecond: no codec may round or overflow it.
    let far = ApiKey {
        expires_at: Some(time::macros::datetime!(2999-12-31 23:59:59.999 UTC)),
        ..api_key(o.id)
    };
    s.create_api_key(&far, &none())
        .await
        .expect("create far key");
    assert_eq!(s.get_api_key(o.id, far.id).await.expect("get far"), far);

    assert_not_found(s.get_api_key(o.id, ApiKeyId::new()).await, "unknown id");
    assert_not_found(
        s.find_api_key_by_prefix("sb_nosuchkey").await,
        "unknown prefix",
    );
}

pub async fn api_key_prefix_is_unique_across_orgs(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    let k = new_api_key(&*s, a.id).await;
    let clash = ApiKey {
        prefix: k.prefix.clone(),
        ..api_key(b.id)
    };
    assert_conflict(
        s.create_api_key(&clash, &none()).await,
        "api_key_prefix",
        "same prefix in another org",
    );
    assert_not_found(
        s.get_api_key(b.id, clash.id).await,
        "refused key not written",
    );
    assert_eq!(s.find_api_key_by_prefix(&k.prefix).await.expect("find"), k);
}

pub async fn api_key_list_pages_with_revoked(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let other = new_org(&*s).await;
    new_api_key(&*s, other.id).await;
    let mut keys = Vec::new();
    for _ in 0..5 {
        keys.push(new_api_key(&*s, o.id).await);
    }
    let at = switchboard_domain::now();
    s.revoke_api_key(o.id, keys[1].id, at, &none())
        .await
        .expect("revoke");
    keys[1].revoked_at = Some(at);
    keys.sort_by_key(|k| k.id);

    let mut seen = Vec::new();
    let mut page = PageRequest::first(2);
    let mut pages = 0;
    loop {
        let p = s.list_api_keys(o.id, page).await.expect("list keys");
        pages += 1;
        assert!(p.items.len() <= 2, "page respects the limit");
        if let Some(next) = p.next {
            assert_eq!(
                Some(next),
                p.items.last().map(|k| k.id.0),
                "next is the last id"
            );
        }
        seen.extend(p.items);
        match p.next {
            Some(after) => {
                page = PageRequest {
                    after: Some(after),
                    limit: 2,
                }
            }
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3, "5 keys in pages of 2");
    assert_eq!(
        seen, keys,
        "every key once, ascending by id, revoked included"
    );
}

pub async fn api_key_revoke_keeps_the_first_time(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let k = new_api_key(&*s, o.id).await;
    let t1 = switchboard_domain::now();
    let t2 = plus_secs(t1, 60);
    s.revoke_api_key(o.id, k.id, t1, &none())
        .await
        .expect("revoke");
    s.revoke_api_key(o.id, k.id, t2, &none())
        .await
        .expect("revoke again is fine");
    let got = s.get_api_key(o.id, k.id).await.expect("get");
    assert_eq!(
        got,
        ApiKey {
            revoked_at: Some(t1),
            ..k.clone()
        }
    );
    assert_eq!(
        s.find_api_key_by_prefix(&k.prefix)
            .await
            .expect("a revoked key is still found")
            .revoked_at,
        Some(t1),
        "authentication sees the revocation"
    );
    assert_not_found(
        s.revoke_api_key(o.id, ApiKeyId::new(), t1, &none()).await,
        "revoke unknown key",
    );
}

pub async fn api_key_rotate_replaces_prefix_and_hash(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let k = new_api_key(&*s, o.id).await;
    let (new_prefix, new_hash) = (prefix(), hash32());
    s.rotate_api_key(o.id, k.id, &new_prefix, &new_hash, &none())
        .await
        .expect("rotate");
    assert_not_found(s.find_api_key_by_prefix(&k.prefix).await, "old prefix");
    let expected = ApiKey {
        prefix: new_prefix.clone(),
        secret_hash: new_hash.clone(),
        ..k.clone()
    };
    assert_eq!(
        s.find_api_key_by_prefix(&new_prefix)
            .await
            .expect("new prefix"),
        expected
    );
    assert_eq!(s.get_api_key(o.id, k.id).await.expect("get"), expected);

    // The old prefix is free again for a new key.
    let reuse = ApiKey {
        prefix: k.prefix.clone(),
        ..api_key(o.id)
    };
    s.create_api_key(&reuse, &none())
        .await
        .expect("old prefix is free");
    // Rotating onto a prefix another key holds breaks the installation-wide rule.
    assert_conflict(
        s.rotate_api_key(o.id, k.id, &reuse.prefix, &hash32(), &none())
            .await,
        "api_key_prefix",
        "rotate onto a taken prefix",
    );
    assert_eq!(
        s.get_api_key(o.id, k.id).await.expect("get"),
        expected,
        "refused rotation changed nothing"
    );

    s.revoke_api_key(o.id, k.id, switchboard_domain::now(), &none())
        .await
        .expect("revoke");
    assert_not_found(
        s.rotate_api_key(o.id, k.id, &prefix(), &hash32(), &none())
            .await,
        "rotate a revoked key",
    );
    assert_eq!(
        s.find_api_key_by_prefix(&new_prefix)
            .await
            .expect("still there")
            .secret_hash,
        new_hash,
        "refused rotation changed nothing"
    );
    assert_not_found(
        s.rotate_api_key(o.id, ApiKeyId::new(), &prefix(), &hash32(), &none())
            .await,
        "rotate unknown key",
    );
}

pub async fn api_key_touch_records_time_and_ip(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let k = new_api_key(&*s, o.id).await;
    let other = new_api_key(&*s, o.id).await;
    let t1 = switchboard_domain::now();
    s.touch_api_key(k.id, t1, Some("2001:db8::42"))
        .await
        .expect("touch");
    let got = s.get_api_key(o.id, k.id).await.expect("get");
    assert_eq!(
        got,
        ApiKey {
            last_used_at: Some(t1),
            last_used_ip: Some("2001:db8::42".to_owned()),
            ..k.clone()
        }
    );

    let t2 = plus_secs(t1, 120);
    s.touch_api_key(k.id, t2, Some("198.51.100.4"))
        .await
        .expect("touch again");
    let got = s.get_api_key(o.id, k.id).await.expect("get");
    assert_eq!(got.last_used_at, Some(t2));
    assert_eq!(got.last_used_ip.as_deref(), Some("198.51.100.4"));
    assert_eq!(
        s.get_api_key(o.id, other.id).await.expect("other key"),
        other,
        "touch changes only that key"
    );
}
