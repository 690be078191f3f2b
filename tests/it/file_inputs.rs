//! Every file tether reads or appends to (secrets files, the Atlas CLI's
//! `config.toml`, saved plans, the job summary) must be a regular file once
//! links are followed, and reads stop at a cap: a device, a FIFO or a file
//! past its cap ends the run at once with a message naming it.
//!
//! Each run here has a deadline and an address-space limit, so that a
//! regression reads for a few seconds, not until the machine runs out of
//! memory.

#![cfg(unix)]

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Run, Sim, TODAY};

const DEADLINE: Duration = Duration::from_secs(15);
const PD_KEY: &str = "file-inputs-pd-key-0123456789abcdef";
const FILE: &str = "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0e1\n    integrations:\n      \
                    PAGER_DUTY:\n        serviceKey: ${PD_KEY}\n";

/// Runs `tether --color never ARGS` in `dir` with only `env`, killed at the
/// deadline (then exit -1) and limited to 2 GiB of address space.
fn bounded(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Run, Duration) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tether"));
    command
        .current_dir(dir)
        .env_clear()
        .env("TETHER_TODAY", TODAY)
        .envs(env.iter().copied())
        .args(["--color", "never"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 2 << 30,
                rlim_max: 2 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("tether starts");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let stdout = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let code = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status.code().unwrap_or(-1);
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break -1;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let run = Run {
        code,
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    };
    (run, elapsed)
}

fn fifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("no NUL");
    // SAFETY: a valid C string; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// A file of `len` bytes that takes no room on disk.
fn sparse(path: &Path, len: u64) {
    std::fs::File::create(path)
        .and_then(|file| file.set_len(len))
        .expect("sparse file");
}

/// `dir/name`, made into what `kind` says: `zero` (a link to `/dev/zero`),
/// `fifo`, `device` (`/dev/zero` itself, returned as is) or `large` (one
/// byte past `cap`).
fn hostile(dir: &Path, name: &str, kind: &str, cap: u64) -> PathBuf {
    let path = dir.join(name);
    match kind {
        "device" => return PathBuf::from("/dev/zero"),
        "zero" => std::os::unix::fs::symlink("/dev/zero", &path).expect("symlink"),
        "fifo" => fifo(&path),
        "large" => sparse(&path, cap + 1),
        other => panic!("unknown kind {other}"),
    }
    path
}

/// What the message says for `kind`.
fn said(kind: &str, cap: &str) -> String {
    match kind {
        "device" | "zero" => "is not a regular file: it is a device".to_owned(),
        "fifo" => "is not a regular file: it is a named pipe (FIFO)".to_owned(),
        "large" => format!("is larger than {cap}"),
        other => panic!("unknown kind {other}"),
    }
}

fn assert_refused_fast(run: &Run, elapsed: Duration, path: &Path, expected: &str) {
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(elapsed < DEADLINE, "{elapsed:?}");
    assert!(
        run.stderr.contains(&format!("`{}`", path.display())),
        "names the file: {}",
        run.transcript()
    );
    assert!(
        run.stderr.contains(expected),
        "{expected}: {}",
        run.transcript()
    );
}

const KINDS: [&str; 4] = ["device", "zero", "fifo", "large"];

/// In a folder holding `FILE`, a hostile file of each of [`KINDS`] named
/// `{stem}-{kind}.{extension}`: each of the runs `tether` makes on it (the
/// folder and the file's path given) is refused at once, saying what it is
/// (past `cap`, shown as `cap_shown`).
fn assert_hostile_files_refused(
    (stem, extension): (&str, &str),
    (cap, cap_shown): (u64, &str),
    tether: impl Fn(&Path, &str) -> Vec<(Run, Duration)>,
) {
    let dir = crate::common::folder_with(FILE);
    for kind in KINDS {
        let path = hostile(dir.path(), &format!("{stem}-{kind}.{extension}"), kind, cap);
        for (run, elapsed) in tether(dir.path(), path.to_str().expect("utf-8")) {
            assert_refused_fast(&run, elapsed, &path, &said(kind, cap_shown));
        }
    }
}

#[test]
fn a_secrets_file_that_is_a_device_a_fifo_or_too_large_is_refused_at_once() {
    assert_hostile_files_refused(("secrets", "yaml"), (16 << 20, "16 MiB"), |dir, shown| {
        vec![
            bounded(dir, &["validate", "--secrets", shown], &[]),
            bounded(dir, &["validate"], &[("TETHER_SECRETS_FILE", shown)]),
        ]
    });
}

#[test]
fn an_atlas_cli_config_that_is_a_device_a_fifo_or_too_large_is_refused_at_once() {
    for kind in KINDS {
        if kind == "device" {
            continue;
        }
        let dir = crate::common::folder_with(FILE);
        let folder = dir.path().join("config/atlascli");
        std::fs::create_dir_all(&folder).expect("config folder");
        let path = hostile(&folder, "config.toml", kind, 4 << 20);
        let config = dir.path().join("config");
        let env = [
            ("XDG_CONFIG_HOME", config.to_str().expect("utf-8")),
            ("TETHER_KEYRING", "none"),
            ("PD_KEY", PD_KEY),
        ];
        for args in [&["plan"][..], &["plan", "--profile", "prod"]] {
            let (run, elapsed) = bounded(dir.path(), args, &env);
            assert_refused_fast(&run, elapsed, &path, &said(kind, "4 MiB"));
        }
    }
}

#[test]
fn a_saved_plan_that_is_a_device_a_fifo_or_too_large_is_refused_at_once() {
    assert_hostile_files_refused(("plan", "json"), (64 << 20, "64 MiB"), |dir, shown| {
        ["show", "apply"]
            .map(|command| bounded(dir, &[command, shown], &[("PD_KEY", PD_KEY)]))
            .into()
    });
}

#[test]
fn a_job_summary_that_is_a_fifo_or_a_device_is_a_warning_and_the_plan_still_ends() {
    let sim = Sim::builder()
        .state_yaml(
            "projects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0e1\n    name: payments-prod\n    \
             orgId: 6600000000000000000000aa\n",
        )
        .start();
    let dir = crate::common::folder_with(FILE);
    for kind in ["fifo", "zero"] {
        let path = hostile(dir.path(), &format!("summary-{kind}.md"), kind, 0);
        let base = sim.base_url();
        let env = [
            ("GITHUB_STEP_SUMMARY", path.to_str().expect("utf-8")),
            ("MONGODB_ATLAS_BASE_URL", base.as_str()),
            ("PD_KEY", PD_KEY),
        ];
        let (run, elapsed) = bounded(dir.path(), &["plan"], &env);
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert!(elapsed < DEADLINE, "{elapsed:?}");
        let expected = format!(
            "warning: the job summary `{}` {}; nothing was added to it",
            path.display(),
            said(kind, "")
        );
        assert!(run.stderr.contains(&expected), "{}", run.transcript());
        assert!(!run.all_output().contains(PD_KEY), "{}", run.transcript());
    }
}

#[test]
fn a_tether_file_that_is_a_device_a_fifo_or_too_large_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    for kind in KINDS {
        let path = hostile(dir.path(), &format!("tether-{kind}.yaml"), kind, 64 << 20);
        let shown = path.to_str().expect("utf-8");
        let (run, elapsed) = bounded(dir.path(), &["validate", "-f", shown], &[]);
        assert_eq!(run.code, 1, "{}", run.transcript());
        assert!(elapsed < DEADLINE, "{elapsed:?}");
        let expected = format!("{shown}: {}", said(kind, "64 MiB"));
        assert!(
            run.stderr.contains(&expected),
            "{expected}: {}",
            run.transcript()
        );
    }
}
