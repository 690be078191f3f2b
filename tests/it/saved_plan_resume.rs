//! A saved plan resumes: an operation whose target already holds what it
//! sends is "already applied", only what is left is sent, and a plan applied
//! whole applies as nothing. Any other change in Atlas is still refused, and
//! what a plan made now adds is left alone and reported, never sent.

use serde_json::Value;
use tether::sim::{Faults, SimHandle, StateFile};

use crate::common::{Run, Sim, tether_against};

const GROUPS: [&str; 3] = [
    "65f1a2b3c4d5e6f7a8b9c0e1",
    "65f1a2b3c4d5e6f7a8b9c0e2",
    "65f1a2b3c4d5e6f7a8b9c0e3",
];
const OLD_KEY: &str = "resume-old-pagerduty-key-00000001";
const NEW_KEY: &str = "resume-new-pagerduty-key-00000002";
const DD_KEY: &str = "0123456789abcdef0123456789abcdef";
const HAND_KEY: &str = "resume-by-hand-pagerduty-key-0003";

/// Three projects paging through PagerDuty with the old key; the first one
/// has a DATADOG integration the file does not declare.
fn state() -> StateFile {
    let projects: String = GROUPS
        .iter()
        .enumerate()
        .map(|(i, group)| {
            let datadog = if i == 0 {
                format!("\n      DATADOG: {{apiKey: {DD_KEY}}}")
            } else {
                String::new()
            };
            format!(
                "  - id: {group}\n    name: resume-{i}\n    orgId: 6600000000000000000000aa\n    \
                 integrations:\n      PAGER_DUTY: {{serviceKey: {OLD_KEY}}}{datadog}\n"
            )
        })
        .collect();
    StateFile::parse(&format!("projects:\n{projects}")).expect("state parses")
}

/// The file: the new key for every project through `defaults`, each
/// project `mode` as given.
fn write_file(work: &tempfile::TempDir, first_mode: &str) {
    let projects: String = GROUPS
        .iter()
        .enumerate()
        .map(|(i, group)| {
            let mode = if i == 0 { first_mode } else { "additive" };
            format!("  - id: {group}\n    name: resume-{i}\n    mode: {mode}\n")
        })
        .collect();
    std::fs::write(
        work.path().join("tether.yaml"),
        format!(
            "version: 1\ndefaults:\n  integrations:\n    PAGER_DUTY:\n      serviceKey: \
             ${{PD_KEY}}\nprojects:\n{projects}"
        ),
    )
    .expect("write the file");
}

/// Runs tether in `work` with the new key, and checks that no key shows in
/// what it printed, in the saved plan or in the job summary.
fn run(work: &tempfile::TempDir, sim: &SimHandle, args: &[&str]) -> Run {
    let summary = work.path().join("summary.md");
    let summary_text = summary.display().to_string();
    let run = tether_against(
        work.path(),
        sim,
        args,
        &[("PD_KEY", NEW_KEY), ("GITHUB_STEP_SUMMARY", &summary_text)],
    );
    let saved = std::fs::read_to_string(work.path().join("plan.json")).unwrap_or_default();
    let summary = std::fs::read_to_string(summary).unwrap_or_default();
    for secret in [OLD_KEY, NEW_KEY, DD_KEY, HAND_KEY] {
        for (what, text) in [
            ("output", run.all_output()),
            ("saved plan", saved.clone()),
            ("summary", summary.clone()),
        ] {
            assert!(!text.contains(secret), "a key in the {what}: {text}");
        }
    }
    run
}

fn planned() -> (tempfile::TempDir, SimHandle) {
    let sim = Sim::builder().state(state()).start();
    let work = tempfile::tempdir().expect("tempdir");
    write_file(&work, "additive");
    let plan = run(&work, &sim, &["plan", "--out", "plan.json"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    (work, sim)
}

const APPLY: &[&str] = &["apply", "plan.json", "--auto-approve", "--retries", "0"];

fn apply_json(work: &tempfile::TempDir, sim: &SimHandle) -> (Run, Value) {
    let mut args = APPLY.to_vec();
    args.extend(["--output", "json"]);
    let run = run(work, sim, &args);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}", run.transcript()));
    (run, report)
}

fn results(report: &Value) -> Vec<(String, String)> {
    report["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|op| {
            (
                op["group_id"].as_str().expect("group_id").to_owned(),
                op["result"].as_str().expect("result").to_owned(),
            )
        })
        .collect()
}

fn stored_key(sim: &SimHandle, group: &str) -> Option<String> {
    sim.snapshot()
        .stored(group, "PAGER_DUTY", "serviceKey")
        .map(str::to_owned)
}

#[test]
fn a_partly_failed_saved_plan_resumes_with_only_what_is_left() {
    let broken = Sim::builder()
        .state(state())
        .faults(Faults {
            failing_projects: vec![GROUPS[2].to_owned()],
            ..Faults::default()
        })
        .start();
    let work = tempfile::tempdir().expect("tempdir");
    write_file(&work, "additive");
    let plan = run(&work, &broken, &["plan", "--out", "plan.json"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let partial = run(&work, &broken, APPLY);
    assert_eq!(partial.code, 3, "{}", partial.transcript());
    crate::common::assert_contains(&partial.stdout, "Apply: 2 done, 1 failed, 0 not started");
    let state = broken.snapshot();
    drop(broken);

    let healed = Sim::builder().state(state).start();
    let rerun = run(&work, &healed, APPLY);
    assert_eq!(rerun.code, 0, "{}", rerun.transcript());
    assert_eq!(healed.counters().writes(), 1, "only what was left");
    assert_eq!(stored_key(&healed, GROUPS[2]).as_deref(), Some(NEW_KEY));
    assert_eq!(
        rerun
            .stdout
            .lines()
            .filter(|l| l.ends_with(": already applied"))
            .count(),
        2,
        "{}",
        rerun.stdout
    );
    crate::common::assert_contains(
        &rerun.stdout,
        "Apply: 1 done, 0 failed, 0 not started; 2 already applied",
    );

    healed.reset_counters();
    let (third, report) = apply_json(&work, &healed);
    assert_eq!(third.code, 0, "{}", third.transcript());
    assert_eq!(healed.counters().writes(), 0);
    assert_eq!(
        results(&report),
        GROUPS.map(|g| (g.to_owned(), "already_applied".to_owned()))
    );
    assert_eq!(report["summary"]["already_applied"], 3);
    assert_eq!(report["summary"]["done"], 0);
}

#[test]
fn reapplying_a_fully_applied_saved_plan_writes_nothing() {
    let (work, sim) = planned();
    let applied = run(&work, &sim, APPLY);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(sim.counters().writes(), 3);
    sim.reset_counters();
    let again = run(&work, &sim, APPLY);
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert_eq!(sim.counters().writes(), 0);
    crate::common::assert_contains(
        &again.stdout,
        "Apply: 0 done, 0 failed, 0 not started; 3 already applied",
    );
}

#[test]
fn a_saved_plan_is_refused_when_atlas_changed_otherwise_after_it_was_applied() {
    let (work, sim) = planned();
    let applied = run(&work, &sim, APPLY);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    sim.change_as_user(
        GROUPS[1],
        "PAGER_DUTY",
        &serde_json::json!({"type": "PAGER_DUTY", "serviceKey": HAND_KEY, "region": "US"}),
        "someone@example.com",
    )
    .expect("a change by hand");
    sim.reset_counters();
    let refused = run(&work, &sim, APPLY);
    crate::common::assert_refused(
        &refused,
        &sim,
        &format!("`PAGER_DUTY` in resume-1 ({}) changed in Atlas", GROUPS[1]),
    );
}

/// The file gained a change after the plan (the first project became
/// authoritative: its DATADOG would be deleted). Apply sends the saved
/// plan's writes only; the report lists the delete as left alone, and the
/// job summary shows the saved plan, not the delete.
#[test]
fn a_saved_plan_applied_after_the_file_changed_reports_and_summarises_only_its_operations() {
    let (work, sim) = planned();
    write_file(&work, "authoritative");
    std::fs::remove_file(work.path().join("summary.md")).expect("plan's summary");
    let (applied, report) = apply_json(&work, &sim);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(sim.counters().writes(), 3);
    assert!(
        sim.snapshot()
            .stored(GROUPS[0], "DATADOG", "apiKey")
            .is_some(),
        "DATADOG stays"
    );
    assert_eq!(
        results(&report),
        GROUPS.map(|g| (g.to_owned(), "done".to_owned()))
    );
    let left_alone = report["left_alone"].as_array().expect("left_alone");
    assert_eq!(left_alone.len(), 1, "{report:#}");
    assert_eq!(left_alone[0]["action"], "delete");
    assert_eq!(left_alone[0]["type"], "DATADOG");
    assert_eq!(left_alone[0]["group_id"], GROUPS[0]);

    let summary = std::fs::read_to_string(work.path().join("summary.md")).expect("summary");
    crate::common::assert_contains(&summary, "3 to update, 0 to delete");
    crate::common::assert_lacks(&summary, "will be deleted");
    crate::common::assert_lacks(&summary, "delete DATADOG");
    for group in GROUPS {
        crate::common::assert_contains(&summary, group);
    }
    crate::common::assert_contains(&summary, "Apply: 3 done, 0 failed");
}

#[test]
fn apply_help_states_the_rule_for_a_file_changed_since_the_plan() {
    let help = crate::common::tether(std::path::Path::new("."), &["apply", "--help"], &[]);
    assert_eq!(help.code, 0, "{}", help.transcript());
    let text = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::common::assert_lacks(&text, "have not changed since");
    for rule in [
        "already applied",
        "the file now asks for something else",
        "left alone",
    ] {
        assert!(text.contains(rule), "`{rule}` is not in: {text}");
    }
}
