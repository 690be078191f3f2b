//! `tether plan`: what apply would change, optionally saved for `apply PLAN`.

use crate::cli::{OutputFormat, PlanArgs};
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
        mut planned,
        safety,
        ..
    } = super::plan(
        &args.inputs,
        args.rotate_secrets,
        engine::Lookups {
            attribution: !args.no_attribution,
            alerts: true,
        },
        printer,
    )?;
    // What apply would refuse is part of the plan: every rendering shows it.
    let gates = super::gates(&args.gates, &safety, false);
    let operations = planned.plan.operations();
    planned.plan.refusals = engine::refusals(&planned.plan, &operations, &gates);
    let plan = &planned.plan;
    // One document for every rendering of this run.
    let document = render::PlanDocument::from(plan);
    super::print_plan(&document, args.output, Purpose::Plan, printer);
    // The plan shows them at its top; the log says them again last, with
    // what to do, after a plan that may be long (and goes to a file or a
    // comment when it is JSON or markdown).
    for refusal in &plan.refusals {
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
        let saved = format!(
            "Saved the plan to {shown}; `tether apply {shown}` applies exactly it.",
            shown = crate::printable::path(path)
        );
        if args.output == OutputFormat::Text {
            printer.result(&saved);
        } else {
            // A JSON or markdown plan on stdout stays only that.
            printer.warnings(&format!("{saved}\n"));
        }
    }
    let status = super::plan_status(plan, args.detailed_exitcode && !operations.is_empty());
    Ok(
        if args.detailed_exitcode && status != ExitStatus::Error && !plan.refusals.is_empty() {
            ExitStatus::Refused
        } else {
            status
        },
    )
}
