//! Log and metric integrations and the push-based log export over HTTP:
//! every operation of the facts answers its documented status in its media
//! type, for Project Owners only (a read-only key gets 403, reads
//! included); writes leave the documented events; lists page and filter;
//! the state file seeds all three; and the v2 answers in general: a 204's
//! `Content-Type`, `envelope=true`, an `Accept` without a version.

use serde_json::{Map, Value, json};
use tether::sim::{Assumptions, AuthMode, StateFile, V2_MEDIA_TYPE};

use super::helpers::{OWNER, PROD, READ_ONLY, SANDBOX, assert_error, example, strings};
use super::log_metric_support::*;

/// The path of an operation of the facts for one project, with `ids` for
/// the entries it names.
fn concrete(template: &str, group: &str, log_id: &str, metric_id: &str) -> String {
    template
        .replace("{groupId}", group)
        .replace("{id}", log_id)
        .replace("{metricIntegrationId}", metric_id)
}

/// The operations of the facts as `(method, path template, facts)`, creates
/// first and deletes last, so that each runs against what it needs.
fn operations(facts: &Value) -> Vec<(String, String, Value)> {
    let mut out: Vec<(String, String, Value)> = facts["operations"]
        .as_object()
        .expect("operations")
        .iter()
        .map(|(key, op)| {
            let (method, path) = key.split_once(' ').expect("METHOD path");
            (method.to_owned(), path.to_owned(), op.clone())
        })
        .collect();
    let rank = |method: &str| match method {
        "POST" => 0,
        "GET" => 1,
        "PUT" | "PATCH" => 2,
        _ => 3,
    };
    out.sort_by_key(|(method, path, _)| (rank(method), path.clone()));
    out
}

fn success(op: &Value) -> (u16, Vec<String>) {
    let (status, media) = op["responses"]
        .as_object()
        .expect("responses")
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .expect("a success answer");
    let types = media
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    (status.parse().expect("a status"), types)
}

fn body_for(facts: &Value, path: &str, method: &str) -> Option<Map<String, Value>> {
    match method {
        "POST" | "PUT" if path.contains("logIntegrations") => {
            Some(log_body(facts, &variants(facts).remove(0)))
        }
        "POST" | "PUT" if path.contains("metricIntegrations") => Some(metric_body(facts)),
        "POST" | "PATCH" => Some(push_body(facts)),
        _ => None,
    }
}

#[test]
fn every_operation_answers_its_documented_status_in_its_media_type() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    let (mut log_id, mut metric_id) = (String::new(), String::new());
    for (method, template, op) in operations(&facts) {
        assert_eq!(op["roles"], json!(["Project Owner"]), "{method} {template}");
        let (status, types) = success(&op);
        let path = concrete(&template, PROD, &log_id, &metric_id);
        let body = body_for(&facts, &template, &method).map(Value::Object);
        for accept in &types {
            let reply = http.send(&method, &path, accept, body.as_ref());
            if reply.status == 409 || (method == "DELETE" && reply.status == 404) {
                // The second media type of one create or delete: the entry is there, or gone.
                continue;
            }
            assert_eq!(
                reply.status, status,
                "{method} {template} as {accept}: {}",
                reply.text
            );
            assert_eq!(reply.content_type(), accept, "{method} {template}");
            if status == 204 {
                assert_eq!(reply.text, "");
            }
            if method == "POST" && template.ends_with("logIntegrations") {
                log_id = created_id(&reply);
            }
            if method == "POST" && template.ends_with("metricIntegrations") && metric_id.is_empty()
            {
                metric_id = created_id(&reply);
            }
        }
    }
}

/// A project seeded with one entry of each family.
const SEEDED: &str = "
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0d1
    name: payments-prod
    orgId: 6600000000000000000000aa
    logIntegrations:
      - id: 6620a1b2c3d4e5f6a7b8c9d0
        type: DATADOG_LOG_EXPORT
        apiKey: 3b8d9e2f1a4c5b6d7e8f9a0b1c2da1b2
        region: US1
        logTypes: [MONGOD]
      - type: S3_LOG_EXPORT
        bucketName: acme-atlas-logs
        prefixPath: payments-prod/
        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
        logTypes: [MONGOD, MONGOD_AUDIT]
    metricIntegrations:
      - metricIntegrationId: 6630a1b2c3d4e5f6a7b8c9d0
        integrationType: OTEL
        providerType: DYNATRACE
        authType: HEADER
        aggregationTemporality: DELTA
        endpoint: https://abc123.live.dynatrace.com/api/v2/otlp
        metricSelection: [MONGODB_METRICS, HARDWARE_METRICS]
        headers:
          - name: Authorization
            value: Api-Token dt0c01.SEEDEDSECRETVALUE
    pushBasedLogExport:
      bucketName: legacy-logs
      iamRoleId: 65f1a2b3c4d5e6f7a8b9c0bb
      prefixPath: old/
apiKeys:
  - publicKey: abcdefgh
    privateKey: 11111111-2222-4333-8444-555555555555
    role: owner
  - publicKey: readonly
    privateKey: 66666666-7777-4888-9999-000000000000
    role: readOnly
";

fn seeded(auth: AuthMode) -> tether::sim::SimHandle {
    let sim = example().state(StateFile::parse(SEEDED).expect("the seeded state parses"));
    match auth {
        AuthMode::Required => sim.auth_required(),
        AuthMode::None => sim,
    }
    .start()
}

#[test]
fn a_read_only_key_gets_403_on_every_operation_of_the_three_families() {
    let facts = facts();
    let sim = seeded(AuthMode::Required);
    let mut read_only = Http::with_key(&sim, READ_ONLY);
    let mut owner = Http::with_key(&sim, OWNER);
    let (log_id, metric_id) = ("6620a1b2c3d4e5f6a7b8c9d0", "6630a1b2c3d4e5f6a7b8c9d0");
    let before = sim.snapshot();
    for (method, template, op) in operations(&facts) {
        let path = concrete(&template, PROD, log_id, metric_id);
        let (_, types) = success(&op);
        let body = body_for(&facts, &template, &method).map(Value::Object);
        let reply = read_only.send(&method, &path, &types[0], body.as_ref());
        assert_error(
            &reply,
            403,
            "USER_UNAUTHORIZED",
            "Current user is not authorized to perform this action.",
        );
        if method == "GET" {
            let reply = owner.send(&method, &path, &types[0], None);
            assert_eq!(
                reply.status, 200,
                "an owner reads {template}: {}",
                reply.text
            );
        }
    }
    assert_eq!(sim.snapshot(), before, "nothing written");
    assert!(sim.events(PROD).is_empty());
}

#[test]
fn the_state_file_seeds_the_families_and_a_snapshot_keeps_their_secrets() {
    let sim = seeded(AuthMode::None);
    let mut http = Http::new(&sim);
    let list = http.get(&logs(PROD)).json();
    assert_eq!(list["totalCount"], 2);
    let datadog = &list["results"][0];
    assert_eq!(datadog["id"], "6620a1b2c3d4e5f6a7b8c9d0");
    assert_eq!(datadog["apiKey"], "****************************a1b2");
    assert_eq!(list["results"][1]["bucketName"], "acme-atlas-logs");
    let metric = http.get(&format!("{}/6630a1b2c3d4e5f6a7b8c9d0", metrics(PROD)));
    assert_eq!(metric.status, 200, "{}", metric.text);
    crate::common::assert_lacks(&metric.text, "SEEDEDSECRET");
    assert_eq!(metric.json()["headersRedacted"][0]["name"], "Authorization");
    let export = http.get(&push(PROD)).json();
    assert_eq!(export["state"], "ACTIVE");
    assert_eq!(export["bucketName"], "legacy-logs");
    assert!(export["createDate"].is_string());

    let snapshot = sim.snapshot();
    let text = snapshot.to_yaml().expect("yaml");
    assert!(
        text.contains("SEEDEDSECRETVALUE") && text.contains("3b8d9e2f1a4c5b6d7e8f9a0b1c2da1b2")
    );
    let shown = format!("{snapshot:?}");
    assert!(
        !shown.contains("SEEDEDSECRET") && !shown.contains("3b8d9e2f"),
        "{shown}"
    );
    // Restarted from the snapshot, the simulator answers the same.
    let again = example()
        .state(StateFile::parse(&text).expect("the snapshot parses"))
        .start();
    let mut http_again = Http::new(&again);
    for path in [logs(PROD), metrics(PROD)] {
        let results = |http: &mut Http| http.get(&path).json()["results"].clone();
        assert_eq!(results(&mut http_again), results(&mut http), "{path}");
    }
    let export = |http: &mut Http| {
        let mut body = http.get(&push(PROD)).json();
        body.as_object_mut().map(|o| o.remove("links"));
        body
    };
    assert_eq!(export(&mut http_again), export(&mut http));
}

#[test]
fn a_bad_seed_is_refused_with_a_clear_message() {
    for (yaml, expected) in [
        (
            "logIntegrations:\n  - {type: S3_LOG_EXPORT, bucketName: b, prefixPath: p, logTypes: [MONGOD]}",
            "iamRoleId",
        ),
        (
            "logIntegrations:\n  - {type: FTP_LOG_EXPORT, logTypes: []}",
            "type",
        ),
        (
            "metricIntegrations:\n  - {metricIntegrationId: 12, integrationType: OTEL}",
            "metricIntegrationId",
        ),
        (
            "pushBasedLogExport: {bucketName: b, prefixPath: p, iamRoleId: 65f1a2b3c4d5e6f7a8b9c0bb, state: UNCONFIGURED}",
            "state",
        ),
    ] {
        let text = format!(
            "projects:\n- id: 65f1a2b3c4d5e6f7a8b9c0d1\n  name: p\n  orgId: 6600000000000000000000aa\n  {}\n",
            yaml.replace('\n', "\n  ")
        );
        let state = StateFile::parse(&text).expect("parses");
        let err = crate::common::Sim::builder()
            .state(state)
            .spawn()
            .expect_err("refused");
        assert!(err.to_string().contains(expected), "{err}");
    }
    // A state file from before these families still loads.
    super::helpers::example_state();
}

fn event_types(sim: &tether::sim::SimHandle, group: &str) -> Vec<String> {
    sim.events(group)
        .into_iter()
        .map(|e| e.event_type_name)
        .collect()
}

#[test]
fn writes_record_the_documented_event_types() {
    let facts = facts();
    let sim = example().auth_required().start();
    let mut http = Http::with_key(&sim, OWNER);
    let mut expected = Vec::new();
    for variant in variants(&facts) {
        let prefix = match variant.kind.as_str() {
            // atlas-api.md: GCS's events are GCP_LOG_STREAMING_*.
            "GCS_LOG_EXPORT" => "GCP".to_owned(),
            kind => kind.trim_end_matches("_LOG_EXPORT").to_owned(),
        };
        let body = log_body(&facts, &variant);
        let id = created_id(&http.post(&logs(SANDBOX), &body));
        let one = format!("{}/{id}", logs(SANDBOX));
        assert_eq!(http.put(&one, &body).status, 200);
        assert_eq!(http.get(&one).status, 200);
        assert_eq!(http.delete(&one).status, 204);
        for what in ["ENABLED", "CONFIGURATION_UPDATED", "DISABLED"] {
            expected.push(format!("{prefix}_LOG_STREAMING_{what}"));
        }
    }
    let body = metric_body(&facts);
    let id = created_id(&http.post(&metrics(SANDBOX), &body));
    let one = format!("{}/{id}", metrics(SANDBOX));
    assert_eq!(http.put(&one, &body).status, 200);
    assert_eq!(http.delete(&one).status, 204);
    for what in ["ENABLED", "CONFIGURATION_UPDATED", "DISABLED"] {
        expected.push(format!("OTEL_METRIC_INTEGRATION_{what}"));
    }
    assert_eq!(
        event_types(&sim, SANDBOX),
        expected,
        "one event per write, none per read"
    );
    assert!(
        sim.events(SANDBOX)
            .iter()
            .all(|e| e.public_key.as_deref() == Some(OWNER.0))
    );
    // The events route filters by these names like any other.
    let path = format!(
        "/api/atlas/v2/groups/{SANDBOX}/events?eventType=GCP_LOG_STREAMING_ENABLED&eventType=OTEL_METRIC_INTEGRATION_DISABLED"
    );
    let listed = http.send("GET", &path, V2_MEDIA_TYPE, None).json();
    let names: Vec<&str> = strings(&listed["results"], "eventTypeName");
    assert_eq!(
        names,
        [
            "OTEL_METRIC_INTEGRATION_DISABLED",
            "GCP_LOG_STREAMING_ENABLED"
        ]
    );
    // A refused write leaves none.
    assert_eq!(http.post(&logs(SANDBOX), &Map::new()).status, 400);
    assert_eq!(event_types(&sim, SANDBOX).len(), expected.len());
}

#[test]
fn lists_page_and_filter_like_every_other_listing() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    let all = variants(&facts);
    let mut ids = Vec::new();
    for variant in all.iter().chain(all.iter().take(1)) {
        ids.push(created_id(
            &http.post(&logs(SANDBOX), &log_body(&facts, variant)),
        ));
    }
    let mut seen = Vec::new();
    for page in 1..=4 {
        let body = http
            .get(&format!("{}?itemsPerPage=2&pageNum={page}", logs(SANDBOX)))
            .json();
        assert_eq!(body["totalCount"], 7);
        let rels: Vec<&str> = strings(&body["links"], "rel");
        assert_eq!(rels.contains(&"next"), page < 4, "page {page}: {rels:?}");
        seen.extend(
            body["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|e| e["id"].as_str().unwrap_or("").to_owned()),
        );
    }
    assert_eq!(seen, ids, "every entry once, in creation order");
    let first = &all[0].kind;
    let filtered = http
        .get(&format!("{}?integrationType={first}", logs(SANDBOX)))
        .json();
    assert_eq!(filtered["totalCount"], 2);
    let no_count = http
        .get(&format!("{}?includeCount=false", logs(SANDBOX)))
        .json();
    assert!(no_count.get("totalCount").is_none());
    for bad in ["itemsPerPage=501", "pageNum=0", "includeCount=maybe"] {
        assert_eq!(
            http.get(&format!("{}?{bad}", logs(SANDBOX))).status,
            400,
            "{bad}"
        );
    }
    let body = metric_body(&facts);
    created_id(&http.post(&metrics(SANDBOX), &body));
    let other = [("providerType", json!("NEW_RELIC"))]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v));
    created_id(&http.post(
        &metrics(SANDBOX),
        &body.clone().into_iter().chain(other).collect(),
    ));
    let by_provider = http
        .get(&format!("{}?providerType=NEW_RELIC", metrics(SANDBOX)))
        .json();
    assert_eq!(by_provider["totalCount"], 1);
    assert_eq!(by_provider["results"][0]["providerType"], "NEW_RELIC");
    let by_kind = http
        .get(&format!("{}?integrationType=OTEL", metrics(SANDBOX)))
        .json();
    assert_eq!(by_kind["totalCount"], 2);
}

#[test]
fn a_project_holds_two_metric_integrations_as_the_simulator_assumes() {
    let facts = facts();
    let body = metric_body(&facts);
    let (_sim, mut http) = Http::open();
    created_id(&http.post(&metrics(SANDBOX), &body));
    created_id(&http.post(&metrics(SANDBOX), &body));
    let third = http.post(&metrics(SANDBOX), &body);
    assert_eq!(third.status, 409, "{}", third.text);
    assert_eq!(
        third.header("x-error-code"),
        Some("MAX_METRIC_INTEGRATIONS_EXCEEDED")
    );
    assert_eq!(count(&mut http, &metrics(SANDBOX)), 2);
    let sim = example()
        .assumptions(Assumptions {
            max_metric_integrations: 3,
            ..Assumptions::default()
        })
        .start();
    let mut http = Http::new(&sim);
    for _ in 0..3 {
        created_id(&http.post(&metrics(SANDBOX), &body));
    }
}

#[test]
fn a_put_replaces_the_whole_entry_and_cannot_change_its_type() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    let body = metric_body(&facts);
    let id = created_id(&http.post(&metrics(SANDBOX), &body));
    let one = format!("{}/{id}", metrics(SANDBOX));
    let mut bare = body.clone();
    bare.remove("headers");
    bare.insert("providerType".into(), json!("CUSTOM"));
    let answer = http.put(&one, &bare);
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(
        answer.json().get("headersRedacted").is_none(),
        "a PUT without headers leaves none"
    );
    assert_eq!(http.get(&one).json()["metricIntegrationId"], id.as_str());
    let mut other = bare.clone();
    other.insert(
        "metricIntegrationId".into(),
        json!("6630a1b2c3d4e5f6a7b8c9ff"),
    );
    assert_eq!(http.put(&one, &other).status, 400);

    let variants = variants(&facts);
    let s3 = log_body(&facts, &variants[0]);
    let id = created_id(&http.post(&logs(SANDBOX), &s3));
    let one = format!("{}/{id}", logs(SANDBOX));
    let changed = http.put(&one, &log_body(&facts, &variants[1]));
    assert_eq!(changed.status, 400, "{}", changed.text);
    assert_eq!(
        changed.header("x-error-code"),
        Some("CANNOT_MODIFY_IMMUTABLE_ATTRIBUTE")
    );
    assert_eq!(http.get(&one).json()["type"], variants[0].kind);
    let mut partial = s3.clone();
    partial.remove("bucketName");
    assert_eq!(
        http.put(&one, &partial).status,
        400,
        "a PUT is a whole request"
    );
    for missing in [
        format!("{}/6620a1b2c3d4e5f6a7b8c9ff", logs(SANDBOX)),
        format!("{}/not-an-id%0A", logs(SANDBOX)),
    ] {
        let reply = http.put(&missing, &s3);
        assert_eq!(reply.status, 404, "{}", reply.text);
        assert_eq!(
            reply.header("x-error-code"),
            Some("LOG_INTEGRATION_NOT_FOUND")
        );
        assert!(!reply.text.contains("not-an-id"));
        assert_eq!(http.delete(&missing).status, 404);
    }
    assert_eq!(
        http.get(&format!("{}/6630a1b2c3d4e5f6a7b8c9ff", metrics(SANDBOX)))
            .header("x-error-code"),
        Some("METRIC_INTEGRATION_NOT_FOUND")
    );
}

#[test]
fn the_push_based_export_reads_unconfigured_then_is_created_patched_and_deleted() {
    let facts = facts();
    let (sim, mut http) = Http::open();
    let unconfigured = http.get(&push(SANDBOX));
    assert_eq!(
        (unconfigured.status, unconfigured.content_type()),
        (200, PUSH_MEDIA)
    );
    assert_eq!(unconfigured.json()["state"], "UNCONFIGURED");
    assert!(unconfigured.json().get("bucketName").is_none());
    assert_eq!(http.patch(&push(SANDBOX), &Map::new()).status, 404);
    assert_eq!(http.delete(&push(SANDBOX)).status, 404);

    let body = push_body(&facts);
    let created = http.post(&push(SANDBOX), &body);
    assert_eq!((created.status, created.json()), (200, json!({})));
    assert_eq!(http.post(&push(SANDBOX), &body).status, 409);
    let active = http.get(&push(SANDBOX)).json();
    assert_eq!(active["state"], "ACTIVE");
    for (name, value) in &body {
        assert_eq!(&active[name.as_str()], value, "{name}");
    }
    let patch: Map<String, Value> = [("prefixPath".to_owned(), json!("moved/"))]
        .into_iter()
        .collect();
    assert_eq!(http.patch(&push(SANDBOX), &patch).status, 200);
    let patched = http.get(&push(SANDBOX)).json();
    assert_eq!(patched["prefixPath"], "moved/");
    assert_eq!(
        patched["bucketName"], body["bucketName"],
        "a PATCH keeps what it leaves out"
    );
    let upper: Map<String, Value> = [("iamRoleId".to_owned(), json!("65F1A2B3C4D5E6F7A8B9C0AA"))]
        .into_iter()
        .collect();
    assert_eq!(
        http.patch(&push(SANDBOX), &upper).status,
        400,
        "the pattern is lowercase"
    );
    let deleted = http.delete(&push(SANDBOX));
    assert_eq!((deleted.status, deleted.content_type()), (200, PUSH_MEDIA));
    assert_eq!(http.get(&push(SANDBOX)).json()["state"], "UNCONFIGURED");
    assert!(
        sim.events(SANDBOX).is_empty(),
        "the document names no event for it"
    );
}

#[test]
fn a_204_carries_its_media_type_and_no_body() {
    let (_sim, mut http) = Http::open();
    for (path, media) in [
        (
            format!("/api/atlas/v2/groups/{PROD}/integrations/PAGER_DUTY"),
            V2_MEDIA_TYPE,
        ),
        (
            format!("/api/atlas/v1.0/groups/{PROD}/integrations/DATADOG"),
            "application/json",
        ),
    ] {
        let reply = http.send("DELETE", &path, media, None);
        assert_eq!(
            (reply.status, reply.content_type(), reply.text.as_str()),
            (204, media, "")
        );
    }
}

#[test]
fn envelope_adds_status_to_lists_and_wraps_single_objects() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    let id = created_id(&http.post(
        &format!("{}?envelope=false", logs(SANDBOX)),
        &log_body(&facts, &variants(&facts)[0]),
    ));
    let list = http.get(&format!("{}?envelope=true", logs(SANDBOX))).json();
    assert_eq!(list["status"], 200);
    assert_eq!(list["results"][0]["id"], id.as_str());
    assert_eq!(list["totalCount"], 1);
    let one = http
        .get(&format!("{}/{id}?envelope=true", logs(SANDBOX)))
        .json();
    assert_eq!(
        (one["status"].clone(), one["content"]["id"].clone()),
        (json!(200), json!(id))
    );
    let created = http.post(
        &format!("{}?envelope=true", metrics(SANDBOX)),
        &metric_body(&facts),
    );
    assert_eq!(created.status, 201);
    assert_eq!(created.json()["status"], 201);
    let integrations = http
        .send(
            "GET",
            &format!("/api/atlas/v2/groups/{PROD}/integrations?envelope=true"),
            V2_MEDIA_TYPE,
            None,
        )
        .json();
    assert_eq!(integrations["status"], 200);
    assert!(integrations["results"].is_array() && integrations.get("content").is_none());
    let export = http.get(&format!("{}?envelope=true&pretty=true", push(SANDBOX)));
    crate::common::assert_contains(&export.text, "\n  \"content\"");
}

#[test]
fn an_accept_without_the_operations_version_is_refused_with_406() {
    let (_sim, mut http) = Http::open();
    for path in [
        logs(PROD),
        metrics(PROD),
        push(PROD),
        format!("/api/atlas/v2/groups/{PROD}/integrations"),
    ] {
        for accept in [Some("application/json"), Some("*/*"), None] {
            let reply = http.bytes("GET", &path, accept, None);
            assert_error(
                &reply,
                406,
                "INVALID_VERSION_DATE",
                "Invalid accept header or version date.",
            );
        }
    }
    // Another resource's version is not this one's.
    assert_eq!(
        http.send("GET", &logs(PROD), V2_MEDIA_TYPE, None).status,
        406
    );
    assert_eq!(http.send("GET", &push(PROD), LOG_MEDIA, None).status, 406);
    // Metric integrations also answer the preview version, in it.
    let preview = http.send("GET", &metrics(PROD), PREVIEW_MEDIA, None);
    assert_eq!(
        (preview.status, preview.content_type()),
        (200, PREVIEW_MEDIA)
    );
    let both = http.send(
        "GET",
        &metrics(PROD),
        &format!("{PREVIEW_MEDIA}, {LOG_MEDIA}"),
        None,
    );
    assert_eq!(
        both.content_type(),
        PREVIEW_MEDIA,
        "the client's first choice"
    );

    let sim = example()
        .assumptions(Assumptions {
            require_versioned_accept: false,
            ..Assumptions::default()
        })
        .start();
    let mut http = Http::new(&sim);
    let reply = http.bytes("GET", &logs(PROD), Some("application/json"), None);
    assert_eq!((reply.status, reply.content_type()), (200, LOG_MEDIA));
}

#[test]
fn hostile_bodies_are_refused_and_change_nothing() {
    let facts = facts();
    let (sim, mut http) = Http::open();
    let huge = vec![b'['; 3 * 1024 * 1024];
    let injected = json!({"type": "S3_LOG_EXPORT\n# heading", "logTypes": ["${HOME}"], "bucketName": "`rm -rf`"});
    let mut with_key = log_body(&facts, &variants(&facts)[0]);
    with_key.insert("evil\nkey **bold**".into(), json!(1));
    for body in [
        huge,
        b"{not json".to_vec(),
        b"[]".to_vec(),
        injected.to_string().into_bytes(),
        Value::Object(with_key).to_string().into_bytes(),
    ] {
        for path in [logs(SANDBOX), metrics(SANDBOX), push(SANDBOX)] {
            // A fresh connection each: a body past the limit closes its own.
            let Some(reply) = Http::new(&sim).attempt("POST", &path, media_for(&path), &body)
            else {
                assert!(
                    body.len() > 2 * 1024 * 1024,
                    "{path}: closed without an answer"
                );
                continue;
            };
            assert!(
                reply.status == 400 || reply.status == 413,
                "{path}: {} {}",
                reply.status,
                reply.text
            );
            for echoed in ["# heading", "${HOME}", "rm -rf", "evil", "**"] {
                assert!(
                    !reply.text.contains(echoed),
                    "{path} echoed {echoed}: {}",
                    reply.text
                );
            }
        }
    }
    assert_eq!(count(&mut http, &logs(SANDBOX)), 0);
    assert_eq!(count(&mut http, &metrics(SANDBOX)), 0);
    assert_eq!(http.get(&push(SANDBOX)).json()["state"], "UNCONFIGURED");
    assert!(sim.events(SANDBOX).is_empty());
}

#[test]
fn a_person_in_the_ui_changes_the_families_and_the_events_name_them() {
    use tether::sim::EntryFamily::{LogIntegrations, MetricIntegrations};
    let facts = facts();
    let (sim, mut http) = Http::open();
    let s3 = Value::Object(log_body(&facts, &variants(&facts)[0]));
    let id = sim
        .change_entry_as_user(
            LogIntegrations,
            SANDBOX,
            (None, Some(&s3)),
            "dana@example.com",
        )
        .expect("a person may create one");
    assert_eq!(http.get(&format!("{}/{id}", logs(SANDBOX))).status, 200);
    let mut moved = s3.clone();
    moved["prefixPath"] = json!("elsewhere/");
    sim.change_entry_as_user(
        LogIntegrations,
        SANDBOX,
        (Some(&id), Some(&moved)),
        "dana@example.com",
    )
    .expect("and change it");
    assert_eq!(
        http.get(&format!("{}/{id}", logs(SANDBOX))).json()["prefixPath"],
        "elsewhere/"
    );
    sim.change_entry_as_user(
        LogIntegrations,
        SANDBOX,
        (Some(&id), None),
        "dana@example.com",
    )
    .expect("and remove it");
    let metric = Value::Object(metric_body(&facts));
    let id = sim
        .change_entry_as_user(
            MetricIntegrations,
            SANDBOX,
            (None, Some(&metric)),
            "eli@example.com",
        )
        .expect("a metric integration too");
    assert_eq!(count(&mut http, &metrics(SANDBOX)), 1);
    let refused = sim.change_entry_as_user(
        MetricIntegrations,
        SANDBOX,
        (Some(&id), Some(&json!({}))),
        "eli@example.com",
    );
    assert!(
        refused
            .expect_err("validated like the API")
            .contains("required")
    );
    let events = sim.events(SANDBOX);
    let seen: Vec<(&str, Option<&str>)> = events
        .iter()
        .map(|e| (e.event_type_name.as_str(), e.username.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            ("S3_LOG_STREAMING_ENABLED", Some("dana@example.com")),
            (
                "S3_LOG_STREAMING_CONFIGURATION_UPDATED",
                Some("dana@example.com")
            ),
            ("S3_LOG_STREAMING_DISABLED", Some("dana@example.com")),
            ("OTEL_METRIC_INTEGRATION_ENABLED", Some("eli@example.com")),
        ]
    );
    assert!(events.iter().all(|e| e.public_key.is_none()));
}
