//! What became of each write of an apply, and its renderings: a line per
//! operation for people, a versioned JSON document for machines.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{GroupId, IntegrationType};
use crate::plan::Verb;
use crate::printable::one_line;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// A DELETE found nothing to delete: the goal is met all the same.
    AlreadyAbsent,
    /// The write was sent and answered, but Atlas's list after it does not
    /// show the declared state.
    NotVerified(String),
    Failed(String),
    /// Not started: apply was interrupted first.
    NotStarted,
    /// Not started on purpose: a delete whose replacement failed.
    Withheld(String),
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        matches!(self, Outcome::Done | Outcome::AlreadyAbsent)
    }

    pub fn not_started(&self) -> bool {
        matches!(self, Outcome::NotStarted | Outcome::Withheld(_))
    }
}

/// One operation and what became of it.
#[derive(Clone, Debug)]
pub struct OperationReport {
    pub group: GroupId,
    pub project: String,
    pub kind: IntegrationType,
    pub verb: Verb,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub operations: Vec<OperationReport>,
    pub interrupted: bool,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.operations
            .iter()
            .filter(|op| !op.outcome.succeeded() && !op.outcome.not_started())
            .count()
    }

    pub fn succeeded(&self) -> usize {
        self.operations
            .iter()
            .filter(|op| op.outcome.succeeded())
            .count()
    }

    pub fn not_started(&self) -> usize {
        self.operations
            .iter()
            .filter(|op| op.outcome.not_started())
            .count()
    }
}

/// The apply report for machines (`tether apply --output json`), described
/// by `schemas/apply-report.schema.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportDocument {
    pub format_version: u32,
    /// Ctrl-C stopped apply before every operation started.
    pub interrupted: bool,
    pub summary: ReportSummary,
    pub operations: Vec<OperationDocument>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSummary {
    pub done: usize,
    pub failed: usize,
    pub not_started: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationDocument {
    /// How output names the project: `name (id)`, or the id.
    pub project: String,
    pub group_id: String,
    /// The integration type, such as `PAGER_DUTY`.
    #[serde(rename = "type")]
    pub kind: String,
    pub action: Verb,
    pub result: OperationResult,
    /// Why it failed, could not be verified, or was not started on purpose.
    pub detail: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OperationResult {
    Done,
    AlreadyAbsent,
    NotVerified,
    Failed,
    NotStarted,
}

pub const REPORT_FORMAT_VERSION: u32 = 1;

impl From<&Report> for ReportDocument {
    fn from(report: &Report) -> Self {
        let operations = report
            .operations
            .iter()
            .map(|op| {
                let (result, detail) = match &op.outcome {
                    Outcome::Done => (OperationResult::Done, None),
                    Outcome::AlreadyAbsent => (OperationResult::AlreadyAbsent, None),
                    Outcome::NotVerified(why) => (OperationResult::NotVerified, Some(why.clone())),
                    Outcome::Failed(why) => (OperationResult::Failed, Some(why.clone())),
                    Outcome::NotStarted => (OperationResult::NotStarted, None),
                    Outcome::Withheld(why) => (OperationResult::NotStarted, Some(why.clone())),
                };
                OperationDocument {
                    project: op.project.clone(),
                    group_id: op.group.to_string(),
                    kind: op.kind.to_string(),
                    action: op.verb,
                    result,
                    detail,
                }
            })
            .collect();
        ReportDocument {
            format_version: REPORT_FORMAT_VERSION,
            interrupted: report.interrupted,
            summary: ReportSummary {
                done: report.succeeded(),
                failed: report.failed(),
                not_started: report.not_started(),
            },
            operations,
        }
    }
}

impl Report {
    /// `Apply: 4 done, 1 failed, 0 not started`, and `; interrupted`.
    pub fn summary_line(&self) -> String {
        format!(
            "Apply: {} done, {} failed, {} not started{}",
            self.succeeded(),
            self.failed(),
            self.not_started(),
            if self.interrupted {
                "; interrupted"
            } else {
                ""
            }
        )
    }
}

/// The report for machines, pretty-printed.
pub fn report_json(report: &Report) -> String {
    crate::json::pretty(&ReportDocument::from(report))
}

fn outcome_text(outcome: &Outcome) -> (char, String) {
    match outcome {
        Outcome::Done => ('✓', "done".to_owned()),
        Outcome::AlreadyAbsent => ('✓', "done (it was already gone)".to_owned()),
        Outcome::NotVerified(why) => ('!', format!("not verified: {why}")),
        Outcome::Failed(why) => ('✗', format!("failed: {why}")),
        Outcome::NotStarted => ('-', "not started (interrupted)".to_owned()),
        Outcome::Withheld(why) => ('-', format!("not started: {why}")),
    }
}

/// The report for people: a line per operation, then the counts.
pub fn report_text(report: &Report) -> String {
    let mut out = String::from("\n");
    for op in &report.operations {
        let (mark, text) = outcome_text(&op.outcome);
        // The project's name and the failure can come from Atlas: one line
        // each, so that no text of theirs can forge another operation's line.
        out.push_str(&format!(
            "{mark} {} {} in {}: {}\n",
            op.verb,
            op.kind,
            one_line(&op.project),
            one_line(&text)
        ));
    }
    out.push_str(&format!("\n{}\n", report.summary_line()));
    if report.failed() > 0 || report.interrupted {
        out.push_str("Run `tether apply` again to finish: it sends only what is still needed.\n");
    }
    out
}
