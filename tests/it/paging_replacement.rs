//! Replacing a project's only paging integration by another: the
//! replacement is created first, and what it replaces is deleted only once
//! it exists. A refused create leaves the old pager in place.

use tether::sim::{Faults, SimHandle, StateFile};

use crate::common::{Run, Sim, tether_against};

const GROUP: &str = "65f1a2b3c4d5e6f7a8b9c0d7";
const OG_KEY: &str = "5a6b7c8d-9e0f-4a1b-8c2d-replaced4f5a6b";
const VO_KEY: &str = "replacement-victorops-key-0001";
const PD_KEY: &str = "replacement-pagerduty-key-00000002";

/// Atlas has OPS_GENIE only; the writes of `refused_types` are refused.
fn opsgenie_only(refused_types: &[&str]) -> SimHandle {
    let state = StateFile::parse(&format!(
        "projects:
  - id: {GROUP}
    name: paging
    orgId: 6600000000000000000000aa
    integrations:
      OPS_GENIE: {{apiKey: {OG_KEY}, region: US}}
"
    ))
    .expect("state parses");
    Sim::builder()
        .state(state)
        .faults(Faults {
            refused_types: refused_types.iter().map(ToString::to_string).collect(),
            ..Faults::default()
        })
        .start()
}

/// The file declares `replacement` and no longer OPS_GENIE.
fn replaced_by(replacement: &str) -> tempfile::TempDir {
    let declared = match replacement {
        "VICTOR_OPS" => "VICTOR_OPS:\n        apiKey: ${VO_KEY}\n        routingKey: pager",
        _ => "PAGER_DUTY:\n        serviceKey: ${PD_KEY}",
    };
    crate::common::folder_with(&format!(
        "version: 1\nprojects:\n  - id: {GROUP}\n    name: paging\n    integrations:\n      \
         {declared}\n"
    ))
}

fn apply(sim: &SimHandle, work: &tempfile::TempDir, output: &str) -> Run {
    let run = tether_against(
        work.path(),
        sim,
        &[
            "-v",
            "apply",
            "--auto-approve",
            "--no-progress",
            "--retries",
            "0",
            "--output",
            output,
        ],
        &[("VO_KEY", VO_KEY), ("PD_KEY", PD_KEY)],
    );
    for secret in [OG_KEY, VO_KEY, PD_KEY] {
        assert!(
            !run.all_output().contains(secret),
            "{secret}: {}",
            run.transcript()
        );
    }
    run
}

/// The writes tether sent, in order, as its request log (`-v`) shows them:
/// `POST VICTOR_OPS`, `DELETE OPS_GENIE`.
fn writes(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter_map(|line| {
            let request = line.strip_prefix("atlas: ")?;
            let (method, path) = request.split_once(' ')?;
            let kind = path.split_once("/integrations/")?.1.split(' ').next()?;
            matches!(method, "POST" | "PUT" | "DELETE").then(|| format!("{method} {kind}"))
        })
        .collect()
}

fn pager_types(sim: &SimHandle) -> Vec<String> {
    let state = sim.snapshot();
    let project = state
        .projects
        .iter()
        .find(|p| p.id == GROUP)
        .expect("the project");
    project.integrations.keys().cloned().collect()
}

#[test]
fn a_refused_replacement_leaves_the_old_pager_and_its_delete_not_started() {
    for replacement in ["VICTOR_OPS", "PAGER_DUTY"] {
        let sim = opsgenie_only(&[replacement]);
        let work = replaced_by(replacement);
        let run = apply(&sim, &work, "text");
        assert_eq!(run.code, 3, "{replacement}: {}", run.transcript());
        assert_eq!(
            writes(&run),
            [format!("POST {replacement}")],
            "{replacement}: no DELETE after the refused create: {}",
            run.stderr
        );
        let counts = sim.counters();
        assert_eq!(counts.writes(), 1, "{replacement}: {counts:?}");
        assert_eq!(pager_types(&sim), ["OPS_GENIE"], "{replacement}");
        assert!(
            run.stdout.contains(&format!(
                "- delete OPS_GENIE in paging ({GROUP}): not started: it is the project's last \
                 paging integration, and its replacement (`{replacement}`) was not created"
            )),
            "{replacement}: {}",
            run.stdout
        );
        crate::common::assert_contains(&run.stdout, "Apply: 0 done, 1 failed, 1 not started");

        let sim = opsgenie_only(&[replacement]);
        let run = apply(&sim, &work, "json");
        assert_eq!(run.code, 3, "{replacement}: {}", run.transcript());
        let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        let delete = report["operations"]
            .as_array()
            .expect("operations")
            .iter()
            .find(|op| op["action"] == "delete")
            .expect("the delete is reported");
        assert_eq!(delete["type"], "OPS_GENIE");
        assert_eq!(delete["result"], "not_started", "{delete}");
        assert!(
            delete["detail"]
                .as_str()
                .is_some_and(|d| d.contains(&format!("replacement (`{replacement}`)"))),
            "{delete}"
        );
        assert_eq!(report["summary"]["not_started"], 1, "{report}");
        assert_eq!(sim.counters().writes(), 1);
        assert_eq!(pager_types(&sim), ["OPS_GENIE"]);
    }
}

#[test]
fn a_replacement_is_created_before_what_it_replaces_is_deleted() {
    for replacement in ["VICTOR_OPS", "PAGER_DUTY"] {
        let sim = opsgenie_only(&[]);
        let work = replaced_by(replacement);
        let run = apply(&sim, &work, "text");
        assert_eq!(run.code, 0, "{replacement}: {}", run.transcript());
        assert_eq!(
            writes(&run),
            [format!("POST {replacement}"), "DELETE OPS_GENIE".to_owned()],
            "{}",
            run.stderr
        );
        assert_eq!(pager_types(&sim), [replacement]);
    }
}
