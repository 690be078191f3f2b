//! The pipeline under every command that reads Atlas: load the file, select
//! projects, fetch, plan, check a saved plan, pass the safety gates, apply.
//!
//! Each step is a function with a typed result and no output: no printing,
//! no runtime of its own, no exit code. Commands turn their arguments into
//! these inputs, run the steps on their runtime, render, and map the result
//! to an exit status.

mod apply;
mod connect;
mod fetch;
mod gates;
mod lookups;
mod report;
mod selectors;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

pub use crate::plan::Refusal;
pub use connect::{Connection, connect, connect_to};
pub use fetch::{FamilyReads, OnDone, Target, read_all, read_projects, resolve};
pub use gates::{Gates, SHARE_FROM, managed_count, refusals};
pub use lookups::{EVENTS_SHOWN, Lookups, WINDOW_DAYS, look_around};
pub use report::{
    LeftAlone, LeftAloneDocument, OperationDocument, OperationReport, OperationResult, Outcome,
    REPORT_FORMAT_VERSION, Report, ReportDocument, ReportSummary, report_json, report_markdown,
    report_text,
};
pub use selectors::{Expanded, expand};
pub use tokio_util::sync::CancellationToken;

use crate::atlas::{ApiError, Client};
use crate::config::{self, Env, Loaded, Unset};
use crate::error::{Error, Message};
use crate::exit::ExitStatus;
use crate::filter::Filter;
use crate::import::Source;
use crate::model::{
    Day, DeclaredFamilies, DesiredProject, Family, GroupId, Integration, IntegrationType,
    LiveFamilies, LiveIntegrations, Project, ProjectRef, Slot,
};
use crate::plan::saved::{self, Object, SavedPlan};
use crate::plan::{Operation, Plan, PlanOptions, ProjectPlan, plan_families, plan_project};
use crate::regular_file;
use crate::secret::KnownSecrets;

/// Reads and validates the file; nothing is sent to Atlas when it fails.
/// End-of-life warnings count days from `today`.
pub fn load(path: &Path, env: (&dyn Env, Unset), today: Day) -> Result<Loaded, Error> {
    config::load_on(path, env, today).map_err(Error::file_before_atlas)
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
    check_types(filter)?;
    let selected: Vec<DesiredProject> = projects
        .into_iter()
        .filter(|p| filter.project(p))
        .map(|mut p| {
            p.integrations.retain(|kind, _| filter.kind(*kind));
            filter.restrict_families(&mut p.families);
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

/// Refuses a `--type` pattern that matches no type: almost surely a typo,
/// found before anything is sent.
pub fn check_types(filter: &Filter) -> Result<(), Error> {
    match filter.unmatched_types().first() {
        Some(pattern) => {
            let types = crate::filter::all_type_names()
                .collect::<Vec<_>>()
                .join(", ");
            Err(Error::new(
                format!("`--type {pattern}` matches no integration type"),
                format!("the types are {types}; `*` and `?` are wildcards"),
            ))
        }
        None => Ok(()),
    }
}

/// A plan made against live Atlas, with what a saved plan and apply need.
pub struct Planned {
    pub plan: Plan,
    /// The live state each project was planned against (after `--type`).
    pub lives: BTreeMap<GroupId, LiveIntegrations>,
    /// The log and metric integrations and the push-based export each
    /// project was planned against, where the file manages them (what the
    /// fetch of the families read).
    pub families: BTreeMap<GroupId, LiveFamilies>,
    /// What the file declares present, by project and type (after
    /// `--type`): what a saved plan's operation is checked against.
    pub declared: BTreeMap<(GroupId, IntegrationType), Integration>,
    /// What the file declares of the families, for the projects whose
    /// file mentions one.
    pub declared_families: BTreeMap<GroupId, DeclaredFamilies>,
    pub options: PlanOptions,
}

impl Planned {
    /// The saved form of this plan, hashed with `salt` (see [`fresh_salt`]).
    pub fn save(&self, salt: String) -> SavedPlan {
        saved::save(
            &self.plan,
            (&self.lives, &self.families),
            self.options.api,
            self.options.rotate_secrets,
            salt,
        )
    }
}

/// Every secret the file gives `projects` (from `${NAME}`, and literal
/// values of secret fields, header values included), to hide wherever
/// outside text repeats one.
pub fn file_secrets(projects: &[DesiredProject]) -> KnownSecrets {
    let values = projects.iter().flat_map(|project| {
        project
            .integrations
            .values()
            .filter_map(Slot::present)
            .flat_map(Integration::secrets)
            .chain(project.families.secrets())
    });
    KnownSecrets::new(values)
}

/// A salt for a saved plan: 128 random bits, new for every plan.
pub fn fresh_salt() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// Resolves the projects named without an id, refuses two entries that
/// are one Atlas project, then fetches every project and plans it. Live
/// types outside `--type` are neither compared nor deleted. A project that
/// cannot be found or read is a failed project in the plan; the others still
/// plan.
pub async fn plan(
    client: Arc<Client>,
    projects: &[DesiredProject],
    filter: &Filter,
    rotate_secrets: bool,
    on_fetched: OnDone,
) -> Result<Planned, Error> {
    let options = PlanOptions {
        rotate_secrets,
        api: client.api(),
    };
    let references: Vec<ProjectRef> = projects.iter().map(|p| p.project.clone()).collect();
    let targets = resolve(&client, &references).await;
    check_identities(projects, &targets)?;
    let groups: Vec<(GroupId, FamilyReads)> = projects
        .iter()
        .zip(&targets)
        .filter_map(|(desired, target)| match target {
            Target::Found { group, .. } => {
                Some((group.clone(), FamilyReads::from(&desired.families)))
            }
            Target::NotFound { .. } => None,
        })
        .collect();
    let mut reads = read_projects(client, &groups, on_fetched).await.into_iter();
    let mut lives = BTreeMap::new();
    let mut live_families = BTreeMap::new();
    let mut declared = BTreeMap::new();
    let mut declared_families = BTreeMap::new();
    let mut plans = Vec::with_capacity(projects.len());
    for (desired, target) in projects.iter().zip(targets) {
        let project = match target {
            Target::Found { group, name, .. } => match reads.next() {
                Some(Ok((mut live, mut families))) => {
                    filter.restrict_live(&mut live);
                    // A family read only for the push-based export's
                    // removal is not planned: its S3 log integrations count
                    // whatever `--type` selects.
                    for family in Family::ALL {
                        if desired.families.entries(family).is_none() {
                            continue;
                        }
                        if let Some(Ok(entries)) = families.entries_mut(family) {
                            filter.restrict_live_entries(entries);
                        }
                    }
                    let mut planned =
                        plan_project(&group, name.as_deref(), desired, &live, &options);
                    plan_families(&mut planned, &desired.families, &families, &options);
                    if !desired.families.is_empty() {
                        live_families.insert(group.clone(), families);
                        declared_families.insert(group.clone(), desired.families.clone());
                    }
                    planned.selected_by = desired.selected_by.as_ref().map(ToString::to_string);
                    for (kind, slot) in &desired.integrations {
                        if let Slot::Present(integration) = slot {
                            declared.insert((group.clone(), *kind), integration.clone());
                        }
                    }
                    lives.insert(group, live);
                    planned
                }
                Some(Err(error)) => {
                    ProjectPlan::failed(Some(group), name, desired.mode, error.explained())
                }
                None => unreachable!("one read per project found"),
            },
            Target::NotFound { name, error } => {
                ProjectPlan::failed(None, Some(name), desired.mode, error.explained())
            }
        };
        plans.push(project);
    }
    Ok(Planned {
        plan: Plan::from(plans),
        lives,
        families: live_families,
        declared,
        declared_families,
        options,
    })
}

/// Refuses two entries that resolve to one Atlas project (they would plan
/// against each other: one creates what the other deletes), and a lookup
/// answered with a project of another name.
fn check_identities(projects: &[DesiredProject], targets: &[Target]) -> Result<(), Error> {
    let mut messages = Vec::new();
    let mut first_entry: BTreeMap<&GroupId, &DesiredProject> = BTreeMap::new();
    for (desired, target) in projects.iter().zip(targets) {
        let Target::Found {
            group, looked_up, ..
        } = target
        else {
            continue;
        };
        if let (ProjectRef::Name(asked), Some(found)) = (&desired.project, looked_up)
            && found.name != *asked
        {
            messages.push(Message {
                message: format!(
                    "Atlas answered the lookup of the project `{asked}` ({}) with the project \
                     `{}` ({})",
                    desired.origin, found.name, found.id
                ),
                hint: "write the project's exact name, or its `id`; nothing was written".to_owned(),
            });
        }
        match first_entry.get(group) {
            Some(first) => messages.push(Message {
                message: format!(
                    "`{}` ({}) and `{}` ({}) are the same Atlas project {group}",
                    first.project, first.origin, desired.project, desired.origin
                ),
                hint: "declare each project once: keep one entry and move the other's \
                       integrations into it; nothing was written"
                    .to_owned(),
            }),
            None => {
                first_entry.insert(group, desired);
            }
        }
    }
    if messages.is_empty() {
        Ok(())
    } else {
        Err(Error::many(messages, ExitStatus::Error))
    }
}

/// A larger saved plan is refused: the plan of thousands of projects, all
/// changing, is a few megabytes.
pub const MAX_SAVED_PLAN_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a plan file written by `tether plan --out`.
pub fn read_saved(path: &Path) -> Result<SavedPlan, Error> {
    regular_file::read_text(path, MAX_SAVED_PLAN_BYTES)
        .map_err(|err| format!("the saved plan `{}` {err}", path.display()))
        .and_then(|text| saved::from_json(&text, &path.display().to_string()))
        .map_err(|message| Error::new(message, "pass a file written by `tether plan --out`"))
}

/// The operations of a saved plan that apply may carry out now.
#[derive(Debug)]
pub struct Approved {
    /// What is left to send.
    pub operations: Vec<Operation>,
    /// Saved operations whose target already holds what they send.
    pub already_applied: Vec<OperationReport>,
    /// Changes a plan made now finds that the saved plan does not hold:
    /// left alone.
    pub left_alone: Vec<Operation>,
    /// Each saved operation's place in the saved plan, by project and
    /// object.
    order: BTreeMap<(GroupId, Object), usize>,
}

impl Approved {
    /// The report of `sent` (what was left to send) completed with what was
    /// already applied and what was left alone, in the saved plan's order.
    pub fn report(&self, sent: Report) -> Report {
        let mut operations = sent.operations;
        operations.extend(self.already_applied.iter().cloned());
        operations.sort_by_key(|op| {
            self.order
                .get(&(op.group.clone(), Object::of(&op.subject)))
                .copied()
        });
        Report {
            operations,
            left_alone: self.left_alone.iter().map(LeftAlone::from).collect(),
            ..sent
        }
    }
}

/// The writes a plan made now has for the objects a saved plan names: at
/// most what [`approve`] lets through, found without hashing anything, for
/// the safety gates to weigh first.
pub fn candidates(saved: &SavedPlan, plan: &Plan) -> Vec<Operation> {
    let named: std::collections::BTreeSet<(GroupId, Object)> = saved
        .operations
        .iter()
        .filter_map(|op| op.object().ok())
        .collect();
    let mut operations = plan.operations();
    operations.retain(|op| named.contains(&(op.group.clone(), Object::of(&op.subject))));
    operations
}

/// Checks a saved plan against what is found now (a plan made from the
/// same file and Atlas): each saved operation is already applied, or still
/// called for, unchanged. Refuses (exit 4), naming each object that moved.
pub fn approve(saved: &SavedPlan, planned: &Planned) -> Result<Approved, Error> {
    let now = saved::Now {
        plan: &planned.plan,
        lives: &planned.lives,
        families: &planned.families,
        declared: &planned.declared,
        declared_families: &planned.declared_families,
        options: planned.options,
    };
    match saved::check(saved, &now) {
        Ok(checked) => {
            let (operations, left_alone) = planned.plan.operations().into_iter().partition(|op| {
                checked
                    .send
                    .contains(&(op.group.clone(), Object::of(&op.subject)))
            });
            let already_applied = checked
                .already_applied
                .into_iter()
                .map(|(index, group, subject)| {
                    let op = &saved.operations[index];
                    OperationReport {
                        group,
                        project: op.project.clone(),
                        subject,
                        verb: op.action,
                        outcome: Outcome::AlreadyApplied,
                        created_id: None,
                    }
                })
                .collect();
            let order = saved
                .operations
                .iter()
                .enumerate()
                .filter_map(|(index, op)| Some((op.object().ok()?, index)))
                .collect();
            Ok(Approved {
                operations,
                already_applied,
                left_alone,
                order,
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

/// Refuses (exit 4) writes that trip a safety gate: `operations` are
/// exactly what apply is about to send, `plan` what each project had.
pub fn check_gates(plan: &Plan, operations: &[Operation], gates: &Gates) -> Result<(), Error> {
    let refusals = refusals(plan, operations, gates);
    if refusals.is_empty() {
        return Ok(());
    }
    let messages = refusals
        .iter()
        .map(|refusal| Message {
            message: refusal.message(),
            hint: refusal.hint(),
        })
        .collect();
    Err(Error::many(messages, ExitStatus::Refused)
        .closing("apply refused by a safety gate; nothing was written"))
}

/// Sends the operations: projects in parallel under the client's limit, one
/// project's writes in order. A failed write does not stop the others. Once
/// `stop` is cancelled no new write starts; those under way finish.
pub async fn apply(
    client: Arc<Client>,
    operations: Vec<Operation>,
    options: PlanOptions,
    stop: &CancellationToken,
    on_done: OnDone,
) -> Report {
    apply::execute(client, operations, options, stop, on_done).await
}

/// What `import` reads: each project with its integrations and the
/// families `families` names (a family the credentials cannot read is kept
/// as unreadable, for the command to refuse or leave out). Fails on the
/// first project that cannot be read: an import is whole or nothing.
pub async fn read_for_import(
    client: Arc<Client>,
    projects: Vec<Project>,
    families: FamilyReads,
    on_fetched: OnDone,
) -> Result<Vec<Source>, Error> {
    let reads: Vec<(GroupId, FamilyReads)> =
        projects.iter().map(|p| (p.id.clone(), families)).collect();
    let answers = read_projects(client, &reads, on_fetched).await;
    let mut sources = Vec::with_capacity(projects.len());
    for (project, read) in projects.into_iter().zip(answers) {
        match read {
            Ok((live, families)) => sources.push(Source {
                project,
                live,
                families,
            }),
            Err(error) => {
                return Err(Error::new(
                    format!("project {} ({}): {error}", project.name, project.id),
                    format!("{}; nothing was written", error.hint()),
                ));
            }
        }
    }
    Ok(sources)
}

/// Which projects `import` reads.
#[derive(Clone, Copy, Debug)]
pub enum ImportScope<'a> {
    /// By id or exact name, in the order asked.
    Projects(&'a [String]),
    /// Every project of each of these organizations.
    Orgs(&'a [GroupId]),
    /// Every project of every organization the credentials can see.
    AllOrgs,
}

/// The projects found of one organization; `whole` when they are all of
/// its projects.
#[derive(Debug)]
pub struct OrgProjects {
    pub org: Option<GroupId>,
    pub whole: bool,
    pub projects: Vec<Project>,
    /// Projects the organization's listing returned that say they belong to
    /// another organization (or to none): never imported as its own.
    pub foreign: Vec<Project>,
}

/// The projects to import, by organization: for `--project`, each project
/// in the order asked with the organization Atlas says it is of; else each
/// organization's projects in Atlas's order, a project listed twice once.
pub async fn find_projects(
    client: &Client,
    scope: ImportScope<'_>,
) -> Result<Vec<OrgProjects>, Error> {
    find(client, scope).await.map_err(Error::from)
}

async fn find(client: &Client, scope: ImportScope<'_>) -> Result<Vec<OrgProjects>, ApiError> {
    let orgs = match scope {
        ImportScope::Projects(asked) => return by_name_or_id(client, asked).await,
        ImportScope::Orgs(orgs) => orgs.to_vec(),
        ImportScope::AllOrgs => client.organizations().await?,
    };
    let mut found: Vec<OrgProjects> = Vec::with_capacity(orgs.len());
    let mut seen: HashSet<GroupId> = HashSet::new();
    for org in orgs {
        if found.iter().any(|f| f.org.as_ref() == Some(&org)) {
            continue;
        }
        // Only a project of this organization counts as seen: one that
        // another organization's listing returned stays importable here.
        let (listed, foreign): (Vec<Project>, Vec<Project>) = client
            .org_projects(org.as_str())
            .await?
            .into_iter()
            .partition(|p| p.org_id.as_deref() == Some(org.as_str()));
        let projects = listed
            .into_iter()
            .filter(|p| seen.insert(p.id.clone()))
            .collect();
        found.push(OrgProjects {
            org: Some(org),
            whole: true,
            projects,
            foreign,
        });
    }
    Ok(found)
}

async fn by_name_or_id(client: &Client, asked: &[String]) -> Result<Vec<OrgProjects>, ApiError> {
    let mut found: Vec<OrgProjects> = Vec::new();
    for id_or_name in asked {
        let project = match id_or_name.parse::<GroupId>() {
            Ok(id) => client.project(&id).await?,
            Err(_) => client.project_by_name(id_or_name).await?,
        };
        if found
            .iter()
            .any(|f| f.projects.iter().any(|p| p.id == project.id))
        {
            continue;
        }
        // Atlas's word for the organization is kept only when it is an id.
        let org = project.org_id.as_deref().and_then(|o| o.parse().ok());
        found.push(OrgProjects {
            org,
            whole: false,
            projects: vec![project],
            foreign: Vec::new(),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::{Target, check_identities};
    use crate::model::{DesiredProject, GroupId, Mode, Origin, Project, ProjectRef};

    fn group(c: char) -> GroupId {
        c.to_string().repeat(24).parse().expect("a group id")
    }

    fn declared(project: ProjectRef, line: usize) -> DesiredProject {
        DesiredProject {
            project,
            mode: Mode::Authoritative,
            integrations: BTreeMap::new(),
            families: Default::default(),
            origin: Origin {
                file: Arc::from("tether.yaml"),
                line,
                column: 5,
            },
            selected_by: None,
        }
    }

    fn looked_up(id: GroupId, name: &str) -> Target {
        Target::Found {
            group: id.clone(),
            name: Some(name.to_owned()),
            looked_up: Some(Project {
                id,
                name: name.to_owned(),
                org_id: None,
                tags: Vec::new(),
            }),
        }
    }

    fn messages(projects: &[DesiredProject], targets: &[Target]) -> Vec<String> {
        match check_identities(projects, targets) {
            Ok(()) => Vec::new(),
            Err(error) => error.messages().iter().map(|m| m.message.clone()).collect(),
        }
    }

    #[test]
    fn two_names_that_atlas_resolves_to_one_project_are_refused() {
        let projects = [
            declared(ProjectRef::Name("payments".into()), 3),
            declared(ProjectRef::Name("payments".into()), 9),
        ];
        let targets = [
            looked_up(group('a'), "payments"),
            looked_up(group('a'), "payments"),
        ];
        assert_eq!(
            messages(&projects, &targets),
            [format!(
                "`payments` (tether.yaml:3:5) and `payments` (tether.yaml:9:5) are the same \
                 Atlas project {}",
                group('a')
            )]
        );
    }

    #[test]
    fn a_lookup_answered_with_another_name_is_refused() {
        let projects = [declared(ProjectRef::Name("Payments".into()), 3)];
        let targets = [looked_up(group('a'), "payments")];
        assert_eq!(
            messages(&projects, &targets),
            [format!(
                "Atlas answered the lookup of the project `Payments` (tether.yaml:3:5) with the \
                 project `payments` ({})",
                group('a')
            )]
        );
    }

    #[test]
    fn distinct_projects_pass() {
        let projects = [
            declared(ProjectRef::Id(group('a')), 3),
            declared(ProjectRef::Name("b".into()), 6),
        ];
        let targets = [
            Target::Found {
                group: group('a'),
                name: None,
                looked_up: None,
            },
            looked_up(group('b'), "b"),
        ];
        assert!(messages(&projects, &targets).is_empty());
    }
}
