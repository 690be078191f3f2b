//! The plan as a pull-request comment: a summary table, then one collapsible
//! section per project worth a look, never longer than GitHub accepts.

use super::lines::{project_body, project_title};
use super::{Purpose, drift_line, summary_line};
use crate::plan::types::{Plan, ProjectPlan};
use crate::plural::{count, noun};
use crate::printable::printable;

/// GitHub refuses comments longer than this many characters; the rendering
/// stays within it counted in bytes, which is stricter.
pub const MARKDOWN_LIMIT: usize = 65_536;

/// Room kept for the note that says what was cut.
const NOTE_ROOM: usize = 400;

/// The markdown rendering, at most `MARKDOWN_LIMIT` bytes.
pub fn markdown(plan: &Plan) -> String {
    markdown_within(plan, MARKDOWN_LIMIT, Purpose::Plan)
}

/// The drift report as markdown, for an issue or a job summary.
pub fn drift_markdown(plan: &Plan) -> String {
    markdown_within(plan, MARKDOWN_LIMIT, Purpose::Drift)
}

pub(super) fn markdown_within(plan: &Plan, limit: usize, purpose: Purpose) -> String {
    let summary = plan.summary();
    let (heading, first) = match purpose {
        Purpose::Plan => ("### tether plan", summary_line(&summary)),
        Purpose::Drift => ("### tether drift", drift_line(plan)),
    };
    let mut out = format!("{heading}\n\n");
    out.push_str(&format!("**{}**\n\n", escape(&first)));
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
    let (noteworthy, quiet): (Vec<_>, Vec<_>) =
        plan.projects.iter().partition(|p| p.is_noteworthy());
    let footer = if quiet.is_empty() {
        String::new()
    } else {
        format!(
            "\n{} with nothing to report.\n",
            count(quiet.len(), "project", "projects")
        )
    };
    let budget = limit.saturating_sub(footer.len() + NOTE_ROOM);
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
    if let Some(line) = super::lines::unmanaged_projects_line(plan) {
        out.push_str(&format!("\n{}\n", escape(&line)));
    }
    if not_shown > 0 {
        out.push_str(&format!(
            "\n> **Cut to fit a comment:** {} not shown; run `tether plan` locally for the full plan.\n",
            count(not_shown, "project", "projects")
        ));
    }
    out
}

fn section(project: &ProjectPlan) -> String {
    let mut out = format!(
        "\n<details><summary>{}{}</summary>\n\n",
        escape(&project_title(project)),
        escape(&project_counts(project)),
    );
    let body: Vec<String> = project_body(project)
        .into_iter()
        .map(|line| to_diff_line(&printable(&line.text)))
        .collect();
    let body = body.join("\n");
    let fence = fence_for(&body);
    out.push_str(&format!("{fence}diff\n{body}\n{fence}\n\n</details>\n"));
    out
}

/// ` — 1 to create, 2 to update`, or ` — failed`.
fn project_counts(project: &ProjectPlan) -> String {
    if project.failure().is_some() {
        return " — failed".to_owned();
    }
    let summary = project.summary();
    let errors = noun(summary.errors, "error", "errors");
    let parts: Vec<String> = [
        (summary.create, "to create"),
        (summary.update, "to update"),
        (summary.delete, "to delete"),
        (summary.report_only, "report-only"),
        (summary.errors, errors),
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
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Text for HTML and markdown, with no control character left in it.
fn escape(text: &str) -> String {
    printable(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
