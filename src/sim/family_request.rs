//! What a route of the newer families (log and metric integrations, the
//! push-based export) reads from its request before it looks at the state:
//! the simulator, the path's parameters, the query, the headers and the
//! caller, in that order.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::Sim;
use super::auth::Role;
use super::errors::ApiError;
use super::media::{self, Presentation};
use super::project::Caller_;

/// A request to one of the families' paths, whose parameters are `P`.
pub struct FamilyRequest<P> {
    pub sim: Arc<Sim>,
    pub path: P,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub caller: Caller_,
}

impl<P> FromRequestParts<Arc<Sim>> for FamilyRequest<P>
where
    P: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, Response> {
        let State(sim) = State::<Arc<Sim>>::from_request_parts(parts, sim)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(path) = Path::<P>::from_request_parts(parts, &sim)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(query) = Query::<HashMap<String, String>>::from_request_parts(parts, &sim)
            .await
            .map_err(IntoResponse::into_response)?;
        let headers = parts.headers.clone();
        let caller = Caller_::from_request_parts(parts, &sim)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(FamilyRequest {
            sim,
            path,
            query,
            headers,
            caller,
        })
    }
}

impl<P> FamilyRequest<P> {
    /// What the caller asked for and may do, checked in Atlas's order: the
    /// media type (one of `offered`), the role, then the presentation.
    pub fn admit(
        &self,
        offered: &[&'static str],
    ) -> Result<(&'static str, Presentation), ApiError> {
        let media = self.negotiate(offered)?;
        Ok((media, Presentation::from_query(&self.query)?))
    }

    /// The media type (one of `offered`), then the role: what a request
    /// without a presentation checks.
    pub fn negotiate(&self, offered: &[&'static str]) -> Result<&'static str, ApiError> {
        let media = media::negotiate(&self.headers, offered, &self.sim.assumptions)?;
        require_owner(&self.caller)?;
        Ok(media)
    }
}

/// Every operation of these families needs Project Owner, reads included.
fn require_owner(caller: &Caller_) -> Result<(), ApiError> {
    match caller {
        Some(axum::Extension(caller)) if caller.role == Role::ReadOnly => {
            Err(ApiError::forbidden())
        }
        _ => Ok(()),
    }
}
