//! What apply must do for a plan, and the facts its safety gates weigh.

use std::collections::BTreeSet;

use super::Verb;
use super::types::{Change, Declared, DeleteReason, Item, Plan, ProjectPlan, Subject};
use crate::model::{EntryKind, GroupId, IntegrationType};

/// One write apply sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub group: GroupId,
    /// How output names the project (the plan's label).
    pub project: String,
    pub subject: Subject,
    pub action: Action,
    /// A delete sent only once one of these creates (in the same project)
    /// has succeeded: one the last-paging gate allows only because the
    /// project gets another paging integration, an entry's replacement, and
    /// the push-based log export's removal after its S3 log integration.
    /// Empty for every other operation.
    pub waits_for: Vec<Subject>,
}

impl Operation {
    pub fn verb(&self) -> Verb {
        self.action.verb()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// What the file declares. The write body is built from this alone
    /// (with Atlas's defaults spelled out).
    Create(Declared),
    Update(Declared),
    Delete,
}

impl Action {
    pub fn verb(&self) -> Verb {
        match self {
            Action::Create(_) => Verb::Create,
            Action::Update(_) => Verb::Update,
            Action::Delete => Verb::Delete,
        }
    }

    /// What a PUT sends; `None` for a delete.
    pub fn desired(&self) -> Option<&Declared> {
        match self {
            Action::Create(desired) | Action::Update(desired) => Some(desired),
            Action::Delete => None,
        }
    }
}

impl Plan {
    /// Every write apply must send, project by project in plan order; within
    /// a project creates and updates first, then deletes, each in the
    /// order of their subjects (integrations by type, then the entries). Observe projects, report-only items, items
    /// with errors and failed projects yield none.
    pub fn operations(&self) -> Vec<Operation> {
        self.projects
            .iter()
            .flat_map(ProjectPlan::operations)
            .collect()
    }

    /// Deletes apply will send over the whole plan (`--max-deletes`).
    pub fn delete_count(&self) -> usize {
        self.projects.iter().map(ProjectPlan::delete_count).sum()
    }
}

impl ProjectPlan {
    /// This project's writes: creates and updates before deletes, so that a
    /// replacement exists before what it replaces goes (see `waits_for`).
    pub fn operations(&self) -> Vec<Operation> {
        let Some(group) = &self.id else {
            return Vec::new();
        };
        let mut operations: Vec<Operation> = self
            .items()
            .iter()
            .filter(|item| item.applies())
            .filter_map(|item| {
                let action = match &item.change {
                    Change::Create { desired, .. } => Action::Create(desired.clone()),
                    Change::Update { desired, .. } => Action::Update(desired.clone()),
                    Change::Delete { .. } => Action::Delete,
                    Change::Unchanged => return None,
                };
                Some(Operation {
                    group: group.clone(),
                    project: self.label.clone(),
                    subject: item.subject.clone(),
                    action,
                    waits_for: Vec::new(),
                })
            })
            .collect();
        operations.sort_by_key(|op| op.verb() == Verb::Delete);
        let replacements = self.paging_replacements(&operations);
        let s3_creates: Vec<Subject> = operations
            .iter()
            .filter(|op| {
                op.verb() == Verb::Create && op.subject.entry_kind() == Some(EntryKind::S3)
            })
            .map(|op| op.subject.clone())
            .collect();
        let replaced = self.replaced();
        for operation in &mut operations {
            if operation.verb() != Verb::Delete {
                continue;
            }
            match &operation.subject {
                Subject::Integration(kind) if kind.is_paging() => {
                    operation.waits_for.clone_from(&replacements);
                }
                Subject::Entry { .. } if replaced.contains(&operation.subject) => {
                    operation.waits_for = self.replacements_of(&operation.subject);
                }
                Subject::PushBased => operation.waits_for.clone_from(&s3_creates),
                Subject::Integration(_) | Subject::Entry { .. } => {}
            }
        }
        operations
    }

    /// The entries this plan deletes as replaced, found once: a project
    /// may have thousands of deletes.
    fn replaced(&self) -> BTreeSet<&Subject> {
        self.items()
            .iter()
            .filter(|item| {
                matches!(
                    item.change,
                    Change::Delete {
                        reason: DeleteReason::Replaced,
                        ..
                    }
                )
            })
            .map(|item| &item.subject)
            .collect()
    }

    /// The creates that replace a pinned entry: the create of the same
    /// family whose declaration carries the deleted entry's id.
    fn replacements_of(&self, deleted: &Subject) -> Vec<Subject> {
        let Subject::Entry { id: Some(id), .. } = deleted else {
            return Vec::new();
        };
        self.items()
            .iter()
            .filter(|item| match &item.change {
                Change::Create {
                    desired: Declared::Entry(entry),
                    ..
                } => entry.id.as_deref() == Some(id.as_str()),
                _ => false,
            })
            .map(|item| item.subject.clone())
            .collect()
    }

    /// The paging types these operations create, when the project keeps a
    /// paging integration only through them: every live paging type is
    /// deleted. Empty otherwise (no paging delete, or one survives).
    fn paging_replacements(&self, operations: &[Operation]) -> Vec<Subject> {
        let deleted: BTreeSet<IntegrationType> = operations
            .iter()
            .filter(|op| op.verb() == Verb::Delete)
            .filter_map(|op| op.subject.integration())
            .collect();
        let survives = self
            .live_types()
            .into_iter()
            .any(|kind| kind.is_paging() && !deleted.contains(&kind));
        if survives || !deleted.iter().any(|kind| kind.is_paging()) {
            return Vec::new();
        }
        operations
            .iter()
            .filter(|op| {
                op.verb() == Verb::Create && op.subject.integration().is_some_and(|k| k.is_paging())
            })
            .map(|op| op.subject.clone())
            .collect()
    }

    /// Deletes apply will send in this project.
    pub fn delete_count(&self) -> usize {
        self.items()
            .iter()
            .filter(|item| item.applies() && matches!(item.change, Change::Delete { .. }))
            .count()
    }

    /// Types live in the project when it was fetched (unknown types aside).
    pub fn live_types(&self) -> BTreeSet<IntegrationType> {
        let from_items = self
            .items()
            .iter()
            .filter(|item| !matches!(item.change, Change::Create { .. }))
            .filter_map(Item::integration);
        let unmanaged = self.unmanaged().iter().filter_map(|u| match u {
            super::types::Unmanaged::Known(kind) => Some(*kind),
            super::types::Unmanaged::Unknown(_) | super::types::Unmanaged::Entry { .. } => None,
        });
        from_items.chain(unmanaged).collect()
    }

    /// Whether these writes to the project would leave it without any
    /// paging integration although it had one.
    fn loses_paging_by(&self, writes: impl Iterator<Item = (IntegrationType, Verb)>) -> bool {
        let before = self.live_types();
        let mut after = before.clone();
        for (kind, verb) in writes {
            match verb {
                Verb::Create => {
                    after.insert(kind);
                }
                Verb::Delete => {
                    after.remove(&kind);
                }
                Verb::Update => {}
            }
        }
        leaves_no_paging(&before, &after)
    }

    /// Whether apply would leave the project without any paging integration
    /// (PagerDuty, Opsgenie, VictorOps) although it had one.
    pub fn deletes_last_paging(&self) -> bool {
        let writes = self.items().iter().filter(|item| item.applies());
        self.loses_paging_by(
            writes.filter_map(|item| Some((item.integration()?, item.change.verb()?))),
        )
    }

    /// Whether these operations (of this project; others are ignored) would
    /// leave it without any paging integration although it had one: what a
    /// saved plan is gated on, since it writes only its own operations.
    pub fn deletes_last_paging_by(&self, operations: &[Operation]) -> bool {
        let own = operations
            .iter()
            .filter(|op| Some(&op.group) == self.id.as_ref());
        self.loses_paging_by(own.filter_map(|op| Some((op.subject.integration()?, op.verb()))))
    }

    /// The types these operations (of this project; others are ignored)
    /// delete here.
    fn deleted_by(&self, operations: &[Operation]) -> Vec<IntegrationType> {
        operations
            .iter()
            .filter(|op| Some(&op.group) == self.id.as_ref() && op.verb() == Verb::Delete)
            .filter_map(|op| op.subject.integration())
            .collect()
    }

    /// Per type these operations delete here, the enabled alert
    /// configurations that notify through it and would be left without
    /// that destination.
    pub fn orphaned_alerts_by(
        &self,
        operations: &[Operation],
    ) -> Vec<(IntegrationType, Vec<&super::types::AlertRef>)> {
        self.deleted_by(operations)
            .into_iter()
            .filter_map(|kind| {
                let enabled: Vec<_> = self
                    .alert_refs(kind)
                    .iter()
                    .filter(|alert| alert.enabled)
                    .collect();
                (!enabled.is_empty()).then_some((kind, enabled))
            })
            .collect()
    }

    /// Whether these operations delete here although the project's alert
    /// configurations could not be listed.
    pub fn deletes_unchecked_by(&self, operations: &[Operation]) -> bool {
        self.alerts_unavailable().is_some() && !self.deleted_by(operations).is_empty()
    }
}

/// Whether a project with the live types `before` has a paging integration
/// (PagerDuty, Opsgenie, VictorOps) and none once it has `after`.
pub(crate) fn leaves_no_paging(
    before: &BTreeSet<IntegrationType>,
    after: &BTreeSet<IntegrationType>,
) -> bool {
    let paging = |types: &BTreeSet<IntegrationType>| types.iter().any(|t| t.is_paging());
    paging(before) && !paging(after)
}
