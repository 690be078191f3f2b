//! The pipeline under every command that reads Atlas: load the file, select
//! projects, fetch, plan, check a saved plan, pass the safety gates, apply.
//!
//! Each step is a function with a typed result and no output: no printing,
//! no runtime of its own, no exit code. Commands turn their arguments into
//! these inputs, run the steps on their runtime, render, and map the result
//! to an exit status.

mod apply;
mod fetch;
mod report;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub use apply::{Gates, Refusal, refusals};
pub use fetch::{Observed, OnDone, fetch_all};
pub use report::{
    OperationDocument, OperationReport, OperationResult, Outcome, REPORT_FORMAT_VERSION, Report,
    ReportDocument, ReportSummary, report_json, report_text,
};

use crate::atlas::{ApiError, ApiVersion, Client, ClientConfig, Credentials, RequestLog, base_url};
use crate::config::{self, Env, Loaded, Unset};
use crate::error::{Error, Message};
use crate::exit::ExitStatus;
use crate::filter::Filter;
use crate::import::Source;
use crate::model::{
    DesiredProject, GroupId, IntegrationType, LiveIntegrations, Project, ProjectRef,
};
use crate::plan::saved::{self, SavedPlan};
use crate::plan::{Operation, Plan, PlanOptions, ProjectPlan, plan_project};

/// Reads and validates the file; nothing is sent to Atlas when it fails.
pub fn load(path: &Path, env: (&dyn Env, Unset)) -> Result<Loaded, Error> {
    config::load(path, env).map_err(Error::file_before_atlas)
}

/// Validates YAML text; `name` is how messages call it.
pub fn load_str(name: &str, text: &str, env: (&dyn Env, Unset)) -> Result<Loaded, Error> {
    config::load_str(name, text, env).map_err(Error::file_before_atlas)
}

/// The projects `--project` selects, each with only the types `--type`
/// selects. `file` names the file in messages.
pub fn select(
    projects: Vec<DesiredProject>,
    filter: &Filter,
    file: &Path,
) -> Result<Vec<DesiredProject>, Error> {
    if let Some(pattern) = filter.unmatched_types().first() {
        let types = IntegrationType::ALL.map(IntegrationType::as_str).join(", ");
        return Err(Error::new(
            format!("`--type {pattern}` matches no integration type"),
            format!("the types are {types}; `*` and `?` are wildcards"),
        ));
    }
    let selected: Vec<DesiredProject> = projects
        .into_iter()
        .filter(|p| filter.project(p))
        .map(|mut p| {
            p.integrations.retain(|kind, _| filter.kind(*kind));
            p
        })
        .collect();
    if selected.is_empty() && !filter.projects.is_empty() {
        return Err(Error::new(
            format!(
                "no project in `{}` matches `--project {}`",
                file.display(),
                filter.projects.join(" --project ")
            ),
            "`--project` matches the `name` or `id` written in the file; `*` and `?` are wildcards",
        ));
    }
    Ok(selected)
}

/// How to reach Atlas, as a command's options say.
#[derive(Clone)]
pub struct Connection {
    pub api: ApiVersion,
    /// `--base-url`; else `MONGODB_ATLAS_BASE_URL`, else Atlas's address.
    pub base_url: Option<String>,
    pub concurrency: usize,
    pub retries: u32,
    /// One line per request (`-v`).
    pub log: Option<RequestLog>,
}

impl Default for Connection {
    /// The command line's defaults.
    fn default() -> Self {
        Connection {
            api: ApiVersion::V1,
            base_url: None,
            concurrency: 16,
            retries: 5,
            log: None,
        }
    }
}

/// A client for Atlas, with credentials from the variables `var` reads.
pub fn connect(
    connection: Connection,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Client, Error> {
    let mut config = ClientConfig::new(
        base_url(connection.base_url.as_deref(), &var)?,
        Credentials::from_env(&var)?,
    );
    config.api = connection.api;
    config.concurrency = connection.concurrency;
    config.retry.max_attempts = connection.retries + 1;
    config.log = connection.log;
    Ok(Client::new(config)?)
}

/// A plan made against live Atlas, with what a saved plan and apply need.
pub struct Planned {
    pub plan: Plan,
    /// The live state each project was planned against (after `--type`).
    pub lives: BTreeMap<GroupId, LiveIntegrations>,
    pub options: PlanOptions,
}

impl Planned {
    /// The API generation as a saved plan records it.
    pub fn api_name(&self) -> &'static str {
        if self.options.v2_fields { "v2" } else { "v1" }
    }

    /// The saved form of this plan, hashed with `salt` (see [`fresh_salt`]).
    pub fn save(&self, salt: String) -> SavedPlan {
        saved::save(
            &self.plan,
            &self.lives,
            self.api_name(),
            self.options.rotate_secrets,
            salt,
        )
    }
}

/// A salt for a saved plan: 128 random bits, new for every plan.
pub fn fresh_salt() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// Fetches the projects (already selected) and plans them. Live types
/// outside `--type` are neither compared nor deleted. A project that cannot
/// be fetched is a failed project in the plan; the others still plan.
pub async fn plan(
    client: Arc<Client>,
    projects: &[DesiredProject],
    filter: &Filter,
    rotate_secrets: bool,
    on_fetched: OnDone,
) -> Planned {
    let options = PlanOptions {
        rotate_secrets,
        v2_fields: client.api() == ApiVersion::V2,
    };
    let references: Vec<ProjectRef> = projects.iter().map(|p| p.project.clone()).collect();
    let observed = fetch_all(client, &references, on_fetched).await;
    let mut lives = BTreeMap::new();
    let mut plans = Vec::with_capacity(projects.len());
    for (desired, observed) in projects.iter().zip(observed) {
        let project = match observed {
            Observed::Fetched {
                group,
                name,
                mut live,
            } => {
                filter.restrict_live(&mut live);
                let planned = plan_project(&group, name.as_deref(), desired, &live, &options);
                lives.insert(group, live);
                planned
            }
            Observed::Unreadable { group, name, error } => {
                ProjectPlan::failed(Some(group), name, desired.mode, error.explained())
            }
            Observed::Unresolved { name, error } => {
                ProjectPlan::failed(None, Some(name), desired.mode, error.explained())
            }
        };
        plans.push(project);
    }
    Planned {
        plan: Plan::from(plans),
        lives,
        options,
    }
}

/// Reads a plan file written by `tether plan --out`.
pub fn read_saved(path: &Path) -> Result<SavedPlan, Error> {
    std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read the saved plan `{}`: {err}", path.display()))
        .and_then(|text| saved::from_json(&text, &path.display().to_string()))
        .map_err(|message| Error::new(message, "pass a file written by `tether plan --out`"))
}

/// The operations of a saved plan that apply may carry out now.
#[derive(Debug)]
pub struct Approved {
    pub operations: Vec<Operation>,
    /// Changes a plan made now finds that the saved plan does not hold:
    /// left alone.
    pub left_alone: usize,
}

/// Checks a saved plan against a plan made now (from the same file and
/// Atlas): every saved operation must still be called for, unchanged.
/// Refuses (exit 4), naming each object that moved.
pub fn approve(saved: &SavedPlan, planned: &Planned) -> Result<Approved, Error> {
    match saved::check(saved, &planned.plan, &planned.lives, planned.api_name()) {
        Ok(approved) => {
            let mut operations = planned.plan.operations();
            let now = operations.len();
            operations.retain(|op| approved.contains(&(op.group.clone(), op.kind)));
            Ok(Approved {
                left_alone: now - operations.len(),
                operations,
            })
        }
        Err(moved) => {
            let mut messages: Vec<Message> = moved
                .into_iter()
                .map(|reason| Message {
                    message: reason,
                    hint: "nothing was written".to_owned(),
                })
                .collect();
            messages.push(Message {
                message: "the saved plan no longer matches Atlas or the file".to_owned(),
                hint: "run `tether plan --out` again and review the new plan".to_owned(),
            });
            Err(Error::many(messages, ExitStatus::Refused))
        }
    }
}

/// Refuses (exit 4) a plan that trips a safety gate.
pub fn check_gates(plan: &Plan, gates: &Gates) -> Result<(), Error> {
    let refusals = refusals(plan, gates);
    if refusals.is_empty() {
        return Ok(());
    }
    let messages = refusals
        .iter()
        .map(|refusal| Message {
            message: refusal.message(),
            hint: refusal.hint().to_owned(),
        })
        .collect();
    Err(Error::many(messages, ExitStatus::Refused)
        .closing("apply refused by a safety gate; nothing was written"))
}

/// Sends the operations: projects in parallel under the client's limit, one
/// project's writes in order. A failed write does not stop the others. Once
/// `stop` is set no new write starts; those under way finish.
pub async fn apply(
    client: Arc<Client>,
    operations: Vec<Operation>,
    options: PlanOptions,
    stop: Arc<AtomicBool>,
    on_done: OnDone,
) -> Report {
    apply::execute(client, operations, options, stop, on_done).await
}

/// What `import` reads: each project with its integrations. Fails on the
/// first project that cannot be read: an import is whole or nothing.
pub async fn read_for_import(
    client: Arc<Client>,
    projects: Vec<Project>,
    on_fetched: OnDone,
) -> Result<Vec<Source>, Error> {
    let references: Vec<ProjectRef> = projects
        .iter()
        .map(|p| ProjectRef::Both {
            id: p.id.clone(),
            name: p.name.clone(),
        })
        .collect();
    let observed = fetch_all(client, &references, on_fetched).await;
    let mut sources = Vec::with_capacity(projects.len());
    for (project, observed) in projects.into_iter().zip(observed) {
        match observed {
            Observed::Fetched { live, .. } => sources.push(Source { project, live }),
            Observed::Unreadable { error, .. } | Observed::Unresolved { error, .. } => {
                return Err(Error::new(
                    format!("project {} ({}): {error}", project.name, project.id),
                    format!("{}; nothing was written", error.hint()),
                ));
            }
        }
    }
    Ok(sources)
}

/// The projects to import: those asked for by id or exact name, in the
/// order asked, or every project of `org` in Atlas's order.
pub async fn find_projects(
    client: &Client,
    asked: &[String],
    org: Option<&str>,
) -> Result<Vec<Project>, Error> {
    find(client, asked, org).await.map_err(Error::from)
}

async fn find(
    client: &Client,
    asked: &[String],
    org: Option<&str>,
) -> Result<Vec<Project>, ApiError> {
    if let Some(org) = org {
        return client.org_projects(org).await;
    }
    let mut projects = Vec::with_capacity(asked.len());
    for id_or_name in asked {
        let project = match id_or_name.parse::<GroupId>() {
            Ok(id) => client.project(&id).await?,
            Err(_) => client.project_by_name(id_or_name).await?,
        };
        if !projects.iter().any(|p: &Project| p.id == project.id) {
            projects.push(project);
        }
    }
    Ok(projects)
}
