//! `tether plan`: what apply would change, optionally saved for `apply PLAN`.

use crate::cli::PlanArgs;
use crate::engine;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::plan::render::{self, Purpose};
use crate::printable::one_line;

pub fn run(args: &PlanArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    if let Some(path) = &args.out {
        super::check_output(path, Some(&args.inputs.file.file), super::Replace::Yes)?;
    }
    let super::Planning {
        planned, safety, ..
    } = super::plan(
        &args.inputs,
        args.rotate_secrets,
        engine::Lookups {
            attribution: !args.no_attribution,
            alerts: true,
        },
        printer,
    )?;
    let plan = &planned.plan;
    printer.data(&super::render(plan, args.output, Purpose::Plan, printer));
    super::step_summary(&render::markdown(plan), printer);
    let gates = super::gates(&args.gates, &safety, false);
    for refusal in engine::refusals(plan, &plan.operations(), &gates) {
        // The reasons name projects and alerts as Atlas does.
        printer.warnings(&format!(
            "warning: apply would refuse this plan: {}\n  hint: {}\n",
            one_line(&refusal.message()),
            one_line(&refusal.hint())
        ));
    }
    if let Some(path) = &args.out {
        let saved = planned.save(engine::fresh_salt());
        // A saved plan is made again on every run: it replaces the last one.
        super::write_file(
            path,
            &crate::plan::saved::to_json(&saved),
            Some(&args.inputs.file.file),
            super::Replace::Yes,
        )?;
        printer.result(&format!(
            "Saved the plan to {}; `tether apply {}` applies exactly it.",
            path.display(),
            path.display()
        ));
    }
    Ok(super::plan_status(
        plan,
        args.detailed_exitcode && !plan.operations().is_empty(),
    ))
}
