//! Exit codes are a contract with CI scripts; see docs/exit-codes.md.

use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Success, or no changes.
    Success = 0,
    /// An error; with apply, before any write.
    Error = 1,
    /// Changes pending (`plan --detailed-exitcode`) or drift.
    Changes = 2,
    /// Some apply operations failed.
    Partial = 3,
    /// Apply refused by a safety gate (or, `plan --detailed-exitcode`,
    /// would refuse the plan).
    Refused = 4,
    /// Interrupted by Ctrl-C.
    Interrupted = 130,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status as u8)
    }
}

/// The table printed at the end of `tether --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success, or no changes
  1    error (with apply: before any write)
  2    changes pending (plan --detailed-exitcode) or drift found
  3    apply finished with some operations failed
  4    apply refused by a safety gate (--max-deletes, last paging integration);
       plan --detailed-exitcode: apply would refuse the plan
  130  interrupted";
