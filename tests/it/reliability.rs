//! Defects a hostile tester found, each reproduced against the simulator:
//! wrong writes first.

use std::path::Path;

use tether::sim::{self, SimConfig, SimHandle, StateFile};

use crate::common::{Run, fixtures, tether};

fn start() -> SimHandle {
    let state = StateFile::load(&fixtures().join("loop/state.yaml")).expect("state loads");
    sim::spawn(SimConfig {
        state,
        worker_threads: 1,
        ..SimConfig::default()
    })
    .expect("simulator starts")
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
    let work = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        work.path().join("tether.yaml"),
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
    )
    .expect("write");
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
