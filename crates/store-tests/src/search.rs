//! Full-text search over message texts: words and prefixes, case and diacritics folded,
//! punctuation splitting words, newest first, filters, paging, other organizations never seen,
//! and queries written in FTS5 or tsquery syntax (or SQL) searched as plain words.

use std::sync::Arc;

use switchboard_domain::{ChannelId, ChannelKind, Direction, MessageId, OrgId};
use switchboard_store::{Message, MessageSearch, PageRequest, SearchQuery, Store};

use crate::fixtures::{inbound, ingest_one, new_channel, new_org, outbound, send, wa_number};

fn query(raw: &str) -> MessageSearch {
    MessageSearch {
        query: SearchQuery::parse(raw).expect("a query with words"),
        channel: None,
        conversation: None,
        direction: None,
        only_channels: None,
    }
}

async fn found(s: &dyn Store, org: OrgId, search: &MessageSearch) -> Vec<MessageId> {
    let page = s
        .search_messages(org, search, PageRequest::first(PageRequest::MAX_LIMIT))
        .await
        .expect("search");
    assert_eq!(page.next, None, "one page holds every hit here");
    page.items.iter().map(|m| m.id).collect()
}

async fn hits(s: &dyn Store, org: OrgId, raw: &str) -> Vec<MessageId> {
    found(s, org, &query(raw)).await
}

/// Stores inbound texts from one sender on `channel`, in order; returns the stored messages.
async fn inbound_texts(
    s: &dyn Store,
    org: OrgId,
    channel: ChannelId,
    texts: &[&str],
) -> Vec<Message> {
    let from = wa_number();
    let mut out = Vec::new();
    for text in texts {
        let stored = ingest_one(s, org, channel, inbound(&from, text)).await;
        out.push(s.get_message(org, stored.message_id).await.expect("stored"));
    }
    out
}

pub async fn search_matches_words_prefixes_case_and_diacritics(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let m = inbound_texts(
        &*s,
        o.id,
        ch.id,
        &[
            "Crème brûlée tonight?",
            "Where is my ORDER 4521?",
            "I keep ordering more",
            "write to ada@example.com about the e-mail",
            "nothing to see",
        ],
    )
    .await;
    let (_, sent) = send(
        &*s,
        o.id,
        &outbound(ch.id, &wa_number(), "Your order has shipped"),
    )
    .await;
    let id = |i: usize| m[i].id;

    assert_eq!(
        hits(&*s, o.id, "order").await,
        vec![sent.id, id(2), id(1)],
        "newest first"
    );
    assert_eq!(
        hits(&*s, o.id, "ORDER 4521").await,
        vec![id(1)],
        "every word must match"
    );
    assert_eq!(hits(&*s, o.id, "ord ship").await, vec![sent.id], "prefixes");
    assert_eq!(
        hits(&*s, o.id, "creme brulee").await,
        vec![id(0)],
        "accents folded"
    );
    assert_eq!(hits(&*s, o.id, "CRÈME").await, vec![id(0)]);
    assert_eq!(hits(&*s, o.id, "brû").await, vec![id(0)]);
    assert_eq!(
        hits(&*s, o.id, "example").await,
        vec![id(3)],
        "@ and . split words"
    );
    assert_eq!(hits(&*s, o.id, "mail").await, vec![id(3)], "- splits words");
    assert_eq!(hits(&*s, o.id, "ada@example.com").await, vec![id(3)]);
    assert!(
        hits(&*s, o.id, "tonightly").await.is_empty(),
        "a longer word is no prefix"
    );
    assert!(hits(&*s, o.id, "missing").await.is_empty());
    assert!(
        hits(&*s, o.id, "rder").await.is_empty(),
        "prefixes, not infixes"
    );
}

pub async fn search_never_sees_another_org(s: Arc<dyn Store>) {
    let mine = new_org(&*s).await;
    let theirs = new_org(&*s).await;
    let my_channel = new_channel(&*s, mine.id, ChannelKind::Whatsapp).await;
    let their_channel = new_channel(&*s, theirs.id, ChannelKind::Whatsapp).await;
    let m = inbound_texts(&*s, mine.id, my_channel.id, &["quarterly invoice attached"]).await;
    let t = inbound_texts(
        &*s,
        theirs.id,
        their_channel.id,
        &["quarterly invoice overdue"],
    )
    .await;

    assert_eq!(hits(&*s, mine.id, "invoice").await, vec![m[0].id]);
    assert_eq!(hits(&*s, theirs.id, "invoice").await, vec![t[0].id]);
    assert!(hits(&*s, mine.id, "overdue").await.is_empty());
    // Naming the other org's channel or conversation finds nothing rather than its messages.
    let mut search = query("invoice");
    search.channel = Some(their_channel.id);
    assert!(found(&*s, mine.id, &search).await.is_empty());
    let mut search = query("invoice");
    search.conversation = Some(t[0].conversation_id);
    assert!(found(&*s, mine.id, &search).await.is_empty());
    let mut search = query("invoice");
    search.only_channels = Some(vec![their_channel.id]);
    assert!(found(&*s, mine.id, &search).await.is_empty());
}

pub async fn search_filters_by_channel_conversation_direction_and_allowed_channels(
    s: Arc<dyn Store>,
) {
    let o = new_org(&*s).await;
    let a = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let b = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let on_a = inbound_texts(&*s, o.id, a.id, &["refund please", "refund again"]).await;
    let on_b = inbound_texts(&*s, o.id, b.id, &["refund for me too"]).await;
    let (_, reply) = send(&*s, o.id, &outbound(a.id, &wa_number(), "Refund issued")).await;

    let all = hits(&*s, o.id, "refund").await;
    assert_eq!(all, vec![reply.id, on_b[0].id, on_a[1].id, on_a[0].id]);

    let mut search = query("refund");
    search.channel = Some(a.id);
    assert_eq!(
        found(&*s, o.id, &search).await,
        vec![reply.id, on_a[1].id, on_a[0].id]
    );

    let mut search = query("refund");
    search.conversation = Some(on_a[0].conversation_id);
    assert_eq!(
        found(&*s, o.id, &search).await,
        vec![on_a[1].id, on_a[0].id]
    );

    let mut search = query("refund");
    search.direction = Some(Direction::Outbound);
    assert_eq!(found(&*s, o.id, &search).await, vec![reply.id]);
    search.direction = Some(Direction::Inbound);
    assert_eq!(
        found(&*s, o.id, &search).await,
        vec![on_b[0].id, on_a[1].id, on_a[0].id]
    );

    let mut search = query("refund");
    search.only_channels = Some(vec![b.id]);
    assert_eq!(found(&*s, o.id, &search).await, vec![on_b[0].id]);
    search.channel = Some(a.id);
    assert!(
        found(&*s, o.id, &search).await.is_empty(),
        "both filters apply"
    );
    search.channel = None;
    search.only_channels = Some(Vec::new());
    assert!(
        found(&*s, o.id, &search).await.is_empty(),
        "no channel allowed, nothing seen"
    );
}

pub async fn search_pages_newest_first(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let texts: Vec<String> = (0..5).map(|i| format!("parcel number {i}")).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let stored = inbound_texts(&*s, o.id, ch.id, &refs).await;
    inbound_texts(&*s, o.id, ch.id, &["unrelated"]).await;

    let search = query("parcel");
    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = s
            .search_messages(o.id, &search, PageRequest { after, limit: 2 })
            .await
            .expect("page");
        pages += 1;
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|m| m.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let mut expected: Vec<MessageId> = stored.iter().map(|m| m.id).collect();
    expected.reverse();
    assert_eq!(seen, expected, "every hit once, newest first");
    assert_eq!(pages, 3);
}

pub async fn search_treats_query_syntax_as_plain_words(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let m = inbound_texts(
        &*s,
        o.id,
        ch.id,
        &[
            "she said \"hello\" twice",
            "use NEAR(cats dogs) here",
            "' OR 1=1 -- dropped",
            "AND NOT OR are words too",
            "colon: text_search @@ to_tsquery & more | less !",
        ],
    )
    .await;

    assert_eq!(hits(&*s, o.id, "\"hello").await, vec![m[0].id]);
    assert_eq!(hits(&*s, o.id, "hello\"*").await, vec![m[0].id]);
    assert_eq!(hits(&*s, o.id, "NEAR(cats").await, vec![m[1].id]);
    assert_eq!(hits(&*s, o.id, "' OR 1=1 --").await, vec![m[2].id]);
    assert_eq!(hits(&*s, o.id, "NOT").await, vec![m[3].id]);
    assert_eq!(hits(&*s, o.id, "AND OR").await, vec![m[3].id]);
    assert_eq!(
        hits(&*s, o.id, "text:* & !less | more").await,
        vec![m[4].id]
    );
    assert_eq!(
        hits(&*s, o.id, "'; DROP TABLE messages; --").await,
        Vec::<MessageId>::new()
    );
    assert_eq!(
        hits(&*s, o.id, "colon:").await,
        vec![m[4].id],
        "`:` is no column filter"
    );
    assert_eq!(hits(&*s, o.id, "{she}: said").await, vec![m[0].id]);
    // The store is still there after all that.
    assert_eq!(hits(&*s, o.id, "twice").await, vec![m[0].id]);
}
