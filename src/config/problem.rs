//! Problems found in the file, collected so that all of them are reported at
//! once, and rendered as miette diagnostics that point into the YAML.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::lines::IndexedSource;
use super::tree::Span;
use crate::plural::{count, noun};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// Something not checked, said so that a pass is not read as more than
    /// it is.
    Note,
}

/// Problems of one kind, each about a subject (a variable's name), that are
/// shown as one block with one line per subject rather than framed one by
/// one: twenty unset variables are twenty lines, not two hundred.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alike {
    /// An environment variable that is not set.
    NotSet,
    /// An environment variable that is set but empty.
    SetButEmpty,
    /// A variable with no value that `--ignore-unset` kept as written.
    KeptAsWritten,
}

impl Alike {
    /// How many problems of the kind make a block; fewer are framed.
    fn block_from(self) -> usize {
        match self {
            Alike::NotSet | Alike::SetButEmpty => 2,
            Alike::KeptAsWritten => 1,
        }
    }

    /// The block's first line, for `n` subjects.
    fn heading(self, n: usize) -> String {
        match self {
            Alike::NotSet => format!(
                "{} not set:",
                count(n, "environment variable is", "environment variables are")
            ),
            Alike::SetButEmpty => format!(
                "{} set but empty:",
                count(n, "environment variable is", "environment variables are")
            ),
            Alike::KeptAsWritten => format!(
                "{} no value, so the checks that need {} were skipped:",
                count(n, "variable has", "variables have"),
                if n == 1 { "its value" } else { "their values" },
            ),
        }
    }

    fn help(self) -> &'static str {
        match self {
            Alike::NotSet => {
                "export each before running tether (in CI, from a secret), or give them in \
                 `TETHER_SECRETS_JSON` or a `--secrets` file"
            }
            Alike::SetButEmpty => "give each a value in the environment tether runs in",
            Alike::KeptAsWritten => {
                "`--ignore-unset` takes a variable with no value as unknown; everything else was \
                 checked, and `tether plan` needs them set"
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub message: String,
    /// Where in the file; `None` for problems with the file as a whole
    /// (missing, unreadable).
    pub span: Option<Span>,
    pub label: Option<String>,
    pub help: Option<String>,
    /// Other places worth showing, such as the first of two duplicates.
    pub related: Vec<(Span, String)>,
    /// The kind and subject, for problems shown as one block.
    pub alike: Option<(Alike, String)>,
}

impl Problem {
    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(&mut self, span: Span, label: impl Into<String>) -> &mut Self {
        self.related.push((span, label.into()));
        self
    }

    pub fn alike(&mut self, kind: Alike, subject: impl Into<String>) -> &mut Self {
        self.alike = Some((kind, subject.into()));
        self
    }
}

/// Everything wrong with one file.
#[derive(Clone, Debug, Default)]
pub struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    /// The same problems with their places written into the message (the
    /// renderer names the file) and no span: for a file whose lines must not
    /// be quoted.
    pub(crate) fn unquoted(self, text: &str) -> Problems {
        let lines = super::lines::LineIndex::new(text);
        let list = self
            .list
            .into_iter()
            .map(|mut problem| {
                if let Some(span) = problem.span.take() {
                    let at = lines.origin(text, span.start);
                    problem.message = format!(
                        "{} (line {}, column {})",
                        problem.message, at.line, at.column
                    );
                }
                problem.label = None;
                problem.related.clear();
                problem
            })
            .collect();
        Problems { list }
    }

    fn push(&mut self, severity: Severity, span: Option<Span>, message: String) -> &mut Problem {
        self.list.push(Problem {
            severity,
            message,
            span,
            label: None,
            help: None,
            related: Vec::new(),
            alike: None,
        });
        self.list.last_mut().expect("just pushed")
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Problem {
        self.push(Severity::Error, Some(span), message.into())
    }

    pub fn warning(&mut self, span: Span, message: impl Into<String>) -> &mut Problem {
        self.push(Severity::Warning, Some(span), message.into())
    }

    pub fn note(&mut self, span: Span, message: impl Into<String>) -> &mut Problem {
        self.push(Severity::Note, Some(span), message.into())
    }

    /// An error about the file as a whole, with no place inside it.
    pub fn file_error(&mut self, message: impl Into<String>) -> &mut Problem {
        self.push(Severity::Error, None, message.into())
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.list.iter().filter(|p| p.severity == severity).count()
    }

    /// Adds `more` after these.
    pub fn extend(&mut self, more: Problems) {
        self.list.extend(more.list);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.list.iter()
    }

    /// Problems in file order, errors before warnings at the same place.
    pub fn sorted(mut self) -> Self {
        self.list.sort_by_key(|p| {
            (
                p.span.as_ref().map_or(0, |s| s.start),
                p.severity,
                p.message.clone(),
            )
        });
        self
    }
}

/// Problems with the same message shown in full; the others of that message
/// are summarised in one line that lists where they are. One wrong variable
/// used by thousands of projects is then a screenful, not thousands.
const SHOWN_ALIKE: usize = 3;
/// Lines listed in such a summary.
const LINES_LISTED: usize = 40;

/// The problems of one file, with the text needed to show them in context.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub path: String,
    /// The file's text with literal secrets blanked out, or `None` when the
    /// file could not be read as text or there is no problem to show.
    pub source: Option<Arc<String>>,
    pub problems: Problems,
}

/// The reports of a configuration, one per file (a directory has several).
#[derive(Clone, Debug, Default)]
pub struct Reports(pub Vec<FileReport>);

impl From<FileReport> for Reports {
    fn from(report: FileReport) -> Self {
        Reports(vec![report])
    }
}

impl Reports {
    /// Every file's problems, file by file; a block of alike problems
    /// covers every file, shown where its first problem is.
    pub fn render(&self, color: bool) -> String {
        let sourced: Vec<(&FileReport, Option<IndexedSource>)> = self
            .0
            .iter()
            .map(|report| (report, report.indexed()))
            .collect();
        let mut blocks = Blocks::of(
            sourced
                .iter()
                .filter_map(|(report, source)| Some((*report, source.as_ref()?))),
        );
        sourced
            .iter()
            .map(|(report, source)| report.render_with(color, source.as_ref(), &mut blocks))
            .collect()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.0.iter().map(|r| r.problems.count(severity)).sum()
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|r| r.problems.has_errors())
    }

    /// `tether.yaml: 2 errors`; for several files, the counts of all.
    pub fn summary(&self) -> String {
        match self.0.as_slice() {
            [one] => one.summary(),
            reports => {
                let (errors, warnings) =
                    (self.count(Severity::Error), self.count(Severity::Warning));
                let files: Vec<&str> = reports
                    .iter()
                    .filter(|r| !r.problems.list.is_empty())
                    .map(|r| r.path.as_str())
                    .collect();
                format!(
                    "{} and {} in {}",
                    count(errors, "error", "errors"),
                    count(warnings, "warning", "warnings"),
                    files.join(", ")
                )
            }
        }
    }
}

impl FileReport {
    /// Renders every problem.
    pub fn render(&self, color: bool) -> String {
        let source = self.indexed();
        let mut blocks = Blocks::of(source.as_ref().map(|source| (self, source)));
        self.render_with(color, source.as_ref(), &mut blocks)
    }

    fn indexed(&self) -> Option<IndexedSource> {
        self.source
            .as_ref()
            .map(|text| IndexedSource::new(&self.path, Arc::clone(text)))
    }

    fn render_with(
        &self,
        color: bool,
        source: Option<&IndexedSource>,
        blocks: &mut Blocks,
    ) -> String {
        if self.problems.list.is_empty() {
            return String::new();
        }
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(report_width(
                terminal_size::terminal_size_of(std::io::stderr()).map(|(width, _)| width.0),
            ))
            .with_context_lines(1);
        let mut out = String::new();
        let mut render = |problem: &Problem, source: Option<&IndexedSource>, path: &str| {
            let diagnostic = ProblemDiagnostic {
                problem,
                source: source.filter(|_| problem.span.is_some()),
                path,
            };
            if handler.render_report(&mut out, &diagnostic).is_err() {
                out.push_str(&diagnostic.to_string());
                out.push('\n');
            }
        };
        // Per message: how many so far, and where its summary is, if any.
        let mut alike: HashMap<(Severity, &str), (usize, Option<usize>)> = HashMap::new();
        // Per message past the first few: the lines of the ones not shown.
        let mut not_shown: Vec<(&Problem, Vec<usize>)> = Vec::new();
        for problem in self.problems.iter() {
            if let Some(shown) = blocks.take(problem) {
                if let Some((block, one_file)) = shown {
                    // A block of several files names them on its lines.
                    render(&block, None, if one_file { &self.path } else { "" });
                }
                continue;
            }
            let (seen, summary) = alike
                .entry((problem.severity, problem.message.as_str()))
                .or_default();
            *seen += 1;
            match (source, &problem.span) {
                (Some(source), Some(span)) if *seen > SHOWN_ALIKE => {
                    let line = source.line_number(span.start);
                    match summary {
                        Some(at) => not_shown[*at].1.push(line),
                        None => {
                            *summary = Some(not_shown.len());
                            not_shown.push((problem, vec![line]));
                        }
                    }
                }
                _ => render(problem, source, &self.path),
            }
        }
        for (problem, lines) in not_shown {
            render(&summary_of_alike(problem, &lines), None, &self.path);
        }
        out
    }

    pub fn summary(&self) -> String {
        let errors = self.problems.count(Severity::Error);
        let warnings = self.problems.count(Severity::Warning);
        let errors_text = count(errors, "error", "errors");
        let warnings_text = count(warnings, "warning", "warnings");
        match (errors, warnings) {
            (0, 0) => format!("{}: no problems", self.path),
            (0, _) => format!("{}: {warnings_text}", self.path),
            (_, 0) => format!("{}: {errors_text}", self.path),
            (_, _) => format!("{}: {errors_text} and {warnings_text}", self.path),
        }
    }
}

/// Places of one subject listed on its line of a block.
const PLACES_LISTED: usize = 10;

/// Files listed on a subject's line of a block.
const FILES_LISTED: usize = 5;

/// The blocks of a configuration's problems.
#[derive(Default)]
struct Blocks(Vec<Block>);

/// A file's path and the `line:col` places in it.
type FilePlaces = (String, Vec<String>);

/// Problems of one severity and kind: its subjects in order of first use,
/// each with the places it is used, file by file (`line:col`).
struct Block {
    severity: Severity,
    kind: Alike,
    subjects: Vec<(String, Vec<FilePlaces>)>,
    files: usize,
    uses: usize,
    shown: bool,
}

impl Blocks {
    fn of<'r>(reports: impl IntoIterator<Item = (&'r FileReport, &'r IndexedSource)>) -> Blocks {
        let mut blocks: Vec<Block> = Vec::new();
        for (report, source) in reports {
            let mut counted: Vec<usize> = Vec::new();
            for problem in report.problems.iter() {
                let (Some((kind, subject)), Some(span)) = (&problem.alike, &problem.span) else {
                    continue;
                };
                let at = match blocks
                    .iter()
                    .position(|b| b.severity == problem.severity && b.kind == *kind)
                {
                    Some(at) => at,
                    None => {
                        blocks.push(Block {
                            severity: problem.severity,
                            kind: *kind,
                            subjects: Vec::new(),
                            files: 0,
                            uses: 0,
                            shown: false,
                        });
                        blocks.len() - 1
                    }
                };
                let block = &mut blocks[at];
                if !counted.contains(&at) {
                    counted.push(at);
                    block.files += 1;
                }
                block.uses += 1;
                let place = source.line_column(span.start);
                let files = match block.subjects.iter_mut().find(|(name, _)| name == subject) {
                    Some((_, files)) => files,
                    None => {
                        block.subjects.push((subject.clone(), Vec::new()));
                        &mut block.subjects.last_mut().expect("just pushed").1
                    }
                };
                match files.iter_mut().find(|(path, _)| *path == report.path) {
                    Some((_, places)) => places.push(place),
                    None => files.push((report.path.clone(), vec![place])),
                }
            }
        }
        blocks.retain(|b| b.uses >= b.kind.block_from());
        Blocks(blocks)
    }

    /// For a problem that belongs to a block: `Some(Some(block))` the first
    /// time, to show it there (with whether it is of one file only),
    /// `Some(None)` after; `None` for the others.
    fn take(&mut self, problem: &Problem) -> Option<Option<(Problem, bool)>> {
        let (kind, _) = problem.alike.as_ref()?;
        let block = self
            .0
            .iter_mut()
            .find(|b| b.severity == problem.severity && b.kind == *kind)?;
        if std::mem::replace(&mut block.shown, true) {
            return Some(None);
        }
        let mut message = block.kind.heading(block.subjects.len());
        for (subject, files) in &block.subjects {
            let mut listed: Vec<String> = files
                .iter()
                .take(FILES_LISTED)
                .map(|(path, places)| places_of(path, places))
                .collect();
            if files.len() > FILES_LISTED {
                listed.push(format!(
                    "and in {} more",
                    count(files.len() - FILES_LISTED, "file", "files")
                ));
            }
            message.push_str(&format!("\n  `{subject}` at {}", listed.join("; ")));
        }
        let block_problem = Problem {
            severity: block.severity,
            message,
            span: None,
            label: None,
            help: Some(block.kind.help().to_owned()),
            related: Vec::new(),
            alike: None,
        };
        Some(Some((block_problem, block.files == 1)))
    }
}

/// Where a subject is used in one file: the first place as
/// `file:line:col`, the others by their lines.
fn places_of(path: &str, places: &[String]) -> String {
    let mut text = format!("{path}:{}", places[0]);
    let lines: Vec<&str> = places[1..]
        .iter()
        .take(PLACES_LISTED)
        .filter_map(|place| place.split(':').next())
        .collect();
    if !lines.is_empty() {
        text.push_str(&format!(
            ", also {} {}",
            noun(lines.len(), "line", "lines"),
            lines.join(", ")
        ));
    }
    let more = places.len().saturating_sub(1 + PLACES_LISTED);
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// One problem standing for the others with the same message.
fn summary_of_alike(problem: &Problem, lines: &[usize]) -> Problem {
    let kind = match problem.severity {
        Severity::Error => noun(lines.len(), "error", "errors"),
        Severity::Warning => noun(lines.len(), "warning", "warnings"),
        Severity::Note => noun(lines.len(), "note", "notes"),
    };
    let listed: Vec<String> = lines
        .iter()
        .take(LINES_LISTED)
        .map(usize::to_string)
        .collect();
    let mut places = format!(
        "{} {}",
        noun(lines.len(), "line", "lines"),
        listed.join(", ")
    );
    if lines.len() > LINES_LISTED {
        places.push_str(&format!(" and {} more", lines.len() - LINES_LISTED));
    }
    Problem {
        severity: problem.severity,
        message: format!(
            "{} more {kind} like the above: \"{}\" at {places}",
            lines.len(),
            problem.message
        ),
        span: None,
        label: None,
        help: problem.help.clone(),
        related: Vec::new(),
        alike: None,
    }
}

struct ProblemDiagnostic<'a> {
    problem: &'a Problem,
    source: Option<&'a IndexedSource>,
    path: &'a str,
}

impl fmt::Debug for ProblemDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProblemDiagnostic")
            .field("message", &self.problem.message)
            .finish()
    }
}

impl fmt::Display for ProblemDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.source.is_none() && !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.problem.message)
    }
}

impl std::error::Error for ProblemDiagnostic<'_> {}

impl Diagnostic for ProblemDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.problem.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.problem
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source?;
        let span = self.problem.span.clone()?;
        let primary = LabeledSpan::new_primary_with_span(self.problem.label.clone(), span);
        let related = self
            .problem
            .related
            .iter()
            .map(|(span, label)| LabeledSpan::new_with_span(Some(label.clone()), span.clone()));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// The width reports wrap at when stderr is not a terminal (a CI log, a
/// file): what every report and snapshot has shown so far.
const WIDTH_WITHOUT_A_TERMINAL: usize = 100;

/// The width reports wrap at: the terminal's columns when stderr is one that
/// reports a width, else [`WIDTH_WITHOUT_A_TERMINAL`].
fn report_width(terminal_columns: Option<u16>) -> usize {
    terminal_columns
        .filter(|&columns| columns > 0)
        .map_or(WIDTH_WITHOUT_A_TERMINAL, usize::from)
}

#[cfg(test)]
mod tests {
    use super::{WIDTH_WITHOUT_A_TERMINAL, report_width};

    #[test]
    fn reports_wrap_at_the_terminals_width() {
        assert_eq!(report_width(Some(132)), 132);
        assert_eq!(report_width(Some(40)), 40);
    }

    #[test]
    fn reports_wrap_at_a_fixed_width_without_a_terminal_or_a_width() {
        assert_eq!(report_width(None), WIDTH_WITHOUT_A_TERMINAL);
        assert_eq!(report_width(Some(0)), WIDTH_WITHOUT_A_TERMINAL);
    }
}
