//! The HTTP surface: Atlas's v1.0 and v2 paths, the token endpoint, `/__sim`
//! helpers, and the gate every request passes first (counting, faults, auth).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, MatchedPath, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::model::{GroupId, IntegrationType};

use super::Sim;
use super::assumptions::{UNMODELLED_V2_TYPES, V2PutAbsent};
use super::auth::Role;
use super::counters::WRITE_METHODS;
use super::errors::ApiError;
use super::faults::Verdict;
use super::schema::{Version, type_exists};
use super::state::{Project, State as SimState, Stored};
use super::validate::validate;
use super::wire::{self, Page, V2_MEDIA_TYPE, base_url};

/// Marks a response whose connection must be closed without answering.
#[derive(Clone, Copy, Debug)]
pub struct DropConnection;

type Shared = State<Arc<Sim>>;
type Query_ = Query<HashMap<String, String>>;

pub fn router(sim: Arc<Sim>) -> Router {
    let mut router = Router::new();
    for version in [Version::V1, Version::V2] {
        let p = format!("/api/atlas/{}", version.path());
        router = router
            .route(&format!("{p}/groups"), get(list_projects))
            .route(
                &format!("{p}/groups/byName/{{groupName}}"),
                get(project_by_name),
            )
            .route(&format!("{p}/groups/{{groupId}}"), get(get_project))
            .route(&format!("{p}/orgs/{{orgId}}/groups"), get(org_projects))
            .route(
                &format!("{p}/groups/{{groupId}}/integrations"),
                get(list_integrations),
            )
            .route(
                &format!("{p}/groups/{{groupId}}/integrations/{{integrationType}}"),
                get(get_integration)
                    .post(create_integration)
                    .put(upsert_integration)
                    .delete(delete_integration),
            );
    }
    router
        .route("/api/oauth/token", post(token))
        .route("/__sim/counters", get(counters).delete(reset_counters))
        .route("/__sim/counters/reset", post(reset_counters))
        .route("/__sim/health", get(|| async { "ok" }))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(sim.clone(), gate))
        .with_state(sim)
}

/// Counts the request, applies faults, then checks credentials and role.
async fn gate(State(sim): Shared, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/__sim") {
        return next.run(request).await;
    }
    let method = request.method().as_str().to_owned();
    let template = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| path.clone(), |m| m.as_str().to_owned());
    sim.counters.request(&method, &template);
    let is_api = path.starts_with("/api/atlas/");
    let (delay, (verdict, bucket_headers)) = {
        let mut rng = sim.rng();
        let delay = sim.faults.delay(&mut rng);
        let endpoint = template.trim_start_matches('/');
        (delay, sim.faults.decide(&mut rng, endpoint, is_api))
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let response = match verdict {
        Verdict::Drop => {
            sim.counters.dropped();
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(DropConnection);
            return response;
        }
        Verdict::Fail(error) => error.into_response(),
        Verdict::Pass if is_api => {
            let uri = request
                .uri()
                .path_and_query()
                .map_or(path.as_str(), |p| p.as_str());
            match sim
                .auth
                .authenticate(&method, uri, request.headers(), &sim.rng)
            {
                Ok(Role::ReadOnly) if WRITE_METHODS.contains(&method.as_str()) => {
                    ApiError::forbidden().into_response()
                }
                Ok(_) if sim.faults.fails_write(&method, &path) => {
                    ApiError::unexpected().into_response()
                }
                Ok(_) => next.run(request).await,
                Err(challenge) => *challenge,
            }
        }
        Verdict::Pass => next.run(request).await,
    };
    let mut response = response;
    for (name, value) in bucket_headers {
        response.headers_mut().insert(name, value);
    }
    sim.counters.answered(response.status().as_u16());
    response
}

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

/// The type named in the path.
enum PathType {
    Known(IntegrationType),
    /// In the v2 enum but not modelled (HIP_CHAT).
    Unmodelled(String),
}

fn path_type(sim: &Sim, version: Version, raw: &str) -> Result<PathType, ApiError> {
    match raw.parse::<IntegrationType>() {
        Ok(kind) if type_exists(kind, version) => Ok(PathType::Known(kind)),
        _ if version == Version::V2 && UNMODELLED_V2_TYPES.contains(&raw) => {
            Ok(PathType::Unmodelled(raw.to_owned()))
        }
        _ => {
            let status = StatusCode::from_u16(sim.assumptions.unknown_type_status)
                .unwrap_or(StatusCode::BAD_REQUEST);
            Err(ApiError::unknown_type(status, raw))
        }
    }
}

fn writable_type(sim: &Sim, version: Version, raw: &str) -> Result<IntegrationType, ApiError> {
    match path_type(sim, version, raw)? {
        PathType::Known(kind) => Ok(kind),
        PathType::Unmodelled(name) => Err(ApiError::invalid_settings(
            &name,
            &format!("{name} integrations can no longer be created"),
        )),
    }
}

fn check_group_id(id: &str) -> Result<(), ApiError> {
    id.parse::<GroupId>()
        .map(|_| ())
        .map_err(|_| ApiError::invalid_group_id(id))
}

fn group<'a>(state: &'a SimState, id: &str) -> Result<&'a Project, ApiError> {
    check_group_id(id)?;
    state.get(id).ok_or_else(|| ApiError::group_not_found(id))
}

fn group_mut<'a>(state: &'a mut SimState, id: &str) -> Result<&'a mut Project, ApiError> {
    check_group_id(id)?;
    state
        .get_mut(id)
        .ok_or_else(|| ApiError::group_not_found(id))
}

fn integrations_url(headers: &HeaderMap, version: Version, group_id: &str) -> String {
    format!(
        "{}/api/atlas/{}/groups/{group_id}/integrations",
        base_url(headers),
        version.path()
    )
}

fn envelope_response(
    sim: &Sim,
    version: Version,
    items: &[(IntegrationType, &Stored)],
    page: &Page,
    self_url: &str,
) -> Response {
    let body = wire::integrations_page(items, version, &sim.assumptions, page, self_url);
    wire::ok(version, StatusCode::OK, body, Some(page))
}

async fn list_integrations(
    version: Version,
    State(sim): Shared,
    Path(group_id): Path<String>,
    Query(query): Query_,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let page = Page::from_query(&query, &sim.assumptions)?;
    let state = sim.read();
    let project = group(&state, &group_id)?;
    let now = std::time::Instant::now();
    let url = integrations_url(&headers, version, &group_id);
    Ok(envelope_response(
        &sim,
        version,
        &project.visible(now),
        &page,
        &url,
    ))
}

async fn get_integration(
    version: Version,
    State(sim): Shared,
    Path((group_id, raw_type)): Path<(String, String)>,
    Query(query): Query_,
) -> Result<Response, ApiError> {
    let kind = path_type(&sim, version, &raw_type)?;
    let page = Page::from_query(&query, &sim.assumptions)?;
    let state = sim.read();
    let project = group(&state, &group_id)?;
    let kind = match kind {
        PathType::Known(kind) => kind,
        PathType::Unmodelled(name) => return Err(ApiError::not_configured(&name)),
    };
    let stored = project
        .visible_one(kind, std::time::Instant::now())
        .ok_or_else(|| ApiError::not_configured(kind.as_str()))?;
    let body = wire::integration(kind, stored, version, &sim.assumptions);
    Ok(wire::ok(version, StatusCode::OK, body, Some(&page)))
}

fn parse_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::invalid_json())
}

async fn create_integration(
    version: Version,
    State(sim): Shared,
    Path((group_id, raw_type)): Path<(String, String)>,
    Query(query): Query_,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_integration(
        &sim, version, &group_id, &raw_type, &query, &headers, &body, true,
    )
}

async fn upsert_integration(
    version: Version,
    State(sim): Shared,
    Path((group_id, raw_type)): Path<(String, String)>,
    Query(query): Query_,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_integration(
        &sim, version, &group_id, &raw_type, &query, &headers, &body, false,
    )
}

#[allow(clippy::too_many_arguments)]
fn write_integration(
    sim: &Sim,
    version: Version,
    group_id: &str,
    raw_type: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &Bytes,
    create: bool,
) -> Result<Response, ApiError> {
    let kind = writable_type(sim, version, raw_type)?;
    let page = Page::from_query(query, &sim.assumptions)?;
    let mut state = sim.write();
    let project = group_mut(&mut state, group_id)?;
    let body = parse_body(body)?;
    let existing = project.integrations.get(&kind);
    match existing {
        Some(_) if create => return Err(ApiError::already_configured(kind.as_str())),
        None if !create
            && version == Version::V2
            && sim.assumptions.v2_put_absent == V2PutAbsent::NotConfigured =>
        {
            return Err(ApiError::not_configured(kind.as_str()));
        }
        None if kind == IntegrationType::Slack && sim.assumptions.refuse_slack_create => {
            return Err(ApiError::invalid_settings(
                kind.as_str(),
                "Slack integrations can only be connected in the Atlas UI",
            ));
        }
        _ => {}
    }
    let fields = validate(
        kind,
        version,
        &body,
        existing.map(|s| &s.fields),
        &sim.assumptions,
    )?;
    let id = existing.map_or_else(|| sim.new_id(), |s| s.id.clone());
    let delay = sim.faults.faults().read_after_write_delay;
    project.write(kind, Some(Stored { id, fields }), delay);
    let url = integrations_url(headers, version, group_id);
    Ok(envelope_response(
        sim,
        version,
        &project.current(),
        &page,
        &url,
    ))
}

async fn delete_integration(
    version: Version,
    State(sim): Shared,
    Path((group_id, raw_type)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let kind = path_type(&sim, version, &raw_type)?;
    let mut state = sim.write();
    let project = group_mut(&mut state, &group_id)?;
    let kind = match kind {
        PathType::Known(kind) => kind,
        PathType::Unmodelled(name) => return Err(ApiError::not_configured(&name)),
    };
    if !project.integrations.contains_key(&kind) {
        return Err(ApiError::not_configured(kind.as_str()));
    }
    let delay = sim.faults.faults().read_after_write_delay;
    project.write(kind, None, delay);
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn projects_response(
    sim: &Sim,
    version: Version,
    headers: &HeaderMap,
    page: &Page,
    projects: &[&Project],
    self_path: &str,
) -> Response {
    let base = base_url(headers);
    let all = projects
        .iter()
        .map(|p| wire::project(p, version, &base))
        .collect();
    let url = format!("{base}/api/atlas/{}{self_path}", version.path());
    let body = page.envelope(all, &url, &sim.assumptions);
    wire::ok(version, StatusCode::OK, body, Some(page))
}

async fn list_projects(
    version: Version,
    State(sim): Shared,
    Query(query): Query_,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let page = Page::from_query(&query, &sim.assumptions)?;
    let state = sim.read();
    let projects: Vec<&Project> = state.projects().iter().collect();
    Ok(projects_response(
        &sim, version, &headers, &page, &projects, "/groups",
    ))
}

async fn org_projects(
    version: Version,
    State(sim): Shared,
    Path(org_id): Path<String>,
    Query(query): Query_,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let page = Page::from_query(&query, &sim.assumptions)?;
    if org_id.parse::<GroupId>().is_err() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_ORG_ID",
            format!("An invalid organization ID {org_id} was specified."),
        )
        .params([org_id.as_str()]));
    }
    let state = sim.read();
    if !state.org_exists(&org_id) {
        return Err(ApiError::org_not_found(&org_id));
    }
    // The `name` prefix filter exists on v2 only; v1.0 ignores it.
    let prefix = match version {
        Version::V2 => query.get("name").map(String::as_str),
        Version::V1 => None,
    };
    let projects: Vec<&Project> = state
        .projects()
        .iter()
        .filter(|p| p.org_id == org_id)
        .filter(|p| prefix.is_none_or(|prefix| p.name.starts_with(prefix)))
        .collect();
    let path = format!("/orgs/{org_id}/groups");
    Ok(projects_response(
        &sim, version, &headers, &page, &projects, &path,
    ))
}

async fn get_project(
    version: Version,
    State(sim): Shared,
    Path(group_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let state = sim.read();
    let project = group(&state, &group_id)?;
    let body = wire::project(project, version, &base_url(&headers));
    Ok(wire::ok(version, StatusCode::OK, body, None))
}

async fn project_by_name(
    version: Version,
    State(sim): Shared,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let state = sim.read();
    let project = state
        .by_name(&name)
        .ok_or_else(|| ApiError::not_in_group(&name))?;
    let body = wire::project(project, version, &base_url(&headers));
    Ok(wire::ok(version, StatusCode::OK, body, None))
}

async fn token(State(sim): Shared, headers: HeaderMap, body: Bytes) -> Response {
    sim.auth.issue_token(&headers, &body, &sim.rng)
}

async fn counters(State(sim): Shared) -> Response {
    let counts = sim.counters.snapshot();
    let body = json!({
        "requests": counts.requests,
        "statuses": counts.statuses,
        "dropped": counts.dropped,
        "total": counts.total(),
        "reads": counts.reads(),
        "writes": counts.writes(),
    });
    wire::ok(Version::V1, StatusCode::OK, body, None)
}

async fn reset_counters(State(sim): Shared) -> StatusCode {
    sim.counters.reset();
    StatusCode::NO_CONTENT
}

async fn not_found(request: Request) -> ApiError {
    ApiError::resource_not_found(request.uri().path())
}

async fn method_not_allowed(method: Method, request: Request) -> ApiError {
    ApiError::method_not_allowed(method.as_str(), request.uri().path())
}
