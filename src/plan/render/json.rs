//! The plan for machines.
//!
//! # Format (`format_version` 2)
//!
//! One JSON object, described by `schemas/plan.schema.json` (generated from
//! the types below). Field names are stable within a format version; new
//! fields may be added, and anything else bumps `format_version`. No secret
//! appears: sensitive values are Atlas-style masks. Version 2 named the
//! project keys as the apply report and the saved plan do (`group_id`,
//! `project`).
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
//!       "type": "PAGER_DUTY" | ...,
//!       "action": "create" | "update" | "delete" | "unchanged",
//!       "applies": bool,        // apply will make this change
//!       "report_only": null | "observe_mode" | "additive_never_deletes",
//!       "delete_reason": null | "not_declared" | "declared_absent",
//!       "rotation": bool,       // an update asked for by --rotate-secrets
//!       "fields": [ {           // create: every field set; update: the fields that differ;
//!                               // delete: the live fields
//!         "field": "serviceKey",
//!         "sensitive": bool,
//!         "before": VALUE, "after": VALUE,
//!         "rotated": bool       // unchanged, sent again by --rotate-secrets
//!       } ],
//!       "notes": [ { "kind": "not_verifiable" | "not_cleared", "field": name,
//!                    "live": VALUE (not_cleared only), "message": string } ],
//!       "errors": [ { "kind": "needs_api_v2" | "cannot_write_without", "field": name,
//!                     "message": string } ]
//!     } ],
//!     "unmanaged": [ { "type": "HIP_CHAT", "known": bool } ],
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
//! A VALUE is `null` (no value), a string or a boolean for plain fields, and
//! for sensitive fields `{"mask": "****9c0d"}` (as Atlas masks it) or
//! `{"write_only": true}` (a secret Atlas never returns, never shown).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::plan::types::{
    AlertCheck, AlertRef, Attribution, Change, DeleteReason, FieldChange, Item, ItemError, Note,
    Plan, ProjectPlan, ReportOnly, Shown, Unmanaged,
};
use crate::plan::{Refusal, Summary};

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
    /// `authoritative`, `additive` or `observe`.
    pub mode: String,
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
    /// The integration type, such as `PAGER_DUTY`.
    #[serde(rename = "type")]
    pub kind: String,
    pub action: ItemAction,
    /// Apply will make this change.
    pub applies: bool,
    pub report_only: Option<ReportOnlyReason>,
    pub delete_reason: Option<DeleteReasonName>,
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

/// What the plan does to one type: a write's verb, or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemAction {
    Create,
    Update,
    Delete,
    Unchanged,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportOnlyReason {
    ObserveMode,
    AdditiveNeverDeletes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeleteReasonName {
    NotDeclared,
    DeclaredAbsent,
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
/// `{"write_only": true}` (a secret Atlas never returns, never shown).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ValueDocument {
    Masked { mask: String },
    WriteOnly { write_only: bool },
    Text(String),
    Bool(bool),
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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemErrorDocument {
    pub kind: ItemErrorKind,
    pub field: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemErrorKind {
    NeedsApiV2,
    CannotWriteWithout,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmanagedDocument {
    #[serde(rename = "type")]
    pub kind: String,
    /// A type tether models (else newer, or retired like `HIP_CHAT`).
    pub known: bool,
}

/// The JSON rendering, pretty-printed, with a final newline.
pub fn json(plan: &Plan) -> String {
    crate::json::pretty(&PlanDocument::from(plan))
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
        mode: project.mode.as_str().to_owned(),
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
                document.alerts = project
                    .alert_refs(it.kind)
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
                known: matches!(u, Unmanaged::Known(_)),
            })
            .collect(),
    }
}

fn item(item: &Item) -> ItemDocument {
    let (fields, delete_reason, rotation) = match &item.change {
        Change::Create { fields, .. } => (fields.as_slice(), None, false),
        Change::Update {
            fields, rotation, ..
        } => (fields.as_slice(), None, *rotation),
        Change::Delete { reason, fields } => {
            let reason = match reason {
                DeleteReason::NotDeclared => DeleteReasonName::NotDeclared,
                DeleteReason::DeclaredAbsent => DeleteReasonName::DeclaredAbsent,
            };
            (fields.as_slice(), Some(reason), false)
        }
        Change::Unchanged => (&[][..], None, false),
    };
    ItemDocument {
        kind: item.kind.as_str().to_owned(),
        action: match item.change.verb() {
            Some(crate::plan::Verb::Create) => ItemAction::Create,
            Some(crate::plan::Verb::Update) => ItemAction::Update,
            Some(crate::plan::Verb::Delete) => ItemAction::Delete,
            None => ItemAction::Unchanged,
        },
        applies: item.applies(),
        report_only: item.report_only.map(|r| match r {
            ReportOnly::ObserveMode => ReportOnlyReason::ObserveMode,
            ReportOnly::AdditiveNeverDeletes => ReportOnlyReason::AdditiveNeverDeletes,
        }),
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
    };
    NoteDocument {
        kind,
        field: note.field().to_owned(),
        live,
        message: note.message(),
    }
}

fn item_error(error: &ItemError, item: &Item) -> ItemErrorDocument {
    let (kind, field) = match error {
        ItemError::NeedsApiV2 { field } => (ItemErrorKind::NeedsApiV2, field),
        ItemError::CannotWriteWithout { field } => (ItemErrorKind::CannotWriteWithout, field),
    };
    ItemErrorDocument {
        kind,
        field: (*field).to_owned(),
        message: error.message(item.kind),
    }
}

fn value(shown: &Shown) -> ValueDocument {
    match shown {
        Shown::None => ValueDocument::None,
        Shown::Text(text) => ValueDocument::Text(text.clone()),
        Shown::Bool(b) => ValueDocument::Bool(*b),
        Shown::Masked(mask) => ValueDocument::Masked { mask: mask.clone() },
        Shown::WriteOnly => ValueDocument::WriteOnly { write_only: true },
    }
}

/// A plan read back from its document (a saved plan's `plan`), to be shown
/// again: `tether show`. It is for showing only: its creates and updates
/// carry no values to write. `Err` says what in the document is not one
/// this tether writes.
pub fn plan_of(document: &PlanDocument) -> Result<Plan, String> {
    use crate::model::{Integration, IntegrationType, Mode};

    let projects = document
        .projects
        .iter()
        .map(|p| {
            let mode = Mode::ALL
                .into_iter()
                .find(|m| m.as_str() == p.mode)
                .ok_or_else(|| format!("unknown mode `{}`", p.mode))?;
            let id = p
                .group_id
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|_| format!("`{}` is not a project id", p.project))?;
            let outcome = match p.status {
                ProjectStatus::Failed => crate::plan::Outcome::Failed {
                    message: p.error.clone().unwrap_or_default(),
                },
                ProjectStatus::Planned => crate::plan::Outcome::Planned {
                    items: p.items.iter().map(item_of).collect::<Result<_, _>>()?,
                    unmanaged: p
                        .unmanaged
                        .iter()
                        .map(|u| match u.kind.parse::<IntegrationType>() {
                            Ok(kind) if u.known => Unmanaged::Known(kind),
                            _ => Unmanaged::Unknown(u.kind.clone()),
                        })
                        .collect(),
                },
            };
            let alerts = match (&p.alerts_error, p.alerts_checked) {
                (Some(reason), _) => Some(AlertCheck::Unavailable(reason.clone())),
                (None, true) => Some(AlertCheck::Listed(
                    p.items
                        .iter()
                        .filter(|i| !i.alerts.is_empty())
                        .filter_map(|i| {
                            let kind = i.kind.parse::<IntegrationType>().ok()?;
                            let refs = i
                                .alerts
                                .iter()
                                .map(|a| AlertRef {
                                    id: a.id.clone(),
                                    event_type: a.event_type.clone(),
                                    enabled: a.enabled,
                                })
                                .collect();
                            Some((kind, refs))
                        })
                        .collect(),
                )),
                (None, false) => None,
            };
            let attribution = p.attribution.as_ref().map(|a| match &a.error {
                Some(reason) => Attribution::Unavailable {
                    window_days: a.window_days,
                    reason: reason.clone(),
                },
                None => Attribution::Events {
                    window_days: a.window_days,
                    events: a
                        .events
                        .iter()
                        .map(|e| crate::model::ChangeEvent {
                            created: e.created.clone(),
                            event_type: e.event_type.clone(),
                            username: e.username.clone(),
                            public_key: e.public_key.clone(),
                            remote_address: e.remote_address.clone(),
                        })
                        .collect(),
                },
            });
            Ok(ProjectPlan {
                id,
                name: p.name.clone(),
                label: p.project.clone(),
                mode,
                outcome,
                selected_by: p.selected_by.clone(),
                attribution,
                alerts,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    return Ok(Plan {
        projects,
        unmanaged_projects: document.unmanaged_projects.clone(),
        refusals: document
            .refusals
            .iter()
            .map(|r| r.refusal.clone())
            .collect(),
    });

    fn item_of(item: &ItemDocument) -> Result<Item, String> {
        let kind: IntegrationType = item
            .kind
            .parse()
            .map_err(|_| format!("unknown integration type `{}`", item.kind))?;
        let field_name = |name: &str| -> Result<&'static str, String> {
            crate::model::spec(kind)
                .fields
                .iter()
                .find(|f| f.name == name)
                .map(|f| f.name)
                .ok_or_else(|| format!("`{kind}` has no field `{name}`"))
        };
        let fields = item
            .fields
            .iter()
            .map(|f| {
                Ok(FieldChange {
                    field: field_name(&f.field)?,
                    sensitive: f.sensitive,
                    before: shown(&f.before),
                    after: shown(&f.after),
                    rotated: f.rotated,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        // Shown, never written: no value to send.
        let nothing = || Integration {
            kind,
            fields: Vec::new(),
        };
        let change = match item.action {
            ItemAction::Create => Change::Create {
                desired: nothing(),
                fields,
            },
            ItemAction::Update => Change::Update {
                desired: nothing(),
                fields,
                rotation: item.rotation,
            },
            ItemAction::Delete => Change::Delete {
                reason: match item.delete_reason {
                    Some(DeleteReasonName::DeclaredAbsent) => DeleteReason::DeclaredAbsent,
                    _ => DeleteReason::NotDeclared,
                },
                fields,
            },
            ItemAction::Unchanged => Change::Unchanged,
        };
        let notes = item
            .notes
            .iter()
            .map(|n| {
                let field = field_name(&n.field)?;
                Ok(match n.kind {
                    NoteKind::NotVerifiable => Note::NotVerifiable { field },
                    NoteKind::NotCleared => Note::NotCleared {
                        field,
                        live: n.live.as_ref().map_or(Shown::None, shown),
                    },
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let errors = item
            .errors
            .iter()
            .map(|e| {
                let field = field_name(&e.field)?;
                Ok(match e.kind {
                    ItemErrorKind::NeedsApiV2 => ItemError::NeedsApiV2 { field },
                    ItemErrorKind::CannotWriteWithout => ItemError::CannotWriteWithout { field },
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Item {
            kind,
            change,
            report_only: item.report_only.map(|r| match r {
                ReportOnlyReason::ObserveMode => ReportOnly::ObserveMode,
                ReportOnlyReason::AdditiveNeverDeletes => ReportOnly::AdditiveNeverDeletes,
            }),
            notes,
            errors,
        })
    }

    fn shown(value: &ValueDocument) -> Shown {
        match value {
            ValueDocument::None => Shown::None,
            ValueDocument::Text(text) => Shown::Text(text.clone()),
            ValueDocument::Bool(b) => Shown::Bool(*b),
            ValueDocument::Masked { mask } => Shown::Masked(mask.clone()),
            ValueDocument::WriteOnly { .. } => Shown::WriteOnly,
        }
    }
}
