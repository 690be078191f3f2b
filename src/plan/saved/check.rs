//! `apply PLAN`'s check of a saved plan against what is found now: each
//! saved operation is already applied, or still called for unchanged; any
//! other is refused, naming the object that moved.

use std::collections::{BTreeMap, BTreeSet};

use super::SavedOperation;
use super::describe::{describe, describe_declared, describe_entry};
use super::hashes::{Hashes, entry_fingerprint, fingerprint, push_based_fingerprint};
use super::object::Object;
use crate::model::{
    DeclaredFamilies, DesiredProject, Family, GroupId, Integration, IntegrationType, LiveEntries,
    LiveFamilies, LiveIntegrations, Mode, Origin, ProjectRef, Slot,
};
use crate::plan::saved::SavedPlan;
use crate::plan::{
    Action, Operation, Plan, PlanOptions, Subject, Verb, entry_matches, plan_project,
};

/// What `apply PLAN` finds now: a plan made from the same file and Atlas,
/// the live state it was made against, and what the file declares.
pub struct Now<'a> {
    pub plan: &'a Plan,
    pub lives: &'a BTreeMap<GroupId, LiveIntegrations>,
    /// The log and metric integrations and the push-based export each
    /// project was planned against, where the file manages them.
    pub families: &'a BTreeMap<GroupId, LiveFamilies>,
    /// Every integration the file declares present, by project and type.
    pub declared: &'a BTreeMap<(GroupId, IntegrationType), Integration>,
    /// What the file declares of the families, by project.
    pub declared_families: &'a BTreeMap<GroupId, DeclaredFamilies>,
    pub options: PlanOptions,
}

/// The saved operations that pass the check.
#[derive(Debug, Default)]
pub struct Checked {
    /// Still to send, by project and object.
    pub send: BTreeSet<(GroupId, Object)>,
    /// Already applied: the target holds what they send. By index into the
    /// saved operations, with the subject a report names.
    pub already_applied: Vec<(usize, GroupId, Subject)>,
}

/// Compares a saved plan with what is found now. An operation whose object
/// changed in Atlas since the plan is already applied when the object now
/// holds what it sends (a delete: the object is gone), and refused
/// otherwise. One whose object did not change must still be called for by
/// a plan made now, with the same verb, fields and secrets (and a create,
/// the same entry it replaces). A create has no live object: it is already
/// applied when the plan made now no longer calls for it and an entry
/// holding what it sends is live. `Err` names everything that moved.
pub fn check(saved: &SavedPlan, now: &Now<'_>) -> Result<Checked, Vec<String>> {
    if saved.api != now.options.api {
        return Err(vec![format!(
            "the plan was made with `--api {}`; apply it with the same",
            saved.api
        )]);
    }
    // What a plan made now would do, per object, computed once.
    let now_by_object: BTreeMap<(GroupId, Object), Operation> = now
        .plan
        .operations()
        .into_iter()
        .map(|operation| {
            (
                (operation.group.clone(), Object::of(&operation.subject)),
                operation,
            )
        })
        .collect();
    let mut moved = Vec::new();
    let mut checked = Checked::default();
    let mut hashes = Hashes::new(&saved.salt);
    for (index, op) in saved.operations.iter().enumerate() {
        let (group, object) = match op.object() {
            Ok(found) => found,
            Err(why) => {
                moved.push(why);
                continue;
            }
        };
        let what = format!("`{}` in {}", op.label(), op.project);
        let live_now = match print_now(&group, &object, now, &mut hashes) {
            Ok(print) => print,
            Err(why) => {
                moved.push(format!("{what}: {why}"));
                continue;
            }
        };
        let already_applied = |hashes: &mut Hashes<'_>| {
            holds(op, (&group, &object), now, hashes)
                .then(|| op.subject())
                .flatten()
        };
        if live_now != op.live {
            match already_applied(&mut hashes) {
                Some(subject) => checked.already_applied.push((index, group, subject)),
                None => moved.push(format!("{what} changed in Atlas since the plan was made")),
            }
            continue;
        }
        let Some(operation) = now_by_object.get(&(group.clone(), object.clone())) else {
            match already_applied(&mut hashes) {
                Some(subject) if matches!(object, Object::NewEntry(_)) => {
                    checked.already_applied.push((index, group, subject));
                }
                _ => moved.push(format!(
                    "{what}: the saved plan would {} it, but the file and Atlas no longer call \
                     for that",
                    op.action
                )),
            }
            continue;
        };
        if operation.verb() != op.action {
            moved.push(format!(
                "{what}: the saved plan would {} it, a plan now would {} it",
                op.action,
                operation.verb()
            ));
            continue;
        }
        if let Some(desired) = operation.action.desired() {
            let (fields, secrets) = describe_declared(desired, &mut hashes);
            let replaces = op.entry.as_ref().and_then(|e| e.replaces.as_deref());
            let pinned = desired.entry().and_then(|entry| entry.id.as_deref());
            let replaces_now = match operation.action {
                Action::Create(_) => pinned,
                Action::Update(_) | Action::Delete => None,
            };
            if fields != op.fields || replaces != replaces_now {
                moved.push(format!(
                    "{what} changed in the file since the plan was made"
                ));
                continue;
            }
            let changed: Vec<&str> = secrets
                .iter()
                .filter(|(name, hash)| op.secrets.get(*name) != Some(hash))
                .map(|(name, _)| name.as_str())
                .chain(
                    op.secrets
                        .keys()
                        .filter(|name| !secrets.contains_key(*name))
                        .map(String::as_str),
                )
                .collect();
            if !changed.is_empty() {
                moved.push(format!(
                    "the secret `{}` of {what} has another value than when the plan was made \
                     (check its environment variable)",
                    changed.join("`, `")
                ));
                continue;
            }
        }
        checked.send.insert((group, object));
    }
    if moved.is_empty() {
        Ok(checked)
    } else {
        Err(moved)
    }
}

/// The fingerprint of what Atlas has of the object now (`None` where it
/// has nothing; a create's object never is live); `Err` when the family it
/// belongs to was not read now, or could not be.
fn print_now(
    group: &GroupId,
    object: &Object,
    now: &Now<'_>,
    hashes: &mut Hashes<'_>,
) -> Result<Option<String>, String> {
    match object {
        Object::Integration(kind) => Ok(now
            .lives
            .get(group)
            .and_then(|live| fingerprint(live, *kind, hashes))),
        Object::Entry { family, id } => Ok(live_entries(now, group, *family)?
            .entries
            .iter()
            .find(|entry| entry.id == *id)
            .map(|entry| entry_fingerprint(entry, hashes))),
        Object::NewEntry(_) => Ok(None),
        Object::PushBased => {
            let read = now.families.get(group).and_then(|f| f.push_based.as_ref());
            match read {
                Some(Ok(export)) => Ok(push_based_fingerprint(export, hashes.salt)),
                Some(Err(unreadable)) => Err(format!(
                    "`{}` could not be read now ({})",
                    Subject::PushBased.section(),
                    unreadable.reason
                )),
                None => Err(format!(
                    "`{}` was not read now: the file no longer manages it there",
                    Subject::PushBased.section()
                )),
            }
        }
    }
}

fn live_entries<'a>(
    now: &'a Now<'_>,
    group: &GroupId,
    family: Family,
) -> Result<&'a LiveEntries, String> {
    match now.families.get(group).and_then(|f| f.entries(family)) {
        Some(Ok(entries)) => Ok(entries),
        Some(Err(unreadable)) => Err(format!(
            "`{}` could not be read now ({})",
            family.section(),
            unreadable.reason
        )),
        None => Err(format!(
            "`{}` was not read now: the file no longer manages it there",
            family.section()
        )),
    }
}

/// Whether what is live holds what the saved operation sends: a delete's
/// object is gone; a create's or update's is there, the file still
/// declares what the operation sends (same fields, secrets of the same
/// hashes), and planning that declaration against it finds nothing to
/// change.
fn holds(
    op: &SavedOperation,
    (group, object): (&GroupId, &Object),
    now: &Now<'_>,
    hashes: &mut Hashes<'_>,
) -> bool {
    match object {
        Object::Integration(kind) => now
            .lives
            .get(group)
            .is_some_and(|live| integration_holds(op, (group, *kind), live, now, hashes)),
        Object::PushBased => now
            .families
            .get(group)
            .and_then(|f| f.push_based.as_ref())
            .is_some_and(|read| read.as_ref().is_ok_and(|export| !export.is_configured())),
        Object::Entry { family, id } => {
            let Ok(live) = live_entries(now, group, *family) else {
                return false;
            };
            let live = live.entries.iter().find(|entry| entry.id == *id);
            match (op.action, live) {
                (Verb::Delete, live) => live.is_none(),
                (_, None) => false,
                (_, Some(live)) => declared_sending(op, group, *family, now, hashes)
                    .iter()
                    .any(|declared| entry_matches(declared, live)),
            }
        }
        Object::NewEntry(key) => {
            let family = key.kind.family();
            let Ok(live) = live_entries(now, group, family) else {
                return false;
            };
            declared_sending(op, group, family, now, hashes)
                .iter()
                .any(|declared| {
                    live.entries.iter().any(|entry| {
                        entry.kind == declared.kind
                            && entry.key() == declared.key()
                            && entry_matches(declared, entry)
                    })
                })
        }
    }
}

/// The entries of a family the file declares now that send what the
/// saved operation sends.
fn declared_sending<'a>(
    op: &SavedOperation,
    group: &GroupId,
    family: Family,
    now: &'a Now<'_>,
    hashes: &mut Hashes<'_>,
) -> Vec<&'a crate::model::Entry> {
    let declared = now
        .declared_families
        .get(group)
        .and_then(|families| families.entries(family))
        .unwrap_or_default();
    declared
        .iter()
        .filter(|entry| entry.kind.as_str() == op.kind)
        .filter(|entry| describe_entry(entry, hashes) == (op.fields.clone(), op.secrets.clone()))
        .collect()
}

fn integration_holds(
    op: &SavedOperation,
    (group, kind): (&GroupId, IntegrationType),
    live: &LiveIntegrations,
    now: &Now<'_>,
    hashes: &mut Hashes<'_>,
) -> bool {
    if op.action == Verb::Delete {
        return !live.known.contains_key(&kind);
    }
    let Some(declared) = now.declared.get(&(group.clone(), kind)) else {
        return false;
    };
    let (fields, secrets) = describe(declared, hashes);
    if fields != op.fields || secrets != op.secrets || !live.known.contains_key(&kind) {
        return false;
    }
    let only_this = DesiredProject {
        project: ProjectRef::Id(group.clone()),
        mode: Mode::Additive,
        integrations: BTreeMap::from([(kind, Slot::Present(declared.clone()))]),
        families: Default::default(),
        origin: Origin::default(),
        selected_by: None,
    };
    let options = PlanOptions {
        rotate_secrets: false,
        ..now.options
    };
    plan_project(group, None, &only_this, live, &options)
        .items()
        .iter()
        .find(|item| item.integration() == Some(kind))
        .is_some_and(|item| !item.is_change() && item.errors.is_empty())
}
