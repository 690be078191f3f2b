//! What became of each write of an apply, and its renderings: a line per
//! operation for people, a versioned JSON document for machines.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::GroupId;
use crate::plan::render::EntryDocument;
use crate::plan::{Subject, Verb};
use crate::printable::one_line;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// A DELETE found nothing to delete: the goal is met all the same.
    AlreadyAbsent,
    /// Not sent: the target already held what the saved plan sends.
    AlreadyApplied,
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

    /// Neither done now nor failed nor waiting: there was nothing to do.
    pub fn already_applied(&self) -> bool {
        matches!(self, Outcome::AlreadyApplied)
    }
}

/// One operation and what became of it.
#[derive(Clone, Debug)]
pub struct OperationReport {
    pub group: GroupId,
    pub project: String,
    pub subject: Subject,
    pub verb: Verb,
    pub outcome: Outcome,
    /// The id Atlas gave the log or metric integration this create made:
    /// what a file pins with `id:`.
    pub created_id: Option<String>,
}

/// A write a plan made now calls for that the saved plan being applied
/// does not hold: not sent.
#[derive(Clone, Debug)]
pub struct LeftAlone {
    pub group: GroupId,
    pub project: String,
    pub subject: Subject,
    pub verb: Verb,
}

impl From<&crate::plan::Operation> for LeftAlone {
    fn from(op: &crate::plan::Operation) -> Self {
        LeftAlone {
            group: op.group.clone(),
            project: op.project.clone(),
            subject: op.subject.clone(),
            verb: op.verb(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub operations: Vec<OperationReport>,
    pub interrupted: bool,
    /// With a saved plan: what a plan made now adds, not sent.
    pub left_alone: Vec<LeftAlone>,
    /// Atlas refused a write with 403: the credentials cannot write to that
    /// project, whose other writes were not started.
    pub cannot_write: bool,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.operations
            .iter()
            .filter(|op| {
                !op.outcome.succeeded()
                    && !op.outcome.not_started()
                    && !op.outcome.already_applied()
            })
            .count()
    }

    pub fn already_applied(&self) -> usize {
        self.operations
            .iter()
            .filter(|op| op.outcome.already_applied())
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
    /// Every operation apply had to carry out, and what became of it. With
    /// a saved plan: exactly the saved plan's operations.
    pub operations: Vec<OperationDocument>,
    /// With a saved plan: the writes a plan made now calls for that the
    /// saved plan does not hold. They were left alone (not sent); make and
    /// review a new plan to apply them. Empty without a saved plan.
    pub left_alone: Vec<LeftAloneDocument>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSummary {
    /// Written now (a delete that found nothing to delete included).
    pub done: usize,
    pub failed: usize,
    pub not_started: usize,
    /// Not sent: their target already held what the saved plan sends.
    pub already_applied: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeftAloneDocument {
    /// How output names the project: `name (id)`, or the id.
    pub project: String,
    pub group_id: String,
    /// The integration type, such as `PAGER_DUTY`, `S3_LOG_EXPORT`, `OTEL`
    /// (a metric integration) or `PUSH_BASED_LOG_EXPORT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// For a log or metric integration: what it points at
    /// (`bucket/prefix/`, an endpoint), and the live entry's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryDocument>,
    pub action: Verb,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationDocument {
    /// How output names the project: `name (id)`, or the id.
    pub project: String,
    pub group_id: String,
    /// The integration type, such as `PAGER_DUTY`, `S3_LOG_EXPORT`, `OTEL`
    /// (a metric integration) or `PUSH_BASED_LOG_EXPORT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// For a log or metric integration: what it points at
    /// (`bucket/prefix/`, an endpoint), and the live entry's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryDocument>,
    pub action: Verb,
    pub result: OperationResult,
    /// Why it failed, could not be verified, or was not started on purpose.
    pub detail: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OperationResult {
    /// Written, and Atlas's answer shows the declared state.
    Done,
    /// A delete that found nothing to delete.
    AlreadyAbsent,
    /// Written, but Atlas's answer does not show the declared state.
    NotVerified,
    Failed,
    NotStarted,
    /// With a saved plan: not sent, because the target already held what
    /// the operation sends (an earlier run of the same plan wrote it).
    AlreadyApplied,
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
                    Outcome::AlreadyApplied => (OperationResult::AlreadyApplied, None),
                    Outcome::NotVerified(why) => (OperationResult::NotVerified, Some(why.clone())),
                    Outcome::Failed(why) => (OperationResult::Failed, Some(why.clone())),
                    Outcome::NotStarted => (OperationResult::NotStarted, None),
                    Outcome::Withheld(why) => (OperationResult::NotStarted, Some(why.clone())),
                };
                OperationDocument {
                    project: op.project.clone(),
                    group_id: op.group.to_string(),
                    kind: op.subject.type_name().to_owned(),
                    entry: EntryDocument::of(&op.subject).map(|entry| EntryDocument {
                        id: entry.id.or_else(|| op.created_id.clone()),
                        ..entry
                    }),
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
                already_applied: report.already_applied(),
            },
            operations,
            left_alone: report
                .left_alone
                .iter()
                .map(|op| LeftAloneDocument {
                    project: op.project.clone(),
                    group_id: op.group.to_string(),
                    kind: op.subject.type_name().to_owned(),
                    entry: EntryDocument::of(&op.subject),
                    action: op.verb,
                })
                .collect(),
        }
    }
}

impl Report {
    /// `Apply: 4 done, 1 failed, 0 not started`, then `; 2 already
    /// applied` when some were, and `; interrupted`.
    pub fn summary_line(&self) -> String {
        let already = match self.already_applied() {
            0 => String::new(),
            n => format!("; {n} already applied"),
        };
        format!(
            "Apply: {} done, {} failed, {} not started{already}{}",
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
        Outcome::AlreadyApplied => ('✓', "already applied".to_owned()),
        Outcome::NotVerified(why) => ('!', format!("not verified: {why}")),
        Outcome::Failed(why) => ('✗', format!("failed: {why}")),
        Outcome::NotStarted => ('-', "not started (interrupted)".to_owned()),
        Outcome::Withheld(why) => ('-', format!("not started: {why}")),
    }
}

/// One line per operation: `✓ update PAGER_DUTY in name (id): done`.
fn operation_lines(report: &Report) -> Vec<String> {
    report
        .operations
        .iter()
        .map(|op| {
            let (mark, text) = outcome_text(&op.outcome);
            // The project's name and the failure can come from Atlas: one
            // line each, so that no text of theirs can forge another
            // operation's line.
            let created = op
                .created_id
                .as_deref()
                .map(|id| format!(" (id {})", one_line(id)))
                .unwrap_or_default();
            format!(
                "{mark} {} {}{created} in {}: {}",
                op.verb,
                one_line(&op.subject.to_string()),
                one_line(&op.project),
                one_line(&text)
            )
        })
        .collect()
}

/// The report for a job summary: the counts in bold, then the operation
/// lines as an indented code block, where no text from Atlas is markup.
pub fn report_markdown(report: &Report) -> String {
    let mut out = format!("**{}**\n\n", report.summary_line());
    for line in operation_lines(report) {
        out.push_str(&format!("    {line}\n"));
    }
    out
}

/// The report for people: a line per operation, then the counts.
pub fn report_text(report: &Report) -> String {
    let mut out = String::from("\n");
    for line in operation_lines(report) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!("\n{}\n", report.summary_line()));
    if report.cannot_write {
        out.push_str(
            "The credentials cannot write to some projects (Atlas answered 403 Forbidden to a \
             write, so that project's other writes were not started): use credentials with the \
             Project Owner role there, then run `tether apply` again.\n",
        );
    } else if report.failed() > 0 || report.interrupted {
        out.push_str("Run `tether apply` again to finish: it sends only what is still needed.\n");
    }
    out
}
