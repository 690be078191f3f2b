//! One `Printer` owns colour, verbosity and where messages go.

use std::cell::OnceCell;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use owo_colors::{OwoColorize, Style};

use crate::atlas::RequestLog;
use crate::error::Error;
use crate::printable::one_line;

/// `--color`: whether to colour what tether prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug)]
pub struct Printer {
    color: bool,
    stdout_color: bool,
    quiet: bool,
    verbose: bool,
    progress: bool,
    /// The first failure to write to stdout (a full disk, a closed pipe):
    /// the command's output is lost, so the command failed.
    stdout_failure: OnceCell<String>,
}

impl Printer {
    /// From `--color`, `-q`, `-v` and the command's `--no-progress`.
    pub fn new(color: ColorChoice, quiet: bool, verbose: bool, no_progress: bool) -> Self {
        Printer {
            color: color_for(color, &std::io::stderr()),
            stdout_color: color_for(color, &std::io::stdout()),
            quiet,
            verbose,
            progress: !quiet && !no_progress && !verbose && std::io::stderr().is_terminal(),
            stdout_failure: OnceCell::new(),
        }
    }

    /// A progress bar on stderr, or nothing when stderr is not a terminal,
    /// with `-q`, `-v` or `--no-progress`.
    pub fn progress(&self, total: usize, what: &str) -> Progress {
        if !self.progress || total == 0 {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_owned());
        Progress(Some(bar))
    }

    /// With `-v`, one line per request to Atlas on stderr.
    pub fn request_log(&self) -> Option<RequestLog> {
        self.verbose.then(|| {
            Arc::new(|line: &str| {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "atlas: {line}");
            }) as RequestLog
        })
    }

    /// Whether diagnostics on stderr are coloured.
    pub fn color(&self) -> bool {
        self.color
    }

    /// Whether what goes to stdout is coloured.
    pub fn stdout_color(&self) -> bool {
        self.stdout_color
    }

    /// A result for people, on stdout; silent with `-q`.
    pub fn result(&self, line: &str) {
        if !self.quiet {
            self.data(&format!("{line}\n"));
        }
    }

    /// Whether `-q` asked for errors and data only.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// What the command was asked for, on stdout: a plan, a report, a
    /// file, a schema. Printed even with `-q`: it is the command's output,
    /// not talk about it.
    pub fn data(&self, text: &str) {
        let mut out = stream(std::io::stdout().lock(), self.stdout_color);
        if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            // The first failure is the one to report.
            let _ = self.stdout_failure.set(err.to_string());
        }
    }

    /// Why writing to stdout failed, if it did.
    pub fn stdout_failure(&self) -> Option<&str> {
        self.stdout_failure.get().map(String::as_str)
    }

    /// Diagnostics and errors, on stderr; always printed.
    pub fn diagnostics(&self, text: &str) {
        let mut err = stream(std::io::stderr().lock(), self.color);
        let _ = err.write_all(text.as_bytes());
    }

    /// The error that ended the command, printed once: the file's
    /// diagnostics if any, each `error:` with its `hint:`, a closing line.
    pub fn failure(&self, error: &Error) {
        if let Some(lead) = error.lead(self.color) {
            self.diagnostics(&lead);
        }
        for message in error.messages() {
            self.error(&message.message, &message.hint);
        }
        if let Some(line) = error.closing_line() {
            self.diagnostics(&format!("{line}\n"));
        }
    }

    /// One error: what happened, then what to do.
    fn error(&self, message: &str, hint: &str) {
        let (error, hint_word) = if self.color {
            let bold = Style::new().bold();
            (
                "error".style(bold.red()).to_string(),
                "hint".style(bold).to_string(),
            )
        } else {
            ("error".to_owned(), "hint".to_owned())
        };
        // Each is one line: a newline in Atlas's text (a name, an error's
        // `detail`) cannot make a line of its own.
        let (message, hint) = (one_line(message), one_line(hint));
        self.diagnostics(&format!("{error}: {message}\n  {hint_word}: {hint}\n"));
    }

    /// Warnings, on stderr; silent with `-q`.
    pub fn warnings(&self, text: &str) {
        if !self.quiet {
            self.diagnostics(text);
        }
    }
}

/// Whether to colour a stream: `--color`, else what the stream and the
/// environment allow (a terminal, `NO_COLOR`, `CLICOLOR_FORCE`, `TERM=dumb`).
fn color_for(choice: ColorChoice, stream: &impl anstream::stream::RawStream) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
    }
}

/// A stream that passes colour through when `color`, and strips any escape
/// codes otherwise, whoever wrote them.
fn stream<S: anstream::stream::RawStream>(raw: S, color: bool) -> anstream::AutoStream<S> {
    let choice = if color {
        anstream::ColorChoice::AlwaysAnsi
    } else {
        anstream::ColorChoice::Never
    };
    anstream::AutoStream::new(raw, choice)
}

/// A progress bar that may be absent; cloning shares the same bar.
#[derive(Clone)]
pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn step(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
