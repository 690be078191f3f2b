//! The simulator's state file (YAML): projects with their integrations and
//! real secrets, API keys and service accounts with roles. Read at start,
//! optionally written back on exit, and what `SimHandle::snapshot` returns.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{FieldKind, FieldValue, GroupId, IntegrationType};
use crate::regular_file;
use crate::secret::Secret;

use super::auth::{ApiKey, ServiceAccount};
use super::id_family::{self, Family};
use super::log_integrations::LOG_INTEGRATIONS;
use super::metric_integrations::METRIC_INTEGRATIONS;
use super::push_based;
use super::scalar::Scalar;
use super::schema;
use super::state::{AlertConfig, DEFAULT_CREATED, Event, Project, State, Stored};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StateFile {
    /// Organizations that exist even without a project.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orgs: Vec<String>,
    #[serde(default)]
    pub projects: Vec<ProjectFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_keys: Vec<ApiKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_accounts: Vec<ServiceAccount>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProjectFile {
    pub id: String,
    pub name: String,
    pub org_id: String,
    #[serde(default)]
    pub cluster_count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagFile>,
    /// Type name (`PAGER_DUTY`) → field name → value; `id` is the
    /// integration's id (generated when left out).
    #[serde(default)]
    pub integrations: BTreeMap<String, BTreeMap<String, Scalar>>,
    /// The project's events, oldest first: changes made before the
    /// simulator started, such as a person's in the Atlas UI (`username`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// The project's alert configurations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alert_configs: Vec<AlertConfig>,
    /// Log integrations as the API takes them (`type`, `logTypes`, ...,
    /// secrets and header values in clear), with `id` (generated when left
    /// out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_integrations: Vec<EntryFile>,
    /// Metric integrations as the API takes them, with
    /// `metricIntegrationId` (generated when left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metric_integrations: Vec<EntryFile>,
    /// The push-based log export: `bucketName`, `iamRoleId`, `prefixPath`,
    /// and optionally `state` and `createDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_based_log_export: Option<EntryFile>,
}

/// One entry of a family in the state file, as a JSON object. `Debug`
/// shows its keys only: values may be secrets.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryFile(pub serde_json::Map<String, serde_json::Value>);

impl fmt::Debug for EntryFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagFile {
    pub key: String,
    pub value: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("the simulator state file `{path}` {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("cannot write the simulator state file `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the simulator state file `{path}` is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("cannot serialize the simulator state: {0}")]
    Serialize(String),
    #[error("project `{project}`: {message}")]
    Invalid { project: String, message: String },
}

/// A larger state file is refused, as a tether file of that size is.
pub const MAX_STATE_FILE_BYTES: u64 = 64 * 1024 * 1024;

impl StateFile {
    /// A stored field's text, as the simulator keeps it (secrets in clear):
    /// what a test checks after a write.
    pub fn stored(&self, project_id: &str, kind: &str, field: &str) -> Option<&str> {
        self.projects
            .iter()
            .find(|p| p.id == project_id)?
            .integrations
            .get(kind)?
            .get(field)?
            .as_text()
    }

    pub fn load(path: &Path) -> Result<StateFile, StateError> {
        let text = regular_file::read_text(path, MAX_STATE_FILE_BYTES).map_err(|err| {
            StateError::Read {
                path: path.to_owned(),
                reason: err.to_string(),
            }
        })?;
        StateFile::parse(&text).map_err(|message| StateError::Parse {
            path: path.to_owned(),
            message,
        })
    }

    pub fn parse(text: &str) -> Result<StateFile, String> {
        // No snippet: the lines around a mistake hold real secrets.
        let options = serde_saphyr::options! { with_snippet: false };
        serde_saphyr::from_str_with_options(text, options).map_err(|e| e.to_string())
    }

    pub fn to_yaml(&self) -> Result<String, StateError> {
        serde_saphyr::to_string(self).map_err(|e| StateError::Serialize(e.to_string()))
    }

    /// Writes the state, readable by its owner only: it holds real secrets.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        use std::io::Write;
        let text = self.to_yaml()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(path)
            .and_then(|mut file| file.write_all(text.as_bytes()))
            .map_err(|source| StateError::Write {
                path: path.to_owned(),
                source,
            })
    }

    pub fn api_keys(&self) -> Vec<ApiKey> {
        self.api_keys.clone()
    }

    pub fn service_accounts(&self) -> Vec<ServiceAccount> {
        self.service_accounts.clone()
    }

    /// Checks ids, type names, field names and kinds (not Atlas's create
    /// rules: a state may hold what only the UI or an old Atlas could make).
    pub fn to_state(&self, mut new_id: impl FnMut() -> String) -> Result<State, StateError> {
        let mut state = State::default();
        for org in &self.orgs {
            check_id(org).map_err(|m| StateError::Invalid {
                project: format!("(org {org})"),
                message: m,
            })?;
            state.add_org(org.clone());
        }
        for p in &self.projects {
            let invalid = |message: String| StateError::Invalid {
                project: p.name.clone(),
                message,
            };
            check_id(&p.id).map_err(|m| invalid(format!("id: {m}")))?;
            check_id(&p.org_id).map_err(|m| invalid(format!("orgId: {m}")))?;
            if state.get(&p.id).is_some() {
                return Err(invalid(format!("the id {} is used twice", p.id)));
            }
            let mut project = Project::new(p.id.clone(), p.name.clone(), p.org_id.clone());
            project.cluster_count = p.cluster_count;
            project.created = p
                .created
                .clone()
                .unwrap_or_else(|| DEFAULT_CREATED.to_owned());
            project.tags = p
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect();
            for (type_name, values) in &p.integrations {
                let kind: IntegrationType = type_name
                    .parse()
                    .ok()
                    .filter(|&kind| schema::in_enum(kind))
                    .ok_or_else(|| invalid(format!("unknown integration type `{type_name}`")))?;
                let mut stored = Stored {
                    id: String::new(),
                    fields: BTreeMap::new(),
                };
                for (name, value) in values {
                    if name == "id" {
                        let id = value.as_text().unwrap_or_default();
                        check_id(id).map_err(|m| invalid(format!("{type_name}.id: {m}")))?;
                        stored.id = id.to_owned();
                        continue;
                    }
                    let field = schema::any_version_field(kind, name)
                        .ok_or_else(|| invalid(format!("{type_name} has no field `{name}`")))?;
                    let value = match (field.kind, value) {
                        (FieldKind::Bool, Scalar::Bool(b)) => FieldValue::Bool(*b),
                        (FieldKind::String, Scalar::Text(t)) if field.sensitive => {
                            FieldValue::Secret(Secret::new(t.clone()))
                        }
                        (FieldKind::String, Scalar::Text(t)) => FieldValue::Text(t.clone()),
                        (FieldKind::Bool, _) => {
                            return Err(invalid(format!("{type_name}.{name} must be a boolean")));
                        }
                        (FieldKind::String, _) => {
                            return Err(invalid(format!("{type_name}.{name} must be a string")));
                        }
                    };
                    stored.fields.insert(field.name.to_owned(), value);
                }
                if stored.id.is_empty() {
                    stored.id = new_id();
                }
                project.integrations.insert(kind, stored);
            }
            for event in &p.events {
                let mut event = event.clone();
                if event.id.is_empty() {
                    event.id = new_id();
                }
                check_id(&event.id).map_err(|m| invalid(format!("event id: {m}")))?;
                if crate::clock::parse_utc(&event.created).is_none() {
                    return Err(invalid(format!(
                        "event {}: `created` is not an ISO 8601 UTC time such as \
                         2026-12-02T06:20:02Z",
                        event.id
                    )));
                }
                project.events.push(event);
            }
            for alert in &p.alert_configs {
                let mut alert = alert.clone();
                if alert.id.is_empty() {
                    alert.id = new_id();
                }
                check_id(&alert.id).map_err(|m| invalid(format!("alert config id: {m}")))?;
                project.alert_configs.push(alert);
            }
            for (files, family) in [
                (&p.log_integrations, &LOG_INTEGRATIONS),
                (&p.metric_integrations, &METRIC_INTEGRATIONS),
            ] {
                for file in files {
                    let entry = id_family::seed(family, &file.0, &mut new_id).map_err(invalid)?;
                    (family.entries_mut)(&mut project).push(entry);
                }
            }
            if let Some(file) = &p.push_based_log_export {
                project.push_based_log_export = Some(push_based::seed(&file.0).map_err(invalid)?);
            }
            state.push(project);
        }
        Ok(state)
    }

    /// The state file of a state, real secrets included.
    pub fn from_state(state: &State, api_keys: &[ApiKey], accounts: &[ServiceAccount]) -> Self {
        let mut referenced = std::collections::HashSet::new();
        let projects = state
            .projects()
            .iter()
            .map(|p| {
                referenced.insert(p.org_id.clone());
                ProjectFile {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    org_id: p.org_id.clone(),
                    cluster_count: p.cluster_count,
                    created: Some(p.created.clone()),
                    tags: p
                        .tags
                        .iter()
                        .map(|(key, value)| TagFile {
                            key: key.clone(),
                            value: value.clone(),
                        })
                        .collect(),
                    integrations: p
                        .integrations
                        .iter()
                        .map(|(kind, stored)| {
                            let mut values: BTreeMap<String, Scalar> = stored
                                .fields
                                .iter()
                                .map(|(name, value)| {
                                    let scalar = match value {
                                        FieldValue::Bool(b) => Scalar::Bool(*b),
                                        FieldValue::Text(t) => Scalar::Text(t.clone()),
                                        FieldValue::Secret(s) => {
                                            Scalar::Text(s.expose().to_owned())
                                        }
                                    };
                                    (name.clone(), scalar)
                                })
                                .collect();
                            values.insert("id".into(), Scalar::Text(stored.id.clone()));
                            (kind.as_str().to_owned(), values)
                        })
                        .collect(),
                    events: p.events.clone(),
                    alert_configs: p.alert_configs.clone(),
                    log_integrations: family_files(&LOG_INTEGRATIONS, p),
                    metric_integrations: family_files(&METRIC_INTEGRATIONS, p),
                    push_based_log_export: p
                        .push_based_log_export
                        .as_ref()
                        .map(|export| EntryFile(push_based::unseed(export))),
                }
            })
            .collect();
        let mut orgs: Vec<String> = state
            .orgs()
            .filter(|o| !referenced.contains(*o))
            .cloned()
            .collect();
        orgs.sort();
        let mut api_keys = api_keys.to_vec();
        api_keys.sort_by(|a, b| a.public_key.cmp(&b.public_key));
        let mut service_accounts = accounts.to_vec();
        service_accounts.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        StateFile {
            orgs,
            projects,
            api_keys,
            service_accounts,
        }
    }
}

fn family_files(family: &Family, project: &Project) -> Vec<EntryFile> {
    (family.entries)(project)
        .iter()
        .map(|entry| EntryFile(id_family::unseed(family, entry)))
        .collect()
}

fn check_id(id: &str) -> Result<(), String> {
    id.parse::<GroupId>()
        .map(|_| ())
        .map_err(|e| format!("`{id}` is not an Atlas id: {e}"))
}

#[cfg(test)]
mod secrecy {
    use super::StateFile;

    #[test]
    fn a_parse_error_does_not_quote_the_secrets_around_it() {
        let text = "apiKeys:\n  - publicKey: pub\n    privateKey: SUPERSECRETPRIVATEKEY123\n    role: admin\n";
        let err = StateFile::parse(text).expect_err("`admin` is not a role");
        assert!(!err.contains("SUPERSECRETPRIVATEKEY123"), "{err}");
    }

    #[test]
    fn debug_shows_no_credential_secret() {
        let text = "apiKeys:
  - publicKey: pub
    privateKey: SUPERSECRETPRIVATEKEY123
    \
                    role: owner
serviceAccounts:
  - clientId: mdb_sa_id
    \
                    clientSecret: SUPERSECRETCLIENTSECRET9
    role: readOnly
";
        let state = StateFile::parse(text).expect("valid state");
        assert_eq!(state.api_keys()[0].private_key, "SUPERSECRETPRIVATEKEY123");
        let shown = format!("{state:?}");
        assert!(!shown.contains("SUPERSECRETPRIVATEKEY123"), "{shown}");
        assert!(!shown.contains("SUPERSECRETCLIENTSECRET9"), "{shown}");
    }
}
