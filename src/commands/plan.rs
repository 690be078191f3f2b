//! `tether plan` and `tether drift`: load, fetch, diff, render.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::atlas::{ApiVersion, Client};
use crate::cli::{GlobalArgs, OutputFormat, PlanArgs};
use crate::commands::connect;
use crate::config::{self, ProcessEnv, Unset};
use crate::exit::ExitStatus;
use crate::fetch::{self, Observed};
use crate::filter::Filter;
use crate::model::{DesiredProject, GroupId, IntegrationType, LiveIntegrations};
use crate::output::Printer;
use crate::plan::{Plan, PlanOptions, ProjectPlan, plan_project, render, saved};

/// A plan computed against live Atlas, with what apply needs to carry it out.
pub struct Planned {
    pub plan: Plan,
    /// The live state each project was planned against (after `--type`).
    pub lives: BTreeMap<GroupId, LiveIntegrations>,
    pub client: Arc<Client>,
    pub options: PlanOptions,
    pub runtime: tokio::runtime::Runtime,
}

impl Planned {
    /// The API's name as a saved plan records it.
    pub fn api_name(&self) -> &'static str {
        if self.options.v2_fields { "v2" } else { "v1" }
    }
}

/// Loads the file, fetches the declared projects and plans them. On failure
/// the error has been printed and the exit status is returned.
pub fn compute(
    global: &GlobalArgs,
    printer: &Printer,
    rotate_secrets: bool,
) -> Result<Planned, ExitStatus> {
    let loaded = match config::load(&global.file, (&ProcessEnv::default(), Unset::Error)) {
        Ok(loaded) => loaded,
        Err(report) => {
            printer.diagnostics(&report.render(printer.color()));
            printer.error(
                &format!("{}; nothing was sent to Atlas", report.summary()),
                "fix the file; `tether validate` checks it offline",
            );
            return Err(ExitStatus::Error);
        }
    };
    printer.warnings(&loaded.warnings.render(printer.color()));
    let filter = Filter {
        projects: global.projects.clone(),
        types: global.types.clone(),
    };
    if let Some(pattern) = filter.unmatched_types().first() {
        let types = IntegrationType::ALL.map(IntegrationType::as_str).join(", ");
        printer.error(
            &format!("`--type {pattern}` matches no integration type"),
            &format!("the types are {types}; `*` and `?` are wildcards"),
        );
        return Err(ExitStatus::Error);
    }
    let projects: Vec<DesiredProject> = loaded
        .desired
        .projects
        .into_iter()
        .filter(|p| filter.project(p))
        .collect();
    if projects.is_empty() && !filter.projects.is_empty() {
        printer.error(
            &format!(
                "no project in `{}` matches `--project {}`",
                global.file.display(),
                filter.projects.join(" --project ")
            ),
            "`--project` matches the `name` or `id` written in the file; `*` and `?` are wildcards",
        );
        return Err(ExitStatus::Error);
    }
    let client = match connect::client(global, printer) {
        Ok(client) => Arc::new(client),
        Err(err) => {
            printer.error(&err.to_string(), &err.hint());
            return Err(ExitStatus::Error);
        }
    };
    let runtime = match connect::runtime() {
        Ok(runtime) => runtime,
        Err(err) => {
            printer.error(
                &format!("cannot start the async runtime: {err}"),
                "the system is short of threads or memory",
            );
            return Err(ExitStatus::Error);
        }
    };
    Ok(plan_against(
        projects,
        &filter,
        client,
        runtime,
        rotate_secrets,
        printer,
    ))
}

/// Fetches the given projects through `client` and plans them.
pub fn plan_against(
    projects: Vec<DesiredProject>,
    filter: &Filter,
    client: Arc<Client>,
    runtime: tokio::runtime::Runtime,
    rotate_secrets: bool,
    printer: &Printer,
) -> Planned {
    let projects: Vec<DesiredProject> = projects
        .into_iter()
        .map(|p| only_types(p, filter))
        .collect();
    let options = PlanOptions {
        rotate_secrets,
        v2_fields: client.api() == ApiVersion::V2,
    };
    let progress = printer.progress(projects.len(), "fetching");
    let step = progress.clone();
    let references: Vec<_> = projects.iter().map(|p| p.project.clone()).collect();
    let observed = runtime.block_on(fetch::fetch_all(
        Arc::clone(&client),
        &references,
        Arc::new(move || step.step()),
    ));
    progress.finish();
    let mut lives = BTreeMap::new();
    let mut plans = Vec::with_capacity(projects.len());
    for (desired, mut observed) in projects.iter().zip(observed) {
        if let (Some(group), Ok(live)) = (&observed.group, &mut observed.live) {
            restrict_live(live, filter);
            lives.insert(group.clone(), live.clone());
        }
        plans.push(plan_one(desired, observed, &options));
    }
    Planned {
        plan: Plan::from(plans),
        lives,
        client,
        options,
        runtime,
    }
}

/// Keeps only the types `--type` selects.
fn only_types(mut project: DesiredProject, filter: &Filter) -> DesiredProject {
    project.integrations.retain(|kind, _| filter.kind(*kind));
    project
}

fn plan_one(desired: &DesiredProject, observed: Observed, options: &PlanOptions) -> ProjectPlan {
    let display = observed
        .group
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| observed.name.clone())
        .unwrap_or_else(|| desired.project.to_string());
    match (observed.group, observed.live) {
        (Some(group), Ok(live)) => {
            plan_project(&group, observed.name.as_deref(), desired, &live, options)
        }
        (_, Err(err)) => ProjectPlan::failed(display, observed.name, desired.mode, err.explained()),
        (None, Ok(_)) => unreachable!("a project is fetched only once its id is known"),
    }
}

/// Live types outside `--type` are neither compared nor deleted.
fn restrict_live(live: &mut LiveIntegrations, filter: &Filter) {
    live.known.retain(|kind, _| filter.kind(*kind));
    if !filter.types.is_empty() {
        live.unknown_types.retain(|name| {
            filter
                .types
                .iter()
                .any(|p| crate::filter::glob_match(p, name))
        });
    }
}

pub fn render(plan: &Plan, format: OutputFormat, printer: &Printer) -> String {
    match format {
        OutputFormat::Text => render::text(plan, printer.stdout_color()),
        OutputFormat::Json => render::json(plan),
        OutputFormat::Markdown => render::markdown(plan),
    }
}

pub fn run(global: &GlobalArgs, args: &PlanArgs, printer: &Printer) -> ExitStatus {
    let planned = match compute(global, printer, args.rotate_secrets) {
        Ok(planned) => planned,
        Err(status) => return status,
    };
    let plan = &planned.plan;
    printer.data(&render(plan, args.output, printer));
    if let Some(path) = &args.out {
        let saved = saved::save(
            plan,
            &planned.lives,
            planned.api_name(),
            args.rotate_secrets,
        );
        if let Err(err) = std::fs::write(path, saved::to_json(&saved)) {
            printer.error(
                &format!("cannot write the plan to `{}`: {err}", path.display()),
                "check that the directory exists and is writable",
            );
            return ExitStatus::Error;
        }
        printer.result(&format!(
            "Saved the plan to {}; `tether apply {}` applies exactly it.",
            path.display(),
            path.display()
        ));
    }
    exit_status(
        plan,
        args.detailed_exitcode && !plan.operations().is_empty(),
    )
}

/// `drift`: the plan, for schedules; exits 2 when Atlas differs from the file.
pub fn drift(global: &GlobalArgs, format: OutputFormat, printer: &Printer) -> ExitStatus {
    match compute(global, printer, false) {
        Ok(planned) => {
            printer.data(&render(&planned.plan, format, printer));
            exit_status(&planned.plan, planned.plan.has_changes())
        }
        Err(status) => status,
    }
}

/// 1 when any project failed or has an error, else 2 when `changes`, else 0.
/// `plan` counts as changes what apply would do; `drift` any difference,
/// observe projects included.
fn exit_status(plan: &Plan, changes: bool) -> ExitStatus {
    if plan.has_failures() || plan.has_errors() {
        ExitStatus::Error
    } else if changes {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    }
}
