//! The plan for machines.
//!
//! # Format (`format_version` 1)
//!
//! One JSON object. Field names are stable within a format version; new
//! fields may be added, and anything else bumps `format_version`. No secret
//! appears: sensitive values are Atlas-style masks.
//!
//! ```text
//! {
//!   "format_version": 1,
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
//!     "id": "24 hex" | null,    // null only for a project that failed before its id was known
//!     "name": string | null,
//!     "label": string,          // "name (id)", or whichever is known
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
//!       "errors": [ { "kind": "needs_api_v2" | "cannot_create_without", "field": name,
//!                     "message": string } ]
//!     } ],
//!     "unmanaged": [ { "type": "HIP_CHAT", "known": bool } ]
//!   } ]
//! }
//! ```
//!
//! A VALUE is `null` (no value), a string or a boolean for plain fields, and
//! for sensitive fields `{"mask": "****9c0d"}` (as Atlas masks it) or
//! `{"write_only": true}` (a secret Atlas never returns, never shown).

use serde_json::{Value, json};

use crate::plan::types::{
    Change, DeleteReason, FieldChange, Item, ItemError, Note, Plan, ProjectPlan, ReportOnly, Shown,
    Unmanaged,
};

pub const FORMAT_VERSION: u32 = 1;

/// The JSON rendering, pretty-printed, with a final newline.
pub fn json(plan: &Plan) -> String {
    let summary = plan.summary();
    let document = json!({
        "format_version": FORMAT_VERSION,
        "has_changes": plan.has_changes(),
        "has_errors": plan.has_errors(),
        "summary": {
            "create": summary.create,
            "update": summary.update,
            "delete": summary.delete,
            "unchanged": summary.unchanged,
            "report_only": summary.report_only,
            "errors": summary.errors,
            "failed_projects": summary.failed_projects,
            "unmanaged": summary.unmanaged,
        },
        "projects": plan.projects.iter().map(project).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn project(project: &ProjectPlan) -> Value {
    json!({
        "id": project.id.as_ref().map(|id| id.as_str()),
        "name": project.name,
        "label": project.label,
        "mode": project.mode.as_str(),
        "status": if project.failure().is_some() { "failed" } else { "planned" },
        "error": project.failure(),
        "deletes": project.delete_count(),
        "deletes_last_paging": project.deletes_last_paging(),
        "items": project.items().iter().map(item).collect::<Vec<_>>(),
        "unmanaged": project.unmanaged().iter().map(|u| json!({
            "type": u.type_name(),
            "known": matches!(u, Unmanaged::Known(_)),
        })).collect::<Vec<_>>(),
    })
}

fn item(item: &Item) -> Value {
    let (action, fields, delete_reason, rotation) = match &item.change {
        Change::Create { fields, .. } => ("create", fields.as_slice(), None, false),
        Change::Update {
            fields, rotation, ..
        } => ("update", fields.as_slice(), None, *rotation),
        Change::Delete { reason, fields } => {
            let reason = match reason {
                DeleteReason::NotDeclared => "not_declared",
                DeleteReason::DeclaredAbsent => "declared_absent",
            };
            ("delete", fields.as_slice(), Some(reason), false)
        }
        Change::Unchanged => ("unchanged", &[][..], None, false),
    };
    let report_only = item.report_only.map(|r| match r {
        ReportOnly::ObserveMode => "observe_mode",
        ReportOnly::AdditiveNeverDeletes => "additive_never_deletes",
    });
    json!({
        "type": item.kind.as_str(),
        "action": action,
        "applies": item.applies(),
        "report_only": report_only,
        "delete_reason": delete_reason,
        "rotation": rotation,
        "fields": fields.iter().map(field).collect::<Vec<_>>(),
        "notes": item.notes.iter().map(note).collect::<Vec<_>>(),
        "errors": item.errors.iter().map(|e| error(e, item)).collect::<Vec<_>>(),
    })
}

fn field(change: &FieldChange) -> Value {
    json!({
        "field": change.field,
        "sensitive": change.sensitive,
        "before": value(&change.before),
        "after": value(&change.after),
        "rotated": change.rotated,
    })
}

fn note(note: &Note) -> Value {
    match note {
        Note::NotVerifiable { field } => json!({
            "kind": "not_verifiable",
            "field": field,
            "message": note.message(),
        }),
        Note::NotCleared { field, live } => json!({
            "kind": "not_cleared",
            "field": field,
            "live": value(live),
            "message": note.message(),
        }),
    }
}

fn error(error: &ItemError, item: &Item) -> Value {
    let (kind, field) = match error {
        ItemError::NeedsApiV2 { field } => ("needs_api_v2", field),
        ItemError::CannotCreateWithout { field } => ("cannot_create_without", field),
    };
    json!({
        "kind": kind,
        "field": field,
        "message": error.message(item.kind),
    })
}

fn value(shown: &Shown) -> Value {
    match shown {
        Shown::None => Value::Null,
        Shown::Text(text) => Value::String(text.clone()),
        Shown::Bool(b) => Value::Bool(*b),
        Shown::Masked(mask) => json!({ "mask": mask }),
        Shown::WriteOnly => json!({ "write_only": true }),
    }
}
