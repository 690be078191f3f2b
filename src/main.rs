use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tether::cli::Cli::parse();
    tether::run(cli).into()
}
