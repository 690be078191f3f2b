//! The id-keyed families (log and metric integrations) over HTTP: a list
//! with filters and pages, POST (201, the entry), GET and PUT of one entry
//! (200), DELETE (204), in the family's media types, for Project Owners only
//! (reads included), each write recorded as an event. Each family says what
//! differs in a [`Family`].

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::secret::mask;

use super::Sim;
use super::assumptions::Assumptions;
use super::assumptions::events::UI_REMOTE_ADDRESS;
use super::assumptions::log_metric::REDACTED_HEADER_VALUE;
use super::errors::ApiError;
use super::family_fields::{ReadBack, Rule};
use super::family_request::FamilyRequest;
use super::family_validate::{Fields, object};
use super::media::{self, Presentation};
use super::project::{Who, group, group_mut, record};
use super::state::{Entry, Project};
use super::wire::{Page, base_url};

/// Which write an event records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    Create,
    Update,
    Delete,
}

/// Checks a body (`Some(stored)` on PUT) and returns the fields to store.
pub type Validate = fn(&Map<String, Value>, Option<&Entry>) -> Result<Fields, ApiError>;

/// What one family does its own way.
pub struct Family {
    /// The collection's path segment (`logIntegrations`).
    pub collection: &'static str,
    /// The path parameter naming one entry (`id`, `metricIntegrationId`).
    pub id_param: &'static str,
    /// The key an entry's id is answered under.
    pub id_field: &'static str,
    /// The media types every operation offers, the document's first first.
    pub media: &'static [&'static str],
    /// "log integration", for error texts.
    pub what: &'static str,
    pub not_found_code: &'static str,
    pub entries: fn(&Project) -> &Vec<Entry>,
    pub entries_mut: fn(&mut Project) -> &mut Vec<Entry>,
    /// Checks a POST (`None`) or PUT (`Some(stored)`) body and returns the
    /// fields to store.
    pub validate: Validate,
    /// The rules of a stored entry, for answering it.
    pub rules: fn(&Fields) -> Vec<&'static [Rule]>,
    /// The event type a write of this entry records.
    pub event: fn(&Fields, Write) -> String,
    /// Query parameters that filter the list, with the field each matches.
    pub filters: &'static [(&'static str, &'static str)],
    /// How many entries a project may hold, when limited.
    pub limit: Option<Limit>,
}

/// A limit on a family's entries per project, and the code past it.
pub struct Limit {
    pub of: fn(&Assumptions) -> usize,
    pub code: &'static str,
}

/// A request naming one entry: the project's id, then the entry's.
type Ids = FamilyRequest<(String, String)>;

pub fn routes(router: Router<Arc<Sim>>, family: &'static Family) -> Router<Arc<Sim>> {
    let collection = format!("/api/atlas/v2/groups/{{groupId}}/{}", family.collection);
    let one = format!("{collection}/{{{}}}", family.id_param);
    router
        .route(
            &collection,
            get(move |request: FamilyRequest<String>| list(family, request)).post(
                move |request: FamilyRequest<String>, body: Bytes| create(family, request, body),
            ),
        )
        .route(
            &one,
            get(move |request: Ids| get_one(family, request))
                .put(move |request: Ids, body: Bytes| update(family, request, body))
                .delete(move |request: Ids| delete(family, request)),
        )
}

/// An entry as every read answers it: secrets masked, write-only values
/// left out, the id under the family's key.
pub fn read_back(family: &Family, entry: &Entry) -> Value {
    let rules = (family.rules)(&entry.fields);
    let mut object = Map::new();
    object.insert(family.id_field.into(), Value::String(entry.id.clone()));
    for (name, value) in &entry.fields {
        let rule = rules.iter().flat_map(|r| r.iter()).find(|r| r.name == name);
        let how = rule.map_or(ReadBack::Clear, |r| r.read_back);
        let header_names = || -> Vec<Value> {
            value
                .as_array()
                .map(|items| items.iter().map(|h| h["name"].clone()).collect())
                .unwrap_or_default()
        };
        match how {
            ReadBack::Clear => {
                object.insert(name.clone(), value.clone());
            }
            ReadBack::Masked => {
                let shown = value.as_str().map(mask).unwrap_or_default();
                object.insert(name.clone(), Value::String(shown));
            }
            ReadBack::HeaderNames => {
                let names = header_names().into_iter().map(|n| json!({"name": n}));
                object.insert(name.clone(), Value::Array(names.collect()));
            }
            ReadBack::RedactedUnder(key) => {
                let redacted = header_names()
                    .into_iter()
                    .map(|n| json!({"name": n, "value": REDACTED_HEADER_VALUE}));
                object.insert(key.to_owned(), Value::Array(redacted.collect()));
            }
        }
    }
    Value::Object(object)
}

fn not_found(family: &Family) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        family.not_found_code,
        format!("No {} with this ID exists in this project.", family.what),
    )
}

fn position(family: &Family, project: &Project, id: &str) -> Result<usize, ApiError> {
    (family.entries)(project)
        .iter()
        .position(|e| e.id == id)
        .ok_or_else(|| not_found(family))
}

async fn list(
    family: &'static Family,
    request: FamilyRequest<String>,
) -> Result<Response, ApiError> {
    let media = request.negotiate(family.media)?;
    let (sim, group_id, query) = (&request.sim, &request.path, &request.query);
    let page = Page::from_query(query, &sim.assumptions)?;
    let state = sim.read();
    let project = group(&state, group_id)?;
    let keep = |entry: &&Entry| {
        family.filters.iter().all(|(param, field)| {
            query.get(*param).is_none_or(|wanted| {
                entry.fields.get(*field).and_then(Value::as_str) == Some(wanted)
            })
        })
    };
    let all = (family.entries)(project)
        .iter()
        .filter(keep)
        .map(|entry| read_back(family, entry))
        .collect();
    let url = format!(
        "{}/api/atlas/v2/groups/{group_id}/{}",
        base_url(&request.headers),
        family.collection
    );
    let body = page.envelope(all, &url, &sim.assumptions);
    let presentation = Presentation {
        pretty: page.pretty,
        envelope: page.envelope,
    };
    Ok(media::answer(media, StatusCode::OK, body, presentation))
}

async fn create(
    family: &'static Family,
    request: FamilyRequest<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (media, presentation) = request.admit(family.media)?;
    let sim = &request.sim;
    let mut state = sim.write();
    let project = group_mut(&mut state, &request.path)?;
    let fields = (family.validate)(&object(&body)?, None)?;
    if let Some(Limit { of, code }) = family.limit
        && (family.entries)(project).len() >= of(&sim.assumptions)
    {
        let limit = of(&sim.assumptions);
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            code,
            format!("A project can hold at most {limit} {}s.", family.what),
        )
        .params([limit]));
    }
    let entry = Entry {
        id: sim.new_id(),
        fields,
    };
    let event = (family.event)(&entry.fields, Write::Create);
    let answer = read_back(family, &entry);
    (family.entries_mut)(project).push(entry);
    record(sim, project, &event, Who::of(request.caller));
    Ok(media::answer(
        media,
        StatusCode::CREATED,
        answer,
        presentation,
    ))
}

async fn get_one(family: &'static Family, request: Ids) -> Result<Response, ApiError> {
    let (media, presentation) = request.admit(family.media)?;
    let (group_id, id) = &request.path;
    let state = request.sim.read();
    let project = group(&state, group_id)?;
    let at = position(family, project, id)?;
    let answer = read_back(family, &(family.entries)(project)[at]);
    Ok(media::answer(media, StatusCode::OK, answer, presentation))
}

async fn update(family: &'static Family, request: Ids, body: Bytes) -> Result<Response, ApiError> {
    let (media, presentation) = request.admit(family.media)?;
    let (group_id, id) = &request.path;
    let mut state = request.sim.write();
    let project = group_mut(&mut state, group_id)?;
    let at = position(family, project, id)?;
    let body = object(&body)?;
    match body.get(family.id_field) {
        Some(Value::String(sent)) if sent == id => {}
        None => {}
        Some(_) => {
            return Err(ApiError::invalid_attribute_because(
                family.id_field,
                "is read-only and names another entry than the path",
            ));
        }
    }
    let fields = (family.validate)(&body, Some(&(family.entries)(project)[at]))?;
    let entry = &mut (family.entries_mut)(project)[at];
    entry.fields = fields;
    let event = (family.event)(&entry.fields, Write::Update);
    let answer = read_back(family, entry);
    record(&request.sim, project, &event, Who::of(request.caller));
    Ok(media::answer(media, StatusCode::OK, answer, presentation))
}

async fn delete(family: &'static Family, request: Ids) -> Result<Response, ApiError> {
    let media = request.negotiate(family.media)?;
    let (group_id, id) = &request.path;
    let mut state = request.sim.write();
    let project = group_mut(&mut state, group_id)?;
    let at = position(family, project, id)?;
    let entry = (family.entries_mut)(project).remove(at);
    let event = (family.event)(&entry.fields, Write::Delete);
    record(&request.sim, project, &event, Who::of(request.caller));
    Ok(media::no_content(media))
}

/// A change "made by a person in the Atlas UI": `Some(body)` without an id
/// creates, with one replaces; `None` removes. Validated like the API's
/// writes, recorded as the same event with the person's e-mail. Returns the
/// entry's id.
pub fn ui_change(
    sim: &Sim,
    family: &Family,
    group_id: &str,
    id: Option<&str>,
    body: Option<&Value>,
    username: &str,
) -> Result<String, ApiError> {
    let mut state = sim.write();
    let project = group_mut(&mut state, group_id)?;
    let at = id.map(|id| position(family, project, id)).transpose()?;
    let body = body
        .map(|b| b.as_object().cloned().ok_or_else(ApiError::invalid_json))
        .transpose()?;
    let (id, event) = match (at, body) {
        (None, Some(body)) => {
            let entry = Entry {
                id: sim.new_id(),
                fields: (family.validate)(&body, None)?,
            };
            let event = (family.event)(&entry.fields, Write::Create);
            let id = entry.id.clone();
            (family.entries_mut)(project).push(entry);
            (id, event)
        }
        (Some(at), Some(body)) => {
            let fields = (family.validate)(&body, Some(&(family.entries)(project)[at]))?;
            let entry = &mut (family.entries_mut)(project)[at];
            entry.fields = fields;
            (
                entry.id.clone(),
                (family.event)(&entry.fields, Write::Update),
            )
        }
        (Some(at), None) => {
            let entry = (family.entries_mut)(project).remove(at);
            let event = (family.event)(&entry.fields, Write::Delete);
            (entry.id, event)
        }
        (None, None) => return Err(not_found(family)),
    };
    let who = Who::User {
        username: username.to_owned(),
        remote_address: UI_REMOTE_ADDRESS.to_owned(),
    };
    record(sim, project, &event, who);
    Ok(id)
}

/// An entry of a state file: its id under the family's key (generated when
/// left out), its fields checked as a create would check them.
pub fn seed(
    family: &Family,
    file: &Map<String, Value>,
    new_id: &mut dyn FnMut() -> String,
) -> Result<Entry, String> {
    let mut body = file.clone();
    let id = match body.remove(family.id_field) {
        None => new_id(),
        Some(Value::String(id))
            if id.len() == 24
                && id
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
        {
            id
        }
        Some(_) => {
            return Err(format!(
                "a {}'s `{}` must be 24 lowercase hexadecimal digits",
                family.what, family.id_field
            ));
        }
    };
    let fields = (family.validate)(&body, None)
        .map_err(|e| format!("a {} {id}: {}", family.what, e.detail))?;
    Ok(Entry { id, fields })
}

/// An entry as a state file keeps it: real secrets, the id under the
/// family's key.
pub fn unseed(family: &Family, entry: &Entry) -> Map<String, Value> {
    let mut file = entry.fields.clone();
    file.insert(family.id_field.into(), Value::String(entry.id.clone()));
    file
}
