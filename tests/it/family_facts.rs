//! tether's table of the log and metric families (`model/family.rs`) held
//! to `fixtures/atlas-log-metric-facts.json`, the facts of MongoDB's v2
//! OpenAPI document of 2026-08-21: every field of every kind, its shape,
//! enum, pattern, required flag, limits and secrecy. The copy's equality
//! with the shared file is checked in `sim/log_metric_facts.rs`.

use std::collections::BTreeSet;

use serde_json::Value;
use tether::model::{Answered, EntryField, EntryKind, MAX_ENDPOINT_LENGTH, Shape};

use crate::common::fixtures;

fn facts() -> Value {
    let text = std::fs::read_to_string(fixtures().join("atlas-log-metric-facts.json"))
        .expect("the log and metric facts fixture");
    serde_json::from_str(&text).expect("the facts are JSON")
}

/// The request schema of each kind, with the fields every log integration
/// shares (`logTypes`) merged in, and the discriminator left out.
fn request_schemas(facts: &Value) -> Vec<(EntryKind, Value, BTreeSet<String>)> {
    let log = &facts["schemas"]["LogIntegrationRequest"];
    let mut out: Vec<_> = log["oneOf"]
        .as_array()
        .expect("oneOf")
        .iter()
        .map(|variant| {
            let name = variant["fields"]["type"]["enum"][0]
                .as_str()
                .expect("a type");
            let kind: EntryKind = name
                .parse()
                .unwrap_or_else(|_| panic!("{name} is modelled"));
            let mut fields = variant["fields"].as_object().expect("fields").clone();
            for (name, field) in log["fields"].as_object().expect("shared fields") {
                fields.entry(name.clone()).or_insert_with(|| field.clone());
            }
            fields.remove("type");
            let required = strings(&variant["required"]);
            (kind, Value::Object(fields), required)
        })
        .collect();
    let metric = &facts["schemas"]["MetricIntegrationRequest"];
    let mut fields = metric["fields"].as_object().expect("fields").clone();
    fields.remove("integrationType");
    out.push((
        EntryKind::Metric,
        Value::Object(fields),
        strings(&metric["required"]),
    ));
    out
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_kind_of_the_document_is_modelled_and_no_other() {
    let facts = facts();
    let documented: BTreeSet<EntryKind> = request_schemas(&facts)
        .into_iter()
        .map(|(kind, ..)| kind)
        .collect();
    let modelled: BTreeSet<EntryKind> = EntryKind::ALL.into_iter().collect();
    assert_eq!(documented, modelled);
    let discriminators =
        strings(&facts["schemas"]["LogIntegrationRequest"]["fields"]["type"]["enum"]);
    let log_kinds: BTreeSet<String> = EntryKind::ALL
        .into_iter()
        .filter(|kind| *kind != EntryKind::Metric)
        .map(|kind| kind.as_str().to_owned())
        .collect();
    assert_eq!(discriminators, log_kinds);
    assert_eq!(
        strings(&facts["schemas"]["MetricIntegrationRequest"]["fields"]["integrationType"]["enum"]),
        BTreeSet::from([EntryKind::Metric.as_str().to_owned()])
    );
}

#[test]
fn every_field_has_the_documented_shape_limits_and_secrecy() {
    for (kind, schema, required) in request_schemas(&facts()) {
        let documented: BTreeSet<&str> = schema
            .as_object()
            .expect("fields")
            .keys()
            .map(String::as_str)
            .collect();
        let modelled: BTreeSet<&str> = kind.fields().iter().map(|field| field.name).collect();
        assert_eq!(modelled, documented, "{kind}: the fields");
        for field in kind.fields() {
            let fact = &schema[field.name];
            let what = format!("{kind}.{}", field.name);
            assert_eq!(
                field.required,
                required.contains(field.name),
                "{what}: required"
            );
            check_shape(&what, field, fact);
            let password = fact["format"] == "password";
            assert_eq!(
                field.answered == Answered::Masked,
                password,
                "{what}: masked"
            );
            assert_eq!(
                field.max_length,
                fact["maxLength"].as_u64().map(|n| n as usize).or(
                    // The document gives `otelEndpoint` its limit in the
                    // description only (atlas-api.md): the same 2048.
                    (field.name == "otelEndpoint").then_some(MAX_ENDPOINT_LENGTH)
                ),
                "{what}: maxLength"
            );
            if let Some(only) = field.only_value {
                assert_eq!(
                    strings(&fact["enum"]),
                    BTreeSet::from([only.to_owned()]),
                    "{what}"
                );
            }
        }
    }
}

fn check_shape(what: &str, field: &EntryField, fact: &Value) {
    match field.shape {
        Shape::Text => {
            assert_eq!(fact["type"], "string", "{what}");
            assert!(
                fact["enum"].is_null() && fact["pattern"].is_null(),
                "{what}"
            );
        }
        Shape::Bool => assert_eq!(fact["type"], "boolean", "{what}"),
        Shape::Enum(values) => {
            assert_eq!(fact["type"], "string", "{what}");
            let modelled: BTreeSet<String> = values.iter().map(|v| (*v).to_owned()).collect();
            assert_eq!(modelled, strings(&fact["enum"]), "{what}: enum");
        }
        Shape::Hex24 => {
            let pattern = fact["pattern"].as_str().unwrap_or_default();
            assert!(pattern.contains("{24}"), "{what}: {pattern}");
        }
        Shape::Set { values, min, max } => {
            assert_eq!(fact["type"], "array", "{what}");
            assert_eq!(fact["uniqueItems"], true, "{what}: a set");
            let modelled: BTreeSet<String> = values.iter().map(|v| (*v).to_owned()).collect();
            assert_eq!(modelled, strings(&fact["items"]["enum"]), "{what}: values");
            assert_eq!(
                fact["minItems"].as_u64().unwrap_or(0) as usize,
                min,
                "{what}: min"
            );
            assert_eq!(
                fact["maxItems"].as_u64().map(|n| n as usize),
                Some(max),
                "{what}: max"
            );
        }
        Shape::Headers { min, max } => {
            assert_eq!(fact["type"], "array", "{what}");
            let value = &fact["items"]["fields"]["value"];
            assert_eq!(value["writeOnly"], true, "{what}: values are write-only");
            assert_eq!(value["format"], "password", "{what}");
            assert_eq!(
                fact["minItems"].as_u64().map(|n| n as usize),
                Some(min),
                "{what}: min"
            );
            assert_eq!(
                fact["maxItems"].as_u64().map(|n| n as usize),
                Some(max),
                "{what}: max"
            );
            assert!(
                matches!(field.answered, Answered::HeaderNames(_)),
                "{what}: answered without values"
            );
        }
    }
}

#[test]
fn answers_carry_what_the_model_reads() {
    let facts = facts();
    let metric = &facts["schemas"]["MetricIntegrationResponse"]["fields"];
    assert!(metric["metricIntegrationId"].is_object());
    let headers = EntryKind::Metric.field("headers").expect("headers");
    let Answered::HeaderNames(key) = headers.answered else {
        panic!("metric headers are answered redacted")
    };
    assert!(metric[key].is_object(), "metric answers carry `{key}`");
    assert!(metric["headers"].is_null(), "and not the values");
    for variant in facts["schemas"]["LogIntegrationResponse"]["oneOf"]
        .as_array()
        .expect("oneOf")
    {
        assert!(
            strings(&variant["required"]).contains("id"),
            "log answers carry `id`: {}",
            variant["schema"]
        );
    }
}
