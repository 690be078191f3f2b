//! What the engine asks Atlas around a plan, after planning (the planner
//! stays pure): who changed the integrations of each project that differs
//! from the file (one call to its events), and which alert configurations
//! notify through the integrations the plan deletes (one listing per project
//! with a delete). Projects in sync, and projects without a delete, cost no
//! call. Both go through the v2 API whatever `--api` says, with the same
//! client: credentials, retries, concurrency limit and stop request.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::Planned;
use crate::atlas::{ApiError, Client};
use crate::model::{AlertConfig, ChangeEvent, GroupId, IntegrationType};
use crate::plan::{AlertCheck, AlertRef, Attribution, ProjectPlan, Verb};

/// How far back attribution looks: Atlas keeps project events far longer,
/// but a month covers the nightly drift job's question ("who changed this
/// since the last apply?") and keeps the answer small.
pub const WINDOW_DAYS: u32 = 30;

/// Events shown per project (the page size asked for): the latest few say
/// who touched the project last.
pub const EVENTS_SHOWN: usize = 3;

/// Which lookups to make.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lookups {
    /// Events of the projects that differ from the file (`plan`, `drift`;
    /// off with `--no-attribution`).
    pub attribution: bool,
    /// Alert configurations of the projects where apply deletes (`plan`,
    /// `apply`).
    pub alerts: bool,
}

/// The calls a plan calls for, per project index.
#[derive(Clone)]
enum Ask {
    /// The events of these types.
    Events(Vec<String>),
    Alerts,
}

/// The event types that say who changed what a project's plan finds
/// changed: Atlas's integration events for `/integrations`, and each log
/// or metric kind's own (`S3_LOG_STREAMING_ENABLED`...; GCS's say `GCP`).
fn event_types(project: &ProjectPlan) -> Vec<String> {
    let mut types = std::collections::BTreeSet::new();
    for item in project.items().iter().filter(|item| item.is_change()) {
        match item.subject.entry_kind() {
            Some(kind) => {
                for verb in ["ENABLED", "CONFIGURATION_UPDATED", "DISABLED"] {
                    types.insert(format!("{}{verb}", kind.event_prefix()));
                }
            }
            None => {
                types.insert("INTEGRATION_CONFIGURED".to_owned());
                types.insert("INTEGRATION_REMOVED".to_owned());
            }
        }
    }
    types.into_iter().collect()
}

enum Answer {
    Events(Result<Vec<ChangeEvent>, ApiError>),
    Alerts(Result<Vec<AlertConfig>, ApiError>),
}

/// Makes the lookups for `planned`, all in flight together under the
/// client's limit, and writes what they found into its projects. A lookup
/// that fails is recorded as such (a note for events; for alerts, apply's
/// gate refuses the delete), never an error of the command.
pub async fn look_around(
    client: Arc<Client>,
    planned: &mut Planned,
    lookups: Lookups,
    now: SystemTime,
) {
    let since = crate::clock::format_utc(
        now.checked_sub(Duration::from_secs(u64::from(WINDOW_DAYS) * 86_400))
            .unwrap_or(SystemTime::UNIX_EPOCH),
    );
    let asks = asks(&planned.plan.projects, lookups);
    let answers = crate::tasks::in_order(asks.iter().map(|(_, group, ask)| {
        let client = Arc::clone(&client);
        let (group, ask, since) = (group.clone(), ask.clone(), since.clone());
        async move {
            match ask {
                Ask::Events(types) => Answer::Events(
                    client
                        .integration_events(&group, &types, &since, EVENTS_SHOWN)
                        .await,
                ),
                Ask::Alerts => Answer::Alerts(client.alert_configs(&group).await),
            }
        }
    }))
    .await;
    for ((index, group, _), answer) in asks.into_iter().zip(answers) {
        let project = &mut planned.plan.projects[index];
        match answer {
            Answer::Events(Ok(events)) => {
                project.attribution = Some(Attribution::Events {
                    window_days: WINDOW_DAYS,
                    events,
                });
            }
            Answer::Events(Err(error)) => {
                project.attribution = Some(Attribution::Unavailable {
                    window_days: WINDOW_DAYS,
                    reason: error.explained(),
                });
            }
            Answer::Alerts(Ok(configs)) => {
                let live = planned.lives.get(&group);
                let id_of = |kind: IntegrationType| {
                    live.and_then(|l| l.known.get(&kind))
                        .and_then(|i| i.id.clone())
                };
                project.alerts = Some(AlertCheck::Listed(references(
                    &deleted(project),
                    &configs,
                    id_of,
                )));
            }
            Answer::Alerts(Err(error)) => {
                project.alerts = Some(AlertCheck::Unavailable(error.explained()));
            }
        }
    }
}

/// The lookups each project calls for: events when it differs from the
/// file, alert configurations when apply deletes there.
fn asks(projects: &[ProjectPlan], lookups: Lookups) -> Vec<(usize, GroupId, Ask)> {
    let mut asks = Vec::new();
    for (index, project) in projects.iter().enumerate() {
        let Some(group) = &project.id else { continue };
        if project.failure().is_some() {
            continue;
        }
        if lookups.attribution && project.has_changes() {
            asks.push((index, group.clone(), Ask::Events(event_types(project))));
        }
        if lookups.alerts && !deleted(project).is_empty() {
            asks.push((index, group.clone(), Ask::Alerts));
        }
    }
    asks
}

/// The types apply deletes in the project.
fn deleted(project: &ProjectPlan) -> Vec<IntegrationType> {
    project
        .operations()
        .iter()
        .filter(|op| op.verb() == Verb::Delete)
        .filter_map(|op| op.subject.integration())
        .collect()
}

/// Per deleted type, the alert configurations with a notification that uses
/// it (by the live integration's id, or by type with no credentials of its
/// own); types no alert uses are left out.
fn references(
    deleted: &[IntegrationType],
    configs: &[AlertConfig],
    id_of: impl Fn(IntegrationType) -> Option<String>,
) -> std::collections::BTreeMap<IntegrationType, Vec<AlertRef>> {
    let mut by_type = std::collections::BTreeMap::new();
    for &kind in deleted {
        let id = id_of(kind);
        let refs: Vec<AlertRef> = configs
            .iter()
            .filter(|config| {
                config
                    .notifications
                    .iter()
                    .any(|n| n.uses(kind, id.as_deref()))
            })
            .map(|config| AlertRef {
                id: config.id.clone(),
                event_type: config.event_type.clone(),
                enabled: config.enabled,
            })
            .collect();
        if !refs.is_empty() {
            by_type.insert(kind, refs);
        }
    }
    by_type
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Notification, notification};

    fn config(id: &str, enabled: bool, notifications: Vec<Notification>) -> AlertConfig {
        AlertConfig {
            id: id.to_owned(),
            event_type: "HOST_DOWN".to_owned(),
            enabled,
            notifications,
        }
    }

    #[test]
    fn only_alerts_that_use_a_deleted_integration_are_referenced() {
        let configs = [
            config("a1", true, vec![notification("WEBHOOK", Some("w1"), false)]),
            config("a2", false, vec![notification("WEBHOOK", None, false)]),
            config("a3", true, vec![notification("WEBHOOK", None, true)]),
            config("a4", true, vec![notification("EMAIL", None, false)]),
            config("a5", true, vec![notification("PAGER_DUTY", None, false)]),
        ];
        let refs = references(&[IntegrationType::Webhook], &configs, |_| {
            Some("w1".to_owned())
        });
        let ids: Vec<&str> = refs[&IntegrationType::Webhook]
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["a1", "a2"]);
        assert!(!refs.contains_key(&IntegrationType::PagerDuty));
    }
}
