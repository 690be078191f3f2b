//! `tether apply`: plan (or load a saved plan and check it), pass the safety
//! gates, confirm, write, report.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;

use crate::apply::{self, Gates, Outcome, Report, Step};
use crate::cli::{ApplyArgs, GlobalArgs, OutputFormat, ReportFormat};
use crate::commands::plan::{Planned, compute, render};
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::plan::saved;

pub fn run(global: &GlobalArgs, args: &ApplyArgs, printer: &Printer) -> ExitStatus {
    let saved = match &args.plan {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|err| format!("cannot read the saved plan `{}`: {err}", path.display()))
            .and_then(|text| saved::from_json(&text, &path.display().to_string()))
        {
            Ok(saved) => Some(saved),
            Err(message) => {
                printer.error(&message, "pass a file written by `tether plan --out`");
                return ExitStatus::Error;
            }
        },
        None => None,
    };
    let rotate = saved
        .as_ref()
        .map_or(args.rotate_secrets, |s| s.rotate_secrets);
    let planned = match compute(global, printer, rotate) {
        Ok(planned) => planned,
        Err(status) => return status,
    };
    let plan = &planned.plan;
    let format = args.output;
    if format == ReportFormat::Text {
        printer.data(&render(plan, OutputFormat::Text, printer));
    }
    if plan.has_failures() || plan.has_errors() {
        printer.error(
            "the plan has errors (above); nothing was written",
            "fix them and run `tether apply` again",
        );
        return ExitStatus::Error;
    }
    let mut steps = apply::steps(plan);
    if let Some(saved) = &saved {
        match saved::check(saved, plan, &planned.lives, planned.api_name()) {
            Ok(approved) => {
                let now = steps.len();
                steps.retain(|s| approved.contains(&(s.group.clone(), s.kind)));
                if steps.len() < now {
                    printer.result(&format!(
                        "{} change(s) found now are not in the saved plan and are left alone.",
                        now - steps.len()
                    ));
                }
            }
            Err(moved) => {
                for reason in &moved {
                    printer.error(reason, "nothing was written");
                }
                printer.error(
                    "the saved plan no longer matches Atlas or the file",
                    "run `tether plan --out` again and review the new plan",
                );
                return ExitStatus::Refused;
            }
        }
    }
    if steps.is_empty() {
        printer.result("Nothing to apply: Atlas already matches the file.");
        if format == ReportFormat::Json {
            printer.data(&report_json(&Report::default()));
        }
        return ExitStatus::Success;
    }
    let gates = Gates {
        max_deletes: args.max_deletes,
        force: args.force,
    };
    let refusals = apply::refusals(plan, &gates);
    if !refusals.is_empty() {
        for refusal in &refusals {
            printer.error(&refusal.message(), refusal.hint());
        }
        printer.diagnostics("apply refused by a safety gate; nothing was written\n");
        return ExitStatus::Refused;
    }
    if !args.auto_approve {
        match confirm(steps.len()) {
            Confirmation::Yes => {}
            Confirmation::No => {
                printer.diagnostics("Apply cancelled; nothing was written.\n");
                return ExitStatus::Error;
            }
            Confirmation::NoTerminal => {
                printer.error(
                    "apply needs `--auto-approve` when it does not run in a terminal",
                    "review the plan (`tether plan`), then run `tether apply --auto-approve`",
                );
                return ExitStatus::Error;
            }
        }
    }
    let report = execute(&planned, steps, printer);
    match format {
        ReportFormat::Json => printer.data(&report_json(&report)),
        ReportFormat::Text => printer.data(&report_text(&report)),
    }
    if report.interrupted {
        ExitStatus::Interrupted
    } else if report.failed() > 0 {
        ExitStatus::Partial
    } else {
        ExitStatus::Success
    }
}

/// Sends the writes with a progress bar; Ctrl-C stops new writes.
pub fn execute(planned: &Planned, steps: Vec<Step>, printer: &Printer) -> Report {
    let stop = Arc::new(AtomicBool::new(false));
    let progress = printer.progress(steps.len(), "applying");
    let step = progress.clone();
    let client = Arc::clone(&planned.client);
    let options = planned.options;
    let report = planned.runtime.block_on(async {
        let watcher = {
            let stop = Arc::clone(&stop);
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    stop.store(true, Ordering::SeqCst);
                }
            })
        };
        let report =
            apply::execute(client, steps, options, stop, Arc::new(move || step.step())).await;
        watcher.abort();
        report
    });
    progress.finish();
    report
}

enum Confirmation {
    Yes,
    No,
    NoTerminal,
}

fn confirm(writes: usize) -> Confirmation {
    if !std::io::stdin().is_terminal() {
        return Confirmation::NoTerminal;
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\nApply these {writes} change(s) to Atlas? Only `yes` is accepted: "
    );
    let _ = err.flush();
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(_) if answer.trim() == "yes" => Confirmation::Yes,
        _ => Confirmation::No,
    }
}

fn outcome_text(outcome: &Outcome) -> (char, String) {
    match outcome {
        Outcome::Done => ('✓', "done".to_owned()),
        Outcome::AlreadyAbsent => ('✓', "done (it was already gone)".to_owned()),
        Outcome::NotVerified(why) => ('!', format!("not verified: {why}")),
        Outcome::Failed(why) => ('✗', format!("failed: {why}")),
        Outcome::NotStarted => ('-', "not started (interrupted)".to_owned()),
    }
}

pub fn report_text(report: &Report) -> String {
    let mut out = String::from("\n");
    for op in &report.operations {
        let (mark, text) = outcome_text(&op.outcome);
        out.push_str(&format!(
            "{mark} {} {} in {}: {text}\n",
            op.verb.as_str(),
            op.kind,
            op.project
        ));
    }
    out.push_str(&format!(
        "\nApply: {} done, {} failed, {} not started{}\n",
        report.succeeded(),
        report.failed(),
        report.not_started(),
        if report.interrupted {
            "; interrupted"
        } else {
            ""
        }
    ));
    if report.failed() > 0 || report.interrupted {
        out.push_str("Run `tether apply` again to finish: it sends only what is still needed.\n");
    }
    out
}

/// The apply report for machines (`--output json`), `format_version` 1.
pub fn report_json(report: &Report) -> String {
    let operations: Vec<_> = report
        .operations
        .iter()
        .map(|op| {
            let (result, detail) = match &op.outcome {
                Outcome::Done => ("done", None),
                Outcome::AlreadyAbsent => ("already_absent", None),
                Outcome::NotVerified(why) => ("not_verified", Some(why.as_str())),
                Outcome::Failed(why) => ("failed", Some(why.as_str())),
                Outcome::NotStarted => ("not_started", None),
            };
            json!({
                "project": op.project,
                "group_id": op.group.as_str(),
                "type": op.kind.as_str(),
                "action": op.verb.as_str(),
                "result": result,
                "detail": detail,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({
        "format_version": 1,
        "interrupted": report.interrupted,
        "summary": {
            "done": report.succeeded(),
            "failed": report.failed(),
            "not_started": report.not_started(),
        },
        "operations": operations,
    }))
    .expect("a JSON value serializes");
    text.push('\n');
    text
}
