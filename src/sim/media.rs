//! Media types: which versioned `Accept` an operation takes, and answers in
//! the chosen type with `pretty` and `envelope` applied as the document
//! describes them (see `assumptions::media`).

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::assumptions::Assumptions;
use super::assumptions::media::SINGLE_OBJECT_KEY;
use super::errors::ApiError;
use super::query::parse_bool;

/// The resource version of log and metric integrations.
pub const V2_2025_03_12: &str = "application/vnd.atlas.2025-03-12+json";
/// Metric integrations also answer the preview version.
pub const V2_PREVIEW: &str = "application/vnd.atlas.preview+json";

/// The media types a client accepts, in its order, without parameters.
fn accepted(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.split(';').next().unwrap_or("").trim())
}

/// The first of the client's accepted types that the operation offers; with
/// none, 406 (or, with `require_versioned_accept` off, the operation's first).
pub fn negotiate(
    headers: &HeaderMap,
    offered: &[&'static str],
    assumptions: &Assumptions,
) -> Result<&'static str, ApiError> {
    let chosen = accepted(headers).find_map(|t| offered.iter().copied().find(|o| *o == t));
    match chosen {
        Some(media) => Ok(media),
        None if assumptions.require_versioned_accept => Err(ApiError::invalid_version()),
        None => offered
            .first()
            .copied()
            .ok_or_else(ApiError::invalid_version),
    }
}

/// `pretty` and `envelope`, the query parameters every operation has.
#[derive(Clone, Copy, Debug, Default)]
pub struct Presentation {
    pub pretty: bool,
    pub envelope: bool,
}

impl Presentation {
    pub fn from_query(query: &HashMap<String, String>) -> Result<Self, ApiError> {
        Ok(Presentation {
            pretty: parse_bool(query, "pretty", false)?,
            envelope: parse_bool(query, "envelope", false)?,
        })
    }
}

/// An answer with a body in `media`. With `envelope`, a list (a body with
/// `results`) gains `status`; a single object is wrapped with its status.
pub fn answer(
    media: &'static str,
    status: StatusCode,
    body: Value,
    presentation: Presentation,
) -> Response {
    let body = match body {
        Value::Object(mut list) if presentation.envelope && list.contains_key("results") => {
            list.insert("status".into(), json!(status.as_u16()));
            Value::Object(list)
        }
        body if presentation.envelope => {
            json!({SINGLE_OBJECT_KEY: body, "status": status.as_u16()})
        }
        body => body,
    };
    let text = if presentation.pretty {
        serde_json::to_string_pretty(&body).unwrap_or_default()
    } else {
        body.to_string()
    };
    with_type((status, text).into_response(), media)
}

/// 204 with no body, and still the operation's media type.
pub fn no_content(media: &'static str) -> Response {
    with_type(StatusCode::NO_CONTENT.into_response(), media)
}

fn with_type(mut response: Response, media: &'static str) -> Response {
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    response
}
