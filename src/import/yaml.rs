//! The YAML import writes: the modeline, `version`, `defaults`,
//! `templates` and `projects` (their log and metric integrations in
//! `families`), every value as a scalar tether reads back as Atlas sent it,
//! and every secret as a `${VARIABLE}`.

mod families;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use super::factor::{Home, Homes, all_alike};
use super::naming::{variable_name, variable_part};
use super::parts::Part;
use super::{ImportOptions, Variable, written_fields};
use crate::model::{IntegrationType, LiveIntegration, LiveValue, ReadBack, Required, spec};
use crate::printable::{is_unsafe, one_line};

/// A YAML scalar that tether reads back as `text`: plain when that cannot
/// be misread, else double-quoted (JSON's quoting is valid YAML, and so are
/// its `\uXXXX` escapes, used for every character that could break or
/// hide a line). Every `${` is written `$${`, so that text from Atlas is
/// never taken for a reference to a variable (see `config::interpolate`).
fn scalar(text: &str) -> String {
    let text = &text.replace("${", "$${");
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if safe {
        return text.to_owned();
    }
    let quoted = serde_json::to_string(text).expect("a string serializes");
    let mut out = String::with_capacity(quoted.len());
    for c in quoted.chars() {
        if is_unsafe(c) {
            // All of them are in the Basic Multilingual Plane.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// An id Atlas assigns (24 hexadecimal digits) as a plain scalar where no
/// YAML reader could take it for a number (`650000000000000000000000`,
/// `65e1...` of digits only are floats to YAML 1.2), else as [`scalar`].
fn id_scalar(text: &str) -> String {
    let hex = text.len() == 24 && text.chars().all(|c| c.is_ascii_hexdigit());
    let numeric = text
        .split(['e', 'E'])
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
        && text.chars().filter(|c| matches!(c, 'e' | 'E')).count() <= 1;
    if hex && !numeric {
        text.to_owned()
    } else {
        scalar(text)
    }
}

/// What the comment beside a secret's variable says of what Atlas returned:
/// its mask, masked again as output shows it (Atlas's URL mask may keep the
/// credentials of the URL), or that it came in clear (and is not copied).
/// One line, so that it stays in its comment.
fn secret_hint(returned: &str, url: bool) -> String {
    let hint = if crate::secret::looks_masked(returned) {
        let shown = if url {
            crate::secret::url_mask(returned)
        } else {
            crate::secret::shown_mask(returned)
        };
        format!("Atlas shows {shown}")
    } else {
        "Atlas returns it in clear; it is not written here".to_owned()
    };
    one_line(&hint).into_owned()
}

/// Writes the files, naming each variable once across them all.
pub(super) struct Writer<'a> {
    out: String,
    variables: Vec<Variable>,
    taken: HashSet<String>,
    options: &'a ImportOptions,
}

impl<'a> Writer<'a> {
    pub(super) fn new(options: &'a ImportOptions) -> Self {
        Writer {
            out: String::new(),
            variables: Vec::new(),
            taken: HashSet::new(),
            options,
        }
    }

    /// The text of one file.
    pub(super) fn file(&mut self, part: &Part<'_>, homes: &Homes) -> String {
        write_part(self, part, homes);
        std::mem::take(&mut self.out)
    }

    /// The variables the files read.
    pub(super) fn into_variables(self) -> Vec<Variable> {
        self.variables
    }
}

impl Writer<'_> {
    fn variable(&mut self, base: &str, used_by: String, hint: String) -> String {
        let mut name = base.to_owned();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        self.variables.push(Variable {
            name: name.clone(),
            used_by,
            hint,
        });
        name
    }

    /// Writes `TYPE:` and its fields at `indent`.
    fn integration(
        &mut self,
        integration: &LiveIntegration,
        indent: &str,
        prefix: &str,
        used_by: &str,
    ) {
        let kind = integration.kind;
        let _ = writeln!(self.out, "{indent}{kind}:");
        let fields = written_fields(integration, self.options);
        let has_ui_token = spec(kind).fields.iter().any(|f| {
            f.sensitive && f.required == Required::ToWrite && integration.get(f.name).is_some()
        });
        if has_ui_token {
            let _ = writeln!(
                self.out,
                "{indent}  # apiToken: connected through the Atlas UI; tether keeps the channel and team"
            );
        }
        for name in &integration.unmodelled {
            let _ = writeln!(
                self.out,
                "{indent}  # {}: set in Atlas, but this tether does not know the field; not managed",
                one_line(name)
            );
        }
        for field in spec(kind).fields {
            if field.read_back == ReadBack::Never {
                let _ = writeln!(
                    self.out,
                    "{indent}  # {}: write-only, Atlas never returns it; add `{}: ${{VAR}}` to manage it",
                    field.name, field.name
                );
            }
        }
        for (field, value) in fields {
            let line = if field.sensitive {
                let masked = match &value {
                    LiveValue::Text(t) => t.clone(),
                    LiveValue::Bool(b) => b.to_string(),
                };
                let base = variable_name(prefix, field.name);
                let comment = secret_hint(&masked, field.read_back == ReadBack::UrlMasked);
                let name = self.variable(
                    &base,
                    format!("{} {kind}.{}", one_line(used_by), field.name),
                    comment.clone(),
                );
                format!("{}: ${{{name}}}    # {comment}", field.name)
            } else {
                match value {
                    LiveValue::Text(text) => format!("{}: {}", field.name, scalar(&text)),
                    LiveValue::Bool(b) => format!("{}: {b}", field.name),
                }
            };
            let _ = writeln!(self.out, "{indent}  {line}");
        }
    }
}

/// The URL of the file's JSON Schema, as the repository keeps it
/// (`schemas/tether.schema.json` on `main`), for the modeline.
fn schema_url() -> String {
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    let owner_name = repository
        .strip_prefix("https://github.com/")
        .unwrap_or(repository);
    format!("https://raw.githubusercontent.com/{owner_name}/main/schemas/tether.schema.json")
}

/// A page of the manual as the repository keeps it on `main`, for the
/// comments that point at it.
fn manual_url(page: &str) -> String {
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    format!("{repository}/blob/main/docs/{page}")
}

/// Writes one file into `writer.out`.
fn write_part(writer: &mut Writer<'_>, part: &Part<'_>, homes: &Homes) {
    let sources = &part.sources;
    let _ = write!(
        writer.out,
        "# yaml-language-server: $schema={}\n\
         # Written by `tether import` from what Atlas has. Secrets are `${{VARIABLES}}`:\n\
         # set them (the masks Atlas returned are in the comments), then `tether plan`\n\
         # should show no changes. The schema of this very version, for editors\n\
         # offline: `tether schema > tether.schema.json`.\n",
        schema_url()
    );
    if let Some(org) = &part.org {
        let _ = writeln!(writer.out, "# The projects of organization {org}.");
    }
    writer.out.push_str("version: 1\n");
    // Defaults and templates first: one representative project each.
    let mut defaults: Vec<&LiveIntegration> = Vec::new();
    let mut templates: BTreeMap<String, &LiveIntegration> = BTreeMap::new();
    for ((index, kind), home) in homes {
        let integration = &sources[*index].live.known[kind];
        match home {
            Home::Defaults if !defaults.iter().any(|i| i.kind == *kind) => {
                defaults.push(integration)
            }
            Home::Template(name) => {
                templates.entry(name.clone()).or_insert(integration);
            }
            _ => {}
        }
    }
    if !defaults.is_empty() {
        writer.out.push_str("\ndefaults:\n  integrations:\n");
        for integration in defaults {
            let prefix = integration.kind.to_string();
            writer.integration(integration, "    ", &prefix, "defaults");
        }
    }
    if !templates.is_empty() {
        writer.out.push_str("\ntemplates:\n");
        for (name, integration) in &templates {
            let _ = writeln!(writer.out, "  {name}:");
            let prefix = variable_part(name);
            writer.integration(integration, "    ", &prefix, &format!("template {name}"));
        }
    }
    writer.out.push_str("\nprojects:\n");
    let used = |index: usize| -> Vec<String> {
        IntegrationType::ALL
            .iter()
            .filter_map(|kind| match homes.get(&(index, *kind)) {
                Some(Home::Template(name)) => Some(scalar(name)),
                _ => None,
            })
            .collect()
    };
    if let Some(org) = part
        .select_org
        .as_ref()
        .filter(|_| writer.options.factor && all_alike(sources, homes))
    {
        let _ = writeln!(
            writer.out,
            "  # Every project of the organization is alike: this entry manages them all,\n  \
             # and any project created there later.\n  - select:\n      org: {org}"
        );
        let names = used(0);
        if !names.is_empty() {
            let _ = writeln!(writer.out, "    use: [{}]", names.join(", "));
        }
        return;
    }
    if sources.is_empty() {
        writer.out.push_str("  []\n");
    }
    for (index, source) in sources.iter().enumerate() {
        let project = &source.project;
        let _ = writeln!(writer.out, "  - id: {}", project.id);
        let _ = writeln!(writer.out, "    name: {}", scalar(&project.name));
        let names = used(index);
        if !names.is_empty() {
            let _ = writeln!(writer.out, "    use: [{}]", names.join(", "));
        }
        let own: Vec<&LiveIntegration> = source
            .live
            .known
            .values()
            .filter(|i| !homes.contains_key(&(index, i.kind)))
            .collect();
        let defaults_not_live: Vec<IntegrationType> = homes
            .iter()
            .filter(|(_, home)| **home == Home::Defaults)
            .map(|((_, kind), _)| *kind)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|kind| !source.live.known.contains_key(kind))
            .collect();
        if !source.live.unknown_types.is_empty() {
            let _ = writeln!(
                writer.out,
                "    # also in Atlas, not managed by tether: {}",
                one_line(&source.live.unknown_types.join(", "))
            );
        }
        if !own.is_empty() || !defaults_not_live.is_empty() {
            writer.out.push_str("    integrations:\n");
            for integration in own {
                let prefix = format!("{}_{}", variable_part(&project.name), integration.kind);
                writer.integration(integration, "      ", &prefix, &project.name);
            }
            for kind in defaults_not_live {
                let _ = writeln!(writer.out, "      {kind}: absent");
            }
        } else if source.live.known.is_empty() && !source.has_families() {
            writer.out.push_str("    # no integrations in Atlas\n");
        }
        writer.families(&project.name, &source.families);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_written_and_quote_what_could_be_misread() {
        assert_eq!(scalar("payments-prod"), "payments-prod");
        assert_eq!(scalar("#alerts"), "\"#alerts\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("a ${B} $${C} $"), "\"a $${B} $$${C} $\"");
        assert_eq!(
            scalar("a\u{202e}b\u{2028}c\nd"),
            "\"a\\u202eb\\u2028c\\nd\""
        );
    }
}
