//! The share gates weigh only what apply may write: integrations that an
//! `observe` entry looks at do not dilute a fleet-wide update.

use crate::common::{ORG, Sim, assert_refused, tether_against};

const WATCHED_ORG: &str = "6600000000000000000000bb";
const PD_KEY: &str = "gate-weights-pd-key-000000000001";

/// `count` projects of `org`, ids from `first`, each with one integration.
fn projects(org: &str, first: u32, count: u32, integration: &str) -> String {
    (first..first + count)
        .map(|n| {
            format!(
                "  - id: 65f1a2b3c4d5e6f7a8b9{n:04x}\n    name: p{n}\n    orgId: {org}\n    \
                 integrations:\n      {integration}\n"
            )
        })
        .collect()
}

#[test]
fn observed_integrations_do_not_dilute_the_update_share() {
    let state = format!(
        "projects:\n{}{}",
        projects(
            ORG,
            1,
            10,
            "PAGER_DUTY: {serviceKey: gate-weights-old-key-0000000000000}"
        ),
        projects(
            WATCHED_ORG,
            100,
            30,
            "PAGER_DUTY: {serviceKey: gate-weights-pd-key-000000000001}"
        ),
    );
    let sim = Sim::builder().state_yaml(&state).start();
    let work = crate::common::folder_with(&format!(
        "version: 1
defaults:
  integrations:
    PAGER_DUTY:
      serviceKey: ${{PD_KEY}}
projects:
  - select:
      org: {ORG}
  - select:
      org: {WATCHED_ORG}
    mode: observe
"
    ));
    let env = [("PD_KEY", PD_KEY)];
    let tether = |args: &[&str]| tether_against(work.path(), &sim, args, &env);
    let planned = tether(&["plan"]);
    crate::common::assert_contains(&planned.stdout, "10 to update");
    sim.reset_counters();
    let refused = tether(&["apply", "--auto-approve", "--no-progress"]);
    assert_refused(
        &refused,
        &sim,
        "the plan updates 10 of 10 managed integrations (100%), more than \
         `--max-update-percent` allows (30%)",
    );
    assert!(!refused.all_output().contains(PD_KEY));
}
