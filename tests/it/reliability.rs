//! Defects a hostile tester found, each reproduced against the simulator:
//! wrong writes first.

use std::path::Path;

use tether::sim::{SimHandle, StateFile};

use crate::common::{Run, fixtures, simulator, tether};

fn start() -> SimHandle {
    simulator(StateFile::load(&fixtures().join("loop/state.yaml")).expect("state loads"))
}

fn start_with(state: &str) -> SimHandle {
    simulator(StateFile::parse(state).expect("state parses"))
}

/// A temporary directory with `tether.yaml` holding `text`.
fn work_with(text: &str) -> tempfile::TempDir {
    let work = tempfile::tempdir().expect("tempdir");
    std::fs::write(work.path().join("tether.yaml"), text).expect("write");
    work
}

fn run(dir: &Path, sim: &SimHandle, args: &[&str], env: &[(&str, &str)]) -> Run {
    let base = sim.base_url();
    let mut all = vec!["--color", "never"];
    all.extend_from_slice(args);
    let mut env = env.to_vec();
    env.push(("MONGODB_ATLAS_BASE_URL", &base));
    tether(dir, &all, &env)
}

/// A project declared once by id and once by name would be planned twice
/// against itself: one entry deletes what the other declares, and apply
/// never converges. Both entries are named; nothing is read past the
/// lookups and nothing is written.
#[test]
fn one_project_declared_by_id_and_by_name_is_refused() {
    let sim = start();
    let work = work_with(
        "version: 1
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0d1
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
  - name: payments-prod
    integrations:
      DATADOG:
        apiKey: ${DD_KEY}
",
    );
    let env = [
        ("PD_KEY", "seeded-pd-key-prod-4f1d9c0e5a7b0022"),
        ("DD_KEY", "0123456789abcdef0123456789abf00d"),
    ];
    let validated = run(work.path(), &sim, &["validate"], &env);
    assert_eq!(validated.code, 0, "{}", validated.transcript());
    for args in [vec!["plan"], vec!["drift"], vec!["apply", "--auto-approve"]] {
        let refused = run(work.path(), &sim, &args, &env);
        assert_eq!(refused.code, 1, "{args:?}: {}", refused.transcript());
        assert!(
            refused.stderr.contains(
                "`65f1a2b3c4d5e6f7a8b9c0d1` (tether.yaml:3:5) and `payments-prod` \
                 (tether.yaml:7:5) are the same Atlas project 65f1a2b3c4d5e6f7a8b9c0d1"
            ),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    }
    let counts = sim.counters();
    assert_eq!(counts.writes(), 0, "{counts:?}");
    assert_eq!(
        counts.reads(),
        3,
        "one name lookup per run, no integration read: {counts:?}"
    );
}

const GATE_ENV: &[(&str, &str)] = &[
    ("PD_KEY", "gate-test-pd-key-00000000000000aa"),
    ("OG_KEY", "gate-test-og-key-00000000000000bb"),
];

/// Gates weigh what apply will write. A saved plan with 3 deletes is not
/// refused for a 4th delete that a plan made now finds but the saved plan
/// does not hold (it is left alone).
#[test]
fn a_saved_plan_is_gated_on_its_own_deletes() {
    let sim = start_with(
        "projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0a1
    name: alpha
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {serviceKey: gate-test-pd-key-00000000000000aa}
      DATADOG: {apiKey: 0123456789abcdef0123456789abcdef}
      WEBHOOK: {url: 'https://hooks.example.com/a'}
      MICROSOFT_TEAMS: {microsoftTeamsWebhookUrl: 'https://teams.example.com/a'}
  - id: 65f1a2b3c4d5e6f7a8b9c0b2
    name: beta
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {serviceKey: gate-test-pd-key-00000000000000aa}
      DATADOG: {apiKey: 0123456789abcdef0123456789abcdef}
",
    );
    let work = work_with(
        "version: 1
defaults:
  integrations:
    PAGER_DUTY:
      serviceKey: ${PD_KEY}
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0a1
    name: alpha
  - id: 65f1a2b3c4d5e6f7a8b9c0b2
    name: beta
",
    );
    let planned = run(
        work.path(),
        &sim,
        &["plan", "--project", "alpha", "--out", "plan.json"],
        GATE_ENV,
    );
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    assert!(planned.stdout.contains("3 to delete"), "{}", planned.stdout);
    let full = run(work.path(), &sim, &["plan"], GATE_ENV);
    assert!(full.stdout.contains("4 to delete"), "{}", full.stdout);

    let applied = run(
        work.path(),
        &sim,
        &["apply", "plan.json", "--auto-approve", "--max-deletes", "3"],
        GATE_ENV,
    );
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(sim.counters().writes(), 3, "exactly the saved deletes");
    let state = sim.snapshot();
    let beta = state
        .projects
        .iter()
        .find(|p| p.name == "beta")
        .expect("beta");
    assert!(
        beta.integrations.contains_key("DATADOG"),
        "beta is left alone"
    );
}

/// A saved plan that deletes a project's last paging integration is
/// refused even when a plan made now would also create another one: the
/// saved plan does not hold that create, so apply would leave nobody paged.
#[test]
fn a_saved_plan_that_deletes_the_last_paging_integration_is_refused() {
    let sim = start_with(
        "projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0c3
    name: gamma
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {serviceKey: gate-test-pd-key-00000000000000aa}
",
    );
    const GAMMA: &str = "version: 1
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0c3
    name: gamma
    integrations:
      PAGER_DUTY: absent
";
    let work = work_with(GAMMA);
    let planned = run(work.path(), &sim, &["plan", "--out", "plan.json"], GATE_ENV);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    let with_opsgenie = format!("{GAMMA}      OPS_GENIE:\n        apiKey: ${{OG_KEY}}\n");
    std::fs::write(work.path().join("tether.yaml"), with_opsgenie).expect("rewrite");
    let refused = run(
        work.path(),
        &sim,
        &["apply", "plan.json", "--auto-approve"],
        GATE_ENV,
    );
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    assert!(
        refused.stderr.contains(
            "deletes the last paging integration (PagerDuty, Opsgenie or VictorOps) of gamma"
        ),
        "{}",
        refused.stderr
    );
    assert_eq!(sim.counters().writes(), 0);
}

/// Output that cannot be written (a full disk) is a failure, not a success
/// with nothing printed.
#[cfg(unix)]
#[test]
fn a_failed_write_to_stdout_exits_1() {
    for args in [
        vec!["schema"],
        vec!["validate", "--ignore-unset", "-f", "examples/minimal.yaml"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
            .current_dir(crate::common::repo_root())
            .args(&args)
            .stdout(full)
            .output()
            .expect("tether runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write the output to stdout"),
            "{args:?}: {stderr}"
        );
    }
}
