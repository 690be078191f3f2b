//! A fast reader for the YAML that tether files are written in: block
//! mappings and lists, one-line scalars (plain or quoted), one-line `[a, b]`
//! lists and comments.
//!
//! The full YAML parser spends most of the time of validating a large file;
//! this reader builds the same tree, with the same values and the same spans,
//! in one pass over the bytes. It never reports an error: on anything outside
//! that subset, every mistake included, it gives up (`None`) and the full
//! parser reads the file and explains. A property test checks that whenever
//! this reader answers, its answer is the full parser's.

use std::borrow::Cow;

use super::tree::{Key, MAX_DEPTH, Node, NodeValue, key_text, typed_plain};

/// The tree of `text`, or `None` when the full parser must read it.
pub fn parse(text: &str) -> Option<Node<'_>> {
    if !only_plain_characters(text) {
        return None;
    }
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: None,
        depth: 0,
    };
    let mut from = 0;
    if let Some(line) = reader.find_content(0)
        && line.indent == 0
        && reader.is_document_start(line)
    {
        // A leading `---` alone on its line starts the one document.
        from = line.next();
    }
    reader.advance_to_content(from)?;
    let first = reader.at?;
    let root = reader.block(first)?;
    match reader.at {
        None => Some(root),
        Some(_) => None,
    }
}

/// Characters this reader can take at face value: no tabs, no carriage
/// returns, no control characters, no byte order mark and none of the
/// characters YAML treats as line breaks or refuses.
fn only_plain_characters(text: &str) -> bool {
    let ascii_ok = |b: u8| (0x20..0x7f).contains(&b) || b == b'\n';
    // Whole chunks without early exit, so that the check is vectorised.
    let all_ascii_ok = text
        .as_bytes()
        .chunks(256)
        .all(|chunk| chunk.iter().fold(true, |ok, &b| ok & ascii_ok(b)));
    if all_ascii_ok {
        return true;
    }
    text.chars().all(|c| {
        if c.is_ascii() {
            ascii_ok(c as u8)
        } else {
            !is_special(c)
        }
    })
}

/// C1 controls (NEL among them), the line and paragraph separators, the
/// byte order mark and the non-characters YAML refuses.
fn is_special(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// A line that holds more than spaces and a comment.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    indent: usize,
    /// The offset of the line's `\n`, or the end of the text.
    end: usize,
}

impl Line {
    fn content(&self) -> usize {
        self.start + self.indent
    }

    fn next(&self) -> usize {
        self.end + 1
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// The next line with content, `None` at the end of the text.
    at: Option<Line>,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// Moves to the first line with content at or after `from` (a line
    /// start). `None` when that line is something only the full parser reads,
    /// such as a directive or a document marker.
    fn advance_to_content(&mut self, from: usize) -> Option<()> {
        self.at = self.find_content(from);
        match self.at {
            Some(line)
                if line.indent == 0 && (self.bytes[line.start] == b'%' || self.is_marker(line)) =>
            {
                None
            }
            _ => Some(()),
        }
    }

    /// The first line with content at or after `from` (a line start).
    fn find_content(&self, mut from: usize) -> Option<Line> {
        let bytes = self.bytes;
        while from < bytes.len() {
            let end = line_end(bytes, from);
            let indent = bytes[from..end].iter().take_while(|&&b| b == b' ').count();
            let content = from + indent;
            if content < end && bytes[content] != b'#' {
                return Some(Line {
                    start: from,
                    indent,
                    end,
                });
            }
            from = end + 1;
        }
        None
    }

    fn is_marker(&self, line: Line) -> bool {
        let rest = &self.bytes[line.start..line.end];
        (rest.starts_with(b"---") || rest.starts_with(b"..."))
            && rest.get(3).is_none_or(|&b| b == b' ')
    }

    fn is_document_start(&self, line: Line) -> bool {
        self.bytes[line.start..line.end].starts_with(b"---")
            && self.rest_is_blank(line.start + 3, line.end)
    }

    /// Whether only spaces and a comment follow `at` on its line.
    fn rest_is_blank(&self, at: usize, end: usize) -> bool {
        let after = skip_spaces(self.bytes, at, end);
        after == end || (after > at && self.bytes[after] == b'#')
    }

    fn is_dash_item(&self, line: Line) -> bool {
        let at = line.content();
        self.bytes[at] == b'-' && (at + 1 == line.end || self.bytes[at + 1] == b' ')
    }

    /// A block collection starting at `line`.
    fn block(&mut self, line: Line) -> Option<Node<'a>> {
        if self.is_dash_item(line) {
            self.nested(|reader| reader.sequence(line.indent))
        } else {
            self.nested(|reader| reader.mapping(line.indent, line.content()))
        }
    }

    /// Reads one level deeper; too deep is for the full parser to report.
    /// One level is kept spare for a `[...]` list, which is not counted.
    fn nested(&mut self, read: impl FnOnce(&mut Self) -> Option<Node<'a>>) -> Option<Node<'a>> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH - 1 {
            return None;
        }
        let node = read(self);
        self.depth -= 1;
        node
    }

    /// A block mapping whose entries start at column `indent`; the first key
    /// is at `key_at` on the current line (after a `- ` for a list item).
    fn mapping(&mut self, indent: usize, mut key_at: usize) -> Option<Node<'a>> {
        let span = key_at..key_at;
        let mut entries = Vec::new();
        loop {
            let line = self.at?;
            let colon = self.key_colon(key_at, line.end)?;
            let key = self.key(key_at, colon)?;
            let value_at = skip_spaces(self.bytes, colon + 1, line.end);
            let value = if self.rest_is_blank(colon + 1, line.end) {
                self.advance_to_content(line.next())?;
                match self.at {
                    Some(next) if next.indent > indent => self.block(next)?,
                    Some(next) if next.indent == indent && self.is_dash_item(next) => {
                        self.indentless_sequence(next)?
                    }
                    _ => Node {
                        span: colon..colon,
                        value: NodeValue::Null,
                    },
                }
            } else {
                let value = self.inline_value(value_at, line.end)?;
                self.advance_to_content(line.next())?;
                value
            };
            entries.push((key, value));
            match self.at {
                Some(next) if next.indent > indent => return None,
                Some(next) if next.indent == indent => {
                    if self.is_dash_item(next) {
                        return None;
                    }
                    key_at = next.content();
                }
                _ => break,
            }
        }
        Some(Node {
            span,
            value: NodeValue::Map(entries),
        })
    }

    /// A list written at the same column as the key it belongs to
    /// (`key:` then `- item`). The full parser places its start after the
    /// first dash, its spaces and its comment, not on the dash.
    fn indentless_sequence(&mut self, line: Line) -> Option<Node<'a>> {
        let mut start = skip_spaces(self.bytes, line.content() + 1, line.end);
        if start < line.end && self.bytes[start] == b'#' {
            start = line.end;
        }
        let mut node = self.block(line)?;
        node.span = start..start;
        Some(node)
    }

    /// A block list whose dashes are at column `indent`, starting on the
    /// current line.
    fn sequence(&mut self, indent: usize) -> Option<Node<'a>> {
        let first = self.at?.content();
        let mut items = Vec::new();
        loop {
            let line = self.at?;
            let item_at = skip_spaces(self.bytes, line.content() + 1, line.end);
            let item = if self.rest_is_blank(line.content() + 1, line.end) {
                self.advance_to_content(line.next())?;
                match self.at {
                    Some(next) if next.indent > indent => self.block(next)?,
                    // An empty item: rare enough to leave to the full parser.
                    _ => return None,
                }
            } else if self.key_colon(item_at, line.end).is_some() {
                self.nested(|reader| reader.mapping(item_at - line.start, item_at))?
            } else {
                let item = self.inline_value(item_at, line.end)?;
                self.advance_to_content(line.next())?;
                item
            };
            items.push(item);
            match self.at {
                Some(next) if next.indent > indent => return None,
                Some(next) if next.indent == indent && self.is_dash_item(next) => {}
                _ => break,
            }
        }
        Some(Node {
            span: first..first,
            value: NodeValue::Seq(items),
        })
    }

    /// Where the `:` of a `key: ` at `at` is, if the line starts a mapping
    /// entry there: the first `:` followed by a space or the line's end,
    /// before any comment.
    fn key_colon(&self, at: usize, end: usize) -> Option<usize> {
        if matches!(self.bytes[at], b'\'' | b'"' | b'[' | b'{') {
            return None;
        }
        let mut i = at;
        while i < end {
            match self.bytes[i] {
                b':' if i + 1 == end || self.bytes[i + 1] == b' ' => return Some(i),
                b'#' if i > at && self.bytes[i - 1] == b' ' => return None,
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// The key between `at` and its colon, if it is a plain word tether
    /// could mean: letters of any script, digits, `_`, `-`, `.`, `/` and
    /// inner spaces.
    fn key(&self, at: usize, colon: usize) -> Option<Key<'a>> {
        let text = &self.text[at..colon];
        let plain = |b: &u8| {
            b.is_ascii_alphanumeric()
                || !b.is_ascii()
                || matches!(b, b'_' | b'-' | b'.' | b'/' | b' ')
        };
        if text.is_empty()
            || text.len() > 1000
            || !text.bytes().all(|b| plain(&b))
            || text.starts_with(['-', ' '])
            || text.ends_with(' ')
        {
            return None;
        }
        let text = key_text(typed_plain(Cow::Borrowed(text)))?;
        Some(Key {
            text,
            span: at..colon,
        })
    }

    /// A scalar or a one-line `[...]` list after `key: ` or `- `.
    fn inline_value(&self, at: usize, end: usize) -> Option<Node<'a>> {
        let (node, after) = match self.bytes[at] {
            b'\'' | b'"' => self.quoted(at, end)?,
            b'[' => self.flow_sequence(at, end)?,
            b'-' if at + 1 == end || self.bytes[at + 1] == b' ' => return None,
            b'?' | b':' | b'&' | b'*' | b'!' | b'|' | b'>' | b'{' | b'%' | b'@' | b'`' | b','
            | b']' | b'}' | b'#' => return None,
            _ => {
                let value_end = self.plain_end(at, end);
                let text = &self.text[at..value_end];
                if text.contains(": ") || text.ends_with(':') {
                    return None;
                }
                let node = Node {
                    span: at..value_end,
                    value: typed_plain(Cow::Borrowed(text)),
                };
                (node, value_end)
            }
        };
        self.rest_is_blank(after, end).then_some(node)
    }

    /// Where a block plain scalar at `at` ends: before its comment, trailing
    /// spaces left out.
    fn plain_end(&self, at: usize, end: usize) -> usize {
        let mut stop = end;
        let mut i = at + 1;
        while i < end {
            if self.bytes[i] == b'#' && self.bytes[i - 1] == b' ' {
                stop = i;
                break;
            }
            i += 1;
        }
        let mut value_end = stop;
        while value_end > at && self.bytes[value_end - 1] == b' ' {
            value_end -= 1;
        }
        value_end
    }

    /// A one-line quoted scalar at `at`, and the offset after its closing
    /// quote. Double-quoted scalars with escapes go to the full parser.
    fn quoted(&self, at: usize, end: usize) -> Option<(Node<'a>, usize)> {
        let quote = self.bytes[at];
        let mut i = at + 1;
        let mut doubled = false;
        loop {
            if i >= end {
                return None;
            }
            match self.bytes[i] {
                b'\\' if quote == b'"' => return None,
                b'\'' if quote == b'\'' && i + 1 < end && self.bytes[i + 1] == b'\'' => {
                    doubled = true;
                    i += 2;
                    continue;
                }
                b if b == quote => break,
                _ => {}
            }
            i += 1;
        }
        let inner = &self.text[at + 1..i];
        let value = if doubled {
            Cow::Owned(inner.replace("''", "'"))
        } else {
            Cow::Borrowed(inner)
        };
        let node = Node {
            span: at..i + 1,
            value: NodeValue::String(value),
        };
        Some((node, i + 1))
    }

    /// A one-line `[a, b]` list of scalars at `at`, and the offset after `]`.
    fn flow_sequence(&self, at: usize, end: usize) -> Option<(Node<'a>, usize)> {
        let mut items = Vec::new();
        let mut i = skip_spaces(self.bytes, at + 1, end);
        if i < end && self.bytes[i] == b']' {
            return Some((flow_node(at, items), i + 1));
        }
        loop {
            if i >= end {
                return None;
            }
            let (item, after) = match self.bytes[i] {
                b'\'' | b'"' => self.quoted(i, end)?,
                _ => self.flow_plain(i, end)?,
            };
            items.push(item);
            i = skip_spaces(self.bytes, after, end);
            match self.bytes.get(i) {
                Some(b']') if i < end => return Some((flow_node(at, items), i + 1)),
                Some(b',') if i < end => i = skip_spaces(self.bytes, i + 1, end),
                _ => return None,
            }
        }
    }

    /// A plain scalar inside `[...]`: it ends at `,` or `]`.
    fn flow_plain(&self, at: usize, end: usize) -> Option<(Node<'a>, usize)> {
        // YAML's indicators: none may start a plain scalar inside `[...]`.
        let indicator = |b: u8| b",[]{}#:'\"&*!|>%@`-?".contains(&b);
        if indicator(self.bytes[at]) {
            return None;
        }
        let mut i = at;
        while i < end && !matches!(self.bytes[i], b',' | b']') {
            if matches!(self.bytes[i], b'[' | b'{' | b'}' | b'#' | b':') {
                return None;
            }
            i += 1;
        }
        let mut value_end = i;
        while value_end > at && self.bytes[value_end - 1] == b' ' {
            value_end -= 1;
        }
        let node = Node {
            span: at..value_end,
            value: typed_plain(Cow::Borrowed(&self.text[at..value_end])),
        };
        Some((node, value_end))
    }
}

fn flow_node(at: usize, items: Vec<Node<'_>>) -> Node<'_> {
    Node {
        span: at..at + 1,
        value: NodeValue::Seq(items),
    }
}

fn skip_spaces(bytes: &[u8], mut at: usize, end: usize) -> usize {
    while at < end && bytes[at] == b' ' {
        at += 1;
    }
    at
}

/// The offset of the `\n` ending the line that starts at `from`, or the end
/// of the text.
fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |at| from + at)
}

#[cfg(test)]
mod tests {
    //! The reader against the full parser: wherever it answers, its tree is
    //! the full parser's, value for value and span for span.

    use std::path::Path;

    use proptest::prelude::*;

    use super::parse;
    use crate::config::tree::parse_events;

    /// Checks the property for one text; `true` when the reader answered.
    fn agrees(text: &str) -> Result<bool, TestCaseError> {
        let Some(fast) = parse(text) else {
            return Ok(false);
        };
        let full = parse_events(text);
        if matches!(&full, Ok(Some(node)) if *node == fast) {
            return Ok(true);
        }
        // The shortest run of whole lines on which the two differ.
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let shortest = (1..=lines.len())
            .map(|n| lines[..n].concat())
            .find(|prefix| matches!(parse(prefix), Some(fast) if parse_events(prefix) != Ok(Some(fast.clone()))))
            .unwrap_or_else(|| text.to_owned());
        Err(TestCaseError::fail(format!(
            "the reader and the full parser differ on {shortest:?}:\nreader: {:?}\nfull: {:?}",
            parse(&shortest),
            parse_events(&shortest)
        )))
    }

    fn yaml_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                yaml_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                found.push(path);
            }
        }
    }

    #[test]
    fn reads_the_repository_files_as_the_full_parser_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("examples"), &mut files);
        yaml_files(&root.join("tests"), &mut files);
        assert!(files.len() > 5, "{files:?}");
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            agrees(&text).unwrap();
        }
        for example in [
            "minimal.yaml",
            "realistic.yaml",
            "demo/tether.yaml",
            "demo/state.yaml",
        ] {
            let text = std::fs::read_to_string(root.join("examples").join(example)).unwrap();
            assert!(
                agrees(&text).unwrap(),
                "the fast reader gave up on {example}"
            );
        }
    }

    #[test]
    fn edge_cases() {
        let answered = [
            "a: 1\n",
            "---\na: 1\n",
            "--- # doc\na: 1\n",
            "# c\n\n  a: 1\n  b: 2\n",
            "a:\n- x\n-   y\nb: 2\n",
            "a:\n  - k: v\n    k2:\n    k3: z\n  -\n    r: 3\n",
            "a:   # comment\nb:  \nc: ~\n",
            "a: 'it''s'\nb: \"x # y\"\nc: ''\nd: \"\"\n",
            "use: [a, b]\nu: []\nv: [ a ,b ] # c\nw: ['x', \"y\"]\n",
            "url: https://x.test/a#b?c=d\nv: x:y\nw: a #c\n",
            "null: 1\ntrue: 2\n012: 3\n",
            "é: ü\n",
            "- [a]\n- 'q'\n- x\n",
        ];
        for text in answered {
            assert!(agrees(text).unwrap(), "gave up on {text:?}");
        }
        let refused = [
            "",
            "# only\n",
            "a: b\n  c\n",
            "a: b: c\n",
            "a:\tb\n",
            "a: \"x\\ty\"\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: {b: 1}\n",
            "- - x\n",
            "- \n- x\n",
            "a: 1\n---\nb: 2\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: [x,\n  y]\n",
            "'a': 1\n",
            "? a\n: 1\n",
            "a: 1\r\nb: 2\r\n",
            "\u{feff}a: 1\n",
            "hello\n",
            "a:\n    b: 1\n  c: 2\n",
            "- a: 1\n b: 2\n",
        ];
        for text in refused {
            assert!(!agrees(text).unwrap(), "answered {text:?}");
        }
    }

    /// A small deterministic generator of documents in the reader's subset.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
            from[self.below(from.len())]
        }

        fn spaces(&mut self, max: usize) -> String {
            " ".repeat(self.below(max + 1))
        }

        fn scalar(&mut self) -> String {
            self.pick(&[
                "x",
                "EU",
                "true",
                "False",
                "null",
                "~",
                "12",
                "012",
                "-3",
                "1.5",
                "0x1F",
                ".inf",
                "yes",
                "${PD_KEY}",
                "https://h.test/a?b=c#f",
                "a b  c",
                "a:b",
                "y[x]",
                "é-ü",
                "x'y",
                "x\"y",
                "50%",
                "a{b}",
                "x,y",
                "'it''s'",
                "''",
                "'a # b'",
                "'x: y'",
                "\"\"",
                "\"a # b\"",
                "\"x: y\"",
                "[]",
                "[a, b]",
                "[ a ,b ]",
                "['x', \"y\"]",
                "[1, true, null]",
                "[x y]",
                "<<",
                "=x",
                "/p/a",
                "(x)",
                "$HOME",
                "^a",
                "a\\b",
                "~x",
                ".x",
                "-x",
                "+1",
                "a  #b",
                "'a''b''c'",
                "'#'",
                "\"'\"",
                "[a,b]",
                "[ ]",
                "['a']",
                "[a b, c]",
                "x%y",
                "a!b",
                "a&b",
                "a*b",
                "a|b",
                "a>b",
                "a@b",
                "a`b",
            ])
            .to_owned()
        }

        fn key(&mut self) -> &'static str {
            self.pick(&[
                "id",
                "name",
                "PAGER_DUTY",
                "serviceKey",
                "a b",
                "true",
                "null",
                "1",
                "x.y",
                "a-b",
                "a/b",
                "_k",
                "Ü",
            ])
        }

        fn tail(&mut self) -> String {
            let mut tail = self.spaces(2);
            if self.below(4) == 0 {
                tail = format!(" {tail}# note: - [x] 'q'");
            }
            tail
        }

        fn filler(&mut self, out: &mut String) {
            match self.below(8) {
                0 => out.push('\n'),
                1 => {
                    let indent = self.spaces(6);
                    out.push_str(&format!("{indent}# a comment: - x\n"));
                }
                2 => out.push_str("   \n"),
                _ => {}
            }
        }

        fn mapping(&mut self, out: &mut String, indent: usize, depth: usize, first_inline: bool) {
            for entry in 0..1 + self.below(4) {
                if entry > 0 || !first_inline {
                    self.filler(out);
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(self.key());
                out.push(':');
                self.value(out, indent, depth);
            }
        }

        fn value(&mut self, out: &mut String, indent: usize, depth: usize) {
            match if depth >= 4 { 0 } else { self.below(3) } {
                0 => {
                    let gap = format!(" {}", self.spaces(2));
                    let (scalar, tail) = (self.scalar(), self.tail());
                    out.push_str(&format!("{gap}{scalar}{tail}\n"));
                }
                // A list may stand at its key's column.
                1 => self.block_below(out, indent, 1, depth, false),
                _ => self.block_below(out, indent, 0, depth, true),
            }
        }

        /// A collection on the lines after its key or dash, at least
        /// `min_step` columns deeper.
        fn block_below(
            &mut self,
            out: &mut String,
            indent: usize,
            min_step: usize,
            depth: usize,
            list: bool,
        ) {
            let tail = self.tail();
            out.push_str(&format!("{tail}\n"));
            let indent = indent + min_step + self.below(4);
            if list {
                self.sequence(out, indent, depth + 1);
            } else {
                self.mapping(out, indent, depth + 1, false);
            }
        }

        fn sequence(&mut self, out: &mut String, indent: usize, depth: usize) {
            for _ in 0..1 + self.below(4) {
                self.filler(out);
                out.push_str(&" ".repeat(indent));
                out.push('-');
                let gap = 1 + self.below(3);
                match if depth >= 4 { 0 } else { self.below(4) } {
                    0 => {
                        let (scalar, tail) = (self.scalar(), self.tail());
                        out.push_str(&format!("{}{scalar}{tail}\n", " ".repeat(gap)));
                    }
                    1 => {
                        out.push_str(&" ".repeat(gap));
                        self.mapping(out, indent + 1 + gap, depth + 1, true);
                    }
                    2 => self.block_below(out, indent, 1, depth, false),
                    _ => self.block_below(out, indent, 1, depth, true),
                }
            }
        }

        fn document(&mut self) -> String {
            let mut out = String::new();
            if self.below(4) == 0 {
                out.push_str("---\n");
            }
            self.filler(&mut out);
            if self.below(4) == 0 {
                self.sequence(&mut out, 0, 0);
            } else {
                self.mapping(&mut out, 0, 0, false);
            }
            out
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn generated_documents_are_read_as_the_full_parser_reads_them(seed in any::<u64>()) {
            let text = Gen(seed).document();
            prop_assert!(agrees(&text)?, "gave up on {text:?}");
        }

        #[test]
        fn random_lines_are_left_to_the_full_parser_or_read_the_same(
            text in "( {0,4}(- )?([a-cé]{1,3}: ?)?([a-c'\"\\[\\],#é: -]|\u{85}|\u{2028}|\u{feff}){0,6}\n){1,8}",
        ) {
            agrees(&text)?;
        }

        #[test]
        fn broken_documents_are_left_to_the_full_parser_or_read_the_same(
            seed in any::<u64>(),
            from_example in any::<bool>(),
            edits in proptest::collection::vec(
                (any::<prop::sample::Index>(), prop::sample::select(
                    &[" ", "  ", "\n", "-", "- ", ":", ": ", "#", " #", "'", "\"", "[", "]", ",", "\t", "x", "---\n", "&a ", "*a", "|", "\\", ""][..]
                )),
                1..4,
            ),
        ) {
            let mut text = if from_example {
                include_str!("../../examples/realistic.yaml").to_owned()
            } else {
                Gen(seed).document()
            };
            for (at, edit) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                let cut = usize::from(i < text.len() && edit.len() % 2 == 0);
                let mut end = i + cut;
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(i..end, edit);
            }
            agrees(&text)?;
        }
    }
}
