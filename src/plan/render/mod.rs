//! Renderings of a plan: text for terminals and logs, JSON for machines,
//! markdown for pull-request comments. None of them can show a secret: they
//! only ever see `Shown` values, where secrets are already masks.

mod derived;
mod document;
mod lines;
mod markdown;
mod sections;
mod text;

pub use document::{
    AlertDocument, AsDocument, AttributionDocument, EntryDocument, EventDocument, FORMAT_VERSION,
    FieldDocument, ItemDocument, ItemErrorDocument, ItemErrorKind, NoteDocument, NoteKind,
    PlanDocument, ProjectDocument, ProjectStatus, RefusalDocument, UnmanagedDocument,
    UnreadDocument, ValueDocument,
};
pub use markdown::{MARKDOWN_LIMIT, drift_markdown, markdown};
pub use text::{drift_text, text};

use super::summary::Summary;

/// What a rendering is for: the plan apply would carry out, or the drift a
/// schedule checks for. They differ in their headings and last line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Plan,
    Drift,
}

/// `Drift: 3 differences in 2 projects (exit 2)`, `No drift (exit 0)`, or,
/// when some project could not be checked, how many (exit 1): the last line
/// of drift's text, and its exit code in words.
pub(crate) fn drift_line(plan: &PlanDocument) -> String {
    let summary = plan.summary;
    let differences = summary.create + summary.update + summary.delete + summary.report_only;
    let projects = plan.projects.iter().filter(|p| p.has_changes()).count();
    if plan.has_failures() || plan.has_errors {
        let unchecked = plan
            .projects
            .iter()
            .filter(|p| p.failure().is_some() || p.has_errors())
            .count();
        format!(
            "Drift: {} in {}; {} could not be checked (exit 1)",
            crate::plural::count(differences, "difference", "differences"),
            crate::plural::count(projects, "project", "projects"),
            crate::plural::count(unchecked, "project", "projects"),
        )
    } else if differences == 0 {
        "No drift (exit 0)".to_owned()
    } else {
        format!(
            "Drift: {} in {} (exit 2)",
            crate::plural::count(differences, "difference", "differences"),
            crate::plural::count(projects, "project", "projects"),
        )
    }
}

/// `Plan: 2 to create, 3 to update, 1 to delete, 40 unchanged; 1 project failed`.
pub(crate) fn summary_line(summary: &Summary) -> String {
    let mut line = format!(
        "Plan: {} to create, {} to update, {} to delete, {} unchanged",
        summary.create, summary.update, summary.delete, summary.unchanged
    );
    let extras = [
        (summary.report_only, "report-only", "report-only"),
        (summary.errors, "error", "errors"),
        (summary.failed_projects, "project failed", "projects failed"),
        (
            summary.unmanaged,
            "unmanaged (for information)",
            "unmanaged (for information)",
        ),
    ];
    for (count, one, many) in extras {
        if count > 0 {
            line.push_str(&format!("; {}", crate::plural::count(count, one, many)));
        }
    }
    line
}

/// The JSON rendering (`--output json`), pretty-printed, with a final
/// newline.
pub fn json(plan: &impl AsDocument) -> String {
    crate::json::pretty(&*plan.document())
}

#[cfg(test)]
mod family_tests;
#[cfg(test)]
mod injection_tests;
#[cfg(test)]
mod tests;

/// The projects worth a look, in reading order: those that differ from the
/// file, have errors, failed or could not be read whole, in the order given, then those shown only for
/// information (live integrations the file leaves alone), then the quiet
/// rest, which renderings sum up.
pub(crate) fn reading_order(plan: &PlanDocument) -> (Vec<&ProjectDocument>, Vec<&ProjectDocument>) {
    let (mut noteworthy, quiet): (Vec<&ProjectDocument>, Vec<&ProjectDocument>) =
        plan.projects.iter().partition(|p| p.is_noteworthy());
    noteworthy.sort_by_key(|p| {
        !(p.has_changes() || p.has_errors() || p.failure().is_some() || !p.unread.is_empty())
    });
    (noteworthy, quiet)
}
