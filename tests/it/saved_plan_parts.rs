//! A saved plan shows what it applies: a file whose shown plan was edited
//! apart from its operations is refused by `show` and `apply`, and nothing
//! is written.

use serde_json::Value;

use crate::common::{Run, Sim, tether_against};

const GROUP: &str = "65f1a2b3c4d5e6f7a8b9c0d8";
const PD_KEY: &str = "saved-parts-pd-key-0000000000001";

fn run(work: &tempfile::TempDir, sim: &tether::sim::SimHandle, args: &[&str]) -> Run {
    let run = tether_against(work.path(), sim, args, &[("PD_KEY", PD_KEY)]);
    assert!(!run.all_output().contains(PD_KEY), "{}", run.transcript());
    run
}

/// Saves a plan that deletes DATADOG, edits it with `edit`, and checks
/// that `show` and `apply` refuse it and nothing is written.
fn assert_edit_refused(edit: impl Fn(&mut Value), why: &str) {
    let sim = Sim::builder()
        .state_yaml(&format!(
            "projects:
  - id: {GROUP}
    name: parts
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {{serviceKey: {PD_KEY}}}
      DATADOG: {{apiKey: 0123456789abcdef0123456789abcdef}}
"
        ))
        .start();
    let work = crate::common::folder_with(&format!(
        "version: 1\nprojects:\n  - id: {GROUP}\n    name: parts\n    integrations:\n      \
             PAGER_DUTY:\n        serviceKey: ${{PD_KEY}}\n"
    ));
    let planned = run(&work, &sim, &["plan", "--out", "plan.json"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    let path = work.path().join("plan.json");
    let mut saved: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    edit(&mut saved);
    std::fs::write(&path, serde_json::to_string_pretty(&saved).expect("json")).expect("write");
    for args in [
        vec!["show", "plan.json"],
        vec!["show", "plan.json", "--output", "json"],
        vec!["apply", "plan.json", "--auto-approve"],
    ] {
        let refused = run(&work, &sim, &args);
        assert_eq!(refused.code, 1, "{args:?}: {}", refused.transcript());
        assert!(
            refused
                .stderr
                .contains("`plan.json` was changed after `tether plan --out` wrote it: ")
                && refused.stderr.contains(why),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(
            !refused.stdout.contains("No changes"),
            "{args:?}: {}",
            refused.stdout
        );
    }
    assert_eq!(sim.counters().writes(), 0);
    assert!(
        sim.snapshot().projects[0]
            .integrations
            .contains_key("DATADOG"),
        "DATADOG stays"
    );
}

/// The delete hidden from the shown plan: it read "No changes", then
/// deleted.
#[test]
fn a_saved_plan_that_hides_its_delete_is_refused() {
    assert_edit_refused(
        |saved| {
            let plan = &mut saved["plan"];
            plan["has_changes"] = Value::Bool(false);
            plan["summary"]["delete"] = 0.into();
            plan["summary"]["unchanged"] = 2.into();
            let project = &mut plan["projects"][0];
            project["deletes"] = 0.into();
            for item in project["items"].as_array_mut().expect("items") {
                if item["action"] == "delete" {
                    item["action"] = "unchanged".into();
                    item["applies"] = false.into();
                    item["delete_reason"] = Value::Null;
                    item["fields"] = Value::Array(Vec::new());
                }
            }
        },
        &format!("it applies, but does not show, `delete DATADOG in parts ({GROUP}) [{GROUP}]`"),
    );
}

#[test]
fn a_saved_plan_whose_counts_were_edited_is_refused() {
    assert_edit_refused(
        |saved| {
            saved["plan"]["summary"]["delete"] = 0.into();
        },
        "its counts or flags do not follow from its items",
    );
}

#[test]
fn a_saved_plan_that_shows_a_write_it_does_not_hold_is_refused() {
    assert_edit_refused(
        |saved| {
            let operations = saved["operations"].as_array_mut().expect("operations");
            operations.clear();
        },
        &format!("it shows, but does not apply, `delete DATADOG in parts ({GROUP}) [{GROUP}]`"),
    );
}
