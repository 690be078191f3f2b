//! Beyond the anchors: who changed an integration (drift attribution, from
//! the project's events) and what a delete silences (alert references),
//! against the simulator, with its counters as the judge of the calls. The
//! runs pass `--api v2` (or `--api v1` where the point is that events still
//! go through v2), so they do not depend on the default.

use std::path::Path;

use serde_json::{Value, json};
use tether::sim::{AlertConfig, ApiKey, Faults, Role, Scalar, SimHandle, StateFile};

use crate::common::{Run, Sim, SimBuilder, assert_refused, tether_against};

const PROJECT: &str = "65f1a2b3c4d5e6f7a8b9c0e1";
const PD_KEY: &str = "attribution-pd-key-0000000000c0de";
const HOOK_URL: &str = "https://hooks.example.com/attribution/secret-path-0042";
/// A credential of an alert's own notification: never shown by anything.
const ALERT_SERVICE_KEY: &str = "alert-notification-own-key-5e5e";
const KEY: (&str, &str) = ("attrkey1", "11111111-2222-4333-8444-555555555555");
const EVENTS: &str = "/api/atlas/v2/groups/{groupId}/events";
const ALERTS: &str = "/api/atlas/v2/groups/{groupId}/alertConfigs";
const INTEGRATIONS_V2: &str = "/api/atlas/v2/groups/{groupId}/integrations";
const DELETE_V2: &str = "/api/atlas/v2/groups/{groupId}/integrations/{integrationType}";

/// Alerts of the project: one enabled and one disabled through its webhook
/// (one named by Atlas's `integrationId`, one by type alone), one PagerDuty
/// notification with a key of its own, one e-mail.
const ALERT_CONFIGS: &str = "
    alertConfigs:
      - id: 6620000000000000000000a1
        eventTypeName: OUTSIDE_METRIC_THRESHOLD
        enabled: true
        notifications:
          - {typeName: WEBHOOK, delayMin: 0}
      - id: 6620000000000000000000a2
        eventTypeName: HOST_DOWN
        enabled: false
        notifications:
          - {typeName: WEBHOOK, integrationId: 6610a1b2c3d4e5f6a7b8c9e2}
      - id: 6620000000000000000000a3
        eventTypeName: REPLICATION_OPLOG_WINDOW_RUNNING_OUT
        enabled: true
        notifications:
          - {typeName: PAGER_DUTY, serviceKey: alert-notification-own-key-5e5e}
      - id: 6620000000000000000000a4
        eventTypeName: CLUSTER_MONGOS_IS_MISSING
        enabled: true
        notifications:
          - {typeName: EMAIL, emailAddress: oncall@example.com}
";

/// The project with PagerDuty and the webhook, as a state file's text.
fn state_text() -> String {
    format!(
        "projects:
  - id: {PROJECT}
    name: checkout
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {{id: 6610a1b2c3d4e5f6a7b8c9e1, serviceKey: {PD_KEY}}}
      WEBHOOK: {{id: 6610a1b2c3d4e5f6a7b8c9e2, url: \"{HOOK_URL}\"}}
"
    )
}

fn state(alerts: bool) -> StateFile {
    let mut text = state_text();
    if alerts {
        text.push_str(ALERT_CONFIGS.trim_start_matches('\n'));
    }
    StateFile::parse(&text).expect("the state parses")
}

/// A simulator that requires the API key.
fn requiring_the_key() -> SimBuilder {
    Sim::builder().auth_required().api_key(ApiKey {
        public_key: KEY.0.to_owned(),
        private_key: KEY.1.to_owned(),
        role: Role::Owner,
    })
}

/// A directory with `tether.yaml` declaring PAGER_DUTY, and the webhook
/// when `with_webhook` (else the plan deletes it).
fn file(with_webhook: bool) -> tempfile::TempDir {
    let mut text = format!(
        "version: 1\nprojects:\n  - id: {PROJECT}\n    name: checkout\n    integrations:\n      \
         PAGER_DUTY:\n        serviceKey: ${{PD_KEY}}\n"
    );
    if with_webhook {
        text.push_str("      WEBHOOK:\n        url: ${HOOK_URL}\n");
    }
    crate::common::folder_with(&text)
}

fn run(dir: &Path, sim: &SimHandle, args: &[&str]) -> Run {
    let env = [
        ("PD_KEY", PD_KEY),
        ("HOOK_URL", HOOK_URL),
        ("MONGODB_ATLAS_PUBLIC_API_KEY", KEY.0),
        ("MONGODB_ATLAS_PRIVATE_API_KEY", KEY.1),
    ];
    let run = tether_against(dir, sim, args, &env);
    let all = run.all_output();
    for secret in [PD_KEY, HOOK_URL, ALERT_SERVICE_KEY, KEY.1, "secret-path"] {
        assert!(!all.contains(secret), "a secret was printed:\n{all}");
    }
    run
}

/// Dana changes the webhook's URL in the UI.
fn dana_changes_the_webhook(sim: &SimHandle) {
    sim.change_as_user(
        PROJECT,
        "WEBHOOK",
        &hook("https://hooks.example.com/dana-0001"),
        "dana@example.com",
    )
    .expect("a UI change");
}

fn hook(url: &str) -> Value {
    json!({"type": "WEBHOOK", "url": url})
}

#[test]
fn drift_names_the_person_who_changed_an_integration_in_the_ui() {
    let sim = requiring_the_key().state(state(false)).start();
    let dir = file(true);
    let tether = |args: &[&str]| run(dir.path(), &sim, args);
    let in_sync = tether(&["drift", "--api", "v2"]);
    assert_eq!(in_sync.code, 0, "{}", in_sync.transcript());
    assert_eq!(
        sim.counters().get("GET", EVENTS),
        0,
        "in sync costs no call"
    );

    // Dana changes the webhook in the UI; tether puts it back (an API
    // write with the key); then Lee changes it again in the UI.
    dana_changes_the_webhook(&sim);
    let applied = tether(&["apply", "--api", "v2", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    sim.change_as_user(
        PROJECT,
        "WEBHOOK",
        &hook("https://hooks.example.com/lee-00002"),
        "lee@example.com",
    )
    .expect("a UI change");

    sim.reset_counters();
    let drift = tether(&["drift", "--api", "v2"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    let lines: Vec<&str> = drift
        .stdout
        .lines()
        .skip_while(|l| !l.contains("last integration changes in this project"))
        .take(4)
        .collect();
    assert_eq!(lines.len(), 4, "{}", drift.stdout);
    assert!(
        lines[0].contains("Atlas's events, last 30 days, newest first"),
        "{}",
        drift.stdout
    );
    assert!(
        lines[1]
            .contains("INTEGRATION_CONFIGURED by lee@example.com (Atlas UI user) from 127.0.0.1"),
        "{}",
        drift.stdout
    );
    assert!(
        lines[2].contains(&format!("INTEGRATION_CONFIGURED by API key {}", KEY.0)),
        "{}",
        drift.stdout
    );
    assert!(
        lines[3].contains("by dana@example.com (Atlas UI user)"),
        "{}",
        drift.stdout
    );
    let counts = sim.counters();
    assert_eq!(counts.get("GET", EVENTS), 1, "one events call: {counts:?}");
    assert_eq!(counts.writes(), 0);

    // JSON and markdown say the same.
    let json = tether(&["drift", "--api", "v2", "--output", "json"]);
    let document = crate::common::json_output(&json, 2);
    let attribution = &document["projects"][0]["attribution"];
    assert_eq!(attribution["window_days"], 30);
    assert_eq!(attribution["error"], Value::Null);
    assert_eq!(attribution["events"][0]["username"], "lee@example.com");
    assert_eq!(attribution["events"][0]["remote_address"], "127.0.0.1");
    assert_eq!(attribution["events"][1]["public_key"], KEY.0);
    assert_eq!(attribution["events"][1]["username"], Value::Null);
    let markdown = tether(&["drift", "--api", "v2", "--output", "markdown"]);
    crate::common::assert_contains(&markdown.stdout, "by lee@example.com (Atlas UI user)");

    // With `--api v1` the integrations are read through v1.0, the events
    // still through v2 (the simulator refuses v2 without its media type).
    sim.reset_counters();
    let v1 = tether(&["drift", "--api", "v1"]);
    assert_eq!(v1.code, 2, "{}", v1.transcript());
    crate::common::assert_contains(&v1.stdout, "by lee@example.com");
    let counts = sim.counters();
    assert_eq!(
        counts.get("GET", "/api/atlas/v1.0/groups/{groupId}/integrations"),
        1 + counts.status(401),
        "one GET-all (plus the Digest challenge): {counts:?}"
    );
    assert_eq!(counts.get("GET", EVENTS), 1, "{counts:?}");
    assert_eq!(counts.status(406), 0);

    // `plan` shows it too; `--no-attribution` skips the call.
    let plan = tether(&["plan", "--api", "v2"]);
    crate::common::assert_contains(&plan.stdout, "by lee@example.com");
    sim.reset_counters();
    for args in [
        &["drift", "--api", "v2", "--no-attribution"][..],
        &["plan", "--api", "v2", "--no-attribution"][..],
    ] {
        let quiet = tether(args);
        assert!(
            !quiet.stdout.contains("last integration changes"),
            "{args:?}: {}",
            quiet.stdout
        );
    }
    assert_eq!(sim.counters().get("GET", EVENTS), 0);
}

#[test]
fn events_that_cannot_be_read_are_a_note_not_a_failure() {
    let sim = requiring_the_key()
        .state(state(false))
        .faults(Faults {
            forbidden: vec!["groups/{groupId}/events".to_owned()],
            ..Faults::default()
        })
        .start();
    let dir = file(true);
    dana_changes_the_webhook(&sim);
    let tether = |args: &[&str]| run(dir.path(), &sim, args);
    let drift = tether(&["drift", "--api", "v2"]);
    assert_eq!(drift.code, 2, "drift, not an error: {}", drift.transcript());
    crate::common::assert_contains(
        &drift.stdout,
        "note: who changed this project's integrations (Atlas's events of the last 30 days) \
             is unknown: Atlas answered 403 Forbidden",
    );
    crate::common::assert_lacks(&drift.stderr, "error");
    assert_eq!(
        drift.stdout.lines().last(),
        Some("Drift: 1 difference in 1 project (exit 2)")
    );
    let json = tether(&[
        "plan",
        "--api",
        "v2",
        "--output",
        "json",
        "--detailed-exitcode",
    ]);
    let document = crate::common::json_output(&json, 2);
    let error = document["projects"][0]["attribution"]["error"]
        .as_str()
        .expect("the reason");
    crate::common::assert_contains(error, "403");
    assert_eq!(sim.counters().status(403), 2, "one refused call per run");
}

#[test]
fn deleting_an_integration_an_enabled_alert_uses_is_refused_then_allowed() {
    for pass in ["--allow-orphaned-alerts", "--force"] {
        let sim = requiring_the_key().state(state(true)).start();
        let dir = file(false);

        let tether = |args: &[&str]| run(dir.path(), &sim, args);
        let plan = tether(&["plan", "--api", "v2", "--no-attribution"]);
        assert_eq!(plan.code, 0, "{}", plan.transcript());
        for expected in [
            "! deleting WEBHOOK leaves 1 enabled alert configuration without this destination: \
             apply refuses it without `--allow-orphaned-alerts`",
            "- WEBHOOK will be deleted (not in the file)",
            "used by alert configuration 6620000000000000000000a1 (OUTSIDE_METRIC_THRESHOLD, enabled)",
            "used by alert configuration 6620000000000000000000a2 (HOST_DOWN, disabled)",
        ] {
            assert!(
                plan.stdout.contains(expected),
                "{expected}: {}",
                plan.stdout
            );
        }
        for other in ["6620000000000000000000a3", "6620000000000000000000a4"] {
            assert!(!plan.stdout.contains(other), "{other}: {}", plan.stdout);
        }
        assert!(
            plan.stderr
                .contains("warning: apply would refuse this plan")
                && plan.stderr.contains("`--allow-orphaned-alerts`"),
            "{}",
            plan.stderr
        );
        let counts = sim.counters();
        assert_eq!(counts.get("GET", ALERTS), 1, "one listing: {counts:?}");

        let json = tether(&["plan", "--api", "v2", "--output", "json"]);
        let document: Value = serde_json::from_str(&json.stdout).expect("JSON");
        let project = &document["projects"][0];
        assert_eq!(project["alerts_checked"], true);
        let webhook = crate::common::plan_item(project, "WEBHOOK");
        assert_eq!(
            webhook["alerts"],
            json!([
                {"id": "6620000000000000000000a1", "event_type": "OUTSIDE_METRIC_THRESHOLD", "enabled": true},
                {"id": "6620000000000000000000a2", "event_type": "HOST_DOWN", "enabled": false},
            ])
        );

        sim.reset_counters();
        let refused = tether(&["apply", "--api", "v2", "--auto-approve"]);
        assert_refused(&refused, &sim, "`--allow-orphaned-alerts`");
        crate::common::assert_contains(
            &refused.stderr,
            "the plan deletes integrations that enabled alerts notify through, leaving them \
                 without that destination: WEBHOOK in checkout (65f1a2b3c4d5e6f7a8b9c0e1): 1 \
                 enabled alert configuration (6620000000000000000000a1 OUTSIDE_METRIC_THRESHOLD)",
        );
        assert!(
            refused.stdout.contains("- WEBHOOK will be deleted"),
            "the full plan first: {}",
            refused.stdout
        );
        let counts = sim.counters();
        assert_eq!(counts.get("GET", ALERTS), 1, "{counts:?}");
        assert_eq!(counts.get("GET", EVENTS), 0, "apply does not attribute");

        let allowed = tether(&["apply", "--api", "v2", "--auto-approve", pass]);
        assert_eq!(allowed.code, 0, "{pass}: {}", allowed.transcript());
        assert_eq!(sim.counters().get("DELETE", DELETE_V2), 1);
        assert_eq!(sim.counters().writes(), 1);
    }
}

/// Atlas's type names are compared the way Atlas reads them, whatever
/// their case: an enabled alert whose notification says `webhook` still
/// stops the WEBHOOK's delete.
#[test]
fn an_alert_naming_the_type_in_lower_case_still_stops_its_delete() {
    let mut text = state_text();
    text.push_str(
        "    alertConfigs:
      - id: 6620000000000000000000b1
        eventTypeName: NO_PRIMARY
        enabled: true
        notifications:
          - {typeName: webhook, delayMin: 0}
",
    );
    let sim = requiring_the_key().state_yaml(&text).start();
    let dir = file(false);
    let refused = run(
        dir.path(),
        &sim,
        &["apply", "--api", "v2", "--auto-approve", "--no-progress"],
    );
    assert_refused(&refused, &sim, "6620000000000000000000b1 NO_PRIMARY");
}

#[test]
fn a_saved_plan_is_gated_on_the_alerts_of_the_moment_it_is_applied() {
    let mut quiet = state(true);
    // Only the disabled alert uses the webhook when the plan is made.
    quiet.projects[0]
        .alert_configs
        .retain(|a| a.id != "6620000000000000000000a1");
    let sim = requiring_the_key().state(quiet).start();
    let dir = file(false);
    let tether = |args: &[&str]| run(dir.path(), &sim, args);
    let planned = tether(&["plan", "--api", "v2", "--out", "plan.json"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    crate::common::assert_lacks(&planned.stderr, "would refuse");
    let saved = std::fs::read_to_string(dir.path().join("plan.json")).expect("saved");
    assert!(
        saved.contains("6620000000000000000000a2"),
        "the reviewer saw it"
    );
    assert!(!saved.contains(ALERT_SERVICE_KEY));

    // After the review, someone points an enabled alert at the webhook.
    let mut notification = std::collections::BTreeMap::new();
    notification.insert("typeName".to_owned(), Scalar::Text("WEBHOOK".to_owned()));
    sim.add_alert_config(
        PROJECT,
        AlertConfig {
            id: String::new(),
            event_type_name: "NO_PRIMARY".to_owned(),
            enabled: true,
            notifications: vec![notification],
        },
    )
    .expect("added");
    sim.reset_counters();
    let refused = tether(&["apply", "--api", "v2", "plan.json", "--auto-approve"]);
    assert_refused(&refused, &sim, "NO_PRIMARY");
    let allowed = tether(&[
        "apply",
        "--api",
        "v2",
        "plan.json",
        "--auto-approve",
        "--allow-orphaned-alerts",
    ]);
    assert_eq!(allowed.code, 0, "{}", allowed.transcript());
    assert_eq!(sim.counters().writes(), 1);
}

/// `n` projects with PAGER_DUTY; the first `updates` hold another key (an
/// update), the next `deletes` also hold an undeclared OPS_GENIE (a
/// delete).
fn fleet(n: usize, updates: usize, deletes: usize) -> (SimHandle, tempfile::TempDir) {
    let mut state = String::from("projects:\n");
    let mut text = String::from(
        "version: 1\ndefaults:\n  integrations:\n    PAGER_DUTY:\n      serviceKey: ${PD_KEY}\nprojects:\n",
    );
    for i in 0..n {
        let id = format!("65f1a2b3c4d5e6f7a8b9{i:04x}");
        let key = if i < updates {
            "attribution-pd-key-00000000other"
        } else {
            PD_KEY
        };
        state.push_str(&format!(
            "  - id: {id}\n    name: team-{i}\n    orgId: 6600000000000000000000aa\n    \
             integrations:\n      PAGER_DUTY: {{serviceKey: {key}}}\n"
        ));
        if (updates..updates + deletes).contains(&i) {
            state.push_str("      OPS_GENIE: {apiKey: 1c9e4b7a-2f3d-4e5a-8b6c-7d8e9f0a1b2c}\n");
        }
        text.push_str(&format!("  - id: {id}\n"));
    }
    let sim = requiring_the_key().state_yaml(&state).start();
    let dir = crate::common::folder_with(&text);
    (sim, dir)
}

#[test]
fn the_lookups_cost_one_call_per_drifted_or_deleting_project_and_nothing_else() {
    let (n, updates, deletes) = (12, 3, 2);
    let (sim, dir) = fleet(n, updates, deletes);
    let drifted = (updates + deletes) as u64;
    let counted = |args: &[&str]| {
        sim.reset_counters();
        let run = run(dir.path(), &sim, args);
        assert!(matches!(run.code, 0 | 2), "{args:?}: {}", run.transcript());
        sim.counters()
    };

    let on = counted(&["plan", "--api", "v2"]);
    let off = counted(&["plan", "--api", "v2", "--no-attribution"]);
    for counts in [&on, &off] {
        assert_eq!(
            counts.get("GET", INTEGRATIONS_V2),
            n as u64 + counts.status(401),
            "one GET-all per project (plus the Digest challenge): {counts:?}"
        );
        assert_eq!(
            counts.get("GET", ALERTS),
            deletes as u64,
            "one listing per deleting project"
        );
        assert_eq!(counts.writes(), 0);
    }
    assert_eq!(on.get("GET", EVENTS), drifted, "{on:?}");
    assert_eq!(off.get("GET", EVENTS), 0);
    // One challenge each: the rest is exactly the lookups.
    assert_eq!(on.total() - off.total(), drifted);
    assert_eq!(off.total(), n as u64 + deletes as u64 + off.status(401));

    let drift = counted(&["drift", "--api", "v2"]);
    assert_eq!(drift.get("GET", EVENTS), drifted);
    assert_eq!(drift.get("GET", ALERTS), 0, "drift never lists alerts");
    assert_eq!(drift.total(), n as u64 + drifted + drift.status(401));
}
