//! The saved plan of `plan --out`: what was reviewed, in a form that holds
//! no secret, and the check that the world has not moved since.
//!
//! Per operation it keeps a fingerprint of the live object the plan was
//! computed against, the non-secret fields it will send, and a salted hash of
//! each secret it will send. `apply PLAN` fetches the affected projects again
//! and refuses, naming the object, when any of these differ now.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::render::{PlanDocument, ValueDocument};
use super::{Plan, Verb};
use crate::model::{
    FieldValue, GroupId, Integration, IntegrationType, LiveIntegrations, LiveValue,
};
use crate::secret::Secret;

/// Version 2 holds the plan as `--output json` prints it, and names keys as
/// the plan and the apply report do (`group_id`).
pub const FORMAT_VERSION: u32 = 2;

/// What `tether plan --out` writes: the plan a reviewer saw, and per
/// operation what `apply PLAN` checks before writing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedPlan {
    pub format_version: u32,
    pub tether_version: String,
    /// `v1` or `v2`: a plan is applied through the API it was made with.
    pub api: String,
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
    /// The integration type, such as `PAGER_DUTY`.
    #[serde(rename = "type")]
    pub kind: String,
    pub action: Verb,
    /// Salted fingerprint of the live integration; null when it did not exist.
    pub live: Option<String>,
    /// The non-secret fields the PUT sends (Atlas's defaults included).
    pub fields: BTreeMap<String, Value>,
    /// Salted SHA-256 of each secret the PUT sends, by field.
    pub secrets: BTreeMap<String, String>,
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
    // It holds whatever Atlas returns in clear: hashed like a secret.
    Some(Secret::new(canonical).salted_hash(salt))
}

/// The non-secret fields and the salted secret hashes of a desired
/// integration, defaults filled in as the PUT sends them.
fn describe(
    desired: &Integration,
    hashes: &mut Hashes<'_>,
) -> (BTreeMap<String, Value>, BTreeMap<String, String>) {
    let mut fields = BTreeMap::new();
    let mut secrets = BTreeMap::new();
    for (spec, value) in desired.with_defaults().fields {
        // Whether a value is secret is the table's call, whatever its variant.
        let secret = match value {
            FieldValue::Bool(b) => {
                fields.insert(spec.name.to_owned(), Value::Bool(b));
                continue;
            }
            FieldValue::Text(text) if !spec.sensitive => {
                fields.insert(spec.name.to_owned(), Value::String(text));
                continue;
            }
            FieldValue::Text(text) => Secret::new(text),
            FieldValue::Secret(secret) => secret,
        };
        secrets.insert(spec.name.to_owned(), hashes.of(&secret));
    }
    (fields, secrets)
}

/// Salted hashes of secrets, each distinct value hashed once: the hash is
/// slow on purpose, and a fleet shares a few secrets across many projects.
struct Hashes<'a> {
    salt: &'a str,
    done: HashMap<Secret, String>,
}

impl<'a> Hashes<'a> {
    fn new(salt: &'a str) -> Self {
        Hashes {
            salt,
            done: HashMap::new(),
        }
    }

    fn of(&mut self, secret: &Secret) -> String {
        let salt = self.salt;
        self.done
            .entry(secret.clone())
            .or_insert_with(|| secret.salted_hash(salt))
            .clone()
    }
}

/// The saved form of a plan. `salt` is mixed into every hash; the caller
/// draws a fresh one per plan. `lives`
/// are the live states the plan was made against, by project id.
pub fn save(
    plan: &Plan,
    lives: &BTreeMap<GroupId, LiveIntegrations>,
    api: &str,
    rotate_secrets: bool,
    salt: String,
) -> SavedPlan {
    let mut hashes = Hashes::new(&salt);
    let operations = plan
        .operations()
        .into_iter()
        .map(|operation| {
            let (fields, secrets) = match operation.action.desired() {
                Some(desired) => describe(desired, &mut hashes),
                None => (BTreeMap::new(), BTreeMap::new()),
            };
            SavedOperation {
                live: lives
                    .get(&operation.group)
                    .and_then(|live| fingerprint(live, operation.kind, &salt)),
                project: operation.project,
                group_id: operation.group.to_string(),
                kind: operation.kind.to_string(),
                action: operation.action.verb(),
                fields,
                secrets,
            }
        })
        .collect();
    SavedPlan {
        format_version: FORMAT_VERSION,
        tether_version: env!("CARGO_PKG_VERSION").to_owned(),
        api: api.to_owned(),
        rotate_secrets,
        salt,
        plan: PlanDocument::from(plan),
        operations,
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
/// type, project), the plain values a write shows are those it sends, and
/// every count and flag follows from the items. `show` and `apply` render
/// the shown part and send the held part, so an edit of either is refused.
fn check_parts(saved: &SavedPlan) -> Result<(), String> {
    let plan = super::render::plan_of(&saved.plan)?;
    let write = |verb: Verb, kind: &str, project: &str, group: &str| {
        format!("{verb} {kind} in {project} [{group}]")
    };
    let mut shown: Vec<String> = plan
        .operations()
        .iter()
        .map(|op| write(op.verb(), op.kind.as_str(), &op.project, op.group.as_str()))
        .collect();
    let mut held: Vec<String> = saved
        .operations
        .iter()
        .map(|op| write(op.action, &op.kind, &op.project, &op.group_id))
        .collect();
    shown.sort();
    held.sort();
    let mut differences: Vec<String> = Vec::new();
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
            .find(|item| item.kind == op.kind)
        else {
            continue;
        };
        for field in item.fields.iter().filter(|f| !f.sensitive) {
            let sent = op.fields.get(&field.field);
            let agrees = match (&field.after, sent) {
                (ValueDocument::Text(text), Some(Value::String(sent))) => text == sent,
                (ValueDocument::Bool(b), Some(Value::Bool(sent))) => b == sent,
                (ValueDocument::None, None) => true,
                _ => op.action == Verb::Delete,
            };
            if !agrees {
                differences.push(format!(
                    "it shows `{}` of `{} {} in {}` with another value than it sends",
                    field.field, op.action, op.kind, op.project
                ));
            }
        }
    }
    if differences.is_empty() && super::render::PlanDocument::from(&plan) != saved.plan {
        differences.push("its counts or flags do not follow from its items".to_owned());
    }
    if differences.is_empty() {
        return Ok(());
    }
    let more = differences.len().saturating_sub(DIFFERENCES_SHOWN);
    differences.truncate(DIFFERENCES_SHOWN);
    if more > 0 {
        differences.push(format!("and {more} more"));
    }
    Err(crate::printable::one_line(&differences.join("; ")).into_owned())
}

/// Compares a saved plan with a plan made now. `Ok` holds the saved
/// operations still called for, as (project id, type); `Err` names
/// everything that moved.
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
    let now_by_object: BTreeMap<_, _> = now
        .operations()
        .into_iter()
        .map(|operation| ((operation.group.clone(), operation.kind), operation))
        .collect();
    let mut moved = Vec::new();
    let mut approved = BTreeSet::new();
    let mut hashes = Hashes::new(&saved.salt);
    for op in &saved.operations {
        let (Ok(group), Ok(kind)) = (
            op.group_id.parse::<GroupId>(),
            op.kind.parse::<IntegrationType>(),
        ) else {
            moved.push(format!(
                "the saved plan names an unknown object `{} {}`",
                op.group_id, op.kind
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
        let Some(operation) = current else {
            moved.push(format!(
                "{what}: the saved plan would {} it, but the file and Atlas no longer call for that",
                op.action
            ));
            continue;
        };
        if operation.verb() != op.action {
            moved.push(format!(
                "{what}: the saved plan would {} it, a plan now would {} it",
                op.action,
                operation.verb()
            ));
            continue;
        }
        if let Some(desired) = operation.action.desired() {
            let (fields, secrets) = describe(desired, &mut hashes);
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
