//! The log and metric integrations of one project as import writes them: a
//! `log_integrations:` and a `metric_integrations:` list (a family without
//! entries is left out: unmentioned, it stays unmanaged), each entry's
//! fields in the table's order with their only values left out, an `id:`
//! only where two entries point at the same place, every secret and header
//! value as a `${VARIABLE}`; the deprecated push-based log export as a
//! comment on how to move off it, and what tether does not model as
//! comments.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::super::naming::{entry_prefix, header_variable, variable_name};
use super::super::unreadable::{PUSH_BASED_SECTION, and_list};
use super::{Writer, id_scalar, manual_url, scalar, secret_hint};
use crate::model::{
    EntryField, EntryKey, Family, LiveEntries, LiveEntry, LiveEntryValue, LiveFamilies,
    PushBasedExport, Shape,
};
use crate::printable::one_line;

/// How many characters of a value from Atlas a comment, or the description
/// of a variable, shows.
const SHOWN_CHARS: usize = 80;

/// How many kinds tether does not model a comment names.
const UNKNOWN_NAMED: usize = 10;

/// Beside each header's variable in the file.
const HEADER_COMMENT: &str = "Atlas never returns header values: set the variable to the real one";

/// What the list of variables says of a header's.
const HEADER_HINT: &str = "Atlas never returns header values; set it to the real one";

/// `text` from Atlas for a comment: one line, at most [`SHOWN_CHARS`].
fn shown(text: &str) -> String {
    let line = one_line(text);
    let mut out: String = line.chars().take(SHOWN_CHARS).collect();
    if line.chars().count() > SHOWN_CHARS {
        out.push('…');
    }
    out
}

/// The kinds tether does not model, each once with how many entries are of
/// it, at most [`UNKNOWN_NAMED`] of them.
fn unknown_kinds(names: &[String]) -> String {
    let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
    for name in names {
        *counted.entry(name).or_default() += 1;
    }
    let distinct = counted.len();
    let mut said: Vec<String> = counted
        .into_iter()
        .take(UNKNOWN_NAMED)
        .map(|(name, n)| match n {
            1 => shown(name),
            n => format!("{} ({n})", shown(name)),
        })
        .collect();
    if distinct > UNKNOWN_NAMED {
        said.push(format!("and {} more", distinct - UNKNOWN_NAMED));
    }
    said.join(", ")
}

/// The identities that two live entries or more share: those entries are
/// written with their `id:`, since a file cannot tell them apart otherwise.
fn shared_identities(entries: &[LiveEntry]) -> BTreeSet<EntryKey> {
    let mut counted: BTreeMap<EntryKey, usize> = BTreeMap::new();
    for entry in entries {
        *counted.entry(entry.key()).or_default() += 1;
    }
    counted
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(key, _)| key)
        .collect()
}

/// Who a variable of one entry is for: the project, the entry and where it
/// points.
struct Owner<'a> {
    project: &'a str,
    /// `DATADOG_LOG_EXPORT`, or `metric_integrations`.
    label: &'static str,
    target: String,
    prefix: String,
}

impl Owner<'_> {
    fn used_by(&self, field: &str) -> String {
        format!(
            "{} {}.{field} ({})",
            one_line(self.project),
            self.label,
            self.target
        )
    }
}

impl Writer<'_> {
    /// Writes what Atlas has of the families of the project `project`, at a
    /// project's indent. A family not read, or not readable, is not written.
    pub(super) fn families(&mut self, project: &str, families: &LiveFamilies) {
        for family in Family::ALL {
            match families.entries(family) {
                Some(Ok(live)) => self.family(project, family, live),
                Some(Err(_)) => self.unread(family.section()),
                None => {}
            }
        }
        match &families.push_based {
            Some(Ok(export)) if export.is_configured() => self.push_based(export),
            Some(Err(_)) => self.unread(PUSH_BASED_SECTION),
            Some(Ok(_)) | None => {}
        }
    }

    /// A family the credentials could not read (`--skip-unreadable`): the
    /// file says it is left out, not that Atlas has none.
    fn unread(&mut self, section: &str) {
        let _ = writeln!(
            self.out,
            "    # {section}: not imported, the credentials could not read it (it needs the \
             Project Owner role); not managed here"
        );
    }

    fn family(&mut self, project: &str, family: Family, live: &LiveEntries) {
        if !live.unknown_types.is_empty() {
            let _ = writeln!(
                self.out,
                "    # {} also in Atlas, not managed by tether: {}",
                family.section(),
                unknown_kinds(&live.unknown_types)
            );
        }
        if live.entries.is_empty() {
            return;
        }
        let _ = writeln!(self.out, "    {}:", family.section());
        let shared = shared_identities(&live.entries);
        for entry in &live.entries {
            let lines = self.entry(project, entry, shared.contains(&entry.key()));
            let mut lines = lines.iter();
            if let Some(first) = lines.next() {
                let _ = writeln!(self.out, "      - {first}");
            }
            for line in lines {
                let _ = writeln!(self.out, "        {line}");
            }
        }
    }

    /// The lines of one entry, relative to its indent; the first is a key
    /// (or `{}`), so that the item never starts with a comment.
    fn entry(&mut self, project: &str, entry: &LiveEntry, pinned: bool) -> Vec<String> {
        let kind = entry.kind;
        let family = kind.family();
        let owner = Owner {
            project,
            label: match family {
                Family::Log => kind.as_str(),
                Family::Metric => family.section(),
            },
            target: shown(&entry.key().parts.join("/")),
            prefix: entry_prefix(project, entry),
        };
        let mut lines = Vec::new();
        if family == Family::Log {
            lines.push(format!("{}: {kind}", family.discriminator()));
        }
        if pinned {
            let noun = match family {
                Family::Log => kind.as_str(),
                Family::Metric => family.noun(),
            };
            let identity: Vec<String> = kind.identity().map(|f| format!("`{}`", f.name)).collect();
            lines.push(format!(
                "id: {}    # pinned: another {noun} of this project has the same {}, so the id \
                 tells them apart",
                id_scalar(&entry.id),
                and_list(&identity)
            ));
        }
        for (field, value) in &entry.fields {
            let field_lines = self.field(&owner, field, value);
            lines.extend(field_lines);
        }
        if lines.is_empty() {
            lines.push("{}".to_owned());
        }
        let comments = entry.unmodelled.iter().map(|name| {
            format!(
                "# {}: set in Atlas, but this tether does not know the field; not managed (an \
                 update of this entry sends all of it, and may clear the field)",
                shown(name)
            )
        });
        lines.splice(1..1, comments);
        lines
    }

    /// The lines of one field (several for headers).
    fn field(
        &mut self,
        owner: &Owner<'_>,
        field: &EntryField,
        value: &LiveEntryValue,
    ) -> Vec<String> {
        let name = field.name;
        match value {
            LiveEntryValue::Text(text) if field.is_secret() => {
                let hint = secret_hint(text, false);
                let variable = self.variable(
                    &variable_name(&owner.prefix, name),
                    owner.used_by(name),
                    hint.clone(),
                );
                vec![format!("{name}: ${{{variable}}}    # {hint}")]
            }
            LiveEntryValue::Text(text) if field.only_value == Some(text.as_str()) => Vec::new(),
            LiveEntryValue::Text(text) if matches!(field.shape, Shape::Hex24) => {
                vec![format!("{name}: {}", id_scalar(text))]
            }
            LiveEntryValue::Text(text) => vec![format!("{name}: {}", scalar(text))],
            LiveEntryValue::Bool(b) => vec![format!("{name}: {b}")],
            LiveEntryValue::Set(values) => {
                let values: Vec<String> = values.iter().map(|v| scalar(v)).collect();
                vec![format!("{name}: [{}]", values.join(", "))]
            }
            LiveEntryValue::HeaderNames(headers) if headers.is_empty() => {
                vec![format!("{name}: []")]
            }
            LiveEntryValue::HeaderNames(headers) => {
                let mut lines = vec![format!("{name}:")];
                for header in headers {
                    let variable = self.variable(
                        &header_variable(&owner.prefix, header),
                        owner.used_by(&format!("{name}[{}]", shown(header))),
                        HEADER_HINT.to_owned(),
                    );
                    lines.push(format!("  - name: {}", scalar(header)));
                    lines.push(format!("    value: ${{{variable}}}    # {HEADER_COMMENT}"));
                }
                lines
            }
        }
    }

    /// The deprecated push-based log export: a comment, never a key, on how
    /// to move off it.
    fn push_based(&mut self, export: &PushBasedExport) {
        let part = |what: &str, value: &Option<String>| {
            value
                .as_ref()
                .map(|value| format!("{what} {}", shown(value)))
        };
        let said: Vec<String> = [
            Some(format!("state {}", shown(&export.state))),
            part("bucket", &export.bucket_name),
            part("prefix", &export.prefix_path),
            part("IAM role", &export.iam_role_id),
        ]
        .into_iter()
        .flatten()
        .collect();
        let _ = write!(
            self.out,
            "    # {PUSH_BASED_SECTION}: Atlas has the deprecated push-based log export here:\n    \
             # {}.\n    \
             # tether leaves it alone. To move off it, add an S3_LOG_EXPORT log integration\n    \
             # with another prefixPath, and `{PUSH_BASED_SECTION}: absent`: apply creates\n    \
             # the new one first, then removes the old export. See\n    \
             # {}\n",
            said.join(", "),
            manual_url("log-and-metric.md#moving-off-the-push-based-log-export")
        );
    }
}

#[cfg(test)]
mod tests;
