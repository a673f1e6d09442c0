//! Reads about one customer of one channel: when they last wrote (the Messenger / Instagram
//! window), and which of our messages a delivery or read watermark covers.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, MessageStatus};
use switchboard_store::Store;

use crate::fixtures::{batch, inbound, new_channel, new_org, outbound, plus_secs, send, status};

const PSID: &str = "24000000000001";
const OTHER: &str = "24000000000002";

pub async fn watermarks_cover_one_customers_handed_over_messages_up_to_the_moment(
    s: Arc<dyn Store>,
) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Messenger).await;
    assert_eq!(
        s.last_inbound_at(o.id, ch.id, PSID).await.expect("read"),
        None
    );
    let wrote = inbound(PSID, "hello");
    s.ingest(o.id, ch.id, &batch(vec![wrote.clone()], Vec::new()))
        .await
        .expect("inbound");
    assert!(
        s.last_inbound_at(o.id, ch.id, PSID)
            .await
            .expect("read")
            .is_some()
    );

    let mut pids = Vec::new();
    for (to, text, receipted) in [
        (PSID, "a", true),
        (PSID, "b", true),
        (PSID, "c", false),
        (OTHER, "d", true),
    ] {
        let r = outbound(ch.id, to, text);
        send(&*s, o.id, &r).await;
        if receipted {
            let pid = format!("m_{text}");
            s.record_receipt(o.id, r.id, &pid, switchboard_domain::now())
                .await
                .expect("receipt");
            pids.push(pid);
        }
    }
    let t = switchboard_domain::now();
    s.ingest(
        o.id,
        ch.id,
        &batch(Vec::new(), vec![status("m_a", MessageStatus::Delivered, t)]),
    )
    .await
    .expect("a delivered");

    let covered = |status, up_to| {
        let s = s.clone();
        async move {
            s.outbound_up_to(o.id, ch.id, PSID, status, up_to)
                .await
                .expect("read")
        }
    };
    assert_eq!(
        covered(MessageStatus::Read, plus_secs(t, 1)).await,
        ["m_a", "m_b"],
        "oldest first"
    );
    assert_eq!(
        covered(MessageStatus::Delivered, plus_secs(t, 1)).await,
        ["m_b"],
        "a is delivered already"
    );
    assert!(
        covered(MessageStatus::Read, plus_secs(t, -60))
            .await
            .is_empty(),
        "sent after the watermark"
    );
    assert!(
        covered(MessageStatus::Sent, plus_secs(t, 1))
            .await
            .is_empty(),
        "only delivered and read"
    );

    let stranger = new_org(&*s).await;
    let theirs = s
        .outbound_up_to(
            stranger.id,
            ch.id,
            PSID,
            MessageStatus::Read,
            plus_secs(t, 1),
        )
        .await;
    assert!(
        theirs.expect("read").is_empty(),
        "another organization sees nothing"
    );
    assert_eq!(
        s.last_inbound_at(stranger.id, ch.id, PSID)
            .await
            .expect("read"),
        None
    );
}
