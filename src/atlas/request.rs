//! A request to Atlas as the transport sends it.

use reqwest::{Method, Url};
use serde_json::Value;

use super::redact::Redactor;
use super::version::ApiVersion;
use crate::secret::Secret;

/// How one request authenticates.
pub enum RequestAuth {
    /// With the run's credentials: Digest, a bearer token, or none.
    Api,
    /// Basic client credentials, for the token endpoint.
    Basic(Secret),
}

pub struct Request {
    pub method: Method,
    pub url: Url,
    pub body: Option<Vec<u8>>,
    pub content_type: &'static str,
    pub accept: &'static str,
    pub auth: RequestAuth,
    /// The secrets the body carries, to redact from what comes back.
    pub secrets: Redactor,
    /// The first request of a write: not sent once a stop is requested.
    pub stoppable: bool,
}

impl Request {
    /// A request to the API with the media types of its generation `api`.
    pub fn api(api: ApiVersion, method: Method, url: Url, body: Option<&Value>) -> Request {
        Request {
            method,
            url,
            body: body.map(|b| serde_json::to_vec(b).expect("a JSON value serializes")),
            content_type: api.media_type(),
            accept: api.media_type(),
            auth: RequestAuth::Api,
            secrets: Redactor::default(),
            stoppable: false,
        }
    }

    /// A v2 request whose resource has its own media type (the log and
    /// metric families' `2025-03-12`).
    pub fn versioned(
        media: &'static str,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Request {
        Request {
            content_type: media,
            accept: media,
            ..Request::api(ApiVersion::V2, method, url, body)
        }
    }

    /// `GET /api/...`, as messages name the request: never its query.
    pub fn shown(&self) -> String {
        format!("{} {}", self.method, self.url.path())
    }

    pub fn is_write(&self) -> bool {
        self.method != Method::GET
    }
}
