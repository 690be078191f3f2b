//! The saved plan of `plan --out`: what was reviewed, in a form that holds
//! no secret, and the check that the world has not moved since.
//!
//! Per operation it keeps what it writes to (an integration's type; a log
//! or metric integration's kind, what it points at and its live id), a
//! fingerprint of the live object the plan was computed against (a keyed
//! SHA-256), the non-secret fields it will send, and a salted Argon2id hash
//! of each secret it will send (header values included). `apply PLAN`
//! fetches the affected projects again: an operation whose target already
//! holds what it sends is already applied; any other operation is refused,
//! naming the object, when one of these differs now.

mod check;
mod describe;
mod hashes;
mod object;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use check::{Checked, Now, check};
pub use object::Object;

use super::render::{ItemDocument, PlanDocument, ValueDocument};
use super::{Action, Operation, Plan, Subject, Verb};
use crate::model::{ApiVersion, GroupId, LiveFamilies, LiveIntegrations};
use describe::describe_declared;
use hashes::{Hashes, entry_fingerprint, fingerprint, push_based_fingerprint};

/// Version 2 holds the plan as `--output json` prints it, and names keys as
/// the plan and the apply report do (`group_id`). Version 3 fingerprints the
/// live object with a keyed SHA-256, a secret Atlas returned in clear hashed
/// with Argon2id first. Log and metric integrations and the push-based
/// export came within version 3: their operations add `section` and
/// `entry`, which a file without them reads as `integrations` and none, so
/// every file of version 3 means what it meant (see the module's tests).
pub const FORMAT_VERSION: u32 = 3;

/// What `tether plan --out` writes: the plan a reviewer saw, and per
/// operation what `apply PLAN` checks before writing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedPlan {
    pub format_version: u32,
    pub tether_version: String,
    /// A plan is applied through the API it was made with.
    pub api: ApiVersion,
    /// The plan was made with `--rotate-secrets`.
    pub rotate_secrets: bool,
    /// Mixed into every hash, fresh for each plan.
    pub salt: String,
    /// The plan as `tether plan --output json` prints it.
    pub plan: PlanDocument,
    /// The writes apply will send, in order.
    pub operations: Vec<SavedOperation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedOperation {
    /// How output names the project: `name (id)`, or the id.
    pub project: String,
    pub group_id: String,
    /// The integration type, such as `PAGER_DUTY`; a log integration's
    /// type (`S3_LOG_EXPORT`), `OTEL` for a metric integration, or
    /// `PUSH_BASED_LOG_EXPORT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The file's section: `integrations`, `log_integrations`,
    /// `metric_integrations` or `push_based_log_export`.
    #[serde(default = "integrations_section")]
    pub section: String,
    /// For a log or metric integration: which one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<SavedEntry>,
    pub action: Verb,
    /// Salted fingerprint of the live object (SHA-256 of the salt and its
    /// fields, a secret Atlas returned in clear by its Argon2id hash); null
    /// when it did not exist (always for a create of an entry).
    pub live: Option<String>,
    /// The non-secret fields the write sends (Atlas's defaults included;
    /// for headers, their names).
    pub fields: BTreeMap<String, Value>,
    /// Salted Argon2id hash of each secret the write sends, by field (a
    /// header's value as `headers[0]`, `otelSuppliedHeaders[1]`...).
    pub secrets: BTreeMap<String, String>,
}

fn integrations_section() -> String {
    "integrations".to_owned()
}

/// Which log or metric integration an operation writes to: entries have no
/// name, so an update or delete is known by the live entry's id, a create
/// by what it points at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedEntry {
    /// The values of the kind's identity fields, in the table's order (the
    /// plan's `target` joins them with `/`).
    pub key: Vec<String>,
    /// The live entry's id; null for a create.
    pub id: Option<String>,
    /// For a create: the live entry its declaration pins by `id:`, which it
    /// replaces (the delete of that entry waits for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

/// The saved form of a plan. `salt` is mixed into every hash; the caller
/// draws a fresh one per plan. `lives` and `families` are the live states
/// the plan was made against, by project id.
pub fn save(
    plan: &Plan,
    (lives, families): (
        &BTreeMap<GroupId, LiveIntegrations>,
        &BTreeMap<GroupId, LiveFamilies>,
    ),
    api: ApiVersion,
    rotate_secrets: bool,
    salt: String,
) -> SavedPlan {
    let mut hashes = Hashes::new(&salt);
    let operations: Vec<SavedOperation> = plan
        .operations()
        .into_iter()
        .map(|operation| {
            let (fields, secrets) = match operation.action.desired() {
                Some(desired) => describe_declared(desired, &mut hashes),
                None => Default::default(),
            };
            SavedOperation {
                live: live_print(&operation, (lives, families), &mut hashes),
                section: operation.subject.section().to_owned(),
                entry: saved_entry(&operation),
                kind: operation.subject.type_name().to_owned(),
                project: operation.project,
                group_id: operation.group.to_string(),
                action: operation.action.verb(),
                fields,
                secrets,
            }
        })
        .collect();
    SavedPlan {
        format_version: FORMAT_VERSION,
        tether_version: env!("CARGO_PKG_VERSION").to_owned(),
        api,
        rotate_secrets,
        salt,
        plan: PlanDocument::from(plan),
        operations,
    }
}

fn saved_entry(operation: &Operation) -> Option<SavedEntry> {
    let Subject::Entry { key, id } = &operation.subject else {
        return None;
    };
    let replaces = match &operation.action {
        Action::Create(desired) => desired.entry().and_then(|entry| entry.id.clone()),
        Action::Update(_) | Action::Delete => None,
    };
    Some(SavedEntry {
        key: key.parts.clone(),
        id: id.clone(),
        replaces,
    })
}

/// The fingerprint of the live object an operation was planned against.
fn live_print(
    operation: &Operation,
    (lives, families): (
        &BTreeMap<GroupId, LiveIntegrations>,
        &BTreeMap<GroupId, LiveFamilies>,
    ),
    hashes: &mut Hashes<'_>,
) -> Option<String> {
    let group = &operation.group;
    match &operation.subject {
        Subject::Integration(kind) => fingerprint(lives.get(group)?, *kind, hashes),
        Subject::Entry { key, id: Some(id) } => {
            let read = families.get(group)?.entries(key.kind.family())?;
            let live = read.as_ref().ok()?.entries.iter().find(|e| e.id == *id)?;
            Some(entry_fingerprint(live, hashes))
        }
        Subject::Entry { id: None, .. } => None,
        Subject::PushBased => {
            let export = families.get(group)?.push_based.as_ref()?.as_ref().ok()?;
            push_based_fingerprint(export, hashes.salt)
        }
    }
}

/// The saved plan as the JSON text written to the file.
pub fn to_json(saved: &SavedPlan) -> String {
    crate::json::pretty(saved)
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
    let saved: SavedPlan = serde_json::from_value(value)
        .map_err(|err| format!("`{name}` is not a valid saved plan: {err}"))?;
    check_parts(&saved).map_err(|why| {
        format!(
            "`{name}` was changed after `tether plan --out` wrote it: {why}; what it shows is \
             not what it would apply, so it is neither shown nor applied"
        )
    })?;
    Ok(saved)
}

/// Differences a message names; the count says the rest.
const DIFFERENCES_SHOWN: usize = 3;

/// Checks that the plan a saved plan shows is the one its operations carry
/// out: every write it shows is held and every held write is shown (verb,
/// type, project, and for a log or metric integration what it points at,
/// its live id and the entry it replaces), each held write names an object
/// its type has, the plain values a write shows are those it sends, and
/// every count and flag follows from the items. `show` and `apply` render
/// the shown part and send the held part, so an edit of either is refused.
fn check_parts(saved: &SavedPlan) -> Result<(), String> {
    let write = |verb: Verb, what: &str, project: &str, group: &str| {
        format!("{verb} {what} in {project} [{group}]")
    };
    let mut shown: Vec<String> = saved
        .plan
        .projects
        .iter()
        .filter_map(|project| Some((project, project.group_id.as_deref()?)))
        .flat_map(|(project, group)| {
            project
                .items
                .iter()
                .filter(|item| item.applies)
                .filter_map(move |item| {
                    Some(write(
                        item.action.verb()?,
                        &item_words(item),
                        &project.project,
                        group,
                    ))
                })
        })
        .collect();
    let mut held: Vec<String> = saved
        .operations
        .iter()
        .map(|op| write(op.action, &op.label(), &op.project, &op.group_id))
        .collect();
    shown.sort();
    held.sort();
    let mut differences: Vec<String> = saved
        .operations
        .iter()
        .filter_map(|op| op.object().err())
        .collect();
    for (what, ours, theirs) in [
        ("it applies, but does not show,", &held, &shown),
        ("it shows, but does not apply,", &shown, &held),
    ] {
        let mut others = theirs.clone();
        for write in ours {
            match others.iter().position(|other| other == write) {
                Some(at) => {
                    others.remove(at);
                }
                None => differences.push(format!("{what} `{write}`")),
            }
        }
    }
    for op in &saved.operations {
        let Some(item) = saved
            .plan
            .projects
            .iter()
            .filter(|p| p.group_id.as_deref() == Some(op.group_id.as_str()))
            .flat_map(|p| &p.items)
            .find(|item| item.kind == op.kind && same_entry(item, op))
        else {
            continue;
        };
        for field in item.fields.iter().filter(|f| !f.sensitive) {
            let sent = op.fields.get(&field.field);
            let agrees = match (&field.after, sent) {
                (ValueDocument::Text(text), Some(Value::String(sent))) => text == sent,
                (ValueDocument::Bool(b), Some(Value::Bool(sent))) => b == sent,
                (ValueDocument::List(values), Some(Value::Array(sent))) => {
                    values.len() == sent.len()
                        && values
                            .iter()
                            .zip(sent)
                            .all(|(value, sent)| sent.as_str() == Some(value.as_str()))
                }
                (ValueDocument::None, None) => true,
                _ => op.action == Verb::Delete,
            };
            if !agrees {
                differences.push(format!(
                    "it shows `{}` of `{} {} in {}` with another value than it sends",
                    field.field,
                    op.action,
                    op.label(),
                    op.project
                ));
            }
        }
    }
    if differences.is_empty() {
        return saved
            .plan
            .check_derived()
            .map_err(|why| crate::printable::one_line(&why).into_owned());
    }
    let more = differences.len().saturating_sub(DIFFERENCES_SHOWN);
    differences.truncate(DIFFERENCES_SHOWN);
    if more > 0 {
        differences.push(format!("and {more} more"));
    }
    Err(crate::printable::one_line(&differences.join("; ")).into_owned())
}

/// How the check of a saved plan's parts names an item's write: as
/// [`SavedOperation::label`] names an operation's.
fn item_words(item: &ItemDocument) -> String {
    object::words(
        &item.kind,
        item.entry
            .as_ref()
            .map(|e| (e.target.as_str(), e.id.as_deref(), e.replaces.as_deref())),
    )
}

/// Whether an item and an operation are about the same log or metric
/// integration (both about none, for the others).
fn same_entry(item: &ItemDocument, op: &SavedOperation) -> bool {
    match (&item.entry, &op.entry) {
        (None, None) => true,
        (Some(shown), Some(held)) => shown.id == held.id && shown.target == held.key.join("/"),
        _ => false,
    }
}
