//! Test harness: `TestApp::spawn(Backend::Sqlite | Backend::Postgres)` runs the real wiring
//! (`switchboard::serve_with_store`, as `switchboard serve` does) on 127.0.0.1:0 over a fresh store (temp dir or fresh schema) with a fresh organization, and offers
//! a client that reads like the product (`app.get(..)`, `app.post_json(..)`, `app.login(..)`).
//! Requests made as the organization's owner are recorded so that `assert_tenant_isolation()` can
//! replay them as another organization (see `docs/tenant-isolation.md`).

mod client;
mod isolation;
mod macros;
mod meta_sandbox;
mod nodes;
mod receiver;
mod sandbox;
mod telegram;
mod twilio;

use std::net::SocketAddr;
use std::sync::Arc;

use parking_lot::Mutex;
use switchboard_core::{Core, CoreSettings, NewOwner, OrgCreated};
use switchboard_domain::{Email, Name, Secret};
use switchboard_http::HttpSettings;
use switchboard_store::Store;
use uuid::Uuid;

pub use client::{Auth, Call, TestResponse};
pub use isolation::Recorded;
pub use meta_sandbox::MetaChannelFixture;
pub use nodes::Node;
pub use receiver::{Received, header, webhook_receiver};
pub use sandbox::{ChannelFixture, SandboxHandle};
pub use telegram::{TelegramBot, TelegramFixture};
/// Re-exported for the test macro.
pub use tokio;
pub use twilio::TwilioFixture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Everything `spawn_with` lets a test change.
#[derive(Debug, Clone)]
pub struct TestOptions {
    pub http: HttpSettings,
    pub core: CoreSettings,
    /// Where the server listens; IPv6 tests use `[::1]:0`.
    pub bind: SocketAddr,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            http: HttpSettings::default(),
            core: CoreSettings::default(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

/// An organization made for the test, with its owner's credentials.
#[derive(Debug, Clone)]
pub struct OrgFixture {
    pub id: Uuid,
    /// The owner key's secret (every scope).
    pub key: String,
    pub key_id: Uuid,
    pub owner_id: Uuid,
    pub owner_email: String,
    pub owner_password: String,
}

/// Keeps the database alive for the test's duration.
enum Guard {
    Sqlite(
        #[expect(dead_code, reason = "held only so the directory outlives the test")]
        tempfile::TempDir,
    ),
    /// The schema lives as long as the test; a second node connects to it.
    Postgres(switchboard_store_postgres::testing::TestSchema),
}

pub struct TestApp {
    pub base_url: String,
    pub backend: Backend,
    pub core: Core,
    pub store: Arc<dyn Store>,
    /// The organization the test works in.
    pub org: OrgFixture,
    http: reqwest::Client,
    other: tokio::sync::OnceCell<OrgFixture>,
    recorded: Mutex<Vec<Recorded>>,
    /// The job runner with the server's handlers; background workers are off in tests so that
    /// `run_pending_jobs` decides when work happens.
    workers: switchboard_jobs::Runner,
    shutdown: tokio_util::sync::CancellationToken,
    /// The provider emulator, started by the first `sandbox()` call.
    sandbox: tokio::sync::OnceCell<SandboxHandle>,
    /// Channels made by `whatsapp_channel()`, for unique names.
    channel_count: std::sync::atomic::AtomicUsize,
    _guard: Guard,
    /// The server's configuration (with the master key), for a second node on the same store.
    config: switchboard::Config,
    /// The app's data directory (fetched media), so tests never write into the source tree.
    _data_dir: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(sandbox) = self.sandbox.get() {
            sandbox.server.shutdown_token().cancel();
        }
    }
}

impl TestApp {
    /// `None` when PostgreSQL is unreachable and not required (the test is skipped).
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, TestOptions::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: TestOptions) -> Option<TestApp> {
        let (store, guard): (Arc<dyn Store>, Guard) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let config =
                    switchboard_store_sqlite::SqliteConfig::new(dir.path().join("test.db"));
                let store = switchboard_store_sqlite::SqliteStore::open(config)
                    .await
                    .expect("open SQLite store");
                (Arc::new(store), Guard::Sqlite(dir))
            }
            Backend::Postgres => {
                let (store, schema) = switchboard_store_postgres::testing::fresh_store().await?;
                (Arc::new(store), Guard::Postgres(schema))
            }
        };
        // A random key per app, given to the server too, so both open what the other sealed.
        let (master_key, master_key_text) = switchboard_core::sealing::MasterKey::generate();
        let data_dir = tempfile::tempdir().expect("temp data dir");
        let listener = tokio::net::TcpListener::bind(options.bind)
            .await
            .expect("bind test listener");
        let addr = listener.local_addr().expect("local addr");
        // Providers (the sandbox) call back on the test server's own address.
        let mut core_settings = options.core.clone();
        core_settings
            .public_base_url
            .get_or_insert_with(|| format!("http://{addr}"));
        let mut config = switchboard::Config {
            data_dir: data_dir.path().to_path_buf(),
            http: options.http.clone(),
            core: core_settings.clone(),
            master_key: Some(Secret::new(master_key_text)),
            ..Default::default()
        };
        config.jobs.enabled = false;
        let core = Core::new(store.clone(), core_settings, master_key);
        let workers = switchboard::workers(&core, store.clone(), &config);
        let shutdown = tokio_util::sync::CancellationToken::new();
        tokio::spawn(switchboard::serve_with_store(
            config.clone(),
            store.clone(),
            listener,
            shutdown.clone(),
        ));
        let org = make_org(&core, &store, "Acme", "owner@acme.test").await;
        Some(TestApp {
            base_url: format!("http://{addr}"),
            backend,
            core,
            store,
            org,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            other: tokio::sync::OnceCell::new(),
            recorded: Mutex::new(Vec::new()),
            workers,
            shutdown,
            sandbox: tokio::sync::OnceCell::new(),
            channel_count: std::sync::atomic::AtomicUsize::new(0),
            _guard: guard,
            config,
            _data_dir: data_dir,
        })
    }

    /// The app's data directory (media files live under its `media/`).
    pub fn data_dir(&self) -> &std::path::Path {
        self._data_dir.path()
    }

    /// Runs every due job with the server's handlers until none is left; returns how many ran.
    pub async fn run_pending_jobs(&self) -> usize {
        self.workers.run_pending().await.expect("run pending jobs")
    }

    /// Runs jobs as they come due, deferred ones included (a sender's paced messages), until no
    /// job is waiting or running; panics after a minute. Returns how many runs there were.
    pub async fn run_jobs_until_idle(&self) -> usize {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut ran = 0;
        loop {
            ran += self.run_pending_jobs().await;
            let waiting = self
                .store
                .list_jobs(
                    &switchboard_store::JobFilter {
                        state: Some(switchboard_store::JobState::Ready),
                        ..Default::default()
                    },
                    switchboard_store::PageRequest::first(1),
                )
                .await
                .expect("list jobs");
            if waiting.items.is_empty() {
                return ran;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "jobs still waiting after a minute"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// An API key of the test's organization whose expiry has already passed, written straight
    /// to the store (the API refuses to create one), so expiry is tested without waiting.
    pub async fn expired_api_key(&self) -> String {
        let (prefix, secret) = switchboard_core::tokens::new_api_key_secret();
        let now = switchboard_domain::now();
        let key = switchboard_store::ApiKey {
            id: switchboard_domain::ApiKeyId::new(),
            org_id: switchboard_domain::OrgId(self.org.id),
            name: Name::parse("expired").expect("name"),
            prefix,
            secret_hash: switchboard_core::tokens::sha256(&secret),
            scopes: switchboard_domain::Scope::ALL.to_vec(),
            channel_ids: Vec::new(),
            allowed_ips: Vec::new(),
            expires_at: Some(now - time::Duration::seconds(1)),
            revoked_at: None,
            created_by_user: None,
            created_by_key: None,
            created_at: now - time::Duration::hours(1),
            last_used_at: None,
            last_used_ip: None,
        };
        self.store
            .create_api_key(&key, &switchboard_store::Effects::none())
            .await
            .expect("insert expired key");
        secret
    }

    /// A second organization with its own owner key, made on first use.
    pub async fn other_org(&self) -> &OrgFixture {
        self.other
            .get_or_init(|| make_org(&self.core, &self.store, "Globex", "owner@globex.test"))
            .await
    }
}

/// An organization with an owner user (password known) and an owner key, made through `core`
/// as the operator's CLI does.
pub async fn make_org(
    core: &Core,
    store: &Arc<dyn Store>,
    name: &str,
    owner_email: &str,
) -> OrgFixture {
    let password = "owner-password-1".to_owned();
    let OrgCreated { org, api_key } = core
        .create_org(
            Name::parse(name).expect("name"),
            Some(NewOwner {
                email: Email::parse(owner_email).expect("email"),
                name: None,
                password: Secret::new(password.clone()),
            }),
        )
        .await
        .expect("create org");
    let owner = store
        .find_user_by_email(&Email::parse(owner_email).expect("email"))
        .await
        .expect("owner exists");
    OrgFixture {
        id: org.id.0,
        key: api_key.secret.expose().clone(),
        key_id: api_key.key.id.0,
        owner_id: owner.id.0,
        owner_email: owner_email.to_owned(),
        owner_password: password,
    }
}
