//! The Terraform-like lines of one project, shared by the text and markdown
//! renderings: each line carries a tone that text turns into colour.

use similar::{ChangeTag, TextDiff};

use super::document::{
    EntryDocument, FieldDocument, ItemDocument, NoteKind, PlanDocument, ProjectDocument,
    UnmanagedDocument, ValueDocument,
};
use super::sections::grouped;
use crate::model::{EntryKind, Mode};
use crate::plan::{DeleteReason, ItemAction, ReportOnly};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tone {
    Plain,
    Header,
    Add,
    Remove,
    Change,
    Error,
    Quiet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub tone: Tone,
    pub text: String,
}

fn line(tone: Tone, text: impl Into<String>) -> Line {
    Line {
        tone,
        text: text.into(),
    }
}

const ITEM: &str = "  ";
const FIELD: &str = "      ";
const DIFF: &str = "        ";
/// Values longer than this (or on several lines) are diffed inline.
const LONG_VALUE: usize = 72;
/// Masks longer than this are shortened to their visible tail and length.
const LONG_MASK: usize = 40;
/// Unchanged lines kept around each change of an inline diff.
const DIFF_CONTEXT: usize = 2;

/// `name (id) · mode`, with what the mode means when it limits apply.
pub(crate) fn project_title(project: &ProjectDocument) -> String {
    let mode = mode_words(project.mode);
    match &project.selected_by {
        Some(entry) => format!("{} · {mode} · selected by {entry}", project.project),
        None => format!("{} · {mode}", project.project),
    }
}

/// A project's mode, with what it means when it limits apply.
pub(crate) fn mode_words(mode: Mode) -> &'static str {
    match mode {
        Mode::Observe => "observe (report only: apply changes nothing here)",
        Mode::Additive => "additive (never deletes)",
        Mode::Authoritative => "authoritative",
    }
}

/// The heading of the safety gates apply would refuse a plan by.
pub(crate) const REFUSED_HEADING: &str =
    "tether apply would refuse this plan (exit 4, nothing written):";

/// How the line of projects no entry manages begins.
pub(crate) const UNMANAGED_PROJECTS: &str = "Not managed by any entry (for information): ";

/// Projects that line names at most; the others are counted.
pub(crate) const UNMANAGED_LISTED: usize = 50;

/// The line that lists, for information, the projects of selected
/// organizations that no entry manages; `None` when there are none.
pub(crate) fn unmanaged_projects_line(plan: &PlanDocument) -> Option<String> {
    let all = &plan.unmanaged_projects;
    (!all.is_empty()).then(|| {
        let mut line = format!(
            "{UNMANAGED_PROJECTS}{}",
            all.iter()
                .take(UNMANAGED_LISTED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
        if all.len() > UNMANAGED_LISTED {
            line.push_str(&format!(" and {} more", all.len() - UNMANAGED_LISTED));
        }
        line
    })
}

/// The lines under a project's title: a failure, or its items, notes and
/// unmanaged integrations.
pub(crate) fn project_body(project: &ProjectDocument) -> Vec<Line> {
    let mut lines = Vec::new();
    if let Some(message) = project.failure() {
        lines.push(line(
            Tone::Error,
            format!("{ITEM}x could not be planned: {message}"),
        ));
        return lines;
    }
    unread_lines(project, &mut lines);
    if project.deletes_last_paging {
        lines.push(line(
            Tone::Error,
            format!(
                "{ITEM}! this plan deletes the project's last paging integration \
                 (PagerDuty, Opsgenie, VictorOps): apply refuses it without `--force`"
            ),
        ));
    }
    for (kind, alerts) in project.orphaned_alerts() {
        lines.push(line(
            Tone::Error,
            format!(
                "{ITEM}! deleting {kind} leaves {} without this destination: apply refuses it \
                 without `--allow-orphaned-alerts`",
                crate::plural::count(
                    alerts.len(),
                    "enabled alert configuration",
                    "enabled alert configurations"
                )
            ),
        ));
    }
    if project.deletes_unchecked() {
        lines.push(line(
            Tone::Error,
            format!(
                "{ITEM}! the alert configurations that may use the deleted integrations could not \
                 be listed ({}): apply refuses the delete without `--allow-orphaned-alerts`",
                project.alerts_error.as_deref().unwrap_or_default()
            ),
        ));
    }
    for (heading, items) in grouped(&project.items) {
        if let Some(heading) = heading {
            lines.push(line(Tone::Header, format!("{ITEM}{heading}:")));
        }
        let mut quiet_unchanged = Vec::new();
        for item in items {
            if !item.is_change() && item.errors.is_empty() && item.notes.is_empty() {
                quiet_unchanged.push(item_label(item));
                continue;
            }
            item_lines(item, project, &mut lines);
            for alert in &item.alerts {
                lines.push(line(
                    if alert.enabled {
                        Tone::Error
                    } else {
                        Tone::Quiet
                    },
                    format!(
                        "{FIELD}used by alert configuration {} ({}, {})",
                        alert.id,
                        alert.event_type,
                        if alert.enabled { "enabled" } else { "disabled" }
                    ),
                ));
            }
        }
        if !quiet_unchanged.is_empty() {
            lines.push(line(
                Tone::Quiet,
                format!("{ITEM}= unchanged: {}", quiet_unchanged.join(", ")),
            ));
        }
    }
    if !project.unmanaged.is_empty() {
        let names: Vec<String> = project.unmanaged.iter().map(unmanaged_label).collect();
        lines.push(line(
            Tone::Quiet,
            format!(
                "{ITEM}unmanaged, for information (the file leaves them alone): {}",
                names.join(", ")
            ),
        ));
    }
    attribution_lines(project, &mut lines);
    lines
}

/// How lines name an item: its type, and for a log or metric integration
/// what it points at, quoted (it may come from Atlas), and its live id.
pub(crate) fn item_label(item: &ItemDocument) -> String {
    match &item.entry {
        Some(entry) => entry_label(&item.kind, entry),
        None => item.kind.clone(),
    }
}

fn entry_label(kind: &str, entry: &EntryDocument) -> String {
    match &entry.id {
        Some(id) => format!("{kind} {:?} ({id})", entry.target),
        None => format!("{kind} {:?}", entry.target),
    }
}

fn unmanaged_label(unmanaged: &UnmanagedDocument) -> String {
    match &unmanaged.entry {
        Some(entry) => entry_label(&unmanaged.kind, entry),
        None => unmanaged.kind.clone(),
    }
}

/// The sections of the file that the credentials could not read here, one
/// line per reason Atlas gave.
fn unread_lines(project: &ProjectDocument, lines: &mut Vec<Line>) {
    let mut by_reason: Vec<(&str, Vec<String>)> = Vec::new();
    for unread in &project.unread {
        let section = format!("`{}`", unread.section);
        match by_reason.iter_mut().find(|(r, _)| *r == unread.reason) {
            Some((_, sections)) => sections.push(section),
            None => by_reason.push((&unread.reason, vec![section])),
        }
    }
    for (reason, sections) in by_reason {
        let them = if sections.len() == 1 { "it" } else { "them" };
        let names = match sections.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => sections.concat(),
        };
        lines.push(line(
            Tone::Error,
            format!(
                "{ITEM}! {names} could not be read ({reason}): this plan leaves {them} out; \
                 reading {them} needs credentials with Project Owner"
            ),
        ));
    }
}

/// The project's last integration changes (Atlas's events), or why they
/// are unknown.
fn attribution_lines(project: &ProjectDocument, lines: &mut Vec<Line>) {
    let Some(attribution) = &project.attribution else {
        return;
    };
    let (window_days, events) = (attribution.window_days, &attribution.events);
    match &attribution.error {
        Some(reason) => lines.push(line(
            Tone::Quiet,
            format!(
                "{ITEM}note: who changed this project's integrations (Atlas's events of the last \
                 {window_days} days) is unknown: {reason}"
            ),
        )),
        None if events.is_empty() => lines.push(line(
            Tone::Quiet,
            format!(
                "{ITEM}last integration changes in this project: none recorded by Atlas in the \
                 last {window_days} days"
            ),
        )),
        None => {
            lines.push(line(
                Tone::Plain,
                format!(
                    "{ITEM}last integration changes in this project (Atlas's events, last \
                     {window_days} days, newest first):"
                ),
            ));
            for event in events {
                let who = match (&event.username, &event.public_key) {
                    (Some(user), _) => format!("by {user} (Atlas UI user)"),
                    (None, Some(key)) => format!("by API key {key}"),
                    (None, None) => "by an unknown caller".to_owned(),
                };
                let from = event
                    .remote_address
                    .as_ref()
                    .map_or_else(String::new, |address| format!(" from {address}"));
                lines.push(line(
                    Tone::Plain,
                    format!("{FIELD}{} {} {who}{from}", event.created, event.event_type),
                ));
            }
        }
    }
}

fn item_lines(item: &ItemDocument, project: &ProjectDocument, lines: &mut Vec<Line>) {
    let kind = &item_label(item);
    let (tone, marker, verb) = match item.action {
        ItemAction::Create => (Tone::Add, '+', "created"),
        ItemAction::Update => (Tone::Change, '~', "updated"),
        ItemAction::Delete => (Tone::Remove, '-', "deleted"),
        ItemAction::Unchanged => (Tone::Quiet, '=', "unchanged"),
    };
    let headline = if !item.errors.is_empty() {
        let what = match item.action {
            ItemAction::Create => "cannot be created",
            ItemAction::Update => "cannot be updated",
            ItemAction::Delete => "cannot be deleted",
            ItemAction::Unchanged => "cannot be checked",
        };
        line(Tone::Error, format!("{ITEM}! {kind} {what}"))
    } else if !item.is_change() {
        line(tone, format!("{ITEM}{marker} {kind} unchanged"))
    } else {
        let mut reasons: Vec<String> = Vec::new();
        match item.delete_reason {
            Some(DeleteReason::NotDeclared) => reasons.push("not in the file".to_owned()),
            Some(DeleteReason::DeclaredAbsent) => reasons.push("declared `absent`".to_owned()),
            Some(DeleteReason::Replaced) => reasons.push(replaced_by(item, project)),
            None if item.rotation => reasons.push("`--rotate-secrets`".to_owned()),
            None => {}
        }
        if let Some(replaced) = item.entry.as_ref().and_then(|e| e.replaces.as_ref()) {
            reasons.push(format!("replaces {replaced}"));
        }
        let text = match item.report_only {
            None => format!("{ITEM}{marker} {kind} will be {verb}"),
            Some(ReportOnly::ObserveMode) => {
                reasons.push("observe: not applied".to_owned());
                format!("{ITEM}{marker} {kind} would be {verb}")
            }
            Some(ReportOnly::AdditiveNeverDeletes) => {
                reasons.push("additive never deletes: not applied".to_owned());
                format!("{ITEM}{marker} {kind} is live, would be {verb}")
            }
        };
        if reasons.is_empty() {
            line(tone, text)
        } else {
            line(tone, format!("{text} ({})", reasons.join("; ")))
        }
    };
    lines.push(headline);
    for error in &item.errors {
        lines.push(line(
            Tone::Error,
            format!("{FIELD}error: {}", error.message),
        ));
    }
    match item.action {
        ItemAction::Create => field_lines(item, FieldSide::After, lines),
        ItemAction::Delete => field_lines(item, FieldSide::Before, lines),
        ItemAction::Update => update_lines(item, lines),
        ItemAction::Unchanged => {}
    }
    for note in &item.notes {
        let mut text = format!("{FIELD}note: {}", note.message);
        if let (NoteKind::NotCleared, Some(live)) = (note.kind, &note.live) {
            text.push_str(&format!(" (Atlas has {})", value(live, is_secret(live))));
        }
        lines.push(line(Tone::Quiet, text));
    }
}

/// Why a replaced entry goes: the create that takes its place, named by
/// what it points at.
fn replaced_by(deleted: &ItemDocument, project: &ProjectDocument) -> String {
    let id = deleted.entry.as_ref().and_then(|e| e.id.as_ref());
    let replacement = project.items.iter().find_map(|item| {
        let entry = item.entry.as_ref()?;
        (entry.replaces.is_some() && entry.replaces.as_ref() == id).then_some(&entry.target)
    });
    match replacement {
        Some(target) => format!("replaced by {target:?}: sent once that is created"),
        None => "replaced: sent once its replacement is created".to_owned(),
    }
}

/// Whether a field holds headers, whose values Atlas never returns and
/// tether never shows: only their names are.
fn holds_headers(item: &ItemDocument, field: &str) -> bool {
    item.entry.is_some()
        && item
            .kind
            .parse::<EntryKind>()
            .ok()
            .and_then(|kind| kind.field(field))
            .is_some_and(|field| field.is_headers())
}

const HEADER_VALUES: &str = " (values write-only, never shown)";

#[derive(Clone, Copy)]
enum FieldSide {
    Before,
    After,
}

fn width(fields: &[FieldDocument]) -> usize {
    fields
        .iter()
        .map(|f| f.field.chars().count())
        .max()
        .unwrap_or(0)
}

/// The fields of a create or a delete: one value each.
fn field_lines(item: &ItemDocument, side: FieldSide, lines: &mut Vec<Line>) {
    let fields = &item.fields;
    let width = width(fields);
    for field in fields {
        let shown = match side {
            FieldSide::Before => &field.before,
            FieldSide::After => &field.after,
        };
        let name = &field.field;
        match shown {
            ValueDocument::Text(text) if text.contains('\n') => {
                lines.push(line(Tone::Plain, format!("{FIELD}{name:width$} = <<EOT")));
                for text_line in text.lines() {
                    lines.push(line(Tone::Plain, format!("{DIFF}{text_line}")));
                }
                lines.push(line(Tone::Plain, format!("{FIELD}EOT")));
            }
            _ => {
                let mut text = format!("{FIELD}{name:width$} = {}", value(shown, field.sensitive));
                if holds_headers(item, name) {
                    text.push_str(HEADER_VALUES);
                }
                lines.push(line(Tone::Plain, text));
            }
        }
    }
}

fn update_lines(item: &ItemDocument, lines: &mut Vec<Line>) {
    let fields = &item.fields;
    let width = width(fields) + 1;
    for field in fields {
        let name = format!("{}:", field.field);
        let headers = holds_headers(item, &field.field);
        if field.rotated {
            let text = match field.after {
                ValueDocument::WriteOnly { .. } => {
                    format!("{FIELD}{name:width$} {SENSITIVE}(write-only; sent again to rotate it)")
                }
                _ if headers => format!(
                    "{FIELD}{name:width$} {} (values write-only; sent again)",
                    bare(&field.after)
                ),
                _ => format!(
                    "{FIELD}{name:width$} {} (unchanged; sent again to rotate it)",
                    value(&field.after, true)
                ),
            };
            lines.push(line(Tone::Change, text));
            continue;
        }
        if let (ValueDocument::Text(before), ValueDocument::Text(after)) =
            (&field.before, &field.after)
            && is_long(before, after)
        {
            lines.push(line(Tone::Change, format!("{FIELD}{name}")));
            long_diff(before, after, lines);
            continue;
        }
        let before = bare(&field.before);
        let mut after = bare(&field.after);
        if field.sensitive && before == after {
            // Masks can agree while values differ (a secret Atlas returns in
            // clear, changed away from its last four characters).
            after.push_str(" (the values differ)");
        }
        if headers {
            after.push_str(HEADER_VALUES);
        }
        let label = if field.sensitive { SENSITIVE } else { "" };
        lines.push(line(
            Tone::Change,
            format!("{FIELD}{name:width$} {label}{before} -> {after}"),
        ));
    }
}

fn is_long(before: &str, after: &str) -> bool {
    before.contains('\n')
        || after.contains('\n')
        || before.chars().count() > LONG_VALUE
        || after.chars().count() > LONG_VALUE
}

/// A line diff of multi-line values, or a word diff of long single lines
/// (`[-removed-]{+added+}`).
fn long_diff(before: &str, after: &str, lines: &mut Vec<Line>) {
    if before.contains('\n') || after.contains('\n') {
        let diff = TextDiff::from_lines(before, after);
        let old_lines = diff.old_slices().len();
        let elided = || line(Tone::Quiet, format!("{DIFF}  ..."));
        let mut shown_to = 0;
        for group in diff.grouped_ops(DIFF_CONTEXT) {
            let (Some(first), Some(last)) = (group.first(), group.last()) else {
                continue;
            };
            if first.old_range().start > shown_to {
                lines.push(elided());
            }
            shown_to = last.old_range().end;
            for op in &group {
                for change in diff.iter_changes(op) {
                    let text = change.value().trim_end_matches(['\n', '\r']);
                    let (tone, sign) = match change.tag() {
                        ChangeTag::Equal => (Tone::Plain, ' '),
                        ChangeTag::Delete => (Tone::Remove, '-'),
                        ChangeTag::Insert => (Tone::Add, '+'),
                    };
                    lines.push(line(tone, format!("{DIFF}{sign} {text}")));
                }
            }
        }
        if shown_to < old_lines {
            lines.push(elided());
        }
    } else {
        let diff = TextDiff::from_words(before, after);
        let mut text = String::new();
        for change in diff.iter_all_changes() {
            match change.tag() {
                ChangeTag::Equal => text.push_str(change.value()),
                ChangeTag::Delete => text.push_str(&format!("[-{}-]", change.value())),
                ChangeTag::Insert => text.push_str(&format!("{{+{}+}}", change.value())),
            }
        }
        lines.push(line(Tone::Change, format!("{DIFF}{text}")));
    }
}

const SENSITIVE: &str = "(sensitive) ";

fn is_secret(shown: &ValueDocument) -> bool {
    matches!(
        shown,
        ValueDocument::Masked { .. } | ValueDocument::WriteOnly { .. }
    )
}

/// One value as text: plain values quoted, secrets as `(sensitive) <mask>`.
pub(crate) fn value(shown: &ValueDocument, sensitive: bool) -> String {
    match shown {
        ValueDocument::None => bare(shown),
        _ if sensitive => format!("{SENSITIVE}{}", bare(shown)),
        _ => bare(shown),
    }
}

fn bare(shown: &ValueDocument) -> String {
    match shown {
        ValueDocument::None => "(none)".to_owned(),
        ValueDocument::Text(text) => format!("{text:?}"),
        ValueDocument::Bool(b) => b.to_string(),
        ValueDocument::Masked { mask } => short_mask(mask),
        ValueDocument::WriteOnly { .. } => "(write-only, never shown)".to_owned(),
        ValueDocument::List(values) => {
            let quoted: Vec<String> = values.iter().map(|value| format!("{value:?}")).collect();
            format!("[{}]", quoted.join(", "))
        }
    }
}

/// A long mask (a masked header template) as its visible tail and length.
fn short_mask(mask: &str) -> String {
    let length = mask.chars().count();
    if length <= LONG_MASK || mask.contains("://") {
        return mask.to_owned();
    }
    let tail: String = mask.chars().skip(length.saturating_sub(4)).collect();
    format!("****{tail} ({length} characters)")
}
