//! The plan's document: the one view every rendering reads (text, markdown
//! and JSON, of a plan made now or of a saved plan for `show` and `apply
//! PLAN`), and what `--output json` prints.
//!
//! # Format (`format_version` 2)
//!
//! One JSON object, described by `schemas/plan.schema.json` (generated from
//! the types below). Field names are stable within a format version; new
//! fields may be added, and anything else bumps `format_version`. No secret
//! appears: sensitive values are Atlas-style masks, and header values are
//! never in it. Version 2 named the project keys as the apply report and
//! the saved plan do (`group_id`, `project`); log and metric integrations
//! and the push-based log export came within it, as the fields `section`,
//! `entry`, `ids` and `unread` (a document without them is one of
//! integrations only).
//!
//! ```text
//! {
//!   "format_version": 2,
//!   "has_changes": bool,        // live differs from the file somewhere (report-only included)
//!   "has_errors": bool,         // some item has an error
//!   "summary": {
//!     "create": n, "update": n, "delete": n,   // what apply will do
//!     "unchanged": n,
//!     "report_only": n,         // differences apply will not act on
//!     "errors": n,              // items with errors
//!     "failed_projects": n,
//!     "unmanaged": n            // live integrations the file leaves alone
//!   },
//!   "projects": [ {
//!     "group_id": "24 hex" | null, // null only for a project that failed before its id was known
//!     "name": string | null,
//!     "project": string,        // "name (id)", or whichever is known
//!     "mode": "authoritative" | "additive" | "observe",
//!     "status": "planned" | "failed",
//!     "error": string | null,   // why a failed project could not be planned
//!     "deletes": n,             // deletes apply will send in this project
//!     "deletes_last_paging": bool,
//!     "items": [ {
//!       "type": "PAGER_DUTY" | ... | "S3_LOG_EXPORT" | ... | "OTEL" | "PUSH_BASED_LOG_EXPORT",
//!       "section": "integrations" | "log_integrations" | "metric_integrations"
//!                | "push_based_log_export",
//!       "entry": {              // log and metric integrations only
//!         "target": string,     // the identity fields joined by "/": bucket/prefix, endpoint...
//!         "id": string | null,  // the live entry's (null for a create)
//!         "replaces": string    // a create only: the pinned live entry it replaces
//!       },
//!       "action": "create" | "update" | "delete" | "unchanged",
//!       "applies": bool,        // apply will make this change
//!       "report_only": null | "observe_mode" | "additive_never_deletes",
//!       "delete_reason": null | "not_declared" | "declared_absent"
//!                      | "replaced",   // sent once the create that replaces it succeeded
//!       "rotation": bool,       // an update asked for by --rotate-secrets
//!       "fields": [ {           // create: every field set; update: the fields that differ;
//!                               // delete: the live fields
//!         "field": "serviceKey",
//!         "sensitive": bool,
//!         "before": VALUE, "after": VALUE,
//!         "rotated": bool       // unchanged, sent again by --rotate-secrets
//!       } ],
//!       "notes": [ { "kind": "not_verifiable" | "not_cleared"
//!                          | "deprecated" | "logs_twice",   // the push-based export's
//!                    "field": name,     // `push_based_log_export` for its notes
//!                    "live": VALUE,     // not_cleared: Atlas's value; logs_twice: the old prefix
//!                    "message": string } ],
//!       "errors": [ { "kind": "needs_api_v2" | "cannot_write_without"
//!                           | "ambiguous" | "pinned_id_not_found"   // field `id`
//!                           | "migration_without_s3",              // field `log_integrations`
//!                     "field": name,
//!                     "ids": [ string ],  // ambiguous: the live entries; pinned_id_not_found: the id
//!                     "message": string } ]
//!     } ],
//!     "unmanaged": [ { "type": "HIP_CHAT", "known": bool,
//!                      "entry": { "target", "id" } } ],   // a live log or metric integration
//!     "unread": [ { "section": "log_integrations" | "metric_integrations"
//!                              | "push_based_log_export",
//!                   "reason": string } ],   // not read (Project Owner needed): left out of the plan
//!     "attribution": null | {   // projects that differ from the file (unless --no-attribution)
//!       "window_days": 30,
//!       "events": [ { "created": "2026-12-02T06:20:02Z",   // newest first
//!                     "event_type": "INTEGRATION_CONFIGURED" | "INTEGRATION_REMOVED",
//!                     "username": string | null,           // a console user's e-mail
//!                     "public_key": string | null,         // an API key's public key
//!                     "remote_address": string | null } ],
//!       "error": string | null  // why the events could not be read (a note)
//!     },
//!     "alerts_checked": bool,   // the alert configurations were listed (the plan deletes here)
//!     "alerts_error": string | null  // why they could not be listed
//!   } ]
//! }
//! ```
//!
//! A delete item also lists `"alerts": [ { "id", "event_type", "enabled" } ]`:
//! the alert configurations with a notification that uses the integration.
//!
//! Items keep the plan's order; renderings group them by section. A header
//! list (`headers`, `otelSuppliedHeaders`) is a plain field whose VALUE is
//! the headers' names: their values are write-only, in no document.
//!
//! A VALUE is `null` (no value), a string, a boolean or a list of strings
//! (a set such as `logTypes`, or header names) for plain fields, and
//! for sensitive fields `{"mask": "****9c0d"}` (as Atlas masks it) or
//! `{"write_only": true}` (a secret Atlas never returns, never shown).

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::Mode;
use crate::plan::types::{
    Attribution, Change, Declared, FieldChange, Item, ItemError, Note, Plan, ProjectPlan, Shown,
    Subject, Unmanaged,
};
use crate::plan::{DeleteReason, ItemAction, Refusal, ReportOnly, Summary};

pub const FORMAT_VERSION: u32 = 2;

/// The plan as machines read it (`tether plan --output json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDocument {
    pub format_version: u32,
    /// Live state differs from the file somewhere (report-only included).
    pub has_changes: bool,
    /// Some item has an error.
    pub has_errors: bool,
    pub summary: Summary,
    pub projects: Vec<ProjectDocument>,
    /// Projects of the organizations `select` entries look at that no entry
    /// manages (`name (id)`), for information.
    #[serde(default)]
    pub unmanaged_projects: Vec<String>,
    /// The safety gates `tether apply` would refuse this plan by (exit 4,
    /// nothing written), with the settings of the run that made it; empty
    /// when apply would go ahead. Drift weighs none.
    #[serde(default)]
    pub refusals: Vec<RefusalDocument>,
}

/// One safety gate the plan trips.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefusalDocument {
    /// What apply would refuse, as one sentence.
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// The flags that let apply pass it (the file's `safety:` settings
    /// do too, for the limits).
    pub passed_by: Vec<String>,
    /// The gate and its figures.
    pub refusal: Refusal,
}

impl From<&Refusal> for RefusalDocument {
    fn from(refusal: &Refusal) -> Self {
        RefusalDocument {
            message: refusal.message(),
            hint: refusal.hint(),
            passed_by: refusal.passed_by(),
            refusal: refusal.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectDocument {
    /// The project's id; null only for a project that failed before its id
    /// was known.
    pub group_id: Option<String>,
    pub name: Option<String>,
    /// How output names the project: `name (id)`, or whichever is known.
    pub project: String,
    /// `file:line:col` of the `select` entry that brought the project in;
    /// null for a project the file names.
    #[serde(default)]
    pub selected_by: Option<String>,
    pub mode: Mode,
    pub status: ProjectStatus,
    /// Why a failed project could not be planned.
    pub error: Option<String>,
    /// Deletes apply will send in this project.
    pub deletes: usize,
    /// Apply would leave the project without a paging integration.
    pub deletes_last_paging: bool,
    pub items: Vec<ItemDocument>,
    /// Live integrations the file leaves alone, for information.
    pub unmanaged: Vec<UnmanagedDocument>,
    /// Who changed the project's integrations lately (Atlas's events), for
    /// a project that differs from the file; null when not looked up.
    #[serde(default)]
    pub attribution: Option<AttributionDocument>,
    /// The project's alert configurations were listed (the plan deletes an
    /// integration here); each delete item lists those that use it.
    #[serde(default)]
    pub alerts_checked: bool,
    /// Why the alert configurations could not be listed.
    #[serde(default)]
    pub alerts_error: Option<String>,
    /// Sections the file manages here that the credentials could not read
    /// (log and metric integrations need Project Owner).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<UnreadDocument>,
}

/// The last integration changes in a project: Atlas's events do not name
/// the integration, so they are per project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributionDocument {
    /// How far back the events were asked for.
    pub window_days: u32,
    /// Newest first.
    pub events: Vec<EventDocument>,
    /// Why the events could not be read (a note, not a failure).
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventDocument {
    /// ISO 8601, UTC.
    pub created: String,
    /// `INTEGRATION_CONFIGURED` or `INTEGRATION_REMOVED`.
    pub event_type: String,
    /// The console user's e-mail, for a change made in the Atlas UI.
    pub username: Option<String>,
    /// The API key's public key, for a change made through the API.
    pub public_key: Option<String>,
    pub remote_address: Option<String>,
}

/// An alert configuration that notifies through an integration (never its
/// notifications' settings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertDocument {
    pub id: String,
    pub event_type: String,
    pub enabled: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planned,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemDocument {
    /// The integration type, such as `PAGER_DUTY`; a log integration's type
    /// (`S3_LOG_EXPORT`), `OTEL` for a metric integration, or
    /// `PUSH_BASED_LOG_EXPORT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The file's section: `integrations`, `log_integrations`,
    /// `metric_integrations` or `push_based_log_export`.
    #[serde(default = "integrations_section")]
    pub section: String,
    /// For a log or metric integration: what it points at, and its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryDocument>,
    pub action: ItemAction,
    /// Apply will make this change.
    pub applies: bool,
    pub report_only: Option<ReportOnly>,
    pub delete_reason: Option<DeleteReason>,
    /// An update asked for by `--rotate-secrets`.
    pub rotation: bool,
    /// Create: every field set; update: the fields that differ; delete: the
    /// live fields.
    pub fields: Vec<FieldDocument>,
    pub notes: Vec<NoteDocument>,
    pub errors: Vec<ItemErrorDocument>,
    /// A delete: the alert configurations with a notification that uses the
    /// integration.
    #[serde(default)]
    pub alerts: Vec<AlertDocument>,
}

fn integrations_section() -> String {
    crate::plan::types::INTEGRATIONS_SECTION.to_owned()
}

/// Which log or metric integration an item is about: entries have no name,
/// so they are known by what they point at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryDocument {
    /// The values of the kind's identity fields joined by `/`: the bucket
    /// and prefix of S3 and GCS, the account, container and prefix of
    /// Azure, the endpoint or URL of OpenTelemetry, Splunk and metric
    /// integrations, the region of Datadog.
    pub target: String,
    /// The live entry's id (an update or delete); null for a create.
    pub id: Option<String>,
    /// A create whose declaration pins this live entry's id but points
    /// elsewhere: it replaces that entry, whose delete (`delete_reason`
    /// `replaced`) is sent only once the create has succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

impl EntryDocument {
    pub fn of(subject: &Subject) -> Option<Self> {
        match subject {
            Subject::Entry { key, id } => Some(EntryDocument {
                target: key.parts.join("/"),
                id: id.clone(),
                replaces: None,
            }),
            Subject::Integration(_) | Subject::PushBased => None,
        }
    }
}

/// A section of the file the credentials could not read in a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnreadDocument {
    pub section: String,
    /// What Atlas answered.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDocument {
    pub field: String,
    pub sensitive: bool,
    pub before: ValueDocument,
    pub after: ValueDocument,
    /// Unchanged, sent again by `--rotate-secrets`.
    pub rotated: bool,
}

/// A value as the plan shows it: `null`, a string or a boolean for plain
/// fields; for sensitive fields `{"mask": "****9c0d"}` (as Atlas masks it) or
/// `{"write_only": true}` (a secret Atlas never returns, never shown); a
/// list of strings for a set (`logTypes`) or the names of headers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ValueDocument {
    Masked { mask: String },
    WriteOnly { write_only: bool },
    Text(String),
    Bool(bool),
    List(Vec<String>),
    None,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteDocument {
    pub kind: NoteKind,
    pub field: String,
    /// The live value (`not_cleared` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<ValueDocument>,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    NotVerifiable,
    NotCleared,
    /// The pinned id is gone and the entry it was replaced by is planned
    /// instead (`field` is `id`; `live` lists the pinned id, then the live
    /// one to pin).
    PinMoved,
    /// The push-based log export is deprecated (`field` is
    /// `push_based_log_export`).
    Deprecated,
    /// The logs arrive twice while the push-based export and its S3 log
    /// integration both exist; `live` is the old export's `prefixPath`
    /// (left out when it has none).
    LogsTwice,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemErrorDocument {
    pub kind: ItemErrorKind,
    pub field: String,
    /// The live entries that match one declaration (`ambiguous`), or the
    /// id a declaration pins (`pinned_id_not_found`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemErrorKind {
    NeedsApiV2,
    CannotWriteWithout,
    /// Two live entries match one declaration (`field` is `id`).
    Ambiguous,
    /// The declaration's `id:` names no live entry (`field` is `id`).
    PinnedIdNotFound,
    /// The push-based log export would go without an S3 log integration
    /// (`field` is `log_integrations`).
    MigrationWithoutS3,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmanagedDocument {
    #[serde(rename = "type")]
    pub kind: String,
    /// A type tether models (else newer, or retired like `HIP_CHAT`).
    pub known: bool,
    /// A live log or metric integration the file leaves alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryDocument>,
}

impl From<&Plan> for PlanDocument {
    fn from(plan: &Plan) -> Self {
        PlanDocument {
            format_version: FORMAT_VERSION,
            has_changes: plan.has_changes(),
            has_errors: plan.has_errors(),
            summary: plan.summary(),
            projects: plan.projects.iter().map(project).collect(),
            unmanaged_projects: plan.unmanaged_projects.clone(),
            refusals: plan.refusals.iter().map(RefusalDocument::from).collect(),
        }
    }
}

fn project(project: &ProjectPlan) -> ProjectDocument {
    ProjectDocument {
        group_id: project.id.as_ref().map(ToString::to_string),
        name: project.name.clone(),
        project: project.label.clone(),
        selected_by: project.selected_by.clone(),
        mode: project.mode,
        status: if project.failure().is_some() {
            ProjectStatus::Failed
        } else {
            ProjectStatus::Planned
        },
        error: project.failure().map(str::to_owned),
        deletes: project.delete_count(),
        deletes_last_paging: project.deletes_last_paging(),
        items: project
            .items()
            .iter()
            .map(|it| {
                let mut document = item(it);
                if let Some(entry) = &mut document.entry {
                    entry.replaces = replaced_by(project, it);
                }
                document.alerts = it
                    .integration()
                    .map_or(&[][..], |kind| project.alert_refs(kind))
                    .iter()
                    .map(|alert| AlertDocument {
                        id: alert.id.clone(),
                        event_type: alert.event_type.clone(),
                        enabled: alert.enabled,
                    })
                    .collect();
                document
            })
            .collect(),
        attribution: project.attribution.as_ref().map(attribution),
        alerts_checked: project.alerts.is_some(),
        alerts_error: project.alerts_unavailable().map(str::to_owned),
        unmanaged: project
            .unmanaged()
            .iter()
            .map(|u| UnmanagedDocument {
                kind: u.type_name().to_owned(),
                known: !matches!(u, Unmanaged::Unknown(_)),
                entry: match u {
                    Unmanaged::Entry { key, id } => EntryDocument::of(&Subject::Entry {
                        key: key.clone(),
                        id: Some(id.clone()),
                    }),
                    Unmanaged::Known(_) | Unmanaged::Unknown(_) => None,
                },
            })
            .collect(),
        unread: project
            .unread
            .iter()
            .map(|unread| UnreadDocument {
                section: unread.section.to_owned(),
                reason: unread.reason.clone(),
            })
            .collect(),
    }
}

/// The live id a create replaces: its declaration pins an entry that the
/// project deletes as replaced.
fn replaced_by(project: &ProjectPlan, create: &Item) -> Option<String> {
    let Change::Create {
        desired: Declared::Entry(declared),
        ..
    } = &create.change
    else {
        return None;
    };
    let pinned = declared.id.as_deref()?;
    project
        .items()
        .iter()
        .any(|item| {
            item.subject.family() == create.subject.family()
                && matches!(&item.subject, Subject::Entry { id: Some(id), .. } if id == pinned)
                && matches!(
                    item.change,
                    Change::Delete {
                        reason: DeleteReason::Replaced,
                        ..
                    }
                )
        })
        .then(|| pinned.to_owned())
}

fn item(item: &Item) -> ItemDocument {
    let (fields, delete_reason, rotation) = match &item.change {
        Change::Create { fields, .. } => (fields.as_slice(), None, false),
        Change::Update {
            fields, rotation, ..
        } => (fields.as_slice(), None, *rotation),
        Change::Delete { reason, fields } => (fields.as_slice(), Some(*reason), false),
        Change::Unchanged => (&[][..], None, false),
    };
    ItemDocument {
        kind: item.subject.type_name().to_owned(),
        section: item.subject.section().to_owned(),
        entry: EntryDocument::of(&item.subject),
        action: item.change.action(),
        applies: item.applies(),
        report_only: item.report_only,
        delete_reason,
        rotation,
        fields: fields.iter().map(field).collect(),
        notes: item.notes.iter().map(note).collect(),
        errors: item
            .errors
            .iter()
            .map(|error| item_error(error, item))
            .collect(),
        alerts: Vec::new(),
    }
}

fn attribution(attribution: &Attribution) -> AttributionDocument {
    match attribution {
        Attribution::Events {
            window_days,
            events,
        } => AttributionDocument {
            window_days: *window_days,
            events: events
                .iter()
                .map(|e| EventDocument {
                    created: e.created.clone(),
                    event_type: e.event_type.clone(),
                    username: e.username.clone(),
                    public_key: e.public_key.clone(),
                    remote_address: e.remote_address.clone(),
                })
                .collect(),
            error: None,
        },
        Attribution::Unavailable {
            window_days,
            reason,
        } => AttributionDocument {
            window_days: *window_days,
            events: Vec::new(),
            error: Some(reason.clone()),
        },
    }
}

fn field(change: &FieldChange) -> FieldDocument {
    FieldDocument {
        field: change.field.to_owned(),
        sensitive: change.sensitive,
        before: value(&change.before),
        after: value(&change.after),
        rotated: change.rotated,
    }
}

fn note(note: &Note) -> NoteDocument {
    let (kind, live) = match note {
        Note::NotVerifiable { .. } => (NoteKind::NotVerifiable, None),
        Note::NotCleared { live, .. } => (NoteKind::NotCleared, Some(value(live))),
        Note::PinMoved { pinned, now } => (
            NoteKind::PinMoved,
            Some(ValueDocument::List(vec![pinned.clone(), now.clone()])),
        ),
        Note::Deprecated => (NoteKind::Deprecated, None),
        // No `live` when the old export has no prefix: a `null` would read
        // back as no `live` at all.
        Note::LogsTwice { prefix } => {
            (NoteKind::LogsTwice, prefix.clone().map(ValueDocument::Text))
        }
    };
    NoteDocument {
        kind,
        field: note.field().to_owned(),
        live,
        message: note.message(),
    }
}

fn item_error(error: &ItemError, item: &Item) -> ItemErrorDocument {
    let (kind, field, ids) = match error {
        ItemError::NeedsApiV2 { field } => (ItemErrorKind::NeedsApiV2, *field, Vec::new()),
        ItemError::CannotWriteWithout { field } => {
            (ItemErrorKind::CannotWriteWithout, *field, Vec::new())
        }
        ItemError::Ambiguous { ids } => (ItemErrorKind::Ambiguous, "id", ids.clone()),
        ItemError::PinnedIdNotFound { id } => {
            (ItemErrorKind::PinnedIdNotFound, "id", vec![id.clone()])
        }
        ItemError::MigrationWithoutS3 => (
            ItemErrorKind::MigrationWithoutS3,
            "log_integrations",
            Vec::new(),
        ),
    };
    ItemErrorDocument {
        kind,
        field: field.to_owned(),
        ids,
        message: error.message(&item.subject),
    }
}

fn value(shown: &Shown) -> ValueDocument {
    match shown {
        Shown::None => ValueDocument::None,
        Shown::Text(text) => ValueDocument::Text(text.clone()),
        Shown::Bool(b) => ValueDocument::Bool(*b),
        Shown::Masked(mask) => ValueDocument::Masked { mask: mask.clone() },
        Shown::WriteOnly => ValueDocument::WriteOnly { write_only: true },
        Shown::List(values) => ValueDocument::List(values.clone()),
    }
}

/// What a rendering reads: the document of a plan made now, or the one a
/// saved plan holds.
pub trait AsDocument {
    fn document(&self) -> Cow<'_, PlanDocument>;
}

impl AsDocument for Plan {
    fn document(&self) -> Cow<'_, PlanDocument> {
        Cow::Owned(PlanDocument::from(self))
    }
}

impl AsDocument for PlanDocument {
    fn document(&self) -> Cow<'_, PlanDocument> {
        Cow::Borrowed(self)
    }
}

impl PlanDocument {
    pub fn has_failures(&self) -> bool {
        self.projects.iter().any(|p| p.failure().is_some())
    }
}

impl ProjectDocument {
    pub fn failure(&self) -> Option<&str> {
        match self.status {
            ProjectStatus::Failed => Some(self.error.as_deref().unwrap_or_default()),
            ProjectStatus::Planned => None,
        }
    }

    pub fn has_changes(&self) -> bool {
        self.items.iter().any(ItemDocument::is_change)
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|item| !item.errors.is_empty())
    }

    /// Whether anything beyond "all unchanged" is worth showing. Notes alone
    /// are not: they stay true run after run (a Prometheus password is never
    /// verifiable), and would otherwise put every such project in full.
    pub fn is_noteworthy(&self) -> bool {
        self.failure().is_some()
            || !self.unmanaged.is_empty()
            || !self.unread.is_empty()
            || self.items.iter().any(|item| {
                item.is_change()
                    || !item.errors.is_empty()
                    // The file should pin another id: something to do.
                    || item.notes.iter().any(|note| note.kind == NoteKind::PinMoved)
            })
    }

    /// Counts over this project.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            failed_projects: usize::from(self.failure().is_some()),
            unmanaged: self.unmanaged.len(),
            ..Summary::default()
        };
        for item in &self.items {
            summary.count_item(
                item.action,
                item.report_only.is_some(),
                !item.errors.is_empty(),
            );
        }
        summary
    }

    /// The items apply deletes here.
    fn applied_deletes(&self) -> impl Iterator<Item = &ItemDocument> {
        self.items
            .iter()
            .filter(|item| item.applies && item.action == ItemAction::Delete)
    }

    /// Per type apply deletes here, the enabled alert configurations that
    /// notify through it and would be left without that destination.
    pub fn orphaned_alerts(&self) -> Vec<(&str, Vec<&AlertDocument>)> {
        self.applied_deletes()
            .filter_map(|item| {
                let enabled: Vec<_> = item.alerts.iter().filter(|a| a.enabled).collect();
                (!enabled.is_empty()).then_some((item.kind.as_str(), enabled))
            })
            .collect()
    }

    /// Whether apply deletes here although the project's alert
    /// configurations could not be listed.
    pub fn deletes_unchecked(&self) -> bool {
        self.alerts_error.is_some() && self.applied_deletes().next().is_some()
    }
}

impl ItemDocument {
    /// Whether live state differs from the file for this type.
    pub fn is_change(&self) -> bool {
        self.action != ItemAction::Unchanged
    }
}
