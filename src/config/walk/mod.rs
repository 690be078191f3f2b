//! The schema walk: reads the spanned tree into the raw types, reporting
//! every shape problem (unknown keys, wrong kinds, bad enum values, missing
//! fields) and carrying on, so one run shows them all.
//!
//! By concept: the top of the file (`top`), a project and its selector
//! (`project`), a layer's integrations (`integrations`) and their fields
//! (`fields`); a layer's log and metric families (`families`), one entry
//! of them (`entry`), its values (`entry_values`) and headers (`headers`),
//! entries of one list that are one (`entry_identity`), and the two
//! vocabularies of Datadog regions (`datadog_regions`). Here is what they
//! share: the walker, mappings with known keys, and scalars.

/// Declares the keys of a mapping: an enum the walk matches on
/// exhaustively, and its `KEYS`, each key's name with its variant, in the
/// order messages list them. A layer's mapping ends with `+ families`: the
/// keys of the log and metric families follow, as one variant `Family`.
macro_rules! known_keys {
    ($name:ident { $($variant:ident = $key:literal),+ $(,)? }) => {
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum $name {
            $($variant),+
        }

        impl $name {
            const KEYS: &'static [(&'static str, $name)] = &[$(($key, $name::$variant)),+];
        }
    };
    ($name:ident { $($variant:ident = $key:literal),+ $(,)? } + families) => {
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum $name {
            $($variant,)+
            Family(super::families::FamilyKey),
        }

        impl $name {
            const KEYS: &'static [(&'static str, $name)] = &[
                $(($key, $name::$variant),)+
                $name::family_key(0),
                $name::family_key(1),
                $name::family_key(2),
            ];

            const fn family_key(at: usize) -> (&'static str, $name) {
                let (key, which) = super::families::FAMILY_KEYS[at];
                (key, $name::Family(which))
            }
        }
    };
}

/// Declares a mapping with known keys and its keys (as `known_keys!`): the
/// `KnownMapping` `$mapping`, which stands at `$place`, is called `$what` in
/// messages and holds `$example`.
macro_rules! known_mapping {
    (
        $mapping:ident: $name:ident, $place:expr, $what:literal, $example:literal,
        { $($keys:tt)* } $(+ $families:ident)?
    ) => {
        known_keys!($name { $($keys)* } $(+ $families)?);

        const $mapping: KnownMapping<'static, $name> = KnownMapping {
            what: $what,
            example: $example,
            place: $place,
            keys: $name::KEYS,
        };
    };
}

mod datadog_regions;
mod entry;
mod entry_identity;
mod entry_values;
mod families;
mod fields;
mod headers;
mod integrations;
mod project;
mod top;

use std::fmt;

use super::interpolate::{Env, Interpolated, Unset, interpolate};
use super::problem::{Alike, Problem, Problems};
use super::raw::Sp;
use super::suggest::{did_you_mean, one_of};
use super::tree::{Key, Node, NodeValue, Span};
use crate::model::{Family, IntegrationType};

pub use fields::suggested_variable;

/// Where a key was written, for messages; formatted only when needed.
#[derive(Clone, Copy)]
enum Place<'p> {
    Top,
    Defaults,
    Templates,
    Template(&'p str),
    Project,
    Safety,
    Select,
    Type(IntegrationType),
    /// One entry of a family's list.
    Entry(Family),
    /// One `{name, value}` of an entry's headers.
    Header,
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Top => f.write_str("at the top of the file"),
            Place::Defaults => f.write_str("in `defaults`"),
            Place::Templates => f.write_str("in `templates`"),
            Place::Template(name) => write!(f, "in template `{name}`"),
            Place::Project => f.write_str("in this project"),
            Place::Safety => f.write_str("in `safety`"),
            Place::Select => f.write_str("in `select`"),
            Place::Type(kind) => write!(f, "in `{kind}`"),
            Place::Entry(family) => write!(f, "in this {}", family.noun()),
            Place::Header => f.write_str("in this header"),
        }
    }
}

/// A mapping's entries, in file order, repeats included.
type Entries<'n> = [(Key<'n>, Node<'n>)];

/// A mapping whose keys are known: what messages call it, what to write in
/// it, where it stands, and the keys it may hold (in the order messages list
/// them), each name with the variant the walk matches on.
struct KnownMapping<'m, K: 'static> {
    what: &'m str,
    example: &'m str,
    place: Place<'m>,
    keys: &'static [(&'static str, K)],
}

/// An entry of a mapping with known keys: which key, as written, and its
/// value.
type KnownEntry<'n, K> = (K, &'n Key<'n>, &'n Node<'n>);

pub struct Walker<'a> {
    source: &'a str,
    env: &'a dyn Env,
    unset: Unset,
    problems: &'a mut Problems,
    literal_secrets: Vec<Span>,
    /// Keys suggested for unknown ones: a misspelt `projects` should not also
    /// be reported as missing.
    suggested: Vec<&'static str>,
    /// One file of a directory: it may hold no `projects` (only `defaults`
    /// or `templates`, say).
    part: bool,
}

impl<'a> Walker<'a> {
    pub fn new(
        source: &'a str,
        (env, unset): (&'a dyn Env, Unset),
        problems: &'a mut Problems,
    ) -> Self {
        Walker {
            source,
            env,
            unset,
            problems,
            literal_secrets: Vec::new(),
            suggested: Vec::new(),
            part: false,
        }
    }

    /// Walks one file of a directory configuration.
    pub fn part_of_directory(mut self) -> Self {
        self.part = true;
        self
    }

    /// The entries of a mapping, or an error saying what was expected.
    fn mapping<'n>(
        &mut self,
        node: &'n Node<'n>,
        what: &str,
        example: &str,
    ) -> Option<&'n [(Key<'n>, Node<'n>)]> {
        match &node.value {
            NodeValue::Map(entries) => Some(entries),
            other => {
                self.problems
                    .error(
                        node.span.clone(),
                        format!("{what} must be a mapping, not {}", other.describe()),
                    )
                    .help(format!("write {example}"));
                None
            }
        }
    }

    /// The entries of a mapping with known keys, and the first of each known
    /// key in file order; unknown and repeated keys are reported. `None`, and
    /// an error saying what was expected, when the node is not a mapping.
    fn known_mapping<'n, K: Copy>(
        &mut self,
        node: &'n Node<'n>,
        mapping: &KnownMapping<'_, K>,
    ) -> Option<(&'n Entries<'n>, Vec<KnownEntry<'n, K>>)> {
        let entries = self.mapping(node, mapping.what, mapping.example)?;
        let known = self.known_keys(entries, mapping.keys, mapping.place);
        Some((entries, known))
    }

    /// Entries whose key is in `keys`; reports unknown and repeated keys.
    /// An unknown key written twice is reported as unknown twice.
    fn known_keys<'n, K: Copy>(
        &mut self,
        entries: &'n Entries<'n>,
        keys: &'static [(&'static str, K)],
        place: Place<'_>,
    ) -> Vec<KnownEntry<'n, K>> {
        let mut known = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if let Some((_, which)) = keys.iter().find(|(name, _)| *name == key.text) {
                known.push((key, (*which, value)));
                continue;
            }
            let allowed: Vec<&'static str> = keys.iter().map(|(name, _)| *name).collect();
            let guess = did_you_mean(&key.text, allowed.iter().copied());
            self.suggested.extend(guess);
            let problem = self.unknown(key, format!("unknown key `{}` {place}", key.text), "key");
            match guess {
                Some(guess) => problem.help(format!("did you mean `{guess}`?")),
                None => problem.help(format!("the keys allowed here are {}", one_of(&allowed))),
            };
        }
        self.first_of_each(known, place)
            .into_iter()
            .map(|(key, (which, value))| (which, key, value))
            .collect()
    }

    /// An error at a key that is not one of those allowed where it is
    /// written, labelled `unknown {label}`; the caller adds what to do.
    fn unknown(&mut self, key: &Key<'_>, message: String, label: &str) -> &mut Problem {
        self.problems
            .error(key.span.clone(), message)
            .label(format!("unknown {label}"))
    }

    /// The entries in file order with every repeat of a key left out; each
    /// repeat is reported where it is written again, pointing at the first.
    fn first_of_each<'n, T>(
        &mut self,
        entries: impl IntoIterator<Item = (&'n Key<'n>, T)>,
        place: Place<'_>,
    ) -> Vec<(&'n Key<'n>, T)> {
        let mut kept: Vec<(&Key<'_>, T)> = Vec::new();
        for (key, value) in entries {
            match kept.iter().find(|(k, _)| k.text == key.text) {
                Some((first, _)) => {
                    self.problems
                        .error(
                            key.span.clone(),
                            format!("`{}` is written twice {place}", key.text),
                        )
                        .label("written again here")
                        .related(first.span.clone(), "first written here")
                        .help("keep one of the two");
                }
                None => kept.push((key, value)),
            }
        }
        kept
    }

    /// A string scalar, interpolated (numbers are taken as written), and
    /// whether it holds a `${NAME}` kept as written, whose value cannot be
    /// checked.
    fn text_or_unset(
        &mut self,
        node: &Node<'_>,
        what: &dyn fmt::Display,
    ) -> Option<(Sp<String>, bool)> {
        let written = self.scalar_text(node, what)?;
        let interpolated = self.interpolate(written, node)?;
        if interpolated.value.trim().is_empty() {
            self.problems
                .error(node.span.clone(), format!("{what} is empty"))
                .help("give it a value");
            return None;
        }
        let unset = interpolated.unresolved();
        Some((Sp::new(interpolated.value, node.span.clone()), unset))
    }

    /// Puts in the variables of a value; one note for each use of a
    /// variable kept as written (the report shows one line per variable).
    fn interpolate(&mut self, written: &str, node: &Node<'_>) -> Option<Interpolated> {
        let interpolated = interpolate(
            written,
            &node.span,
            self.source,
            (self.env, self.unset),
            self.problems,
        )?;
        for (name, span) in &interpolated.kept {
            self.problems
                .note(span.clone(), format!("`{name}` has no value"))
                .alike(Alike::KeptAsWritten, name.clone());
        }
        Some(interpolated)
    }

    fn scalar_text<'n>(&mut self, node: &'n Node<'_>, what: &dyn fmt::Display) -> Option<&'n str> {
        match &node.value {
            NodeValue::Null => {
                self.problems
                    .error(node.span.clone(), format!("{what} has no value"))
                    .label("empty")
                    .help("write a value after the colon");
                None
            }
            NodeValue::Seq(_) | NodeValue::Map(_) => {
                self.problems
                    .error(
                        node.span.clone(),
                        format!("{what} must be a string, not {}", node.value.describe()),
                    )
                    .help("write a single value on the same line");
                None
            }
            other => other.scalar_text(),
        }
    }
}

/// A mapping's entries as pairs of references, as `Walker::first_of_each`
/// takes them.
fn pairs<'n>(entries: &'n Entries<'n>) -> impl Iterator<Item = (&'n Key<'n>, &'n Node<'n>)> {
    entries.iter().map(|(key, value)| (key, value))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::config::{Unset, load_str};

    /// Each problem as `line:column message [related line:column]`.
    fn problems(text: &str) -> Vec<String> {
        let at = |offset: usize| {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = offset - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("{line}:{column}")
        };
        let report = load_str("t.yaml", text, (&HashMap::new(), Unset::Keep))
            .expect_err("the file has problems");
        report.0[0]
            .problems
            .iter()
            .map(|p| {
                let related: Vec<String> = p.related.iter().map(|(s, _)| at(s.start)).collect();
                let span = p.span.as_ref().map_or_else(String::new, |s| at(s.start));
                format!("{span} {} {related:?}", p.message)
            })
            .collect()
    }

    #[test]
    fn a_value_partly_kept_as_written_is_a_secret_whatever_the_field() {
        let text = "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0aa\n    integrations:\n      \
                    WEBHOOK:\n        url: ${HOOK_BASE}${HOOK_PATH}\n";
        let env = HashMap::from([(
            "HOOK_BASE".to_owned(),
            "https://hooks.example.com/s3cret-token".to_owned(),
        )]);
        let loaded = load_str("t.yaml", text, (&env, Unset::Keep)).expect("valid");
        let integration = loaded.desired.projects[0]
            .integrations
            .values()
            .find_map(crate::model::Slot::present)
            .expect("the webhook");
        assert!(
            matches!(
                integration.get("url"),
                Some(crate::model::FieldValue::Secret(_))
            ),
            "{integration:?}"
        );
        assert!(!format!("{:?}", loaded.desired).contains("s3cret-token"));
    }

    #[test]
    fn repeated_keys_are_reported_once_each_at_every_level() {
        let text = "\
version: 1
version: 1
colour: red
colour: red
templates:
  t:
    WEBHOOK:
      url: https://h.test/a
      url: https://h.test/b
  t:
    WEBHOOK:
      url: https://h.test/c
defaults:
  integrations:
    PAGER_DUTY:
      serviceKey: k
    PAGER_DUTY: absent
    NOPE: {}
    NOPE: {}
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0d1
    id: 65f1a2b3c4d5e6f7a8b9c0d2
    colour: red
    colour: red
";
        // An unknown key written twice is unknown twice, not a repeat.
        assert_eq!(
            problems(text),
            [
                r#"2:1 `version` is written twice at the top of the file ["1:1"]"#,
                "3:1 unknown key `colour` at the top of the file []",
                "4:1 unknown key `colour` at the top of the file []",
                "6:3 template `t` is not used by any project []",
                "8:12 `WEBHOOK.url` is a secret written into the file []",
                r#"9:7 `url` is written twice in `WEBHOOK` ["8:7"]"#,
                r#"10:3 `t` is written twice in `templates` ["6:3"]"#,
                "16:19 `PAGER_DUTY.serviceKey` is a secret written into the file []",
                r#"17:5 `PAGER_DUTY` is written twice in `defaults` ["15:5"]"#,
                "18:5 unknown integration type `NOPE` []",
                r#"19:5 `NOPE` is written twice in `defaults` ["18:5"]"#,
                r#"22:5 `id` is written twice in this project ["21:5"]"#,
                "23:5 unknown key `colour` in this project []",
                "24:5 unknown key `colour` in this project []",
            ]
        );
    }
}
