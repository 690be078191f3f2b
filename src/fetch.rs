//! Reading what Atlas has for the declared projects: names resolved (one
//! call per project named without an id), then one GET-all per project, all
//! in flight together under the client's shared concurrency limit.

use std::sync::Arc;

use crate::atlas::{ApiError, Client};
use crate::model::{GroupId, LiveIntegrations, ProjectRef};

/// What Atlas said about one declared project.
#[derive(Debug)]
pub struct Observed {
    /// The project's id, when the file gives it or the name resolved.
    pub group: Option<GroupId>,
    /// The name from the file, or Atlas's when it was looked up.
    pub name: Option<String>,
    pub live: Result<LiveIntegrations, ApiError>,
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
            Err(err) => {
                return Observed {
                    group: None,
                    name: Some(name),
                    live: Err(err),
                };
            }
        },
    };
    let live = client.list_integrations(&group).await;
    Observed {
        group: Some(group),
        name,
        live,
    }
}
