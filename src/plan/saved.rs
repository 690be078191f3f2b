//! The saved plan of `plan --out`: what was reviewed, in a form that holds
//! no secret, and the check that the world has not moved since.
//!
//! Per operation it keeps a fingerprint of the live object the plan was
//! computed against, the non-secret fields it will send, and a salted hash of
//! each secret it will send. `apply PLAN` fetches the affected projects again
//! and refuses, naming the object, when any of these differ now.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Action, Change, Plan};
use crate::model::{
    FieldValue, GroupId, Integration, IntegrationType, LiveIntegrations, LiveValue,
};

pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format_version: u32,
    pub tether_version: String,
    /// `v1` or `v2`: a plan is applied through the API it was made with.
    pub api: String,
    /// The plan was made with `--rotate-secrets`.
    pub rotate_secrets: bool,
    /// Mixed into every secret's hash, fresh for each plan.
    pub salt: String,
    pub operations: Vec<SavedOperation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedOperation {
    pub project: String,
    pub group: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `create`, `update` or `delete`.
    pub action: String,
    /// Fingerprint of the live integration, `None` when it did not exist.
    pub live: Option<String>,
    /// The non-secret fields the PUT sends (Atlas's defaults included).
    pub fields: BTreeMap<String, Value>,
    /// Salted SHA-256 of each secret the PUT sends.
    pub secrets: BTreeMap<String, String>,
}

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fingerprint of an integration as Atlas listed it, salted: Atlas returns
/// some secrets in clear, and the plan file must not let anyone guess them.
pub fn fingerprint(live: &LiveIntegrations, kind: IntegrationType, salt: &str) -> Option<String> {
    let integration = live.known.get(&kind)?;
    let mut canonical = format!("{kind}\nid={:?}\n", integration.id);
    for (spec, value) in &integration.fields {
        match value {
            LiveValue::Text(text) => canonical.push_str(&format!("{}={text:?}\n", spec.name)),
            LiveValue::Bool(b) => canonical.push_str(&format!("{}={b}\n", spec.name)),
        }
    }
    Some(sha256_hex(&[salt.as_bytes(), canonical.as_bytes()]))
}

/// The non-secret fields and the salted secret hashes of a desired
/// integration, defaults filled in as the PUT sends them.
fn describe(
    desired: &Integration,
    salt: &str,
) -> (BTreeMap<String, Value>, BTreeMap<String, String>) {
    let mut fields = BTreeMap::new();
    let mut secrets = BTreeMap::new();
    for (spec, value) in desired.with_defaults().fields {
        // Whether a value is secret is the table's call, whatever its variant.
        let text = match value {
            FieldValue::Bool(b) => {
                fields.insert(spec.name.to_owned(), Value::Bool(b));
                continue;
            }
            FieldValue::Text(text) if !spec.sensitive => {
                fields.insert(spec.name.to_owned(), Value::String(text));
                continue;
            }
            FieldValue::Text(text) => text,
            FieldValue::Secret(secret) => secret.expose().to_owned(),
        };
        let hash = sha256_hex(&[salt.as_bytes(), spec.name.as_bytes(), text.as_bytes()]);
        secrets.insert(spec.name.to_owned(), hash);
    }
    (fields, secrets)
}

fn action_name(change: &Change) -> &'static str {
    match change {
        Change::Create { .. } => "create",
        Change::Update { .. } => "update",
        Change::Delete { .. } => "delete",
        Change::Unchanged => "none",
    }
}

/// The saved form of a plan. `lives` are the live states the plan was made
/// against, by project id.
pub fn save(
    plan: &Plan,
    lives: &BTreeMap<GroupId, LiveIntegrations>,
    api: &str,
    rotate_secrets: bool,
) -> SavedPlan {
    let salt = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    let mut operations = Vec::new();
    for project in &plan.projects {
        for operation in project.operations() {
            let change = project
                .items()
                .iter()
                .find(|item| item.kind == operation.kind)
                .map_or("update", |item| action_name(&item.change));
            let (fields, secrets) = match &operation.action {
                Action::Put(desired) => describe(desired, &salt),
                Action::Delete => (BTreeMap::new(), BTreeMap::new()),
            };
            operations.push(SavedOperation {
                project: project.label.clone(),
                group: operation.group.to_string(),
                kind: operation.kind.to_string(),
                action: change.to_owned(),
                live: lives
                    .get(&operation.group)
                    .and_then(|live| fingerprint(live, operation.kind, &salt)),
                fields,
                secrets,
            });
        }
    }
    SavedPlan {
        format_version: FORMAT_VERSION,
        tether_version: env!("CARGO_PKG_VERSION").to_owned(),
        api: api.to_owned(),
        rotate_secrets,
        salt,
        operations,
    }
}

/// The saved plan as the JSON text written to the file.
pub fn to_json(saved: &SavedPlan) -> String {
    let mut text = serde_json::to_string_pretty(saved).expect("a saved plan serializes");
    text.push('\n');
    text
}

/// Reads a saved plan's text; `name` is how messages call the file.
pub fn from_json(text: &str, name: &str) -> Result<SavedPlan, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|err| format!("`{name}` is not a saved plan (not JSON: {err})"))?;
    match value.get("format_version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "`{name}` is a saved plan of format {v}; this tether reads format {FORMAT_VERSION}"
            ));
        }
        None => {
            return Err(format!(
                "`{name}` is not a saved plan: it has no `format_version`"
            ));
        }
    }
    serde_json::from_value(value)
        .map_err(|err| format!("`{name}` is not a valid saved plan: {err}"))
}

/// Compares a saved plan with a plan made now. `Ok` holds the operations to
/// carry out, as (project id, type); `Err` names everything that moved.
pub fn check(
    saved: &SavedPlan,
    now: &Plan,
    lives: &BTreeMap<GroupId, LiveIntegrations>,
    api: &str,
) -> Result<BTreeSet<(GroupId, IntegrationType)>, Vec<String>> {
    if saved.api != api {
        return Err(vec![format!(
            "the plan was made with `--api {}`; apply it with the same",
            saved.api
        )]);
    }
    // What a plan made now would do, per object, computed once.
    let mut now_by_object = BTreeMap::new();
    for project in &now.projects {
        let Some(group) = &project.id else { continue };
        for operation in project.operations() {
            now_by_object
                .entry((group.clone(), operation.kind))
                .or_insert((project, operation));
        }
    }
    let mut moved = Vec::new();
    let mut approved = BTreeSet::new();
    for op in &saved.operations {
        let (Ok(group), Ok(kind)) = (
            op.group.parse::<GroupId>(),
            op.kind.parse::<IntegrationType>(),
        ) else {
            moved.push(format!(
                "the saved plan names an unknown object `{} {}`",
                op.group, op.kind
            ));
            continue;
        };
        let what = format!("`{}` in {}", op.kind, op.project);
        let current = now_by_object.get(&(group.clone(), kind));
        let live_now = lives
            .get(&group)
            .and_then(|live| fingerprint(live, kind, &saved.salt));
        if live_now != op.live {
            moved.push(format!("{what} changed in Atlas since the plan was made"));
            continue;
        }
        let Some((project, operation)) = current else {
            moved.push(format!(
                "{what}: the saved plan would {} it, but the file and Atlas no longer call for that",
                op.action
            ));
            continue;
        };
        let action_now = project
            .items()
            .iter()
            .find(|item| item.kind == kind)
            .map_or("none", |item| action_name(&item.change));
        if action_now != op.action {
            moved.push(format!(
                "{what}: the saved plan would {} it, a plan now would {action_now} it",
                op.action
            ));
            continue;
        }
        if let Action::Put(desired) = &operation.action {
            let (fields, secrets) = describe(desired, &saved.salt);
            if fields != op.fields {
                moved.push(format!(
                    "{what} changed in the file since the plan was made"
                ));
                continue;
            }
            let changed: Vec<&str> = secrets
                .iter()
                .filter(|(name, hash)| op.secrets.get(*name) != Some(hash))
                .map(|(name, _)| name.as_str())
                .chain(
                    op.secrets
                        .keys()
                        .filter(|name| !secrets.contains_key(*name))
                        .map(String::as_str),
                )
                .collect();
            if !changed.is_empty() {
                moved.push(format!(
                    "the secret `{}` of {what} has another value than when the plan was made \
                     (check its environment variable)",
                    changed.join("`, `")
                ));
                continue;
            }
        }
        approved.insert((group, kind));
    }
    if moved.is_empty() {
        Ok(approved)
    } else {
        Err(moved)
    }
}
