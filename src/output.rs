//! One `Printer` owns colour, verbosity and where messages go.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::atlas::RequestLog;
use crate::cli::{ColorChoice, GlobalArgs};

#[derive(Clone, Copy, Debug)]
pub struct Printer {
    color: bool,
    stdout_color: bool,
    quiet: bool,
    verbose: bool,
    progress: bool,
}

impl Printer {
    pub fn new(global: &GlobalArgs) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color_for = |terminal: bool| match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && terminal,
        };
        let color = color_for(std::io::stderr().is_terminal());
        let stdout_color = color_for(std::io::stdout().is_terminal());
        let verbose = global.verbose > 0;
        Printer {
            color,
            stdout_color,
            quiet: global.quiet,
            verbose,
            progress: !global.quiet
                && !global.no_progress
                && !verbose
                && std::io::stderr().is_terminal(),
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
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
        }
    }

    /// Data for machines, on stdout; printed even with `-q`.
    pub fn data(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
    }

    /// Diagnostics and errors, on stderr; always printed.
    pub fn diagnostics(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
    }

    /// An error that ends the command: what happened, then what to do.
    pub fn error(&self, message: &str, hint: &str) {
        let (red, bold, reset) = if self.color {
            ("\x1b[31m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        self.diagnostics(&format!(
            "{red}{bold}error{reset}: {message}\n  {bold}hint{reset}: {hint}\n"
        ));
    }

    /// Warnings, on stderr; silent with `-q`.
    pub fn warnings(&self, text: &str) {
        if !self.quiet {
            self.diagnostics(text);
        }
    }
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
