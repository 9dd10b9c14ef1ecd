//! `accountd serve` and `accountd migrate`.

use std::process::ExitCode;
use std::sync::Arc;

use accountd_core::SystemClock;
use accountd_server::config::{Cli, Command, DEFAULT_DATABASE, LogFormat};
use clap::Parser;

/// mimalloc instead of the system allocator: a page of 100 users makes ~700 short-lived
/// allocations, and glibc's malloc spent a fifth of a listing's time in them (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => match (*args).resolve() {
            Ok(config) => {
                accountd_server::logging::init(config.log_format);
                report(serve(config).await)
            }
            Err(message) => report(Err(message)),
        },
        Command::Migrate(args) => {
            accountd_server::logging::init(LogFormat::Text);
            let url = args.database.unwrap_or_else(|| DEFAULT_DATABASE.to_owned());
            let shown = accountd_store_postgres::redact_url(&url);
            report(
                accountd_server::open_store(&url)
                    .await
                    .map(|_| println!("database '{shown}' is up to date")),
            )
        }
    }
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("accountd: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: accountd_server::Config) -> Result<(), String> {
    let started = accountd_server::start(&config, Arc::new(SystemClock)).await?;
    let mut server = started.server;
    if let Some(demo) = &started.demo {
        println!("{}", accountd_server::demo_banner(demo, server.addr()));
    }
    let shutdown = server.take_shutdown();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        if let Some(shutdown) = shutdown {
            let _ = shutdown.send(());
        }
    });
    server
        .wait()
        .await
        .map_err(|err| format!("server error: {err}"))
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
