//! tether's side, in-process: the simulator of a run, tether's client for
//! it, and its plan (fetch, then diff), with or without the lookups around it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tether::atlas::{Client, ClientConfig, Credentials, base_url};
use tether::engine::{self, Target, read_all, resolve};
use tether::model::{ApiVersion, DesiredProject, GroupId, LiveIntegrations, ProjectRef};
use tether::plan::{Plan, PlanOptions, plan_project};
use tether::sim::{ApiKey, AuthMode, Faults, Role, SimConfig, SimHandle, StateFile, spawn};

use crate::args::Args;
use crate::support::Res;
use crate::workload::{API_PRIVATE, API_PUBLIC};

pub fn start_sim(state: StateFile, args: &Args, auth: bool) -> Res<SimHandle> {
    let mut config = SimConfig {
        state,
        faults: Faults {
            latency: args.latency,
            jitter: args.jitter,
            ..Faults::default()
        },
        ..SimConfig::default()
    };
    if auth {
        config.auth = AuthMode::Required;
        config.api_keys = vec![ApiKey {
            public_key: API_PUBLIC.to_owned(),
            private_key: API_PRIVATE.to_owned(),
            role: Role::Owner,
        }];
    }
    Ok(spawn(config)?)
}

pub fn client(url: &str, credentials: Credentials, concurrency: usize) -> Res<Arc<Client>> {
    let mut config = ClientConfig::new(base_url(Some(url), |_| None)?, credentials);
    config.settings.concurrency = concurrency;
    Ok(Arc::new(Client::new(config)?))
}

/// tether's plan in-process: fetch (one GET-all per project, all in flight
/// under the client's limit), then diff every project.
pub struct Planned {
    pub plan: Plan,
    /// The live state of each project, for the alert references.
    pub lives: BTreeMap<GroupId, LiveIntegrations>,
    pub fetch: Duration,
    pub diff: Duration,
}

pub fn plan_through(
    runtime: &tokio::runtime::Runtime,
    client: &Arc<Client>,
    desired: &[DesiredProject],
) -> Res<Planned> {
    let references: Vec<ProjectRef> = desired.iter().map(|p| p.project.clone()).collect();
    let started = Instant::now();
    let targets = runtime.block_on(resolve(client, &references));
    let mut found = Vec::with_capacity(targets.len());
    for target in targets {
        match target {
            Target::Found { group, name, .. } => found.push((group, name)),
            Target::NotFound { name, error } => {
                return Err(format!("`{name}` could not be found: {error}").into());
            }
        }
    }
    let groups: Vec<GroupId> = found.iter().map(|(group, _)| group.clone()).collect();
    let reads = runtime.block_on(read_all(Arc::clone(client), &groups, Arc::new(|| {})));
    let fetch = started.elapsed();
    let started = Instant::now();
    let options = PlanOptions {
        rotate_secrets: false,
        api: ApiVersion::V2,
    };
    let mut plans = Vec::with_capacity(desired.len());
    let mut lives = BTreeMap::new();
    for ((project, (group, name)), read) in desired.iter().zip(found).zip(reads) {
        match read {
            Ok(live) => {
                plans.push(plan_project(
                    &group,
                    name.as_deref(),
                    project,
                    &live,
                    &options,
                ));
                lives.insert(group, live);
            }
            Err(error) => {
                return Err(format!("`{}` could not be fetched: {error}", project.project).into());
            }
        }
    }
    let plan = Plan::from(plans);
    Ok(Planned {
        plan,
        lives,
        fetch,
        diff: started.elapsed(),
    })
}

/// tether's plan with the lookups `plan` makes around it (events of each
/// drifted project, alert configurations of each project with a delete):
/// [`plan_through`], then `engine::look_around`. Returns the plan and the
/// wall time of the whole.
pub fn plan_with_lookups(
    runtime: &tokio::runtime::Runtime,
    client: &Arc<Client>,
    desired: &[DesiredProject],
    lookups: engine::Lookups,
) -> Res<(engine::Planned, Duration)> {
    let started = Instant::now();
    let planned = plan_through(runtime, client, desired)?;
    let mut planned = engine::Planned {
        plan: planned.plan,
        lives: planned.lives,
        families: Default::default(),
        declared: Default::default(),
        declared_families: Default::default(),
        options: PlanOptions {
            rotate_secrets: false,
            api: ApiVersion::V2,
        },
    };
    runtime.block_on(engine::look_around(
        Arc::clone(client),
        &mut planned,
        lookups,
        SystemTime::now(),
    ));
    Ok((planned, started.elapsed()))
}
