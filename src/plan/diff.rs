//! The planner: the file's view of a project against Atlas's, to a
//! `ProjectPlan`. Pure: no I/O, no clock, no environment.
//!
//! Rules beyond docs/plans.md, "How a plan reads":
//! - A field the file leaves out that has no Atlas default while Atlas has a
//!   value is a `Note::NotCleared`, not a change: Atlas's PUT writes only the
//!   fields it is sent, so no plan of tether's could clear it. Fields that
//!   are only needed to create (SLACK `apiToken`) are left out on purpose and
//!   get no note.
//! - Without v2 fields (`PlanOptions::api` v1), v2-only fields are
//!   neither compared nor shown; a file that sets one to anything but Atlas's
//!   default gets an error on that item rather than a silent skip.
//! - A type declared `absent` and live is a delete in an authoritative
//!   project; in an additive project it is shown as a delete that apply will
//!   not make (report-only: additive never deletes), so drift still sees it.
//! - An observe project is diffed like an additive one (undeclared live types
//!   are unmanaged, not deleted), and every difference is report-only.
//!   `--rotate-secrets` asks for writes, so it has no effect there, and a
//!   create that could not be made is not an error there.

use super::compare::{Comparison, compare, show_desired, show_live};
use super::types::{
    Change, Declared, DeleteReason, FieldChange, Item, ItemError, Note, ProjectPlan, ReportOnly,
    Shown, Subject, Unmanaged,
};
use crate::model::ApiVersion;
use crate::model::{
    DesiredProject, FieldSpec, GroupId, Integration, IntegrationType, LiveIntegration,
    LiveIntegrations, Mode, ReadBack, Required, Slot, spec,
};

/// Choices that change how a plan is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanOptions {
    /// `--rotate-secrets`: PUT every declared integration that carries a
    /// secret, even when the masks match.
    pub rotate_secrets: bool,
    /// The API in use: only v2 returns and accepts v2-only fields.
    pub api: ApiVersion,
}

/// Plans one project: one item per type that is declared or live, in
/// `IntegrationType` order; live types the file leaves alone as unmanaged.
pub fn plan_project(
    group: &GroupId,
    name: Option<&str>,
    desired: &DesiredProject,
    live: &LiveIntegrations,
    options: &PlanOptions,
) -> ProjectPlan {
    let mode = desired.mode;
    let mut items = Vec::new();
    let mut unmanaged = Vec::new();
    for kind in IntegrationType::ALL {
        let live_integration = live.known.get(&kind);
        let item = match (desired.integrations.get(&kind), live_integration) {
            (None | Some(Slot::Absent), None) => continue,
            (None, Some(live_integration)) => match mode {
                Mode::Authoritative => {
                    delete(live_integration, DeleteReason::NotDeclared, None, options)
                }
                Mode::Additive | Mode::Observe => {
                    unmanaged.push(Unmanaged::Known(kind));
                    continue;
                }
            },
            (Some(Slot::Absent), Some(live_integration)) => {
                let report_only = match mode {
                    Mode::Authoritative => None,
                    Mode::Additive => Some(ReportOnly::AdditiveNeverDeletes),
                    Mode::Observe => Some(ReportOnly::ObserveMode),
                };
                delete(
                    live_integration,
                    DeleteReason::DeclaredAbsent,
                    report_only,
                    options,
                )
            }
            (Some(Slot::Present(integration)), None) => create(integration, mode, options),
            (Some(Slot::Present(integration)), Some(live_integration)) => {
                update(integration, live_integration, mode, options)
            }
        };
        items.push(item);
    }
    unmanaged.extend(live.unknown_types.iter().cloned().map(Unmanaged::Unknown));
    if mode == Mode::Observe {
        for item in items.iter_mut().filter(|item| item.is_change()) {
            item.report_only = Some(ReportOnly::ObserveMode);
        }
    }
    ProjectPlan::planned(group.clone(), name, mode, items, unmanaged)
}

fn create(integration: &Integration, mode: Mode, options: &PlanOptions) -> Item {
    let fields = whole_object(
        &integration.with_defaults().fields,
        options,
        |field, value| (Shown::None, show_desired(field, value)),
    );
    let mut errors = v2_errors(integration, options);
    if mode != Mode::Observe {
        errors.extend(missing_for_write(integration));
    }
    Item {
        subject: Subject::Integration(integration.kind),
        change: Change::Create {
            desired: Declared::Integration(integration.clone()),
            fields,
        },
        report_only: None,
        notes: Vec::new(),
        errors,
    }
}

fn update(
    integration: &Integration,
    live: &LiveIntegration,
    mode: Mode,
    options: &PlanOptions,
) -> Item {
    let normalized = integration.with_defaults();
    let rotate = options.rotate_secrets && mode != Mode::Observe && integration.has_secret();
    let mut fields = Vec::new();
    let mut notes = Vec::new();
    for field in spec(integration.kind).fields {
        if field.v2_only && !options.api.has_v2_fields() {
            continue;
        }
        let desired_value = normalized.get(field.name);
        let live_value = live
            .get(field.name)
            .cloned()
            .or_else(|| field.live_default());
        let before = || {
            live_value
                .as_ref()
                .map_or(Shown::None, |v| show_live(field, v))
        };
        let rotated = |after: Shown| FieldChange {
            field: field.name,
            sensitive: true,
            before: before(),
            after,
            rotated: true,
        };
        match (desired_value, &live_value) {
            (Some(value), _) if field.read_back == ReadBack::Never => {
                if rotate {
                    fields.push(FieldChange {
                        before: Shown::WriteOnly,
                        ..rotated(show_desired(field, value))
                    });
                } else {
                    notes.push(Note::NotVerifiable { field: field.name });
                }
            }
            (None, None) => {}
            (None, Some(value)) => {
                if field.required != Required::ToWrite {
                    notes.push(Note::NotCleared {
                        field: field.name,
                        live: show_live(field, value),
                    });
                }
            }
            (Some(value), None) => fields.push(FieldChange {
                field: field.name,
                sensitive: field.sensitive,
                before: Shown::None,
                after: show_desired(field, value),
                rotated: false,
            }),
            (Some(value), Some(current)) => match compare(field, value, current) {
                Comparison::Different => fields.push(FieldChange {
                    field: field.name,
                    sensitive: field.sensitive,
                    before: before(),
                    after: show_desired(field, value),
                    rotated: false,
                }),
                Comparison::Same if rotate && field.sensitive => {
                    fields.push(rotated(show_desired(field, value)));
                }
                Comparison::Same => {}
            },
        }
    }
    let mut errors = v2_errors(integration, options);
    let change = if fields.is_empty() {
        Change::Unchanged
    } else {
        if mode != Mode::Observe {
            errors.extend(missing_for_write(integration));
        }
        Change::Update {
            desired: Declared::Integration(integration.clone()),
            // "Rotation" only when nothing but the rotation asks for the PUT.
            rotation: rotate && fields.iter().all(|f| f.rotated),
            fields,
        }
    };
    Item {
        subject: Subject::Integration(integration.kind),
        change,
        report_only: None,
        notes,
        errors,
    }
}

/// Fields Atlas needs in every write body that the file leaves out (SLACK's
/// `apiToken`): a plan that writes the integration cannot send it.
fn missing_for_write(integration: &Integration) -> impl Iterator<Item = ItemError> + '_ {
    spec(integration.kind)
        .fields
        .iter()
        .filter(|field| field.required == Required::ToWrite)
        .filter(|field| integration.get(field.name).is_none())
        .map(|field| ItemError::CannotWriteWithout { field: field.name })
}

fn delete(
    live: &LiveIntegration,
    reason: DeleteReason,
    report_only: Option<ReportOnly>,
    options: &PlanOptions,
) -> Item {
    let fields = whole_object(&live.fields, options, |field, value| {
        (show_live(field, value), Shown::None)
    });
    Item {
        subject: Subject::Integration(live.kind),
        change: Change::Delete { reason, fields },
        report_only,
        notes: Vec::new(),
        errors: Vec::new(),
    }
}

/// The fields of an object created or deleted as a whole, each shown on
/// the side `sides` gives it; v2-only fields only when the API has them.
fn whole_object<V>(
    fields: &[(&'static FieldSpec, V)],
    options: &PlanOptions,
    sides: impl Fn(&FieldSpec, &V) -> (Shown, Shown),
) -> Vec<FieldChange> {
    fields
        .iter()
        .filter(|(field, _)| options.api.has_v2_fields() || !field.v2_only)
        .map(|(field, value)| {
            let (before, after) = sides(field, value);
            FieldChange {
                field: field.name,
                sensitive: field.sensitive,
                before,
                after,
                rotated: false,
            }
        })
        .collect()
}

/// Fields the file sets to something other than Atlas's default that the
/// API in use does not know.
fn v2_errors(integration: &Integration, options: &PlanOptions) -> Vec<ItemError> {
    if options.api.has_v2_fields() {
        return Vec::new();
    }
    integration
        .fields
        .iter()
        .filter(|(field, value)| field.v2_only && field.differs_from_default(value))
        .map(|(field, _)| ItemError::NeedsApiV2 { field: field.name })
        .collect()
}

#[cfg(test)]
mod tests;
