//! NUL characters out of inbound text. PostgreSQL text cannot hold U+0000 (SQLite can), so a stray
//! NUL in a customer's message would fail the whole webhook on PostgreSQL and the provider would
//! redeliver it for days; each NUL becomes U+FFFD before the batch is stored, on both backends
//! alike.

use serde_json::Value;
use switchboard_store::IngestBatch;

const REPLACEMENT: &str = "\u{fffd}";

/// Replaces NUL in every string of the batch: ids, names, text, content and job payloads.
pub(super) fn scrub(batch: &mut IngestBatch) {
    for m in &mut batch.messages {
        for s in [&mut m.provider_message_id, &mut m.from, &mut m.kind] {
            scrub_str(s);
        }
        for s in [&mut m.profile_name, &mut m.text, &mut m.reply_to]
            .into_iter()
            .flatten()
        {
            scrub_str(s);
        }
        if let Some((target, emoji)) = &mut m.reaction_to {
            scrub_str(target);
            scrub_str(emoji);
        }
        if let Some((target, revision)) = &mut m.revision_of {
            scrub_str(target);
            revision.text.iter_mut().for_each(scrub_str);
        }
        scrub_value(&mut m.content);
        for job in &mut m.jobs_if_new {
            scrub_value(&mut job.payload);
        }
    }
    for s in &mut batch.statuses {
        scrub_str(&mut s.provider_message_id);
        if let Some(e) = &mut s.error {
            scrub_str(&mut e.code);
            for t in [&mut e.provider_code, &mut e.provider_text]
                .into_iter()
                .flatten()
            {
                scrub_str(t);
            }
        }
    }
}

fn scrub_str(s: &mut String) {
    if s.contains('\0') {
        *s = s.replace('\0', REPLACEMENT);
    }
}

fn scrub_value(v: &mut Value) {
    match v {
        Value::String(s) => scrub_str(s),
        Value::Array(items) => items.iter_mut().for_each(scrub_value),
        Value::Object(map) => {
            // Keys can carry NUL too; rebuild the map only when one does.
            if map.keys().any(|k| k.contains('\0')) {
                let old = std::mem::take(map);
                for (k, mut val) in old {
                    scrub_value(&mut val);
                    map.insert(k.replace('\0', REPLACEMENT), val);
                }
            } else {
                map.values_mut().for_each(scrub_value);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use switchboard_store::InboundMessage;

    #[test]
    fn every_string_loses_its_nul() {
        let mut batch = IngestBatch {
            messages: vec![InboundMessage {
                provider_message_id: "wamid.\0".into(),
                from: "447700900123".into(),
                profile_name: Some("A\0da".into()),
                kind: "text".into(),
                content: json!({"body": "hi\0", "list": ["\0"], "k\0": {"x": "\0"}}),
                text: Some("hi\0".into()),
                reply_to: None,
                provider_at: switchboard_domain::now(),
                reaction_to: Some(("wamid.X\0".into(), "\0".into())),
                revision_of: None,
                jobs_if_new: Vec::new(),
            }],
            statuses: Vec::new(),
            events: Vec::new(),
        };
        scrub(&mut batch);
        let text = format!("{batch:?}");
        assert!(!text.contains("\\0"), "{text}");
        let m = &batch.messages[0];
        assert_eq!(m.text.as_deref(), Some("hi\u{fffd}"));
        assert_eq!(m.content["k\u{fffd}"]["x"], "\u{fffd}");
    }
}
