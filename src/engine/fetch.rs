//! Reading what Atlas has for the declared projects: names resolved (one
//! call per project named without an id), then one GET-all per project, all
//! in flight together under the client's shared concurrency limit.

use std::sync::Arc;

use crate::atlas::{ApiError, Client};
use crate::model::{GroupId, LiveIntegrations, Project, ProjectRef};

/// What Atlas said about one declared project.
#[derive(Debug)]
pub enum Observed {
    /// The project's integrations, read. `name` is the file's, or Atlas's
    /// when the project was looked up by name.
    Fetched {
        group: GroupId,
        name: Option<String>,
        live: LiveIntegrations,
    },
    /// The project's id is known (from the file or a lookup), but its
    /// integrations could not be read.
    Unreadable {
        group: GroupId,
        name: Option<String>,
        error: ApiError,
    },
    /// The name could not be resolved to a project.
    Unresolved { name: String, error: ApiError },
}

/// Called once per project as its answer arrives (for a progress bar).
pub type OnDone = Arc<dyn Fn() + Send + Sync>;

/// Fetches every project; the answers come back in the order of `projects`.
pub async fn fetch_all(
    client: Arc<Client>,
    projects: &[ProjectRef],
    on_done: OnDone,
) -> Vec<Observed> {
    crate::tasks::in_order(projects.iter().cloned().map(|project| {
        let client = Arc::clone(&client);
        let on_done = Arc::clone(&on_done);
        async move {
            let observed = fetch_one(&client, project).await;
            on_done();
            observed
        }
    }))
    .await
}

async fn fetch_one(client: &Client, project: ProjectRef) -> Observed {
    let (group, name) = match project {
        ProjectRef::Id(id) => (id, None),
        // With an id, the name is the file's label for people; looking it up
        // would cost a call per project.
        ProjectRef::Both { id, name } => (id, Some(name)),
        ProjectRef::Name(name) => match client.project_by_name(&name).await {
            Ok(found) => (found.id, Some(found.name)),
            Err(error) => return Observed::Unresolved { name, error },
        },
    };
    match client.list_integrations(&group).await {
        Ok(live) => Observed::Fetched { group, name, live },
        Err(error) => Observed::Unreadable { group, name, error },
    }
}

/// Looks each name up (one call per name), all in flight together; the
/// answers come back in the order of `names`.
pub async fn look_up(client: Arc<Client>, names: &[String]) -> Vec<Result<Project, ApiError>> {
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
