//! Apply's safety gates: what a plan may do before apply refuses it (exit 4,
//! after the full plan, writing nothing). `plan` weighs the same gates to say
//! in advance which one apply would hit.

use crate::model::Safety;
use crate::plan::{Change, Operation, Plan, Verb};

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

/// Shares are weighed only from this many managed integrations on: one
/// update of three is not a fleet-wide mistake.
pub const SHARE_FROM: usize = 10;

impl Default for Gates {
    fn default() -> Self {
        Gates {
            max_deletes: 5,
            max_update_percent: 30,
            max_delete_percent: 30,
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

/// Why apply refuses a plan before writing anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    TooManyDeletes {
        deletes: usize,
        max: usize,
    },
    /// More than a share of the managed integrations changes at once: the
    /// mark of a one-line mistake in `defaults` or a template.
    TooLargeAShare {
        verb: Verb,
        count: usize,
        managed: usize,
        max_percent: u32,
    },
    /// Projects whose last paging integration (PagerDuty, Opsgenie,
    /// VictorOps) the plan deletes.
    LastPaging {
        projects: Vec<String>,
    },
    /// Deletes of integrations that enabled alert configurations notify
    /// through, as `WEBHOOK in name (id): 2 enabled alert configurations
    /// (id, id)`.
    OrphanedAlerts {
        deletes: Vec<String>,
    },
    /// Projects where the plan deletes but the alert configurations could
    /// not be listed, with why.
    AlertsUnchecked {
        projects: Vec<String>,
    },
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::TooManyDeletes { deletes, max } => format!(
                "the plan deletes {deletes} integrations, more than `--max-deletes` allows ({max})"
            ),
            Refusal::TooLargeAShare {
                verb,
                count,
                managed,
                max_percent,
            } => format!(
                "the plan {verb}s {count} of {managed} managed integrations ({}%), more than \
                 `--max-{verb}-percent` allows ({max_percent}%)",
                percent(*count, *managed)
            ),
            Refusal::LastPaging { projects } => format!(
                "the plan deletes the last paging integration (PagerDuty, Opsgenie or VictorOps) \
                 of {}",
                projects.join(", ")
            ),
            Refusal::OrphanedAlerts { deletes } => format!(
                "the plan deletes integrations that enabled alerts notify through, leaving them \
                 without that destination: {}",
                deletes.join("; ")
            ),
            Refusal::AlertsUnchecked { projects } => format!(
                "the plan deletes integrations in projects whose alert configurations could not \
                 be listed, so what the deletes silence is unknown: {}",
                projects.join("; ")
            ),
        }
    }

    pub fn hint(&self) -> String {
        match self {
            Refusal::TooManyDeletes { deletes, .. } => format!(
                "check that the file is the one you meant; raise `--max-deletes` (to {deletes}, \
                 or `safety.max_deletes` in the file), or pass `--force`, when the deletes are \
                 intended"
            ),
            Refusal::TooLargeAShare {
                verb,
                count,
                managed,
                ..
            } => format!(
                "a one-line change in `defaults` or a template reaches every project: check it; \
                 when it is intended, pass `--max-{verb}-percent {}` (or set \
                 `safety.max_{verb}_percent` in the file), or `--force`",
                percent(*count, *managed).ceil() as u32
            ),
            Refusal::LastPaging { .. } => "nobody would be paged for these projects' alerts; add \
                                           another paging integration first, or pass `--force` \
                                           if that is intended"
                .to_owned(),
            Refusal::OrphanedAlerts { .. } => "point those alerts at another destination in Atlas \
                                               first, or pass `--allow-orphaned-alerts` (or \
                                               `--force`) when silencing them is intended"
                .to_owned(),
            Refusal::AlertsUnchecked { .. } => {
                "give the credentials read access to the project's alert \
                                                configurations (Project Read Only), or pass \
                                                `--allow-orphaned-alerts` (or `--force`) to delete \
                                                without this check"
                    .to_owned()
            }
        }
    }
}

fn percent(count: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        (count as f64 * 1000.0 / of as f64).round() / 10.0
    }
}

/// Integrations the plan covers that exist in Atlas: those it leaves,
/// updates or deletes (creates are not yet managed).
pub fn managed_count(plan: &Plan) -> usize {
    plan.projects
        .iter()
        .flat_map(|project| project.items())
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
