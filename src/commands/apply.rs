//! `tether apply`: plan (or load a saved plan and check it), pass the safety
//! gates, confirm, write, report.

use std::borrow::Cow;
use std::io::{BufRead, IsTerminal, Write};

use crate::cli::{ApplyArgs, OutputFormat, ReportFormat};
use crate::engine::{self, Report};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::plan::render::{self, AsDocument, Purpose};

use super::session::Session;

pub fn run(args: &ApplyArgs, printer: &Printer) -> Result<ExitStatus, Error> {
    let saved = args.plan.as_deref().map(engine::read_saved).transpose()?;
    let select = &args.inputs.select;
    if saved.is_some() && !(select.projects.is_empty() && select.types.is_empty()) {
        return Err(Error::new(
            "a saved plan is applied whole: `--project` and `--type` cannot narrow it",
            "save a narrower plan with `tether plan --project ... --out PLAN`, or apply this \
             one without the filters",
        ));
    }
    let rotate = saved
        .as_ref()
        .map_or(args.rotate_secrets, |s| s.rotate_secrets);
    let super::Planning {
        planned,
        client,
        session,
        safety,
    } = super::plan(
        &args.inputs,
        rotate,
        // The alert configurations are read now, even for a saved plan:
        // the gate weighs what a delete silences at the moment it is sent.
        engine::Lookups {
            attribution: false,
            alerts: true,
        },
        printer,
    )?;
    let plan = &planned.plan;
    let format = args.output;
    // Talk about the writes: on stdout beside a text report, on stderr
    // when stdout is JSON.
    let note = |line: &str| match format {
        ReportFormat::Text => printer.result(line),
        ReportFormat::Json => printer.warnings(&format!("{line}\n")),
    };
    // With a saved plan, what is shown is what was reviewed and is applied;
    // a plan made now only decides whether it still may be.
    let shown_plan = match &saved {
        Some(saved) => Cow::Borrowed(&saved.plan),
        None => plan.document(),
    };
    let shown_plan = &*shown_plan;
    // apply's data is its report; the plan it shows first is talk, which
    // `-q` drops, except when a person is asked to confirm what it shows.
    if format == ReportFormat::Text && (!printer.is_quiet() || !args.auto_approve) {
        printer.data(&super::render(
            shown_plan,
            OutputFormat::Text,
            Purpose::Plan,
            printer,
        ));
    }
    if plan.has_failures() || plan.has_errors() {
        if saved.is_some() && format == ReportFormat::Text {
            printer.data(&format!(
                "\nA plan made now, to check the saved one, finds errors:\n\n{}",
                super::render(plan, OutputFormat::Text, Purpose::Plan, printer)
            ));
        }
        return Err(Error::new(
            "the plan has errors (above); nothing was written",
            "fix them and run `tether apply` again",
        ));
    }
    let gates = super::gates(&args.gates, &safety, args.force);
    let approved = match &saved {
        Some(saved) => {
            // The gates first: they cost nothing, the check hashes secrets.
            engine::check_gates(plan, &engine::candidates(saved, plan), &gates)?;
            let approved = engine::approve(saved, &planned)?;
            if !approved.left_alone.is_empty() {
                note(&format!(
                    "{} change(s) found now are not in the saved plan and are left alone.",
                    approved.left_alone.len()
                ));
            }
            Some(approved)
        }
        None => None,
    };
    let operations = match &approved {
        Some(approved) => approved.operations.clone(),
        None => plan.operations(),
    };
    let finish = |sent: Report| match &approved {
        Some(approved) => approved.report(sent),
        None => sent,
    };
    if operations.is_empty() {
        let report = finish(Report::default());
        note(if report.already_applied() > 0 {
            "Nothing left to apply: the saved plan is already applied."
        } else if plan.has_changes() {
            "Nothing to apply: the differences above are report-only (observe projects, or \
             types declared `absent` in additive projects)."
        } else {
            "Nothing to apply: Atlas already matches the file."
        });
        match format {
            ReportFormat::Json => printer.data(&engine::report_json(&report)),
            ReportFormat::Text if !report.operations.is_empty() => {
                printer.data(&engine::report_text(&report));
            }
            ReportFormat::Text => {}
        }
        if approved.is_some() {
            job_summary(shown_plan, &report, printer);
        }
        return Ok(ExitStatus::Success);
    }
    if approved.is_none() {
        engine::check_gates(plan, &operations, &gates)?;
    }
    if !args.auto_approve {
        confirm(operations.len(), &session)?;
    }
    let report = finish(super::write(
        &session,
        &client,
        operations,
        planned.options,
        printer,
    ));
    match format {
        ReportFormat::Json => printer.data(&engine::report_json(&report)),
        ReportFormat::Text => printer.data(&engine::report_text(&report)),
    }
    job_summary(shown_plan, &report, printer);
    Ok(if report.interrupted {
        ExitStatus::Interrupted
    } else if report.failed() > 0 {
        ExitStatus::Partial
    } else {
        ExitStatus::Success
    })
}

/// The job summary of an apply: the plan it showed, then what it wrote.
fn job_summary(shown_plan: &impl AsDocument, report: &Report, printer: &Printer) {
    super::step_summary(
        || {
            format!(
                "{}\n{}",
                render::markdown(shown_plan),
                engine::report_markdown(report)
            )
        },
        printer,
    );
}

/// Asks on the terminal; only `yes` goes on. Ctrl-C while waiting for the
/// answer stops the command.
fn confirm(writes: usize, session: &Session) -> Result<(), Error> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::new(
            "apply needs `--auto-approve` when it does not run in a terminal",
            "review the plan (`tether plan`), then run `tether apply --auto-approve`",
        ));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\nApply these {writes} change(s) to Atlas? Only `yes` is accepted: "
    );
    let _ = err.flush();
    // A blocking read cannot see a stop request: it runs on a thread of its
    // own, left behind if Ctrl-C comes first (the process then exits).
    let (answered, answer) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line);
        let _ = answered.send(read.map(|_| line));
    });
    match session.read(answer)? {
        Ok(Ok(line)) if line.trim() == "yes" => Ok(()),
        _ => Err(Error::quiet("Apply cancelled; nothing was written.")),
    }
}
