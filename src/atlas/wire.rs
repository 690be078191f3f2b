//! The JSON shapes Atlas sends and takes, to and from the model. The only
//! place where a secret leaves its `Secret` wrapper: into a request body.

use serde_json::{Map, Value};

use super::redact::Redactor;
use super::server_text::server_text;
use super::version::ApiVersion;

/// An identifier or a name Atlas sent (an unknown type's, a field's, an
/// alert configuration's id) is cut after this many bytes.
const MAX_TYPE_NAME_BYTES: usize = 100;
pub use crate::model::{AlertConfig, ChangeEvent};
use crate::model::{
    FieldKind, FieldValue, GroupId, Integration, IntegrationType, LiveIntegration,
    LiveIntegrations, LiveValue, Notification, Project,
};

/// The body of a PUT or POST: the desired integration alone, never anything
/// read from Atlas, with every field that has a value or an Atlas default
/// spelled out (`false` booleans included), since Atlas updates only the
/// fields it is sent. Fields the API version does not know are left out;
/// `unsupported_fields` says when that would lose a value.
pub fn integration_body(integration: &Integration, api: ApiVersion) -> Value {
    let mut body = Map::new();
    body.insert(
        "type".to_owned(),
        Value::String(integration.kind.as_str().to_owned()),
    );
    for (spec, value) in integration.with_defaults().fields {
        if spec.v2_only && api == ApiVersion::V1 {
            continue;
        }
        let json = match value {
            FieldValue::Text(text) => Value::String(text),
            FieldValue::Secret(secret) => Value::String(secret.expose().to_owned()),
            FieldValue::Bool(b) => Value::Bool(b),
        };
        body.insert(spec.name.to_owned(), json);
    }
    Value::Object(body)
}

/// Fields the integration sets to something other than Atlas's default that
/// the API version does not know: writing it there would lose them.
pub fn unsupported_fields(integration: &Integration, api: ApiVersion) -> Vec<&'static str> {
    if api == ApiVersion::V2 {
        return Vec::new();
    }
    integration
        .fields
        .iter()
        .filter(|(spec, value)| spec.v2_only && spec.differs_from_default(value))
        .map(|(spec, _)| spec.name)
        .collect()
}

/// A list envelope's `results`.
pub fn results(envelope: &Value) -> Result<&[Value], String> {
    envelope
        .get("results")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .ok_or_else(|| "the answer has no `results` list".to_owned())
}

/// The integrations of one project, from the `results` of its list.
pub fn live_integrations(results: &[Value]) -> Result<LiveIntegrations, String> {
    let mut live = LiveIntegrations::default();
    for item in results {
        let object = item
            .as_object()
            .ok_or_else(|| "an integration in `results` is not an object".to_owned())?;
        let type_name = object
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| "an integration in `results` has no `type`".to_owned())?;
        let Ok(kind) = type_name.parse::<IntegrationType>() else {
            // Shown as is in plans: escaped and capped like any server text.
            live.unknown_types.push(identifier(type_name));
            continue;
        };
        let integration = live_integration(kind, object)?;
        if live.known.insert(kind, integration).is_some() {
            return Err(format!("`results` lists `{kind}` twice"));
        }
    }
    Ok(live)
}

fn live_integration(
    kind: IntegrationType,
    object: &Map<String, Value>,
) -> Result<LiveIntegration, String> {
    let mut fields = Vec::new();
    for spec in crate::model::spec(kind).fields {
        let value = match (object.get(spec.name), spec.kind) {
            (None | Some(Value::Null), _) => continue,
            (Some(Value::String(s)), FieldKind::String) => LiveValue::Text(s.clone()),
            (Some(Value::Bool(b)), FieldKind::Bool) => LiveValue::Bool(*b),
            (Some(other), expected) => {
                return Err(format!(
                    "`{kind}.{}` is {}, not a {}",
                    spec.name,
                    json_kind(other),
                    match expected {
                        FieldKind::String => "string",
                        FieldKind::Bool => "boolean",
                    }
                ));
            }
        };
        fields.push((spec, value));
    }
    let id = object.get("id").and_then(Value::as_str).map(str::to_owned);
    let table = crate::model::spec(kind);
    let unmodelled = object
        .iter()
        .filter(|(name, value)| {
            !value.is_null()
                && !matches!(name.as_str(), "id" | "type" | "links")
                && table.field(name).is_none()
        })
        .map(|(name, _)| identifier(name))
        .collect();
    Ok(LiveIntegration {
        kind,
        id,
        fields,
        unmodelled,
    })
}

/// An identifier Atlas sent, fit to show: escaped and capped, never
/// redacted.
pub(super) fn identifier(text: &str) -> String {
    server_text(text, &Redactor::default(), MAX_TYPE_NAME_BYTES)
}

pub(super) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

pub fn project(value: &Value) -> Result<Project, String> {
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| "a project has no `id`".to_owned())?;
    let id = id
        .parse::<GroupId>()
        .map_err(|reason| format!("a project id `{id}` is not valid: {reason}"))?;
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("project `{id}` has no `name`"))?
        .to_owned();
    let org_id = value
        .get("orgId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let tags = value
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|tag| {
                    let key = tag.get("key")?.as_str()?;
                    let value = tag.get("value")?.as_str()?;
                    Some((key.to_owned(), value.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Project {
        id,
        name,
        org_id,
        tags,
    })
}

/// One event of `GET /groups/{id}/events`; `shown` makes Atlas's text fit
/// to show (escaped, capped, credentials redacted).
pub fn change_event(value: &Value, shown: &dyn Fn(&str) -> String) -> Result<ChangeEvent, String> {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(shown)
    };
    Ok(ChangeEvent {
        created: text("created").ok_or("an event has no `created`")?,
        event_type: text("eventTypeName").ok_or("an event has no `eventTypeName`")?,
        username: text("username"),
        public_key: text("publicKey"),
        remote_address: text("remoteAddress"),
    })
}

/// One alert configuration of `GET /groups/{id}/alertConfigs`: its id,
/// event type, whether it is enabled, and per notification its type, the
/// integration it names and whether it has credentials of its own (never
/// their values). The identifiers are kept as Atlas sent them (the id only
/// escaped and capped for showing): redaction could rewrite one that
/// shares characters with a credential, and a rewritten `integrationId`
/// would no longer name the integration a delete silences. `shown` is for
/// the free text.
pub fn alert_config(value: &Value, shown: &dyn Fn(&str) -> String) -> Result<AlertConfig, String> {
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .ok_or("an alert configuration has no `id`")?;
    let notifications = match value.get("notifications") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|n| {
                let object = n
                    .as_object()
                    .ok_or("a notification of an alert configuration is not an object")?;
                let type_name = object
                    .get("typeName")
                    .and_then(Value::as_str)
                    .ok_or("a notification of an alert configuration has no `typeName`")?;
                let set = |v: &Value| !(v.is_null() || v.as_str() == Some(""));
                Ok(Notification {
                    type_name: type_name.to_owned(),
                    integration_id: object
                        .get("integrationId")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    // Only whether a credential is set is read, never its value.
                    own_credentials: Notification::CREDENTIAL_FIELDS
                        .iter()
                        .chain(Notification::CREDENTIAL_URL_FIELDS)
                        .any(|key| object.get(*key).is_some_and(set)),
                })
            })
            .collect::<Result<_, &str>>()?,
        Some(_) => return Err("`notifications` of an alert configuration is not a list".into()),
    };
    Ok(AlertConfig {
        id: identifier(id),
        event_type: value
            .get("eventTypeName")
            .and_then(Value::as_str)
            .map_or_else(|| "(no event type)".to_owned(), shown),
        // Taken as enabled when Atlas does not say: the safe side for
        // apply's gate.
        enabled: value
            .get("enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        notifications,
    })
}

/// The fields of Atlas's error body that tether uses, as sent: whatever of
/// them is shown goes through `server_text` first.
#[derive(Debug, Default)]
pub struct ErrorBody {
    pub error_code: Option<String>,
    pub detail: Option<String>,
}

impl ErrorBody {
    pub fn parse(body: &[u8]) -> ErrorBody {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return ErrorBody::default();
        };
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        ErrorBody {
            error_code: text("errorCode"),
            detail: text("detail"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spec;
    use crate::secret::Secret;
    use serde_json::json;

    #[test]
    fn body_spells_out_defaults_and_exposes_secrets_only_here() {
        let pd = spec(IntegrationType::PagerDuty);
        let integration = Integration {
            kind: IntegrationType::PagerDuty,
            fields: vec![(
                pd.field("serviceKey").unwrap(),
                FieldValue::Secret(Secret::new("k3y")),
            )],
        };
        assert_eq!(
            integration_body(&integration, ApiVersion::V1),
            json!({"type": "PAGER_DUTY", "serviceKey": "k3y", "region": "US"})
        );
        let dd = spec(IntegrationType::Datadog);
        let datadog = Integration {
            kind: IntegrationType::Datadog,
            fields: vec![(
                dd.field("apiKey").unwrap(),
                FieldValue::Secret(Secret::new("abcd")),
            )],
        };
        // Both specifications have Datadog's `send*` flags.
        for api in [ApiVersion::V1, ApiVersion::V2] {
            assert_eq!(
                integration_body(&datadog, api),
                json!({
                    "type": "DATADOG", "apiKey": "abcd", "region": "US",
                    "sendCollectionLatencyMetrics": false, "sendDatabaseMetrics": false,
                    "sendQueryStatsMetrics": false, "sendUserProvidedResourceTags": false,
                })
            );
        }
        let wh = spec(IntegrationType::Webhook);
        let webhook = Integration {
            kind: IntegrationType::Webhook,
            fields: vec![
                (
                    wh.field("url").unwrap(),
                    FieldValue::Secret(Secret::new("https://hooks.example/x")),
                ),
                (
                    wh.field("bodyTemplate").unwrap(),
                    FieldValue::Text("{}".into()),
                ),
            ],
        };
        assert_eq!(
            unsupported_fields(&webhook, ApiVersion::V1),
            ["bodyTemplate"]
        );
        assert!(unsupported_fields(&webhook, ApiVersion::V2).is_empty());
    }

    #[test]
    fn reads_live_lists_and_rejects_wrong_shapes() {
        let live = live_integrations(&[
            json!({"id": "6a79", "type": "PAGER_DUTY", "serviceKey": "****0022", "region": "US", "extra": 1}),
            json!({"type": "WEBHOOK", "url": "https://x.example/****abcd", "bodyTemplate": null}),
            json!({"type": "HIP_CHAT"}),
            json!({"type": "PAGER_TREE"}),
        ])
        .unwrap();
        assert_eq!(live.known.len(), 3);
        assert_eq!(live.unknown_types, ["PAGER_TREE"]);
        let pd = &live.known[&IntegrationType::PagerDuty];
        assert_eq!(pd.id.as_deref(), Some("6a79"));
        assert_eq!(pd.unmodelled, ["extra"]);
        assert!(live.known[&IntegrationType::Webhook].unmodelled.is_empty());
        assert_eq!(pd.get("region"), Some(&LiveValue::Text("US".into())));
        assert_eq!(
            live.known[&IntegrationType::Webhook].get("bodyTemplate"),
            None
        );

        let wrong = live_integrations(&[json!({"type": "DATADOG", "sendDatabaseMetrics": "yes"})]);
        assert_eq!(
            wrong.unwrap_err(),
            "`DATADOG.sendDatabaseMetrics` is a string, not a boolean"
        );
        assert!(live_integrations(&[json!("PAGER_DUTY")]).is_err());
        assert!(live_integrations(&[json!({"type": "SLACK"}), json!({"type": "SLACK"})]).is_err());
    }

    #[test]
    fn error_bodies() {
        let body = br#"{"detail":"No group with ID 1 exists.","error":404,"errorCode":"GROUP_NOT_FOUND","parameters":[],"reason":"Not Found"}"#;
        let parsed = ErrorBody::parse(body);
        assert_eq!(parsed.error_code.as_deref(), Some("GROUP_NOT_FOUND"));
        assert_eq!(parsed.detail.as_deref(), Some("No group with ID 1 exists."));
        assert!(ErrorBody::parse(b"<html>proxy</html>").error_code.is_none());
    }

    #[test]
    fn an_unknown_type_name_is_escaped_and_cut() {
        let long = "B".repeat(500);
        let live = live_integrations(&[
            json!({"type": "CARRIER_PIGEON"}),
            json!({"type": "EVIL\u{1b}[2J"}),
            json!({"type": long}),
        ])
        .unwrap();
        assert_eq!(live.unknown_types[0], "CARRIER_PIGEON");
        assert_eq!(live.unknown_types[1], "EVIL\\u{1b}[2J");
        assert_eq!(
            live.unknown_types[2],
            format!("{}… (400 bytes more)", "B".repeat(100))
        );
    }
}
