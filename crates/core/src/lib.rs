//! Switchboard's use cases: access control (principals, API keys, sessions, roles), organizations,
//! people, teams and the audit log. Sees the store only through `Arc<dyn Store>`; every use case
//! takes the caller's [`Principal`] and checks its scopes here, never in the HTTP handlers.

pub mod api_keys;
pub mod audit;
pub mod authenticate;
pub mod channels;
pub mod contacts;
pub mod conversations;
pub mod dispatch;
pub mod error;
pub mod idempotency;
pub mod ingest;
pub mod limiter;
pub mod media;
pub mod members;
pub mod org_creation;
pub mod orgs;
pub mod passwords;
pub mod principal;
pub mod sealing;
pub mod search;
pub mod send;
pub mod sessions;
pub mod settings;
pub mod stream;
pub mod teams;
pub mod templates;
pub mod tokens;
pub mod webhooks;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use switchboard_domain::ApiKeyId;
use switchboard_store::Store;

use sealing::MasterKey;

pub use api_keys::{CreatedApiKey, NewApiKey};
pub use channels::integration::{CodeExample, Integration};
pub use channels::{ChannelInfo, ChannelUpdate, ConnectionTest, NewChannel};
pub use contacts::{ContactFields, ContactKeyInput, Upserted};
pub use contacts::{ExportColumns, ImportReport, ImportRequest, OnDuplicate, RejectedRow};
pub use conversations::{
    AssigneeFilter, ConversationDetails, ConversationQuery, ConversationUpdate,
};
pub use error::{CoreError, CoreResult};
pub use limiter::{Decision, TokenBuckets};
pub use members::{MemberUpdate, NewMember};
pub use orgs::{NewOwner, OrgCreated};
pub use principal::{KeyPrincipal, Origin, Principal, UserPrincipal};
pub use sessions::{LoggedIn, Login};
pub use settings::CoreSettings;
pub use teams::{NewTeam, TeamUpdate};
pub use templates::{CreatedTemplate, Synced};

/// The use cases, sharing one store and the settings. Cheap to clone.
#[derive(Clone)]
pub struct Core {
    store: Arc<dyn Store>,
    settings: Arc<CoreSettings>,
    /// When this node last recorded each key's use, so `touch_api_key` runs at most once a
    /// minute per key instead of on every request.
    key_touches: Arc<Mutex<HashMap<ApiKeyId, Instant>>>,
    /// Sign-in attempts per client IP, on top of the per-account throttle kept in the store.
    login_ips: Arc<TokenBuckets>,
    /// Seals and opens channel credentials and webhook secrets.
    master_key: MasterKey,
    /// The one outbound HTTP client every connector shares (pooling, timeouts, no redirects).
    http: reqwest::Client,
    /// Live connectors per channel, rebuilt when the channel changes.
    connectors: Arc<channels::live::ConnectorCache>,
    /// Where media files live (`{data_dir}/media` by default); set by `with_media_storage`.
    media: Option<Arc<dyn media::MediaStorage>>,
    /// One provider upload at a time per (file, channel) on this node, so a campaign's
    /// concurrent dispatches of one file upload it once.
    media_uploads: Arc<media::outbound::UploadLocks>,
    /// Which organizations' channels have meta-format endpoints (their webhooks are kept raw).
    meta_endpoints: Arc<webhooks::raw::MetaEndpoints>,
}

impl Core {
    pub fn new(store: Arc<dyn Store>, settings: CoreSettings, master_key: MasterKey) -> Self {
        let login_ips = TokenBuckets::per_minute(settings.login_attempts_per_ip_per_minute);
        // Building the client only fails when the TLS backend cannot start, which is a broken
        // installation rather than bad input.
        let http = switchboard_connectors::http_client().expect("the HTTP client starts");
        Self {
            store,
            settings: Arc::new(settings),
            key_touches: Arc::new(Mutex::new(HashMap::new())),
            login_ips: Arc::new(login_ips),
            master_key,
            http,
            connectors: Arc::default(),
            media: None,
            media_uploads: Arc::default(),
            meta_endpoints: Arc::default(),
        }
    }

    pub fn settings(&self) -> &CoreSettings {
        &self.settings
    }

    /// The installation's master key, for use cases sealing or opening secrets.
    pub fn master_key(&self) -> &MasterKey {
        &self.master_key
    }

    /// The shared outbound HTTP client (connectors, media downloads).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// Whether the store serves reads and writes (`/readyz`).
    pub async fn ping(&self) -> CoreResult<()> {
        Ok(self.store.ping().await?)
    }
}
