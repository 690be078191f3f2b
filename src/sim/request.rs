//! What a handler of the original endpoints (projects, organizations,
//! `/integrations`, events, alert configurations) reads from its request
//! before it looks at the state, in Atlas's order: the version (the path
//! and `Accept`), the path's parameters, then the page asked for.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::Sim;
use super::errors::ApiError;
use super::schema::Version;
use super::state::{Project, State as SimState};
use super::wire::{self, Page, V2_MEDIA_TYPE, base_url};

impl FromRequestParts<Arc<Sim>> for Version {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, ApiError> {
        if !parts.uri.path().starts_with("/api/atlas/v2/") {
            return Ok(Version::V1);
        }
        let require = sim.assumptions.require_versioned_accept;
        let accepted = parts
            .headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|v| v.split(';').next().unwrap_or("").trim() == V2_MEDIA_TYPE);
        if require && !accepted {
            return Err(ApiError::invalid_version());
        }
        Ok(Version::V2)
    }
}

/// How a request is answered: in its version, with links from the base URL
/// it addressed.
pub struct Answer {
    pub version: Version,
    pub sim: Arc<Sim>,
    pub base: String,
}

impl FromRequestParts<Arc<Sim>> for Answer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, ApiError> {
        let version = Version::from_request_parts(parts, sim).await?;
        Ok(Answer {
            version,
            sim: Arc::clone(sim),
            base: base_url(&parts.headers),
        })
    }
}

impl Answer {
    /// The project that `find` picks from the state, as one object.
    pub fn project(
        &self,
        find: impl FnOnce(&SimState) -> Result<&Project, ApiError>,
    ) -> Result<Response, ApiError> {
        let state = self.sim.read();
        let body = wire::project(find(&state)?, self.version, &self.base);
        Ok(wire::ok(self.version, StatusCode::OK, body, None))
    }

    /// `/api/atlas/{version}{path}` at the base URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/atlas/{}{path}", self.base, self.version.path())
    }
}

/// A request for one page of a list: how to answer it, its path's
/// parameters `P` (`()` for none), its query and the page it asks for.
pub struct Listing<P = ()> {
    pub answer: Answer,
    pub path: P,
    /// Every query parameter in order, repeated ones included.
    pub pairs: Vec<(String, String)>,
    /// The query by name (the last of a repeated one).
    pub query: HashMap<String, String>,
    pub page: Page,
}

impl<P> FromRequestParts<Arc<Sim>> for Listing<P>
where
    P: FromRequestParts<Arc<Sim>> + Send,
    P::Rejection: IntoResponse,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, Response> {
        let answer = Answer::from_request_parts(parts, sim)
            .await
            .map_err(IntoResponse::into_response)?;
        let path = P::from_request_parts(parts, sim)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, sim)
            .await
            .map_err(IntoResponse::into_response)?;
        let query: HashMap<String, String> = pairs.iter().cloned().collect();
        let page =
            Page::from_query(&query, &sim.assumptions).map_err(IntoResponse::into_response)?;
        Ok(Listing {
            answer,
            path,
            pairs,
            query,
            page,
        })
    }
}

impl<P> Listing<P> {
    /// The page of `all` in the envelope whose self link is `path` (below
    /// `/api/atlas/{version}`).
    pub fn page_of(&self, all: Vec<Value>, path: &str) -> Response {
        let answer = &self.answer;
        let body = self
            .page
            .envelope(all, &answer.url(path), &answer.sim.assumptions);
        wire::ok(answer.version, StatusCode::OK, body, Some(&self.page))
    }

    /// One page of what `all` lists of the project `group_id`, at
    /// `/groups/{group_id}/{resource}`.
    pub fn of_project(
        &self,
        group_id: &str,
        resource: &str,
        all: impl FnOnce(&Project) -> Vec<Value>,
    ) -> Result<Response, ApiError> {
        let state = self.answer.sim.read();
        let project = super::project::group(&state, group_id)?;
        Ok(self.page_of(all(project), &format!("/groups/{group_id}/{resource}")))
    }
}
