//! The hub under test: its settings (handed to the child as `SWITCHBOARD_*` variables, the way an
//! operator configures `switchboard serve`), the `__hub` role, and the organization the run uses.

use std::path::PathBuf;

use base64::Engine as _;
use switchboard::Config;
use switchboard_core::Core;
use switchboard_domain::{Name, Secret};
use tokio::net::TcpListener;

use crate::children::{Process, announce};

/// How the run's hub is configured.
#[derive(Debug, Clone)]
pub struct HubSpec {
    pub data_dir: PathBuf,
    /// PostgreSQL URL and schema; `None` for embedded SQLite.
    pub postgres: Option<(String, String)>,
    /// Base64 of 32 random bytes, the same for every start of the run.
    pub master_key: String,
}

impl HubSpec {
    pub fn new(data_dir: PathBuf, postgres: Option<(String, String)>) -> Self {
        let key: [u8; 32] = rand::random();
        Self {
            data_dir,
            postgres,
            master_key: base64::engine::general_purpose::STANDARD.encode(key),
        }
    }

    /// The variables of a start; `jobs` false keeps the workers off (to fill a queue first).
    fn env(&self, jobs: bool) -> Vec<(String, String)> {
        let mut env = vec![
            ("SWITCHBOARD_DATA_DIR", self.data_dir.display().to_string()),
            ("SWITCHBOARD_MASTER_KEY", self.master_key.clone()),
            ("SWITCHBOARD_LOG__LEVEL", "error".to_owned()),
            ("SWITCHBOARD_JOBS__ENABLED", jobs.to_string()),
            // The load generator is one API key; the per-key limit is not what is measured.
            (
                "SWITCHBOARD_HTTP__RATE_LIMIT_PER_MINUTE",
                "100000000".to_owned(),
            ),
            // Preload webhooks carry a hundred messages each.
            ("SWITCHBOARD_HTTP__BODY_LIMIT_BYTES", "8388608".to_owned()),
            // The customer's webhook receiver is the echo process, on loopback.
            (
                "SWITCHBOARD_CORE__WEBHOOK_ALLOWED_RANGES",
                "[\"127.0.0.0/8\"]".to_owned(),
            ),
        ];
        if let Some((url, schema)) = &self.postgres {
            env.push(("SWITCHBOARD_DATABASE_URL", url.clone()));
            env.push(("SWITCHBOARD_POSTGRES__SCHEMA", schema.clone()));
            env.push(("SWITCHBOARD_POSTGRES__MAX_CONNECTIONS", "20".to_owned()));
        }
        env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    /// The same settings as a `Config`, for the setup this process does before the hub starts.
    fn config(&self) -> Config {
        let mut config = Config {
            data_dir: self.data_dir.clone(),
            master_key: Some(Secret::new(self.master_key.clone())),
            ..Config::default()
        };
        if let Some((url, schema)) = &self.postgres {
            config.database_url = Some(url.clone());
            config.postgres.schema = Some(schema.clone());
        }
        config
    }

    /// Starts the hub and waits until `/readyz` answers 200.
    pub async fn start(&self, jobs: bool) -> anyhow::Result<(Process, std::time::Duration)> {
        let hub = Process::spawn("hub", &["__hub"], &self.env(jobs)).await?;
        let client = reqwest::Client::builder().no_proxy().build()?;
        let url = format!("{}/readyz", hub.base_url());
        let ready = async {
            loop {
                if let Ok(r) = client.get(&url).send().await
                    && r.status().is_success()
                {
                    return hub.spawned.elapsed();
                }
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        };
        let took = tokio::time::timeout(std::time::Duration::from_secs(120), ready)
            .await
            .map_err(|_| anyhow::anyhow!("the hub was not ready within 120 s"))?;
        Ok((hub, took))
    }

    /// Creates the run's organization (migrating the store) and answers its API key.
    pub async fn create_org(&self) -> anyhow::Result<String> {
        let config = self.config();
        let store = switchboard::store::open(&config).await?;
        let key = switchboard::master_key::load_or_ephemeral(&config)?;
        let core = Core::new(store.clone(), config.core.clone(), key);
        let created = core.create_org(Name::parse("Bench")?, None).await?;
        store.close().await;
        Ok(created.api_key.secret.expose().to_string())
    }
}

/// The `__hub` role: `switchboard serve` from the environment, on a free port it announces.
pub async fn serve() -> anyhow::Result<()> {
    let config = Config::load(None)?;
    switchboard::telemetry::init(&config.log)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    announce(listener.local_addr()?);
    switchboard::run(config, listener, switchboard::shutdown_on_signals()).await
}
