//! What the benchmarks in `examples/` share. Each example compiles its own
//! copy and uses part of it, hence `dead_code` allowed.
#![allow(dead_code)]

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tether::sim::{Faults, SimConfig, SimHandle, StateFile};

pub type Res<T> = Result<T, Box<dyn Error>>;

/// The id of the `n`th project a benchmark makes up.
pub fn project_id(n: usize) -> String {
    format!("65f1a2b3c4d5{n:012x}")
}

/// How large a benchmark runs: `--projects N`, `--runs N`, `--latency-ms N`
/// (the simulator's latency per request).
pub struct Scale {
    pub projects: usize,
    pub runs: usize,
    pub latency: Duration,
}

impl Scale {
    /// The command line's flags over `defaults`.
    pub fn from_args(defaults: Scale) -> Res<Scale> {
        let mut scale = defaults;
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let value: u64 = it.next().ok_or("a flag without a value")?.parse()?;
            match flag.as_str() {
                "--projects" => scale.projects = value as usize,
                "--runs" => scale.runs = value as usize,
                "--latency-ms" => scale.latency = Duration::from_millis(value),
                other => return Err(format!("unknown flag `{other}`").into()),
            }
        }
        Ok(scale)
    }
}

/// A simulator holding `state` (a state file's text) that answers after
/// `latency`, on two threads.
pub fn simulator(state: &str, latency: Duration) -> Res<SimHandle> {
    Ok(tether::sim::spawn(SimConfig {
        state: StateFile::parse(state)?,
        faults: Faults {
            latency,
            ..Faults::default()
        },
        worker_threads: 2,
        ..SimConfig::default()
    })?)
}

/// The `tether` binary built next to the running example
/// (`target/release/tether` for `cargo run --release --example ...`).
/// `otherwise` says what to do when it is missing besides building it.
pub fn tether_binary(otherwise: &str) -> Result<PathBuf, Box<dyn Error>> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot locate the target directory from the example's path")?;
    let bin = dir.join(format!("tether{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!(
            "`{}` is missing: run `cargo build --release` first (with the same \
             CARGO_TARGET_DIR){otherwise}",
            bin.display()
        )
        .into())
    }
}
