//! Atlas's checks of a POST or PUT body, producing the fields to store.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{DefaultValue, FieldKind, FieldValue, Format, IntegrationType};
use crate::secret::Secret;

use super::assumptions::{Assumptions, PutSemantics};
use super::errors::ApiError;
use super::schema::{AtlasField, Version, fields};

pub type Fields = BTreeMap<String, FieldValue>;

/// Checks `body` for `kind` and returns the configuration to store: the body
/// merged onto `existing` (see `PutSemantics`), defaults filled in.
pub fn validate(
    kind: IntegrationType,
    version: Version,
    body: &Value,
    existing: Option<&Fields>,
    assumptions: &Assumptions,
) -> Result<Fields, ApiError> {
    let name = kind.as_str();
    let Some(object) = body.as_object() else {
        return Err(ApiError::invalid_json());
    };
    match object.get("type") {
        Some(Value::String(t)) if t == name => {}
        Some(Value::String(t)) => {
            return Err(ApiError::invalid_settings(
                name,
                &format!("type {t} does not match the integration type {name} in the path"),
            ));
        }
        Some(_) => return Err(ApiError::invalid_settings(name, "type must be a string")),
        None => return Err(ApiError::invalid_settings(name, "type is required")),
    }
    let table = fields(kind, version);
    let mut result = match (existing, assumptions.put_semantics) {
        (Some(old), PutSemantics::Merge) => old.clone(),
        _ => Fields::new(),
    };
    for (key, value) in object {
        // `id` is read-only and ignored, like Atlas does with read-only ids.
        if key == "type" || key == "id" {
            continue;
        }
        let Some(field) = table.iter().find(|f| f.name == key) else {
            if assumptions.reject_unknown_fields {
                return Err(ApiError::invalid_attribute(key));
            }
            continue;
        };
        if value.is_null() {
            result.remove(field.name);
            continue;
        }
        let value = check_value(name, field, value)?;
        result.insert(field.name.to_owned(), value);
    }
    for field in &table {
        if result.contains_key(field.name) {
            continue;
        }
        if field.required {
            return Err(ApiError::invalid_settings(
                name,
                &format!("{} is required", field.name),
            ));
        }
        if let Some(DefaultValue::Str(default)) = field.default {
            result.insert(field.name.to_owned(), FieldValue::Text(default.to_owned()));
        }
    }
    Ok(result)
}

fn check_value(kind: &str, field: &AtlasField, value: &Value) -> Result<FieldValue, ApiError> {
    let invalid = |why: String| ApiError::invalid_settings(kind, &why);
    match field.kind {
        FieldKind::Bool => value
            .as_bool()
            .map(FieldValue::Bool)
            .ok_or_else(|| invalid(format!("{} must be a boolean", field.name))),
        FieldKind::String => {
            let Some(text) = value.as_str() else {
                return Err(invalid(format!("{} must be a string", field.name)));
            };
            if !field.allowed.is_empty() && !field.allowed.contains(&text) {
                return Err(invalid(format!(
                    "{} must be one of {}",
                    field.name,
                    field.allowed.join(", ")
                )));
            }
            check_format(field, text).map_err(invalid)?;
            Ok(if field.sensitive {
                FieldValue::Secret(Secret::new(text))
            } else {
                FieldValue::Text(text.to_owned())
            })
        }
    }
}

fn check_format(field: &AtlasField, text: &str) -> Result<(), String> {
    let name = field.name;
    let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    match field.format {
        Format::Any => Ok(()),
        Format::Hex if hex(text) => Ok(()),
        Format::Hex => Err(format!("{name} must be a hexadecimal string")),
        Format::LowerHex40
            if text.len() == 40 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) =>
        {
            Ok(())
        }
        Format::LowerHex40 => Err(format!("{name} must match ^([0-9a-f]){{40}}$")),
        Format::HttpUrl if is_http_url(text) => Ok(()),
        Format::HttpUrl => Err(format!("{name} must be an absolute http or https URL")),
        Format::Length { min, max } => {
            let n = text.chars().count();
            if (min..=max).contains(&n) {
                Ok(())
            } else {
                Err(format!("{name} must be between {min} and {max} characters"))
            }
        }
        Format::MaxBytes(max) if text.len() > max => {
            Err(format!("{name} must be at most {max} bytes"))
        }
        Format::MaxBytes(_) if name == "headersTemplate" => {
            match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(_)) => Ok(()),
                _ => Err(format!(
                    "{name} must be a JSON object of header names to values"
                )),
            }
        }
        Format::MaxBytes(_) => Ok(()),
    }
}

fn is_http_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}
