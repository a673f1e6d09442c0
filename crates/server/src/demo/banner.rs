//! The demo's start-up text: the API key (shown once), the channel, the sandbox, and curl
//! commands that work when pasted as they are (each carries the key; the ids are real ones of
//! this run). `label: value` lines and one command per `curl` line keep it readable for people
//! and parseable for tests.

use std::fmt::Write as _;

use switchboard_domain::{ChannelId, ConversationId, MessageId, OrgId};

use super::cast::{CUSTOMERS, Customer};
use super::customers::MAX_MESSAGES;
use super::wiring::{CHANNEL_NAME, DISPLAY_NUMBER, PHONE_NUMBER_ID};

/// What the banner knows before the customers start.
pub struct Banner {
    /// `http://host:port` of the hub.
    pub hub: String,
    pub org: OrgId,
    pub key: String,
    pub channel: ChannelId,
    /// The sandbox's base URL.
    pub sandbox: String,
}

/// The first customer's conversation and the demo's welcome in it.
#[derive(Debug, Clone, Copy)]
pub struct Opening {
    pub conversation: ConversationId,
    pub message: MessageId,
}

impl Banner {
    /// The text, with `who`'s conversation and the welcome's status as examples when the
    /// welcome went out (placeholders to fill in otherwise).
    pub fn render(&self, who: &Customer, opening: Option<Opening>) -> String {
        let (hub, key, sb) = (&self.hub, &self.key, &self.sandbox);
        let auth = format!("-H 'Authorization: Bearer {key}'");
        let first = who.name.split(' ').next().unwrap_or(who.name);
        let (conversation, message) = match opening {
            Some(o) => (o.conversation.to_string(), o.message.to_string()),
            None => (
                "<id from the inbox>".into(),
                "<messageId of a reply>".into(),
            ),
        };
        let customers: Vec<String> = CUSTOMERS
            .iter()
            .map(|c| format!("{} +{}", c.name, c.number))
            .collect();
        let mut out = String::new();
        let mut line = |s: &str| {
            let _ = writeln!(out, "{s}");
        };
        line("");
        line("  Switchboard demo is running.");
        line("");
        line(&format!(
            "  Hub:        {hub}  (organization \"Demo\", {})",
            self.org
        ));
        line(&format!(
            "  API key:    {key}  (shown once; every start issues a new one)"
        ));
        line(&format!(
            "  Channel:    {}  (\"{CHANNEL_NAME}\", number +{DISPLAY_NUMBER})",
            self.channel
        ));
        line(&format!(
            "  Sandbox:    {sb}  (the WhatsApp Cloud API, simulated in this process)"
        ));
        line(&format!("  Customers:  {}", customers.join(", ")));
        line(&format!(
            "              write in every few seconds and answer what you send them (at most {MAX_MESSAGES} messages a run)"
        ));
        line("");
        line("  Try it:");
        line("");
        line("    # the inbox: conversations with the demo customers");
        line(&format!("    curl -s {hub}/v1/conversations {auth}"));
        line(&format!(
            "    # {first}'s conversation, oldest message first"
        ));
        line(&format!(
            "    curl -s {hub}/v1/conversations/{conversation}/messages {auth}"
        ));
        line(&format!(
            "    # answer {first}: 202 at once with a messageId, then sent, delivered and read"
        ));
        line(&format!(
            "    curl -s {hub}/v1/messages {auth} -H 'Content-Type: application/json' \\"
        ));
        line(&format!(
            "      -d '{{\"from\":\"{}\",\"to\":\"{}\",\"content\":{{\"type\":\"text\",\"body\":\"Your order ships today.\"}}}}'",
            self.channel, who.number
        ));
        line(&format!(
            "    # a message and its status (the demo's welcome to {first}; or your reply's messageId)"
        ));
        line(&format!("    curl -s {hub}/v1/messages/{message} {auth}"));
        line("    # search every message");
        line(&format!(
            "    curl -s '{hub}/v1/messages/search?q=order' {auth}"
        ));
        line("");
        line("  The sandbox's control API:");
        line("");
        line("    # what the customers were sent, and the webhooks the sandbox sent the hub");
        line(&format!("    curl -s {sb}/sandbox/v1/outbox"));
        line(&format!("    curl -s {sb}/sandbox/v1/deliveries"));
        line("    # Meta's check of the hub's webhook URL, with the channel's verify token");
        line(&format!(
            "    curl -s -X POST {sb}/sandbox/v1/handshake -H 'Content-Type: application/json' -d '{{\"phone_number_id\":\"{PHONE_NUMBER_ID}\"}}'"
        ));
        line("    # write in yourself, as a new customer");
        line(&format!(
            "    curl -s -X POST {sb}/sandbox/v1/inbound -H 'Content-Type: application/json' \\"
        ));
        line(&format!(
            "      -d '{{\"phone_number_id\":\"{PHONE_NUMBER_ID}\",\"from\":\"447700900199\",\"name\":\"You\",\"type\":\"text\",\"text\":{{\"body\":\"Hello!\"}}}}'"
        ));
        line("");
        line("  Stop with Ctrl-C.");
        out
    }
}
