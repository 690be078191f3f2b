//! JSON shapes the simulator answers with: integrations as Atlas returns
//! them (masked), projects, the paginated list envelope.

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::model::{FieldKind, FieldValue, IntegrationType, ReadBack};
use crate::secret::{mask, url_mask};

use super::assumptions::{Assumptions, OverMaxItems};
use super::errors::ApiError;
use super::media::Presentation;
use super::query::parse_bool;
use super::schema::{Version, fields};
use super::state::{Project, Stored};

pub const V2_MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
pub const DEFAULT_ITEMS_PER_PAGE: usize = 100;
pub const MAX_ITEMS_PER_PAGE: usize = 500;

/// The value Atlas shows for a stored field.
fn read_back(value: &FieldValue, how: ReadBack) -> Option<Value> {
    let text = match value {
        FieldValue::Bool(b) => return Some(Value::Bool(*b)),
        FieldValue::Text(t) => t.as_str(),
        FieldValue::Secret(s) => s.expose(),
    };
    match how {
        ReadBack::Clear => Some(Value::String(text.to_owned())),
        ReadBack::Masked => Some(Value::String(mask(text))),
        ReadBack::UrlMasked => Some(Value::String(url_mask(text))),
        ReadBack::Never => None,
    }
}

/// One integration as every Atlas read returns it.
pub fn integration(kind: IntegrationType, stored: &Stored, version: Version) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), Value::String(stored.id.clone()));
    object.insert("type".into(), Value::String(kind.as_str().into()));
    for field in fields(kind, version) {
        let value = match stored.fields.get(field.name) {
            Some(value) => read_back(value, field.read_back),
            None if field.kind == FieldKind::Bool => Some(Value::Bool(false)),
            None if field.null_when_unset => Some(Value::Null),
            None => None,
        };
        if let Some(value) = value {
            object.insert(field.name.into(), value);
        }
    }
    Value::Object(object)
}

/// Whether a list shows this integration (see the assumptions on FLOWDOCK
/// and VICTOR_OPS without a routing key).
pub fn listed(kind: IntegrationType, stored: &Stored, assumptions: &Assumptions) -> bool {
    if !super::schema::in_enum(kind) {
        return false;
    }
    !(kind == IntegrationType::VictorOps
        && assumptions.hide_victor_ops_without_routing_key
        && !stored.fields.contains_key("routingKey"))
}

pub fn integrations_page(
    items: &[(IntegrationType, &Stored)],
    version: Version,
    assumptions: &Assumptions,
    page: &Page,
    self_url: &str,
) -> Value {
    let results: Vec<Value> = items
        .iter()
        .filter(|(kind, stored)| listed(*kind, stored, assumptions))
        .map(|(kind, stored)| integration(*kind, stored, version))
        .collect();
    page.envelope(results, self_url, assumptions)
}

pub fn project(project: &Project, version: Version, base: &str) -> Value {
    let mut value = json!({
        "id": project.id,
        "name": project.name,
        "orgId": project.org_id,
        "clusterCount": project.cluster_count,
        "created": project.created,
        "links": [{
            "href": format!("{base}/api/atlas/{}/groups/{}", version.path(), project.id),
            "rel": "self",
        }],
    });
    if version == Version::V2 {
        value["tags"] = project
            .tags
            .iter()
            .map(|(key, value)| json!({"key": key, "value": value}))
            .collect();
    }
    value
}

/// An organization as `GET /orgs` lists it.
pub fn organization(id: &str, version: Version, base: &str) -> Value {
    json!({
        "id": id,
        "name": format!("org-{id}"),
        "isDeleted": false,
        "links": [{
            "href": format!("{base}/api/atlas/{}/orgs/{id}", version.path()),
            "rel": "self",
        }],
    })
}

/// The list query parameters of Atlas.
#[derive(Clone, Debug)]
pub struct Page {
    pub page_num: usize,
    pub items_per_page: usize,
    pub include_count: bool,
    pub pretty: bool,
    pub envelope: bool,
}

impl Page {
    pub fn from_query(
        query: &HashMap<String, String>,
        assumptions: &Assumptions,
    ) -> Result<Page, ApiError> {
        let number = |name: &str, default: usize| -> Result<usize, ApiError> {
            match query.get(name) {
                None => Ok(default),
                Some(raw) => match raw.parse::<usize>() {
                    Ok(n) if n >= 1 => Ok(n),
                    _ => Err(ApiError::invalid_query(name, "must be a positive integer")),
                },
            }
        };
        let page_num = number("pageNum", 1)?;
        let mut items_per_page = number("itemsPerPage", DEFAULT_ITEMS_PER_PAGE)?;
        if items_per_page > MAX_ITEMS_PER_PAGE {
            match assumptions.over_max_items {
                OverMaxItems::Reject => {
                    return Err(ApiError::invalid_query(
                        "itemsPerPage",
                        "must be between 1 and 500",
                    ));
                }
                OverMaxItems::Clamp => items_per_page = MAX_ITEMS_PER_PAGE,
            }
        }
        Ok(Page {
            page_num,
            items_per_page,
            include_count: parse_bool(query, "includeCount", true)?,
            pretty: parse_bool(query, "pretty", false)?,
            envelope: parse_bool(query, "envelope", false)?,
        })
    }

    /// `{links, results, totalCount}` for one page of `all`.
    pub fn envelope(&self, all: Vec<Value>, self_url: &str, assumptions: &Assumptions) -> Value {
        let total = all.len();
        let start = (self.page_num - 1).saturating_mul(self.items_per_page);
        let results: Vec<Value> = all
            .into_iter()
            .skip(start)
            .take(self.items_per_page)
            .collect();
        let link = |page: usize, rel: &str| {
            json!({
                "href": format!("{self_url}?pageNum={page}&itemsPerPage={}", self.items_per_page),
                "rel": rel,
            })
        };
        let mut links = Vec::new();
        if self.page_num > 1 {
            links.push(link(self.page_num - 1, "previous"));
        }
        links.push(link(self.page_num, "self"));
        if start.saturating_add(self.items_per_page) < total {
            links.push(link(self.page_num + 1, "next"));
        }
        let mut body = json!({"links": links, "results": results});
        if self.include_count || !assumptions.omit_total_count_when_not_included {
            body["totalCount"] = json!(total);
        }
        body
    }
}

/// A success answer with Atlas's content type for the version.
pub fn ok(version: Version, status: StatusCode, body: Value, page: Option<&Page>) -> Response {
    let presentation = page.map_or_else(Presentation::default, |p| Presentation {
        pretty: p.pretty,
        envelope: p.envelope,
    });
    super::media::answer(media_type(version), status, body, presentation)
}

/// The media type of every answer of `/integrations` and the other
/// original endpoints, in one version.
pub fn media_type(version: Version) -> &'static str {
    match version {
        Version::V1 => "application/json",
        Version::V2 => V2_MEDIA_TYPE,
    }
}

/// `http://host:port` as the client addressed us, for `links`.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// One event as `GET /groups/{id}/events` lists it.
pub fn event(
    event: &super::state::Event,
    project: &Project,
    version: Version,
    base: &str,
) -> Value {
    let mut value = json!({
        "id": event.id,
        "created": event.created,
        "eventTypeName": event.event_type_name,
        "groupId": project.id,
        "orgId": project.org_id,
        "isGlobalAdmin": false,
        "links": [{
            "href": format!(
                "{base}/api/atlas/{}/groups/{}/events/{}",
                version.path(),
                project.id,
                event.id
            ),
            "rel": "self",
        }],
    });
    for (key, field) in [
        ("username", &event.username),
        ("publicKey", &event.public_key),
        ("remoteAddress", &event.remote_address),
    ] {
        if let Some(text) = field {
            value[key] = Value::String(text.clone());
        }
    }
    value
}

/// One alert configuration as `GET /groups/{id}/alertConfigs` lists it:
/// the notifications' credentials masked, and `integrationId` filled in
/// where Atlas fills it (see `assumptions::alerts`).
pub fn alert_config(
    alert: &super::state::AlertConfig,
    project: &Project,
    version: Version,
    base: &str,
) -> Value {
    use super::assumptions::alerts::{
        CREDENTIAL_FIELDS, CREDENTIAL_URL_FIELDS, FILL_INTEGRATION_ID, NUMBER_FIELDS,
    };
    use super::scalar::Scalar;
    let notifications: Vec<Value> = alert
        .notifications
        .iter()
        .map(|fields| {
            let mut object = Map::new();
            for (key, value) in fields {
                let shown = match value {
                    Scalar::Bool(b) => Value::Bool(*b),
                    Scalar::Text(t) if CREDENTIAL_FIELDS.contains(&key.as_str()) => {
                        Value::String(mask(t))
                    }
                    Scalar::Text(t) if CREDENTIAL_URL_FIELDS.contains(&key.as_str()) => {
                        Value::String(url_mask(t))
                    }
                    Scalar::Text(t) if NUMBER_FIELDS.contains(&key.as_str()) => t
                        .parse::<i64>()
                        .map_or_else(|_| Value::String(t.clone()), Value::from),
                    Scalar::Text(t) => Value::String(t.clone()),
                };
                object.insert(key.clone(), shown);
            }
            let own_credentials = fields.keys().any(|key| {
                CREDENTIAL_FIELDS.contains(&key.as_str())
                    || CREDENTIAL_URL_FIELDS.contains(&key.as_str())
            });
            let integration = fields
                .get("typeName")
                .and_then(Scalar::as_text)
                .and_then(|name| name.parse::<IntegrationType>().ok())
                .and_then(|kind| project.integrations.get(&kind));
            if let Some(stored) = integration
                && FILL_INTEGRATION_ID
                && !own_credentials
                && !object.contains_key("integrationId")
            {
                object.insert("integrationId".into(), Value::String(stored.id.clone()));
            }
            Value::Object(object)
        })
        .collect();
    json!({
        "id": alert.id,
        "groupId": project.id,
        "eventTypeName": alert.event_type_name,
        "enabled": alert.enabled,
        "notifications": notifications,
        "links": [{
            "href": format!(
                "{base}/api/atlas/{}/groups/{}/alertConfigs/{}",
                version.path(),
                project.id,
                alert.id
            ),
            "rel": "self",
        }],
    })
}
