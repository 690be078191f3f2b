//! The JSON Schema of the file, generated from the raw types; the parts that
//! describe integrations are generated from the model table.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use super::limits::VARIABLE_REFERENCE;
use super::raw::{RawFile, RawIntegrations, RawTags, RawTemplates, Sp};
use crate::model::{
    ApiVersion, DefaultValue, FieldKind, FieldSpec, IntegrationType, Lifecycle, Mode, Required,
    spec,
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

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let integrations = generator.subschema_for::<RawIntegrations>();
        json_schema!({
            "type": "object",
            "additionalProperties": integrations,
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
        let properties: Map<String, Value> = IntegrationType::ALL
            .into_iter()
            .map(|kind| (kind.as_str().to_owned(), integration_schema(kind)))
            .collect();
        json_schema!({
            "description": "Integration type to its fields, or to `absent` (the type must not \
                            exist in the project).",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
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
