//! `tether demo`: the whole loop (validate, plan, apply, drift) against the
//! built-in simulator, offline, with the example files of `examples/demo/`;
//! then a change made in the UI that drift finds with who made it, and a
//! one-line mistake that a safety gate refuses.

use std::collections::HashMap;
use std::sync::Arc;

use owo_colors::{OwoColorize, Style};

use crate::atlas::ClientSettings;
use crate::config::{self, Unset};
use crate::engine;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::filter::Filter;
use crate::output::Printer;
use crate::plan::render;
use crate::sim::{self, SimConfig, StateFile};

const FILE_NAME: &str = "examples/demo/tether.yaml";
const FILE: &str = include_str!("../../examples/demo/tether.yaml");
const STATE: &str = include_str!("../../examples/demo/state.yaml");
const ENV: &str = include_str!("../../examples/demo/demo.env");
/// The project the demo's person in the UI changes, and who they are.
const PAYMENTS_PROD: &str = "64a1c2d3e4f5a6b7c8d9e0f1";
const UI_USER: &str = "dana@example.com";
/// The demo file's `defaults` integrations, and what step 6's pull request
/// makes of them.
const DEFAULT_PAGER: &str =
    "  integrations:\n    PAGER_DUTY:\n      serviceKey: ${PD_SERVICE_KEY}\n";
const NO_DEFAULT_PAGER: &str = "  integrations: {}\n";

/// `KEY=value` lines; `#` starts a comment line.
fn demo_env() -> HashMap<String, String> {
    ENV.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// A failure of the demo's own making: its files are built in.
fn bug(message: impl std::fmt::Display) -> Error {
    Error::new(
        message.to_string(),
        "this is a bug in the demo; please report it",
    )
}

pub fn run(printer: &Printer) -> Result<ExitStatus, Error> {
    let color = printer.stdout_color();
    let heading = |text: &str| {
        if color {
            format!("\n{}\n", text.style(Style::new().bold()))
        } else {
            format!("\n{text}\n")
        }
    };
    let state = StateFile::parse(STATE).map_err(|e| bug(format!("the demo state: {e}")))?;
    let projects = state.projects.len();
    let simulator = sim::spawn(SimConfig {
        state,
        worker_threads: 1,
        ..SimConfig::default()
    })
    .map_err(|e| bug(format!("the simulator did not start: {e}")))?;
    printer.data(&format!(
        "tether demo: a simulated Atlas with {projects} projects on {} (offline: nothing \
         leaves this machine)\n",
        simulator.base_url()
    ));

    printer.data(&heading(&format!("1/6  tether validate -f {FILE_NAME}")));
    let env = demo_env();
    let loaded = config::load_str_on(FILE_NAME, FILE, (&env, Unset::Error), super::today()?)
        .map_err(|report| bug(report.render(false)))?;
    // The demo's file declares Opsgenie: its end-of-life warning shows.
    printer.warnings(&loaded.warnings.render(printer.color()));
    printer.data(&format!(
        "{FILE_NAME} is valid: {} projects\n",
        loaded.desired.projects.len()
    ));

    printer.data(&heading(
        "2/6  tether plan          (what a pull request shows)",
    ));
    let session = super::session::Session::start()?;
    let connection = engine::Connection {
        base_url: Some(simulator.base_url()),
        settings: ClientSettings {
            stop: session.stop.clone(),
            ..ClientSettings::default()
        },
    };
    let client = Arc::new(engine::connect(connection, |_| None).map_err(bug)?);
    let projects = &loaded.desired.projects;
    let everything = Filter::default();
    let planned =
        super::plan_with_progress(&session, &client, projects, &everything, false, printer)?;
    printer.data(&render::text(&planned.plan, color));

    printer.data(&heading(
        "3/6  tether apply --auto-approve          (what the merge job runs)",
    ));
    let operations = planned.plan.operations();
    let writes = operations.len();
    let report = super::write(&session, &client, operations, planned.options, printer);
    printer.data(&engine::report_text(&report));

    printer.data(&heading(&format!(
        "4/6  {UI_USER} changes payments-prod's PagerDuty region to EU in the Atlas UI"
    )));
    let key = env
        .get("PD_SERVICE_KEY")
        .ok_or_else(|| bug("demo.env has no PD_SERVICE_KEY"))?;
    simulator
        .change_as_user(
            PAYMENTS_PROD,
            "PAGER_DUTY",
            &serde_json::json!({"type": "PAGER_DUTY", "serviceKey": key, "region": "EU"}),
            UI_USER,
        )
        .map_err(|e| bug(format!("the UI change: {e}")))?;
    printer.data("(nobody tells the platform team)\n");

    printer.data(&heading(
        "5/6  tether drift          (what the nightly job runs)",
    ));
    let mut drift =
        super::plan_with_progress(&session, &client, projects, &everything, false, printer)?;
    session.read(engine::look_around(
        Arc::clone(&client),
        &mut drift,
        engine::Lookups {
            attribution: true,
            alerts: false,
        },
        std::time::SystemTime::now(),
    ))?;
    printer.data(&render::text(&drift.plan, color));
    let drift_found = drift.plan.has_changes();

    printer.data(&heading(
        "6/6  a pull request drops PagerDuty from `defaults`: tether plan, then apply",
    ));
    let mistaken = FILE.replace(DEFAULT_PAGER, NO_DEFAULT_PAGER);
    if mistaken == FILE {
        return Err(bug(
            "the demo file no longer declares PagerDuty in `defaults`",
        ));
    }
    let mistake = config::load_str_on(FILE_NAME, &mistaken, (&env, Unset::Error), super::today()?)
        .map_err(|report| bug(report.render(false)))?;
    let proposed = super::plan_with_progress(
        &session,
        &client,
        &mistake.desired.projects,
        &everything,
        false,
        printer,
    )?;
    printer.data(&render::text(&proposed.plan, color));
    let refusals = engine::refusals(
        &proposed.plan,
        &proposed.plan.operations(),
        &engine::Gates::default(),
    );
    for refusal in &refusals {
        printer.data(&format!(
            "\napply refuses (exit 4) and writes nothing: {}\n  hint: {}\n",
            crate::printable::one_line(&refusal.message()),
            crate::printable::one_line(&refusal.hint())
        ));
    }

    let counts = simulator.counters();
    let as_expected = report.failed() == 0 && drift_found && !refusals.is_empty();
    printer.data(&format!(
        "\nAtlas saw {} requests: {} reads and {} writes (exactly the {writes} changes of step 3; \
         nothing for what was unchanged, nothing for the refused plan).\n\
         Drift named who changed Atlas behind the file's back; the safety gate stopped a \
         one-line mistake before it reached Atlas.\n\
         Secrets were compared through Atlas's masks and never printed.\n\n\
         Next: read README.md, then try your own file with `tether validate -f tether.yaml`.\n",
        counts.total(),
        counts.reads(),
        counts.writes(),
    ));
    Ok(if as_expected {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
