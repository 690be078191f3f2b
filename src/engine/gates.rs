//! Apply's safety gates: what a plan may do before apply refuses it (exit 4,
//! after the full plan, writing nothing). `plan` weighs the same gates to say
//! in advance which one apply would hit.

pub use crate::model::SHARE_FROM;
use crate::model::{DEFAULT_MAX_DELETES, DEFAULT_MAX_PERCENT, Mode, Safety};
use crate::plan::{Change, Operation, Plan, Refusal, Verb};

/// Apply's safety settings.
#[derive(Clone, Copy, Debug)]
pub struct Gates {
    /// Refuse a plan that deletes more integrations than this.
    pub max_deletes: usize,
    /// Refuse a plan that updates more than this share (percent) of the
    /// managed integrations...
    pub max_update_percent: u32,
    /// ...or deletes more than this share.
    pub max_delete_percent: u32,
    /// Apply even when a gate would refuse.
    pub force: bool,
    /// Delete integrations that enabled alert configurations notify
    /// through (or whose alert configurations could not be listed).
    pub allow_orphaned_alerts: bool,
}

impl Default for Gates {
    fn default() -> Self {
        Gates {
            max_deletes: DEFAULT_MAX_DELETES as usize,
            max_update_percent: DEFAULT_MAX_PERCENT,
            max_delete_percent: DEFAULT_MAX_PERCENT,
            force: false,
            allow_orphaned_alerts: false,
        }
    }
}

impl Gates {
    /// The file's `safety:` settings over the defaults.
    pub fn from_file(safety: &Safety) -> Self {
        let defaults = Gates::default();
        Gates {
            max_deletes: safety
                .max_deletes
                .map_or(defaults.max_deletes, |n| n as usize),
            max_update_percent: safety
                .max_update_percent
                .unwrap_or(defaults.max_update_percent),
            max_delete_percent: safety
                .max_delete_percent
                .unwrap_or(defaults.max_delete_percent),
            force: false,
            allow_orphaned_alerts: false,
        }
    }
}

/// Integrations in Atlas that apply may write: those the plan leaves,
/// updates or deletes outside `observe` projects, report-only items aside
/// (creates are not yet managed). What apply may not touch must not dilute
/// a share.
pub fn managed_count(plan: &Plan) -> usize {
    plan.projects
        .iter()
        .filter(|project| project.mode != Mode::Observe)
        .flat_map(|project| project.items())
        .filter(|item| item.report_only.is_none())
        .filter(|item| !matches!(item.change, Change::Create { .. }))
        .count()
}

/// The gates that the writes apply is about to send trip; empty means
/// apply may go on. `operations` are exactly those writes (all of the plan's,
/// or a saved plan's); `plan` tells what each project had. `--force` lets
/// every gate pass.
pub fn refusals(plan: &Plan, operations: &[Operation], gates: &Gates) -> Vec<Refusal> {
    if gates.force {
        return Vec::new();
    }
    let mut refusals = Vec::new();
    let count = |verb: Verb| operations.iter().filter(|op| op.verb() == verb).count();
    let deletes = count(Verb::Delete);
    if deletes > gates.max_deletes {
        refusals.push(Refusal::TooManyDeletes {
            deletes,
            max: gates.max_deletes,
        });
    }
    let managed = managed_count(plan);
    if managed >= SHARE_FROM {
        for (verb, max_percent) in [
            (Verb::Update, gates.max_update_percent),
            (Verb::Delete, gates.max_delete_percent),
        ] {
            let count = count(verb);
            if count * 100 > managed * max_percent as usize {
                refusals.push(Refusal::TooLargeAShare {
                    verb,
                    count,
                    managed,
                    max_percent,
                });
            }
        }
    }
    let last_paging: Vec<String> = plan
        .projects
        .iter()
        .filter(|project| project.deletes_last_paging_by(operations))
        .map(|project| project.label.clone())
        .collect();
    if !last_paging.is_empty() {
        refusals.push(Refusal::LastPaging {
            projects: last_paging,
        });
    }
    if !gates.allow_orphaned_alerts {
        let mut deletes = Vec::new();
        let mut unchecked = Vec::new();
        for project in &plan.projects {
            for (kind, alerts) in project.orphaned_alerts_by(operations) {
                let ids: Vec<String> = alerts
                    .iter()
                    .map(|a| format!("{} {}", a.id, a.event_type))
                    .collect();
                deletes.push(format!(
                    "{kind} in {}: {} ({})",
                    project.label,
                    crate::plural::count(
                        alerts.len(),
                        "enabled alert configuration",
                        "enabled alert configurations"
                    ),
                    ids.join(", ")
                ));
            }
            if project.deletes_unchecked_by(operations) {
                unchecked.push(format!(
                    "{} ({})",
                    project.label,
                    project.alerts_unavailable().unwrap_or_default()
                ));
            }
        }
        if !deletes.is_empty() {
            refusals.push(Refusal::OrphanedAlerts { deletes });
        }
        if !unchecked.is_empty() {
            refusals.push(Refusal::AlertsUnchecked {
                projects: unchecked,
            });
        }
    }
    refusals
}
