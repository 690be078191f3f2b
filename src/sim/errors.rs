//! Atlas's error answers: `{"detail","error","errorCode","parameters","reason"}`
//! as `application/json`, the code echoed in `X-Error-Code`.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::assumptions::codes;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub parameters: Vec<Value>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: detail.into(),
            parameters: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn params<I, V>(mut self, params: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        self.parameters = params.into_iter().map(Into::into).collect();
        self
    }

    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn body(&self) -> Value {
        json!({
            "detail": self.detail,
            "error": self.status.as_u16(),
            "errorCode": self.code,
            "parameters": self.parameters,
            "reason": self.status.canonical_reason().unwrap_or(""),
        })
    }

    pub fn not_configured(kind: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "INTEGRATION_NOT_CONFIGURED",
            format!("The integration of type '{kind}' is not configured for this group."),
        )
        .params([kind])
    }

    pub fn already_configured(kind: &str) -> Self {
        ApiError::new(
            StatusCode::CONFLICT,
            codes::ALREADY_CONFIGURED,
            format!("The integration of type '{kind}' is already configured for this group."),
        )
        .params([kind])
    }

    pub fn invalid_settings(kind: &str, reason: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_INTEGRATION_SETTINGS",
            format!("The provided settings for the {kind} integration were invalid: {reason}."),
        )
        .params([kind, reason])
    }

    pub fn group_not_found(id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "GROUP_NOT_FOUND",
            format!("No group with ID {id} exists."),
        )
        .params([id])
    }

    pub fn invalid_group_id(id: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_GROUP_ID,
            format!("An invalid group ID {id} was specified."),
        )
        .params([id])
    }

    pub fn not_in_group(name: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_IN_GROUP",
            "The current user is not in the group, or the group does not exist.",
        )
        .params([name])
    }

    pub fn org_not_found(id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            codes::ORG_NOT_FOUND,
            format!("No organization with ID {id} exists."),
        )
        .params([id])
    }

    pub fn unknown_type(status: StatusCode, value: &str) -> Self {
        ApiError::new(
            status,
            codes::UNKNOWN_TYPE,
            format!("An invalid enumeration value {value} was specified."),
        )
        .params([value])
    }

    pub fn invalid_attribute(name: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_ATTRIBUTE,
            format!("Invalid attribute {name} specified."),
        )
        .params([name])
    }

    /// An attribute with a reason (the log, metric and push-based families).
    pub fn invalid_attribute_because(name: &str, why: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_ATTRIBUTE,
            format!("Invalid attribute {name} specified: {why}."),
        )
        .params([name])
    }

    pub fn missing_attribute(name: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::MISSING_ATTRIBUTE,
            format!("The required attribute {name} was not specified."),
        )
        .params([name])
    }

    /// A value outside a field's enum; the value itself is not echoed.
    pub fn invalid_enum_for(name: &str, allowed: &[&str]) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::UNKNOWN_TYPE,
            format!(
                "An invalid enumeration value was specified for {name}: expected one of {}.",
                allowed.join(", ")
            ),
        )
        .params([name])
    }

    pub fn invalid_json() -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_JSON,
            "Received JSON is malformed.",
        )
    }

    pub fn invalid_query(name: &str, why: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_QUERY_PARAMETER,
            format!("Invalid query parameter {name}: {why}."),
        )
        .params([name])
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            codes::UNAUTHORIZED,
            "You are not authorized for this resource.",
        )
    }

    pub fn forbidden() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            codes::FORBIDDEN,
            "Current user is not authorized to perform this action.",
        )
    }

    pub fn unexpected() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNEXPECTED_ERROR",
            "Unexpected error.",
        )
    }

    pub fn service_unavailable() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::SERVICE_UNAVAILABLE,
            "Service temporarily unavailable. Please try again later.",
        )
    }

    pub fn invalid_version() -> Self {
        ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            codes::INVALID_VERSION_DATE,
            "Invalid accept header or version date.",
        )
    }

    pub fn resource_not_found(path: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            codes::RESOURCE_NOT_FOUND,
            format!("Cannot find resource {path}."),
        )
        .params([path])
    }

    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            codes::METHOD_NOT_ALLOWED,
            format!("Method {method} is not allowed on {path}."),
        )
        .params([method, path])
    }
}

/// `body` as `application/json`, with `status`: how errors and the token
/// endpoint answer.
pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = json_response(self.status, &self.body());
        let headers = response.headers_mut();
        headers.insert(
            HeaderName::from_static("x-error-code"),
            HeaderValue::from_static(self.code),
        );
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        response
    }
}
