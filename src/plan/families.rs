//! The planner of the log and metric families and of the push-based log
//! export. Pure, like the rest of the planner.
//!
//! Entries have no name and tether keeps no state, so a declaration is
//! matched to a live entry by what it points at (`EntryKey`: the kind and its
//! identity fields), or by the `id:` that pins it:
//! - A pinned declaration whose live entry now points elsewhere, or is of
//!   another kind, is a replacement: a create, then the delete of the old
//!   entry once the create succeeded (`DeleteReason::Replaced`); unless
//!   the replacement is live already (an apply before created it and kept
//!   the old entry): then the declaration is that entry, and the old one is
//!   no longer declared.
//! - An unpinned declaration that matches two live entries is an error, and
//!   neither entry is written or deleted.
//! - Live entries no declaration matches are deleted in an authoritative
//!   project and left alone (unmanaged) otherwise.
//! - Every PUT replaces the whole entry, so a field the file leaves out that
//!   Atlas has a value for is a change (it is cleared), and an update sends
//!   the headers again. Header values are write-only: never compared
//!   (`Note::NotVerifiable`), sent again by `--rotate-secrets`.
//!
//! A family the credentials could not read is planned as nothing at all and
//! listed in `ProjectPlan::unread`.

use std::collections::BTreeSet;

use super::PlanOptions;
use super::types::{
    Change, Declared, DeleteReason, FieldChange, Item, ItemError, Note, PUSH_BASED_SECTION,
    ProjectPlan, ReportOnly, Shown, Subject, Unmanaged, Unread,
};
use crate::model::{
    DeclaredFamilies, Entry, EntryField, EntryKind, EntryValue, Family, LiveEntries, LiveEntry,
    LiveEntryValue, LiveFamilies, Mode, PushBasedExport, Shape,
};
use crate::secret::Secret;

/// Adds the items of the families a project's file mentions to its plan.
/// A failed project is left as it is.
pub fn plan_families(
    plan: &mut ProjectPlan,
    declared: &DeclaredFamilies,
    live: &LiveFamilies,
    options: &PlanOptions,
) {
    if plan.failure().is_some() {
        return;
    }
    let mode = plan.mode;
    let mut items = Vec::new();
    let mut unmanaged = Vec::new();
    let mut unread = Vec::new();
    for family in Family::ALL {
        let Some(entries) = declared.entries(family) else {
            continue;
        };
        match live.entries(family) {
            Some(Ok(live_entries)) => {
                let planned = plan_family(entries, live_entries, mode, options);
                items.extend(planned.items);
                unmanaged.extend(planned.unmanaged);
            }
            Some(Err(unreadable)) => unread.push(Unread {
                section: family.section(),
                reason: unreadable.reason.clone(),
            }),
            None => unread.push(Unread {
                section: family.section(),
                reason: "it was not read".to_owned(),
            }),
        }
    }
    if declared.reads_push_based() {
        match &live.push_based {
            Some(Ok(export)) => items.extend(push_based(declared, export, &items, live, mode)),
            Some(Err(unreadable)) => unread.push(Unread {
                section: PUSH_BASED_SECTION,
                reason: unreadable.reason.clone(),
            }),
            None => unread.push(Unread {
                section: PUSH_BASED_SECTION,
                reason: "it was not read".to_owned(),
            }),
        }
    }
    if mode == Mode::Observe {
        for item in items.iter_mut().filter(|item| item.is_change()) {
            item.report_only = Some(ReportOnly::ObserveMode);
        }
    }
    if let super::types::Outcome::Planned {
        items: plan_items,
        unmanaged: plan_unmanaged,
    } = &mut plan.outcome
    {
        plan_items.extend(items);
        plan_unmanaged.extend(unmanaged);
    }
    plan.unread.extend(unread);
}

/// Whether a live entry holds what the declaration asks for: nothing left
/// to write (header values, which Atlas never returns, aside).
pub fn entry_matches(desired: &Entry, live: &LiveEntry) -> bool {
    desired.kind == live.kind && differences(desired, live).0.is_empty()
}

struct Planned {
    items: Vec<Item>,
    unmanaged: Vec<Unmanaged>,
}

fn plan_family(
    entries: &[Entry],
    live: &LiveEntries,
    mode: Mode,
    options: &PlanOptions,
) -> Planned {
    let mut items = Vec::new();
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    // Pinned declarations first: an id names its live entry whatever an
    // unpinned declaration points at.
    let pinned = entries.iter().filter(|entry| entry.id.is_some());
    let unpinned = entries.iter().filter(|entry| entry.id.is_none());
    let pins: BTreeSet<&str> = entries
        .iter()
        .filter_map(|entry| entry.id.as_deref())
        .collect();
    for entry in pinned {
        let id = entry.id.as_deref().unwrap_or_default();
        match live.entries.iter().find(|candidate| candidate.id == id) {
            None => match moved_to(entry, live, &taken, &pins) {
                // The pinned entry was replaced by an apply: its
                // replacement is the one live entry that points here.
                Some(replacement) => {
                    taken.insert(&replacement.id);
                    let mut item = update(entry, replacement, mode, options);
                    item.notes.push(Note::PinMoved {
                        pinned: id.to_owned(),
                        now: replacement.id.clone(),
                    });
                    items.push(item);
                }
                None => {
                    // Nothing is written for an erring declaration, and
                    // what it points at is not deleted for it either.
                    let key = entry.key();
                    taken.extend(
                        live.entries
                            .iter()
                            .filter(|candidate| {
                                !pins.contains(candidate.id.as_str()) && candidate.key() == key
                            })
                            .map(|candidate| candidate.id.as_str()),
                    );
                    items.push(Item {
                        errors: vec![ItemError::PinnedIdNotFound { id: id.to_owned() }],
                        ..create(entry)
                    });
                }
            },
            Some(current) if current.kind == entry.kind && current.key() == entry.key() => {
                taken.insert(&current.id);
                items.push(update(entry, current, mode, options));
            }
            Some(current) => match moved_to(entry, live, &taken, &pins) {
                // An apply before created the replacement and left the
                // pinned entry (an additive project, a delete that
                // failed): the declaration is the replacement now, and
                // the pinned entry is one the file no longer declares.
                Some(replacement) => {
                    taken.insert(&replacement.id);
                    items.push(update(entry, replacement, mode, options));
                }
                None => {
                    taken.insert(&current.id);
                    items.push(create(entry));
                    items.push(delete(current, DeleteReason::Replaced, mode));
                }
            },
        }
    }
    for entry in unpinned {
        let key = entry.key();
        let matching: Vec<&LiveEntry> = live
            .entries
            .iter()
            .filter(|candidate| !taken.contains(candidate.id.as_str()) && candidate.key() == key)
            .collect();
        taken.extend(matching.iter().map(|candidate| candidate.id.as_str()));
        match matching.as_slice() {
            [] => items.push(create(entry)),
            [current] => items.push(update(entry, current, mode, options)),
            several => items.push(Item {
                subject: Subject::Entry { key, id: None },
                change: Change::Unchanged,
                report_only: None,
                notes: Vec::new(),
                errors: vec![ItemError::Ambiguous {
                    ids: several.iter().map(|c| c.id.clone()).collect(),
                }],
            }),
        }
    }
    let mut unmanaged = Vec::new();
    for current in live
        .entries
        .iter()
        .filter(|candidate| !taken.contains(candidate.id.as_str()))
    {
        match mode {
            Mode::Authoritative => items.push(delete(current, DeleteReason::NotDeclared, mode)),
            Mode::Additive | Mode::Observe => unmanaged.push(Unmanaged::Entry {
                key: current.key(),
                id: current.id.clone(),
            }),
        }
    }
    unmanaged.extend(live.unknown_types.iter().cloned().map(Unmanaged::Unknown));
    items.sort_by(|a, b| a.subject.cmp(&b.subject));
    Planned { items, unmanaged }
}

/// The one live entry, no pin's and not yet matched, that points where a
/// moved pinned declaration now does.
fn moved_to<'a>(
    entry: &Entry,
    live: &'a LiveEntries,
    taken: &BTreeSet<&str>,
    pins: &BTreeSet<&str>,
) -> Option<&'a LiveEntry> {
    let key = entry.key();
    let mut found = live.entries.iter().filter(|candidate| {
        !taken.contains(candidate.id.as_str())
            && !pins.contains(candidate.id.as_str())
            && candidate.key() == key
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

fn create(entry: &Entry) -> Item {
    let fields = entry
        .kind
        .fields()
        .iter()
        .filter_map(|field| {
            let after = desired_shown(field, entry)?;
            Some(FieldChange {
                field: field.name,
                sensitive: field.is_secret(),
                before: Shown::None,
                after,
                rotated: false,
            })
        })
        .collect();
    Item {
        subject: Subject::Entry {
            key: entry.key(),
            id: None,
        },
        change: Change::Create {
            desired: Declared::Entry(entry.clone()),
            fields,
        },
        report_only: None,
        notes: Vec::new(),
        errors: Vec::new(),
    }
}

fn update(entry: &Entry, live: &LiveEntry, mode: Mode, options: &PlanOptions) -> Item {
    let (mut fields, notes) = differences(entry, live);
    let rotate = options.rotate_secrets && mode != Mode::Observe && entry.has_secret();
    if fields.is_empty() && rotate {
        fields = entry
            .kind
            .fields()
            .iter()
            .filter(|field| field.is_secret() || field.is_headers())
            .filter_map(|field| {
                let after = desired_shown(field, entry)?;
                Some(FieldChange {
                    field: field.name,
                    sensitive: field.is_secret(),
                    before: live_shown(field, live),
                    after,
                    rotated: true,
                })
            })
            .collect();
    }
    let change = if fields.is_empty() {
        Change::Unchanged
    } else {
        Change::Update {
            desired: Declared::Entry(entry.clone()),
            rotation: fields.iter().all(|field| field.rotated),
            fields,
        }
    };
    Item {
        subject: Subject::Entry {
            key: entry.key(),
            id: Some(live.id.clone()),
        },
        change,
        report_only: None,
        notes,
        errors: Vec::new(),
    }
}

/// The fields that differ, and the notes on what cannot be compared.
fn differences(entry: &Entry, live: &LiveEntry) -> (Vec<FieldChange>, Vec<Note>) {
    let mut fields = Vec::new();
    let mut notes = Vec::new();
    for field in entry.kind.fields() {
        let desired = entry.get(field.name);
        let current = live.get(field.name);
        if field.is_headers() && desired.is_some() {
            notes.push(Note::NotVerifiable { field: field.name });
        }
        let same = match (desired, current) {
            (None, None) => true,
            (None, Some(LiveEntryValue::Text(text))) if field.only_value == Some(text.as_str()) => {
                true
            }
            (None, Some(have)) => !field.required && is_empty(have),
            (Some(_), None) => false,
            (Some(want), Some(have)) => same_value(field, want, have),
        };
        if !same {
            fields.push(FieldChange {
                field: field.name,
                sensitive: field.is_secret(),
                before: live_shown(field, live),
                after: desired_shown(field, entry).unwrap_or(Shown::None),
                rotated: false,
            });
        }
    }
    (fields, notes)
}

/// A value Atlas may answer for an optional field written without one:
/// what a write that leaves the field out sets.
fn is_empty(live: &LiveEntryValue) -> bool {
    match live {
        LiveEntryValue::Text(text) => text.is_empty(),
        LiveEntryValue::Bool(b) => !b,
        LiveEntryValue::Set(values) | LiveEntryValue::HeaderNames(values) => values.is_empty(),
    }
}

fn same_value(field: &EntryField, desired: &EntryValue, live: &LiveEntryValue) -> bool {
    match (desired, live) {
        (EntryValue::Text(want), LiveEntryValue::Text(have)) => match field.shape {
            // Atlas's pattern takes either case; an id is one value.
            Shape::Hex24 => want.eq_ignore_ascii_case(have),
            _ => want == have,
        },
        (EntryValue::Secret(want), LiveEntryValue::Text(have)) => secret_matches(want, have),
        (EntryValue::Bool(want), LiveEntryValue::Bool(have)) => want == have,
        (EntryValue::Set(want), LiveEntryValue::Set(have)) => {
            want.iter().collect::<BTreeSet<_>>() == have.iter().collect::<BTreeSet<_>>()
        }
        // The values are write-only: only the names can be compared, as
        // HTTP reads them (in any case; their order means nothing).
        (EntryValue::Headers(want), LiveEntryValue::HeaderNames(have)) => {
            header_names(want.iter().map(|h| h.name.as_str()))
                == header_names(have.iter().map(String::as_str))
        }
        _ => false,
    }
}

fn header_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = names.map(str::to_ascii_lowercase).collect();
    names.sort_unstable();
    names
}

/// A secret compares through Atlas's mask. How Atlas masks these fields is
/// not documented (atlas-api.md); equal text, or a mask consistent with the
/// value by the rules of `secret.rs`, is the same value.
fn secret_matches(desired: &Secret, live: &str) -> bool {
    desired.is(live) || desired.matches_mask(live)
}

fn desired_shown(field: &EntryField, entry: &Entry) -> Option<Shown> {
    Some(match entry.get(field.name) {
        None => Shown::Text(field.only_value?.to_owned()),
        Some(EntryValue::Text(text)) => Shown::Text(text.clone()),
        Some(EntryValue::Secret(secret)) => Shown::Masked(secret.mask()),
        Some(EntryValue::Bool(b)) => Shown::Bool(*b),
        Some(EntryValue::Set(values)) => Shown::List(values.clone()),
        Some(EntryValue::Headers(headers)) => {
            Shown::List(headers.iter().map(|h| h.name.clone()).collect())
        }
    })
}

fn live_shown(field: &EntryField, live: &LiveEntry) -> Shown {
    match live.get(field.name) {
        None => Shown::None,
        // Masked again: a value Atlas returned in clear is never shown.
        Some(LiveEntryValue::Text(text)) if field.is_secret() => {
            Shown::Masked(Secret::new(text.as_str()).mask())
        }
        Some(LiveEntryValue::Text(text)) => Shown::Text(text.clone()),
        Some(LiveEntryValue::Bool(b)) => Shown::Bool(*b),
        Some(LiveEntryValue::Set(values) | LiveEntryValue::HeaderNames(values)) => {
            Shown::List(values.clone())
        }
    }
}

fn delete(live: &LiveEntry, reason: DeleteReason, mode: Mode) -> Item {
    let fields = live
        .kind
        .fields()
        .iter()
        .filter(|field| live.get(field.name).is_some())
        .map(|field| FieldChange {
            field: field.name,
            sensitive: field.is_secret(),
            before: live_shown(field, live),
            after: Shown::None,
            rotated: false,
        })
        .collect();
    Item {
        subject: Subject::Entry {
            key: live.key(),
            id: Some(live.id.clone()),
        },
        change: Change::Delete { reason, fields },
        report_only: (mode == Mode::Additive).then_some(ReportOnly::AdditiveNeverDeletes),
        notes: Vec::new(),
        errors: Vec::new(),
    }
}

/// The push-based export's item: deprecated where it is configured, and
/// removed where the file says `absent` once an S3 log integration (live
/// and kept, or created by this plan) takes over its logs.
fn push_based(
    declared: &DeclaredFamilies,
    export: &PushBasedExport,
    entry_items: &[Item],
    live: &LiveFamilies,
    mode: Mode,
) -> Option<Item> {
    if !export.is_configured() {
        return None;
    }
    let shown = |value: &Option<String>| value.clone().map_or(Shown::None, Shown::Text);
    let fields = [
        ("bucketName", &export.bucket_name),
        ("prefixPath", &export.prefix_path),
        ("iamRoleId", &export.iam_role_id),
    ]
    .into_iter()
    .map(|(field, value)| FieldChange {
        field,
        sensitive: false,
        before: shown(value),
        after: Shown::None,
        rotated: false,
    })
    .collect();
    if !declared.push_based_absent {
        return Some(Item {
            subject: Subject::PushBased,
            change: Change::Unchanged,
            report_only: None,
            notes: vec![Note::Deprecated],
            errors: Vec::new(),
        });
    }
    let has_s3 = s3_kept_or_created(entry_items, live);
    Some(Item {
        subject: Subject::PushBased,
        change: Change::Delete {
            reason: DeleteReason::DeclaredAbsent,
            fields,
        },
        report_only: (mode == Mode::Additive).then_some(ReportOnly::AdditiveNeverDeletes),
        notes: vec![
            Note::Deprecated,
            Note::LogsTwice {
                prefix: export.prefix_path.clone(),
            },
        ],
        errors: if has_s3 {
            Vec::new()
        } else {
            vec![ItemError::MigrationWithoutS3]
        },
    })
}

/// Whether the project will have an S3 log integration after apply: one
/// this plan creates without error, or a live one it does not delete.
fn s3_kept_or_created(entry_items: &[Item], live: &LiveFamilies) -> bool {
    let is_s3 = |item: &&Item| item.subject.entry_kind() == Some(EntryKind::S3);
    let created = entry_items
        .iter()
        .filter(is_s3)
        .any(|item| matches!(item.change, Change::Create { .. }) && item.errors.is_empty());
    let deleted: BTreeSet<&str> = entry_items
        .iter()
        .filter(is_s3)
        .filter(|item| matches!(item.change, Change::Delete { .. }) && item.report_only.is_none())
        .filter_map(|item| match &item.subject {
            Subject::Entry { id, .. } => id.as_deref(),
            _ => None,
        })
        .collect();
    let kept = matches!(&live.log, Some(Ok(entries)) if entries.entries.iter().any(|entry| {
        entry.kind == EntryKind::S3 && !deleted.contains(entry.id.as_str())
    }));
    created || kept
}

#[cfg(test)]
mod tests;
