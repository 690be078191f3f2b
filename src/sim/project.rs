//! A project as a route finds it, by the id in its path, and the events
//! its changes leave: what every route of the simulator shares, below the
//! routes of each family.

use crate::model::GroupId;

use super::Sim;
use super::assumptions::events as event_facts;
use super::auth::{Actor, Caller};
use super::errors::ApiError;
use super::state::{Event, Project, State as SimState};

/// The caller a request was authenticated as, if authentication is on.
pub(super) type Caller_ = Option<axum::Extension<Caller>>;

fn check_group_id(id: &str) -> Result<(), ApiError> {
    id.parse::<GroupId>()
        .map(|_| ())
        .map_err(|_| ApiError::invalid_group_id(id))
}

pub(super) fn group<'a>(state: &'a SimState, id: &str) -> Result<&'a Project, ApiError> {
    check_group_id(id)?;
    state.get(id).ok_or_else(|| ApiError::group_not_found(id))
}

pub(super) fn group_mut<'a>(
    state: &'a mut SimState,
    id: &str,
) -> Result<&'a mut Project, ApiError> {
    check_group_id(id)?;
    state
        .get_mut(id)
        .ok_or_else(|| ApiError::group_not_found(id))
}

/// Who an event records as having made a change.
pub(crate) enum Who {
    /// Through the API, with these credentials (none known without auth).
    Api(Option<Actor>),
    /// A person in the Atlas UI, by e-mail, from an address.
    User {
        username: String,
        remote_address: String,
    },
}

impl Who {
    pub(super) fn of(caller: Caller_) -> Who {
        Who::Api(caller.and_then(|axum::Extension(caller)| caller.actor))
    }
}

/// Appends the event a change of an integration leaves in its project.
pub(super) fn record(sim: &Sim, project: &mut Project, event_type: &str, who: Who) {
    let (username, public_key, remote_address) = match who {
        Who::Api(actor) => {
            let public_key = match actor {
                Some(Actor::ApiKey(public_key)) => Some(public_key),
                Some(Actor::ServiceAccount(client_id))
                    if event_facts::SERVICE_ACCOUNT_IN_PUBLIC_KEY =>
                {
                    Some(client_id)
                }
                Some(Actor::ServiceAccount(_)) | None => None,
            };
            (None, public_key, event_facts::API_REMOTE_ADDRESS.to_owned())
        }
        Who::User {
            username,
            remote_address,
        } => (Some(username), None, remote_address),
    };
    project.events.push(Event {
        id: sim.new_id(),
        created: crate::clock::format_utc(std::time::SystemTime::now()),
        event_type_name: event_type.to_owned(),
        username,
        public_key,
        remote_address: Some(remote_address),
    });
}
