//! tether keeps the third-party integrations of many MongoDB Atlas projects
//! equal to one YAML file kept in git.
//!
//! The `tether` binary is the product. This library is the engine under it,
//! for tools that want the same pipeline in-process: load a file, plan it
//! against Atlas (or the simulator), render the plan, apply it.
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::Arc;
//!
//! // A simulated Atlas on loopback, with one project and no integration.
//! let state = tether::sim::StateFile::parse(
//!     "projects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    name: payments-prod\n    orgId: 6600000000000000000000aa\n",
//! )?;
//! let simulator = tether::sim::spawn(tether::sim::SimConfig {
//!     state,
//!     ..Default::default()
//! })?;
//!
//! // The file, its `${VAR}`s read from a map instead of the environment.
//! let file = "version: 1
//! projects:
//!   - id: 65f1a2b3c4d5e6f7a8b9c0d1
//!     integrations:
//!       PAGER_DUTY:
//!         serviceKey: ${PD_KEY}
//! ";
//! let env = HashMap::from([("PD_KEY".to_owned(), "0123456789abcdef0123456789abcdef".to_owned())]);
//! let loaded = tether::load_str("tether.yaml", file, (&env, tether::Unset::Error))?;
//!
//! let connection = tether::Connection {
//!     base_url: Some(simulator.base_url()),
//!     ..Default::default()
//! };
//! let client = Arc::new(tether::connect(connection, |_| None)?);
//! let runtime = tokio::runtime::Runtime::new()?;
//! let projects = &loaded.desired.projects;
//! let planned = runtime.block_on(tether::plan(
//!     Arc::clone(&client),
//!     projects,
//!     &tether::Filter::default(),
//!     false,
//!     Arc::new(|| {}),
//! ))?;
//! assert_eq!(planned.plan.summary().create, 1);
//! let text = tether::render::text(&planned.plan, false);
//! assert!(text.contains("+ PAGER_DUTY will be created"), "{text}");
//! assert!(!text.contains("0123456789abcdef0123456789abcdef"), "never a secret");
//!
//! let report = runtime.block_on(tether::apply(
//!     client,
//!     planned.plan.operations(),
//!     planned.options,
//!     &tether::CancellationToken::new(),
//!     Arc::new(|| {}),
//! ));
//! assert_eq!(report.succeeded(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The modules marked hidden in this documentation are public for the
//! project's own tests and benchmarks; they promise no stability.

#[doc(hidden)]
pub mod atlas;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod clock;
mod commands;
#[doc(hidden)]
pub mod config;
#[doc(hidden)]
pub mod engine;
mod error;
mod exit;
mod filter;
mod import;
mod json;
#[doc(hidden)]
pub mod model;
mod output;
#[doc(hidden)]
pub mod plan;
mod plural;
mod printable;
mod prometheus;
mod regular_file;
#[doc(hidden)]
pub mod schemas;
#[doc(hidden)]
pub mod secret;
#[cfg(feature = "sim")]
pub mod sim;
mod tasks;

pub use atlas::ClientSettings;
pub use config::{Env, Loaded, ProcessEnv, Unset};
pub use engine::{
    Approved, CancellationToken, Connection, Gates, Planned, Report, apply, approve, check_gates,
    connect, fresh_salt, load, load_str, plan, read_saved, select,
};
pub use error::{Error, Message};
pub use exit::ExitStatus;
pub use filter::Filter;
pub use plan::Plan;

/// The plan's renderings: text for people, JSON for machines, markdown for
/// pull-request comments. None of them can show a secret.
pub mod render {
    pub use crate::plan::render::{json, markdown, text};
}

use cli::{Cli, Command};
use output::Printer;

/// Runs one command line to its exit status; an error is printed here, once.
pub fn run(cli: Cli) -> ExitStatus {
    let printer = Printer::new(
        cli.global.color,
        cli.global.quiet,
        cli.global.verbose > 0,
        cli.command.no_progress(),
    );
    let status = match run_command(cli.command, &printer) {
        Ok(status) => status,
        Err(error) => {
            printer.failure(&error);
            error.status()
        }
    };
    match printer.stdout_failure() {
        // The output was the point: a plan or report that never arrived is
        // an error, unless the status already says something worse.
        Some(why) if matches!(status, ExitStatus::Success | ExitStatus::Changes) => {
            printer.failure(&Error::new(
                format!("cannot write the output to stdout: {why}"),
                "check where stdout goes (a full disk, a closed pipe)",
            ));
            ExitStatus::Error
        }
        _ => status,
    }
}

fn run_command(command: Command, printer: &Printer) -> Result<ExitStatus, Error> {
    match command {
        Command::Validate(args) => commands::validate::run(&args, printer),
        Command::Plan(args) => commands::plan::run(&args, printer),
        Command::Apply(args) => commands::apply::run(&args, printer),
        Command::Drift(args) => commands::drift::run(&args, printer),
        Command::Show(args) => commands::show::run(&args, printer),
        Command::Whoami(args) => commands::whoami::run(&args, printer),
        Command::Import(args) => commands::import::run(&args, printer),
        Command::Prometheus(args) => commands::prometheus::run(&args, printer),
        Command::Schema(args) => {
            commands::schema::run(args.which, printer);
            Ok(ExitStatus::Success)
        }
        #[cfg(feature = "sim")]
        Command::Sim(args) => commands::sim::run(&args).map(|()| ExitStatus::Success),
        #[cfg(feature = "sim")]
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
