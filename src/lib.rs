//! tether keeps the third-party integrations of many MongoDB Atlas projects
//! equal to one YAML file kept in git.

pub mod apply;
pub mod atlas;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exit;
pub mod fetch;
pub mod filter;
pub mod import;
pub mod model;
pub mod output;
pub mod plan;
pub mod secret;
pub mod sim;
pub mod tasks;

use cli::{Cli, Command};
pub use exit::ExitStatus;
use output::Printer;

/// Runs one command line to its exit status.
pub fn run(cli: Cli) -> ExitStatus {
    let printer = Printer::new(&cli.global);
    match cli.command {
        Command::Validate(args) => {
            let unset = if args.ignore_unset {
                config::Unset::Keep
            } else {
                config::Unset::Error
            };
            commands::validate::run(
                &cli.global.file,
                (&config::ProcessEnv::default(), unset),
                &printer,
            )
        }
        Command::Schema => commands::schema::run(&printer),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "tether", &mut script);
            printer.data(&String::from_utf8_lossy(&script));
            ExitStatus::Success
        }
        Command::Plan(args) => commands::plan::run(&cli.global, &args, &printer),
        Command::Demo => commands::demo::run(&printer),
        Command::Import(args) => commands::import::run(&cli.global, &args, &printer),
        Command::Apply(args) => commands::apply::run(&cli.global, &args, &printer),
        Command::Drift(args) => commands::plan::drift(&cli.global, args.output, &printer),
        Command::Sim(args) => match commands::sim::run(&args) {
            Ok(()) => ExitStatus::Success,
            Err(report) => {
                printer.diagnostics(&format!("{report:?}\n"));
                ExitStatus::Error
            }
        },
    }
}
