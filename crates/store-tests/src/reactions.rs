//! What a new inbound message brings beside itself: a reaction recorded on the message it
//! targets, and jobs enqueued only when the message is new (with its id in their payload).

use std::sync::Arc;

use switchboard_domain::{ChannelKind, JobId};
use switchboard_store::{JobFilter, NewJob, PageRequest, Reaction, Store};

use crate::fixtures::{batch, inbound, ingest_one, new_channel, new_org, plus_secs, wa_number};

pub async fn reaction_is_appended_to_its_target(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let target = inbound(&number, "Is this in stock?");
    let stored = ingest_one(&*s, o.id, ch.id, target.clone()).await;

    let t = switchboard_domain::now();
    let react = |emoji: &str, at| {
        let mut m = inbound(&number, "");
        m.kind = "reaction".to_owned();
        m.text = None;
        m.content = serde_json::json!({ "type": "reaction", "emoji": emoji });
        m.reaction_to = Some((target.provider_message_id.clone(), emoji.to_owned()));
        m.provider_at = at;
        m
    };
    let thumbs = react("👍", t);
    let removed = react("", plus_secs(t, 5));
    let out = s
        .ingest(
            o.id,
            ch.id,
            &batch(vec![thumbs.clone(), removed], Vec::new()),
        )
        .await
        .expect("reactions");
    assert_eq!(out.stored.len(), 2, "reactions are messages too");
    let m = s
        .get_message(o.id, stored.message_id)
        .await
        .expect("target");
    assert_eq!(
        m.reactions,
        vec![
            Reaction {
                emoji: "👍".to_owned(),
                at: t
            },
            Reaction {
                emoji: String::new(),
                at: plus_secs(t, 5)
            },
        ],
        "in arrival order; an empty emoji records the removal"
    );
    // A redelivered reaction is a duplicate and adds nothing.
    let again = s
        .ingest(o.id, ch.id, &batch(vec![thumbs], Vec::new()))
        .await
        .expect("again");
    assert_eq!(again.duplicates, 1);
    let m = s
        .get_message(o.id, stored.message_id)
        .await
        .expect("target");
    assert_eq!(m.reactions.len(), 2);
    // A reaction to a message never stored is kept as a message and changes nothing else.
    let mut orphan = react("❤️", t);
    orphan.reaction_to = Some(("wamid.unknown".to_owned(), "❤️".to_owned()));
    ingest_one(&*s, o.id, ch.id, orphan).await;
}

pub async fn jobs_are_enqueued_only_for_new_messages(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let mut m = inbound(&wa_number(), "");
    m.kind = "image".to_owned();
    let fetch = NewJob::new(
        Some(o.id),
        "media.fetch",
        serde_json::json!({ "media_id": "media-1" }),
    )
    .dedup(format!("media.fetch:{}", m.provider_message_id));
    let thumb = NewJob::new(Some(o.id), "media.thumbnail", serde_json::json!({}));
    m.jobs_if_new = vec![fetch.clone(), thumb.clone()];
    let stored = ingest_one(&*s, o.id, ch.id, m.clone()).await;

    let job = s.get_job(fetch.id).await.expect("fetch job");
    assert_eq!(
        job.payload,
        serde_json::json!({ "media_id": "media-1", "message_id": stored.message_id }),
        "message_id added to the payload"
    );
    assert_eq!(job.dedup_key, fetch.dedup_key, "dedup key as given");
    assert_eq!(job.kind, "media.fetch");
    let thumb_job = s.get_job(thumb.id).await.expect("second job");
    assert_eq!(
        thumb_job.payload,
        serde_json::json!({ "message_id": stored.message_id })
    );

    // Redelivered with fresh job ids: nothing enqueued.
    let mut again = m.clone();
    let retry = NewJob::new(Some(o.id), "media.thumbnail", serde_json::json!({}));
    again.jobs_if_new = vec![retry.clone()];
    let out = s
        .ingest(o.id, ch.id, &batch(vec![again], Vec::new()))
        .await
        .expect("redelivery");
    assert_eq!(out.duplicates, 1);
    assert!(s.get_job(retry.id).await.is_err(), "no job for a duplicate");
    let listed = s
        .list_jobs(&JobFilter::default(), PageRequest::default())
        .await
        .expect("jobs");
    let ids: Vec<JobId> = listed.items.iter().map(|j| j.id).collect();
    assert_eq!(
        ids.len(),
        2,
        "exactly the two jobs of the new message: {ids:?}"
    );
}
