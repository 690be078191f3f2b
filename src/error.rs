//! The one way a command fails: a typed error that says what happened and
//! what to do, carries its exit status, and is printed once, by `run`.

use std::fmt;

use crate::config::Reports;
use crate::exit::ExitStatus;
use crate::printable::one_line;

/// Why a command stopped. Built where the failure is found, returned with
/// `?`, rendered by [`crate::run`].
#[derive(Debug)]
pub struct Error {
    /// Shown before the messages: the file's diagnostics, or text from a
    /// library that renders its own report.
    lead: Lead,
    /// Each shown as `error: message` then `hint: hint`, in order.
    messages: Vec<Message>,
    /// A last line of its own, after the messages.
    closing: Option<String>,
    status: ExitStatus,
}

#[derive(Debug)]
enum Lead {
    None,
    File(Box<Reports>),
    Text(String),
}

/// What happened, then what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub message: String,
    pub hint: String,
}

impl Error {
    /// An error that ends the command with exit 1.
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error {
            lead: Lead::None,
            messages: vec![Message {
                message: message.into(),
                hint: hint.into(),
            }],
            closing: None,
            status: ExitStatus::Error,
        }
    }

    /// Several errors shown one after the other.
    pub fn many(messages: Vec<Message>, status: ExitStatus) -> Self {
        Error {
            lead: Lead::None,
            messages,
            closing: None,
            status,
        }
    }

    /// The same error, with a last line of its own after the messages.
    pub fn closing(mut self, line: impl Into<String>) -> Self {
        self.closing = Some(line.into());
        self
    }

    /// Only a closing line, no `error:` (a cancelled confirmation).
    pub fn quiet(closing: impl Into<String>) -> Self {
        Error {
            lead: Lead::None,
            messages: Vec::new(),
            closing: Some(closing.into()),
            status: ExitStatus::Error,
        }
    }

    /// The file's problems, then its summary line (what `validate` prints).
    pub fn file(report: Reports) -> Self {
        let summary = report.summary();
        Error {
            lead: Lead::File(Box::new(report)),
            messages: Vec::new(),
            closing: Some(summary),
            status: ExitStatus::Error,
        }
    }

    /// The file's problems, found before anything was sent to Atlas.
    pub fn file_before_atlas(report: Reports) -> Self {
        let message = format!("{}; nothing was sent to Atlas", report.summary());
        Error {
            lead: Lead::File(Box::new(report)),
            messages: vec![Message {
                message,
                hint: "fix the file; `tether validate` checks it offline".to_owned(),
            }],
            closing: None,
            status: ExitStatus::Error,
        }
    }

    /// Ctrl-C or SIGTERM before anything was written (exit 130).
    pub fn interrupted() -> Self {
        Error::new(
            "interrupted (Ctrl-C or SIGTERM) before any write; nothing was written",
            "run the command again when you are ready",
        )
        .with_status(ExitStatus::Interrupted)
    }

    /// A report some other library rendered already (the simulator's).
    pub fn rendered(text: impl Into<String>) -> Self {
        Error {
            lead: Lead::Text(text.into()),
            messages: Vec::new(),
            closing: None,
            status: ExitStatus::Error,
        }
    }

    /// The same error, ending with another exit status.
    pub fn with_status(mut self, status: ExitStatus) -> Self {
        self.status = status;
        self
    }

    pub fn status(&self) -> ExitStatus {
        self.status
    }

    /// The `error:`/`hint:` pairs, for tests and callers that log them.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The diagnostics that come before the messages, rendered.
    pub(crate) fn lead(&self, color: bool) -> Option<String> {
        match &self.lead {
            Lead::None => None,
            Lead::File(report) => Some(report.render(color)),
            Lead::Text(text) => Some(text.clone()),
        }
    }

    pub(crate) fn closing_line(&self) -> Option<&str> {
        self.closing.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(lead) = self.lead(false) {
            f.write_str(&lead)?;
        }
        for Message { message, hint } in &self.messages {
            let (message, hint) = (one_line(message), one_line(hint));
            writeln!(f, "error: {message}\n  hint: {hint}")?;
        }
        if let Some(closing) = &self.closing {
            writeln!(f, "{closing}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<crate::atlas::ApiError> for Error {
    fn from(err: crate::atlas::ApiError) -> Self {
        Error::new(err.to_string(), err.hint())
    }
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn each_message_and_hint_is_shown_on_one_line() {
        let error = Error::new(
            "Atlas answered 400: bad\n✓ update PAGER_DUTY in p: done\u{202e}",
            "retry\nhint: forged",
        );
        assert_eq!(
            error.to_string(),
            "error: Atlas answered 400: bad\\u{a}✓ update PAGER_DUTY in p: done\\u{202e}\n  \
             hint: retry\\u{a}hint: forged\n"
        );
    }
}
