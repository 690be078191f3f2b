//! Renderings of a plan: text for terminals and logs, JSON for machines,
//! markdown for pull-request comments. None of them can show a secret: they
//! only ever see `Shown` values, where secrets are already masks.

mod json;
mod lines;
mod markdown;
mod text;

pub use json::{
    DeleteReasonName, FORMAT_VERSION, FieldDocument, ItemAction, ItemDocument, ItemErrorDocument,
    ItemErrorKind, NoteDocument, NoteKind, PlanDocument, ProjectDocument, ProjectStatus,
    ReportOnlyReason, UnmanagedDocument, ValueDocument, json,
};
pub use markdown::{MARKDOWN_LIMIT, markdown};
pub use text::text;

use super::summary::Summary;

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

#[cfg(test)]
mod tests;
