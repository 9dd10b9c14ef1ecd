//! `accountctl`: the command-line tool for the Dynatrace Account Management API (accountd or
//! real Dynatrace). It goes only through `accountd-client`. See docs/accountctl.md.

mod app;
mod cli;
mod commands;
mod config;
mod error;
mod lookup;
mod output;
mod progress;
mod sync;
mod workflows;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::app::App;
use crate::cli::{Cli, Command, ConfigCommand};
use crate::error::{CliError, CliResult, Exit};
use crate::output::Output;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return Exit::Error.into();
        }
    };
    match runtime.block_on(run(cli, &matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            err.exit.into()
        }
    }
}

async fn run(cli: Cli, matches: &clap::ArgMatches) -> CliResult {
    if let Command::Completions { shell } = cli.command {
        let mut command = Cli::command();
        let mut buffer = Vec::new();
        clap_complete::generate(
            clap_complete::Shell::from(shell),
            &mut command,
            "accountctl",
            &mut buffer,
        );
        return output::print(&String::from_utf8_lossy(&buffer));
    }
    let creating = matches!(cli.command, Command::Config(ConfigCommand::Set { .. }));
    let settings = config::resolve(&cli.global, matches, creating)?;
    let out = Output {
        format: settings.output,
        quiet: settings.quiet,
    };
    if let Command::Config(command) = cli.command {
        return match command {
            ConfigCommand::Show => config::show(&settings, &out),
            ConfigCommand::Set { key, value } => {
                config::set(&settings.config_path, &settings.profile, &key, &value, &out)
            }
        };
    }
    let app = App::connect(&settings, out)?;
    match cli.command {
        Command::Users(command) => commands::users::run(&app, command).await,
        Command::Groups(command) => commands::groups::run(&app, command).await,
        Command::Permissions(command) => commands::permissions::run(&app, command).await,
        Command::Environments(command) => commands::permissions::environments(&app, command).await,
        Command::ServiceUsers(command) => commands::service_users::run(&app, command).await,
        Command::Token => commands::service_users::token(&app).await,
        Command::Provision(args) => workflows::provision::run(&app, args).await,
        Command::Offboard(args) => workflows::offboard::run(&app, args).await,
        Command::AccessReport(args) => workflows::access_report::run(&app, args).await,
        Command::Export(args) => sync::export(&app, args).await,
        Command::Apply(args) => sync::apply(&app, args).await,
        Command::Config(_) | Command::Completions { .. } => Err(CliError::general(
            "internal: this command was handled above",
        )),
    }
}
