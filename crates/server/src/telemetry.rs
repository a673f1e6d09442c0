//! Logging: human-readable text by default, JSON lines for collectors; `RUST_LOG` overrides the
//! configured level. Logs go to stderr so that `--json` command output on stdout stays clean.

use tracing_subscriber::EnvFilter;

use crate::config::LogConfig;

pub fn init(log: &LogConfig) -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env().or_else(|_| EnvFilter::try_new(&log.level))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match log.format.as_str() {
        "json" => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        "text" => builder.try_init(),
        other => anyhow::bail!("log.format must be `text` or `json`, not `{other}`"),
    };
    // A second init (tests starting several apps) keeps the first subscriber.
    let _ = result;
    Ok(())
}
