//! The simulator held to every field, enum, required flag, write-only flag
//! and limit of `fixtures/atlas-log-metric-facts.json` (a copy of the
//! shared facts from MongoDB's v2 document of 2026-08-21), by reading it.

use serde_json::{Map, Value, json};

use super::helpers::{PROD, SANDBOX, strings};
use super::log_metric_support::*;
use crate::common::{fixtures, repo_root};

#[test]
fn the_log_metric_facts_fixture_is_the_shared_copy() {
    let shared = repo_root().join("../shared/docs/atlas-log-metric-facts.json");
    // The shared folder sits beside a checkout, not inside a clone on CI.
    if let Ok(text) = std::fs::read_to_string(&shared) {
        let copy = std::fs::read_to_string(fixtures().join("atlas-log-metric-facts.json"))
            .expect("fixture");
        assert!(
            text == copy,
            "tests/it/fixtures/atlas-log-metric-facts.json differs from {}: copy it again",
            shared.display()
        );
    }
}

/// Every schema a create can send, with where it goes and how it is built.
struct Target {
    what: String,
    path: String,
    schemas: Vec<Value>,
    body: Map<String, Value>,
}

fn targets(facts: &Value) -> Vec<Target> {
    let mut out: Vec<Target> = variants(facts)
        .into_iter()
        .map(|variant| Target {
            what: variant.kind.clone(),
            path: logs(SANDBOX),
            body: log_body(facts, &variant),
            schemas: vec![log_request(facts).clone(), variant.schema],
        })
        .collect();
    out.push(Target {
        what: "metric integration".into(),
        path: metrics(SANDBOX),
        body: metric_body(facts),
        schemas: vec![facts["schemas"]["MetricIntegrationRequest"].clone()],
    });
    out
}

fn without(body: &Map<String, Value>, name: &str) -> Map<String, Value> {
    let mut body = body.clone();
    body.remove(name);
    body
}

fn with(body: &Map<String, Value>, name: &str, value: Value) -> Map<String, Value> {
    let mut body = body.clone();
    body.insert(name.to_owned(), value);
    body
}

/// Creates, checks the answer, and deletes again (metric integrations are
/// limited per project).
fn accepted(http: &mut Http, target: &Target, body: &Map<String, Value>, why: &str) {
    let reply = http.post(&target.path, body);
    assert_eq!(reply.status, 201, "{} {why}: {}", target.what, reply.text);
    let id = created_id(&reply);
    assert_eq!(http.delete(&format!("{}/{id}", target.path)).status, 204);
}

fn refused(http: &mut Http, target: &Target, body: &Map<String, Value>, why: &str) {
    let before = count(http, &target.path);
    let reply = http.post(&target.path, body);
    assert_eq!(reply.status, 400, "{} {why}: {}", target.what, reply.text);
    assert_eq!(reply.content_type(), "application/json");
    assert!(reply.header("x-error-code").is_some());
    assert_eq!(
        count(http, &target.path),
        before,
        "{} {why}: nothing stored",
        target.what
    );
}

#[test]
fn every_log_type_in_the_facts_is_created_read_and_listed() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    let kinds: Vec<String> = variants(&facts).into_iter().map(|v| v.kind).collect();
    assert_eq!(kinds.len(), 6);
    for variant in variants(&facts) {
        let reply = http.post(&logs(PROD), &log_body(&facts, &variant));
        assert_eq!(reply.content_type(), LOG_MEDIA);
        let id = created_id(&reply);
        assert!(
            id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        let one = http.get(&format!("{}/{id}", logs(PROD)));
        assert_eq!((one.status, one.content_type()), (200, LOG_MEDIA));
        let one = one.json();
        assert_eq!(one["type"], variant.kind);
        // Every field the response schema requires is answered.
        let response = facts["schemas"]["LogIntegrationResponse"]["oneOf"]
            .as_array()
            .expect("oneOf")
            .iter()
            .find(|s| s["fields"]["type"]["enum"][0] == variant.kind)
            .expect("a response schema per type");
        for name in required(response) {
            assert!(
                !one[&name].is_null(),
                "{} answers {name}: {one}",
                variant.kind
            );
        }
    }
    let list = http.get(&logs(PROD)).json();
    let listed: Vec<&str> = strings(&list["results"], "type");
    assert_eq!(listed, kinds, "creation order");
}

#[test]
fn a_create_without_a_required_field_is_refused_and_changes_nothing() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    for target in targets(&facts) {
        accepted(&mut http, &target, &target.body, "complete");
        for schema in &target.schemas {
            for name in required(schema) {
                refused(
                    &mut http,
                    &target,
                    &without(&target.body, &name),
                    &format!("without {name}"),
                );
            }
        }
    }
    let push = push_body(&facts);
    for name in required(&facts["schemas"]["CreatePushBasedLogExportProjectRequest"]) {
        let reply = http.post(&push_path(), &without(&push, &name));
        assert_eq!(
            reply.status, 400,
            "push-based without {name}: {}",
            reply.text
        );
        assert_eq!(http.get(&push_path()).json()["state"], "UNCONFIGURED");
    }
}

fn push_path() -> String {
    push(SANDBOX)
}

/// Every enum of the targets, with the field it belongs to and whether it
/// is an array's items.
fn enums(target: &Target) -> Vec<(String, Vec<Value>, bool)> {
    target
        .schemas
        .iter()
        .flat_map(fields)
        .filter(|(name, _)| name != "type")
        .filter_map(|(name, property)| {
            if let Some(values) = property["enum"].as_array() {
                Some((name, values.clone(), false))
            } else {
                property["items"]["enum"]
                    .as_array()
                    .map(|values| (name, values.clone(), true))
            }
        })
        .collect()
}

#[test]
fn every_enum_value_is_accepted_and_any_other_refused() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    for target in targets(&facts) {
        for (name, values, in_array) in enums(&target) {
            let wrap = |v: Value| if in_array { json!([v]) } else { v };
            for value in &values {
                accepted(
                    &mut http,
                    &target,
                    &with(&target.body, &name, wrap(value.clone())),
                    &format!("{name}={value}"),
                );
            }
            for bad in [
                json!("NOT_IN_THE_ENUM"),
                json!(values[0].as_str().map(str::to_lowercase)),
                json!(7),
            ] {
                refused(
                    &mut http,
                    &target,
                    &with(&target.body, &name, wrap(bad.clone())),
                    &format!("{name}={bad}"),
                );
            }
        }
    }
    let mut target = targets(&facts).remove(0);
    for bad in ["NOT_A_LOG_TYPE", "DATADOG"] {
        target.body.insert("type".into(), json!(bad));
        refused(&mut http, &target, &target.body.clone(), "an unknown type");
    }
}

/// Paths of the write-only and `format: password` values in a schema.
fn secret_fields(schema: &Value) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (name, property) in fields(schema) {
        let write_only = property["writeOnly"] == true;
        if property["format"] == "password" || write_only {
            out.push((name.clone(), write_only));
        }
        for (inner, item) in fields(&property["items"]) {
            if item["format"] == "password" || item["writeOnly"] == true {
                out.push((format!("{name}[].{inner}"), true));
            }
        }
    }
    out
}

#[test]
fn write_only_and_password_values_never_come_back_in_clear() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    for target in targets(&facts) {
        let secrets: Vec<(String, bool)> = target.schemas.iter().flat_map(secret_fields).collect();
        if secrets.is_empty() {
            continue;
        }
        let created = http.post(&target.path, &target.body);
        let id = created_id(&created);
        let one = format!("{}/{id}", target.path);
        let updated = http.put(&one, &target.body);
        assert_eq!(updated.status, 200, "{}", updated.text);
        let answers = [
            created.text.clone(),
            http.get(&one).text,
            http.get(&target.path).text,
            updated.text,
        ];
        for text in &answers {
            assert!(
                !text.contains("S3CRET"),
                "{}: a secret came back: {text}",
                target.what
            );
        }
        let body = http.get(&one).json();
        for (path, write_only) in &secrets {
            match path.split_once("[].") {
                Some((array, _)) => {
                    let shown = body[array].as_array().cloned().unwrap_or_default();
                    assert!(
                        shown.iter().all(|h| h.get("value").is_none()),
                        "{path}: {body}"
                    );
                }
                None if *write_only => assert!(body.get(path.as_str()).is_none(), "{path}: {body}"),
                None => {
                    // Masked as the simulator masks every secret: length and last four kept.
                    let sent = secret_for(path);
                    let shown = body[path.as_str()].as_str().expect("a masked value");
                    assert_eq!(shown.len(), sent.len(), "{path}");
                    assert!(
                        shown.ends_with(&sent[sent.len() - 4..]) && shown.starts_with("****"),
                        "{shown}"
                    );
                }
            }
        }
        assert_eq!(http.delete(&one).status, 204);
    }
}

#[test]
fn metric_answers_carry_the_response_schemas_fields_instead_of_headers() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    let reply = http.post(&metrics(PROD), &metric_body(&facts));
    let id = created_id(&reply);
    let body = reply.json();
    let response = &facts["schemas"]["MetricIntegrationResponse"];
    for name in required(response) {
        assert!(!body[&name].is_null(), "{name}: {body}");
    }
    let id_facts = &response["fields"]["metricIntegrationId"];
    assert_eq!(
        id.len() as u64,
        id_facts["minLength"].as_u64().expect("minLength")
    );
    assert_eq!(
        id.len() as u64,
        id_facts["maxLength"].as_u64().expect("maxLength")
    );
    let served: Vec<&String> = body.as_object().expect("an object").keys().collect();
    let known: Vec<String> = fields(response).into_iter().map(|(n, _)| n).collect();
    assert!(
        served.iter().all(|k| known.contains(k)),
        "{served:?} ⊄ {known:?}"
    );
    assert!(body.get("headers").is_none());
    assert_eq!(body["headersRedacted"][0]["name"], "X-Header-0");
}

/// `(field, min, max, item schema)` of every array with item counts.
fn counted_arrays(target: &Target) -> Vec<(String, u64, u64, Value)> {
    target
        .schemas
        .iter()
        .flat_map(fields)
        .filter(|(_, p)| p["type"] == "array" && p["maxItems"].is_u64())
        .map(|(name, p)| {
            let min = p["minItems"].as_u64().unwrap_or(0);
            let max = p["maxItems"].as_u64().unwrap_or(0);
            (name, min, max, p["items"].clone())
        })
        .collect()
}

#[test]
fn item_counts_and_lengths_hold_at_the_boundary() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    for target in targets(&facts) {
        for (name, min, max, items) in counted_arrays(&target) {
            let at = |n: u64| -> Value {
                match items["enum"].as_array() {
                    // A set: distinct values as far as the enum goes, then repeats.
                    Some(values) => (0..n as usize)
                        .map(|i| values[i % values.len()].clone())
                        .collect(),
                    None => (0..n as usize).map(header).collect(),
                }
            };
            let distinct = items["enum"]
                .as_array()
                .map_or(max, |v| (v.len() as u64).min(max));
            accepted(
                &mut http,
                &target,
                &with(&target.body, &name, at(distinct)),
                &format!("{name} × {distinct}"),
            );
            refused(
                &mut http,
                &target,
                &with(&target.body, &name, at(max + 1)),
                &format!("{name} × {}", max + 1),
            );
            if min > 0 {
                accepted(
                    &mut http,
                    &target,
                    &with(&target.body, &name, at(min)),
                    &format!("{name} × {min}"),
                );
                refused(
                    &mut http,
                    &target,
                    &with(&target.body, &name, at(min - 1)),
                    &format!("{name} × {}", min - 1),
                );
            }
            if items["enum"].as_array().is_some_and(|v| v.len() > 1) {
                let repeated = json!([items["enum"][0], items["enum"][0]]);
                refused(
                    &mut http,
                    &target,
                    &with(&target.body, &name, repeated),
                    &format!("{name} repeated"),
                );
            }
        }
        for (name, property) in target.schemas.iter().flat_map(fields) {
            let Some(max) = property["maxLength"].as_u64() else {
                continue;
            };
            let of_length = |n: u64| {
                let mut text = TEXT.to_owned();
                text.push_str(&"a".repeat(n as usize - TEXT.len()));
                json!(text)
            };
            accepted(
                &mut http,
                &target,
                &with(&target.body, &name, of_length(max)),
                &format!("{name} of {max}"),
            );
            refused(
                &mut http,
                &target,
                &with(&target.body, &name, of_length(max + 1)),
                &format!("{name} of {}", max + 1),
            );
        }
    }
}

/// What atlas-api.md takes from the document's descriptions rather than
/// its schemas: OpenTelemetry log export's endpoint is https and at most
/// 2048 characters, its headers 2 KB in all; the simulator holds metric
/// endpoints and headers to the same (see `assumptions::log_metric`).
#[test]
fn the_limits_from_descriptions_hold_at_the_boundary() {
    const ENDPOINT_MAX: usize = 2048;
    const HEADERS_MAX_BYTES: usize = 2048;
    let facts = facts();
    let (_sim, mut http) = Http::open();
    let mut all = targets(&facts);
    let otel = all
        .iter()
        .position(|t| t.what == "OTEL_LOG_EXPORT")
        .expect("OTEL");
    let metric = all.pop().expect("metric");
    let otel = all.swap_remove(otel);
    for (target, endpoint, headers) in [
        (&otel, "otelEndpoint", "otelSuppliedHeaders"),
        (&metric, "endpoint", "headers"),
    ] {
        let long = |n: usize| json!(format!("{TEXT}{}", "a".repeat(n - TEXT.len())));
        accepted(
            &mut http,
            target,
            &with(&target.body, endpoint, long(ENDPOINT_MAX)),
            "endpoint at the limit",
        );
        refused(
            &mut http,
            target,
            &with(&target.body, endpoint, long(ENDPOINT_MAX + 1)),
            "endpoint past the limit",
        );
        for not_https in [
            "http://collector.example.com/v1",
            "collector.example.com",
            "https://",
            "https://host/a b",
        ] {
            refused(
                &mut http,
                target,
                &with(&target.body, endpoint, json!(not_https)),
                "not https",
            );
        }
        // Two headers whose names and values come to exactly the limit.
        let sized = |total: usize| {
            let value = "v".repeat(total - "A".len() - "B".len() - 1);
            json!([{"name": "A", "value": value}, {"name": "B", "value": "w"}])
        };
        accepted(
            &mut http,
            target,
            &with(&target.body, headers, sized(HEADERS_MAX_BYTES)),
            "headers at 2 KB",
        );
        refused(
            &mut http,
            target,
            &with(&target.body, headers, sized(HEADERS_MAX_BYTES + 1)),
            "headers past 2 KB",
        );
        for broken in [
            json!([{"name": "A"}]),
            json!([{"value": "x"}]),
            json!([{"name": "A", "value": 1}]),
            json!(["A: x"]),
            json!([{"name": "A", "value": "x", "extra": 1}]),
        ] {
            refused(
                &mut http,
                target,
                &with(&target.body, headers, broken),
                "a malformed header",
            );
        }
    }
}

#[test]
fn a_null_is_kept_where_the_facts_say_nullable_and_is_missing_elsewhere() {
    let facts = facts();
    let (_sim, mut http) = Http::open();
    for target in targets(&facts) {
        for schema in &target.schemas {
            for (name, property) in fields(schema) {
                let body = with(&target.body, &name, Value::Null);
                if property["nullable"] == true {
                    let reply = http.post(&target.path, &body);
                    let id = created_id(&reply);
                    assert_eq!(
                        reply.json().get(&name),
                        Some(&Value::Null),
                        "{name}: {}",
                        reply.text
                    );
                    assert_eq!(http.delete(&format!("{}/{id}", target.path)).status, 204);
                } else if required(schema).contains(&name) {
                    refused(&mut http, &target, &body, &format!("{name}: null"));
                }
            }
        }
    }
}
