//! Why apply would refuse a plan before writing anything: what the safety
//! gates (`engine::gates`) find, carried by the plan so that every output a
//! reviewer reads says it, with the flag or setting that lets it pass.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Verb;

/// One safety gate a plan trips. The lists hold text from outside (project
/// labels, alert ids and types): [`Refusal::headline`] is tether's own
/// words, [`Refusal::subjects`] the outside text it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "gate", rename_all = "snake_case", deny_unknown_fields)]
pub enum Refusal {
    /// More deletes than `--max-deletes`.
    TooManyDeletes { deletes: usize, max: usize },
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
    LastPaging { projects: Vec<String> },
    /// Deletes of integrations that enabled alert configurations notify
    /// through, as `WEBHOOK in name (id): 2 enabled alert configurations
    /// (id, id)`.
    OrphanedAlerts { deletes: Vec<String> },
    /// Projects where the plan deletes but the alert configurations could
    /// not be listed, with why.
    AlertsUnchecked { projects: Vec<String> },
}

impl Refusal {
    /// The whole sentence: [`Refusal::headline`], then the subjects.
    pub fn message(&self) -> String {
        let subjects = self.subjects();
        if subjects.is_empty() {
            return self.headline();
        }
        let separator = match self {
            Refusal::LastPaging { .. } => ", ",
            _ => "; ",
        };
        format!(
            "{}{}{}",
            self.headline(),
            self.before_subjects(),
            subjects.join(separator)
        )
    }

    /// What stands between the headline and its subjects.
    pub fn before_subjects(&self) -> &'static str {
        match self {
            Refusal::LastPaging { .. } => " ",
            _ => ": ",
        }
    }

    /// What the gate found, in tether's words only: no name or value from
    /// outside.
    pub fn headline(&self) -> String {
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
            Refusal::LastPaging { .. } => "the plan deletes the last paging integration \
                                           (PagerDuty, Opsgenie or VictorOps) of"
                .to_owned(),
            Refusal::OrphanedAlerts { .. } => "the plan deletes integrations that enabled alerts \
                                               notify through, leaving them without that \
                                               destination"
                .to_owned(),
            Refusal::AlertsUnchecked { .. } => "the plan deletes integrations in projects whose \
                                                alert configurations could not be listed, so \
                                                what the deletes silence is unknown"
                .to_owned(),
        }
    }

    /// The outside text the headline is about (project labels, with the
    /// alerts or the reason), one entry each.
    pub fn subjects(&self) -> &[String] {
        match self {
            Refusal::TooManyDeletes { .. } | Refusal::TooLargeAShare { .. } => &[],
            Refusal::LastPaging { projects } | Refusal::AlertsUnchecked { projects } => projects,
            Refusal::OrphanedAlerts { deletes } => deletes,
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
                percent_needed(*count, *managed)
            ),
            Refusal::LastPaging { .. } => "nobody would be paged for these projects' alerts; add \
                                           another paging integration first, or pass `--force` \
                                           if that is intended"
                .to_owned(),
            Refusal::OrphanedAlerts { .. } => "point those alerts at another destination in Atlas \
                                               first, or pass `--allow-orphaned-alerts` (or \
                                               `--force`) when silencing them is intended"
                .to_owned(),
            Refusal::AlertsUnchecked { .. } => "give the credentials read access to the \
                                                project's alert configurations (Project Read \
                                                Only), or pass `--allow-orphaned-alerts` (or \
                                                `--force`) to delete without this check"
                .to_owned(),
        }
    }

    /// The flags that let apply pass this gate, most precise first.
    pub fn passed_by(&self) -> Vec<String> {
        match self {
            Refusal::TooManyDeletes { deletes, .. } => {
                vec![format!("--max-deletes {deletes}"), "--force".to_owned()]
            }
            Refusal::TooLargeAShare {
                verb,
                count,
                managed,
                ..
            } => vec![
                format!("--max-{verb}-percent {}", percent_needed(*count, *managed)),
                "--force".to_owned(),
            ],
            Refusal::LastPaging { .. } => vec!["--force".to_owned()],
            Refusal::OrphanedAlerts { .. } | Refusal::AlertsUnchecked { .. } => {
                vec!["--allow-orphaned-alerts".to_owned(), "--force".to_owned()]
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

/// The whole percent a share flag must allow for `count` of `of` to pass.
fn percent_needed(count: usize, of: usize) -> u32 {
    percent(count, of).ceil() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_holds_no_subject_and_the_message_holds_all() {
        let refusal = Refusal::LastPaging {
            projects: vec!["[evil](https://x) (6610a1b2c3d4e5f6a7b8c9e1)".to_owned()],
        };
        assert!(!refusal.headline().contains("evil"));
        assert!(
            refusal
                .message()
                .ends_with("of [evil](https://x) (6610a1b2c3d4e5f6a7b8c9e1)")
        );
        assert_eq!(refusal.passed_by(), ["--force"]);
    }

    #[test]
    fn a_share_names_the_percent_that_passes_it() {
        let refusal = Refusal::TooLargeAShare {
            verb: Verb::Update,
            count: 10,
            managed: 30,
            max_percent: 30,
        };
        assert_eq!(refusal.passed_by()[0], "--max-update-percent 34");
        assert!(refusal.hint().contains("--max-update-percent 34"));
    }
}
