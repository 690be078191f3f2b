//! Log integrations (`/groups/{groupId}/logIntegrations`): six types told
//! apart by `type`, which cannot change after creation; `logTypes` for
//! every type; events `{prefix}_LOG_STREAMING_*` (GCS's prefix is `GCP`).

use serde_json::{Map, Value};

use super::assumptions::codes;
use super::assumptions::log_metric::{
    CONFIGURATION_UPDATED, DISABLED, ENABLED, LOG_STREAMING_PREFIXES,
};
use super::errors::ApiError;
use super::family_fields::{LOG_COMMON, LOG_INTEGRATION_TYPES, Rule, log_type_fields};
use super::family_validate::{Fields, check};
use super::id_family::{Family, Write};
use super::media::V2_2025_03_12;
use super::state::{Entry, Project};

pub static LOG_INTEGRATIONS: Family = Family {
    collection: "logIntegrations",
    id_param: "id",
    id_field: "id",
    media: &[V2_2025_03_12],
    what: "log integration",
    not_found_code: codes::LOG_INTEGRATION_NOT_FOUND,
    entries: |project: &Project| &project.log_integrations,
    entries_mut: |project: &mut Project| &mut project.log_integrations,
    validate,
    rules,
    event,
    filters: &[("integrationType", "type")],
    limit: None,
};

fn kind(fields: &Fields) -> &str {
    fields.get("type").and_then(Value::as_str).unwrap_or("")
}

fn rules(fields: &Fields) -> Vec<&'static [Rule]> {
    let mut rules = vec![LOG_COMMON];
    rules.extend(log_type_fields(kind(fields)));
    rules
}

fn validate(body: &Map<String, Value>, stored: Option<&Entry>) -> Result<Fields, ApiError> {
    let kind = match body.get("type") {
        None => return Err(ApiError::missing_attribute("type")),
        Some(Value::String(kind)) if LOG_INTEGRATION_TYPES.contains(&kind.as_str()) => kind,
        Some(_) => return Err(ApiError::invalid_enum_for("type", LOG_INTEGRATION_TYPES)),
    };
    if let Some(stored) = stored
        && self::kind(&stored.fields) != kind
    {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            codes::IMMUTABLE_ATTRIBUTE,
            "The attribute type cannot change after creation: create a log integration \
             of the new type, then delete this one.",
        )
        .params(["type"]));
    }
    let type_rules = log_type_fields(kind).unwrap_or_default();
    let mut fields = check(&[LOG_COMMON, type_rules], body, &["type", "id"])?;
    fields.insert("type".into(), Value::String(kind.clone()));
    Ok(fields)
}

fn event(fields: &Fields, write: Write) -> String {
    let kind = kind(fields);
    let prefix = LOG_STREAMING_PREFIXES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, prefix)| prefix);
    let what = match write {
        Write::Create => ENABLED,
        Write::Update => CONFIGURATION_UPDATED,
        Write::Delete => DISABLED,
    };
    format!("{prefix}_LOG_STREAMING_{what}")
}
