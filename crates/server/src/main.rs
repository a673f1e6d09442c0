//! The `switchboard` binary: parses the command line and hands over to the library.

mod sandbox;

use switchboard::cli::{Cli, Command};
use switchboard::{Config, admin, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse_args();
    match execute(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn execute(cli: Cli) -> anyhow::Result<()> {
    // The sandbox is not Switchboard: it never reads Switchboard's configuration, and a
    // `--config` given to it names the sandbox's own file.
    let mut config = match &cli.command {
        Command::Sandbox(_) => Config::default(),
        _ => Config::load(cli.config.as_deref())?,
    };
    match cli.command {
        Command::Serve(args) => {
            args.store.apply(&mut config);
            if let Some(listen) = args.listen {
                config.listen = listen;
            }
            telemetry::init(&config.log)?;
            switchboard::serve(config, args.demo).await
        }
        Command::Migrate(store) => {
            store.apply(&mut config);
            telemetry::init(&config.log)?;
            let applied = switchboard::store::migrate(&config).await?;
            if applied.is_empty() {
                println!(
                    "{}: already up to date",
                    switchboard::store::describe(&config)
                );
            } else {
                println!(
                    "{}: applied {}",
                    switchboard::store::describe(&config),
                    applied.join(", ")
                );
            }
            Ok(())
        }
        Command::Org(cmd) => admin::org(config, cmd).await,
        Command::Apikey(cmd) => admin::apikey(config, cmd).await,
        Command::User(cmd) => admin::user(config, cmd).await,
        Command::Jobs(cmd) => admin::jobs(config, cmd).await,
        Command::Sandbox(args) => {
            let file = args
                .sandbox_config
                .or_else(|| cli.config.filter(|_| cli.config_on_command_line));
            telemetry::init(&config.log)?;
            sandbox::run(args.listen, file.as_deref()).await
        }
    }
}
