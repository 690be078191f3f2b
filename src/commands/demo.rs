//! `tether demo`: the whole loop (validate, plan, apply, drift) against the
//! built-in simulator, offline, with the example files of `examples/demo/`.

use std::collections::HashMap;
use std::sync::Arc;

use owo_colors::{OwoColorize, Style};

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

    printer.data(&heading(&format!("1/4  tether validate -f {FILE_NAME}")));
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
        "2/4  tether plan          (what a pull request shows)",
    ));
    let session = super::session::Session::start()?;
    let connection = engine::Connection {
        base_url: Some(simulator.base_url()),
        stop: Some(session.stop.clone()),
        ..engine::Connection::default()
    };
    let client = Arc::new(engine::connect(connection, |_| None).map_err(bug)?);
    let projects = &loaded.desired.projects;
    let everything = Filter::default();
    let planned =
        super::plan_with_progress(&session, &client, projects, &everything, false, printer)?;
    printer.data(&render::text(&planned.plan, color));

    printer.data(&heading(
        "3/4  tether apply --auto-approve          (what the merge job runs)",
    ));
    let operations = planned.plan.operations();
    let writes = operations.len();
    let report = super::write(&session, &client, operations, planned.options, printer);
    printer.data(&engine::report_text(&report));

    printer.data(&heading(
        "4/4  tether drift          (what the nightly job runs)",
    ));
    let again =
        super::plan_with_progress(&session, &client, projects, &everything, false, printer)?;
    printer.data(&render::text(&again.plan, color));
    let counts = simulator.counters();
    let in_sync = !again.plan.has_changes() && report.failed() == 0;
    printer.data(&format!(
        "\n{}\nAtlas saw {} requests: {} reads (one per project and pass, plus name lookups) \
         and {} writes (exactly the {writes} changes; nothing for what was unchanged).\n\
         Secrets were compared through Atlas's masks and never printed.\n\n\
         Next: read README.md, then try your own file with `tether validate -f tether.yaml`.\n",
        if in_sync {
            "Drift: Atlas matches the file (exit 0)."
        } else {
            "Drift: Atlas still differs from the file."
        },
        counts.total(),
        counts.reads(),
        counts.writes(),
    ));
    Ok(if in_sync {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
