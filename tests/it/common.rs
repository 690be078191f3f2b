//! Running the `tether` binary the way a user does, and capturing everything
//! it printed for snapshots.

use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The day every run counts end-of-life dates from (`TETHER_TODAY`), so that
/// no output depends on the clock.
pub const TODAY: &str = "2026-12-02";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures")
}

/// Where tether lives, `owner/name`, as Cargo.toml's `repository` says:
/// the one place it is defined (see `repository.rs`).
pub fn repository() -> &'static str {
    env!("CARGO_PKG_REPOSITORY")
        .trim_start_matches("https://github.com/")
        .trim_end_matches('/')
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The simulator serving `state` on loopback, with one worker thread.
pub fn simulator(state: tether::sim::StateFile) -> tether::sim::SimHandle {
    tether::sim::spawn(tether::sim::SimConfig {
        state,
        worker_threads: 1,
        ..tether::sim::SimConfig::default()
    })
    .expect("simulator starts")
}

/// Runs `tether --color never ARGS` in `dir` against the simulator (its
/// address in `MONGODB_ATLAS_BASE_URL`), with `env` besides.
pub fn tether_against(
    dir: &Path,
    sim: &tether::sim::SimHandle,
    args: &[&str],
    env: &[(&str, &str)],
) -> Run {
    let base = sim.base_url();
    let mut all = vec!["--color", "never"];
    all.extend_from_slice(args);
    let mut env = env.to_vec();
    env.push(("MONGODB_ATLAS_BASE_URL", &base));
    tether(dir, &all, &env)
}

/// Checks that apply refused (exit 4) saying `why`, and that the simulator
/// saw no write.
pub fn assert_refused(run: &Run, sim: &tether::sim::SimHandle, why: &str) {
    assert_eq!(run.code, 4, "{}", run.transcript());
    assert!(run.stderr.contains(why), "{why}: {}", run.stderr);
    assert_eq!(sim.counters().writes(), 0, "a refusal writes nothing");
}

/// How a signalled run ended: its exit code and all it printed.
pub struct Signalled {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Starts `tether --color never ARGS` in `dir` against the simulator, waits
/// until it printed `marker` on stdout (at once for an empty marker), then
/// `after`, sends `signal` (`-INT`, `-TERM`), calls `then` (to look at the
/// simulator at that moment), and waits for the end.
#[cfg(unix)]
pub fn signalled(
    (dir, sim, env): (&Path, &tether::sim::SimHandle, &[(&str, &str)]),
    args: &[&str],
    (marker, after, signal): (&str, std::time::Duration, &str),
    then: impl FnOnce(),
) -> Signalled {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tether"))
        .current_dir(dir)
        .env_clear()
        .env("TETHER_TODAY", TODAY)
        .envs(env.iter().copied())
        .env("MONGODB_ATLAS_BASE_URL", sim.base_url())
        .args(["--color", "never"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tether starts");
    let mut child_stdout = child.stdout.take().expect("stdout");
    let mut stdout = read_until(&mut child_stdout, marker);
    std::thread::sleep(after);
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    then();
    let mut stderr = String::new();
    child_stdout
        .read_to_string(&mut stdout)
        .expect("stdout reads");
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr reads");
    Signalled {
        code: child.wait().expect("exits").code(),
        stdout,
        stderr,
    }
}

/// What one run printed, and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr together, the form snapshots take.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    pub fn all_output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `tether ARGS` in `dir` with only the given environment variables.
pub fn tether(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::cargo_bin("tether").expect("the tether binary is built");
    command
        .current_dir(dir)
        .env_clear()
        .env("TETHER_TODAY", TODAY)
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("tether runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Reads `KEY=value` lines (as in `examples/realistic.env`).
pub fn env_file(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .expect("env file exists")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains('='))
        .map(|l| {
            let (k, v) = l.split_once('=').expect("has =");
            (k.to_owned(), v.trim_matches('\'').to_owned())
        })
        .collect()
}

/// Reads a running child's output until `marker` has appeared (or it ends).
pub fn read_until(output: &mut impl Read, marker: &str) -> String {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains(marker) {
        match output.read(&mut byte) {
            Ok(0) | Err(_) => break,
            Ok(_) => seen.push(byte[0]),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// Runs `tether ARGS` with its standard input on a pseudo-terminal, as when a
/// person runs it, and types `input` there. Output is captured as usual.
#[cfg(unix)]
pub fn tether_at_a_terminal(dir: &Path, args: &[&str], env: &[(&str, &str)], input: &str) -> Run {
    use std::fs::File;
    use std::io::Write;
    use std::os::fd::FromRawFd;
    use std::process::Stdio;

    let (mut controller, terminal) = {
        let (mut controller, mut terminal) = (-1, -1);
        // SAFETY: openpty writes two new descriptors into the pointers and
        // reads nothing through the null ones.
        let status = unsafe {
            libc::openpty(
                &mut controller,
                &mut terminal,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(status, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors are new and owned by nothing else.
        unsafe { (File::from_raw_fd(controller), File::from_raw_fd(terminal)) }
    };
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("tether"));
    command
        .current_dir(dir)
        .env_clear()
        .env("TETHER_TODAY", TODAY)
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::from(terminal))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().expect("tether runs");
    // The child holds the terminal now; ours must close for it to see EOF.
    drop(command);
    controller
        .write_all(input.as_bytes())
        .expect("type on the terminal");
    let output = child.wait_with_output().expect("tether ends");
    drop(controller);
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The simulator the CI recipes run against: the recipes' state, with
/// credentials required.
pub fn recipe_simulator() -> tether::sim::SimHandle {
    let state = tether::sim::StateFile::load(&fixtures().join("recipes/state.yaml"))
        .expect("the state loads");
    tether::sim::spawn(tether::sim::SimConfig {
        state,
        auth: tether::sim::AuthMode::Required,
        worker_threads: 1,
        ..tether::sim::SimConfig::default()
    })
    .expect("simulator starts")
}

/// A stub command (`gh`, `curl`) that a recipe calls: its canned answers
/// and the calls it records live in one folder.
pub struct Stub<'a>(pub &'a Path);

impl Stub<'_> {
    /// Canned answers, one `pattern<TAB>answer` a line, replacing earlier ones.
    pub fn respond(&self, answers: &[(&str, &str)]) {
        let text: String = answers
            .iter()
            .map(|(pattern, answer)| format!("{pattern}\t{answer}\n"))
            .collect();
        std::fs::write(self.0.join("responses"), text).expect("responses");
    }

    /// The calls recorded since the last time (`calls`, one a line), with
    /// the body each sent (`body.N`); both are cleared.
    pub fn calls(&self) -> Vec<(String, Option<String>)> {
        let calls = std::fs::read_to_string(self.0.join("calls")).unwrap_or_default();
        let out = calls
            .lines()
            .enumerate()
            .map(|(i, line)| {
                let body = self.0.join(format!("body.{}", i + 1));
                (line.to_owned(), std::fs::read_to_string(body).ok())
            })
            .collect();
        std::fs::remove_file(self.0.join("calls")).ok();
        for entry in std::fs::read_dir(self.0).expect("stub dir") {
            let path = entry.expect("entry").path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("body."))
            {
                std::fs::remove_file(path).expect("clear a body");
            }
        }
        out
    }
}

#[cfg(unix)]
pub fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
