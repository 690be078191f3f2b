//! Whether a document's derived parts follow from its items: counts, flags,
//! messages and the words of its refusals. A saved plan must pass this
//! before `show` renders it or `apply` sends it: an edit could otherwise
//! make what a reviewer reads disagree with what the plan holds.

use std::collections::BTreeSet;

use super::document::{
    FORMAT_VERSION, ItemDocument, NoteKind, PlanDocument, ProjectDocument, ProjectStatus,
    RefusalDocument,
};
use crate::model::{GroupId, IntegrationType, Mode};
use crate::plan::operation::leaves_no_paging;
use crate::plan::types::{ItemError, Note, Shown};
use crate::plan::{DeleteReason, ItemAction, ReportOnly, Summary};

impl PlanDocument {
    /// `Err` says the first part that does not follow from the items.
    pub fn check_derived(&self) -> Result<(), String> {
        if self.format_version != FORMAT_VERSION {
            return Err(format!(
                "its plan is of format {}, not {FORMAT_VERSION}",
                self.format_version
            ));
        }
        let mut summary = Summary::default();
        let mut groups = BTreeSet::new();
        for project in &self.projects {
            if let Some(group) = &project.group_id
                && !groups.insert(group)
            {
                return Err(format!("two projects are `{group}`"));
            }
            check_project(project).map_err(|why| format!("in `{}`, {why}", project.project))?;
            summary.add(&project.summary());
        }
        let flags_follow = summary == self.summary
            && self.has_changes == self.projects.iter().any(ProjectDocument::has_changes)
            && self.has_errors == self.projects.iter().any(ProjectDocument::has_errors);
        if !flags_follow {
            return Err("its counts or flags do not follow from its items".to_owned());
        }
        if self
            .refusals
            .iter()
            .any(|r| *r != RefusalDocument::from(&r.refusal))
        {
            return Err("the words of its refusals are not tether's".to_owned());
        }
        Ok(())
    }
}

fn check_project(project: &ProjectDocument) -> Result<(), String> {
    if let Some(id) = &project.group_id {
        id.parse::<GroupId>()
            .map_err(|_| "its `group_id` is not a project id".to_owned())?;
    }
    match project.status {
        ProjectStatus::Failed if project.error.is_none() => {
            return Err("a failed project says no error".to_owned());
        }
        ProjectStatus::Failed if !(project.items.is_empty() && project.unmanaged.is_empty()) => {
            return Err("a failed project has items".to_owned());
        }
        ProjectStatus::Planned if project.group_id.is_none() => {
            return Err("a planned project has no `group_id`".to_owned());
        }
        ProjectStatus::Planned if project.error.is_some() => {
            return Err("a planned project has an error".to_owned());
        }
        _ => {}
    }
    if project.alerts_error.is_some() && !project.alerts_checked {
        return Err("`alerts_error` without `alerts_checked`".to_owned());
    }
    if let Some(attribution) = &project.attribution
        && attribution.error.is_some()
        && !attribution.events.is_empty()
    {
        return Err("attribution has both events and an error".to_owned());
    }
    let mut live = BTreeSet::new();
    let mut after = BTreeSet::new();
    let mut types = BTreeSet::new();
    for item in &project.items {
        let kind = check_item(item, project)?;
        // The check of values shown against values sent finds an item by
        // its type: a second one of that type could show anything.
        if !types.insert(kind) {
            return Err(format!("`{kind}` has two items"));
        }
        if item.action != ItemAction::Create {
            live.insert(kind);
        }
        let deleted = item.applies && item.action == ItemAction::Delete;
        if !deleted && (item.action != ItemAction::Create || item.applies) {
            after.insert(kind);
        }
    }
    for unmanaged in &project.unmanaged {
        if unmanaged.known {
            let kind = unmanaged
                .kind
                .parse::<IntegrationType>()
                .map_err(|_| format!("`{}` is not a type tether knows", unmanaged.kind))?;
            live.insert(kind);
            after.insert(kind);
        }
    }
    let deletes = project
        .items
        .iter()
        .filter(|item| item.applies && item.action == ItemAction::Delete)
        .count();
    if deletes != project.deletes {
        return Err("`deletes` does not follow from its items".to_owned());
    }
    if project.deletes_last_paging != leaves_no_paging(&live, &after) {
        return Err("`deletes_last_paging` does not follow from its items".to_owned());
    }
    Ok(())
}

/// The item's type, once its flags, field names and messages are those
/// tether writes for it.
fn check_item(item: &ItemDocument, project: &ProjectDocument) -> Result<IntegrationType, String> {
    let kind: IntegrationType = item
        .kind
        .parse()
        .map_err(|_| format!("unknown integration type `{}`", item.kind))?;
    let field_name = |name: &str| -> Result<&'static str, String> {
        crate::model::spec(kind)
            .fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.name)
            .ok_or_else(|| format!("`{kind}` has no field `{name}`"))
    };
    let wrong = |what: &str| Err(format!("{what} of `{kind}` is not tether's"));
    for field in &item.fields {
        let name = field_name(&field.field)?;
        // A plain field marked sensitive would escape the check that the
        // value shown is the value sent.
        if field.sensitive
            != crate::model::spec(kind)
                .field(name)
                .is_some_and(|f| f.sensitive)
        {
            return wrong(&format!("the sensitivity of `{name}`"));
        }
    }
    let applies = item.is_change() && item.report_only.is_none() && item.errors.is_empty();
    if item.applies != applies {
        return wrong("`applies`");
    }
    if item.delete_reason.is_some() != (item.action == ItemAction::Delete)
        || (item.delete_reason == Some(DeleteReason::NotDeclared)
            && project.mode != Mode::Authoritative)
    {
        return wrong("`delete_reason`");
    }
    // The mode decides what apply leaves alone: a title that says
    // `observe` over a write apply sends would mislead its reviewer.
    let report_only = match (project.mode, item.action) {
        (_, ItemAction::Unchanged) | (Mode::Authoritative, _) => None,
        (Mode::Observe, _) => Some(ReportOnly::ObserveMode),
        (Mode::Additive, ItemAction::Delete) => Some(ReportOnly::AdditiveNeverDeletes),
        (Mode::Additive, _) => None,
    };
    if item.report_only != report_only {
        return wrong("`report_only` in its project's mode");
    }
    if item.rotation && item.action != ItemAction::Update {
        return wrong("`rotation`");
    }
    let alerts_listed = project.alerts_checked && project.alerts_error.is_none();
    if !item.alerts.is_empty() && !alerts_listed {
        return wrong("the alert list");
    }
    for note in &item.notes {
        let field = field_name(&note.field)?;
        let message = match (note.kind, &note.live) {
            (NoteKind::NotVerifiable, None) => Note::NotVerifiable { field }.message(),
            (NoteKind::NotCleared, Some(_)) => Note::NotCleared {
                field,
                live: Shown::None,
            }
            .message(),
            _ => return wrong("a note"),
        };
        if note.message != message {
            return wrong("a note's message");
        }
    }
    for error in &item.errors {
        let field = field_name(&error.field)?;
        let typed = match error.kind {
            super::document::ItemErrorKind::NeedsApiV2 => ItemError::NeedsApiV2 { field },
            super::document::ItemErrorKind::CannotWriteWithout => {
                ItemError::CannotWriteWithout { field }
            }
            super::document::ItemErrorKind::Ambiguous
            | super::document::ItemErrorKind::PinnedIdNotFound
            | super::document::ItemErrorKind::MigrationWithoutS3 => {
                return wrong("an error of a log or metric integration on an integration");
            }
        };
        if error.message != typed.message(&crate::plan::Subject::Integration(kind)) {
            return wrong("an error's message");
        }
    }
    Ok(kind)
}
