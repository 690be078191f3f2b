//! Drift reads as drift, not as a plan: its own heading and last line, a
//! compact line for what did not change, and the job summary under GitHub
//! Actions.

use crate::common::{Run, Sim, tether};

const KEY: &str = "drift-output-pd-key-000000000000";

/// `n` projects with the same PagerDuty key, and the file that declares it.
fn world(n: usize) -> (tether::sim::SimHandle, tempfile::TempDir) {
    let mut state = String::from("projects:\n");
    let mut file = String::from(
        "version: 1\ndefaults:\n  integrations:\n    PAGER_DUTY:\n      serviceKey: ${PD_KEY}\nprojects:\n",
    );
    for i in 0..n {
        state.push_str(&format!(
            "  - id: 65f1a2b3c4d5e6f7a8b9{i:04x}\n    name: team-{i}\n    orgId: 6600000000000000000000aa\n    integrations:\n      PAGER_DUTY: {{serviceKey: {KEY}}}\n"
        ));
        file.push_str(&format!("  - id: 65f1a2b3c4d5e6f7a8b9{i:04x}\n"));
    }
    let sim = Sim::builder().state_yaml(&state).start();
    let work = crate::common::folder_with(&file);
    (sim, work)
}

/// `n` projects that hold the file's key, and what `drift` says of them.
fn in_sync(n: usize) -> (tether::sim::SimHandle, tempfile::TempDir, Run) {
    let (sim, work) = world(n);
    let drift = run(&sim, work.path(), &["drift"], KEY, &[]);
    assert_eq!(drift.code, 0, "{}", drift.transcript());
    (sim, work, drift)
}

fn run(
    sim: &tether::sim::SimHandle,
    dir: &std::path::Path,
    args: &[&str],
    key: &str,
    extra: &[(&str, &str)],
) -> Run {
    let mut env = vec![("PD_KEY", key)];
    env.extend_from_slice(extra);
    crate::common::tether_against(dir, sim, args, &env)
}

#[test]
fn drift_has_its_own_heading_and_last_line() {
    let (sim, work, in_sync) = in_sync(3);
    crate::common::assert_starts_with(&in_sync.stdout, "tether drift: ");
    crate::common::assert_lacks(&in_sync.stdout, "Plan:");
    assert_eq!(in_sync.stdout.lines().last(), Some("No drift (exit 0)"));

    let other = "drift-output-pd-key-111111111111";
    let tether_here = |args: &[&str]| run(&sim, work.path(), args, other, &[]);
    let drifted = tether_here(&["drift"]);
    assert_eq!(drifted.code, 2, "{}", drifted.transcript());
    assert_eq!(
        drifted.stdout.lines().last(),
        Some("Drift: 3 differences in 3 projects (exit 2)")
    );
    let markdown = tether_here(&["drift", "--output", "markdown"]);
    crate::common::assert_starts_with(&markdown.stdout, "### tether drift\n");
    crate::common::assert_contains(
        &markdown.stdout,
        "**Drift: 3 differences in 3 projects (exit 2)**",
    );
    crate::common::assert_lacks(&markdown.all_output(), other);
}

#[test]
fn many_unchanged_projects_are_one_line() {
    let (_sim, _work, drift) = in_sync(12);
    crate::common::assert_contains(&drift.stdout, "= 12 projects unchanged (12 integrations)");
    assert!(drift.stdout.lines().count() < 8, "{}", drift.stdout);
}

#[test]
fn under_github_actions_plan_apply_and_drift_fill_the_job_summary() {
    let (sim, work) = world(2);
    let summary = work.path().join("summary.md");
    let summary_env = [("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8"))];
    let other = "drift-output-pd-key-222222222222";
    let tether_here = |args: &[&str]| run(&sim, work.path(), args, other, &summary_env);
    let plan = tether_here(&["plan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let apply = tether_here(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let drift = tether_here(&["drift"]);
    assert_eq!(drift.code, 0, "{}", drift.transcript());
    let text = std::fs::read_to_string(&summary).expect("the summary was written");
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(
        headings,
        ["### tether plan", "### tether plan", "### tether drift"],
        "{text}"
    );
    crate::common::assert_contains(&text, "**Apply: 2 done, 0 failed, 0 not started**");
    crate::common::assert_contains(&text, "No drift (exit 0)");
    assert!(!text.contains(other) && !text.contains(KEY), "{text}");
}

/// `tether show PLAN` renders a saved plan offline, as `plan` showed it;
/// `apply PLAN` prints that saved plan; a filter cannot narrow a saved plan.
#[test]
fn show_renders_a_saved_plan_offline_and_apply_prints_it() {
    let (sim, work) = world(2);
    let other = "drift-output-pd-key-333333333333";
    let against =
        |sim: &tether::sim::SimHandle, args: &[&str]| run(sim, work.path(), args, other, &[]);
    let planned = against(&sim, &["plan", "--out", "plan.json"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    let printed_plan = planned
        .stdout
        .split("Saved the plan")
        .next()
        .expect("the plan")
        .to_owned();
    drop(sim);
    // Offline: no simulator, no credentials, no variables.
    let shown = tether(work.path(), &["--color", "never", "show", "plan.json"], &[]);
    assert_eq!(shown.code, 0, "{}", shown.transcript());
    assert!(
        shown.stdout.starts_with(&printed_plan),
        "{}\n---\n{printed_plan}",
        shown.stdout
    );
    crate::common::assert_contains(&shown.stdout, "applies these 2 writes");
    let json = tether(work.path(), &["show", "plan.json", "--output", "json"], &[]);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(document["summary"]["update"], 2);
    let markdown = tether(
        work.path(),
        &["show", "plan.json", "--output", "markdown"],
        &[],
    );
    crate::common::assert_starts_with(&markdown.stdout, "### tether plan");
    for run in [&shown, &json, &markdown] {
        assert!(!run.all_output().contains(other));
    }

    let (sim, _) = world(2);
    let applied = against(&sim, &["apply", "plan.json", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    crate::common::assert_starts_with(&applied.stdout, &printed_plan);
    let filtered = against(
        &sim,
        &[
            "apply",
            "plan.json",
            "--auto-approve",
            "--project",
            "team-0",
        ],
    );
    assert_eq!(filtered.code, 1, "{}", filtered.transcript());
    crate::common::assert_contains(
        &filtered.stderr,
        "a saved plan is applied whole: `--project` and `--type` cannot narrow it",
    );
    let bad = tether(work.path(), &["show", "tether.yaml"], &[]);
    assert_eq!(bad.code, 1, "{}", bad.transcript());
}
