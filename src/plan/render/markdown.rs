//! The plan as a pull-request comment: a summary table, then one collapsible
//! section per project worth a look, never longer than GitHub accepts.
//!
//! Names and values from Atlas or the file are never markdown: in the
//! `<summary>` they are HTML-escaped inside `<code>`, in the text code
//! spans, in the diff fence one line each. GitHub finds mentions and links
//! in text, not in code.

use super::document::{AsDocument, PlanDocument, ProjectDocument, RefusalDocument};
use super::lines::{
    REFUSED_HEADING, UNMANAGED_LISTED, UNMANAGED_PROJECTS, mode_words, project_body,
};
use super::{Purpose, drift_line, summary_line};
use crate::plural::{count, noun};
use crate::printable::one_line;

/// GitHub refuses comments longer than this many characters; the rendering
/// stays within it counted in bytes, which is stricter.
pub const MARKDOWN_LIMIT: usize = 65_536;

/// Room kept for the note that says what was cut.
const NOTE_ROOM: usize = 400;

/// Room for the line of projects no entry manages, at most: the names that
/// do not fit are counted.
const UNMANAGED_ROOM: usize = 4_096;

/// Room for the safety gates apply would refuse the plan by, at most.
const REFUSALS_ROOM: usize = 8_192;

/// Characters of one unmanaged project's name shown in that line.
const NAME_CHARS: usize = 100;

/// The markdown rendering, at most `MARKDOWN_LIMIT` bytes.
pub fn markdown(plan: &impl AsDocument) -> String {
    markdown_within(&plan.document(), MARKDOWN_LIMIT, Purpose::Plan)
}

/// The drift report as markdown, for an issue or a job summary.
pub fn drift_markdown(plan: &impl AsDocument) -> String {
    markdown_within(&plan.document(), MARKDOWN_LIMIT, Purpose::Drift)
}

pub(super) fn markdown_within(plan: &PlanDocument, limit: usize, purpose: Purpose) -> String {
    let summary = plan.summary;
    let (heading, first) = match purpose {
        Purpose::Plan => ("### tether plan", summary_line(&summary)),
        Purpose::Drift => ("### tether drift", drift_line(plan)),
    };
    let mut out = format!("{heading}\n\n");
    out.push_str(&format!("**{}**\n\n", escape(&first)));
    out.push_str(&refusals(&plan.refusals, REFUSALS_ROOM.min(limit / 8)));
    out.push_str(
        "| Create | Update | Delete | Unchanged | Report-only | Errors | Failed projects | Unmanaged |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        summary.create,
        summary.update,
        summary.delete,
        summary.unchanged,
        summary.report_only,
        summary.errors,
        summary.failed_projects,
        summary.unmanaged,
    ));
    let (noteworthy, quiet) = super::reading_order(plan);
    let footer = if quiet.is_empty() {
        String::new()
    } else {
        format!(
            "\n{} with nothing to report.\n",
            count(quiet.len(), "project", "projects")
        )
    };
    let unmanaged = unmanaged_projects(&plan.unmanaged_projects, UNMANAGED_ROOM.min(limit / 8));
    let budget = limit.saturating_sub(footer.len() + unmanaged.len() + NOTE_ROOM);
    let mut not_shown = 0;
    for project in noteworthy {
        let section = section(project);
        if not_shown == 0 && out.len() + section.len() <= budget {
            out.push_str(&section);
        } else {
            not_shown += 1;
        }
    }
    out.push_str(&footer);
    out.push_str(&unmanaged);
    if not_shown > 0 {
        out.push_str(&format!(
            "\n> **Cut to fit a comment:** {} not shown; run `tether plan` locally for the full plan.\n",
            count(not_shown, "project", "projects")
        ));
    }
    out
}

/// `\nNot managed by any entry (for information): `a (id)`, `b (id)` and 3
/// more\n` in at most `room` bytes, or nothing when every project is managed.
fn unmanaged_projects(names: &[String], room: usize) -> String {
    if names.is_empty() {
        return String::new();
    }
    let more_room = format!(" and {} more\n", names.len()).len();
    let listed = spans_within(
        names,
        room.saturating_sub(1 + UNMANAGED_PROJECTS.len() + more_room),
    );
    let mut line = format!("\n{UNMANAGED_PROJECTS}{}", listed.join(", "));
    line.push_str(&rest_of(names.len(), listed.len(), "project", "projects"));
    line.push('\n');
    line
}

/// The first of `names` (at most [`UNMANAGED_LISTED`], each cut to
/// [`NAME_CHARS`] characters) as code spans that fit in `room` bytes with
/// their separators.
fn spans_within(names: &[String], room: usize) -> Vec<String> {
    let mut used = 0;
    let mut listed = Vec::new();
    for name in names.iter().take(UNMANAGED_LISTED) {
        let mut name = one_line(name).into_owned();
        if let Some((cut, _)) = name.char_indices().nth(NAME_CHARS) {
            name.truncate(cut);
            name.push('…');
        }
        let span = code_span(&name);
        if used + span.len() + 2 > room {
            break;
        }
        used += span.len() + 2;
        listed.push(span);
    }
    listed
}

/// ` and N more` after a list of `listed` of `all`, or `N things` when none
/// was listed; nothing when all were.
fn rest_of(all: usize, listed: usize, one: &str, many: &str) -> String {
    match (all - listed, listed) {
        (0, _) => String::new(),
        (rest, 0) => count(rest, one, many),
        (rest, _) => format!(" and {rest} more"),
    }
}

/// The safety gates apply would refuse the plan by, as a caution at the top
/// of the comment, in at most `room` bytes: tether's words as text, the
/// projects and alerts they are about as code spans.
fn refusals(refusals: &[RefusalDocument], room: usize) -> String {
    if refusals.is_empty() {
        return String::new();
    }
    let mut out = format!("> [!CAUTION]\n> **{REFUSED_HEADING}**\n");
    let share = room.saturating_sub(out.len()) / refusals.len();
    for RefusalDocument {
        refusal, passed_by, ..
    } in refusals
    {
        let flags: Vec<String> = passed_by.iter().map(|f| code_span(f)).collect();
        let mut line = format!("> - {}", escape(&refusal.headline()));
        let passes = format!(". Passes with {}.\n", flags.join(" or "));
        let subjects = refusal.subjects();
        if !subjects.is_empty() {
            let more = format!(" and {} more", subjects.len()).len();
            let listed = spans_within(
                subjects,
                share.saturating_sub(line.len() + passes.len() + more + 2),
            );
            line.push_str(refusal.before_subjects());
            line.push_str(&listed.join(", "));
            line.push_str(&rest_of(subjects.len(), listed.len(), "entry", "entries"));
        }
        line.push_str(&passes);
        out.push_str(&line);
    }
    out.push('\n');
    out
}

/// `text` (one line) as a code span that shows it as it is: fenced by more
/// backticks than it holds in a row, and padded when it begins or ends with
/// a backtick or a space, which the padding's removal keeps.
fn code_span(text: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(text) + 1);
    let pad = if text.is_empty() || text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// `<details><summary>` with the project's name (and the entry that
/// selected it) in `<code>`, then its lines in a diff fence.
fn section(project: &ProjectDocument) -> String {
    let mut title = format!(
        "<code>{}</code> · {}",
        escape(&project.project),
        mode_words(project.mode)
    );
    if let Some(entry) = &project.selected_by {
        title.push_str(&format!(" · selected by <code>{}</code>", escape(entry)));
    }
    let mut out = format!(
        "\n<details><summary>{title}{}</summary>\n\n",
        escape(&project_counts(project)),
    );
    let body: Vec<String> = project_body(project)
        .into_iter()
        .map(|line| to_diff_line(&one_line(&line.text)))
        .collect();
    let body = body.join("\n");
    let fence = fence_for(&body);
    out.push_str(&format!("{fence}diff\n{body}\n{fence}\n\n</details>\n"));
    out
}

/// ` — 1 to create, 2 to update`, ` — 2 sections not read`, or ` — failed`.
fn project_counts(project: &ProjectDocument) -> String {
    if project.failure().is_some() {
        return " — failed".to_owned();
    }
    let summary = project.summary();
    let errors = noun(summary.errors, "error", "errors");
    let unread = project.unread.len();
    let parts: Vec<String> = [
        (summary.create, "to create"),
        (summary.update, "to update"),
        (summary.delete, "to delete"),
        (summary.report_only, "report-only"),
        (summary.errors, errors),
        (
            unread,
            noun(unread, "section not read", "sections not read"),
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" — {}", parts.join(", "))
    }
}

/// Moves the change marker of an item or diff line to the first column, so
/// that GitHub's `diff` highlighting colours it.
fn to_diff_line(text: &str) -> String {
    let trimmed = text.trim_start();
    let indent = text.len() - trimmed.len();
    match trimmed.chars().next() {
        Some(marker @ ('+' | '-' | '~' | '!')) if trimmed[1..].starts_with(' ') => {
            format!("{marker}{}{}", " ".repeat(indent), &trimmed[1..])
        }
        _ => format!(" {text}"),
    }
}

/// A code fence longer than any run of backticks in the body.
fn fence_for(body: &str) -> String {
    "`".repeat(longest_backtick_run(body).max(2) + 1)
}

/// One line of text for HTML (and markdown outside code), with no control
/// or invisible character left in it.
fn escape(text: &str) -> String {
    one_line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
