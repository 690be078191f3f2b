//! `tether plan`: what apply would change, optionally saved for `apply PLAN`.

use crate::cli::PlanArgs;
use crate::engine;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Printer;

pub fn run(args: &PlanArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    let (planned, _, _) = super::plan(
        &args.file,
        &args.select,
        &args.atlas,
        args.rotate_secrets,
        printer,
    )?;
    let plan = &planned.plan;
    printer.data(&super::render(plan, args.output, printer));
    if let Some(path) = &args.out {
        let saved = planned.save(engine::fresh_salt());
        std::fs::write(path, crate::plan::saved::to_json(&saved)).map_err(|err| {
            Error::new(
                format!("cannot write the plan to `{}`: {err}", path.display()),
                "check that the directory exists and is writable",
            )
        })?;
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
