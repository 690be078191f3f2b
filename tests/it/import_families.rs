//! `tether import` of log and metric integrations and the push-based log
//! export, against the simulator: every family of a project is read and
//! written (secrets and header values as variables, the push-based export
//! as a comment), the file plans to nothing once its variables are set, and
//! a family the credentials cannot read fails the import unless
//! `--skip-unreadable` leaves it out.

use std::path::Path;

use serde_json::Value;
use tether::sim::{SimHandle, StateFile};

use crate::common::{Run, Sim, tether_against};

const PROD: &str = "65f1a2b3c4d5e6f7a8b9c0d1";
const SEARCH: &str = "65f1a2b3c4d5e6f7a8b9c0d2";
const OWNER: (&str, &str) = ("abcdefgh", "11111111-2222-4333-8444-555555555555");
const READ_ONLY: (&str, &str) = ("readonly", "66666666-7777-4888-9999-000000000000");

/// The secrets the simulator holds, by the variable import names for each.
const SECRETS: [(&str, &str); 6] = [
    (
        "PAYMENTS_PROD_DATADOG_LOG_EXPORT_API_KEY",
        "3b8d9e2f1a4c5b6d7e8f9a0b1c2da1b2",
    ),
    (
        "PAYMENTS_PROD_SPLUNK_LOG_EXPORT_HEC_TOKEN",
        "9f1c2d3e-4b5a-6c7d-8e9f-0a1b2c3d9f3e",
    ),
    (
        "PAYMENTS_PROD_OTEL_LOG_EXPORT_AUTHORIZATION",
        "Bearer otel-logs-SEEDEDSECRET",
    ),
    (
        "PAYMENTS_PROD_OTEL_LOG_EXPORT_X_TENANT",
        "tenant-SEEDEDSECRET-42",
    ),
    (
        "PAYMENTS_PROD_DYNATRACE_METRICS_AUTHORIZATION",
        "Api-Token dt0c01.SEEDEDSECRETVALUE",
    ),
    (
        "PAYMENTS_PROD_PAGER_DUTY_SERVICE_KEY",
        "pd-key-families-000000000000042",
    ),
];

/// A bucket name and a prefix YAML could misread (`#`, `: `, `${`, quotes,
/// markdown), that Atlas takes.
const BUCKET: &str = "acme-logs #1: ${HOME} \"q\" **b**";
const PREFIX: &str = "payments-prod/$${X}/# not: a comment";

fn state() -> StateFile {
    let text = format!(
        r#"
projects:
  - id: {PROD}
    name: payments-prod
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY:
        serviceKey: {pd}
    logIntegrations:
      - id: 6620a1b2c3d4e5f6a7b8c9d0
        type: S3_LOG_EXPORT
        bucketName: {bucket}
        prefixPath: {prefix}
        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
        logTypes: [MONGOD, MONGOD_AUDIT]
        kmsKey: arn:aws:kms:us-east-1:111122223333:key/1234abcd
      - id: 6620a1b2c3d4e5f6a7b8c9d1
        type: S3_LOG_EXPORT
        bucketName: {bucket}
        prefixPath: {prefix}
        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
        logTypes: [MONGOS]
{gcs_and_azure}
      - type: DATADOG_LOG_EXPORT
        apiKey: {datadog}
        region: US1
        logTypes: [MONGOD]
      - type: SPLUNK_LOG_EXPORT
        hecUrl: https://splunk.example.com:8088
        hecToken: {splunk}
        logTypes: [MONGOD, MONGOD_AUDIT]
      - type: OTEL_LOG_EXPORT
        otelEndpoint: https://otel.example.com/v1/logs
        otelSuppliedHeaders:
          - name: Authorization
            value: {otel_auth}
          - name: X-Tenant
            value: {otel_tenant}
        logTypes: [MONGOD]
    metricIntegrations:
      - integrationType: OTEL
        providerType: DYNATRACE
        authType: HEADER
        aggregationTemporality: DELTA
        endpoint: https://abc123.live.dynatrace.com/api/v2/otlp
        metricSelection: [MONGODB_METRICS, HARDWARE_METRICS]
        headers:
          - name: Authorization
            value: {dynatrace}
    pushBasedLogExport:
      bucketName: legacy-logs
      iamRoleId: 65f1a2b3c4d5e6f7a8b9c0bb
      prefixPath: old/
  - id: {SEARCH}
    name: search-prod
    orgId: 6600000000000000000000aa
apiKeys:
  - publicKey: {owner}
    privateKey: {owner_secret}
    role: owner
  - publicKey: {read_only}
    privateKey: {read_only_secret}
    role: readOnly
"#,
        bucket = serde_json::to_string(BUCKET).expect("json"),
        prefix = serde_json::to_string(PREFIX).expect("json"),
        gcs_and_azure = crate::families::GCS_AND_AZURE_LOGS,
        datadog = SECRETS[0].1,
        splunk = SECRETS[1].1,
        otel_auth = SECRETS[2].1,
        otel_tenant = SECRETS[3].1,
        dynatrace = SECRETS[4].1,
        pd = SECRETS[5].1,
        owner = OWNER.0,
        owner_secret = OWNER.1,
        read_only = READ_ONLY.0,
        read_only_secret = READ_ONLY.1,
    );
    StateFile::parse(&text).expect("the state parses")
}

fn start() -> SimHandle {
    Sim::builder().state(state()).auth_required().start()
}

/// `tether import ARGS` in `dir` with the key `key`; no secret the
/// simulator holds is ever printed.
fn import(dir: &Path, sim: &SimHandle, key: (&str, &str), args: &[&str]) -> Run {
    let mut all = vec!["import", "--no-progress"];
    all.extend_from_slice(args);
    let env = [
        ("MONGODB_ATLAS_PUBLIC_API_KEY", key.0),
        ("MONGODB_ATLAS_PRIVATE_API_KEY", key.1),
    ];
    let run = tether_against(dir, sim, &all, &env);
    let printed = run.all_output();
    for (_, secret) in SECRETS.iter().chain([&OWNER, &READ_ONLY]) {
        assert!(
            !printed.contains(secret),
            "a secret was printed:\n{printed}"
        );
    }
    run
}

/// `tether ARGS` in `dir` with the owner's key and every variable set to
/// the secret the simulator holds.
fn with_secrets(dir: &Path, sim: &SimHandle, args: &[&str]) -> Run {
    let mut env: Vec<(&str, &str)> = SECRETS.to_vec();
    env.extend([
        ("MONGODB_ATLAS_PUBLIC_API_KEY", OWNER.0),
        ("MONGODB_ATLAS_PRIVATE_API_KEY", OWNER.1),
    ]);
    let run = tether_against(dir, sim, args, &env);
    let printed = run.all_output();
    for (_, secret) in SECRETS.iter().chain([&OWNER]) {
        assert!(
            !printed.contains(secret),
            "a secret was printed:\n{printed}"
        );
    }
    run
}

/// Starts the simulator and imports both projects into a new folder's
/// `tether.yaml`, with the key `key` and the arguments `more`.
fn import_both(key: (&str, &str), more: &[&str]) -> (SimHandle, tempfile::TempDir, Run) {
    let sim = start();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = vec!["--project", PROD, "--project", SEARCH, "-o", "tether.yaml"];
    args.extend_from_slice(more);
    let run = import(dir.path(), &sim, key, &args);
    (sim, dir, run)
}

#[test]
fn import_writes_every_family_of_each_project() {
    let (sim, dir, run) = import_both(OWNER, &["--secrets-out", "secrets.yaml"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let written = std::fs::read_to_string(dir.path().join("tether.yaml")).expect("written");
    for (_, secret) in SECRETS {
        assert!(
            !written.contains(secret),
            "a secret was written:\n{written}"
        );
    }
    // Each project: its integrations, both families and the push-based export.
    let counts = sim.counters();
    for path in [
        "/api/atlas/v2/groups/{groupId}/integrations",
        "/api/atlas/v2/groups/{groupId}/logIntegrations",
        "/api/atlas/v2/groups/{groupId}/metricIntegrations",
        "/api/atlas/v2/groups/{groupId}/pushBasedLogExport",
    ] {
        assert_eq!(counts.get("GET", path), 2, "{path}: {counts:?}");
    }
    assert_eq!(counts.writes(), 0);

    let read: Value = serde_saphyr::from_str(&written).expect("the file reads");
    let prod = &read["projects"][0];
    let logs = prod["log_integrations"]
        .as_array()
        .expect("log integrations");
    let kinds: Vec<&str> = logs
        .iter()
        .map(|e| e["type"].as_str().expect("type"))
        .collect();
    assert_eq!(
        kinds,
        [
            "S3_LOG_EXPORT",
            "S3_LOG_EXPORT",
            "GCS_LOG_EXPORT",
            "AZURE_LOG_EXPORT",
            "DATADOG_LOG_EXPORT",
            "SPLUNK_LOG_EXPORT",
            "OTEL_LOG_EXPORT"
        ],
        "{written}"
    );
    // The two S3 exports to one bucket and prefix are pinned; no other is.
    assert_eq!(logs[0]["id"], "6620a1b2c3d4e5f6a7b8c9d0");
    assert_eq!(logs[1]["id"], "6620a1b2c3d4e5f6a7b8c9d1");
    assert!(logs[2..].iter().all(|e| e.get("id").is_none()), "{written}");
    // Read back as Atlas has them, once `$${` is the literal `${`.
    let literal = |v: &Value| v.as_str().expect("text").replace("$${", "${");
    assert_eq!(literal(&logs[0]["bucketName"]), BUCKET);
    assert_eq!(literal(&logs[0]["prefixPath"]), PREFIX);
    assert_eq!(logs[4]["apiKey"], format!("${{{}}}", SECRETS[0].0));
    assert_eq!(logs[5]["hecToken"], format!("${{{}}}", SECRETS[1].0));
    let headers = &logs[6]["otelSuppliedHeaders"];
    assert_eq!(headers[0]["name"], "Authorization");
    assert_eq!(headers[0]["value"], format!("${{{}}}", SECRETS[2].0));
    assert_eq!(headers[1]["value"], format!("${{{}}}", SECRETS[3].0));
    let metric = &prod["metric_integrations"][0];
    assert_eq!(
        metric["endpoint"],
        "https://abc123.live.dynatrace.com/api/v2/otlp"
    );
    assert_eq!(
        metric["headers"][0]["value"],
        format!("${{{}}}", SECRETS[4].0)
    );
    for only in ["authType", "integrationType", "id"] {
        assert!(metric.get(only).is_none(), "{only}: {written}");
    }
    crate::common::assert_contains(
        &written,
        "# Atlas never returns header values: set the variable to the real one",
    );
    // The push-based export is a comment, not a key.
    assert!(prod.get("push_based_log_export").is_none(), "{written}");
    crate::common::assert_contains(
        &written,
        "    # push_based_log_export: Atlas has the deprecated push-based log export here:\n    \
         # state ACTIVE, bucket legacy-logs, prefix old/, IAM role 65f1a2b3c4d5e6f7a8b9c0bb.\n",
    );
    // A project without entries mentions neither family: they stay unmanaged.
    let search = read["projects"][1].as_object().expect("search-prod");
    let keys: Vec<&String> = search.keys().collect();
    assert_eq!(keys, ["id", "name"], "{written}");

    // Every variable is listed, and in the secrets file.
    let secrets = std::fs::read_to_string(dir.path().join("secrets.yaml")).expect("secrets");
    for (name, _) in SECRETS {
        crate::common::assert_contains(&run.stderr, &format!("  {name}  "));
        crate::common::assert_contains(&secrets, &format!("{name}: \"\""));
    }
}

/// The imported file, its variables set to the secrets Atlas holds, plans
/// to nothing: no change, no write; the push-based export is shown, marked
/// deprecated, and left alone.
#[test]
fn the_imported_families_plan_to_nothing() {
    let (sim, dir, imported) = import_both(OWNER, &[]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    let written = std::fs::read_to_string(dir.path().join("tether.yaml")).expect("written");
    let validated = with_secrets(dir.path(), &sim, &["validate"]);
    assert_eq!(validated.code, 0, "{}\n{written}", validated.transcript());
    sim.reset_counters();
    let plan = with_secrets(dir.path(), &sim, &["plan", "--detailed-exitcode"]);
    crate::common::assert_no_change(&plan, &sim, &written);
    crate::common::assert_contains(&plan.stdout, "deprecated");
    let json = with_secrets(dir.path(), &sim, &["plan", "--output", "json"]);
    assert_eq!(json.code, 0, "{}", json.transcript());
    let plan: Value = serde_json::from_str(&json.stdout).expect("a JSON plan");
    let items: Vec<&Value> = plan["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .flat_map(|p| p["items"].as_array().into_iter().flatten())
        .collect();
    let sections: Vec<&str> = items
        .iter()
        .filter_map(|item| item["section"].as_str())
        .filter(|section| *section != "integrations")
        .collect();
    // Seven log integrations, one metric integration, the push-based export.
    assert_eq!(sections.len(), 9, "{}", json.stdout);
    assert_eq!(sim.counters().writes(), 0);
}

#[test]
fn read_only_credentials_fail_the_import_naming_each_family() {
    let (_sim, dir, run) = import_both(READ_ONLY, &[]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(!dir.path().join("tether.yaml").exists(), "nothing written");
    let stderr = &run.stderr;
    for part in [
        "error: the credentials could not read `log_integrations`, `metric_integrations` and \
         `push_based_log_export` of `payments-prod` (65f1a2b3c4d5e6f7a8b9c0d1), `search-prod` \
         (65f1a2b3c4d5e6f7a8b9c0d2) (Atlas answered 403 Forbidden to `GET \
         /api/atlas/v2/groups/65f1a2b3c4d5e6f7a8b9c0d1/logIntegrations`",
        "log and metric integrations need the Project Owner role for every operation, reads \
         included",
        "pass `--skip-unreadable`",
        "nothing was written",
    ] {
        crate::common::assert_contains(stderr, part);
    }
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}

#[test]
fn skip_unreadable_leaves_the_families_out_with_a_warning() {
    let (_sim, dir, run) = import_both(READ_ONLY, &["--skip-unreadable"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    crate::common::assert_contains(
        &run.stderr,
        "warning: the credentials could not read `log_integrations`, `metric_integrations` and \
         `push_based_log_export` of `payments-prod`",
    );
    crate::common::assert_contains(
        &run.stderr,
        "left out of the file, so tether does not manage them there",
    );
    let written = std::fs::read_to_string(dir.path().join("tether.yaml")).expect("written");
    let read: Value = serde_saphyr::from_str(&written).expect("the file reads");
    let keys: Vec<&String> = read["projects"][0]
        .as_object()
        .expect("payments-prod")
        .keys()
        .collect();
    assert_eq!(keys, ["id", "integrations", "name"], "{written}");
    crate::common::assert_contains(
        &written,
        "    # log_integrations: not imported, the credentials could not read it",
    );
    // What the credentials can read is imported as before.
    crate::common::assert_contains(&written, "    integrations:\n      PAGER_DUTY:\n");
}
