//! Carrying out a plan: only the POST, PUT and DELETE calls its changes need,
//! each checked, and a report of every operation after the last.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::report::{OperationReport, Outcome, Report};
use crate::atlas::{ApiError, Client, Deletion};
use crate::model::{
    DesiredProject, Entry, Family, GroupId, Integration, LiveEntry, LiveIntegrations, Mode, Origin,
    ProjectRef, Slot,
};
use crate::plan::{Action, Declared, Operation, PlanOptions, Subject, plan_project};
use crate::printable::one_line;

/// Sends the operations: projects in parallel under the client's limit,
/// the writes of one project one after another. A failed write does not stop
/// the others. Once `stop` is cancelled no new write starts; those under
/// way finish.
pub async fn execute(
    client: Arc<Client>,
    operations: Vec<Operation>,
    options: PlanOptions,
    stop: &CancellationToken,
    on_done: Arc<dyn Fn() + Send + Sync>,
) -> Report {
    // `operations` come project by project: each run of one project's
    // operations is written in order, the projects side by side.
    let mut projects: Vec<Vec<Operation>> = Vec::new();
    for operation in operations {
        match projects.last_mut() {
            Some(run) if run[0].group == operation.group => run.push(operation),
            _ => projects.push(vec![operation]),
        }
    }
    // A write Atlas refuses with 403 says the credentials cannot write to
    // that project (Atlas grants roles per project): its other writes are
    // not sent, and the report says so once.
    let per_project = crate::tasks::in_order(projects.into_iter().map(|project_operations| {
        let client = Arc::clone(&client);
        let stop = stop.clone();
        let on_done = Arc::clone(&on_done);
        async move {
            let mut reports = Vec::with_capacity(project_operations.len());
            let mut created = Created::default();
            let mut refused = false;
            for operation in project_operations {
                let mut created_id = None;
                let outcome = if stop.is_cancelled() {
                    Outcome::NotStarted
                } else if refused {
                    on_done();
                    Outcome::Withheld(
                        "the credentials cannot write to this project (Atlas refused a write \
                         with 403, above)"
                            .to_owned(),
                    )
                } else if let Some(why) = withheld(&operation, &created) {
                    on_done();
                    Outcome::Withheld(why)
                } else {
                    let outcome = match write(&client, &operation, &options).await {
                        Err(err @ ApiError::Forbidden { write: true, .. }) => {
                            refused = true;
                            failed(err)
                        }
                        Err(err) => failed(err),
                        Ok((outcome, id)) => {
                            created_id = id;
                            outcome
                        }
                    };
                    on_done();
                    outcome
                };
                if outcome == Outcome::Done {
                    created.record(&operation);
                }
                reports.push(OperationReport {
                    verb: operation.verb(),
                    group: operation.group,
                    project: operation.project,
                    subject: operation.subject,
                    outcome,
                    created_id,
                });
            }
            (reports, refused)
        }
    }))
    .await;
    let cannot_write = per_project.iter().any(|(_, refused)| *refused);
    Report {
        operations: per_project
            .into_iter()
            .flat_map(|(reports, _)| reports)
            .collect(),
        interrupted: stop.is_cancelled(),
        left_alone: Vec::new(),
        cannot_write,
    }
}

/// The creates of one project done so far.
#[derive(Default)]
struct Created {
    subjects: BTreeSet<Subject>,
    /// The live entries whose replacement (the create of the declaration
    /// pinned to them) is done, by family and id.
    replaced: BTreeSet<(Family, String)>,
}

impl Created {
    fn record(&mut self, operation: &Operation) {
        let Action::Create(desired) = &operation.action else {
            return;
        };
        if let Declared::Entry(entry) = desired
            && let Some(pin) = &entry.id
        {
            self.replaced.insert((entry.kind.family(), pin.clone()));
        }
        self.subjects.insert(operation.subject.clone());
    }

    /// Whether what the delete waits for is done. A replaced entry waits
    /// for its own replacement: two pinned entries moved to one target have
    /// creates that look alike.
    fn allows(&self, delete: &Operation) -> bool {
        match &delete.subject {
            Subject::Entry { key, id: Some(id) } => {
                self.replaced.contains(&(key.kind.family(), id.clone()))
            }
            _ => delete
                .waits_for
                .iter()
                .any(|subject| self.subjects.contains(subject)),
        }
    }
}

/// Why a delete that waits for a replacement is not sent: none of the
/// creates it waits for (this project's, sent before it) is done.
fn withheld(operation: &Operation, created: &Created) -> Option<String> {
    if operation.waits_for.is_empty() || created.allows(operation) {
        return None;
    }
    let replacements: Vec<String> = operation
        .waits_for
        .iter()
        .map(|subject| format!("`{}`", one_line(&subject.to_string())))
        .collect();
    let replacements = replacements.join(" or ");
    Some(match operation.subject {
        Subject::Integration(_) => format!(
            "it is the project's last paging integration, and its replacement ({replacements}) \
             was not created (above); it stays so that alerts still page someone"
        ),
        Subject::Entry { .. } => format!(
            "its replacement ({replacements}) was not created (above); it stays so that \
             nothing stops being exported"
        ),
        Subject::PushBased => format!(
            "the S3 log integration that takes over its logs ({replacements}) was not created \
             (above); it stays so that no logs are lost"
        ),
    })
}

/// One write and its outcome, with the id Atlas gave an entry it created;
/// Atlas's refusal as the error.
async fn write(
    client: &Client,
    operation: &Operation,
    options: &PlanOptions,
) -> Result<(Outcome, Option<String>), ApiError> {
    let group = &operation.group;
    let deleted = |deletion| match deletion {
        Deletion::Deleted => (Outcome::Done, None),
        Deletion::AlreadyAbsent => (Outcome::AlreadyAbsent, None),
    };
    Ok(match (&operation.action, &operation.subject) {
        (Action::Delete, Subject::Integration(kind)) => {
            deleted(client.delete_integration(group, *kind).await?)
        }
        (Action::Delete, Subject::Entry { key, id: Some(id) }) => {
            deleted(client.delete_entry(group, key.kind.family(), id).await?)
        }
        (Action::Delete, Subject::PushBased) => {
            deleted(client.delete_push_based_export(group).await?)
        }
        (Action::Create(Declared::Integration(desired)), _) => {
            let after = client.create_integration(group, desired).await?;
            (verify(group, desired, &after, options), None)
        }
        (Action::Update(Declared::Integration(desired)), _) => {
            let after = client.put_integration(group, desired).await?;
            (verify(group, desired, &after, options), None)
        }
        (Action::Create(Declared::Entry(desired)), _) => {
            let after = client.create_entry(group, desired).await?;
            (verify_entry(desired, &after), Some(after.id))
        }
        (Action::Update(Declared::Entry(desired)), Subject::Entry { id: Some(id), .. }) => {
            let after = client.put_entry(group, id, desired).await?;
            (verify_entry(desired, &after), None)
        }
        // The planner gives every update and delete of an entry the live
        // entry's id; an operation without one is not sent.
        (Action::Delete, Subject::Entry { id: None, .. })
        | (Action::Update(Declared::Entry(_)), _) => (
            Outcome::Failed(format!(
                "`{}` has no live id to write to; nothing was sent",
                one_line(&operation.subject.to_string())
            )),
            None,
        ),
    })
}

/// An entry's write is done when Atlas's answer holds what the file
/// declares.
fn verify_entry(desired: &Entry, after: &LiveEntry) -> Outcome {
    if crate::plan::entry_matches(desired, after) {
        Outcome::Done
    } else {
        Outcome::NotVerified(format!(
            "Atlas's answer to the write still differs from the file for `{}`",
            one_line(&desired.key().to_string())
        ))
    }
}

/// A write that did not happen: never sent because of a stop request, or
/// failed.
fn failed(err: ApiError) -> Outcome {
    match err {
        ApiError::NotStarted { .. } => Outcome::NotStarted,
        err => Outcome::Failed(err.explained()),
    }
}

/// A PUT is done when planning the declared integration against the list
/// Atlas answered with finds nothing left to change.
fn verify(
    group: &GroupId,
    desired: &Integration,
    after: &LiveIntegrations,
    options: &PlanOptions,
) -> Outcome {
    if !after.known.contains_key(&desired.kind) {
        return Outcome::NotVerified(format!(
            "Atlas answered the write, but its list of the project's integrations has no `{}`; \
             run `tether plan` in a minute to check (Atlas's reads can lag its writes)",
            desired.kind
        ));
    }
    let only_this = DesiredProject {
        project: ProjectRef::Id(group.clone()),
        mode: Mode::Additive,
        integrations: BTreeMap::from([(desired.kind, Slot::Present(desired.clone()))]),
        families: Default::default(),
        origin: Origin::default(),
        selected_by: None,
    };
    let check = PlanOptions {
        rotate_secrets: false,
        ..*options
    };
    let replanned = plan_project(group, None, &only_this, after, &check);
    match replanned
        .items()
        .iter()
        .find(|item| item.integration() == Some(desired.kind))
    {
        Some(item) if item.is_change() => Outcome::NotVerified(format!(
            "Atlas's list after the PUT still differs from the file for `{}`",
            desired.kind
        )),
        _ => Outcome::Done,
    }
}
