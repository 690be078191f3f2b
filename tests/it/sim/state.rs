//! The state file: loading, snapshots with real secrets, write-back.

use serde_json::json;
use tether::sim::StateFile;

use super::helpers::*;
use crate::common::Sim;

#[test]
fn the_example_state_loads_with_every_project() {
    let state = example_state();
    assert_eq!(state.projects.len(), 4);
    assert_eq!(state.api_keys.len(), 2);
    assert_eq!(state.service_accounts.len(), 1);
}

#[test]
fn snapshot_and_write_back_keep_real_secrets_and_round_trip() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("state.yaml");
    let sim = example().write_back(path.clone()).start();
    let mut client = Client::new(&sim);
    client.put(
        &v1(&format!("/groups/{SANDBOX}/integrations/PAGER_DUTY")),
        &json!({"type": "PAGER_DUTY", "serviceKey": "0000111122223333"}),
    );
    let snapshot = sim.snapshot();
    let before = client.integrations_v1(SANDBOX);
    sim.shutdown().expect("state written back");

    let saved = StateFile::load(&path).expect("the written state loads");
    assert_eq!(saved, snapshot);
    assert_eq!(
        saved.stored(SANDBOX, "PAGER_DUTY", "serviceKey"),
        Some("0000111122223333")
    );
    // Restarted from the written state, the simulator answers the same.
    let sim = Sim::builder().state(saved).start();
    let after = Client::new(&sim)
        .get(&v1(&format!("/groups/{SANDBOX}/integrations")))
        .json();
    assert_eq!(
        after["results"], before["results"],
        "same ids and masked values after a restart"
    );
}

#[test]
fn a_bad_state_is_refused_with_a_clear_message() {
    let bad = [
        (
            "projects:\n- {id: 123, name: a, orgId: 6600000000000000000000aa}\n",
            "is not an Atlas id",
        ),
        (
            "projects:\n- id: 65f1a2b3c4d5e6f7a8b9c0d1\n  name: a\n  orgId: 6600000000000000000000aa\n  integrations:\n    DATADOG_LOGS: {apiKey: x}\n",
            "unknown integration type `DATADOG_LOGS`",
        ),
        (
            "projects:\n- id: 65f1a2b3c4d5e6f7a8b9c0d1\n  name: a\n  orgId: 6600000000000000000000aa\n  integrations:\n    PAGER_DUTY: {serviceKey: x, colour: red}\n",
            "PAGER_DUTY has no field `colour`",
        ),
    ];
    for (text, message) in bad {
        let state = StateFile::parse(text).expect("parses");
        let error = Sim::builder().state(state).spawn().expect_err("refused");
        assert!(error.to_string().contains(message), "{error}");
    }
    assert!(StateFile::parse("projects: [{id: x}]\nextra: 1\n").is_err());
}

#[test]
fn debug_output_never_shows_secrets() {
    let state = example_state();
    let debug = format!("{state:?}");
    assert!(!debug.contains("9f3c2a7e5b1d4c8fa0e6b2d4c8f10022"));
    assert!(!debug.contains(OWNER.1));
    assert!(!debug.contains(SA.1));
    let sim = guarded();
    let debug = format!("{sim:?}");
    crate::common::assert_lacks(&debug, "9f3c2a7e5b1d4c8fa0e6b2d4c8f10022");
    assert!(!debug.contains(OWNER.1));
}
