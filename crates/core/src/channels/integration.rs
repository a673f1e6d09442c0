//! Ready-to-copy code for sending through a channel (issue 7, PRODUCT §13): the same text message
//! in curl, Python, JavaScript, Go and PHP, with the hub's public address and the channel's real
//! id filled in. The API key comes from the `SWITCHBOARD_API_KEY` environment variable, never
//! from the page. The sources live beside this file so a test can run them as written.

use switchboard_domain::{ChannelId, ChannelKind, Scope};

use crate::{Core, CoreResult, Principal};

/// One example, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeExample {
    /// `curl`, `python`, `javascript`, `go`, `php`.
    pub language: &'static str,
    /// How to run it, e.g. `python3 send.py`.
    pub run: &'static str,
    pub code: String,
}

/// What a developer needs to send through a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    pub channel_id: ChannelId,
    /// Where the examples send (the hub's public address).
    pub base_url: String,
    /// The example recipient, in the format the channel's kind takes.
    pub to: &'static str,
    pub examples: Vec<CodeExample>,
}

const SOURCES: [(&str, &str, &str); 5] = [
    ("curl", "sh send.sh", include_str!("integration/curl.sh")),
    (
        "python",
        "python3 send.py",
        include_str!("integration/python.py"),
    ),
    (
        "javascript",
        "node send.mjs",
        include_str!("integration/javascript.mjs"),
    ),
    ("go", "go run send.go", include_str!("integration/go.go")),
    ("php", "php send.php", include_str!("integration/php.php")),
];

/// A recipient in the format each kind takes (PRODUCT §5), to be replaced by a real one.
pub fn example_recipient(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Whatsapp => "15551234567",
        ChannelKind::Sms => "+15551234567",
        ChannelKind::Messenger | ChannelKind::Instagram => "24000000000001",
        ChannelKind::Telegram => "123456789",
        ChannelKind::Email => "customer@example.com",
        ChannelKind::Webchat => "visitor-1",
    }
}

/// The examples for `channel` of `kind`, sending to `base_url`.
pub fn examples(base_url: &str, channel: ChannelId, kind: ChannelKind) -> Vec<CodeExample> {
    let base_url = base_url.trim_end_matches('/');
    let channel = channel.to_string();
    let to = example_recipient(kind);
    SOURCES
        .iter()
        .map(|(language, run, source)| CodeExample {
            language,
            run,
            code: source
                .replace("{{BASE_URL}}", base_url)
                .replace("{{CHANNEL_ID}}", &channel)
                .replace("{{TO}}", to),
        })
        .collect()
}

impl Core {
    /// The code examples for a channel the caller may read, sending to `base_url` (the address
    /// the caller reached the hub at, or the configured public one).
    pub async fn channel_integration(
        &self,
        p: &Principal,
        id: ChannelId,
        base_url: &str,
    ) -> CoreResult<Integration> {
        p.require(Scope::ChannelsRead)?;
        let channel = self.channel_for(p, id).await?;
        Ok(Integration {
            channel_id: channel.id,
            examples: examples(base_url, channel.id, channel.kind),
            to: example_recipient(channel.kind),
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_has_the_address_the_channel_and_no_placeholder_left() {
        let id = ChannelId::new();
        let all = examples("http://hub.example:8080/", id, ChannelKind::Sms);
        let languages: Vec<&str> = all.iter().map(|e| e.language).collect();
        assert_eq!(languages, ["curl", "python", "javascript", "go", "php"]);
        for e in &all {
            assert!(
                e.code.contains("http://hub.example:8080/v1/messages"),
                "{}",
                e.code
            );
            assert!(e.code.contains(&id.to_string()), "{}", e.language);
            assert!(e.code.contains("\"+15551234567\""), "{}", e.language);
            assert!(e.code.contains("SWITCHBOARD_API_KEY"), "{}", e.language);
            assert!(
                !e.code.contains("{{"),
                "{}: a placeholder is left",
                e.language
            );
        }
    }
}
