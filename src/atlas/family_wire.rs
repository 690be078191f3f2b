//! The JSON of the log and metric families and of the push-based log
//! export: write bodies built from the model's table, and answers read into
//! the model, checked as hostile input.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::redact::Redactor;
use super::wire::{identifier, json_kind};
use crate::model::{
    Answered, Entry, EntryKind, EntryValue, Family, LiveEntries, LiveEntry, LiveEntryValue,
    PushBasedExport, Shape, is_plain_id,
};

/// The media type of every operation of the log and metric families.
pub const FAMILY_MEDIA_TYPE: &str = "application/vnd.atlas.2025-03-12+json";

/// The media type of the push-based log export (deprecated).
pub const PUSH_BASED_MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";

/// The POST and PUT body of an entry: the discriminator, every declared
/// field, and the only value of a field the file may leave out.
pub fn entry_body(entry: &Entry) -> Value {
    let mut body = Map::new();
    let family = entry.kind.family();
    body.insert(
        family.discriminator().to_owned(),
        Value::String(entry.kind.as_str().to_owned()),
    );
    for field in entry.kind.fields() {
        let value = match entry.get(field.name) {
            Some(EntryValue::Text(text)) => Value::String(text.clone()),
            Some(EntryValue::Secret(secret)) => Value::String(secret.expose().to_owned()),
            Some(EntryValue::Bool(b)) => Value::Bool(*b),
            Some(EntryValue::Set(values)) => {
                Value::Array(values.iter().cloned().map(Value::String).collect())
            }
            Some(EntryValue::Headers(headers)) => Value::Array(
                headers
                    .iter()
                    .map(|header| json!({"name": header.name, "value": header.value.expose()}))
                    .collect(),
            ),
            None => match field.only_value {
                Some(only) => Value::String(only.to_owned()),
                None => continue,
            },
        };
        body.insert(field.name.to_owned(), value);
    }
    Value::Object(body)
}

/// The secrets a write of `entry` sends, to redact from what comes back.
pub fn entry_secrets(entry: &Entry) -> Redactor {
    let mut secrets = Redactor::default();
    for secret in entry.secrets() {
        secrets.sent(&secret);
    }
    secrets
}

/// The entries of a family, from the `results` of its listing.
pub fn live_entries(family: Family, results: &[Value]) -> Result<LiveEntries, String> {
    let mut live = LiveEntries::default();
    let mut ids = HashSet::with_capacity(results.len());
    for item in results {
        let object = item
            .as_object()
            .ok_or_else(|| format!("an entry of `{}` is not an object", family.path()))?;
        match live_entry_kind(family, object)? {
            Ok(kind) => {
                let entry = live_entry(kind, object)?;
                if !ids.insert(entry.id.clone()) {
                    return Err(format!(
                        "`{}` lists the id `{}` twice",
                        family.path(),
                        entry.id
                    ));
                }
                live.entries.push(entry);
            }
            Err(unknown) => live.unknown_types.push(unknown),
        }
    }
    Ok(live)
}

/// One entry, from the answer to a POST or PUT.
pub fn written_entry(family: Family, value: &Value) -> Result<LiveEntry, String> {
    let object = value
        .as_object()
        .ok_or_else(|| format!("the answer for `{}` is not an object", family.path()))?;
    match live_entry_kind(family, object)? {
        Ok(kind) => live_entry(kind, object),
        Err(unknown) => Err(format!(
            "the answer is a `{unknown}`, which tether does not model"
        )),
    }
}

/// The entry's kind, or the name of a kind tether does not model.
fn live_entry_kind(
    family: Family,
    object: &Map<String, Value>,
) -> Result<Result<EntryKind, String>, String> {
    let key = family.discriminator();
    let name = object
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("an entry of `{}` has no `{key}`", family.path()))?;
    Ok(match name.parse::<EntryKind>() {
        Ok(kind) if kind.family() == family => Ok(kind),
        _ => Err(identifier(name)),
    })
}

fn live_entry(kind: EntryKind, object: &Map<String, Value>) -> Result<LiveEntry, String> {
    let id_key = kind.family().id_field();
    let id = match object.get(id_key) {
        Some(Value::String(id)) if is_plain_id(id) => id.clone(),
        Some(Value::String(_)) => {
            return Err(format!(
                "a `{kind}` has an `{id_key}` that is not an id Atlas assigns"
            ));
        }
        _ => return Err(format!("a `{kind}` has no `{id_key}`")),
    };
    let mut fields = Vec::new();
    for field in kind.fields() {
        let key = match field.answered {
            Answered::HeaderNames(key) => key,
            Answered::Clear | Answered::Masked => field.name,
        };
        let Some(value) = object.get(key).filter(|value| !value.is_null()) else {
            continue;
        };
        let wrong = || {
            format!(
                "`{kind}.{key}` of `{id}` is {}, not {}",
                json_kind(value),
                expected(field.shape)
            )
        };
        let live = match (field.shape, value) {
            (Shape::Bool, Value::Bool(b)) => LiveEntryValue::Bool(*b),
            (Shape::Text | Shape::Enum(_) | Shape::Hex24, Value::String(text)) => {
                LiveEntryValue::Text(text.clone())
            }
            (Shape::Set { .. }, Value::Array(items)) => LiveEntryValue::Set(
                items
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned).ok_or_else(wrong))
                    .collect::<Result<_, _>>()?,
            ),
            (Shape::Headers { .. }, Value::Array(items)) => LiveEntryValue::HeaderNames(
                items
                    .iter()
                    .map(|item| {
                        item.get("name")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                            .ok_or_else(wrong)
                    })
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(wrong()),
        };
        fields.push((field, live));
    }
    let unmodelled = object
        .iter()
        .filter(|(name, value)| {
            !value.is_null()
                && name.as_str() != id_key
                && name.as_str() != kind.family().discriminator()
                && name.as_str() != "links" && !kind.fields().iter().any(|field| {
                field.name == name.as_str()
                    || matches!(field.answered, Answered::HeaderNames(key) if key == name.as_str())
            })
        })
        .map(|(name, _)| identifier(name))
        .collect();
    Ok(LiveEntry {
        kind,
        id,
        fields,
        unmodelled,
    })
}

fn expected(shape: Shape) -> &'static str {
    match shape {
        Shape::Bool => "a boolean",
        Shape::Text | Shape::Enum(_) | Shape::Hex24 => "a string",
        Shape::Set { .. } => "a list of strings",
        Shape::Headers { .. } => "a list of headers with names",
    }
}

/// The push-based log export of a project, from its GET.
pub fn push_based_export(value: &Value) -> Result<PushBasedExport, String> {
    let object = value
        .as_object()
        .ok_or_else(|| "the push-based log export is not an object".to_owned())?;
    let text = |key: &str| -> Result<Option<String>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(format!(
                "the push-based log export's `{key}` is {}, not a string",
                json_kind(other)
            )),
        }
    };
    let state =
        text("state")?.ok_or_else(|| "the push-based log export has no `state`".to_owned())?;
    Ok(PushBasedExport {
        state: identifier(&state),
        bucket_name: text("bucketName")?,
        prefix_path: text("prefixPath")?,
        iam_role_id: text("iamRoleId")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Header;
    use crate::secret::Secret;

    fn entry(kind: EntryKind, fields: Vec<(&str, EntryValue)>) -> Entry {
        Entry {
            kind,
            id: None,
            fields: fields
                .into_iter()
                .map(|(name, value)| (kind.field(name).unwrap(), value))
                .collect(),
        }
    }

    #[test]
    fn a_body_carries_the_discriminator_and_the_only_values() {
        let metric = entry(
            EntryKind::Metric,
            vec![
                (
                    "endpoint",
                    EntryValue::Text("https://otlp.example.com".into()),
                ),
                (
                    "headers",
                    EntryValue::Headers(vec![Header {
                        name: "Authorization".into(),
                        value: Secret::new("Api-Token dt0c01.abc"),
                    }]),
                ),
            ],
        );
        let body = entry_body(&metric);
        assert_eq!(body["integrationType"], "OTEL");
        assert_eq!(body["authType"], "HEADER");
        assert_eq!(body["headers"][0]["value"], "Api-Token dt0c01.abc");
        let s3 = entry(
            EntryKind::S3,
            vec![("logTypes", EntryValue::Set(vec!["MONGOD".into()]))],
        );
        assert_eq!(
            entry_body(&s3),
            json!({"type": "S3_LOG_EXPORT", "logTypes": ["MONGOD"]})
        );
    }

    #[test]
    fn answers_are_read_by_the_table_and_hostile_ones_refused() {
        let results = vec![
            json!({"id": "65f1a2b3c4d5e6f7a8b9c0d1", "type": "OTEL_LOG_EXPORT",
                   "otelEndpoint": "https://c.example.com", "logTypes": ["MONGOD"],
                   "otelSuppliedHeaders": [{"name": "Authorization"}], "newField": "x"}),
            json!({"id": "65f1a2b3c4d5e6f7a8b9c0d2", "type": "FUTURE_LOG_EXPORT\n"}),
        ];
        let live = live_entries(Family::Log, &results).unwrap();
        assert_eq!(live.unknown_types.len(), 1, "kept, to be reported");
        let otel = &live.entries[0];
        assert_eq!(
            otel.get("otelSuppliedHeaders"),
            Some(&LiveEntryValue::HeaderNames(vec!["Authorization".into()]))
        );
        assert_eq!(otel.unmodelled, ["newField"]);

        let bad_id = json!([{"id": "../../x", "type": "S3_LOG_EXPORT"}]);
        assert!(live_entries(Family::Log, bad_id.as_array().unwrap()).is_err());
        let twice =
            json!([{"id": "a1", "type": "S3_LOG_EXPORT"}, {"id": "a1", "type": "S3_LOG_EXPORT"}]);
        assert!(live_entries(Family::Log, twice.as_array().unwrap()).is_err());
        let wrong = json!([{"id": "a1", "type": "S3_LOG_EXPORT", "logTypes": "MONGOD"}]);
        let err = live_entries(Family::Log, wrong.as_array().unwrap()).unwrap_err();
        assert!(err.contains("not a list of strings"), "{err}");
        let metric = json!([{"metricIntegrationId": "b2", "integrationType": "OTEL",
                             "headersRedacted": [{"name": "Authorization", "value": "****"}]}]);
        let live = live_entries(Family::Metric, metric.as_array().unwrap()).unwrap();
        assert_eq!(
            live.entries[0].get("headers"),
            Some(&LiveEntryValue::HeaderNames(vec!["Authorization".into()]))
        );
    }

    #[test]
    fn the_push_based_export_reads_its_state() {
        let export = push_based_export(&json!({"state": "UNCONFIGURED"})).unwrap();
        assert!(!export.is_configured());
        let active = push_based_export(
            &json!({"state": "ACTIVE", "bucketName": "b", "prefixPath": "p/", "iamRoleId": "r"}),
        )
        .unwrap();
        assert!(active.is_configured());
        assert!(push_based_export(&json!({"bucketName": "b"})).is_err());
    }
}
