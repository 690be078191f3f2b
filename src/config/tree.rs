//! A YAML document as a tree of nodes that remember where they were written.
//!
//! The file is parsed into this tree first, and the schema walk in `raw.rs`
//! reads the tree, so that every problem in the file is reported at once and
//! each one points at its exact span. Scalars keep the text as written: a
//! project id or a key made only of digits stays the string the user typed.

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// A byte range in the source file.
pub type Span = Range<usize>;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: NodeValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    /// An integer or float, with the text as written.
    Number(String),
    String(String),
    Seq(Vec<Node>),
    /// Entries in file order; repeated keys are kept so the schema walk can
    /// point at both.
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub span: Span,
}

impl NodeValue {
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

fn span_of(location: &Location) -> Span {
    let span = location.span();
    let start = span.byte_offset().unwrap_or(span.offset()) as usize;
    let len = span.byte_len().unwrap_or(span.len()) as usize;
    start..start + len
}

/// A scalar's text exactly as written, for numbers that must stay strings.
fn written_text(source: &str, location: &Location) -> Option<String> {
    source.get(span_of(location)).map(str::to_owned)
}

impl Node {
    pub(super) fn from_spanned(source: &str, spanned: Spanned<RawNode>) -> Node {
        let span = span_of(&spanned.referenced);
        let value = match spanned.value {
            RawNode::Null => NodeValue::Null,
            RawNode::Bool(b) => NodeValue::Bool(b),
            RawNode::Number(fallback) => NodeValue::Number(
                written_text(source, &spanned.defined)
                    .filter(|text| !text.is_empty())
                    .unwrap_or(fallback),
            ),
            RawNode::String(s) => NodeValue::String(s),
            RawNode::Seq(items) => NodeValue::Seq(
                items
                    .into_iter()
                    .map(|item| Node::from_spanned(source, item))
                    .collect(),
            ),
            RawNode::Map(entries) => NodeValue::Map(
                entries
                    .into_iter()
                    .map(|(key, value)| {
                        let key = Key {
                            span: span_of(&key.referenced),
                            text: key.value,
                        };
                        (key, Node::from_spanned(source, value))
                    })
                    .collect(),
            ),
        };
        Node { span, value }
    }
}

/// The shape serde-saphyr fills in; turned into `Node` with the source text.
#[derive(Debug)]
pub(super) enum RawNode {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<String>, Spanned<RawNode>)>),
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawNodeVisitor)
    }
}

struct RawNodeVisitor;

impl<'de> Visitor<'de> for RawNodeVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Number(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(RawNode::Number(v.to_string()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<RawNode, E> {
        Ok(RawNode::Number(v.to_string()))
    }

    fn visit_u128<E>(self, v: u128) -> Result<RawNode, E> {
        Ok(RawNode::Number(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Number(v.to_string()))
    }

    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(RawNode::Map(entries))
    }
}
