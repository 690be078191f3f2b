//! What the pull request shows is what the merge does (issue 25, case 1): a
//! plan that apply would refuse says so in every output (the text at its
//! top, the markdown before the details, the JSON in `refusals`, a saved
//! plan's `show`), names the flag that passes, and with
//! `--detailed-exitcode` exits 4, the code the merge's apply would exit
//! with, so the pull request's check turns red.

use serde_json::Value;
use tether::sim::StateFile;

use crate::common::{Run, Sim, tether_against};

const PROJECT: &str = "65f1a2b3c4d5e6f7a8b9c0d1";
const PD_KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f10022";

/// A project with PagerDuty and five other integrations; the file keeps
/// only PagerDuty, so the plan deletes five.
fn state() -> StateFile {
    StateFile::parse(&format!(
        "projects:
  - id: {PROJECT}
    name: payments-prod
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {{serviceKey: {PD_KEY}, region: US}}
      DATADOG: {{apiKey: 3b8d9e2f1a4c5b6d7e8f9a0b1c2da1b2, region: EU}}
      WEBHOOK: {{url: \"https://alerts.example.com/hooks/atlas/7c1e2101\"}}
      MICROSOFT_TEAMS: {{microsoftTeamsWebhookUrl: \"https://acme.example.com/teams/77c3\"}}
      VICTOR_OPS: {{apiKey: 5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d, routingKey: oncall}}
      PROMETHEUS: {{username: prom, password: prompass, serviceDiscovery: http, enabled: true}}
"
    ))
    .expect("the state parses")
}

fn work() -> tempfile::TempDir {
    crate::common::folder_with(&crate::common::pager_duty_file(PROJECT))
}

fn run(dir: &std::path::Path, sim: &tether::sim::SimHandle, args: &[&str]) -> Run {
    let run = tether_against(dir, sim, args, &[("PD_KEY", PD_KEY)]);
    assert!(!run.all_output().contains(PD_KEY), "{}", run.transcript());
    run
}

const HEADLINE: &str = "the plan deletes 5 integrations, more than `--max-deletes` allows (2)";

#[test]
fn a_plan_apply_would_refuse_says_so_in_every_output_and_exits_4_for_ci() {
    let sim = Sim::builder().state(state()).start();
    let dir = work();
    let tether = |args: &[&str]| run(dir.path(), &sim, args);
    let plan = |max_deletes: &str, more: &[&str]| {
        tether(&[&["plan", "--max-deletes", max_deletes][..], more].concat())
    };

    let text = plan("2", &[]);
    assert_eq!(
        text.code,
        0,
        "without --detailed-exitcode, a plan is a plan: {}",
        text.transcript()
    );
    let top = text
        .stdout
        .split(&format!("\n{PROJECT}"))
        .next()
        .expect("the top");
    // The refusal stands at the top of the text plan.
    for part in [
        "tether apply would refuse this plan (exit 4, nothing written):",
        HEADLINE,
        "passes with: --max-deletes 5 or --force",
    ] {
        crate::common::assert_contains(top, part);
    }

    let markdown = plan("2", &["--output", "markdown", "--detailed-exitcode"]);
    assert_eq!(markdown.code, 4, "{}", markdown.transcript());
    let before_details = markdown.stdout.split("<details>").next().expect("the top");
    // And before the details of the markdown plan.
    for part in [
        "> [!CAUTION]",
        HEADLINE,
        "Passes with `--max-deletes 5` or `--force`.",
    ] {
        crate::common::assert_contains(before_details, part);
    }
    assert!(
        markdown.stdout.contains("DATADOG will be deleted"),
        "the refusal does not hide the plan:\n{}",
        markdown.stdout
    );

    let json = plan("2", &["--output", "json", "--out", "plan.json"]);
    let document = crate::common::json_output(&json, 0);
    assert_eq!(
        document["refusals"],
        serde_json::json!([{
            "message": HEADLINE,
            "hint": "check that the file is the one you meant; raise `--max-deletes` (to 5, or \
                     `safety.max_deletes` in the file), or pass `--force`, when the deletes are \
                     intended",
            "passed_by": ["--max-deletes 5", "--force"],
            "refusal": {"gate": "too_many_deletes", "deletes": 5, "max": 2},
        }])
    );

    let shown = tether(&["show", "plan.json"]);
    assert_eq!(shown.code, 0, "{}", shown.transcript());
    crate::common::assert_contains(&shown.stdout, HEADLINE);

    let merge = tether(&["apply", "--max-deletes", "2", "--auto-approve"]);
    assert_eq!(merge.code, 4, "the merge does what the plan said");
    assert_eq!(sim.counters().writes(), 0);

    let allowed = plan("5", &["--output", "json", "--detailed-exitcode"]);
    let document = crate::common::json_output(&allowed, 2);
    assert_eq!(document["refusals"], serde_json::json!([]));
}

/// `plan --output json --out plan.json` prints only the JSON on stdout (the
/// "Saved the plan" line is talk, on stderr): a script can parse it, and a
/// markdown plan posted as a comment holds only the plan.
#[test]
fn a_saved_json_or_markdown_plan_keeps_stdout_to_the_plan() {
    let sim = Sim::builder().state(state()).start();
    let dir = work();
    let tether = |args: &[&str]| run(dir.path(), &sim, args);
    let json = tether(&["plan", "--output", "json", "--out", "plan.json"]);
    assert_eq!(json.code, 0, "{}", json.transcript());
    serde_json::from_str::<Value>(&json.stdout).expect("stdout is one JSON document");
    crate::common::assert_contains(&json.stderr, "Saved the plan to plan.json");
    let markdown = tether(&["plan", "--output", "markdown", "--out", "plan.json"]);
    crate::common::assert_lacks(&markdown.stdout, "Saved the plan");
}
