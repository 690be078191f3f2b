//! Whether a document's derived parts follow from its items: counts, flags,
//! messages and the words of its refusals. A saved plan must pass this
//! before `show` renders it or `apply` sends it: an edit could otherwise
//! make what a reviewer reads disagree with what the plan holds.

mod item;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use super::document::{
    FORMAT_VERSION, PlanDocument, ProjectDocument, ProjectStatus, RefusalDocument,
};
use crate::model::is_plain_id;
use crate::model::{EntryKind, Family, GroupId, IntegrationType};
use crate::plan::operation::leaves_no_paging;
use crate::plan::{DeleteReason, ItemAction, Subject, Summary};
use item::{Object, check_item};

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
        ProjectStatus::Failed
            if !(project.items.is_empty()
                && project.unmanaged.is_empty()
                && project.unread.is_empty()) =>
        {
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
    let mut objects = BTreeSet::new();
    for item in &project.items {
        let object = check_item(item, project)?;
        // The check of values shown against values sent finds an item by
        // what it is about: a second one could show anything.
        if !objects.insert(object.clone()) {
            return Err(format!("{object} has two items"));
        }
        let Object::Integration(kind) = object else {
            continue;
        };
        if item.action != ItemAction::Create {
            live.insert(kind);
        }
        let deleted = item.applies && item.action == ItemAction::Delete;
        if !deleted && (item.action != ItemAction::Create || item.applies) {
            after.insert(kind);
        }
    }
    check_replacements(project)?;
    for unmanaged in &project.unmanaged {
        match (&unmanaged.entry, unmanaged.known) {
            (Some(entry), true) => {
                unmanaged
                    .kind
                    .parse::<EntryKind>()
                    .map_err(|_| format!("`{}` is not a type tether knows", unmanaged.kind))?;
                if !entry.id.as_deref().is_some_and(is_plain_id) || entry.replaces.is_some() {
                    return Err(format!(
                        "an unmanaged `{}` is not known by the id Atlas assigned it",
                        unmanaged.kind
                    ));
                }
            }
            (Some(_), false) => {
                return Err(format!(
                    "`{}` is unknown, yet names an entry",
                    unmanaged.kind
                ));
            }
            (None, true) => {
                let kind = unmanaged
                    .kind
                    .parse::<IntegrationType>()
                    .map_err(|_| format!("`{}` is not a type tether knows", unmanaged.kind))?;
                live.insert(kind);
                after.insert(kind);
            }
            (None, false) => {}
        }
    }
    check_unread(project)?;
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

/// A replaced entry goes only once its replacement exists: every delete
/// of a replaced entry has a create that replaces it, in its section, and
/// every create that says it replaces an entry has that delete.
fn check_replacements(project: &ProjectDocument) -> Result<(), String> {
    let replaced: Vec<(&str, &str)> = project
        .items
        .iter()
        .filter(|item| item.delete_reason == Some(DeleteReason::Replaced))
        .filter_map(|item| Some((item.section.as_str(), item.entry.as_ref()?.id.as_deref()?)))
        .collect();
    let replacing: Vec<(&str, &str)> = project
        .items
        .iter()
        .filter_map(|item| {
            Some((
                item.section.as_str(),
                item.entry.as_ref()?.replaces.as_deref()?,
            ))
        })
        .collect();
    if let Some((_, id)) = replacing.iter().find(|r| !replaced.contains(r)) {
        return Err(format!(
            "a create replaces `{id}`, which the plan does not delete as replaced"
        ));
    }
    if let Some((_, id)) = replaced.iter().find(|r| !replacing.contains(r)) {
        return Err(format!(
            "the replaced `{id}` has no create that replaces it"
        ));
    }
    Ok(())
}

/// The sections the credentials could not read: each a family's, once,
/// with nothing planned in it (the plan leaves it out).
fn check_unread(project: &ProjectDocument) -> Result<(), String> {
    let readable_apart = [
        Family::Log.section(),
        Family::Metric.section(),
        Subject::PushBased.section(),
    ];
    let mut seen = BTreeSet::new();
    for unread in &project.unread {
        let section = unread.section.as_str();
        if !readable_apart.contains(&section) {
            return Err(format!("`{section}` is not a section that can go unread"));
        }
        if !seen.insert(section) {
            return Err(format!("`{section}` is unread twice"));
        }
        let unmanaged_there = project.unmanaged.iter().any(|u| {
            u.entry.is_some()
                && u.kind
                    .parse::<EntryKind>()
                    .is_ok_and(|kind| kind.family().section() == section)
        });
        if unmanaged_there || project.items.iter().any(|item| item.section == section) {
            return Err(format!("`{section}` was not read, yet has items"));
        }
    }
    Ok(())
}
