use std::path::Path;

use crate::config::{self, Env, Severity, Unset};
use crate::exit::ExitStatus;
use crate::model::Slot;
use crate::output::Printer;

pub fn run(file: &Path, env: (&dyn Env, Unset), printer: &Printer) -> ExitStatus {
    match config::load(file, env) {
        Ok(loaded) => {
            printer.warnings(&loaded.warnings.render(printer.color()));
            let projects = loaded.desired.projects.len();
            let declared: usize = loaded
                .desired
                .projects
                .iter()
                .map(|p| {
                    p.integrations
                        .values()
                        .filter(|s| matches!(s, Slot::Present(_)))
                        .count()
                })
                .sum();
            let warnings = loaded.warnings.problems.count(Severity::Warning);
            let warning_note = match warnings {
                0 => String::new(),
                1 => " (1 warning)".to_owned(),
                n => format!(" ({n} warnings)"),
            };
            printer.result(&format!(
                "{} is valid: {} {}, {} {} declared{warning_note}",
                file.display(),
                projects,
                if projects == 1 { "project" } else { "projects" },
                declared,
                if declared == 1 {
                    "integration"
                } else {
                    "integrations"
                },
            ));
            ExitStatus::Success
        }
        Err(report) => {
            printer.diagnostics(&report.render(printer.color()));
            printer.diagnostics(&format!("{}\n", report.summary()));
            ExitStatus::Error
        }
    }
}
