//! The saved plan of `plan --out`: what was reviewed, in a form that holds
//! no secret, and the check that the world has not moved since.
//!
//! Per operation it keeps a fingerprint of the live object the plan was
//! computed against (a keyed SHA-256), the non-secret fields it will send,
//! and a salted Argon2id hash of each secret it will send. `apply PLAN`
//! fetches the affected projects again: an operation whose target already
//! holds what it sends is already applied; any other operation is refused,
//! naming the object, when one of these differs now.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use sha2::{Digest, Sha256};

use super::render::{PlanDocument, ValueDocument};
use super::{Declared, Plan, PlanOptions, Verb, plan_project};
use crate::model::{
    ApiVersion, DesiredProject, FieldValue, GroupId, Integration, IntegrationType,
    LiveIntegrations, LiveValue, Mode, Origin, ProjectRef, Slot,
};
use crate::secret::{Secret, shows_only_mask};

/// Version 2 holds the plan as `--output json` prints it, and names keys as
/// the plan and the apply report do (`group_id`). Version 3 fingerprints the
/// live object with a keyed SHA-256, a secret Atlas returned in clear hashed
/// with Argon2id first (see [`fingerprint`]).
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
    /// The integration type, such as `PAGER_DUTY`.
    #[serde(rename = "type")]
    pub kind: String,
    pub action: Verb,
    /// Salted fingerprint of the live integration (SHA-256 of the salt and
    /// its fields, a secret Atlas returned in clear by its Argon2id hash);
    /// null when it did not exist.
    pub live: Option<String>,
    /// The non-secret fields the PUT sends (Atlas's defaults included).
    pub fields: BTreeMap<String, Value>,
    /// Salted Argon2id hash of each secret the PUT sends, by field.
    pub secrets: BTreeMap<String, String>,
}

/// A fingerprint of an integration as Atlas listed it, salted. Plain fields
/// and Atlas's masks are no secrets: they go into one fast keyed hash. A
/// secret field whose value is anything but a mask (Atlas returns some in
/// clear, and any answer may) enters it only as its Argon2id hash, computed
/// once per distinct value.
fn fingerprint(
    live: &LiveIntegrations,
    kind: IntegrationType,
    hashes: &mut Hashes<'_>,
) -> Option<String> {
    let integration = live.known.get(&kind)?;
    let mut canonical = format!("{kind}\nid={:?}\n", integration.id);
    for (spec, value) in &integration.fields {
        let shown = match value {
            LiveValue::Bool(b) => b.to_string(),
            LiveValue::Text(text) if spec.sensitive && !shows_only_mask(text) => {
                format!("argon2id:{}", hashes.of(&Secret::new(text.as_str())))
            }
            LiveValue::Text(text) => format!("{text:?}"),
        };
        canonical.push_str(&format!("{}={shown}\n", spec.name));
    }
    Some(keyed_hash(hashes.salt, &canonical))
}

/// SHA-256 of the salt's length, the salt and `text`, hex.
fn keyed_hash(salt: &str, text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update((salt.len() as u64).to_be_bytes());
    hasher.update(salt.as_bytes());
    hasher.update(text.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

    /// How many Argon2id hashes were computed.
    #[cfg(test)]
    fn computed(&self) -> usize {
        self.done.len()
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
    api: ApiVersion,
    rotate_secrets: bool,
    salt: String,
) -> SavedPlan {
    let mut hashes = Hashes::new(&salt);
    let operations: Vec<SavedOperation> = plan
        .operations()
        .into_iter()
        .filter_map(|operation| {
            let kind = operation.subject.integration()?;
            let (fields, secrets) = match operation.action.desired().and_then(Declared::integration)
            {
                Some(desired) => describe(desired, &mut hashes),
                None => (BTreeMap::new(), BTreeMap::new()),
            };
            Some(SavedOperation {
                live: lives
                    .get(&operation.group)
                    .and_then(|live| fingerprint(live, kind, &mut hashes)),
                project: operation.project,
                group_id: operation.group.to_string(),
                kind: kind.to_string(),
                action: operation.action.verb(),
                fields,
                secrets,
            })
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
    let write = |verb: Verb, kind: &str, project: &str, group: &str| {
        format!("{verb} {kind} in {project} [{group}]")
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
                        &item.kind,
                        &project.project,
                        group,
                    ))
                })
        })
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

/// What `apply PLAN` finds now: a plan made from the same file and Atlas,
/// the live state it was made against, and what the file declares.
pub struct Now<'a> {
    pub plan: &'a Plan,
    pub lives: &'a BTreeMap<GroupId, LiveIntegrations>,
    /// Every integration the file declares present, by project and type.
    pub declared: &'a BTreeMap<(GroupId, IntegrationType), Integration>,
    pub options: PlanOptions,
}

/// The saved operations that pass the check.
#[derive(Debug, Default)]
pub struct Checked {
    /// Still to send, as (project id, type).
    pub send: BTreeSet<(GroupId, IntegrationType)>,
    /// Already applied: the target holds what they send. By index into the
    /// saved operations.
    pub already_applied: Vec<(usize, GroupId, IntegrationType)>,
}

/// Compares a saved plan with what is found now. An operation whose object
/// changed in Atlas since the plan is already applied when the object now
/// holds what it sends (a delete: the object is gone), and refused
/// otherwise. One whose object did not change must still be called for by
/// a plan made now, with the same verb, fields and secrets. `Err` names
/// everything that moved.
pub fn check(saved: &SavedPlan, now: &Now<'_>) -> Result<Checked, Vec<String>> {
    if saved.api != now.options.api {
        return Err(vec![format!(
            "the plan was made with `--api {}`; apply it with the same",
            saved.api
        )]);
    }
    // What a plan made now would do, per object, computed once.
    let now_by_object: BTreeMap<_, _> = now
        .plan
        .operations()
        .into_iter()
        .filter_map(|operation| {
            Some((
                (operation.group.clone(), operation.subject.integration()?),
                operation,
            ))
        })
        .collect();
    let mut moved = Vec::new();
    let mut checked = Checked::default();
    let mut hashes = Hashes::new(&saved.salt);
    for (index, op) in saved.operations.iter().enumerate() {
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
        let live = now.lives.get(&group);
        let live_now = live.and_then(|live| fingerprint(live, kind, &mut hashes));
        if live_now != op.live {
            if live.is_some_and(|live| holds(op, (&group, kind), live, now, &mut hashes)) {
                checked.already_applied.push((index, group, kind));
            } else {
                moved.push(format!("{what} changed in Atlas since the plan was made"));
            }
            continue;
        }
        let Some(operation) = now_by_object.get(&(group.clone(), kind)) else {
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
        if let Some(desired) = operation.action.desired().and_then(Declared::integration) {
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
        checked.send.insert((group, kind));
    }
    if moved.is_empty() {
        Ok(checked)
    } else {
        Err(moved)
    }
}

/// Whether `live` holds what the saved operation sends: a delete's object
/// is gone; a create's or update's is there, the file still declares what
/// the operation sends (same fields, secrets of the same hashes), and
/// planning that declaration against `live` finds nothing to change.
fn holds(
    op: &SavedOperation,
    (group, kind): (&GroupId, IntegrationType),
    live: &LiveIntegrations,
    now: &Now<'_>,
    hashes: &mut Hashes<'_>,
) -> bool {
    if op.action == Verb::Delete {
        return !live.known.contains_key(&kind);
    }
    let Some(declared) = now.declared.get(&(group.clone(), kind)) else {
        return false;
    };
    let (fields, secrets) = describe(declared, hashes);
    if fields != op.fields || secrets != op.secrets || !live.known.contains_key(&kind) {
        return false;
    }
    let only_this = DesiredProject {
        project: ProjectRef::Id(group.clone()),
        mode: Mode::Additive,
        integrations: BTreeMap::from([(kind, Slot::Present(declared.clone()))]),
        families: Default::default(),
        origin: Origin::default(),
        selected_by: None,
    };
    let options = PlanOptions {
        rotate_secrets: false,
        ..now.options
    };
    plan_project(group, None, &only_this, live, &options)
        .items()
        .iter()
        .find(|item| item.integration() == Some(kind))
        .is_some_and(|item| !item.is_change() && item.errors.is_empty())
}

#[cfg(test)]
mod fingerprint_tests {
    use super::{Hashes, fingerprint};
    use crate::model::{IntegrationType, LiveIntegration, LiveIntegrations, LiveValue, spec};
    use crate::secret::mask;

    const SALT: &str = "0123456789abcdef0123456789abcdef";

    fn live(kind: IntegrationType, fields: &[(&str, &str)]) -> LiveIntegrations {
        let table = spec(kind);
        let fields = fields
            .iter()
            .map(|(name, value)| {
                let field = table.field(name).expect("a field of the type");
                (field, LiveValue::Text((*value).to_owned()))
            })
            .collect();
        let integration = LiveIntegration {
            kind,
            id: Some("id-1".to_owned()),
            fields,
            unmodelled: Vec::new(),
        };
        LiveIntegrations {
            known: [(kind, integration)].into(),
            unknown_types: Vec::new(),
        }
    }

    fn pager_duty(key: &str) -> LiveIntegrations {
        live(
            IntegrationType::PagerDuty,
            &[("serviceKey", &mask(key)), ("region", "US")],
        )
    }

    fn new_relic(license: &str) -> LiveIntegrations {
        live(
            IntegrationType::NewRelic,
            &[
                ("accountId", "a".repeat(40).as_str()),
                ("licenseKey", license),
                ("readToken", "read-token-in-clear-0001"),
                ("writeToken", "write-token-in-clear-0001"),
            ],
        )
    }

    #[test]
    fn masks_and_plain_fields_are_fingerprinted_without_argon2id() {
        let mut hashes = Hashes::new(SALT);
        let fingerprints: Vec<_> = (0..1000)
            .map(|i| {
                let key = format!("pagerduty-key-of-project-{i:05}");
                fingerprint(&pager_duty(&key), IntegrationType::PagerDuty, &mut hashes)
            })
            .collect();
        assert_eq!(hashes.computed(), 0);
        assert_ne!(
            fingerprints[0], fingerprints[1],
            "another mask, another print"
        );
        assert_eq!(
            fingerprints[0],
            fingerprint(
                &pager_duty("pagerduty-key-of-project-00000"),
                IntegrationType::PagerDuty,
                &mut hashes
            )
        );
    }

    #[test]
    fn secrets_atlas_returns_in_clear_are_argon2id_hashed_once_per_value() {
        let mut hashes = Hashes::new(SALT);
        let license = "b".repeat(40);
        let first = fingerprint(&new_relic(&license), IntegrationType::NewRelic, &mut hashes);
        for _ in 0..100 {
            let again = fingerprint(&new_relic(&license), IntegrationType::NewRelic, &mut hashes);
            assert_eq!(again, first);
        }
        // licenseKey, readToken and writeToken: one hash each.
        assert_eq!(hashes.computed(), 3);
        let other = fingerprint(
            &new_relic(&"c".repeat(40)),
            IntegrationType::NewRelic,
            &mut hashes,
        );
        assert_eq!(hashes.computed(), 4);
        assert_ne!(other, first);
    }

    #[test]
    fn a_value_in_a_masked_field_that_is_no_mask_is_hashed_as_a_secret() {
        let mut hashes = Hashes::new(SALT);
        let clear = live(
            IntegrationType::PagerDuty,
            &[("serviceKey", "a-key-atlas-sent-in-clear-01")],
        );
        let print = fingerprint(&clear, IntegrationType::PagerDuty, &mut hashes);
        assert!(print.is_some());
        assert_eq!(hashes.computed(), 1);
    }
}
