//! `tether drift`: the plan, for schedules; exits 2 when Atlas differs from
//! the file.

use crate::cli::DriftArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::plan::render::{self, Purpose};

pub fn run(args: &DriftArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    // Drift never writes: who changed what is its question, not what a
    // delete would silence (that is `plan`'s).
    let lookups = crate::engine::Lookups {
        attribution: !args.no_attribution,
        alerts: false,
    };
    let planned = super::plan(&args.inputs, false, lookups, printer)?.planned;
    let document = render::PlanDocument::from(&planned.plan);
    super::print_plan(&document, args.output, Purpose::Drift, printer);
    Ok(super::plan_status(
        &planned.plan,
        planned.plan.has_changes(),
    ))
}
