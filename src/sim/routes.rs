//! The HTTP surface: Atlas's v1.0 and v2 paths, the token endpoint, `/__sim`
//! helpers, and the gate every request passes first (counting, faults, auth).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::model::{GroupId, IntegrationType};

use super::Sim;
use super::assumptions::PutAbsent;
use super::assumptions::events as event_facts;
use super::auth::Role;
use super::counters::WRITE_METHODS;
use super::errors::ApiError;
use super::faults::Verdict;
use super::project::{Caller_, Who, group, group_mut, record};
use super::request::{Answer, Listing};
use super::schema::{Version, has_no_schema, in_enum};
use super::state::{Event, Project, Stored};
use super::validate::validate;
use super::wire::{self, Page, base_url};

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
            .route(&format!("{p}/orgs"), get(list_orgs))
            .route(&format!("{p}/orgs/{{orgId}}/groups"), get(org_projects))
            .route(
                &format!("{p}/groups/{{groupId}}/integrations"),
                get(list_integrations),
            )
            .route(
                &format!("{p}/groups/{{groupId}}/integrations/{{integrationType}}"),
                get(get_integration)
                    .post(write_integration)
                    .put(write_integration)
                    .delete(delete_integration),
            )
            .route(&format!("{p}/groups/{{groupId}}/events"), get(list_events))
            .route(
                &format!("{p}/groups/{{groupId}}/alertConfigs"),
                get(list_alert_configs),
            );
    }
    router = super::id_family::routes(router, &super::log_integrations::LOG_INTEGRATIONS);
    router = super::id_family::routes(router, &super::metric_integrations::METRIC_INTEGRATIONS);
    router = super::push_based::routes(router);
    router
        .route("/api/oauth/token", post(token))
        .route(
            "/__sim/ui/groups/{groupId}/integrations/{integrationType}",
            axum::routing::put(ui_write).delete(ui_delete),
        )
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
            let refused = sim.faults.refused_type(&method, &path);
            let uri = request
                .uri()
                .path_and_query()
                .map_or(path.as_str(), |p| p.as_str());
            match sim
                .auth
                .authenticate(&method, uri, request.headers(), &sim.rng)
            {
                Ok(caller)
                    if caller.role == Role::ReadOnly
                        && WRITE_METHODS.contains(&method.as_str()) =>
                {
                    ApiError::forbidden().into_response()
                }
                Ok(_) if sim.faults.forbids(&template) => ApiError::forbidden().into_response(),
                Ok(_) if sim.faults.fails_write(&method, &path) => {
                    ApiError::unexpected().into_response()
                }
                Ok(_) if refused.is_some() => ApiError::invalid_settings(
                    refused.unwrap_or_default(),
                    "the provider refused these settings",
                )
                .into_response(),
                Ok(caller) => {
                    let mut request = request;
                    request.extensions_mut().insert(caller);
                    next.run(request).await
                }
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

/// The type named in the path, when the version's enum has it.
fn path_type(sim: &Sim, raw: &str) -> Result<IntegrationType, ApiError> {
    match raw.parse::<IntegrationType>() {
        Ok(kind) if in_enum(kind) => Ok(kind),
        _ => {
            let status = StatusCode::from_u16(sim.assumptions.unknown_type_status)
                .unwrap_or(StatusCode::BAD_REQUEST);
            Err(ApiError::unknown_type(status, raw))
        }
    }
}

fn writable_type(sim: &Sim, raw: &str) -> Result<IntegrationType, ApiError> {
    let kind = path_type(sim, raw)?;
    if has_no_schema(kind) {
        return Err(ApiError::invalid_settings(
            raw,
            &format!("{raw} integrations can no longer be created"),
        ));
    }
    Ok(kind)
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

async fn list_integrations(list: Listing<Path<String>>) -> Result<Response, ApiError> {
    let (Path(group_id), answer) = (&list.path, &list.answer);
    let state = answer.sim.read();
    let project = group(&state, group_id)?;
    let now = std::time::Instant::now();
    let url = answer.url(&format!("/groups/{group_id}/integrations"));
    Ok(envelope_response(
        &answer.sim,
        answer.version,
        &project.visible(now),
        &list.page,
        &url,
    ))
}

async fn get_integration(
    version: Version,
    State(sim): Shared,
    Path((group_id, raw_type)): Path<(String, String)>,
    Query(query): Query_,
) -> Result<Response, ApiError> {
    let kind = path_type(&sim, &raw_type)?;
    let page = Page::from_query(&query, &sim.assumptions)?;
    let state = sim.read();
    let project = group(&state, &group_id)?;
    let stored = project
        .visible_one(kind, std::time::Instant::now())
        .ok_or_else(|| ApiError::not_configured(kind.as_str()))?;
    let body = wire::integration(kind, stored, version);
    Ok(wire::ok(version, StatusCode::OK, body, Some(&page)))
}

fn parse_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::invalid_json())
}

/// POST creates (and refuses a type already configured); PUT upserts.
#[allow(clippy::too_many_arguments)]
async fn write_integration(
    method: Method,
    version: Version,
    State(sim): Shared,
    Path((group_id, raw_type)): Path<(String, String)>,
    Query(query): Query_,
    caller: Caller_,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let create = method == Method::POST;
    let (sim, group_id, who) = (sim.as_ref(), group_id.as_str(), Who::of(caller));
    let kind = writable_type(sim, &raw_type)?;
    let page = Page::from_query(&query, &sim.assumptions)?;
    let mut state = sim.write();
    let project = group_mut(&mut state, group_id)?;
    let body = parse_body(&body)?;
    let existing = project.integrations.get(&kind);
    match existing {
        Some(_) if create => return Err(ApiError::already_configured(kind.as_str())),
        None if !create && sim.assumptions.put_absent(version) == PutAbsent::NotConfigured => {
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
    store(sim, project, kind, version, &body)?;
    record(sim, project, event_facts::CONFIGURED, who);
    let url = integrations_url(&headers, version, group_id);
    Ok(envelope_response(
        sim,
        version,
        &project.current(),
        &page,
        &url,
    ))
}

/// Validates `body` as `version` would and stores it as the project's
/// integration of `kind`, keeping the id of the one it replaces.
fn store(
    sim: &Sim,
    project: &mut Project,
    kind: IntegrationType,
    version: Version,
    body: &Value,
) -> Result<(), ApiError> {
    let existing = project.integrations.get(&kind);
    let fields = validate(
        kind,
        version,
        body,
        existing.map(|s| &s.fields),
        &sim.assumptions,
    )?;
    let id = existing.map_or_else(|| sim.new_id(), |s| s.id.clone());
    let delay = sim.faults.faults().read_after_write_delay;
    project.write(kind, Some(Stored { id, fields }), delay);
    Ok(())
}

/// Removes the project's integration of `kind`; there must be one.
fn remove(sim: &Sim, project: &mut Project, kind: IntegrationType) -> Result<(), ApiError> {
    if !project.integrations.contains_key(&kind) {
        return Err(ApiError::not_configured(kind.as_str()));
    }
    let delay = sim.faults.faults().read_after_write_delay;
    project.write(kind, None, delay);
    Ok(())
}

async fn delete_integration(
    version: Version,
    State(sim): Shared,
    Path((group_id, raw_type)): Path<(String, String)>,
    caller: Caller_,
) -> Result<Response, ApiError> {
    let kind = path_type(&sim, &raw_type)?;
    let mut state = sim.write();
    let project = group_mut(&mut state, &group_id)?;
    remove(&sim, project, kind)?;
    record(&sim, project, event_facts::REMOVED, Who::of(caller));
    Ok(super::media::no_content(wire::media_type(version)))
}

/// A change "made by a person in the Atlas UI": written like the API's
/// writes (validated as v2 would, Slack allowed), recorded as an event with
/// the person's e-mail. `None` removes the type.
pub(crate) fn ui_change(
    sim: &Sim,
    group_id: &str,
    raw_type: &str,
    body: Option<&Value>,
    username: &str,
    remote_address: Option<&str>,
) -> Result<(), ApiError> {
    let kind = writable_type(sim, raw_type)?;
    let mut state = sim.write();
    let project = group_mut(&mut state, group_id)?;
    let event_type = match body {
        Some(body) => {
            store(sim, project, kind, Version::V2, body)?;
            event_facts::CONFIGURED
        }
        None => {
            remove(sim, project, kind)?;
            event_facts::REMOVED
        }
    };
    let who = Who::User {
        username: username.to_owned(),
        remote_address: remote_address
            .unwrap_or(event_facts::UI_REMOTE_ADDRESS)
            .to_owned(),
    };
    record(sim, project, event_type, who);
    Ok(())
}

/// The person a `/__sim/ui` request acts as (`X-Sim-Username`, required)
/// and from where (`X-Sim-Remote-Address`, optional).
fn ui_person(headers: &HeaderMap) -> Result<(String, Option<String>), ApiError> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let username = text("x-sim-username").ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "SIM_USERNAME_REQUIRED",
            "a change made in the UI needs the person's e-mail in `X-Sim-Username`",
        )
    })?;
    Ok((username, text("x-sim-remote-address")))
}

async fn ui_write(
    State(sim): Shared,
    Path((group_id, raw_type)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let (username, address) = ui_person(&headers)?;
    let body = parse_body(&body)?;
    ui_change(
        &sim,
        &group_id,
        &raw_type,
        Some(&body),
        &username,
        address.as_deref(),
    )?;
    Ok(StatusCode::NO_CONTENT)
}

async fn ui_delete(
    State(sim): Shared,
    Path((group_id, raw_type)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let (username, address) = ui_person(&headers)?;
    ui_change(
        &sim,
        &group_id,
        &raw_type,
        None,
        &username,
        address.as_deref(),
    )?;
    Ok(StatusCode::NO_CONTENT)
}

/// A date query parameter (`minDate`, `maxDate`), in seconds since the epoch.
fn date_param(query: &HashMap<String, String>, name: &str) -> Result<Option<u64>, ApiError> {
    query
        .get(name)
        .map(|text| {
            crate::clock::parse_utc(text)
                .ok_or_else(|| ApiError::invalid_query(name, "must be an ISO 8601 date and time"))
        })
        .transpose()
}

async fn list_events(list: Listing<Path<String>>) -> Result<Response, ApiError> {
    let (Path(group_id), answer) = (&list.path, &list.answer);
    let types: Vec<&str> = list
        .pairs
        .iter()
        .filter(|(name, _)| name == "eventType")
        .map(|(_, value)| value.as_str())
        .collect();
    let (min, max) = (
        date_param(&list.query, "minDate")?,
        date_param(&list.query, "maxDate")?,
    );
    list.of_project(group_id, "events", |project| {
        let keep = |event: &&Event| {
            let at = crate::clock::parse_utc(&event.created).unwrap_or(0);
            (types.is_empty() || types.contains(&event.event_type_name.as_str()))
                && min.is_none_or(|min| at >= min)
                && max.is_none_or(|max| at <= max)
        };
        let mut events: Vec<&Event> = project.events.iter().filter(keep).collect();
        if event_facts::NEWEST_FIRST {
            events.reverse();
        }
        events
            .into_iter()
            .map(|event| wire::event(event, project, answer.version, &answer.base))
            .collect()
    })
}

async fn list_alert_configs(list: Listing<Path<String>>) -> Result<Response, ApiError> {
    let (Path(group_id), answer) = (&list.path, &list.answer);
    list.of_project(group_id, "alertConfigs", |project| {
        project
            .alert_configs
            .iter()
            .map(|alert| wire::alert_config(alert, project, answer.version, &answer.base))
            .collect()
    })
}

/// One page of `projects`, at `self_path`.
fn projects_page<P>(list: &Listing<P>, projects: &[&Project], self_path: &str) -> Response {
    let answer = &list.answer;
    let all = projects
        .iter()
        .map(|p| wire::project(p, answer.version, &answer.base))
        .collect();
    list.page_of(all, self_path)
}

async fn list_projects(list: Listing) -> Result<Response, ApiError> {
    let state = list.answer.sim.read();
    let projects: Vec<&Project> = state.projects().iter().collect();
    Ok(projects_page(&list, &projects, "/groups"))
}

/// `GET /orgs`: every organization the caller can see (the simulator's
/// credentials see them all), in id order. The simulator keeps no names:
/// each is named after its id, as Atlas requires a name.
async fn list_orgs(list: Listing) -> Result<Response, ApiError> {
    let answer = &list.answer;
    let state = answer.sim.read();
    let mut ids: Vec<&String> = state.orgs().collect();
    ids.sort();
    let all = ids
        .into_iter()
        .map(|id| wire::organization(id, answer.version, &answer.base))
        .collect();
    Ok(list.page_of(all, "/orgs"))
}

async fn org_projects(list: Listing<Path<String>>) -> Result<Response, ApiError> {
    let Path(org_id) = &list.path;
    if org_id.parse::<GroupId>().is_err() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_ORG_ID",
            format!("An invalid organization ID {org_id} was specified."),
        )
        .params([org_id.as_str()]));
    }
    let state = list.answer.sim.read();
    if !state.org_exists(org_id) {
        return Err(ApiError::org_not_found(org_id));
    }
    // The `name` prefix filter exists on v2 only; v1.0 ignores it.
    let prefix = match list.answer.version {
        Version::V2 => list.query.get("name").map(String::as_str),
        Version::V1 => None,
    };
    let projects: Vec<&Project> = state
        .projects()
        .iter()
        .filter(|p| p.org_id == *org_id)
        .filter(|p| prefix.is_none_or(|prefix| p.name.starts_with(prefix)))
        .collect();
    Ok(projects_page(
        &list,
        &projects,
        &format!("/orgs/{org_id}/groups"),
    ))
}

async fn get_project(answer: Answer, Path(group_id): Path<String>) -> Result<Response, ApiError> {
    answer.project(|state| group(state, &group_id))
}

async fn project_by_name(answer: Answer, Path(name): Path<String>) -> Result<Response, ApiError> {
    answer.project(|state| {
        state
            .by_name(&name)
            .ok_or_else(|| ApiError::not_in_group(&name))
    })
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
