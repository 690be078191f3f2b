//! A YAML document as a tree of nodes that remember where they were written.
//!
//! The tree is built from the YAML parser's events (granit-parser, the
//! parser under serde-saphyr): scalars borrow from the file's text, keep
//! their exact spans, and are typed by tether rather than by YAML's guesses,
//! so a project id made only of digits stays the string the user typed. The
//! schema walk in `walk/` reads this tree and reports every problem at once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, ScanError, Span as ParserSpan};

/// A byte range in the source file.
pub type Span = Range<usize>;

#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub span: Span,
    pub value: NodeValue<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue<'a> {
    Null,
    Bool(bool),
    /// An integer or float, with the text as written.
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    /// Entries in file order; repeated keys are kept so the schema walk can
    /// point at both.
    Map(Vec<(Key<'a>, Node<'a>)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key<'a> {
    pub text: Cow<'a, str>,
    pub span: Span,
}

impl NodeValue<'_> {
    /// What the node is, for messages such as "expected a list, found a number".
    pub fn describe(&self) -> &'static str {
        match self {
            NodeValue::Null => "nothing",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Number(_) => "a number",
            NodeValue::String(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    /// The scalar as text, whatever YAML typed it as.
    pub fn scalar_text(&self) -> Option<&str> {
        match self {
            NodeValue::String(s) | NodeValue::Number(s) => Some(s),
            NodeValue::Bool(true) => Some("true"),
            NodeValue::Bool(false) => Some("false"),
            _ => None,
        }
    }
}

/// Why the text is not a YAML document tether can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxError {
    /// The YAML parser's own message.
    Scan {
        message: String,
        span: Span,
    },
    MultipleDocuments {
        span: Span,
    },
    /// Aliases would expand the document past the budget (an alias bomb).
    AliasBudget {
        span: Span,
    },
    UnknownAlias {
        span: Span,
    },
    TooDeep {
        span: Span,
    },
    UnsupportedTag {
        tag: String,
        span: Span,
    },
    ComplexKey {
        span: Span,
    },
}

impl SyntaxError {
    /// Where in the text the problem is.
    pub fn span(&self) -> &Span {
        match self {
            SyntaxError::Scan { span, .. }
            | SyntaxError::MultipleDocuments { span }
            | SyntaxError::AliasBudget { span }
            | SyntaxError::UnknownAlias { span }
            | SyntaxError::TooDeep { span }
            | SyntaxError::UnsupportedTag { span, .. }
            | SyntaxError::ComplexKey { span } => span,
        }
    }
}

/// Nodes that aliases may copy in, in all: far more than any real file
/// needs, far less than a "billion laughs" file asks for.
const MAX_REPLAYED_NODES: usize = 100_000;
/// Nesting deeper than this is refused (tether's format is five deep).
const MAX_DEPTH: usize = 64;

/// Parses one YAML document. `Ok(None)` for a file with no content.
pub fn parse(text: &str) -> Result<Option<Node<'_>>, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|err| scan_error(text, &err))?;
        let span = byte_span(text, &span);
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(..) if builder.root.is_some() => {
                return Err(SyntaxError::MultipleDocuments { span });
            }
            Event::Alias(id) => builder.alias(id, span)?,
            Event::UnresolvedAlias(_) => return Err(SyntaxError::UnknownAlias { span }),
            Event::Anchor(..) => {}
            Event::Scalar(value, style, anchor, tag) => {
                let value = match tag {
                    Some(tag) if tag.is_yaml_core_schema_tag("str") => NodeValue::String(value),
                    Some(tag) if tag.is_custom() => {
                        return Err(SyntaxError::UnsupportedTag {
                            tag: format!("{}{}", tag.handle(), tag.suffix()),
                            span,
                        });
                    }
                    _ => typed(value, style),
                };
                builder.complete(Node { span, value }, anchor)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                builder.open(Frame::Seq(Vec::new()), span, anchor)?
            }
            Event::MappingStart(_, anchor, _) => {
                builder.open(Frame::Map(Vec::new(), None), span, anchor)?
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close()?,
            // Stream and document ends, anchor names and comments carry no
            // data of their own.
            _ => {}
        }
    }
    Ok(builder.root)
}

/// A scalar's value: quoted and block scalars are always strings.
fn typed(value: Cow<'_, str>, style: ScalarStyle) -> NodeValue<'_> {
    match style {
        ScalarStyle::Plain => typed_plain(value),
        _ => NodeValue::String(value),
    }
}

/// YAML 1.2 core-schema typing of plain scalars, with only `true` and
/// `false` as booleans (so `yes`, `on` and `no` stay strings).
fn typed_plain(value: Cow<'_, str>) -> NodeValue<'_> {
    // Most scalars are words; only these characters start a null, a boolean
    // or a number.
    let maybe_typed = |b: &u8| b"0123456789+-.~nNtTfF".contains(b);
    if !value.as_bytes().first().is_none_or(maybe_typed) {
        return NodeValue::String(value);
    }
    match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => NodeValue::Null,
        "true" | "True" | "TRUE" => NodeValue::Bool(true),
        "false" | "False" | "FALSE" => NodeValue::Bool(false),
        text if is_number(text) => NodeValue::Number(value),
        _ => NodeValue::String(value),
    }
}

fn is_number(text: &str) -> bool {
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = text.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return digits(octal, 8);
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() || digits(whole, 10))
                && (fraction.is_empty() || digits(fraction, 10))
                && !(whole.is_empty() && fraction.is_empty())
        }
        None => digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    mantissa_ok && exponent_ok
}

enum Frame<'a> {
    Seq(Vec<Node<'a>>),
    Map(Vec<(Key<'a>, Node<'a>)>, Option<Key<'a>>),
}

#[derive(Default)]
struct Builder<'a> {
    stack: Vec<(Frame<'a>, Span, usize)>,
    /// Anchored nodes by id, with their size in nodes.
    anchors: HashMap<usize, (Node<'a>, usize)>,
    replayed: usize,
    root: Option<Node<'a>>,
}

impl<'a> Builder<'a> {
    fn open(&mut self, frame: Frame<'a>, span: Span, anchor: usize) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError::TooDeep { span });
        }
        self.stack.push((frame, span, anchor));
        Ok(())
    }

    fn close(&mut self) -> Result<(), SyntaxError> {
        let Some((frame, span, anchor)) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame {
            Frame::Seq(items) => NodeValue::Seq(items),
            Frame::Map(entries, _) => NodeValue::Map(entries),
        };
        self.complete(Node { span, value }, anchor)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), SyntaxError> {
        let Some((node, size)) = self.anchors.get(&id) else {
            return Err(SyntaxError::UnknownAlias { span });
        };
        self.replayed += size;
        if self.replayed > MAX_REPLAYED_NODES {
            return Err(SyntaxError::AliasBudget { span });
        }
        let mut node = node.clone();
        node.span = span;
        self.complete(node, 0)
    }

    /// Hands a finished node to its parent.
    fn complete(&mut self, node: Node<'a>, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            let size = size(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some((Frame::Seq(items), ..)) => items.push(node),
            Some((Frame::Map(entries, pending), ..)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => {
                    let Some(text) = key_text(node.value) else {
                        return Err(SyntaxError::ComplexKey { span: node.span });
                    };
                    *pending = Some(Key {
                        text,
                        span: node.span,
                    });
                }
            },
        }
        Ok(())
    }
}

/// The text of a scalar used as a mapping key; `None` for a collection.
fn key_text(value: NodeValue<'_>) -> Option<Cow<'_, str>> {
    match value {
        NodeValue::String(text) | NodeValue::Number(text) => Some(text),
        NodeValue::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
        NodeValue::Null => Some(Cow::Borrowed("")),
        NodeValue::Seq(_) | NodeValue::Map(_) => None,
    }
}

fn size(node: &Node<'_>) -> usize {
    1 + match &node.value {
        NodeValue::Seq(items) => items.iter().map(size).sum(),
        NodeValue::Map(entries) => entries.iter().map(|(_, v)| 1 + size(v)).sum(),
        _ => 0,
    }
}

fn byte_span(text: &str, span: &ParserSpan) -> Span {
    let start = span.start.byte_offset().unwrap_or(span.start.index());
    let end = span.end.byte_offset().unwrap_or(span.end.index());
    let start = start.min(text.len());
    start..end.clamp(start, text.len())
}

fn scan_error(text: &str, err: &ScanError) -> SyntaxError {
    let marker = err.marker();
    let start = marker
        .byte_offset()
        .unwrap_or(marker.index())
        .min(text.len());
    let end = text[start..]
        .chars()
        .next()
        .filter(|c| *c != '\n')
        .map_or(start, |c| start + c.len_utf8());
    SyntaxError::Scan {
        message: err.info(),
        span: start..end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> NodeValue<'_> {
        parse(text).unwrap().unwrap().value
    }

    #[test]
    fn scalars_are_typed_by_tether() {
        let NodeValue::Map(entries) = root(
            "id: 012345678901234567890123\nhex: 0x1F\nyes: yes\nb: true\nq: \"true\"\nn:\nf: 1.5e3\n",
        ) else {
            panic!("expected a map")
        };
        let values: Vec<&NodeValue> = entries.iter().map(|(_, v)| &v.value).collect();
        assert_eq!(
            values,
            [
                &NodeValue::Number("012345678901234567890123".into()),
                &NodeValue::Number("0x1F".into()),
                &NodeValue::String("yes".into()),
                &NodeValue::Bool(true),
                &NodeValue::String("true".into()),
                &NodeValue::Null,
                &NodeValue::Number("1.5e3".into()),
            ]
        );
        assert_eq!(entries[2].0.text, "yes");
    }

    #[test]
    fn numbers() {
        for n in [
            "0", "-12", "+3", "1.5", ".5", "1.", "1e10", "1.5E-3", "0o17", "0xFF", ".inf", "-.inf",
            ".nan",
        ] {
            assert!(is_number(n), "{n}");
        }
        for s in [
            "",
            ".",
            "-",
            "1.2.3",
            "0x",
            "1e",
            "12a",
            "5f1e3b2c9d8e7f6a5b4c3d2e",
            "e5",
        ] {
            assert!(!is_number(s), "{s}");
        }
    }

    #[test]
    fn spans_are_byte_ranges_of_the_text() {
        let text = "é: 1\nkey: value\n";
        let NodeValue::Map(entries) = root(text) else {
            panic!("expected a map")
        };
        assert_eq!(&text[entries[1].0.span.clone()], "key");
        assert_eq!(&text[entries[1].1.span.clone()], "value");
    }

    #[test]
    fn repeated_keys_are_kept() {
        let NodeValue::Map(entries) = root("a: 1\na: 2\n") else {
            panic!("expected a map")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].0.span, 5..6);
    }

    #[test]
    fn aliases_copy_and_are_budgeted() {
        let NodeValue::Map(entries) = root("a: &x [1, 2]\nb: *x\n") else {
            panic!("expected a map")
        };
        assert_eq!(entries[0].1.value, entries[1].1.value);
        let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..=6 {
            let refs = vec![format!("*l{}", level - 1); 10].join(", ");
            bomb.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
        }
        assert!(matches!(parse(&bomb), Err(SyntaxError::AliasBudget { .. })));
    }

    #[test]
    fn refuses_what_tether_cannot_read() {
        assert!(matches!(
            parse("a: 1\n---\nb: 2\n"),
            Err(SyntaxError::MultipleDocuments { .. })
        ));
        assert!(matches!(
            parse("a: !custom 1\n"),
            Err(SyntaxError::UnsupportedTag { .. })
        ));
        assert!(matches!(
            parse("? [a]\n: 1\n"),
            Err(SyntaxError::ComplexKey { .. })
        ));
        assert!(matches!(
            parse(&"[".repeat(100)),
            Err(SyntaxError::TooDeep { .. } | SyntaxError::Scan { .. })
        ));
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
        assert_eq!(parse("a: !!str 12\n").unwrap().unwrap().value, {
            NodeValue::Map(vec![(
                Key {
                    text: "a".into(),
                    span: 0..1,
                },
                Node {
                    span: 9..11,
                    value: NodeValue::String("12".into()),
                },
            )])
        });
    }
}
