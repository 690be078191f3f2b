use std::process::ExitCode;

use clap::Parser;

// tether builds many small values (the tree of a large file, then the model);
// mimalloc allocates and frees them markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = tether::cli::Cli::parse();
    tether::run(cli).into()
}
