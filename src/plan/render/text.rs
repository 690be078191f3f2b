//! The plan for people at a terminal or in a CI log: summary line first,
//! then each project worth a look, Terraform-like; projects with nothing to
//! report get one line each at the end.

use owo_colors::{OwoColorize, Style};

use super::document::{AsDocument, ItemDocument, NoteDocument, NoteKind, PlanDocument};
use super::lines::{
    Line, REFUSED_HEADING, Tone, item_label, project_body, project_title, unmanaged_projects_line,
};
use super::sections::counted;
use super::{Purpose, drift_line, summary_line};

/// More unchanged projects than this are summed up in one line: at 300
/// projects, a line each is noise.
const QUIET_LINES: usize = 10;

/// The text rendering; ANSI colour only when `color` is true.
pub fn text(plan: &impl AsDocument, color: bool) -> String {
    rendering(&plan.document(), color, Purpose::Plan)
}

/// The drift report: the plan's body, with drift's own first and last line.
pub fn drift_text(plan: &impl AsDocument, color: bool) -> String {
    rendering(&plan.document(), color, Purpose::Drift)
}

fn rendering(plan: &PlanDocument, color: bool, purpose: Purpose) -> String {
    let paint = |tone: Tone, text: &str| -> String {
        // Each line is one line of tether's: a newline or an invisible
        // character in a name or value from Atlas or the file is escaped.
        let text = crate::printable::one_line(text);
        let style = match tone {
            Tone::Plain => return text.into_owned(),
            Tone::Header => Style::new().bold(),
            Tone::Add => Style::new().green(),
            Tone::Remove => Style::new().red(),
            Tone::Change => Style::new().yellow(),
            Tone::Error => Style::new().bold().red(),
            Tone::Quiet => Style::new().dimmed(),
        };
        if color {
            text.style(style).to_string()
        } else {
            text.into_owned()
        }
    };
    let mut out = String::new();
    let first = match purpose {
        Purpose::Plan => summary_line(&plan.summary),
        Purpose::Drift => summary_line(&plan.summary).replacen("Plan: ", "tether drift: ", 1),
    };
    out.push_str(&paint(Tone::Header, &first));
    out.push('\n');
    if purpose == Purpose::Plan && !plan.has_changes && !plan.has_errors && !plan.has_failures() {
        out.push_str("No changes: Atlas matches the file.\n");
    }
    if !plan.refusals.is_empty() {
        out.push('\n');
        out.push_str(&paint(Tone::Error, REFUSED_HEADING));
        out.push('\n');
        for refusal in &plan.refusals {
            out.push_str(&paint(Tone::Error, &format!("  ! {}", refusal.message)));
            out.push('\n');
            out.push_str(&paint(
                Tone::Plain,
                &format!("    passes with: {}", refusal.passed_by.join(" or ")),
            ));
            out.push('\n');
        }
    }
    let (noteworthy, quiet) = super::reading_order(plan);
    for project in noteworthy {
        out.push('\n');
        let header_tone = if project.failure().is_some() {
            Tone::Error
        } else {
            Tone::Header
        };
        out.push_str(&paint(header_tone, &project_title(project)));
        out.push('\n');
        for Line { tone, text } in project_body(project) {
            out.push_str(&paint(tone, &text));
            out.push('\n');
        }
    }
    if quiet.len() > QUIET_LINES {
        out.push('\n');
        out.push_str(&paint(
            Tone::Quiet,
            &format!(
                "= {} unchanged ({})",
                crate::plural::count(quiet.len(), "project", "projects"),
                counted(quiet.iter().flat_map(|p| &p.items))
            ),
        ));
        out.push('\n');
    } else if !quiet.is_empty() {
        out.push('\n');
        for project in quiet {
            let mut summary = format!(
                "= {}: {} unchanged",
                project_title(project),
                counted(&project.items)
            );
            for item in &project.items {
                for note in &item.notes {
                    summary.push_str(&quiet_note(item, note));
                }
            }
            out.push_str(&paint(Tone::Quiet, &summary));
            out.push('\n');
        }
    }
    if let Some(line) = unmanaged_projects_line(plan) {
        out.push('\n');
        out.push_str(&paint(Tone::Quiet, &line));
        out.push('\n');
    }
    if purpose == Purpose::Drift {
        out.push('\n');
        out.push_str(&paint(Tone::Header, &drift_line(plan)));
        out.push('\n');
    }
    out
}

/// `; not verifiable: PROMETHEUS.password`: a note of an unchanged project,
/// in the line that sums it up.
fn quiet_note(item: &ItemDocument, note: &NoteDocument) -> String {
    let what = match note.kind {
        NoteKind::NotVerifiable => "not verifiable",
        NoteKind::NotCleared => "kept, not in the file",
        NoteKind::Deprecated => "deprecated",
        NoteKind::LogsTwice => "logs twice",
        NoteKind::PinMoved => "pin moved",
    };
    match (&item.entry, note.kind) {
        (None, NoteKind::NotVerifiable | NoteKind::NotCleared)
            if item.section == crate::plan::types::INTEGRATIONS_SECTION =>
        {
            format!("; {what}: {}.{}", item.kind, note.field)
        }
        (Some(_), _) => format!("; {what}: `{}` of {}", note.field, item_label(item)),
        (None, _) => format!("; {what}: {}", item.kind),
    }
}
