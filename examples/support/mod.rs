//! What the benchmarks in `examples/` share.

use std::error::Error;
use std::path::{Path, PathBuf};

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
