//! Checks a body of the log, metric and push-based families against its
//! rules (`family_fields`) and keeps what it stores: the values as sent.
//! Error details name fields from the rules, never a value the client sent
//! (a value may be a secret, or text made to mislead a reader).

use serde_json::{Map, Value};

use super::errors::ApiError;
use super::family_fields::{Rule, Shape};

/// A stored entry's fields, as the API takes them (secrets in clear).
pub type Fields = Map<String, Value>;

/// Checks `object` against `rules` (keys in `skip` are left to the caller)
/// and returns the fields to store. A `null` is kept for a nullable field
/// and is an unset value for any other.
pub fn check(
    rules: &[&[Rule]],
    object: &Map<String, Value>,
    skip: &[&str],
) -> Result<Fields, ApiError> {
    let find = |key: &str| rules.iter().flat_map(|r| r.iter()).find(|r| r.name == key);
    let mut fields = Fields::new();
    for (key, value) in object {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let Some(rule) = find(key) else {
            return Err(ApiError::invalid_attribute(&shown_name(key)));
        };
        if value.is_null() {
            if rule.nullable {
                fields.insert(rule.name.to_owned(), Value::Null);
            }
            continue;
        }
        check_value(rule, value)?;
        fields.insert(rule.name.to_owned(), value.clone());
    }
    for rule in rules.iter().flat_map(|r| r.iter()) {
        if rule.required && !fields.contains_key(rule.name) {
            return Err(ApiError::missing_attribute(rule.name));
        }
    }
    Ok(fields)
}

/// A body's top-level object, or Atlas's malformed-JSON answer.
pub fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(ApiError::invalid_json()),
    }
}

/// A client's key as an error may show it: an identifier as is, anything
/// else described.
pub fn shown_name(key: &str) -> String {
    let plain = !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain {
        key.to_owned()
    } else {
        "(a name that is not an identifier)".to_owned()
    }
}

fn check_value(rule: &Rule, value: &Value) -> Result<(), ApiError> {
    let name = rule.name;
    let invalid = |why: &str| ApiError::invalid_attribute_because(name, why);
    match rule.shape {
        Shape::Bool if value.is_boolean() => Ok(()),
        Shape::Bool => Err(invalid("must be a boolean")),
        Shape::Text => {
            let text = value.as_str().ok_or_else(|| invalid("must be a string"))?;
            if let Some(max) = rule.max_length
                && text.chars().count() > max
            {
                return Err(invalid(&format!("must be at most {max} characters")));
            }
            if rule.https && !is_https_url(text) {
                return Err(invalid("must be an https URL"));
            }
            Ok(())
        }
        Shape::Enum(values) => match value.as_str() {
            Some(text) if values.contains(&text) => Ok(()),
            _ => Err(ApiError::invalid_enum_for(name, values)),
        },
        Shape::Hex24 { lower_only } => {
            let hex = |b: u8| {
                b.is_ascii_digit()
                    || (b'a'..=b'f').contains(&b)
                    || (!lower_only && (b'A'..=b'F').contains(&b))
            };
            match value.as_str() {
                Some(text) if text.len() == 24 && text.bytes().all(hex) => Ok(()),
                _ if lower_only => Err(invalid("must be 24 lowercase hexadecimal digits")),
                _ => Err(invalid("must be 24 hexadecimal digits")),
            }
        }
        Shape::Set { values, min, max } => {
            let items = value
                .as_array()
                .ok_or_else(|| invalid("must be an array"))?;
            let mut seen: Vec<&str> = Vec::new();
            for item in items {
                match item.as_str() {
                    Some(text) if values.contains(&text) => {
                        if seen.contains(&text) {
                            return Err(invalid(&format!("lists {text} more than once")));
                        }
                        seen.push(text);
                    }
                    _ => return Err(ApiError::invalid_enum_for(name, values)),
                }
            }
            check_count(items.len(), min, max).map_err(|why| invalid(&why))
        }
        Shape::Headers {
            min,
            max,
            total_bytes,
        } => {
            let items = value
                .as_array()
                .ok_or_else(|| invalid("must be an array"))?;
            check_count(items.len(), min, max).map_err(|why| invalid(&why))?;
            let mut bytes = 0usize;
            for item in items {
                let header = item
                    .as_object()
                    .ok_or_else(|| invalid("must hold objects with a name and a value"))?;
                for key in header.keys() {
                    if key != "name" && key != "value" {
                        return Err(ApiError::invalid_attribute(&format!(
                            "{name}.{}",
                            shown_name(key)
                        )));
                    }
                }
                for part in ["name", "value"] {
                    match header.get(part) {
                        Some(Value::String(text)) => bytes = bytes.saturating_add(text.len()),
                        Some(_) => return Err(invalid(&format!("{part} must be a string"))),
                        None => {
                            return Err(ApiError::missing_attribute(&format!("{name}.{part}")));
                        }
                    }
                }
            }
            if bytes > total_bytes {
                return Err(invalid(&format!(
                    "names and values must be at most {total_bytes} bytes in all"
                )));
            }
            Ok(())
        }
    }
}

fn check_count(count: usize, min: usize, max: usize) -> Result<(), String> {
    if count < min {
        return Err(format!("must hold at least {min}"));
    }
    if count > max {
        return Err(format!("must hold at most {max}"));
    }
    Ok(())
}

fn is_https_url(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sim::family_fields::METRIC;

    fn metric() -> Map<String, Value> {
        json!({
            "aggregationTemporality": "DELTA",
            "authType": "HEADER",
            "endpoint": "https://otlp.example.com/v1/metrics",
            "integrationType": "OTEL",
            "metricSelection": ["MONGODB_METRICS"],
            "providerType": "CUSTOM",
        })
        .as_object()
        .cloned()
        .unwrap_or_default()
    }

    #[test]
    fn a_complete_metric_body_is_stored_as_sent() {
        let fields = check(&[METRIC], &metric(), &[]).expect("valid");
        assert_eq!(fields, metric());
    }

    #[test]
    fn an_error_never_echoes_a_value_the_client_sent() {
        let mut body = metric();
        body.insert("providerType".into(), json!("${SECRET}\n# injected"));
        let err = check(&[METRIC], &body, &[]).expect_err("not in the enum");
        assert!(!err.detail.contains("SECRET"), "{}", err.detail);
        let mut body = metric();
        body.insert("weird\nkey `x`".into(), json!(1));
        let err = check(&[METRIC], &body, &[]).expect_err("unknown");
        assert!(
            !err.detail.contains('\n') && !err.detail.contains('`'),
            "{}",
            err.detail
        );
    }

    #[test]
    fn https_needs_a_host_and_no_whitespace() {
        assert!(is_https_url("https://a.example.com/x"));
        assert!(!is_https_url("http://a.example.com/x"));
        assert!(!is_https_url("https:///x"));
        assert!(!is_https_url("https://a.example.com/x y"));
    }
}
