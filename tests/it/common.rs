//! Setting up the simulator a test runs against, running the `tether` binary
//! the way a user does, and capturing everything it printed for snapshots.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use tether::sim::{
    ApiKey, Assumptions, AuthMode, Faults, Role, ServiceAccount, SimConfig, SimHandle, StateFile,
};

/// The day every run counts end-of-life dates from (`TETHER_TODAY`), so that
/// no output depends on the clock.
pub const TODAY: &str = "2026-12-02";

/// The organization the tests' projects belong to.
pub const ORG: &str = "6600000000000000000000aa";

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

/// The simulator a test runs against, set up in one expression:
/// `Sim::builder().state_yaml(..).faults(..).start()`. It listens on
/// loopback (a free port) with one worker thread unless told otherwise.
pub struct Sim;

impl Sim {
    pub fn builder() -> SimBuilder {
        SimBuilder(SimConfig {
            worker_threads: 1,
            ..SimConfig::default()
        })
    }
}

/// What the simulator starts with; see [`Sim::builder`].
#[must_use = "a simulator is only served once started"]
pub struct SimBuilder(SimConfig);

impl SimBuilder {
    pub fn state(mut self, state: StateFile) -> Self {
        self.0.state = state;
        self
    }

    /// The state written as a state file's YAML.
    pub fn state_yaml(self, yaml: &str) -> Self {
        self.state(StateFile::parse(yaml).expect("the state parses"))
    }

    /// A state file under `tests/it/fixtures`, such as `loop/state.yaml`.
    pub fn state_fixture(self, path: &str) -> Self {
        self.state(StateFile::load(&fixtures().join(path)).expect("the state loads"))
    }

    pub fn faults(mut self, faults: Faults) -> Self {
        self.0.faults = faults;
        self
    }

    pub fn assumptions(mut self, assumptions: Assumptions) -> Self {
        self.0.assumptions = assumptions;
        self
    }

    /// Every request must carry credentials the simulator knows.
    pub fn auth_required(mut self) -> Self {
        self.0.auth = AuthMode::Required;
        self
    }

    /// An API key besides those of the state.
    pub fn api_key(mut self, key: ApiKey) -> Self {
        self.0.api_keys.push(key);
        self
    }

    /// A service account besides those of the state: `client_id` with
    /// `client_secret`, holding `role`.
    pub fn service_account(mut self, client_id: &str, client_secret: &str, role: Role) -> Self {
        self.0.service_accounts.push(ServiceAccount {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            role,
        });
        self
    }

    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.0.token_lifetime = lifetime;
        self
    }

    /// The seed of the simulator's ids, nonces, tokens and fault decisions.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    pub fn worker_threads(mut self, threads: usize) -> Self {
        self.0.worker_threads = threads;
        self
    }

    /// Where the simulator writes its state when it stops.
    pub fn write_back(mut self, path: PathBuf) -> Self {
        self.0.write_back = Some(path);
        self
    }

    pub fn start(self) -> SimHandle {
        self.spawn().expect("the simulator starts")
    }

    /// Starts it, or says why it cannot (a state it refuses).
    pub fn spawn(self) -> io::Result<SimHandle> {
        tether::sim::spawn(self.0)
    }
}

/// Runs `tether --color never ARGS` in `dir` against the simulator (its
/// address in `MONGODB_ATLAS_BASE_URL`), with `env` besides.
pub fn tether_against(dir: &Path, sim: &SimHandle, args: &[&str], env: &[(&str, &str)]) -> Run {
    let base = sim.base_url();
    let mut all = vec!["--color", "never"];
    all.extend_from_slice(args);
    let mut env = env.to_vec();
    env.push(("MONGODB_ATLAS_BASE_URL", &base));
    tether(dir, &all, &env)
}

/// [`tether_against`] with variables held as owned strings, as a test
/// builds them from what import asked for.
pub fn tether_with_vars(
    dir: &Path,
    sim: &SimHandle,
    args: &[&str],
    env: &[(String, String)],
) -> Run {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    tether_against(dir, sim, args, &env)
}

/// Checks that a `plan --detailed-exitcode` found nothing to change and that
/// the simulator saw no write; `context` (the file planned) goes with a
/// failure.
#[track_caller]
pub fn assert_no_change(plan: &Run, sim: &SimHandle, context: &str) {
    assert_eq!(plan.code, 0, "{}\n{context}", plan.transcript());
    assert_starts_with(&plan.stdout, "Plan: 0 to create, 0 to update, 0 to delete");
    assert_eq!(sim.counters().writes(), 0);
}

/// A new folder holding `text` as its `tether.yaml`.
pub fn folder_with(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("tether.yaml"), text).expect("write tether.yaml");
    dir
}

/// A `tether.yaml` declaring only PagerDuty (its key from `${PD_KEY}`) in
/// the project `id`.
pub fn pager_duty_file(id: &str) -> String {
    format!(
        "version: 1\nprojects:\n  - id: {id}\n    integrations:\n      PAGER_DUTY:\n        \
         serviceKey: ${{PD_KEY}}\n"
    )
}

/// The item of integration `kind` in a project of a JSON plan.
pub fn plan_item<'a>(project: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    project["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["type"] == kind)
        .unwrap_or_else(|| panic!("the {kind} item"))
}

/// What `run` printed on stdout, as JSON, once it ended with `code`.
#[track_caller]
pub fn json_output(run: &Run, code: i32) -> serde_json::Value {
    assert_eq!(run.code, code, "{}", run.transcript());
    serde_json::from_str(&run.stdout).expect("JSON on stdout")
}

/// Checks that `text` holds `part`, showing `text` when it does not.
#[track_caller]
pub fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "{text}");
}

/// Checks that `text` begins with `start`, showing `text` when it does not.
#[track_caller]
pub fn assert_starts_with(text: &str, start: &str) {
    assert!(text.starts_with(start), "{text}");
}

/// Checks that `text` ends with `end`, showing `text` when it does not.
#[track_caller]
pub fn assert_ends_with(text: &str, end: &str) {
    assert!(text.ends_with(end), "{text}");
}

/// Checks that `text` does not hold `part`, showing `text` when it does.
#[track_caller]
pub fn assert_lacks(text: &str, part: &str) {
    assert!(!text.contains(part), "{text}");
}

/// Checks that `run` ended with `code` and said each of `parts` on stderr,
/// showing all it printed when not.
#[track_caller]
pub fn assert_exit_saying(run: &Run, code: i32, parts: &[&str]) {
    assert_eq!(run.code, code, "{}", run.transcript());
    for part in parts {
        assert!(run.stderr.contains(part), "{part}: {}", run.transcript());
    }
}

/// Checks that `text` holds none of `parts`, showing the one it holds.
#[track_caller]
pub fn assert_lacks_any(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(!text.contains(part), "{part} shown: {text}");
    }
}

/// Checks that apply refused (exit 4) saying `why`, and that the simulator
/// saw no write.
pub fn assert_refused(run: &Run, sim: &SimHandle, why: &str) {
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
    (dir, sim, env): (&Path, &SimHandle, &[(&str, &str)]),
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

/// Skips the running test for want of what `why` names. Under CI (`CI`
/// set, as CI machines set it) it fails instead: `.ci/run` installs
/// everything the suite needs, so a skip there hides a broken setup.
/// Elsewhere the skip is written straight to the terminal, past the test
/// harness, which would keep a passing test's output to itself.
pub fn skip(why: &str) {
    let current = std::thread::current();
    let test = current.name().unwrap_or("a test");
    assert!(
        std::env::var_os("CI").is_none_or(|ci| ci.is_empty()),
        "{test} cannot run, and CI must run it: {why}"
    );
    skipped(test, why);
}

/// Says, on the terminal, that a part of a test did not run because of
/// what no checkout is sure to have, not even CI's (a commit that a shallow
/// clone lacks): unlike [`skip`], it never fails.
pub fn skip_part(why: &str) {
    let current = std::thread::current();
    skipped(current.name().unwrap_or("a test"), why);
}

fn skipped(test: &str, why: &str) {
    let mut stderr = io::stderr().lock();
    writeln!(stderr, "skipped {test}: {why}").expect("write to stderr");
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

/// The address `tether sim` gives on the first line of its `stdout`.
pub fn sim_address(stdout: impl Read) -> String {
    use std::io::BufRead;
    let mut first_line = String::new();
    io::BufReader::new(stdout)
        .read_line(&mut first_line)
        .expect("tether sim says where it listens");
    first_line
        .trim()
        .strip_prefix("tether sim listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first_line:?}"))
        .to_owned()
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
