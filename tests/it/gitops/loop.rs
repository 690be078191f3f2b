// The loop's tests, included once per API generation by `gitops.rs`, where
// `API` is set.

use std::path::Path;

use tether::sim::{Faults, SimHandle};

use super::{ENV, PROD, SANDBOX, assert_no_secret, dir, stable};
use crate::common::{Run, Sim};

fn integrations() -> String {
    format!("/api/atlas/{}/groups/{{groupId}}/integrations", API.1)
}

fn one_integration() -> String {
    format!(
        "/api/atlas/{}/groups/{{groupId}}/integrations/{{integrationType}}",
        API.1
    )
}

/// `args` with this generation's `--api` after them, for the commands that
/// talk to Atlas.
fn with_api<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut args = args.to_vec();
    if args.iter().any(|a| matches!(*a, "plan" | "apply" | "drift")) {
        args.extend(["--api", API.0]);
    }
    args
}

/// `tether ARGS` in the loop's folder with the loop's variables.
fn loop_run(sim: &SimHandle, args: &[&str]) -> Run {
    run(sim, args, ENV)
}

/// `tether ARGS` in `dir` with the loop's variables.
fn loop_run_in(dir: &Path, sim: &SimHandle, args: &[&str]) -> Run {
    run_in(dir, sim, args, ENV)
}

/// The simulator with the loop's state.
fn loop_sim() -> SimHandle {
    Sim::builder().state_fixture("loop/state.yaml").start()
}

/// The loop's state, where every write to the sandbox project fails.
fn broken_loop_sim() -> SimHandle {
    Sim::builder().state_fixture("loop/state.yaml").faults(Faults {
        failing_projects: vec![SANDBOX.to_owned()],
        ..Faults::default()
    }).start()
}

/// The simulator with the loop's state, and `tether ARGS` against it,
/// which ends with `code`.
fn loop_started(args: &[&str], code: i32) -> (SimHandle, Run) {
    let sim = loop_sim();
    let run = loop_run(&sim, args);
    assert_eq!(run.code, code, "{}", run.transcript());
    (sim, run)
}

/// A new folder holding a copy of the loop's `tether.yaml`.
fn copy_of_the_loop_file() -> tempfile::TempDir {
    let work = tempfile::tempdir().expect("tempdir");
    std::fs::copy(dir().join("tether.yaml"), work.path().join("tether.yaml")).expect("copy");
    work
}

/// A copy of the loop's file, planned against `sim` into its `plan.json`.
fn planned_copy(sim: &SimHandle) -> tempfile::TempDir {
    let work = copy_of_the_loop_file();
    let planned = loop_run_in(work.path(), sim, &["plan", "--out", "plan.json"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    work
}

fn run(sim: &SimHandle, args: &[&str], env: &[(&str, &str)]) -> Run {
    super::run(sim, &with_api(args), env)
}

fn run_in(dir: &Path, sim: &SimHandle, args: &[&str], env: &[(&str, &str)]) -> Run {
    super::run_in(dir, sim, &with_api(args), env)
}

/// A snapshot shared by both generations.
macro_rules! assert_snapshot {
    ($value:expr) => {
        insta::with_settings!({prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($value);
        })
    };
}

#[test]
fn plan_shows_every_kind_of_change_in_one_get_per_project() {
    let (sim, run) = loop_started(&["plan", "--detailed-exitcode"], 2);
    let counts = sim.counters();
    assert_eq!(counts.get("GET", &integrations()), 4, "{counts:?}");
    assert_eq!(
        counts.get("GET", &format!("/api/atlas/{}/groups/byName/{{groupName}}", API.1)),
        2,
        "one lookup per project named without an id"
    );
    // Four projects differ from the file: one events call each; one
    // deletes: one listing of its alert configurations. Both always on v2.
    assert_eq!(
        counts.get("GET", "/api/atlas/v2/groups/{groupId}/events"),
        4
    );
    assert_eq!(
        counts.get("GET", "/api/atlas/v2/groups/{groupId}/alertConfigs"),
        1
    );
    assert_eq!(counts.total(), 11);
    assert_eq!(counts.writes(), 0);
    assert_snapshot!(stable(&run, &sim));
}

#[test]
fn plan_as_json_and_markdown() {
    let sim = loop_sim();
    let json = loop_run(&sim, &["plan", "--output", "json"]);
    let document = crate::common::json_output(&json, 0);
    assert_eq!(document["format_version"], 2);
    let markdown = loop_run(&sim, &["plan", "--output", "markdown"]);
    assert_eq!(markdown.code, 0);
    assert!(markdown.stdout.len() <= 65_536);
    crate::common::assert_contains(&markdown.stdout, "<details>");
}

/// Checks `document` against the committed schema `schemas/{which}.schema.json`.
fn assert_matches_schema(which: &str, document: &serde_json::Value) {
    let path = crate::common::repo_root().join(format!("schemas/{which}.schema.json"));
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema committed"))
            .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{e} at `{}`", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{which} fails its schema: {errors:#?}");
}

/// The plan, the saved plan and the apply report are one JSON model: each
/// matches its committed schema, the saved plan holds the plan as `--output
/// json` prints it, and all three name things with the same keys.
#[test]
fn json_outputs_match_their_schemas_and_share_their_keys() {
    let sim = loop_sim();
    let work = copy_of_the_loop_file();
    let json = loop_run_in(work.path(), &sim, &["plan", "--output", "json"]);
    let plan = crate::common::json_output(&json, 0);
    assert_matches_schema("plan", &plan);
    let project = &plan["projects"][0];
    for key in ["group_id", "name", "project", "mode", "items"] {
        assert!(project.get(key).is_some(), "plan project lacks `{key}`");
    }

    let saved = loop_run_in(work.path(), &sim, &["plan", "--out", "plan.json"]);
    assert_eq!(saved.code, 0, "{}", saved.transcript());
    let text = std::fs::read_to_string(work.path().join("plan.json")).expect("saved plan");
    assert_no_secret(&text, ENV);
    let saved: serde_json::Value = serde_json::from_str(&text).expect("saved plan JSON");
    assert_matches_schema("saved-plan", &saved);
    assert_eq!(
        saved["plan"], plan,
        "the saved plan holds the plan as printed"
    );

    let applied = loop_run_in(work.path(), &sim, &["apply", "plan.json", "--auto-approve", "--output", "json"]);
    let report = crate::common::json_output(&applied, 0);
    assert_matches_schema("apply-report", &report);

    let saved_ops = saved["operations"].as_array().expect("operations");
    let report_ops = report["operations"].as_array().expect("operations");
    assert_eq!(saved_ops.len(), report_ops.len());
    for (saved_op, report_op) in saved_ops.iter().zip(report_ops) {
        for key in ["project", "group_id", "type", "action"] {
            assert_eq!(saved_op[key], report_op[key], "`{key}` differs");
        }
        let in_plan = plan["projects"]
            .as_array()
            .expect("projects")
            .iter()
            .find(|p| p["group_id"] == saved_op["group_id"])
            .expect("the operation's project is in the plan");
        assert_eq!(in_plan["project"], saved_op["project"]);
        let item = crate::common::plan_item(in_plan, saved_op["type"].as_str().expect("a type"));
        assert_eq!(item["action"], saved_op["action"], "one verb throughout");
    }
}

/// `-q` silences talk (warnings, progress, "Saved the plan to ..."), not
/// the output a command exists for: the plan itself is printed.
#[test]
fn quiet_keeps_the_plan_and_drops_the_talk() {
    let sim = loop_sim();
    let work = copy_of_the_loop_file();
    let quiet = loop_run_in(work.path(), &sim, &["-q", "plan", "--out", "plan.json"]);
    assert_eq!(quiet.code, 0, "{}", quiet.transcript());
    crate::common::assert_starts_with(&quiet.stdout, "Plan: ");
    crate::common::assert_lacks(&quiet.stdout, "Saved the plan");
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    assert!(work.path().join("plan.json").exists());
}

/// On `apply`, the report is the data and the plan it shows first is talk:
/// `-q --auto-approve` prints the report alone.
#[test]
fn quiet_apply_prints_its_report_and_not_the_plan() {
    let (_sim, quiet) = loop_started(&["-q", "apply", "--auto-approve"], 0);
    crate::common::assert_lacks(&quiet.stdout, "Plan: ");
    crate::common::assert_lacks(&quiet.stdout, "will be created");
    crate::common::assert_contains(&quiet.stdout, "\nApply: 6 done, 0 failed");
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
}

#[test]
fn apply_sends_exactly_the_needed_writes_then_nothing() {
    let (sim, applied) = loop_started(&["apply", "--auto-approve"], 0);
    let counts = sim.counters();
    // Creates are POSTs and updates PUTs, as both generations document.
    assert_eq!(counts.get("POST", &one_integration()), 3, "{counts:?}");
    assert_eq!(counts.get("PUT", &one_integration()), 2, "{counts:?}");
    assert_eq!(counts.get("DELETE", &one_integration()), 1);
    assert_eq!(counts.writes(), 6);
    assert_snapshot!(stable(&applied, &sim));

    sim.reset_counters();
    let again = loop_run(&sim, &["plan", "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    let second = loop_run(&sim, &["apply", "--auto-approve"]);
    assert_eq!(second.code, 0);
    crate::common::assert_contains(&second.stdout, "Nothing to apply");
    // search-prod is observed and still differs: Atlas does not match.
    crate::common::assert_contains(&second.stdout, "Nothing to apply: the differences above are report-only");
    assert_eq!(sim.counters().writes(), 0);

    // The observe project still differs: drift reports it, apply never fixes it.
    let drift = loop_run(&sim, &["drift"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("search-prod"));
    assert!(drift.stdout.contains(
        "= payments-prod (65f1a2b3c4d5e6f7a8b9c0d1) · authoritative: 2 integrations unchanged"
    ));
    assert_eq!(
        sim.snapshot().stored(SANDBOX, "WEBHOOK", "secret"),
        Some("sandbox-hook-secret-value-91ab")
    );
}

#[test]
fn drift_exits_2_until_applied() {
    let (sim, _drift) = loop_started(&["drift"], 2);
    assert_eq!(sim.counters().writes(), 0);
}

#[test]
fn saved_plan_is_applied_exactly_or_refused_when_stale() {
    let sim = loop_sim();
    let work = planned_copy(&sim);
    let saved = std::fs::read_to_string(work.path().join("plan.json")).expect("saved");
    assert_no_secret(&saved, ENV);

    // A secret that changed since the plan: refused, naming it.
    let mut other_key: Vec<(&str, &str)> = ENV.to_vec();
    other_key[1] = ("DD_KEY", "ffffffffffffffffffffffffffffffff");
    let refused = run_in(
        work.path(),
        &sim,
        &["apply", "plan.json", "--auto-approve"],
        &other_key,
    );
    crate::common::assert_exit_saying(&refused, 4, &["the secret `apiKey` of `DATADOG` in payments-prod"]);
    assert_eq!(sim.counters().writes(), 0);

    // Atlas changed by hand since the plan: refused, naming it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::blocking::Client::new();
    let by_hand = http
        .put(format!(
            "{}/api/atlas/v1.0/groups/{PROD}/integrations/WEBHOOK",
            sim.base_url()
        ))
        .header("Content-Type", "application/json")
        .body(r#"{"type":"WEBHOOK","url":"https://changed.example.com/by-hand-0001"}"#)
        .send()
        .expect("PUT by hand");
    assert_eq!(by_hand.status(), 200);
    sim.reset_counters();
    let stale = loop_run_in(work.path(), &sim, &["apply", "plan.json", "--auto-approve"]);
    crate::common::assert_exit_saying(&stale, 4, &["`WEBHOOK` in payments-prod (65f1a2b3c4d5e6f7a8b9c0d1) changed in Atlas since the plan was made"]);
    assert_eq!(sim.counters().writes(), 0);

    // A fresh plan applies exactly.
    let fresh = loop_run_in(work.path(), &sim, &["plan", "--out", "plan.json"]);
    assert_eq!(fresh.code, 0);
    sim.reset_counters();
    let applied = loop_run_in(work.path(), &sim, &["apply", "plan.json", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(sim.counters().writes(), 6);
}

#[test]
fn safety_gates_refuse_with_exit_4_and_write_nothing() {
    let (sim, too_many) = loop_started(&["apply", "--auto-approve", "--max-deletes", "0"], 4);
    assert!(
        too_many.stdout.starts_with("Plan:"),
        "the full plan is shown first"
    );
    crate::common::assert_contains(&too_many.stderr, "more than `--max-deletes` allows (0)");

    let work = crate::common::folder_with("version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    name: payments-prod\n    mode: authoritative\n");
    let last_paging = loop_run_in(work.path(), &sim, &["apply", "--auto-approve", "--max-deletes", "10"]);
    crate::common::assert_refused(&last_paging, &sim, "last paging integration");

    let forced = loop_run_in(work.path(), &sim, &["apply", "--auto-approve", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.transcript());
    assert_eq!(sim.counters().get("DELETE", &one_integration()), 3);
}

#[test]
fn apply_without_a_terminal_needs_auto_approve() {
    let (sim, run) = loop_started(&["apply"], 1);
    assert!(run.stderr.contains("`--auto-approve`"));
    assert_eq!(sim.counters().writes(), 0);
}

#[cfg(unix)]
#[test]
fn apply_at_a_terminal_asks_and_writes_only_after_yes() {
    use crate::common::tether_at_a_terminal;

    let sim = loop_sim();
    let base = sim.base_url();
    let args = with_api(&[
        "--color",
        "never",
        "apply",
        "--no-progress",
        "--base-url",
        &base,
    ]);
    // "no", anything but `yes`, and Ctrl-D (end of input) all cancel.
    for answer in ["no\n", "y\n", "\u{4}"] {
        let run = tether_at_a_terminal(&dir(), &args, ENV, answer);
        assert_no_secret(&run.all_output(), ENV);
        assert_eq!(run.code, 1, "{answer:?}: {}", run.transcript());
        assert!(
            run.stdout.contains("Plan: "),
            "the plan is shown: {}",
            run.stdout
        );
        crate::common::assert_contains(&run.stderr, "Apply these 6 change(s) to Atlas? Only `yes` is accepted:");
        assert!(run.stderr.contains("Apply cancelled; nothing was written."));
        assert_eq!(sim.counters().writes(), 0, "{answer:?}");
    }
    let run = tether_at_a_terminal(&dir(), &args, ENV, "yes\n");
    assert_no_secret(&run.all_output(), ENV);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(sim.counters().writes(), 6);
}

#[test]
fn projects_atlas_does_not_know_fail_alone_and_apply_writes_nothing() {
    let sim = loop_sim();
    let work = tempfile::tempdir().expect("tempdir");
    let mut text = std::fs::read_to_string(dir().join("tether.yaml")).expect("fixture");
    text.push_str("\n  - name: no-such-project\n\n  - id: 65f1a2b3c4d5e6f7a8b9c0ff\n");
    std::fs::write(work.path().join("tether.yaml"), text).expect("write");

    let plan = loop_run_in(work.path(), &sim, &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    crate::common::assert_contains(&plan.stdout, "2 projects failed");
    assert_snapshot!(stable(&plan, &sim));

    let apply = loop_run_in(work.path(), &sim, &["apply", "--auto-approve"]);
    crate::common::assert_exit_saying(&apply, 1, &["nothing was written"]);
    assert_eq!(sim.counters().writes(), 0);
}

#[test]
fn a_broken_project_fails_alone_and_a_rerun_finishes() {
    let sim = broken_loop_sim();
    let partial = loop_run(&sim, &["apply", "--retries", "1", "--auto-approve"]);
    assert_eq!(partial.code, 3, "{}", partial.transcript());
    crate::common::assert_contains(&partial.stdout, "Apply: 4 done, 2 failed, 0 not started");
    let json = loop_run(&sim, &[
            "apply",
            "--retries",
            "0",
            "--auto-approve",
            "--output",
            "json",
        ]);
    assert_eq!(json.code, 3);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
    assert_eq!(report["summary"]["failed"], 2);
    assert_eq!(
        report["summary"]["done"], 0,
        "the rest was done by the first run"
    );
}

#[test]
fn rerun_after_the_fault_clears_converges() {
    let broken = broken_loop_sim();
    let partial = loop_run(&broken, &["apply", "--retries", "0", "--auto-approve"]);
    assert_eq!(partial.code, 3);
    let state = broken.snapshot();
    drop(broken);
    let healed = crate::common::Sim::builder().state(state).start();
    let rerun = loop_run(&healed, &["apply", "--auto-approve"]);
    assert_eq!(rerun.code, 0, "{}", rerun.transcript());
    assert_eq!(healed.counters().writes(), 2, "only what was left");
    let check = loop_run(&healed, &["plan", "--detailed-exitcode"]);
    assert_eq!(check.code, 0, "{}", check.transcript());
}

#[test]
fn a_project_that_cannot_be_fetched_fails_alone() {
    let sim = loop_sim();
    let work = crate::common::folder_with("version: 1\nprojects:\n  - name: payments-prod\n  - name: no-such-project\n");
    let run = loop_run_in(work.path(), &sim, &["plan"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stdout.contains("no-such-project"));
    crate::common::assert_contains(&run.stdout, "payments-prod (65f1a2b3c4d5e6f7a8b9c0d1)");
}

#[test]
fn ctrl_c_stops_new_writes_reports_and_exits_130() {
    use std::time::Duration;

    let sim = Sim::builder().state_fixture("loop/state.yaml").faults(Faults {
        latency: Duration::from_millis(250),
        ..Faults::default()
    }).start();
    // The plan is printed once fetching is done; writes start right after.
    let run = crate::common::signalled(
        (&dir(), &sim, ENV),
        &with_api(&[
            "apply",
            "--no-progress",
            "--concurrency",
            "1",
            "--auto-approve",
        ]),
        ("Plan:", Duration::from_millis(400), "-INT"),
        || {},
    );
    let rest = run.stdout;
    assert_eq!(run.code, Some(130), "{rest}");
    let summary = rest
        .lines()
        .find(|l| l.starts_with("Apply: "))
        .unwrap_or_else(|| panic!("no summary in {rest}"));
    assert!(summary.ends_with("; interrupted"), "{summary}");
    crate::common::assert_contains(&rest, "not started (interrupted)");
    let done = rest.lines().filter(|l| l.ends_with(": done")).count() as u64;
    assert_eq!(
        sim.counters().writes(),
        done,
        "every write sent is reported done"
    );
    assert_no_secret(&rest, ENV);
}

#[test]
fn a_type_filter_that_matches_nothing_is_an_error() {
    let sim = loop_sim();
    let run = loop_run(&sim, &["plan", "--type", "PAGERDUTY"]);
    crate::common::assert_exit_saying(&run, 1, &["`--type PAGERDUTY` matches no integration type"]);
    assert!(run.stderr.contains("PAGER_DUTY, SLACK"));
    assert_eq!(sim.counters().total(), 0);
}

#[test]
fn filters_limit_what_is_read_and_planned() {
    let (sim, run) = loop_started(&["plan", "--project", "payments-*", "--type", "DATADOG"], 0);
    crate::common::assert_starts_with(&run.stdout, "Plan: 0 to create, 1 to update, 0 to delete");
    assert!(
        !run.stdout.contains("WEBHOOK"),
        "types outside --type are left alone"
    );
    assert!(!run.stdout.contains("sandbox"));
    assert_eq!(sim.counters().get("GET", &integrations()), 2);
}

#[test]
fn a_partly_failed_saved_plan_resumes_then_applies_as_nothing() {
    let broken = broken_loop_sim();
    let work = planned_copy(&broken);
    let apply = ["apply", "plan.json", "--auto-approve", "--retries", "0"];
    let partial = loop_run_in(work.path(), &broken, &apply);
    assert_eq!(partial.code, 3, "{}", partial.transcript());
    let state = broken.snapshot();
    drop(broken);
    let healed = crate::common::Sim::builder().state(state).start();
    let rerun = loop_run_in(work.path(), &healed, &apply);
    assert_eq!(rerun.code, 0, "{}", rerun.transcript());
    assert_eq!(healed.counters().writes(), 2, "only what was left");
    crate::common::assert_contains(&rerun.stdout, "; 4 already applied");
    healed.reset_counters();
    let third = loop_run_in(work.path(), &healed, &apply);
    assert_eq!(third.code, 0, "{}", third.transcript());
    assert_eq!(healed.counters().writes(), 0);
    assert_no_secret(&third.all_output(), ENV);
}
