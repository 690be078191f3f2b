//! Reading what Atlas has for the declared projects, the one way every
//! command does: names resolved (one call per project named without an id),
//! then one GET-all per project, all in flight together under the client's
//! shared concurrency limit.

use std::sync::Arc;

use crate::atlas::{ApiError, Client};
use crate::model::{GroupId, LiveIntegrations, Project, ProjectRef};

/// Called once per project as its answer arrives (for a progress bar).
pub type OnDone = Arc<dyn Fn() + Send + Sync>;

/// Which Atlas project a declared project is.
pub enum Target {
    /// The id from the file, or from looking the name up. `name` is the
    /// file's, or Atlas's for a lookup; `looked_up` is Atlas's answer to a
    /// lookup.
    Found {
        group: GroupId,
        name: Option<String>,
        looked_up: Option<Project>,
    },
    NotFound {
        name: String,
        error: ApiError,
    },
}

/// Which Atlas project each reference is: the projects named without an
/// id are looked up (one call per name), all in flight together; the
/// answers come back in the order of `projects`.
pub async fn resolve(client: &Arc<Client>, projects: &[ProjectRef]) -> Vec<Target> {
    let names: Vec<String> = projects
        .iter()
        .filter_map(|p| match p {
            ProjectRef::Name(name) => Some(name.clone()),
            ProjectRef::Id(_) | ProjectRef::Both { .. } => None,
        })
        .collect();
    let mut answers = look_up(Arc::clone(client), &names).await.into_iter();
    projects
        .iter()
        .map(|p| match p {
            ProjectRef::Id(id) => Target::Found {
                group: id.clone(),
                name: None,
                looked_up: None,
            },
            // With an id, the name is the file's label for people; looking it
            // up would cost a call per project.
            ProjectRef::Both { id, name } => Target::Found {
                group: id.clone(),
                name: Some(name.clone()),
                looked_up: None,
            },
            ProjectRef::Name(name) => match answers.next() {
                Some(Ok(found)) => Target::Found {
                    group: found.id.clone(),
                    name: Some(found.name.clone()),
                    looked_up: Some(found),
                },
                Some(Err(error)) => Target::NotFound {
                    name: name.clone(),
                    error,
                },
                None => unreachable!("one answer per name looked up"),
            },
        })
        .collect()
}

/// Looks each name up (one call per name), all in flight together; the
/// answers come back in the order of `names`.
async fn look_up(client: Arc<Client>, names: &[String]) -> Vec<Result<Project, ApiError>> {
    crate::tasks::in_order(names.iter().cloned().map(|name| {
        let client = Arc::clone(&client);
        async move { client.project_by_name(&name).await }
    }))
    .await
}

/// Reads each project's integrations (one GET-all each), all in flight
/// together; the answers come back in the order of `groups`.
pub async fn read_all(
    client: Arc<Client>,
    groups: &[GroupId],
    on_done: OnDone,
) -> Vec<Result<LiveIntegrations, ApiError>> {
    crate::tasks::in_order(groups.iter().cloned().map(|group| {
        let client = Arc::clone(&client);
        let on_done = Arc::clone(&on_done);
        async move {
            let live = client.list_integrations(&group).await;
            on_done();
            live
        }
    }))
    .await
}
