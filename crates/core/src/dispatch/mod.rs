//! The outbound dispatcher: the `message.dispatch` job handler that hands an accepted message to
//! its channel's connector (PRODUCT §5, issue 4 item 7).
//!
//! One job per message, enqueued by [`Core::send_message`](crate::Core::send_message) in the
//! message's own transaction. A run makes sure this node owns the sender ([`ownership`]), loads
//! the message and its channel, waits for the sender's slot in the [`limiter::SendLimiter`],
//! calls the connector, and records the provider's receipt at once. What a failure becomes is
//! decided in [`failure`]: retried (after the delay the provider asked for), or the message
//! marked failed with Switchboard's code and the provider's code and text.
//!
//! Waiting is not failing: a job of a sender another node owns, or whose slot is further away
//! than a worker should wait in place, is deferred ([`JobError::Defer`]), which spends no attempt,
//! so a burst however large never kills messages by running them out of attempts.
//!
//! Never twice: a message that already has a provider id is not sent again (a job retried after
//! a crash between the send and the job's finish does nothing), so the only window for a
//! duplicate is the one attempt in flight when a node dies.

mod failure;
pub mod limiter;
pub mod ownership;
mod pacing;
mod receipt;

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use switchboard_connectors::{OutboundMessage, SendAction, SendError, registry};
use switchboard_domain::content::OutboundContent;
use switchboard_domain::{ChannelId, ChannelStatus, MessageId, MessageStatus, OrgId};
use switchboard_jobs::{JobError, JobHandler};
use switchboard_store::{Channel, Job, Message, MessageError, StoreError};

use crate::Core;
use crate::media::outbound::ResolveError;
use failure::Failure;
use ownership::{DEFAULT_SENDER_LEASE, Ownership, Senders};
use pacing::{Pace, Pacer, PairLimit};

/// The job kind.
pub const DISPATCH_KIND: &str = "message.dispatch";
/// A sender's rate when its channel's configuration names none: WhatsApp Cloud's default
/// throughput per phone number.
pub const DEFAULT_MESSAGES_PER_SECOND: f64 = 80.0;
/// How long a job waits in place for its sender's slot; further away, the slot is reserved for it
/// and it is deferred until then (see [`pacing`]): a worker is never parked behind one sender's
/// queue while other senders wait.
pub const MAX_LIMITER_WAIT: Duration = Duration::from_millis(100);

/// What a dispatch job carries. `to` is the recipient's canonical address, checked when the
/// message was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispatchPayload {
    pub message_id: MessageId,
    pub org_id: OrgId,
    pub channel_id: ChannelId,
    pub to: String,
    /// The message tag the caller asked for (Messenger / Instagram `human_agent`...), checked
    /// against the window when the message was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// The `message.dispatch` handler. One per node: its limiter and its view of the sender leases
/// are this node's. The node is named by the runner's worker id, read from each claimed job's
/// lease owner.
pub struct Dispatcher {
    core: Core,
    pacer: Arc<Pacer>,
    senders: Arc<Senders>,
}

impl Core {
    /// The dispatch job handler, to register with the job runner.
    pub fn dispatcher(&self) -> Dispatcher {
        Dispatcher {
            core: self.clone(),
            pacer: Arc::new(Pacer::new(MAX_LIMITER_WAIT)),
            senders: Arc::new(Senders::new(self.store.clone(), DEFAULT_SENDER_LEASE)),
        }
    }
}

impl Dispatcher {
    /// The longest a job waits in place for its sender's slot ([`MAX_LIMITER_WAIT`] unless set).
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.pacer = Arc::new(Pacer::new(max_wait));
        self
    }

    /// How long this node's sender leases last ([`DEFAULT_SENDER_LEASE`] unless set).
    pub fn with_sender_lease(mut self, lease: Duration) -> Self {
        self.senders = Arc::new(Senders::new(self.core.store.clone(), lease));
        self
    }
}

/// A store error inside a dispatch run: worth another try.
fn retry(what: &str, e: impl std::fmt::Display) -> JobError {
    JobError::retry(format!("{what}: {e}"))
}

/// The sender's messages per second, from the channel's published configuration through its
/// protocol (which knows the provider's default).
fn rate_of(channel: &Channel) -> f64 {
    registry::messages_per_second(&channel.protocol, &channel.config)
        .filter(|r| *r > 0)
        .map_or(DEFAULT_MESSAGES_PER_SECOND, f64::from)
}

#[async_trait::async_trait]
impl JobHandler for Dispatcher {
    fn kind(&self) -> &'static str {
        DISPATCH_KIND
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let payload: DispatchPayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::permanent(format!("malformed dispatch payload: {e}")))?;
        let last_attempt = job.attempts >= job.max_attempts;
        let Some(node) = job.lease_owner.as_deref() else {
            return Err(JobError::retry("dispatch job run without a lease"));
        };
        match self
            .senders
            .check(payload.org_id, payload.channel_id, node)
            .await
        {
            Ok(Ownership::Mine) => {}
            Ok(Ownership::Theirs { owner, retry_in }) => {
                return Err(JobError::defer(
                    format!("the sender is owned by node {owner}"),
                    retry_in,
                ));
            }
            Err(e) => return Err(retry("taking the sender's lease", e)),
        }
        let run = Run {
            node,
            job: job.id,
            last_attempt,
            deferrals: job.deferrals,
        };
        let result = self.dispatch(&payload, &run).await;
        if let (Err(JobError::Retry { error, .. }), true) = (&result, last_attempt) {
            // The runner buries the job now; the message must not stay `enqueued` for ever.
            self.give_up(&payload, error).await;
        }
        result
    }

    async fn stopped(&self, worker: &str) {
        self.senders.release_all(worker).await;
    }
}

/// What one run of a job knows beyond its payload.
struct Run<'a> {
    /// This node (the job's lease owner).
    node: &'a str,
    /// The job (a reserved slot is kept for it).
    job: switchboard_domain::JobId,
    last_attempt: bool,
    /// Times the job was deferred so far.
    deferrals: u32,
}

impl Dispatcher {
    async fn dispatch(&self, p: &DispatchPayload, run: &Run<'_>) -> Result<(), JobError> {
        let store = &self.core.store;
        let message = match store.get_message(p.org_id, p.message_id).await {
            Ok(m) => m,
            // Deleted with its contact before it left: there is nobody to send it to.
            Err(StoreError::NotFound) => {
                tracing::info!(message_id = %p.message_id, "message gone before dispatch");
                return Ok(());
            }
            Err(e) => return Err(retry("loading the message", e)),
        };
        if let Some(pid) = &message.provider_message_id {
            // Sent by an earlier attempt that died before finishing its job.
            tracing::info!(message_id = %message.id, provider_message_id = %pid, "already sent");
            return Ok(());
        }
        if message.status != MessageStatus::Enqueued {
            tracing::info!(message_id = %message.id, status = %message.status, "not waiting to be sent");
            return Ok(());
        }
        let channel = match store.get_channel(p.org_id, message.channel_id).await {
            Ok(c) if c.status != ChannelStatus::Disabled => c,
            Ok(_) | Err(StoreError::NotFound) => {
                let f = Failure::local("channel_disabled", "the channel is disabled or deleted");
                return self.fail(&message, &f).await;
            }
            Err(e) => return Err(retry("loading the channel", e)),
        };
        let content: OutboundContent = match serde_json::from_value(message.content.clone()) {
            Ok(c) => c,
            Err(e) => {
                let f =
                    Failure::local("invalid_content", format!("stored content unreadable: {e}"));
                return self.fail(&message, &f).await;
            }
        };
        let connector = self
            .core
            .connector(&channel)
            .await
            .map_err(|e| retry("building the connector", e))?;
        let mut content = content;
        let files = match self
            .core
            .resolve_outbound_media(&channel, &*connector, &mut content.content)
            .await
        {
            Ok(files) => files,
            Err(e) => return self.media_failed(&message, &channel, e, run).await,
        };
        let pair = registry::per_recipient_interval(&channel.protocol).map(|interval| PairLimit {
            to: &p.to,
            interval,
        });
        match self
            .pacer
            .pace(run.job, channel.id, rate_of(&channel), pair)
        {
            Pace::Wait(d) if !d.is_zero() => {
                tokio::time::sleep(d).await;
                // The lease may have needed renewing meanwhile; if it was lost (this node
                // stalled past its end), the new owner sends instead.
                if let Ownership::Theirs { owner, retry_in } = self
                    .senders
                    .check(channel.org_id, channel.id, run.node)
                    .await
                    .map_err(|e| retry("renewing the sender's lease", e))?
                {
                    let why = format!("the sender moved to node {owner}");
                    return Err(JobError::defer(why, retry_in));
                }
            }
            Pace::Wait(_) => {}
            Pace::Defer(d) => {
                return Err(JobError::defer("waiting for the sender's rate", d));
            }
        }
        let outbound = OutboundMessage {
            to: p.to.clone(),
            content,
            callback_data: Some(message.id.to_string()),
            tag: p.tag.clone(),
        };
        let sent = if files.is_empty() {
            connector.send(&outbound).await
        } else {
            match connector.send_with_files(&outbound, &files).await {
                Ok((receipt, kept)) => {
                    self.core.keep_sent_files(&channel, &kept).await;
                    Ok(receipt)
                }
                Err(e) => Err(e),
            }
        };
        match sent {
            Ok(r) => {
                receipt::record(&self.core, &message, &channel, &r).await?;
                receipt::record_notes(&self.core, &message, &r.notes).await;
                Ok(())
            }
            Err(e) => self.send_failed(&message, &channel, &e, run).await,
        }
    }

    /// A provider's refusal or failure (of the send, or of a media upload before it).
    async fn send_failed(
        &self,
        message: &Message,
        channel: &Channel,
        e: &SendError,
        run: &Run<'_>,
    ) -> Result<(), JobError> {
        let last_attempt = run.last_attempt;
        if let SendAction::RateLimited(pause) = e.action {
            self.pacer.hold(&channel.id, pause);
        }
        if let Some(after) = failure::throttle_deferral(e, run.deferrals) {
            return Err(JobError::defer(e.to_string(), after));
        }
        match failure::decide(e, last_attempt) {
            failure::Decision::Retry { error, after } => Err(JobError::Retry {
                error,
                retry_after: after,
            }),
            failure::Decision::Fail(f) => {
                if f.channel_level {
                    self.mark_channel(channel, &f).await;
                }
                if f.code == switchboard_connectors::twilio::errors::OPTED_OUT {
                    self.mirror_opt_out(message, channel).await;
                }
                let result = self.fail(message, &f).await;
                // Out of attempts: the job is dead (inspectable, redrivable) as well.
                match (result, last_attempt && e.is_retryable()) {
                    (Ok(()), true) => Err(JobError::permanent(e.to_string())),
                    (r, _) => r,
                }
            }
        }
    }

    /// An attachment that could not become a provider id.
    async fn media_failed(
        &self,
        message: &Message,
        channel: &Channel,
        e: ResolveError,
        run: &Run<'_>,
    ) -> Result<(), JobError> {
        match e {
            ResolveError::Provider(e) => self.send_failed(message, channel, &e, run).await,
            ResolveError::Gone(why) => {
                self.fail(message, &Failure::local("unknown_media", why))
                    .await
            }
            ResolveError::Retry(why) => Err(retry("preparing media", why)),
            ResolveError::NoPublicUrl => {
                let f = Failure::local(
                    "public_url_unknown",
                    "this provider fetches media by URL; set [http] public_base_url",
                );
                self.fail(message, &f).await
            }
        }
    }

    /// Marks the message failed; the job is then done.
    async fn fail(&self, message: &Message, f: &Failure) -> Result<(), JobError> {
        let error = MessageError {
            code: f.code.to_owned(),
            provider_code: f.provider_code.clone(),
            provider_text: f.provider_text.clone(),
        };
        tracing::warn!(message_id = %message.id, code = f.code, provider_code = ?f.provider_code, "message failed");
        self.core
            .store
            .record_send_failure(
                message.org_id,
                message.id,
                &error,
                switchboard_domain::now(),
            )
            .await
            .map(|_| ())
            .map_err(|e| retry("recording the failure", e))
    }

    /// Out of attempts on a failure before the provider answered (store, credentials): the
    /// message fails with the last error. Best effort: the job is dead either way.
    async fn give_up(&self, p: &DispatchPayload, error: &str) {
        let store = &self.core.store;
        let Ok(message) = store.get_message(p.org_id, p.message_id).await else {
            return;
        };
        if message.provider_message_id.is_some() || message.status != MessageStatus::Enqueued {
            return;
        }
        if let Err(e) = self
            .fail(&message, &Failure::local(failure::GAVE_UP, error))
            .await
        {
            tracing::error!(message_id = %message.id, error = ?e, "could not fail a message given up on");
        }
    }

    /// The provider says the recipient opted out (Twilio 21610): the contact's consent on this
    /// kind says so too, so the next send is refused before it leaves. Best effort: the message
    /// fails either way.
    async fn mirror_opt_out(&self, message: &Message, channel: &Channel) {
        if let Err(e) = self
            .core
            .record_channel_consent(
                message.org_id,
                message.contact_id,
                channel.kind,
                false,
                "provider",
            )
            .await
        {
            tracing::warn!(message_id = %message.id, error = %e, "could not mirror the opt-out");
        }
    }

    /// The provider refused the channel itself (credentials, account): the channel shows it.
    async fn mark_channel(&self, channel: &Channel, f: &Failure) {
        let text = match &f.provider_text {
            Some(t) => format!("{}: {t}", f.code),
            None => f.code.to_owned(),
        };
        let at = switchboard_domain::now();
        if let Err(e) = self
            .core
            .store
            .record_channel_health(channel.org_id, channel.id, Some(&text), at)
            .await
        {
            tracing::warn!(channel_id = %channel.id, error = %e, "could not record the channel's error");
        }
    }
}
