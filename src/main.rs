use std::process::ExitCode;

use clap::Parser;

// tether builds many small values (the tree of a large file, then the model);
// mimalloc allocates and frees them markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match tether::cli::Cli::try_parse() {
        Ok(cli) => tether::run(cli).into(),
        Err(usage) => tether::cli::usage_exit(&usage).into(),
    }
}
