//! The JSON Schema of the file, generated from the raw types; the parts that
//! describe integrations and the log and metric families are generated from
//! the model's tables.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use super::limits::VARIABLE_REFERENCE;
use super::raw::{RawFamilies, RawFile, RawIntegrations, RawTags, RawTemplates, Sp};
use crate::model::{
    ApiVersion, DefaultValue, EntryField, EntryKind, Family, FieldKind, FieldSpec, GroupId,
    IntegrationType, Lifecycle, MAX_HEADER_BYTES, Mode, Required, Shape, spec,
};

/// The schema as pretty JSON with a trailing newline, as committed in
/// `schemas/tether.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawFile>();
    let mut schema = schema.to_value();
    remove_null(&mut schema);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is always JSON");
    text.push('\n');
    text
}

/// The file never takes `null` where a key is optional (the key is left out
/// instead), so the `null` that schemars allows for `Option` is removed.
fn remove_null(value: &mut Value) {
    let Value::Object(object) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(remove_null);
        }
        return;
    };
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [single] = types.as_slice() {
            let single = single.clone();
            object.insert("type".to_owned(), single);
        }
    }
    if let Some(Value::Array(choices)) = object.get("anyOf") {
        let kept: Vec<Value> = choices
            .iter()
            .filter(|c| c.get("type").is_none_or(|t| t != "null"))
            .cloned()
            .collect();
        if let [single] = kept.as_slice() {
            let Value::Object(single) = single.clone() else {
                return;
            };
            object.remove("anyOf");
            object.extend(single);
        }
    }
    object.values_mut().for_each(remove_null);
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

impl JsonSchema for Mode {
    fn schema_name() -> Cow<'static, str> {
        "Mode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`authoritative` deletes live integrations the file does not declare; \
                            `additive` never deletes; `observe` never writes.",
            "type": "string",
            "enum": Mode::ALL.map(Mode::as_str),
        })
    }
}

impl JsonSchema for ApiVersion {
    fn schema_name() -> Cow<'static, str> {
        "Api".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Atlas API generation: `v2` (the default) or `v1` (the deprecated \
                            v1.0 endpoints). The command line's `--api` wins.",
            "type": "string",
            "enum": ApiVersion::ALL.map(ApiVersion::as_str),
        })
    }
}

impl JsonSchema for RawTemplates {
    fn schema_name() -> Cow<'static, str> {
        "Templates".into()
    }

    /// A template holds integration types and, beside them, the family
    /// keys.
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut properties = integration_properties();
        properties.extend(family_properties(generator));
        json_schema!({
            "type": "object",
            "additionalProperties": {
                "description": "Integration types, with their fields or `absent`, and the log \
                                and metric families, that a project opts into with `use`.",
                "type": "object",
                "properties": properties,
                "additionalProperties": false,
            },
        })
    }
}

impl JsonSchema for RawTags {
    fn schema_name() -> Cow<'static, str> {
        "Tags".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "additionalProperties": { "type": "string" },
        })
    }
}

impl JsonSchema for RawIntegrations {
    fn schema_name() -> Cow<'static, str> {
        "Integrations".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Integration type to its fields, or to `absent` (the type must not \
                            exist in the project).",
            "type": "object",
            "properties": integration_properties(),
            "additionalProperties": false,
        })
    }
}

fn integration_properties() -> Map<String, Value> {
    IntegrationType::ALL
        .into_iter()
        .map(|kind| (kind.as_str().to_owned(), integration_schema(kind)))
        .collect()
}

/// The keys of a layer that speak of the families, flattened into the
/// project's, `defaults`' and each template's keys.
impl JsonSchema for RawFamilies {
    fn schema_name() -> Cow<'static, str> {
        "Families".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "properties": family_properties(generator),
        })
    }
}

/// The schema of `log_integrations`, one definition that every layer
/// refers to.
struct LogIntegrations;

/// The schema of `metric_integrations`, likewise.
struct MetricIntegrations;

impl JsonSchema for LogIntegrations {
    fn schema_name() -> Cow<'static, str> {
        "LogIntegrations".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        family_schema(Family::Log)
    }
}

impl JsonSchema for MetricIntegrations {
    fn schema_name() -> Cow<'static, str> {
        "MetricIntegrations".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        family_schema(Family::Metric)
    }
}

fn family_properties(generator: &mut SchemaGenerator) -> Map<String, Value> {
    let mut properties = Map::new();
    for family in Family::ALL {
        let list = match family {
            Family::Log => generator.subschema_for::<LogIntegrations>(),
            Family::Metric => generator.subschema_for::<MetricIntegrations>(),
        };
        properties.insert(family.section().to_owned(), list.to_value());
    }
    properties.insert(
        "push_based_log_export".to_owned(),
        json!({
            "description": "`absent` removes the deprecated push-based log export, once an S3 \
                            log integration of the project exists.",
            "const": "absent",
        }),
    );
    properties
}

fn family_schema(family: Family) -> Schema {
    let (description, items) = match family {
        Family::Log => (
            "Log export (Atlas's `logIntegrations`): a list, several per project, each with its \
             `type`. The most specific layer that has the list gives it whole; `[]` means none.",
            json!({"oneOf": family.kinds().map(entry_schema).collect::<Vec<_>>()}),
        ),
        Family::Metric => (
            "Metric export over OpenTelemetry (Atlas's `metricIntegrations`): a list, several \
             per project. The most specific layer that has the list gives it whole; `[]` means \
             none.",
            entry_schema(EntryKind::Metric),
        ),
    };
    json_schema!({
        "description": description,
        "type": "array",
        "items": items,
    })
}

fn entry_schema(kind: EntryKind) -> Value {
    let family = kind.family();
    let mut properties = Map::new();
    let discriminator = match family {
        Family::Log => json!({"const": kind.as_str()}),
        Family::Metric => json!({
            "const": kind.as_str(),
            "description": "`OTEL`, its only value; may be left out.",
        }),
    };
    properties.insert(family.discriminator().to_owned(), discriminator);
    properties.insert(
        "id".to_owned(),
        json!({
            "description": "Pins the entry to the live one with this id; without it, the entry \
                            is matched by what it points at.",
            "type": "string",
            "pattern": format!("^([0-9a-f]{{{}}}|.*{VARIABLE_REFERENCE}.*)$", GroupId::LEN),
        }),
    );
    for field in kind.fields() {
        properties.insert(field.name.to_owned(), entry_field_schema(field));
    }
    let mut required: Vec<&str> = match family {
        Family::Log => vec![family.discriminator()],
        Family::Metric => Vec::new(),
    };
    required.extend(
        kind.fields()
            .iter()
            .filter(|field| field.required && field.only_value.is_none())
            .map(|field| field.name),
    );
    json!({
        "description": kind.doc(),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn entry_field_schema(field: &EntryField) -> Value {
    let variable = json!({"pattern": VARIABLE_REFERENCE});
    let mut schema = match field.shape {
        _ if field.is_secret() => json!({"type": "string", "pattern": VARIABLE_REFERENCE}),
        Shape::Text if field.https => json!({
            "type": "string",
            "anyOf": [{"pattern": "^https://[^/]"}, variable],
        }),
        Shape::Text => json!({"type": "string", "minLength": 1}),
        Shape::Bool => json!({"type": "boolean"}),
        Shape::Enum(values) => json!({
            "type": "string",
            "anyOf": [{"enum": values}, variable],
        }),
        Shape::Hex24 => json!({
            "type": "string",
            "pattern": format!("^([a-fA-F0-9]{{24}}|.*{VARIABLE_REFERENCE}.*)$"),
        }),
        Shape::Set { values, min, max } => json!({
            "type": "array",
            "items": {"type": "string", "anyOf": [{"enum": values}, variable]},
            "uniqueItems": true,
            "minItems": min,
            "maxItems": max,
        }),
        Shape::Headers { min, max } => json!({
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {
                        "description": "The header's name, as written (no variable).",
                        "type": "string",
                        "pattern": "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
                    },
                    "value": {
                        "description": "Secret, never returned by Atlas: write it as \
                                        `${VARIABLE}`.",
                        "type": "string",
                        "pattern": VARIABLE_REFERENCE,
                    },
                },
                "required": ["name", "value"],
                "additionalProperties": false,
            },
            "minItems": min,
            "maxItems": max,
        }),
    };
    if let Some(max) = field.max_length {
        schema["maxLength"] = json!(max);
    }
    let mut description = field.doc.to_owned();
    if field.is_secret() {
        description.push_str(" Secret: write it as `${VARIABLE}`.");
    }
    if field.is_headers() {
        description.push_str(&format!(
            " Names and values together at most {MAX_HEADER_BYTES} bytes."
        ));
    }
    if field.identity {
        description.push_str(" Part of what the entry points at.");
    }
    schema["description"] = Value::String(description);
    schema
}

fn integration_schema(kind: IntegrationType) -> Value {
    let type_spec = spec(kind);
    let absent =
        json!({"const": "absent", "description": "This type must not exist in the project."});
    if type_spec.lifecycle == Lifecycle::Retired {
        return json!({"description": type_spec.doc, "anyOf": [absent]});
    }
    let properties: Map<String, Value> = type_spec
        .fields
        .iter()
        .map(|field| (field.name.to_owned(), field_schema(field)))
        .collect();
    let required: Vec<&str> = type_spec
        .fields
        .iter()
        .filter(|f| f.required == Required::Always)
        .map(|f| f.name)
        .collect();
    json!({
        "description": type_spec.doc,
        "anyOf": [
            {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            },
            absent,
        ],
    })
}

fn field_schema(field: &FieldSpec) -> Value {
    let mut schema = match field.kind {
        FieldKind::Bool => json!({"type": "boolean"}),
        FieldKind::String if field.allowed.is_empty() => json!({"type": "string"}),
        FieldKind::String => json!({
            "type": "string",
            "anyOf": [{"enum": field.allowed}, {"pattern": VARIABLE_REFERENCE}],
        }),
    };
    let mut description = field.doc.to_owned();
    if field.sensitive {
        description.push_str(" Secret: write it as `${VARIABLE}`.");
    }
    if field.v2_only {
        description.push_str(" Only in Atlas's v2 API (not with `api: v1`).");
    }
    schema["description"] = Value::String(description);
    if let Some(default) = field.default {
        schema["default"] = match default {
            DefaultValue::Str(s) => json!(s),
            DefaultValue::Bool(b) => json!(b),
        };
    }
    schema
}
