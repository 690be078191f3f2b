//! `tether show PLAN`: a saved plan, rendered offline.

use crate::cli::{OutputFormat, ShowArgs};
use crate::engine;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::plan::render::Purpose;

pub fn run(args: &ShowArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    let saved = engine::read_saved(&args.plan)?;
    printer.data(&super::render(
        &saved.plan,
        args.output,
        Purpose::Plan,
        printer,
    ));
    if args.output == OutputFormat::Json {
        return Ok(ExitStatus::Success);
    }
    printer.result(&format!(
        "Saved by tether {} for `--api {}`{}: `tether apply {}` applies these {} and \
         nothing else, after checking each against Atlas and the file (one already applied is \
         not sent again; `tether apply --help` says how).",
        crate::printable::one_line(&saved.tether_version),
        saved.api,
        if saved.rotate_secrets {
            " with `--rotate-secrets`"
        } else {
            ""
        },
        crate::printable::path(&args.plan),
        crate::plural::count(saved.operations.len(), "write", "writes"),
    ));
    Ok(ExitStatus::Success)
}
