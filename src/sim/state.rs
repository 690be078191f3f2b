//! The simulated Atlas: projects and their integrations, with real secrets,
//! and the read-after-write lag that makes a fresh write briefly invisible.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use crate::model::IntegrationType;

use super::family_validate::Fields as EntryFields;
use super::scalar::Scalar;
use super::validate::Fields;

#[derive(Clone, Debug)]
pub struct Stored {
    /// 24 hex characters.
    pub id: String,
    pub fields: Fields,
}

/// What reads keep seeing of one type until `until`.
#[derive(Clone, Debug)]
struct Lag {
    old: Option<Stored>,
    until: Instant,
}

#[derive(Clone, Debug)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub org_id: String,
    pub cluster_count: u64,
    pub created: String,
    pub tags: Vec<(String, String)>,
    /// The truth, as the last write left it.
    pub integrations: BTreeMap<IntegrationType, Stored>,
    lagging: BTreeMap<IntegrationType, Lag>,
    /// The project's events, oldest first (as they happened).
    pub events: Vec<Event>,
    /// The project's alert configurations, in creation order.
    pub alert_configs: Vec<AlertConfig>,
    /// Log integrations, in creation order.
    pub log_integrations: Vec<Entry>,
    /// Metric integrations, in creation order.
    pub metric_integrations: Vec<Entry>,
    /// The legacy push-based log export, when configured.
    pub push_based_log_export: Option<PushExport>,
}

/// One entry of an id-keyed family (a log or a metric integration): the id
/// Atlas assigned and the fields as the API takes them, secrets and header
/// values in clear. `Debug` shows the id and the field names only.
#[derive(Clone, PartialEq)]
pub struct Entry {
    /// 24 hex characters.
    pub id: String,
    pub fields: EntryFields,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("id", &self.id)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A project's push-based log export (one per project, no id).
#[derive(Clone, PartialEq)]
pub struct PushExport {
    /// `bucketName`, `iamRoleId`, `prefixPath`.
    pub fields: EntryFields,
    /// One of `family_fields::PUSH_BASED_STATES` but `UNCONFIGURED`.
    pub state: String,
    /// ISO 8601, UTC.
    pub create_date: String,
}

impl std::fmt::Debug for PushExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushExport")
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .field("state", &self.state)
            .finish()
    }
}

/// One project event (`GET /groups/{id}/events`), with the fields
/// atlas-api.md lists ("Project events").
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    /// 24 hex characters; generated when a state file leaves it out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// ISO 8601, UTC: `2026-12-02T06:20:02Z`.
    pub created: String,
    /// `INTEGRATION_CONFIGURED`, `INTEGRATION_REMOVED`, ...
    pub event_type_name: String,
    /// The console user's e-mail, for a change made in the UI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The API key's public key (or the service account's client id, see
    /// `assumptions::SERVICE_ACCOUNT_IN_PUBLIC_KEY`), for a change made
    /// through the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_address: Option<String>,
}

/// One alert configuration (`GET /groups/{id}/alertConfigs`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlertConfig {
    /// 24 hex characters; generated when a state file leaves it out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub event_type_name: String,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Each notification's fields as Atlas names them (`typeName`,
    /// `integrationId`, `serviceKey`, `delayMin`, ...). Credentials are kept
    /// in clear, like integration secrets, and masked on every read.
    #[serde(default)]
    pub notifications: Vec<BTreeMap<String, Scalar>>,
}

fn enabled_by_default() -> bool {
    true
}

impl Project {
    pub fn new(id: String, name: String, org_id: String) -> Self {
        Project {
            id,
            name,
            org_id,
            cluster_count: 0,
            created: DEFAULT_CREATED.to_owned(),
            tags: Vec::new(),
            integrations: BTreeMap::new(),
            lagging: BTreeMap::new(),
            events: Vec::new(),
            alert_configs: Vec::new(),
            log_integrations: Vec::new(),
            metric_integrations: Vec::new(),
            push_based_log_export: None,
        }
    }

    /// What a GET sees now: the truth, except types written less than the
    /// read-after-write delay ago, which still show their previous value.
    /// In type-enum order.
    pub fn visible(&self, now: Instant) -> Vec<(IntegrationType, &Stored)> {
        IntegrationType::ALL
            .into_iter()
            .filter_map(|kind| {
                let stored = match self.lagging.get(&kind) {
                    Some(lag) if lag.until > now => lag.old.as_ref(),
                    _ => self.integrations.get(&kind),
                };
                stored.map(|s| (kind, s))
            })
            .collect()
    }

    pub fn visible_one(&self, kind: IntegrationType, now: Instant) -> Option<&Stored> {
        match self.lagging.get(&kind) {
            Some(lag) if lag.until > now => lag.old.as_ref(),
            _ => self.integrations.get(&kind),
        }
    }

    /// The truth in type-enum order (what POST and PUT answer with).
    pub fn current(&self) -> Vec<(IntegrationType, &Stored)> {
        self.integrations.iter().map(|(k, s)| (*k, s)).collect()
    }

    /// Sets (or with `None` removes) a type. With a delay, reads keep seeing
    /// what they saw before this write for that long.
    pub fn write(&mut self, kind: IntegrationType, new: Option<Stored>, delay: Duration) {
        let now = Instant::now();
        if delay.is_zero() {
            self.lagging.remove(&kind);
        } else {
            let until = now + delay;
            match self.lagging.get_mut(&kind) {
                Some(lag) if lag.until > now => lag.until = until,
                _ => {
                    let old = self.integrations.get(&kind).cloned();
                    self.lagging.insert(kind, Lag { old, until });
                }
            }
        }
        match new {
            Some(stored) => {
                self.integrations.insert(kind, stored);
            }
            None => {
                self.integrations.remove(&kind);
            }
        }
    }
}

pub const DEFAULT_CREATED: &str = "2024-01-01T00:00:00Z";

#[derive(Clone, Debug, Default)]
pub struct State {
    projects: Vec<Project>,
    by_id: HashMap<String, usize>,
    orgs: HashSet<String>,
}

impl State {
    pub fn push(&mut self, project: Project) {
        self.by_id.insert(project.id.clone(), self.projects.len());
        self.orgs.insert(project.org_id.clone());
        self.projects.push(project);
    }

    pub fn projects(&self) -> &[Project] {
        &self.projects
    }

    pub fn get(&self, id: &str) -> Option<&Project> {
        self.by_id.get(id).map(|&i| &self.projects[i])
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Project> {
        self.by_id.get(id).map(|&i| &mut self.projects[i])
    }

    pub fn by_name(&self, name: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.name == name)
    }

    /// An organization with no project yet.
    pub fn add_org(&mut self, org_id: String) {
        self.orgs.insert(org_id);
    }

    pub fn org_exists(&self, org_id: &str) -> bool {
        self.orgs.contains(org_id)
    }

    pub fn orgs(&self) -> impl Iterator<Item = &String> {
        self.orgs.iter()
    }
}
