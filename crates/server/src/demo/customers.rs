//! The simulated customers: one task per run, stopped by the shutdown. The first customer writes
//! at once and the demo welcomes her, so the banner can show a real conversation and message;
//! then a customer writes every few seconds, and every message the business sends a customer is
//! answered a moment later (the sandbox itself reports it delivered and read). Bounded by
//! [`MAX_MESSAGES`], so a demo left running does not grow the database for ever.

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use switchboard_core::send::SendMessage;
use switchboard_core::{ConversationQuery, Core, Principal};
use switchboard_domain::content::{Content, OutboundContent, Text};
use switchboard_domain::{ChannelId, OrgId};
use switchboard_store::PageRequest;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::banner::{Banner, Opening};
use super::cast::{self, CUSTOMERS, Customer};
use super::control::Control;
use super::wiring::PHONE_NUMBER_ID;

/// Customers' messages per run (answers included); then they fall silent until the next start.
pub const MAX_MESSAGES: usize = 200;
/// Seconds between two customers' messages: often enough to watch, rare enough to read.
const QUIET_SECS: RangeInclusive<u64> = 5..=15;
/// Seconds a customer takes to answer what they were sent.
const ANSWER_SECS: RangeInclusive<u64> = 2..=5;
/// How often the sandbox's outbox is looked at for new sends to answer.
const TICK: Duration = Duration::from_secs(1);
/// How long the welcome waits for the first message to reach the hub (it follows it in the
/// conversation); past it the welcome goes anyway.
const ARRIVAL_WAIT: Duration = Duration::from_secs(10);

/// Everything the customers' task needs.
pub struct Play {
    pub core: Core,
    pub org: OrgId,
    pub channel: ChannelId,
    pub control: Control,
    pub banner: Banner,
}

/// Plays the customers until `shutdown` (or [`MAX_MESSAGES`]).
pub async fn run(play: Play, shutdown: CancellationToken) {
    tokio::select! {
        () = shutdown.cancelled() => {}
        () = play.go() => {}
    }
}

/// An answer due from a customer.
struct Due {
    at: Instant,
    customer: usize,
    wamid: String,
}

impl Play {
    async fn go(&self) {
        let mut rng = StdRng::from_entropy();
        let mut said = 0;
        let mut next_line = [0usize; CUSTOMERS.len()];

        let since = switchboard_domain::now() - Duration::from_secs(1);
        said += usize::from(self.write(0, &mut next_line).await);
        let opening = self.welcome(&CUSTOMERS[0], since).await;
        println!("{}", self.banner.render(&CUSTOMERS[0], opening));

        let mut answered: HashSet<String> = HashSet::new();
        let mut due: Vec<Due> = Vec::new();
        let mut next_write = Instant::now() + secs(&mut rng, QUIET_SECS);
        let mut tick = tokio::time::interval(TICK);
        while said < MAX_MESSAGES {
            tick.tick().await;
            let now = Instant::now();
            for (customer, wamid) in self.new_sends(&mut answered).await {
                let at = now + secs(&mut rng, ANSWER_SECS);
                due.push(Due {
                    at,
                    customer,
                    wamid,
                });
            }
            let (ready, later): (Vec<Due>, Vec<Due>) = due.into_iter().partition(|d| d.at <= now);
            due = later;
            for d in ready.into_iter().take(MAX_MESSAGES - said) {
                let who = &CUSTOMERS[d.customer];
                let text = cast::ANSWERS[rng.gen_range(0..cast::ANSWERS.len())];
                let body = cast::answer(PHONE_NUMBER_ID, who, &d.wamid, text);
                said += usize::from(self.send(who, body).await);
            }
            if now >= next_write && said < MAX_MESSAGES {
                let customer = rng.gen_range(0..CUSTOMERS.len());
                said += usize::from(self.write(customer, &mut next_line).await);
                next_write = now + secs(&mut rng, QUIET_SECS);
            }
        }
        tracing::info!(
            messages = said,
            "demo: the customers have said enough for this run; restart to hear from them again"
        );
    }

    /// What the business sent the customers since the last look (the sandbox's outbox), each
    /// once: (customer, wamid). Reactions are left out: people do not answer those.
    async fn new_sends(&self, answered: &mut HashSet<String>) -> Vec<(usize, String)> {
        let sent = match self.control.outbox(PHONE_NUMBER_ID).await {
            Ok(sent) => sent,
            Err(e) => {
                tracing::warn!(error = %e, "demo: cannot read the sandbox's outbox");
                return Vec::new();
            }
        };
        sent.into_iter()
            .filter(|s| s.kind != "reaction")
            .filter_map(|s| {
                let customer = CUSTOMERS.iter().position(|c| c.number == s.wa_id)?;
                answered.insert(s.id.clone()).then_some((customer, s.id))
            })
            .collect()
    }

    /// The customer's next line; whether the sandbox took it.
    async fn write(&self, customer: usize, next_line: &mut [usize]) -> bool {
        let who = &CUSTOMERS[customer];
        let line = &who.says[next_line[customer] % who.says.len()];
        next_line[customer] += 1;
        self.send(who, line.inbound(PHONE_NUMBER_ID, who)).await
    }

    async fn send(&self, who: &Customer, body: serde_json::Value) -> bool {
        // The log then reads as a live feed of what the customers say.
        let kind = body["type"].as_str().unwrap_or_default().to_owned();
        let said = [
            &body["text"]["body"],
            &body["image"]["caption"],
            &body["location"]["name"],
        ]
        .into_iter()
        .find_map(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
        match self.control.inbound(body).await {
            Ok(wamid) => {
                tracing::info!(customer = who.name, kind, said, %wamid, "demo: a customer wrote in");
                true
            }
            Err(e) => {
                tracing::warn!(customer = who.name, error = %e, "demo: a customer could not write");
                false
            }
        }
    }

    /// Once the customer's first message has arrived, the business welcomes her (through core,
    /// as an API call would): its conversation and message are the banner's examples.
    async fn welcome(
        &self,
        who: &Customer,
        since: switchboard_domain::Timestamp,
    ) -> Option<Opening> {
        let deadline = Instant::now() + ARRIVAL_WAIT;
        while !self.arrived(since).await && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let first_name = who.name.split(' ').next().unwrap_or(who.name);
        let body = format!(
            "Hi {first_name}, thanks for writing to the Switchboard demo! An agent will answer \
             you here shortly."
        );
        let content = Content::Text(Text {
            body,
            preview_url: false,
        });
        let send = SendMessage {
            from: self.channel,
            to: who.number.to_owned(),
            content: OutboundContent {
                content,
                reply_to: None,
            },
            tag: None,
        };
        match self
            .core
            .send_message(&Principal::system(self.org), send)
            .await
        {
            Ok(sent) => Some(Opening {
                conversation: sent.conversation_id,
                message: sent.message_id,
            }),
            Err(e) => {
                tracing::warn!(error = %e, "demo: the welcome could not be sent");
                None
            }
        }
    }

    /// Whether a customer message written since `since` is in the channel's inbox.
    async fn arrived(&self, since: switchboard_domain::Timestamp) -> bool {
        let query = ConversationQuery {
            channel: Some(self.channel),
            ..ConversationQuery::default()
        };
        self.core
            .list_conversations(
                &Principal::system(self.org),
                query,
                PageRequest::first(PageRequest::MAX_LIMIT),
            )
            .await
            .is_ok_and(|page| {
                page.items
                    .iter()
                    .any(|d| d.conversation.last_inbound_at.is_some_and(|at| at >= since))
            })
    }
}

fn secs(rng: &mut StdRng, range: RangeInclusive<u64>) -> Duration {
    Duration::from_secs(rng.gen_range(range))
}
