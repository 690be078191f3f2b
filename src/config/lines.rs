//! Lines of the file: byte offsets to lines and columns without rescanning
//! the text, and a miette source that hands the renderer only the lines
//! around a span. miette's own `[u8]` source scans from the start of the
//! file for every diagnostic, which makes thousands of warnings on a large
//! file quadratic.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::model::Origin;

/// Start offsets of lines.
#[derive(Debug)]
pub struct LineIndex(Vec<usize>);

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex(starts)
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset).max(1) - 1
    }

    fn start_of(&self, line: usize, text_len: usize) -> usize {
        self.0.get(line).copied().unwrap_or(text_len)
    }

    /// The 1-based line and character column of `offset`.
    pub fn origin(&self, text: &str, offset: usize) -> Origin {
        let line = self.line_of(offset);
        let line_start = self.0[line];
        let column = text
            .get(line_start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        Origin {
            file: Arc::default(),
            line: line + 1,
            column,
        }
    }
}

/// The file's text for miette, with its line index.
#[derive(Debug)]
pub struct IndexedSource {
    name: String,
    text: Arc<String>,
    lines: LineIndex,
}

impl IndexedSource {
    pub fn new(name: &str, text: Arc<String>) -> Self {
        let lines = LineIndex::new(&text);
        IndexedSource {
            name: name.to_owned(),
            text,
            lines,
        }
    }

    /// The 1-based line holding `offset`.
    pub fn line_number(&self, offset: usize) -> usize {
        self.lines.line_of(offset) + 1
    }

    /// The 1-based line and column of `offset`, as `line:column`.
    pub fn line_column(&self, offset: usize) -> String {
        let at = self.lines.origin(&self.text, offset);
        format!("{}:{}", at.line, at.column)
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let len = self.text.len();
        let span_start = span.offset().min(len);
        let span_end = (span.offset() + span.len()).min(len);
        // Whole lines around the span, one more on each side than asked so
        // that miette sees where they end.
        let first = self
            .lines
            .line_of(span_start)
            .saturating_sub(context_lines_before + 1);
        let last = self.lines.line_of(span_end) + context_lines_after + 2;
        let window_start = self.lines.start_of(first, len);
        let window_end = self.lines.start_of(last, len);
        let window = &self.text.as_bytes()[window_start..window_end];
        let local = SourceSpan::new((span_start - window_start).into(), span_end - span_start);
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + window_start).into(),
                inner.span().len(),
            ),
            inner.line() + first,
            inner.column(),
            // miette counts lines from the start of the text, and its
            // renderer relies on that to merge nearby labels.
            inner.line_count() + first,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncdé\nf";
        let index = LineIndex::new(text);
        assert_eq!(index.line_of(0), 0);
        assert_eq!(index.line_of(3), 1);
        assert_eq!(index.line_of(8), 2);
        let origin = index.origin(text, 5);
        assert_eq!((origin.line, origin.column), (2, 3));
    }

    #[test]
    fn reads_the_same_as_the_whole_text() {
        let text: String = (0..50).map(|n| format!("line {n}: value {n}\n")).collect();
        let indexed = IndexedSource::new("f.yaml", Arc::new(text.clone()));
        for (start, len) in [(0, 4), (200, 5), (text.len() - 9, 8), (text.len(), 0)] {
            let span = SourceSpan::new(start.into(), len);
            let expected = text.as_bytes().read_span(&span, 1, 1).unwrap();
            let got = indexed.read_span(&span, 1, 1).unwrap();
            assert_eq!(got.data(), expected.data(), "{start}");
            assert_eq!(got.span(), expected.span(), "{start}");
            assert_eq!(
                (got.line(), got.column()),
                (expected.line(), expected.column())
            );
            assert_eq!(got.line_count(), expected.line_count(), "{start}");
        }
    }
}
