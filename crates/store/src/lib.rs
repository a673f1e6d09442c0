//! The storage contract. `core` sees only `Arc<dyn Store>`; the SQLite and PostgreSQL crates
//! implement it, and `store-tests` proves they behave the same. One trait per aggregate, composed
//! into [`Store`]. Every tenant-scoped method takes the `OrgId` and answers `NotFound` for a row of
//! another organization exactly as for a row that does not exist.
//!
//! Mutations that imply other rows (an audit entry, queued work) take an [`Effects`] and write it
//! in the same transaction: there is never a "wrote the change, then failed to enqueue" gap.

pub mod api_keys;
pub mod audit;
pub mod channels;
pub mod consent;
pub mod contacts;
pub mod conversations;
pub mod dispatch;
pub mod effects;
pub mod error;
pub mod events;
pub mod idempotency;
pub mod jobs;
pub mod media;
pub mod messages;
pub mod orgs;
pub mod page;
pub mod search;
pub mod sessions;
pub mod teams;
pub mod templates;
pub mod users;
pub mod webhooks;

pub use api_keys::{ApiKey, ApiKeyStore};
pub use audit::{Actor, AuditEntry, AuditFilter, AuditStore};
pub use channels::{Channel, ChannelDraft, ChannelFilter, ChannelStore};
pub use consent::{Consent, ConsentStore, merge_consents};
pub use contacts::{
    Contact, ContactFilter, ContactKey, ContactStore, ContactWrite, Identity, other_phone_kind,
    phone_of_address,
};
pub use conversations::{
    Conversation, ConversationChange, ConversationEvent, ConversationFilter, ConversationStore,
    PREVIEW_CHARS, preview,
};
pub use dispatch::{DispatchStore, SenderLease};
pub use effects::Effects;
pub use error::StoreError;
pub use events::{Event, EventFilter, EventSignal, EventStore, PROVIDER_WEBHOOK, TemplateReview};
pub use idempotency::{IdempotencyBegin, IdempotencyKey, IdempotencyStore, StoredResponse};
pub use jobs::{
    ClaimRequest, EnqueueOutcome, Job, JobFilter, JobOutcome, JobState, JobStore, NewJob,
};
pub use media::{MediaFile, MediaKind, MediaKindError, MediaOrigin, MediaStore, ProviderUpload};
pub use messages::{
    AcceptedOutbound, InboundMessage, IngestBatch, IngestOutcome, MAX_WATERMARK_MESSAGES, Message,
    MessageError, MessageStore, OutboundRequest, Reaction, Revision, StatusReport, StoredInbound,
    watermark_moves,
};
pub use orgs::{Org, OrgSettings, OrgSetup, OrgStore};
pub use page::{Page, PageRequest};
pub use search::{MessageSearch, QueryError, SearchQuery, SearchStore};
pub use sessions::{Session, SessionStore};
pub use teams::{Team, TeamStore};
pub use templates::{Template, TemplateFilter, TemplateStore};
pub use users::{LoginThrottle, Member, Membership, User, UserStore};
pub use webhooks::{
    DELIVER_KIND, DELIVERY_ATTEMPTS, WebhookAttempt, WebhookDelivery, WebhookEndpoint,
    WebhookStore, deliveries_for, delivery_body,
};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The whole store: every aggregate's trait, plus health.
#[async_trait::async_trait]
pub trait Store:
    OrgStore
    + UserStore
    + SessionStore
    + TeamStore
    + ApiKeyStore
    + AuditStore
    + IdempotencyStore
    + JobStore
    + ChannelStore
    + ContactStore
    + ConversationStore
    + MessageStore
    + EventStore
    + SearchStore
    + WebhookStore
    + ConsentStore
    + DispatchStore
    + MediaStore
    + TemplateStore
    + Send
    + Sync
    + 'static
{
    /// `"sqlite"` or `"postgres"`: for logs, metrics and `/readyz`.
    fn backend(&self) -> &'static str;

    /// Answers once the database serves reads and writes (for `/readyz`).
    async fn ping(&self) -> Result<()>;

    /// Stops background work (writer thread, listeners) after finishing what was queued.
    async fn close(&self);
}
