//! What the log and metric tests share: the facts (read from
//! `fixtures/atlas-log-metric-facts.json`, never copied), valid bodies
//! built from them, and plain requests with a chosen `Accept`.

use serde_json::{Map, Value, json};
use tether::sim::SimHandle;

use super::helpers::{Client, Reply};
use crate::common::fixtures;

pub const LOG_MEDIA: &str = "application/vnd.atlas.2025-03-12+json";
pub const PREVIEW_MEDIA: &str = "application/vnd.atlas.preview+json";
pub const PUSH_MEDIA: &str = "application/vnd.atlas.2023-01-01+json";

pub fn facts() -> Value {
    let text = std::fs::read_to_string(fixtures().join("atlas-log-metric-facts.json"))
        .expect("the log and metric facts fixture");
    serde_json::from_str(&text).expect("the facts are JSON")
}

pub fn logs(group: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/logIntegrations")
}

pub fn metrics(group: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/metricIntegrations")
}

pub fn push(group: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/pushBasedLogExport")
}

/// One type of log integration: its `type` and its request schema.
pub struct Variant {
    pub kind: String,
    pub schema: Value,
}

pub fn log_request(facts: &Value) -> &Value {
    &facts["schemas"]["LogIntegrationRequest"]
}

pub fn variants(facts: &Value) -> Vec<Variant> {
    log_request(facts)["oneOf"]
        .as_array()
        .expect("oneOf")
        .iter()
        .map(|schema| Variant {
            kind: schema["fields"]["type"]["enum"][0]
                .as_str()
                .expect("a type")
                .to_owned(),
            schema: schema.clone(),
        })
        .collect()
}

pub fn fields(schema: &Value) -> Vec<(String, Value)> {
    schema["fields"]
        .as_object()
        .map(|f| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

pub fn required(schema: &Value) -> Vec<String> {
    schema["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A distinct secret for a `format: password` or write-only field.
pub fn secret_for(name: &str) -> String {
    format!("{name}-S3CRET-0123456789abcdef")
}

pub const HEX24: &str = "65f1a2b3c4d5e6f7a8b9c0aa";
/// A plain string: an https URL is valid for every string field, endpoints
/// included (their https rule comes from descriptions).
pub const TEXT: &str = "https://collector.example.com/v1/logs";

/// One header of `{name, value}` objects, its value a secret.
pub fn header(i: usize) -> Value {
    json!({"name": format!("X-Header-{i}"), "value": secret_for(&format!("header{i}"))})
}

/// A valid value of a property, from its schema alone.
pub fn sample(name: &str, property: &Value) -> Value {
    if let Some(values) = property["enum"].as_array() {
        return values[0].clone();
    }
    match property["type"].as_str() {
        Some("boolean") => json!(true),
        Some("array") if property["items"]["enum"].is_array() => {
            json!([property["items"]["enum"][0]])
        }
        Some("array") => json!([header(0)]),
        Some("string") if property["pattern"].is_string() => json!(HEX24),
        Some("string") if property["format"] == "password" => json!(secret_for(name)),
        Some("string") => json!(TEXT),
        other => panic!("{name}: a property of type {other:?}"),
    }
}

/// Every field of the schemas, with a valid value.
pub fn body_of(schemas: &[&Value]) -> Map<String, Value> {
    schemas
        .iter()
        .flat_map(|schema| fields(schema))
        .map(|(name, property)| {
            let value = sample(&name, &property);
            (name, value)
        })
        .collect()
}

pub fn log_body(facts: &Value, variant: &Variant) -> Map<String, Value> {
    let mut body = body_of(&[log_request(facts), &variant.schema]);
    body.insert("type".into(), json!(variant.kind));
    body
}

pub fn metric_body(facts: &Value) -> Map<String, Value> {
    body_of(&[&facts["schemas"]["MetricIntegrationRequest"]])
}

pub fn push_body(facts: &Value) -> Map<String, Value> {
    body_of(&[&facts["schemas"]["CreatePushBasedLogExportProjectRequest"]])
}

/// Plain HTTP to a simulator: the `Accept` is the caller's choice, and
/// with a key, Digest is answered (one challenge, then pre-emptive). The
/// requests and the Digest are those of [`Client`].
pub struct Http(Client);

impl Http {
    pub fn new(sim: &SimHandle) -> Self {
        Http(Client::new(sim))
    }

    /// The example state, no credentials required, and an `Http` to it.
    pub fn open() -> (SimHandle, Self) {
        let sim = super::helpers::open();
        let http = Http::new(&sim);
        (sim, http)
    }

    pub fn with_key(sim: &SimHandle, key: (&str, &str)) -> Self {
        Http(Client::digest(sim, key))
    }

    fn once(
        &mut self,
        method: &str,
        path: &str,
        accept: Option<&str>,
        body: Option<&[u8]>,
    ) -> reqwest::Result<Reply> {
        let authorization = self.0.authorization(method, path);
        let mut headers = Vec::new();
        if let Some(accept) = accept {
            headers.push(("accept", accept));
        }
        if let Some(value) = authorization.as_deref() {
            headers.push(("authorization", value));
        }
        self.0.request(method, path, body, &headers)
    }

    /// One request whose connection the simulator may close before
    /// answering (a body past its limit): `None` then.
    pub fn attempt(
        &mut self,
        method: &str,
        path: &str,
        accept: &str,
        body: &[u8],
    ) -> Option<Reply> {
        self.once(method, path, Some(accept), Some(body)).ok()
    }

    pub fn bytes(
        &mut self,
        method: &str,
        path: &str,
        accept: Option<&str>,
        body: Option<&[u8]>,
    ) -> Reply {
        let reply = self.once(method, path, accept, body).expect("an answer");
        if self.0.take_challenge(&reply).is_some() {
            return self.once(method, path, accept, body).expect("an answer");
        }
        reply
    }

    pub fn send(&mut self, method: &str, path: &str, accept: &str, body: Option<&Value>) -> Reply {
        let text = body.map(Value::to_string);
        self.bytes(
            method,
            path,
            Some(accept),
            text.as_deref().map(str::as_bytes),
        )
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let accept = media_for(path);
        self.send("GET", path, accept, None)
    }

    pub fn post(&mut self, path: &str, body: &Map<String, Value>) -> Reply {
        let accept = media_for(path);
        self.send("POST", path, accept, Some(&Value::Object(body.clone())))
    }

    pub fn put(&mut self, path: &str, body: &Map<String, Value>) -> Reply {
        let accept = media_for(path);
        self.send("PUT", path, accept, Some(&Value::Object(body.clone())))
    }

    pub fn patch(&mut self, path: &str, body: &Map<String, Value>) -> Reply {
        let accept = media_for(path);
        self.send("PATCH", path, accept, Some(&Value::Object(body.clone())))
    }

    pub fn delete(&mut self, path: &str) -> Reply {
        let accept = media_for(path);
        self.send("DELETE", path, accept, None)
    }
}

/// The media type the facts give the operations of a path.
pub fn media_for(path: &str) -> &'static str {
    if path.contains("pushBasedLogExport") || path.contains("/integrations") {
        PUSH_MEDIA
    } else {
        LOG_MEDIA
    }
}

/// The id a create answered (`id` or `metricIntegrationId`).
pub fn created_id(reply: &Reply) -> String {
    assert_eq!(reply.status, 201, "{}", reply.text);
    let body = reply.json();
    body["id"]
        .as_str()
        .or_else(|| body["metricIntegrationId"].as_str())
        .expect("an id")
        .to_owned()
}

pub fn count(http: &mut Http, path: &str) -> usize {
    let reply = http.get(path);
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()["results"].as_array().expect("results").len()
}
