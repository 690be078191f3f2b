//! Reading what Atlas has for the declared projects, the one way every
//! command does: names resolved (one call per project named without an id),
//! then one GET-all per project, all in flight together under the client's
//! shared concurrency limit.

use std::sync::Arc;

use crate::atlas::{ApiError, Client};
use crate::model::{
    DeclaredFamilies, Family, GroupId, LiveFamilies, LiveIntegrations, Project, ProjectRef,
    Unreadable,
};

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
    let reads: Vec<(GroupId, FamilyReads)> = groups
        .iter()
        .map(|group| (group.clone(), FamilyReads::default()))
        .collect();
    read_projects(client, &reads, on_done)
        .await
        .into_iter()
        .map(|read| read.map(|(integrations, _)| integrations))
        .collect()
}

/// Which families to read in one project: those its file mentions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FamilyReads {
    pub log: bool,
    pub metric: bool,
    pub push_based: bool,
}

impl From<&DeclaredFamilies> for FamilyReads {
    fn from(declared: &DeclaredFamilies) -> Self {
        FamilyReads {
            // Removing the push-based export needs to know whether an S3
            // log integration exists, managed here or not.
            log: declared.log.is_some() || declared.push_based_absent,
            metric: declared.metric.is_some(),
            push_based: declared.reads_push_based(),
        }
    }
}

impl FamilyReads {
    fn of(self, family: Family) -> bool {
        family.pick(self.log, self.metric)
    }
}

/// Reads each project's integrations and the families its file mentions,
/// all projects in flight together (one project's reads one after
/// another); the answers come back in the order of `reads`. A family Atlas
/// refuses to show the credentials (401 or 403: it needs Project Owner) is
/// unreadable, not a failure of the project.
pub async fn read_projects(
    client: Arc<Client>,
    reads: &[(GroupId, FamilyReads)],
    on_done: OnDone,
) -> Vec<Result<(LiveIntegrations, LiveFamilies), ApiError>> {
    crate::tasks::in_order(reads.iter().cloned().map(|(group, families)| {
        let client = Arc::clone(&client);
        let on_done = Arc::clone(&on_done);
        async move {
            let live = read_project(&client, &group, families).await;
            on_done();
            live
        }
    }))
    .await
}

async fn read_project(
    client: &Client,
    group: &GroupId,
    reads: FamilyReads,
) -> Result<(LiveIntegrations, LiveFamilies), ApiError> {
    let integrations = client.list_integrations(group).await?;
    let mut families = LiveFamilies::default();
    for family in Family::ALL.into_iter().filter(|family| reads.of(*family)) {
        *families.entries_mut(family) = Some(readable(client.list_entries(group, family).await)?);
    }
    if reads.push_based {
        families.push_based = Some(readable(client.push_based_export(group).await)?);
    }
    Ok((integrations, families))
}

/// A read Atlas refused for want of a role is an unreadable family; any
/// other failure fails the project.
fn readable<T>(read: Result<T, ApiError>) -> Result<Result<T, Unreadable>, ApiError> {
    match read {
        Ok(value) => Ok(Ok(value)),
        Err(error @ (ApiError::Unauthorized { .. } | ApiError::Forbidden { .. })) => {
            Ok(Err(Unreadable {
                reason: error.to_string(),
            }))
        }
        Err(error) => Err(error),
    }
}
