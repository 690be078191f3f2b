//! The command line: global options and one subcommand per verb.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_CODES_HELP;

#[derive(Debug, Parser)]
#[command(
    name = "tether",
    version,
    about = "Keep the third-party integrations of MongoDB Atlas projects equal to one YAML file",
    after_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The tether file to read.
    #[arg(
        short = 'f',
        long = "file",
        global = true,
        value_name = "FILE",
        default_value = "tether.yaml"
    )]
    pub file: PathBuf,

    /// When to use colour; `NO_COLOR` in the environment also turns it off.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more detail (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the file offline: syntax, fields, values, references, duplicates.
    ///
    /// Reports every problem at once, each with file:line:col.
    /// Exit 0 when valid (warnings allowed), 1 when not.
    Validate(ValidateArgs),
    /// Print the JSON Schema of the file (the same as schemas/tether.schema.json).
    Schema,
    /// Serve a local Atlas simulator on loopback (see examples/sim-state.yaml).
    ///
    /// Prints the address it bound, serves until Ctrl-C, then writes the
    /// state back with `--write-back`.
    Sim(crate::commands::sim::SimArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Accept `${VAR}` references to variables that are not set, for jobs
    /// that do not have the secrets; variables that are set are still checked.
    #[arg(long)]
    pub ignore_unset: bool,
}
