//! `tether sim` as a user runs it: it prints the address it bound, serves,
//! stops on SIGTERM and writes its state back.

use std::process::{Child, Command, Stdio};

use crate::common::repo_root;

/// Kills the simulator if the test fails before stopping it.
struct Running(Option<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn serves_prints_its_address_and_writes_state_back() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state.yaml");
    std::fs::copy(repo_root().join("examples/sim-state.yaml"), &state).expect("copy");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tether"))
        .args([
            "sim",
            "--no-auth",
            "--write-back",
            "--listen",
            "127.0.0.1:0",
            "--state",
        ])
        .arg(&state)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tether sim starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut running = Running(Some(child));
    let base = crate::common::sim_address(stdout);
    let http = reqwest::blocking::Client::new();
    let put = http
        .put(format!(
            "{base}/api/atlas/v1.0/groups/65f1a2b3c4d5e6f7a8b9c0d2/integrations/PAGER_DUTY"
        ))
        .header("Content-Type", "application/json")
        .body(r#"{"type":"PAGER_DUTY","serviceKey":"written-by-the-test-0001","region":"EU"}"#)
        .send()
        .expect("PUT answered");
    assert_eq!(put.status(), 200);
    let child = running.0.take().expect("still running");
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(stopped.success());
    let output = child.wait_with_output().expect("exits");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let saved = std::fs::read_to_string(&state).expect("state written back");
    crate::common::assert_contains(&saved, "written-by-the-test-0001");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("written-by-the-test-0001"));
}

/// A simulator that answers without credentials listens on loopback only:
/// on another address it is refused before anything is bound. The
/// addresses here are documentation ranges that no machine has, so even a
/// regression binds nothing.
#[test]
fn an_address_beyond_loopback_without_credentials_is_refused_before_binding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state.yaml");
    std::fs::copy(repo_root().join("examples/sim-state.yaml"), &state).expect("copy");
    let state = state.to_str().expect("utf-8").to_owned();
    let runs: [&[&str]; 3] = [
        &["sim", "--no-auth", "--listen", "192.0.2.1:0"],
        &["sim", "--listen", "[2001:db8::1]:0"],
        &[
            "sim",
            "--no-auth",
            "--state",
            &state,
            "--listen",
            "192.0.2.1:0",
        ],
    ];
    for args in runs {
        let output = Command::new(env!("CARGO_BIN_EXE_tether"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("tether sim runs");
        // As one line: the report wraps long messages.
        let stderr = String::from_utf8_lossy(&output.stderr)
            .split_whitespace()
            .filter(|word| *word != "│")
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing listens");
        assert!(
            stderr.contains(
                "is not a loopback address, and this simulator would answer anyone without \
                 credentials"
            ),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("--listen 127.0.0.1:0"),
            "{args:?}: {stderr}"
        );
    }
    // With its credentials required, it goes on to bind (which fails: no
    // machine has the address).
    let output = Command::new(env!("CARGO_BIN_EXE_tether"))
        .args(["sim", "--state", &state, "--listen", "192.0.2.1:0"])
        .stdin(Stdio::null())
        .output()
        .expect("tether sim runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    crate::common::assert_contains(&stderr, "cannot start the simulator on `192.0.2.1:0`");
}
