//! Log integrations, metric integrations and the move off the push-based log
//! export, end to end against the simulator (issue 27): plan, apply with
//! every write counted, a re-plan with nothing to do, drift; the requests a
//! project that mentions no family saves; and what read-only credentials
//! make of a plan.

use std::path::Path;

use serde_json::Value;
use tether::sim::{Role, SimHandle};

use crate::common::{Run, Sim, tether_against};

const DD_KEY: &str = "3b8d9e2f1a4c5b6d7e8f9a0b1c2da1b2";

/// The file's variables, each a secret, with their values.
const VARIABLES: [(&str, &str); 4] = [
    ("DD_LOGS_API_KEY", DD_KEY),
    ("SPLUNK_HEC_TOKEN", "splunk-hec-token-0123456789abcdef"),
    ("OTEL_TOKEN", "Bearer otel-logs-S3CRET-token-value"),
    ("DYNATRACE_TOKEN", "Api-Token dt0c01.DYNATRACE-S3CRET"),
];

const GROUP: &str = "65f1a2b3c4d5e6f7a8b9c0d1";
const LOGS: &str = "/api/atlas/v2/groups/{groupId}/logIntegrations";
const LOG: &str = "/api/atlas/v2/groups/{groupId}/logIntegrations/{id}";
const METRICS: &str = "/api/atlas/v2/groups/{groupId}/metricIntegrations";
const PUSH: &str = "/api/atlas/v2/groups/{groupId}/pushBasedLogExport";

/// Atlas before: a Datadog log export whose log types differ from the file,
/// an S3 log integration the file does not declare, and an active
/// push-based export.
fn state() -> String {
    atlas_with_logs(&format!(
        "      - id: 6620a1b2c3d4e5f6a7b8c9d0
        type: DATADOG_LOG_EXPORT
        apiKey: {DD_KEY}
        region: US1
        logTypes: [MONGOD]
      - id: 6620a1b2c3d4e5f6a7b8c9d1
        type: S3_LOG_EXPORT
        bucketName: forgotten-bucket
        prefixPath: old/
        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
        logTypes: [MONGOD]
    pushBasedLogExport:
      bucketName: acme-atlas-logs
      iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
      prefixPath: legacy/
      state: ACTIVE
"
    ))
}

/// Atlas's state: the project, with no third-party integration, and the log
/// integrations `entries`, followed by what else it has.
fn atlas_with_logs(entries: &str) -> String {
    atlas_with("logIntegrations", entries)
}

/// Atlas's state: the project, with no third-party integration, and its
/// `section` (`logIntegrations`, `metricIntegrations`) holding `entries`.
fn atlas_with(section: &str, entries: &str) -> String {
    format!(
        "
projects:
  - id: {GROUP}
    name: payments-prod
    orgId: 6600000000000000000000aa
    integrations: {{}}
    {section}:
{entries}"
    )
}

/// Every log type, a metric integration, and the push-based export absent.
fn file() -> String {
    format!(
        "version: 1
projects:
  - id: {GROUP}
    log_integrations:
      - type: S3_LOG_EXPORT
        bucketName: acme-atlas-logs
        prefixPath: payments-prod/
        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
        logTypes: [MONGOD, MONGOD_AUDIT]
{GCS_AND_AZURE_LOGS}
      - type: DATADOG_LOG_EXPORT
        apiKey: ${{DD_LOGS_API_KEY}}
        region: US1
        logTypes: [MONGOD, MONGOS]
      - type: SPLUNK_LOG_EXPORT
        hecUrl: https://splunk.example.com:8088
        hecToken: ${{SPLUNK_HEC_TOKEN}}
        logTypes: [MONGOD]
      - type: OTEL_LOG_EXPORT
        otelEndpoint: https://otel.example.com/v1/logs
        otelSuppliedHeaders:
          - name: Authorization
            value: ${{OTEL_TOKEN}}
        logTypes: [MONGOD]
    metric_integrations:
      - providerType: DYNATRACE
        endpoint: https://abc123.live.dynatrace.com/api/v2/otlp
        aggregationTemporality: DELTA
        metricSelection: [MONGODB_METRICS, HARDWARE_METRICS]
        headers:
          - name: Authorization
            value: ${{DYNATRACE_TOKEN}}
    push_based_log_export: absent
"
    )
}

/// A Cloud Storage and an Azure log export as items of a project's list,
/// written alike in a file (`log_integrations:`) and in the simulator's
/// state (`logIntegrations:`).
pub(crate) const GCS_AND_AZURE_LOGS: &str = "      - type: GCS_LOG_EXPORT
        bucketName: acme-atlas-logs-gcs
        prefixPath: payments-prod/
        roleId: 65f1a2b3c4d5e6f7a8b9c0ab
        logTypes: [MONGOD]
      - type: AZURE_LOG_EXPORT
        storageAccountName: acmeatlaslogs
        storageContainerName: payments
        prefixPath: prod/
        roleId: 65f1a2b3c4d5e6f7a8b9c0ac
        logTypes: [MONGOD_AUDIT]";

fn env() -> Vec<(&'static str, &'static str)> {
    VARIABLES.to_vec()
}

fn assert_no_secret(output: &str) {
    for (_, secret) in VARIABLES {
        assert!(!output.contains(secret), "a secret leaked:\n{output}");
    }
}

/// The simulator with `state()`, and a folder with `file()`.
fn started() -> (SimHandle, tempfile::TempDir) {
    let sim = Sim::builder().state_yaml(&state()).start();
    (sim, crate::common::folder_with(&file()))
}

/// Runs `args` in `dir` against `sim` with the file's variables set;
/// checks that it ends with 0 and shows no secret.
fn succeeds(dir: &Path, sim: &SimHandle, args: &[&str]) -> Run {
    let run = tether_against(dir, sim, args, &env());
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_no_secret(&run.all_output());
    run
}

fn actions(plan: &Value) -> Vec<(String, String, String)> {
    plan["projects"][0]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            (
                item["section"].as_str().unwrap_or_default().to_owned(),
                item["type"].as_str().unwrap_or_default().to_owned(),
                item["action"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_log_type_a_metric_integration_and_the_migration_plan_apply_and_stay_applied() {
    let (sim, dir) = started();
    let plan = succeeds(dir.path(), &sim, &["plan", "--output", "json"]);
    let document: Value = serde_json::from_str(&plan.stdout).expect("a JSON plan");
    let mut seen = actions(&document);
    seen.sort();
    let expected = [
        ("log_integrations", "AZURE_LOG_EXPORT", "create"),
        ("log_integrations", "DATADOG_LOG_EXPORT", "update"),
        ("log_integrations", "GCS_LOG_EXPORT", "create"),
        ("log_integrations", "OTEL_LOG_EXPORT", "create"),
        ("log_integrations", "S3_LOG_EXPORT", "create"),
        ("log_integrations", "S3_LOG_EXPORT", "delete"),
        ("log_integrations", "SPLUNK_LOG_EXPORT", "create"),
        ("metric_integrations", "OTEL", "create"),
        ("push_based_log_export", "PUSH_BASED_LOG_EXPORT", "delete"),
    ]
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
    assert_eq!(seen, expected, "{}", plan.stdout);
    let reads = sim.counters();
    assert_eq!(reads.get("GET", LOGS), 1, "{reads:?}");
    assert_eq!(reads.get("GET", METRICS), 1, "{reads:?}");
    assert_eq!(reads.get("GET", PUSH), 1, "{reads:?}");
    assert_eq!(reads.writes(), 0);

    sim.reset_counters();
    let apply = succeeds(dir.path(), &sim, &["apply", "--auto-approve"]);
    let writes = sim.counters();
    assert_eq!(writes.get("POST", LOGS), 5, "{writes:?}");
    assert_eq!(writes.get("PUT", LOG), 1, "{writes:?}");
    assert_eq!(writes.get("DELETE", LOG), 1, "{writes:?}");
    assert_eq!(writes.get("POST", METRICS), 1, "{writes:?}");
    assert_eq!(writes.get("DELETE", PUSH), 1, "{writes:?}");
    assert_eq!(writes.writes(), 9, "exactly the plan's writes: {writes:?}");
    let log = apply
        .stdout
        .find("create S3_LOG_EXPORT")
        .expect("the S3 create");
    let removal = apply
        .stdout
        .find("delete PUSH_BASED_LOG_EXPORT")
        .expect("the removal");
    assert!(log < removal, "the new export first:\n{}", apply.stdout);

    sim.reset_counters();
    let again = tether_against(dir.path(), &sim, &["plan", "--detailed-exitcode"], &env());
    assert_eq!(again.code, 0, "nothing left to do:\n{}", again.transcript());
    assert_eq!(sim.counters().writes(), 0);
    succeeds(dir.path(), &sim, &["drift"]);
    assert_no_secret(&again.all_output());
}

#[test]
fn a_project_that_mentions_no_family_reads_none() {
    let sim = Sim::builder().state_yaml(&state()).start();
    let dir = crate::common::folder_with(&format!(
        "version: 1\nprojects:\n  - id: {GROUP}\n    integrations:\n      WEBHOOK:\n        url: https://hooks.example.com/x\n"
    ));
    let plan = tether_against(dir.path(), &sim, &["plan"], &[]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let counts = sim.counters();
    for path in [LOGS, METRICS, PUSH] {
        assert_eq!(counts.get("GET", path), 0, "{path}: {counts:?}");
    }
}

const READ_ID: &str = "mdb_sa_id_families_read_only";
const READ_SECRET: &str = "mdb_sa_sk_families_read_only_secret";

#[test]
fn a_plan_with_read_only_credentials_fails_unless_told_to_plan_what_it_can_read() {
    let sim = Sim::builder()
        .state_yaml(&state())
        .auth_required()
        .service_account(READ_ID, READ_SECRET, Role::ReadOnly)
        .start();
    let dir = crate::common::folder_with(&file());
    let mut env = env();
    env.extend([
        ("MONGODB_ATLAS_CLIENT_ID", READ_ID),
        ("MONGODB_ATLAS_CLIENT_SECRET", READ_SECRET),
    ]);

    let plan = tether_against(dir.path(), &sim, &["plan"], &env);
    crate::common::assert_exit_saying(
        &plan,
        1,
        &[
            "log_integrations",
            "metric_integrations",
            "push_based_log_export",
            "Project Owner",
            "--skip-unreadable",
        ],
    );
    assert_eq!(
        plan.stderr.matches("could not read").count(),
        1,
        "said once per run: {}",
        plan.stderr
    );

    let skipped = tether_against(dir.path(), &sim, &["plan", "--skip-unreadable"], &env);
    assert_eq!(skipped.code, 0, "{}", skipped.transcript());
    assert!(
        skipped.stderr.contains("left out of the plan"),
        "{}",
        skipped.stderr
    );
    assert_no_secret(&skipped.all_output());
    assert!(!skipped.all_output().contains(READ_SECRET));
    assert_eq!(
        sim.counters().writes() - sim.counters().get("POST", "/api/oauth/token"),
        0
    );
}

#[test]
fn two_live_entries_one_declaration_matches_are_an_error_and_nothing_is_written() {
    let twice = atlas_with_logs(
        "      - {id: 6620a1b2c3d4e5f6a7b8c9d0, type: S3_LOG_EXPORT, bucketName: b, prefixPath: p/, iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa, logTypes: [MONGOD]}
      - {id: 6620a1b2c3d4e5f6a7b8c9d1, type: S3_LOG_EXPORT, bucketName: b, prefixPath: p/, iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa, logTypes: [MONGOD_AUDIT]}
",
    );
    let sim = Sim::builder().state_yaml(&twice).start();
    let dir = crate::common::folder_with(&format!(
        "version: 1\nprojects:\n  - id: {GROUP}\n    log_integrations:\n      - type: S3_LOG_EXPORT\n        bucketName: b\n        prefixPath: p/\n        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa\n        logTypes: [MONGOD]\n"
    ));
    let apply = tether_against(dir.path(), &sim, &["apply", "--auto-approve"], &[]);
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply
            .all_output()
            .contains("6620a1b2c3d4e5f6a7b8c9d0, 6620a1b2c3d4e5f6a7b8c9d1"),
        "{}",
        apply.transcript()
    );
    assert_eq!(sim.counters().writes(), 0, "{:?}", sim.counters());
}

#[test]
fn a_saved_plan_of_the_families_shows_applies_exactly_and_is_already_applied_after() {
    let (sim, dir) = started();
    succeeds(dir.path(), &sim, &["plan", "--out", "plan.json"]);
    let saved = std::fs::read_to_string(dir.path().join("plan.json")).expect("the saved plan");
    assert_no_secret(&saved);

    let show = succeeds(dir.path(), &sim, &["show", "plan.json"]);
    assert!(
        show.stdout.contains("PUSH_BASED_LOG_EXPORT"),
        "{}",
        show.stdout
    );

    sim.reset_counters();
    succeeds(dir.path(), &sim, &["apply", "plan.json", "--auto-approve"]);
    assert_eq!(sim.counters().writes(), 9, "{:?}", sim.counters());

    sim.reset_counters();
    let again = tether_against(
        dir.path(),
        &sim,
        &["apply", "plan.json", "--auto-approve", "--output", "json"],
        &env(),
    );
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert_eq!(sim.counters().writes(), 0, "{:?}", sim.counters());
    let report: Value = serde_json::from_str(&again.stdout).expect("a JSON report");
    assert_eq!(report["summary"]["already_applied"], 9, "{}", again.stdout);
}

#[test]
fn drift_in_a_log_integration_names_who_changed_it_from_the_families_events() {
    let sim = Sim::builder().state_yaml(&state()).start();
    let dir = crate::common::folder_with(&file());
    let env = env();
    let apply = tether_against(dir.path(), &sim, &["apply", "--auto-approve"], &env);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let datadog = sim
        .change_entry_as_user(
            tether::sim::EntryFamily::LogIntegrations,
            GROUP,
            (
                Some("6620a1b2c3d4e5f6a7b8c9d0"),
                Some(&serde_json::json!({
                    "type": "DATADOG_LOG_EXPORT",
                    "apiKey": DD_KEY,
                    "region": "US1",
                    "logTypes": ["MONGOD_AUDIT"],
                })),
            ),
            "oncall@example.com",
        )
        .expect("a change in the UI");
    assert_eq!(datadog, "6620a1b2c3d4e5f6a7b8c9d0");
    sim.reset_counters();
    let drift = tether_against(dir.path(), &sim, &["drift", "--output", "json"], &env);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    let document: Value = serde_json::from_str(&drift.stdout).expect("JSON");
    let events = &document["projects"][0]["attribution"]["events"];
    assert_eq!(
        events[0]["username"], "oncall@example.com",
        "{}",
        drift.stdout
    );
    assert_eq!(
        events[0]["event_type"], "DATADOG_LOG_STREAMING_CONFIGURATION_UPDATED",
        "{}",
        drift.stdout
    );
    assert_eq!(sim.counters().writes(), 0);
    assert_no_secret(&drift.all_output());
}

/// Two pinned metric integrations moved to one endpoint: the two creates
/// look alike, but each delete waits for its own. Atlas takes one more
/// metric integration, not two, so the second replacement is not created
/// and the entry it would replace stays.
#[test]
fn a_replaced_entry_waits_for_its_own_replacement_not_one_that_looks_alike() {
    let metric = |id: &str, endpoint: &str, selection: &str| {
        format!(
            "
      - metricIntegrationId: {id}
        integrationType: OTEL
        providerType: CUSTOM
        authType: HEADER
        aggregationTemporality: DELTA
        endpoint: {endpoint}
        metricSelection: [{selection}]"
        )
    };
    let state = atlas_with(
        "metricIntegrations",
        &format!(
            "{}{}\n",
            metric(
                "6620a1b2c3d4e5f6a7b8c9e1",
                "https://one.example.com",
                "MONGODB_METRICS"
            ),
            metric(
                "6620a1b2c3d4e5f6a7b8c9e2",
                "https://two.example.com",
                "HARDWARE_METRICS"
            ),
        ),
    );
    let sim = Sim::builder()
        .state_yaml(&state)
        .assumptions(tether::sim::Assumptions {
            max_metric_integrations: 3,
            ..tether::sim::Assumptions::default()
        })
        .start();
    let pinned = |id: &str, selection: &str| {
        format!(
            "
      - id: {id}
        providerType: CUSTOM
        endpoint: https://three.example.com
        aggregationTemporality: DELTA
        metricSelection: [{selection}]"
        )
    };
    let dir = crate::common::folder_with(&format!(
        "version: 1\nprojects:\n  - id: {GROUP}\n    metric_integrations:{}{}\n",
        pinned("6620a1b2c3d4e5f6a7b8c9e1", "MONGODB_METRICS"),
        pinned("6620a1b2c3d4e5f6a7b8c9e2", "HARDWARE_METRICS"),
    ));
    let apply = tether_against(dir.path(), &sim, &["apply", "--auto-approve"], &[]);
    assert_eq!(apply.code, 3, "{}", apply.transcript());
    let counts = sim.counters();
    assert_eq!(counts.get("POST", METRICS), 2, "{counts:?}");
    assert_eq!(
        counts.get("DELETE", &format!("{METRICS}/{{metricIntegrationId}}")),
        1,
        "only the entry whose replacement exists is deleted: {}",
        apply.transcript()
    );
    let kept = apply
        .stdout
        .lines()
        .find(|line| line.contains("delete OTEL https://two.example.com"))
        .expect("the second delete is reported");
    assert!(!kept.contains(": done"), "{}", apply.stdout);
}

/// A JSON plan that succeeded with the push-based export's delete as its
/// only item.
fn assert_only_the_push_based_delete(plan: Run) {
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let document: Value = serde_json::from_str(&plan.stdout).expect("a JSON plan");
    assert_eq!(
        actions(&document),
        [(
            "push_based_log_export".to_owned(),
            "PUSH_BASED_LOG_EXPORT".to_owned(),
            "delete".to_owned()
        )],
        "{}",
        plan.stdout
    );
}

/// `push_based_log_export: absent` where Atlas already has an S3 log
/// integration removes the old export, whether the file manages the log
/// integrations there or not, and whether `--type` selects them or not:
/// the S3 log integration is read to know that it exists, and is not
/// written.
#[test]
fn the_push_based_export_goes_when_an_s3_log_integration_is_live_though_not_selected() {
    let sim = Sim::builder().state_yaml(&state()).start();
    let only_absent = crate::common::folder_with(&format!(
        "version: 1\nprojects:\n  - id: {GROUP}\n    push_based_log_export: absent\n"
    ));
    assert_only_the_push_based_delete(tether_against(
        only_absent.path(),
        &sim,
        &["plan", "--output", "json"],
        &[],
    ));

    let dir = crate::common::folder_with(&file());
    let env = env();
    assert_only_the_push_based_delete(tether_against(
        dir.path(),
        &sim,
        &[
            "plan",
            "--type",
            "PUSH_BASED_LOG_EXPORT",
            "--output",
            "json",
        ],
        &env,
    ));

    sim.reset_counters();
    let apply = tether_against(
        dir.path(),
        &sim,
        &["apply", "--type", "PUSH_BASED_LOG_EXPORT", "--auto-approve"],
        &env,
    );
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let writes = sim.counters();
    assert_eq!(writes.get("DELETE", PUSH), 1, "{writes:?}");
    assert_eq!(
        writes.writes(),
        1,
        "the log integrations are not written: {writes:?}"
    );
}

/// An additive project never deletes, so a pinned entry that moves keeps
/// its old entry beside the new one: the next apply finds the new one live
/// and creates no other.
#[test]
fn a_pinned_entry_moved_in_an_additive_project_is_created_once() {
    let state = atlas_with_logs(
        "      - id: 6620a1b2c3d4e5f6a7b8c9d1
        type: S3_LOG_EXPORT
        bucketName: acme-atlas-logs
        prefixPath: old/
        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
        logTypes: [MONGOD]
",
    );
    let sim = Sim::builder().state_yaml(&state).start();
    let dir = crate::common::folder_with(&format!(
        "version: 1
projects:
  - id: {GROUP}
    mode: additive
    log_integrations:
      - id: 6620a1b2c3d4e5f6a7b8c9d1
        type: S3_LOG_EXPORT
        bucketName: acme-atlas-logs
        prefixPath: new/
        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
        logTypes: [MONGOD]
"
    ));
    let first = tether_against(dir.path(), &sim, &["apply", "--auto-approve"], &[]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    assert_eq!(sim.counters().get("POST", LOGS), 1);
    sim.reset_counters();
    let again = tether_against(dir.path(), &sim, &["plan", "--detailed-exitcode"], &[]);
    assert_eq!(again.code, 0, "nothing left to do:\n{}", again.transcript());
    let second = tether_against(dir.path(), &sim, &["apply", "--auto-approve"], &[]);
    assert_eq!(second.code, 0, "{}", second.transcript());
    assert_eq!(sim.counters().writes(), 0, "{:?}", sim.counters());
}

/// A pinned S3 log integration moved to a new prefix: apply creates the new
/// one, then deletes the old; the next plan finds the pin gone, goes on with
/// the replacement and says which id to pin, in every output, a saved plan's
/// `show` included.
#[test]
fn after_a_pinned_replacement_the_plan_goes_on_and_names_the_new_id() {
    let sim = Sim::builder()
        .state_yaml(&atlas_with_logs(
            "      - {id: 6620a1b2c3d4e5f6a7b8c9d0, type: S3_LOG_EXPORT, bucketName: b, prefixPath: old/, iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa, logTypes: [MONGOD]}\n",
        ))
        .start();
    let dir = crate::common::folder_with(&format!(
        "version: 1\nprojects:\n  - id: {GROUP}\n    log_integrations:\n      - type: S3_LOG_EXPORT\n        id: 6620a1b2c3d4e5f6a7b8c9d0\n        bucketName: b\n        prefixPath: new/\n        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa\n        logTypes: [MONGOD]\n"
    ));
    sim.reset_counters();
    let apply = succeeds(dir.path(), &sim, &["apply", "--auto-approve"]);
    // The report names the id Atlas gave the new entry: what to pin.
    let new_id = apply
        .stdout
        .split_once("create S3_LOG_EXPORT b/new/ (id ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(id, _)| id.to_owned())
        .unwrap_or_else(|| panic!("the created id: {}", apply.stdout));
    assert_eq!(sim.counters().get("POST", LOGS), 1);
    assert_eq!(sim.counters().get("DELETE", LOG), 1);
    sim.reset_counters();
    let again = succeeds(
        dir.path(),
        &sim,
        &["plan", "--detailed-exitcode", "--out", "plan.json"],
    );
    assert!(
        again.stdout.contains("write `id: "),
        "in full: {}",
        again.stdout
    );
    let show = succeeds(dir.path(), &sim, &["show", "plan.json"]);
    assert!(show.stdout.contains("write `id: "), "{}", show.stdout);
    let json = succeeds(dir.path(), &sim, &["plan", "--output", "json"]);
    assert!(
        json.stdout.contains(&format!("write `id: {new_id}`")),
        "{}",
        json.stdout
    );
    assert_eq!(sim.counters().writes(), 0);
}

/// A plain field written as `${NAME}` is kept like a secret, as an
/// integration's is: sent and compared, never shown. What the entry points
/// at stays its name.
#[test]
fn a_plain_field_from_the_environment_is_never_shown() {
    const ROLE: &str = "65f1a2b3c4d5e6f7a8b9c0fe";
    let sim = Sim::builder()
        .state_yaml(&atlas_with_logs("      []\n"))
        .start();
    let dir = crate::common::folder_with(&format!(
        "version: 1\nprojects:\n  - id: {GROUP}\n    log_integrations:\n      - type: S3_LOG_EXPORT\n        bucketName: b\n        prefixPath: p/\n        iamRoleId: ${{ROLE_ID}}\n        logTypes: [MONGOD]\n"
    ));
    let env = [("ROLE_ID", ROLE)];
    for args in [
        &["plan"][..],
        &["plan", "--output", "json"],
        &["plan", "--output", "markdown"],
    ] {
        let plan = tether_against(dir.path(), &sim, args, &env);
        assert_eq!(plan.code, 0, "{}", plan.transcript());
        assert!(!plan.all_output().contains(ROLE), "{}", plan.transcript());
    }
    let apply = tether_against(dir.path(), &sim, &["apply", "--auto-approve"], &env);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(!apply.all_output().contains(ROLE), "{}", apply.transcript());
    let again = tether_against(dir.path(), &sim, &["plan", "--detailed-exitcode"], &env);
    assert_eq!(again.code, 0, "sent and compared: {}", again.transcript());
}
