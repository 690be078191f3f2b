//! Apply under faults and interruption: it converges, reports every
//! operation, and writes nothing twice that it should not.

use std::process::{Command, Stdio};
use std::time::Duration;

use tether::sim::{Faults, RateLimit, SimHandle};

use crate::common::{Sim, tether};

const OLD_KEY: &str = "old-pd-key-000000000000000000000011";
const NEW_KEY: &str = "new-pd-key-000000000000000000000022";
const HOOK: &str = "https://hooks.example.com/faults/secret-path-0033";

/// `count` projects, each with an old PagerDuty key; and a file that wants a
/// new key and a webhook in each: two writes per project.
fn world(count: usize, faults: Faults) -> (SimHandle, tempfile::TempDir) {
    let mut state = String::from("projects:\n");
    let mut file = String::from(
        // Every project's key is rotated at once: on purpose, so the share gate
        // is opened in the file.
        "version: 1\nsafety:\n  max_update_percent: 100\ndefaults:\n  integrations:\n    PAGER_DUTY:\n      serviceKey: ${PD_KEY}\n    WEBHOOK:\n      url: ${HOOK_URL}\nprojects:\n",
    );
    for n in 0..count {
        state.push_str(&format!(
            "  - id: 5{n:023x}\n    name: p-{n}\n    orgId: 6600000000000000000000aa\n    integrations:\n      PAGER_DUTY:\n        serviceKey: {OLD_KEY}\n"
        ));
        file.push_str(&format!("  - id: 5{n:023x}\n"));
    }
    let sim = Sim::builder()
        .state_yaml(&state)
        .faults(faults)
        .seed(42)
        .worker_threads(2)
        .start();
    let dir = crate::common::folder_with(&file);
    (sim, dir)
}

const ENV: &[(&str, &str)] = &[("PD_KEY", NEW_KEY), ("HOOK_URL", HOOK)];

fn no_secret(text: &str) {
    for secret in [OLD_KEY, NEW_KEY, "secret-path-0033"] {
        assert!(!text.contains(secret), "{secret} printed");
    }
}

#[test]
fn apply_converges_under_errors_throttling_drops_and_jitter() {
    // 100 projects keep the suite quick; TETHER_SOAK_PROJECTS=500 (or more)
    // runs the longer soak.
    let projects = std::env::var("TETHER_SOAK_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let (sim, dir) = world(
        projects,
        Faults {
            error_500_rate: 0.1,
            error_503_rate: 0.1,
            drop_rate: 0.05,
            jitter: Duration::from_millis(5),
            rate_limit: Some(RateLimit {
                capacity: 60,
                refill: 60,
                period: Duration::from_secs(1),
            }),
            ..Faults::default()
        },
    );
    let base = sim.base_url();
    let common = [
        "--no-progress",
        "--retries",
        "12",
        "--base-url",
        base.as_str(),
    ];
    let mut apply = vec!["apply"];
    apply.extend(common);
    apply.extend(["--auto-approve", "--max-deletes", "0", "--output", "json"]);
    let run = tether(dir.path(), &apply, ENV);
    no_secret(&run.all_output());
    let report = crate::common::json_output(&run, 0);
    assert_eq!(
        report["operations"].as_array().map(Vec::len),
        Some(2 * projects)
    );
    assert_eq!(report["summary"]["done"], 2 * projects);
    let counts = sim.counters();
    assert!(
        counts.status(500) + counts.status(503) > 0,
        "faults were injected: {counts:?}"
    );
    assert!(counts.dropped > 0);

    let state = sim.snapshot();
    for project in &state.projects {
        assert_eq!(
            project.integrations["PAGER_DUTY"]["serviceKey"].as_text(),
            Some(NEW_KEY)
        );
        assert_eq!(project.integrations["WEBHOOK"]["url"].as_text(), Some(HOOK));
    }
    let mut plan = vec!["plan"];
    plan.extend(common);
    plan.push("--detailed-exitcode");
    let again = tether(dir.path(), &plan, ENV);
    assert_eq!(again.code, 0, "{}", again.transcript());
}

#[test]
fn a_killed_apply_converges_when_run_again() {
    let projects = 12;
    let (sim, dir) = world(
        projects,
        Faults {
            latency: Duration::from_millis(60),
            ..Faults::default()
        },
    );
    let base = sim.base_url();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tether"))
        .current_dir(dir.path())
        .env_clear()
        .envs(ENV.iter().copied())
        .args([
            "apply",
            "--no-progress",
            "--concurrency",
            "2",
            "--base-url",
            &base,
            "--auto-approve",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("apply starts");
    let mut stdout = child.stdout.take().expect("stdout");
    // The plan is printed once fetching is done; writes start right after.
    crate::common::read_until(&mut stdout, "Plan:");
    std::thread::sleep(Duration::from_millis(300));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let before = sim.counters().writes();
    assert!(
        before > 0 && before < 2 * projects as u64,
        "killed halfway: {before} writes"
    );

    let rerun = tether(
        dir.path(),
        &[
            "apply",
            "--no-progress",
            "--base-url",
            &base,
            "--auto-approve",
        ],
        ENV,
    );
    assert_eq!(rerun.code, 0, "{}", rerun.transcript());
    no_secret(&rerun.all_output());
    let total = sim.counters().writes();
    // Every needed write once; at most the two in flight at the kill again.
    assert!(
        (2 * projects as u64..=2 * projects as u64 + 2).contains(&total),
        "{total} writes for {} needed",
        2 * projects
    );
    let check = tether(
        dir.path(),
        &[
            "plan",
            "--no-progress",
            "--base-url",
            &base,
            "--detailed-exitcode",
        ],
        ENV,
    );
    assert_eq!(check.code, 0, "{}", check.transcript());
}

#[test]
fn verbose_runs_print_no_secret_on_success_or_error() {
    let (sim, dir) = world(3, Faults::default());
    let base = sim.base_url();
    for args in [
        vec!["-v", "plan", "--no-progress", "--base-url", base.as_str()],
        vec![
            "-v",
            "apply",
            "--no-progress",
            "--base-url",
            base.as_str(),
            "--auto-approve",
        ],
        vec!["-v", "drift", "--no-progress", "--base-url", base.as_str()],
        vec![
            "-v",
            "plan",
            "--no-progress",
            "--base-url",
            "http://127.0.0.1:1",
        ],
        vec!["-v", "validate"],
    ] {
        let run = tether(dir.path(), &args, ENV);
        no_secret(&run.all_output());
        if args.contains(&"plan") && args.contains(&"http://127.0.0.1:1") {
            assert_eq!(run.code, 1, "{}", run.transcript());
        }
    }
    let verbose = tether(
        dir.path(),
        &["-v", "drift", "--no-progress", "--base-url", &base],
        ENV,
    );
    crate::common::assert_contains(&verbose.stderr, "atlas: GET /api/atlas/v2/groups/");
}
