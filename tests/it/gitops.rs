//! The loop as CI runs it: `plan`, `apply`, `drift`, against the in-process
//! simulator, with the simulator's counters as the judge of which calls were
//! made, and every output searched for secrets. The same tests run once per
//! API generation (`gitops/loop.rs`), and both share their snapshots: the
//! outputs must not depend on the generation.

use std::path::{Path, PathBuf};

use tether::sim::SimHandle;

use crate::common::{Run, Sim, fixtures};

const PROD: &str = "65f1a2b3c4d5e6f7a8b9c0d1";
const SANDBOX: &str = "65f1a2b3c4d5e6f7a8b9c0d4";

/// The environment of the runs: the file's secrets.
pub(crate) const ENV: &[(&str, &str)] = &[
    ("PD_KEY", "seeded-pd-key-prod-4f1d9c0e5a7b0022"),
    ("DD_KEY", "0123456789abcdef0123456789abf00d"),
    ("OPSGENIE_KEY", "1c9e4b7a-2f3d-4e5a-8b6c-seeded0a1b2c"),
    ("PROM_PASSWORD", "seeded-prometheus-password"),
    (
        "SANDBOX_HOOK_URL",
        "https://hooks.example.com/tether/sandbox-secret-0016",
    ),
    ("SANDBOX_HOOK_SECRET", "sandbox-hook-secret-value-91ab"),
];

/// Secrets seeded in the simulator's state (besides those of `ENV`).
const SEEDED: &[&str] = &[
    "seeded-pd-key-prod-4f1d9c0e5a7b0022",
    "3b8d9e2f1a4c5b6d7e8f9a0b1c2da1b2",
    "seeded-path-7c1e2101",
    "seeded-webhook-secret-6f3a",
    "xoxb-seeded-slack-token-AbCdEfGhIjKl",
    "seeded-prometheus-password",
    "5a6b7c8d-9e0f-4a1b-8c2d-seeded4f5a6b",
    "seeded-teams-77c3",
];

fn dir() -> PathBuf {
    fixtures().join("loop")
}

/// Runs tether against the simulator and checks that no secret was printed.
fn run(sim: &SimHandle, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_in(&dir(), sim, args, env)
}

fn run_in(dir: &Path, sim: &SimHandle, args: &[&str], env: &[(&str, &str)]) -> Run {
    let run = crate::common::tether_against(dir, sim, args, env);
    assert_no_secret(&run.all_output(), env);
    run
}

fn assert_no_secret(text: &str, env: &[(&str, &str)]) {
    for secret in SEEDED.iter().chain(env.iter().map(|(_, v)| v)) {
        assert!(
            !text.contains(secret),
            "a secret ({secret}) was printed:\n{text}"
        );
    }
}

/// Output with the simulator's port hidden, for snapshots.
fn stable(run: &Run, sim: &SimHandle) -> String {
    run.transcript().replace(&sim.base_url(), "http://SIM")
}

mod v1 {
    /// What `--api` says, and the path Atlas serves that generation at.
    const API: (&str, &str) = ("v1", "v1.0");
    include!("gitops/loop.rs");
}

mod v2 {
    const API: (&str, &str) = ("v2", "v2");
    include!("gitops/loop.rs");
}

/// The file's `api:` chooses the generation; `--api` wins; v2 without either.
#[test]
fn the_files_api_is_used_and_the_flag_wins() {
    let sim = Sim::builder().state_fixture("loop/state.yaml").start();
    let work = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(dir().join("tether.yaml")).expect("fixture");
    let lists = |prefix: &str| {
        sim.counters().get(
            "GET",
            &format!("/api/atlas/{prefix}/groups/{{groupId}}/integrations"),
        )
    };
    for (file_api, flag, expected) in [
        ("", None, "v2"),
        ("api: v1\n", None, "v1.0"),
        ("api: v1\n", Some("v2"), "v2"),
        ("api: v2\n", Some("v1"), "v1.0"),
    ] {
        let with_api = text.replacen("version: 1\n", &format!("version: 1\n{file_api}"), 1);
        std::fs::write(work.path().join("tether.yaml"), with_api).expect("write");
        let mut args = vec!["plan"];
        if let Some(flag) = flag {
            args.extend(["--api", flag]);
        }
        sim.reset_counters();
        let run = run_in(work.path(), &sim, &args, ENV);
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert_eq!(lists(expected), 4, "{file_api:?} {flag:?}");
        assert_eq!(sim.counters().total(), 11, "{file_api:?} {flag:?}");
    }
}
