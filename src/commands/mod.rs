//! One thin orchestrator per subcommand: settings from the arguments, the
//! engine on the command's runtime, a rendering, an exit status. What two
//! commands share is here; no command imports another.

pub mod apply;
#[cfg(feature = "sim")]
pub mod demo;
pub mod drift;
pub mod import;
pub mod plan;
pub mod prometheus;
pub mod schema;
mod session;
pub mod show;
#[cfg(feature = "sim")]
pub mod sim;
pub mod validate;
pub mod whoami;

use std::path::Path;
use std::sync::Arc;

use crate::atlas::{Access, AccessRequest, ApiVersion, Client, ClientSettings, RetryPolicy};
use crate::cli::{Api, AtlasArgs, FileArgs, GateArgs, OutputFormat, PlanInputs};
use crate::config::{SecretSources, Unset};
use crate::engine::{self, Gates, Planned, Report};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::filter::Filter;
use crate::model::{Day, Safety};
use crate::output::Printer;
use crate::plan::render::{self, AsDocument, Purpose};
use crate::plan::{Operation, Plan, PlanOptions};
use session::Session;

/// Where `${NAME}`s take their values: the environment, `TETHER_SECRETS_JSON`,
/// then each `--secrets` file. A source that cannot be read stops the
/// command before anything is sent.
fn secret_sources(file: &FileArgs, printer: &Printer) -> Result<SecretSources, Error> {
    let (sources, warnings) = SecretSources::read(|name| std::env::var(name).ok(), &file.secrets)
        .map_err(|err| Error::new(err.message, err.hint))?;
    for warning in warnings {
        printer.warnings(&warning);
    }
    Ok(sources)
}

/// The day end-of-life warnings count from: `TETHER_TODAY` (`YYYY-MM-DD`)
/// when set, to see what the file will be told on another day (tests pin
/// it), else today by the system clock.
fn today() -> Result<Day, Error> {
    match std::env::var(TODAY) {
        Ok(text) if !text.is_empty() => text.parse().map_err(|err| {
            Error::new(
                format!("`{TODAY}` is not a day: {err}"),
                format!("unset `{TODAY}` to count from today, or write it as `2027-04-05`"),
            )
        }),
        _ => Ok(Day::today()),
    }
}

const TODAY: &str = "TETHER_TODAY";

/// Atlas's address as `scheme://host[:port]`, for URLs outside its API
/// (Prometheus discovery).
fn atlas_origin(access: &Access) -> String {
    access.base_url.origin().ascii_serialization()
}

/// The API generation to speak: `--api`, else the file's `api:`, else v2.
fn api_version(atlas: &AtlasArgs, file: Option<ApiVersion>) -> ApiVersion {
    match atlas.api {
        Some(Api::V1) => ApiVersion::V1,
        Some(Api::V2) => ApiVersion::V2,
        None => file.unwrap_or_default(),
    }
}

/// The credentials and the Atlas a command uses: its options, the
/// environment, an Atlas CLI profile (secrets from the keyring
/// `TETHER_KEYRING` chooses).
fn access(atlas: &AtlasArgs) -> Result<Access, Error> {
    let var = |name: &str| std::env::var(name).ok();
    let keyring = crate::atlas::keyring::from_env(var)?;
    let request = AccessRequest {
        base_url: atlas.base_url.as_deref(),
        profile: atlas.profile.as_deref(),
    };
    Ok(Access::resolve(request, var, keyring.as_ref())?)
}

/// A client for Atlas from the command's options, the file's `api:`, the
/// environment and the profile.
fn connect(
    atlas: &AtlasArgs,
    file_api: Option<ApiVersion>,
    session: &Session,
    printer: &Printer,
) -> Result<Arc<Client>, Error> {
    let access = access(atlas)?;
    connect_with(atlas, file_api, access, session, printer)
}

/// A client for Atlas as `access` says, with the command's options.
fn connect_with(
    atlas: &AtlasArgs,
    file_api: Option<ApiVersion>,
    access: Access,
    session: &Session,
    printer: &Printer,
) -> Result<Arc<Client>, Error> {
    let settings = ClientSettings {
        api: api_version(atlas, file_api),
        concurrency: usize::from(atlas.concurrency),
        retry: RetryPolicy::with_retries(atlas.retries),
        log: printer.request_log(),
        stop: session.stop.clone(),
        ..ClientSettings::default()
    };
    Ok(Arc::new(engine::connect_to(
        settings,
        access.base_url,
        access.credentials,
        access.credentials_from,
    )?))
}

/// Loads the file, selects projects, fetches and plans them, then makes the
/// `lookups` around the plan (events, alert configurations): what plan,
/// drift and apply all begin with.
fn plan(
    inputs: &PlanInputs,
    rotate_secrets: bool,
    lookups: engine::Lookups,
    printer: &Printer,
) -> Result<Planning, Error> {
    let session = Session::start()?;
    let file = &inputs.file.file;
    let sources = secret_sources(&inputs.file, printer)?;
    let loaded = engine::load(file, (&sources, Unset::Error), today()?)?;
    printer.warnings(&loaded.warnings.render(printer.color()));
    let filter = Filter {
        projects: inputs.select.projects.clone(),
        types: inputs.select.types.clone(),
    };
    engine::check_types(&filter)?;
    let client = connect(&inputs.atlas, loaded.desired.api, &session, printer)?;
    let safety = loaded.desired.safety;
    let expanded = session.read(engine::expand(&client, loaded.desired))??;
    let secrets = engine::file_secrets(&expanded.projects);
    for warning in &expanded.warnings {
        // They name projects as Atlas lists them.
        let mut warning = warning.clone();
        secrets.hide_in(&mut warning);
        printer.warnings(&warning);
    }
    let projects = engine::select(expanded.projects, &filter, file)?;
    let mut planned = plan_with_progress(
        &session,
        &client,
        &projects,
        &filter,
        rotate_secrets,
        printer,
    )?;
    planned.plan.unmanaged_projects = expanded.unmanaged;
    suggest_names(&mut planned.plan, &expanded.listed);
    session.read(engine::look_around(
        Arc::clone(&client),
        &mut planned,
        lookups,
        std::time::SystemTime::now(),
    ))?;
    // After the lookups, so that their text is covered too.
    crate::plan::hide_secrets(&mut planned.plan, &secrets);
    unreadable(&planned.plan, inputs.skip_unreadable, printer)?;
    Ok(Planning {
        planned,
        client,
        session,
        safety,
    })
}

/// Says once per run which families the credentials could not read, and
/// fails the run unless `--skip-unreadable` asked to plan without them.
fn unreadable(plan: &crate::plan::Plan, skip: bool, printer: &Printer) -> Result<(), Error> {
    let mut by_section: std::collections::BTreeMap<&str, (usize, &str)> = Default::default();
    for unread in plan.projects.iter().flat_map(|project| &project.unread) {
        let seen = by_section
            .entry(unread.section)
            .or_insert((0, &unread.reason));
        seen.0 += 1;
    }
    if by_section.is_empty() {
        return Ok(());
    }
    let what: Vec<String> = by_section
        .iter()
        .map(|(section, (count, reason))| {
            format!(
                "`{section}` in {} ({})",
                crate::plural::count(*count, "project", "projects"),
                crate::printable::one_line(reason)
            )
        })
        .collect();
    let message = format!("the credentials could not read {}", what.join("; "));
    let why = "log and metric integrations need the Project Owner role for every operation, \
               reads included";
    if skip {
        printer.warnings(&format!(
            "warning: {message}: left out of the plan\n  hint: {why}\n"
        ));
        Ok(())
    } else {
        Err(Error::new(
            message,
            format!(
                "{why}: give the credentials Project Owner on these projects, or pass \
                 `--skip-unreadable` to plan only what they can read"
            ),
        ))
    }
}

/// A project named in the file that Atlas does not know by that name gets
/// "did you mean" when an organization a selector lists holds a project of
/// a close name.
fn suggest_names(plan: &mut crate::plan::Plan, listed: &[String]) {
    for project in &mut plan.projects {
        let (None, Some(name)) = (&project.id, &project.name) else {
            continue;
        };
        let crate::plan::Outcome::Failed { message } = &mut project.outcome else {
            continue;
        };
        // Only where Atlas knows no project of that name, not where the
        // lookup failed some other way.
        if !message.starts_with("Atlas has no project named") {
            continue;
        }
        let others = listed.iter().map(String::as_str).filter(|l| l != name);
        if let Some(guess) = crate::config::suggest::did_you_mean(name, others) {
            message.push_str(&format!(
                "; did you mean `{}`? (a project of an organization a selector lists)",
                crate::printable::one_line(guess)
            ));
        }
    }
}

/// A plan made against Atlas, and what apply goes on with.
struct Planning {
    planned: Planned,
    client: Arc<Client>,
    session: Session,
    /// The file's `safety:` settings.
    safety: Safety,
}

/// The gates apply weighs: the flags over the file over the defaults.
fn gates(flags: &GateArgs, file: &Safety, force: bool) -> Gates {
    let settings = Safety {
        max_deletes: flags.max_deletes.or(file.max_deletes),
        max_update_percent: flags.max_update_percent.or(file.max_update_percent),
        max_delete_percent: flags.max_delete_percent.or(file.max_delete_percent),
    };
    Gates {
        force,
        allow_orphaned_alerts: flags.allow_orphaned_alerts,
        ..Gates::from_file(&settings)
    }
}

/// The engine's plan with a progress bar while fetching; Ctrl-C stops it.
fn plan_with_progress(
    session: &Session,
    client: &Arc<Client>,
    projects: &[crate::model::DesiredProject],
    filter: &Filter,
    rotate_secrets: bool,
    printer: &Printer,
) -> Result<Planned, Error> {
    let progress = printer.progress(projects.len(), "fetching");
    let step = progress.clone();
    let planned = session.read(engine::plan(
        Arc::clone(client),
        projects,
        filter,
        rotate_secrets,
        Arc::new(move || step.step()),
    ));
    progress.finish();
    planned?
}

/// Sends the writes with a progress bar; after Ctrl-C no new write starts.
fn write(
    session: &Session,
    client: &Arc<Client>,
    operations: Vec<Operation>,
    options: PlanOptions,
    printer: &Printer,
) -> Report {
    let progress = printer.progress(operations.len(), "applying");
    let step = progress.clone();
    let report = session.runtime.block_on(engine::apply(
        Arc::clone(client),
        operations,
        options,
        &session.stop,
        Arc::new(move || step.step()),
    ));
    progress.finish();
    report
}

/// 1 when any project failed or has an error, else 2 when `changes`, else 0.
/// `plan` counts as changes what apply would do; `drift` any difference,
/// observe projects included.
fn plan_status(plan: &Plan, changes: bool) -> ExitStatus {
    if plan.has_failures() || plan.has_errors() {
        ExitStatus::Error
    } else if changes {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    }
}

/// Refuses an output path that is `input` (the file the command reads), or
/// an existing file when `replace` does not allow it. Commands call it
/// before talking to Atlas, and [`write_file`] again before writing.
fn check_output(path: &Path, input: Option<&Path>, replace: Replace) -> Result<(), Error> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some(input) = input.filter(|input| same(input, path)) {
        return Err(Error::new(
            format!(
                "`{}` is the file tether reads (`{}`); writing there would replace it",
                crate::printable::path(path),
                crate::printable::path(input)
            ),
            "choose another path for the output",
        ));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(input) = input.filter(|input| input.is_dir())
        && same(input, parent.unwrap_or(Path::new(".")))
    {
        return Err(Error::new(
            format!(
                "`{}` is in the directory tether reads (`{}`); a file written there would be read \
                 as part of the configuration",
                crate::printable::path(path),
                crate::printable::path(input)
            ),
            "choose a path outside that directory",
        ));
    }
    if replace == Replace::No && path.exists() {
        return Err(Error::new(
            format!("`{}` exists", crate::printable::path(path)),
            "pass `--force` to replace it, or choose another path",
        ));
    }
    Ok(())
}

/// Writes an output file the command was asked for (see [`check_output`]).
/// The text goes to a temporary file beside it, renamed into place: a
/// failure leaves the old file whole.
fn write_file(
    path: &Path,
    text: &str,
    input: Option<&Path>,
    replace: Replace,
) -> Result<(), Error> {
    check_output(path, input, replace)?;
    let cannot = |err: std::io::Error| {
        Error::new(
            format!("cannot write `{}`: {err}", crate::printable::path(path)),
            "check that the directory exists and is writable",
        )
    };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".tether-{}.tmp", std::process::id()));
    let temporary = std::path::PathBuf::from(temporary);
    std::fs::write(&temporary, text).map_err(cannot)?;
    std::fs::rename(&temporary, path).map_err(|err| {
        let _ = std::fs::remove_file(&temporary);
        cannot(err)
    })
}

/// Whether an output may replace an existing file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Replace {
    Yes,
    No,
}

/// The plan (or the drift report) in the format asked for.
fn render(
    plan: &impl AsDocument,
    format: OutputFormat,
    purpose: Purpose,
    printer: &Printer,
) -> String {
    match (format, purpose) {
        (OutputFormat::Text, Purpose::Plan) => render::text(plan, printer.stdout_color()),
        (OutputFormat::Text, Purpose::Drift) => render::drift_text(plan, printer.stdout_color()),
        (OutputFormat::Json, _) => render::json(plan),
        (OutputFormat::Markdown, Purpose::Plan) => render::markdown(plan),
        (OutputFormat::Markdown, Purpose::Drift) => render::drift_markdown(plan),
    }
}

/// Prints `plan` in `format` for `purpose`, and its markdown to the job
/// summary under GitHub Actions.
fn print_plan(plan: &impl AsDocument, format: OutputFormat, purpose: Purpose, printer: &Printer) {
    printer.data(&render(plan, format, purpose, printer));
    step_summary(
        || render(plan, OutputFormat::Markdown, purpose, printer),
        printer,
    );
}

/// Under GitHub Actions (`GITHUB_STEP_SUMMARY` names a file), appends
/// the markdown `summary` renders to the job's summary page; elsewhere it is
/// not rendered at all. A summary that cannot be written is a warning: the
/// command's own output is what counts.
fn step_summary(summary: impl FnOnce() -> String, printer: &Printer) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let markdown = summary();
    let path = Path::new(&path);
    let appended = crate::regular_file::append(path)
        .map_err(|err| err.to_string())
        .and_then(|mut file| {
            std::io::Write::write_all(&mut file, format!("{markdown}\n").as_bytes())
                .map_err(|err| format!("cannot be written: {err}"))
        });
    if let Err(err) = appended {
        printer.warnings(&format!(
            "warning: the job summary `{}` {err}; nothing was added to it\n",
            crate::printable::path(path)
        ));
    }
}
