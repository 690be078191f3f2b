//! The legacy push-based log export (`/groups/{groupId}/pushBasedLogExport`,
//! deprecated): one S3 export per project, no id. GET answers 200 with
//! `state: UNCONFIGURED` when there is none; POST, PATCH and DELETE answer
//! 200; every operation needs Project Owner. No write records an event:
//! the document names none for it.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::Sim;
use super::assumptions::codes;
use super::assumptions::log_metric::{PUSH_BASED_PATCH_MERGES, PUSH_BASED_STATE_AFTER_CREATE};
use super::errors::ApiError;
use super::family_fields::{PUSH_BASED_CREATE, PUSH_BASED_STATES, PUSH_BASED_UPDATE};
use super::family_request::FamilyRequest;
use super::family_validate::{check, object};
use super::media::{self, Presentation};
use super::project::{group, group_mut};
use super::state::PushExport;
use super::wire::{V2_MEDIA_TYPE, base_url};

const PATH: &str = "/api/atlas/v2/groups/{groupId}/pushBasedLogExport";
const MEDIA: &[&str] = &[V2_MEDIA_TYPE];
/// Read-only fields of `PushBasedLogExportProject`, ignored in a PATCH.
const READ_ONLY: &[&str] = &["createDate", "links", "state"];

pub fn routes(router: Router<Arc<Sim>>) -> Router<Arc<Sim>> {
    router.route(PATH, get(read).post(create).patch(update).delete(remove))
}

fn not_configured() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        codes::PUSH_BASED_NOT_CONFIGURED,
        "This project has no push-based log export.",
    )
}

/// Writes answer an empty object (the document's `inline` schema).
fn written(media: &'static str, presentation: Presentation) -> Response {
    media::answer(media, StatusCode::OK, json!({}), presentation)
}

async fn read(request: FamilyRequest<String>) -> Result<Response, ApiError> {
    let (media, presentation) = request.admit(MEDIA)?;
    let (sim, group_id) = (&request.sim, &request.path);
    let state = sim.read();
    let project = group(&state, group_id)?;
    let link = json!([{
        "href": format!("{}/api/atlas/v2/groups/{group_id}/pushBasedLogExport", base_url(&request.headers)),
        "rel": "self",
    }]);
    let mut body = Map::new();
    body.insert("links".into(), link);
    match &project.push_based_log_export {
        None => {
            body.insert("state".into(), json!("UNCONFIGURED"));
        }
        Some(export) => {
            body.extend(export.fields.clone());
            body.insert("state".into(), json!(export.state));
            body.insert("createDate".into(), json!(export.create_date));
        }
    }
    Ok(media::answer(
        media,
        StatusCode::OK,
        Value::Object(body),
        presentation,
    ))
}

async fn create(request: FamilyRequest<String>, body: Bytes) -> Result<Response, ApiError> {
    let (media, presentation) = request.admit(MEDIA)?;
    let (sim, group_id) = (&request.sim, &request.path);
    let mut state = sim.write();
    let project = group_mut(&mut state, group_id)?;
    if project.push_based_log_export.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            codes::PUSH_BASED_ALREADY_CONFIGURED,
            "This project already has a push-based log export: update it with PATCH.",
        ));
    }
    let fields = check(&[PUSH_BASED_CREATE], &object(&body)?, &[])?;
    project.push_based_log_export = Some(PushExport {
        fields,
        state: PUSH_BASED_STATE_AFTER_CREATE.to_owned(),
        create_date: crate::clock::format_utc(std::time::SystemTime::now()),
    });
    Ok(written(media, presentation))
}

async fn update(request: FamilyRequest<String>, body: Bytes) -> Result<Response, ApiError> {
    let (media, presentation) = request.admit(MEDIA)?;
    let (sim, group_id) = (&request.sim, &request.path);
    let mut state = sim.write();
    let project = group_mut(&mut state, group_id)?;
    let Some(export) = project.push_based_log_export.as_mut() else {
        return Err(not_configured());
    };
    let sent = check(&[PUSH_BASED_UPDATE], &object(&body)?, READ_ONLY)?;
    if PUSH_BASED_PATCH_MERGES {
        export.fields.extend(sent);
    } else {
        export.fields = sent;
    }
    Ok(written(media, presentation))
}

async fn remove(request: FamilyRequest<String>) -> Result<Response, ApiError> {
    let (media, presentation) = request.admit(MEDIA)?;
    let (sim, group_id) = (&request.sim, &request.path);
    let mut state = sim.write();
    let project = group_mut(&mut state, group_id)?;
    if project.push_based_log_export.take().is_none() {
        return Err(not_configured());
    }
    Ok(written(media, presentation))
}

/// A state file's push-based export: the create body's fields, and
/// optionally `state` (not `UNCONFIGURED`) and `createDate`.
pub fn seed(file: &Map<String, Value>) -> Result<PushExport, String> {
    let mut body = file.clone();
    let state = match body.remove("state") {
        None => PUSH_BASED_STATE_AFTER_CREATE.to_owned(),
        Some(Value::String(s))
            if s != "UNCONFIGURED" && PUSH_BASED_STATES.contains(&s.as_str()) =>
        {
            s
        }
        Some(_) => {
            return Err(format!(
                "pushBasedLogExport.state must be one of {}",
                PUSH_BASED_STATES[1..].join(", ")
            ));
        }
    };
    let create_date = match body.remove("createDate") {
        None => super::state::DEFAULT_CREATED.to_owned(),
        Some(Value::String(d)) if crate::clock::parse_utc(&d).is_some() => d,
        Some(_) => {
            return Err(
                "pushBasedLogExport.createDate must be an ISO 8601 UTC time such as \
                 2026-12-02T06:20:02Z"
                    .to_owned(),
            );
        }
    };
    let fields = check(&[PUSH_BASED_CREATE], &body, &[])
        .map_err(|e| format!("pushBasedLogExport: {}", e.detail))?;
    Ok(PushExport {
        fields,
        state,
        create_date,
    })
}

/// The export as a state file keeps it.
pub fn unseed(export: &PushExport) -> Map<String, Value> {
    let mut file = export.fields.clone();
    file.insert("state".into(), json!(export.state));
    file.insert("createDate".into(), json!(export.create_date));
    file
}
