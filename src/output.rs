//! One `Printer` owns colour, verbosity and where messages go.

use std::io::{IsTerminal, Write};

use crate::cli::{ColorChoice, GlobalArgs};

#[derive(Clone, Copy, Debug)]
pub struct Printer {
    color: bool,
    quiet: bool,
}

impl Printer {
    pub fn new(global: &GlobalArgs) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stderr().is_terminal(),
        };
        Printer {
            color,
            quiet: global.quiet,
        }
    }

    /// Whether diagnostics on stderr are coloured.
    pub fn color(&self) -> bool {
        self.color
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

    /// Warnings, on stderr; silent with `-q`.
    pub fn warnings(&self, text: &str) {
        if !self.quiet {
            self.diagnostics(text);
        }
    }
}
