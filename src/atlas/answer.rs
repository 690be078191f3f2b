//! An answer the caller interprets: a success, or a 4xx other than 401,
//! 403 and 429. Whatever of it goes into a message is made fit to show.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;

use super::error::ApiError;
use super::redact::Redactor;
use super::server_text::{MAX_SHOWN_BYTES, server_text};
use super::wire::ErrorBody;

/// Bytes of an unreadable answer quoted in its error.
const PREVIEW_BYTES: usize = 40;

pub struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
    /// `PUT /api/...`, as messages name the request.
    pub request: String,
    /// The secrets this request could see echoed.
    pub redactor: Arc<Redactor>,
}

impl Answer {
    /// Atlas's error fields as sent, for decisions; never shown as is.
    pub fn error(&self) -> ErrorBody {
        ErrorBody::parse(&self.body)
    }

    /// Server text made fit for a message (see [`server_text`]).
    pub fn shown(&self, text: impl AsRef<[u8]>) -> String {
        server_text(text, &self.redactor, MAX_SHOWN_BYTES)
    }

    /// Atlas's `detail`, fit to show.
    pub fn detail(&self) -> Option<String> {
        self.error().detail.map(|d| self.shown(d))
    }

    /// An answer whose shape tether does not expect; `reason` may quote it.
    pub fn invalid(&self, reason: impl AsRef<[u8]>) -> ApiError {
        ApiError::InvalidResponse {
            request: self.request.clone(),
            reason: self.shown(reason),
        }
    }

    pub fn json(&self) -> Result<Value, ApiError> {
        serde_json::from_slice(&self.body).map_err(|err| ApiError::InvalidResponse {
            request: self.request.clone(),
            reason: format!(
                "not JSON ({err}); it begins `{}`",
                server_text(&self.body, &self.redactor, PREVIEW_BYTES)
            ),
        })
    }

    pub fn rejected(&self) -> ApiError {
        let error = self.error();
        ApiError::Rejected {
            request: self.request.clone(),
            status: self.status.as_u16(),
            error_code: error.error_code.map(|c| self.shown(c)),
            detail: error.detail.map(|d| self.shown(d)),
        }
    }

    /// A 404 that says the project does not exist (or the credentials
    /// cannot see it), not that what was asked for is gone.
    pub fn is_group_not_found(&self) -> bool {
        self.status == StatusCode::NOT_FOUND
            && self.error().error_code.as_deref() == Some("GROUP_NOT_FOUND")
    }

    /// A 404 that says the integration type is not configured.
    pub fn is_not_configured(&self) -> bool {
        self.status == StatusCode::NOT_FOUND
            && self.error().error_code.as_deref() == Some("INTEGRATION_NOT_CONFIGURED")
    }
}
