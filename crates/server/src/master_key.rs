//! Where the master key comes from: `master_key` (e.g. `SWITCHBOARD_MASTER_KEY`) when set, else the
//! key file. With embedded SQLite the file is created with a fresh random key and mode 0600 on first
//! run (PRODUCT §16); with PostgreSQL it must be given, because several nodes share that database
//! and a key one node made for itself would leave the others unable to open what it sealed. A key
//! file that exists but does not hold a valid key is an error, never silently replaced: replacing
//! it would make every sealed credential unreadable.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use switchboard_core::sealing::MasterKey;

use crate::Config;

/// The key file's path for this configuration.
pub fn key_file(config: &Config) -> PathBuf {
    config
        .master_key_file
        .clone()
        .unwrap_or_else(|| config.data_dir.join("master.key"))
}

/// The key `serve` runs with: the configured one, or the key file; a missing file is created on
/// embedded SQLite and refused on PostgreSQL with a message saying how to provide the key.
pub fn load_for_serve(config: &Config) -> anyhow::Result<MasterKey> {
    if let Some(key) = load_existing(config)? {
        return Ok(key);
    }
    let path = key_file(config);
    anyhow::ensure!(
        config.database_url.is_none(),
        "no master key: with PostgreSQL every node needs the same one. Set SWITCHBOARD_MASTER_KEY \
         to 32 random bytes in base64 (e.g. `head -c 32 /dev/urandom | base64`) or master_key_file \
         to a file holding it ({} does not exist)",
        path.display()
    );
    create(&path)
}

/// The key for operator commands, which seal nothing yet: the installation's key when there is
/// one, else a throwaway key, so that `org create` never leaves a key file behind.
pub fn load_or_ephemeral(config: &Config) -> anyhow::Result<MasterKey> {
    Ok(load_existing(config)?.unwrap_or_else(|| MasterKey::generate().0))
}

/// The configured key, or the key file's; `None` when neither exists.
fn load_existing(config: &Config) -> anyhow::Result<Option<MasterKey>> {
    if let Some(text) = &config.master_key {
        return MasterKey::from_base64(text.expose())
            .context("master_key")
            .map(Some);
    }
    let path = key_file(config);
    match std::fs::read_to_string(&path) {
        Ok(text) => MasterKey::from_base64(&text)
            .with_context(|| format!("master key file {}", path.display()))
            .map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Writes a new key file that only its owner can read; `create_new` so that two processes
/// starting together never overwrite each other's key (the loser reads the winner's).
fn create(path: &Path) -> anyhow::Result<MasterKey> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let (key, text) = MasterKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(text.as_bytes())
                .and_then(|()| file.write_all(b"\n"))
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing {}", path.display()))?;
            tracing::info!(path = %path.display(), "created a new master key; back it up with the database");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path)?;
            MasterKey::from_base64(&text)
                .with_context(|| format!("master key file {}", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_in(dir: &Path) -> Config {
        Config {
            data_dir: dir.to_path_buf(),
            ..Config::default()
        }
    }

    #[test]
    fn first_run_creates_a_private_key_file_and_later_runs_reuse_it() {
        let dir = tempfile::tempdir().unwrap();
        let config = config_in(dir.path());
        let key = load_for_serve(&config).unwrap();
        let sealed = key.seal(b"token", b"ctx");
        let path = dir.path().join("master.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = load_for_serve(&config).unwrap();
        assert_eq!(again.open(&sealed, b"ctx").unwrap(), b"token");
    }

    #[test]
    fn a_configured_key_wins_and_a_bad_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (_, text) = MasterKey::generate();
        let config = Config {
            master_key: Some(text.into()),
            ..config_in(dir.path())
        };
        load_for_serve(&config).unwrap();
        assert!(
            !dir.path().join("master.key").exists(),
            "no file when configured"
        );

        std::fs::write(dir.path().join("master.key"), "garbage").unwrap();
        let err = load_for_serve(&config_in(dir.path())).unwrap_err();
        assert!(format!("{err:#}").contains("master key file"), "{err:#}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("master.key")).unwrap(),
            "garbage",
            "a bad key file is never replaced"
        );
    }

    #[test]
    fn postgres_needs_a_given_key_and_commands_leave_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            database_url: Some("postgres://127.0.0.1/x".into()),
            ..config_in(dir.path())
        };
        let err = load_for_serve(&config).unwrap_err();
        assert!(
            format!("{err:#}").contains("SWITCHBOARD_MASTER_KEY"),
            "{err:#}"
        );
        load_or_ephemeral(&config).unwrap();
        load_or_ephemeral(&config_in(dir.path())).unwrap();
        assert!(
            !dir.path().join("master.key").exists(),
            "commands never write a key"
        );
    }
}
