//! `tether validate`: the file checked offline.

use crate::cli::ValidateArgs;
use crate::config::{self, Severity, Unset};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::model::Slot;
use crate::output::Printer;
use crate::plural::count;

pub fn run(args: &ValidateArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    let env = super::secret_sources(&args.file, printer)?;
    let unset = if args.ignore_unset {
        Unset::Keep
    } else {
        Unset::Error
    };
    let file = &args.file.file;
    let loaded = config::load_on(file, (&env, unset), super::today()?).map_err(Error::file)?;
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
    let entries: usize = loaded
        .desired
        .projects
        .iter()
        .flat_map(|p| [p.families.log.as_deref(), p.families.metric.as_deref()])
        .flatten()
        .map(<[_]>::len)
        .sum();
    let entries = match entries {
        0 => String::new(),
        n => format!(
            " and {}",
            count(
                n,
                "log or metric integration",
                "log and metric integrations"
            )
        ),
    };
    let warning_note = match loaded.warnings.count(Severity::Warning) {
        0 => String::new(),
        n => format!(" ({})", count(n, "warning", "warnings")),
    };
    let selectors = match loaded.desired.selectors.len() {
        0 => String::new(),
        n => format!(" and {}", count(n, "selector", "selectors")),
    };
    printer.result(&format!(
        "{} is valid: {}{selectors}, {}{entries} declared{warning_note}",
        crate::printable::path(file),
        count(projects, "project", "projects"),
        count(declared, "integration", "integrations"),
    ));
    Ok(ExitStatus::Success)
}
