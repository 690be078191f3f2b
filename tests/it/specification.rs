//! tether's model table and the simulator, checked field by field against
//! the facts extracted from MongoDB's official OpenAPI specifications
//! (`fixtures/atlas-openapi-facts.json`, a copy of the shared
//! `atlas-openapi-facts.json`). Every place where tether deliberately
//! differs is listed once below, with its reason; a difference that is not
//! listed, or a listed one that is no longer a difference, fails.

use std::collections::BTreeSet;

use serde_json::Value;
use tether::model::{
    DefaultValue, FieldKind, FieldSpec, Format, IntegrationType, Lifecycle, Required, spec,
};
use tether::sim::{self, Version};

use crate::common::{fixtures, repo_root};

/// tether's deliberate deviations from the specifications: (type, field,
/// aspect, why). `field` is empty for a whole type.
const DEVIATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "FLOWDOCK",
        "",
        "type",
        "in neither enum today; older v1.0 documentation had it, so a file may still \
         declare it `absent` to remove a legacy one",
    ),
    (
        "SLACK",
        "apiToken",
        "required",
        "Slack is connected through the Atlas UI (OAuth): a file may leave the token out to \
         check and keep the channel; a plan that needs a write says the token is missing",
    ),
    (
        "PAGER_DUTY",
        "region",
        "default",
        "no default is declared, but recorded responses show `US` when none was sent",
    ),
    (
        "DATADOG",
        "region",
        "default",
        "no default is declared, but recorded responses show `US` when none was sent",
    ),
    (
        "PROMETHEUS",
        "enabled",
        "default",
        "required, so never filled in from a default; Atlas returns booleans never set as \
         `false` (observed)",
    ),
    (
        "DATADOG",
        "apiKey",
        "format",
        "Atlas refuses keys that are not hexadecimal (400 INVALID_INTEGRATION_SETTINGS, \
         recorded), so tether refuses them first",
    ),
    (
        "WEBHOOK",
        "url",
        "format",
        "tether checks the URL is absolute http(s) before anything is sent",
    ),
    (
        "MICROSOFT_TEAMS",
        "microsoftTeamsWebhookUrl",
        "format",
        "tether checks the URL is absolute http(s) before anything is sent",
    ),
    (
        "WEBHOOK",
        "bodyTemplate",
        "format",
        "Atlas's documentation limits a body template to 16 KB",
    ),
    (
        "WEBHOOK",
        "headersTemplate",
        "format",
        "Atlas's documentation limits a headers template to 4 KB",
    ),
    (
        "WEBHOOK",
        "bodyTemplate",
        "secret",
        "`format: password`, but a body template is the alert's shape, which reviewers must \
         read in plans; credentials belong in `headersTemplate` (a secret) or `secret`",
    ),
];

/// The simulator's deviations: what recorded responses show beyond the
/// specifications.
const SIMULATOR_DEVIATIONS: &[(&str, &str, &str, &str)] = &[(
    "DATADOG",
    "customEndpoint",
    "extra field",
    "recorded v2 responses return `customEndpoint: null`",
)];

fn facts() -> Value {
    let text = std::fs::read_to_string(fixtures().join("atlas-openapi-facts.json"))
        .expect("the facts fixture");
    serde_json::from_str(&text).expect("the facts are JSON")
}

/// The schema of `type_name` in one version: v1.0 lists only the schemas
/// that differ from v2.
fn schema<'a>(facts: &'a Value, type_name: &str, version: Version) -> Option<&'a Value> {
    let v1 = &facts["v1_schemas_checked"][type_name];
    match version {
        Version::V1 if !v1.is_null() => Some(v1),
        _ => facts["v2_schemas"].get(type_name),
    }
}

/// A property's facts, without `id` and `type`, which every schema has.
fn properties(schema: &Value) -> Vec<(&str, &Value)> {
    schema["properties"]
        .as_object()
        .expect("properties")
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "id" | "type"))
        .map(|(name, property)| (name.as_str(), property))
        .collect()
}

fn required_list(schema: &Value) -> BTreeSet<&str> {
    schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn kind_of(property: &Value) -> FieldKind {
    match property["type"].as_str() {
        Some("boolean") => FieldKind::Bool,
        Some("string") => FieldKind::String,
        other => panic!("a property of type {other:?}"),
    }
}

fn allowed_of(property: &Value) -> BTreeSet<&str> {
    property["enum"]
        .as_array()
        .map(|values| values.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn default_of(property: &Value) -> Option<DefaultValue> {
    match &property["default"] {
        Value::Null => None,
        Value::Bool(b) => Some(DefaultValue::Bool(*b)),
        Value::String(s) => Some(DefaultValue::Str(Box::leak(s.clone().into_boxed_str()))),
        other => panic!("a default of {other}"),
    }
}

/// The format the property's pattern or lengths say, if any.
fn format_of(property: &Value) -> Format {
    match (
        property["pattern"].as_str(),
        property["minLength"].as_u64(),
        property["maxLength"].as_u64(),
    ) {
        (Some("^([0-9a-f]){40}$"), _, _) => Format::LowerHex40,
        (Some(other), _, _) => panic!("a pattern tether does not know: {other}"),
        (None, Some(min), Some(max)) => Format::Length {
            min: min as usize,
            max: max as usize,
        },
        (None, None, None) => Format::Any,
        other => panic!("lengths tether does not know: {other:?}"),
    }
}

fn is_write_only(property: &Value) -> bool {
    property["writeOnly"] == true || property["format"] == "password"
}

/// Every aspect in which `field` differs from the specification's
/// `property`, as (aspect, description).
fn differences(field: &FieldSpec, property: &Value, required: bool) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if field.kind != kind_of(property) {
        out.push(("kind", format!("{:?}", field.kind)));
    }
    if field.allowed.iter().copied().collect::<BTreeSet<_>>() != allowed_of(property) {
        out.push(("enum", format!("{:?}", field.allowed)));
    }
    let tether_required = match field.required {
        Required::Always => true,
        Required::Optional => false,
        Required::ToWrite => !required,
    };
    if tether_required != required {
        out.push(("required", format!("{:?}", field.required)));
    }
    if field.default != default_of(property) {
        out.push(("default", format!("{:?}", field.default)));
    }
    if field.format != format_of(property) {
        out.push(("format", format!("{:?}", field.format)));
    }
    if field.write_only != is_write_only(property) {
        out.push(("write-only", format!("{}", field.write_only)));
    }
    if is_write_only(property) && !field.sensitive {
        out.push(("secret", "not sensitive".to_owned()));
    }
    out
}

fn listed(deviations: &[(&str, &str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    deviations
        .iter()
        .map(|(t, f, a, why)| {
            assert!(!why.is_empty(), "{t}.{f} {a} has no reason");
            (t.to_string(), f.to_string(), a.to_string())
        })
        .collect()
}

#[test]
fn the_facts_fixture_is_the_shared_copy() {
    let shared = repo_root().join("../shared/docs/atlas-openapi-facts.json");
    // The shared folder sits beside a checkout, not inside a clone on CI.
    if let Ok(text) = std::fs::read_to_string(&shared) {
        let copy =
            std::fs::read_to_string(fixtures().join("atlas-openapi-facts.json")).expect("fixture");
        assert!(
            text == copy,
            "tests/it/fixtures/atlas-openapi-facts.json differs from {}: copy it again",
            shared.display()
        );
    }
}

#[test]
fn the_type_enum_is_the_specifications() {
    let facts = facts();
    for key in ["type_enum_v2", "type_enum_v1"] {
        let official: Vec<&str> = facts[key]
            .as_array()
            .expect(key)
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let ours: Vec<&str> = IntegrationType::ALL
            .into_iter()
            .filter(|&kind| kind != IntegrationType::Flowdock)
            .map(IntegrationType::as_str)
            .collect();
        assert_eq!(ours, official, "{key}, in Atlas's order");
    }
    // The types with a schema are the ones tether can configure.
    let configurable: BTreeSet<&str> = IntegrationType::ALL
        .into_iter()
        .filter(|&kind| spec(kind).lifecycle != Lifecycle::Retired)
        .map(IntegrationType::as_str)
        .collect();
    let discriminated: BTreeSet<&str> = facts["discriminator_types"]
        .as_array()
        .expect("discriminator_types")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(configurable, discriminated);
    assert!(spec(IntegrationType::HipChat).fields.is_empty());
}

#[test]
fn the_model_table_is_the_specifications_but_for_the_listed_deviations() {
    let facts = facts();
    let mut found = BTreeSet::new();
    let mut described = Vec::new();
    found.insert(("FLOWDOCK".to_owned(), String::new(), "type".to_owned()));
    for kind in IntegrationType::ALL {
        let Some(schema) = schema(&facts, kind.as_str(), Version::V2) else {
            continue;
        };
        let required = required_list(schema);
        let props = properties(schema);
        for field in spec(kind).fields {
            if !props.iter().any(|(name, _)| *name == field.name) {
                found.insert((
                    kind.to_string(),
                    field.name.to_owned(),
                    "extra field".into(),
                ));
            }
        }
        for (name, property) in props {
            let Some(field) = spec(kind).field(name) else {
                found.insert((kind.to_string(), name.to_owned(), "missing field".into()));
                continue;
            };
            for (aspect, ours) in differences(field, property, required.contains(name)) {
                described.push(format!("{kind}.{name} {aspect}: tether has {ours}"));
                found.insert((kind.to_string(), name.to_owned(), aspect.to_owned()));
            }
        }
    }
    let expected = listed(DEVIATIONS);
    let unlisted: Vec<_> = found.difference(&expected).collect();
    let stale: Vec<_> = expected.difference(&found).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "not listed as deviations: {unlisted:?}\nlisted but no longer different: {stale:?}\n\
         {described:#?}"
    );
}

/// v1.0 has every field v2 has but the webhook templates: what tether
/// marks `v2_only` is exactly what the v1.0 specification lacks.
#[test]
fn v2_only_fields_are_the_ones_v1_lacks() {
    let facts = facts();
    for kind in IntegrationType::ALL {
        let (Some(v1), Some(v2)) = (
            schema(&facts, kind.as_str(), Version::V1),
            schema(&facts, kind.as_str(), Version::V2),
        ) else {
            continue;
        };
        let v1_names: BTreeSet<&str> = properties(v1).iter().map(|(n, _)| *n).collect();
        let v2_only: BTreeSet<&str> = properties(v2)
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !v1_names.contains(n))
            .collect();
        let ours: BTreeSet<&str> = spec(kind)
            .fields
            .iter()
            .filter(|f| f.v2_only)
            .map(|f| f.name)
            .collect();
        assert_eq!(ours, v2_only, "{kind}");
    }
}

/// The simulator serves, per version, exactly the specification's fields
/// with its required list, kinds and enums (plus what recorded responses
/// show, listed above).
#[test]
fn the_simulator_agrees_with_the_facts() {
    let facts = facts();
    let mut found = BTreeSet::new();
    for version in [Version::V1, Version::V2] {
        for kind in IntegrationType::ALL {
            let served = sim::fields(kind, version);
            let Some(schema) = schema(&facts, kind.as_str(), version) else {
                assert!(served.is_empty(), "{kind} has no schema but fields");
                continue;
            };
            let required = required_list(schema);
            let props = properties(schema);
            for field in &served {
                let Some((_, property)) = props.iter().find(|(n, _)| *n == field.name) else {
                    found.insert((
                        kind.to_string(),
                        field.name.to_owned(),
                        "extra field".into(),
                    ));
                    continue;
                };
                assert_eq!(
                    field.kind,
                    kind_of(property),
                    "{kind}.{} {version:?}",
                    field.name
                );
                assert_eq!(
                    field.allowed.iter().copied().collect::<BTreeSet<_>>(),
                    allowed_of(property),
                    "{kind}.{} {version:?}",
                    field.name
                );
                assert_eq!(
                    field.required,
                    required.contains(field.name),
                    "{kind}.{} required, {version:?}",
                    field.name
                );
            }
            for (name, _) in props {
                assert!(
                    served.iter().any(|f| f.name == name),
                    "the simulator lacks {kind}.{name} on {version:?}"
                );
            }
        }
    }
    assert_eq!(found, listed(SIMULATOR_DEVIATIONS));
}
