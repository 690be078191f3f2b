//! tether keeps the third-party integrations of many MongoDB Atlas projects
//! equal to one YAML file kept in git.

pub mod atlas;
pub mod cli;
mod commands;
pub mod config;
pub mod engine;
pub mod error;
pub mod exit;
pub mod filter;
pub mod import;
pub mod json;
pub mod model;
mod output;
pub mod plan;
mod plural;
pub mod secret;
pub mod sim;
mod tasks;

use cli::{Cli, Command};
pub use error::Error;
pub use exit::ExitStatus;
use output::Printer;

/// Runs one command line to its exit status; an error is printed here, once.
pub fn run(cli: Cli) -> ExitStatus {
    let printer = Printer::new(&cli.global, cli.command.no_progress());
    match run_command(cli.command, &printer) {
        Ok(status) => status,
        Err(error) => {
            printer.failure(&error);
            error.status()
        }
    }
}

fn run_command(command: Command, printer: &Printer) -> Result<ExitStatus, Error> {
    match command {
        Command::Validate(args) => {
            commands::validate::run(&args, &config::ProcessEnv::default(), printer)
        }
        Command::Plan(args) => commands::plan::run(&args, printer),
        Command::Apply(args) => commands::apply::run(&args, printer),
        Command::Drift(args) => commands::drift::run(&args, printer),
        Command::Import(args) => commands::import::run(&args, printer),
        Command::Schema(args) => {
            commands::schema::run(args.which, printer);
            Ok(ExitStatus::Success)
        }
        Command::Sim(args) => commands::sim::run(&args).map(|()| ExitStatus::Success),
        Command::Demo => commands::demo::run(printer),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "tether", &mut script);
            printer.data(&String::from_utf8_lossy(&script));
            Ok(ExitStatus::Success)
        }
    }
}
