//! From what Atlas has to a tether file: every project by id with its name,
//! every secret as a `${VARIABLE}` with the mask Atlas returned beside it in
//! a comment, and, with `--factor`, integrations shared by several projects
//! moved to `defaults` or to templates. Pure: the command fetches.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use crate::model::{
    FieldSpec, GroupId, IntegrationType, LiveIntegration, LiveIntegrations, LiveValue, Project,
    ReadBack, Required, screaming_snake, spec,
};
use crate::printable::{is_unsafe, one_line};

/// One project as read from Atlas.
pub struct Source {
    pub project: Project,
    pub live: LiveIntegrations,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    /// Move integrations that several projects share to `defaults` or a
    /// template.
    pub factor: bool,
    /// The API in use returns v2-only fields (`--api v2`).
    pub v2_fields: bool,
}

/// Whether every project, after factoring, has exactly what `defaults`
/// gives it: then one `select` entry can manage them all.
fn all_alike(sources: &[Source], homes: &BTreeMap<(usize, IntegrationType), Home>) -> bool {
    let in_defaults: BTreeSet<IntegrationType> = homes
        .iter()
        .filter(|(_, home)| **home == Home::Defaults)
        .map(|((_, kind), _)| *kind)
        .collect();
    !sources.is_empty()
        && sources.iter().enumerate().all(|(index, source)| {
            source.live.unknown_types.is_empty()
                && source.live.known.keys().copied().collect::<BTreeSet<_>>() == in_defaults
                && source
                    .live
                    .known
                    .keys()
                    .all(|kind| homes.get(&(index, *kind)) == Some(&Home::Defaults))
        })
}

/// A variable the written file reads, which the user must set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// Where it is used: `payments-prod PAGER_DUTY.serviceKey`.
    pub used_by: String,
    /// What Atlas showed of it, to help find the right value: its mask,
    /// or why there is none. Never the value.
    pub hint: String,
}

pub struct Imported {
    pub yaml: String,
    pub variables: Vec<Variable>,
}

impl Imported {
    /// A secrets file (`--secrets`) listing every variable with an empty
    /// value and, in a comment, what it is for and what Atlas shows of it.
    pub fn secrets_template(&self) -> String {
        let mut out = String::from(
            "# Secrets for tether's `--secrets FILE`: fill in each value, keep this file out of\n\
             # git, and readable by its owner only. An empty value is an error at plan time.\n",
        );
        for variable in &self.variables {
            out.push_str(&format!(
                "{}: \"\"    # {}: {}\n",
                variable.name, variable.used_by, variable.hint
            ));
        }
        out
    }
}

/// `payments-prod` → `PAYMENTS_PROD`: letters and digits kept, the rest `_`.
fn variable_part(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        format!("P_{out}")
    } else {
        out
    }
}

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

/// The fields of a live integration worth writing, with Atlas's defaults
/// and the fields the API version does not return left out.
fn written_fields(
    integration: &LiveIntegration,
    options: &ImportOptions,
) -> Vec<(&'static FieldSpec, LiveValue)> {
    let type_spec = spec(integration.kind);
    type_spec
        .fields
        .iter()
        .filter(|field| options.v2_fields || !field.v2_only)
        .filter_map(|field| {
            // Never returned (Prometheus `password`): the import says so in
            // a comment, since whether one is set cannot be read.
            let value = integration.get(field.name).cloned()?;
            if field.live_default().as_ref() == Some(&value) {
                return None;
            }
            // Slack's token is the UI's business: tether keeps channel and team.
            if field.sensitive && field.required == Required::ToWrite {
                return None;
            }
            Some((field, value))
        })
        .collect()
}

/// What makes two integrations "the same apart from secrets": the plain
/// fields, and the secrets' masks (equal masks are taken for one secret).
fn shape(integration: &LiveIntegration, options: &ImportOptions) -> String {
    let mut key = integration.kind.to_string();
    for (field, value) in written_fields(integration, options) {
        let _ = write!(key, "|{}={:?}", field.name, value);
    }
    key
}

/// Where a shared integration is written (others stay in their project).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Home {
    Defaults,
    Template(String),
}

/// Decides which integrations move to `defaults` or templates.
fn factor(sources: &[Source], options: &ImportOptions) -> BTreeMap<(usize, IntegrationType), Home> {
    let mut homes = BTreeMap::new();
    if !options.factor || sources.len() < 2 {
        return homes;
    }
    for kind in IntegrationType::ALL {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, source) in sources.iter().enumerate() {
            if let Some(integration) = source.live.known.get(&kind) {
                groups
                    .entry(shape(integration, options))
                    .or_default()
                    .push(index);
            }
        }
        let mut numbered = 0;
        for members in groups.values().filter(|m| m.len() >= 2) {
            let home = if members.len() == sources.len() {
                Home::Defaults
            } else {
                numbered += 1;
                Home::Template(format!(
                    "{}-{numbered}",
                    kind.as_str().to_lowercase().replace('_', "-")
                ))
            };
            for &index in members {
                homes.insert((index, kind), home.clone());
            }
        }
    }
    homes
}

struct Writer<'a> {
    out: String,
    variables: Vec<Variable>,
    taken: HashSet<String>,
    options: &'a ImportOptions,
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
                let comment = match &masked {
                    // Masked again as output shows it: Atlas's URL mask may
                    // keep the credentials of the URL.
                    mask if crate::secret::looks_masked(mask) => {
                        let shown = match field.read_back {
                            ReadBack::UrlMasked => crate::secret::url_mask(mask),
                            _ => crate::secret::shown_mask(mask),
                        };
                        format!("Atlas shows {shown}")
                    }
                    _ => "Atlas returns it in clear; it is not written here".to_owned(),
                };
                // A mask ends with what Atlas returned: it stays in its comment.
                let comment = one_line(&comment).into_owned();
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

/// The tether file for these projects.
/// The file for `sources`; `org` is the organization they are all of, when
/// the import was of a whole organization (then, with `--factor`, projects
/// that are all alike become one `select` entry).
pub fn import(sources: &[Source], options: &ImportOptions, org: Option<&str>) -> Imported {
    let homes = factor(sources, options);
    let mut writer = Writer {
        out: String::new(),
        variables: Vec::new(),
        taken: HashSet::new(),
        options,
    };
    writer.out.push_str(
        "# yaml-language-server: $schema=./tether.schema.json\n\
         # (write the schema beside this file with `tether schema > tether.schema.json`)\n\
         # Written by `tether import` from what Atlas has. Secrets are `${VARIABLES}`:\n\
         # set them (the masks Atlas returned are in the comments), then `tether plan`\n\
         # should show no changes.\n\
         version: 1\n",
    );
    // Defaults and templates first: one representative project each.
    let mut defaults: Vec<&LiveIntegration> = Vec::new();
    let mut templates: BTreeMap<String, &LiveIntegration> = BTreeMap::new();
    for ((index, kind), home) in &homes {
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
    if let Some(org) = org.filter(|_| options.factor && all_alike(sources, &homes)) {
        let _ = writeln!(
            writer.out,
            "  # Every project of the organization is alike: this entry manages them all,\n  \
             # and any project created there later.\n  - select:\n      org: {}",
            match org.parse::<GroupId>() {
                Ok(_) => org.to_owned(),
                Err(_) => scalar(org),
            }
        );
        return Imported {
            yaml: writer.out,
            variables: writer.variables,
        };
    }
    if sources.is_empty() {
        writer.out.push_str("  []\n");
    }
    for (index, source) in sources.iter().enumerate() {
        let project = &source.project;
        let _ = writeln!(writer.out, "  - id: {}", project.id);
        let _ = writeln!(writer.out, "    name: {}", scalar(&project.name));
        let used: Vec<&String> = IntegrationType::ALL
            .iter()
            .filter_map(|kind| match homes.get(&(index, *kind)) {
                Some(Home::Template(name)) => Some(name),
                _ => None,
            })
            .collect();
        if !used.is_empty() {
            let names: Vec<String> = used.iter().map(|n| scalar(n)).collect();
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
            .filter(|kind| !source.live.known.contains_key(kind))
            .collect();
        if !source.live.unknown_types.is_empty() {
            let _ = writeln!(
                writer.out,
                "    # also in Atlas, not managed by tether: {}",
                one_line(&source.live.unknown_types.join(", "))
            );
        }
        if own.is_empty() && defaults_not_live.is_empty() {
            if source.live.known.is_empty() {
                writer.out.push_str("    # no integrations in Atlas\n");
            }
            continue;
        }
        writer.out.push_str("    integrations:\n");
        for integration in own {
            let prefix = format!("{}_{}", variable_part(&project.name), integration.kind);
            writer.integration(integration, "      ", &prefix, &project.name);
        }
        for kind in defaults_not_live {
            let _ = writeln!(writer.out, "      {kind}: absent");
        }
    }
    Imported {
        yaml: writer.out,
        variables: writer.variables,
    }
}

/// `{PREFIX}_{FIELD}`, without saying the type twice: the prefix ends in
/// the type (`PAYMENTS_MICROSOFT_TEAMS`), and a field may start with it
/// (`microsoftTeamsWebhookUrl`), giving `PAYMENTS_MICROSOFT_TEAMS_WEBHOOK_URL`.
fn variable_name(prefix: &str, field: &str) -> String {
    let field = screaming_snake(field);
    // The longest end of the prefix that the field starts with, on `_`.
    let repeated = prefix
        .match_indices('_')
        .map(|(at, _)| &prefix[at + 1..])
        .chain(std::iter::once(prefix))
        .filter(|end| field.starts_with(&format!("{end}_")))
        .map(str::len)
        .max();
    match repeated {
        Some(len) => format!("{prefix}{}", &field[len..]),
        None => format!("{prefix}_{field}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_say_the_type_once() {
        assert_eq!(
            variable_name("PAYMENTS_MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl"),
            "PAYMENTS_MICROSOFT_TEAMS_WEBHOOK_URL"
        );
        assert_eq!(
            variable_name("PAYMENTS_PAGER_DUTY", "serviceKey"),
            "PAYMENTS_PAGER_DUTY_SERVICE_KEY"
        );
        assert_eq!(
            variable_name("MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl"),
            "MICROSOFT_TEAMS_WEBHOOK_URL"
        );
        assert_eq!(variable_name("SLACK", "apiToken"), "SLACK_API_TOKEN");
    }

    #[test]
    fn names_and_scalars() {
        assert_eq!(variable_part("payments-prod"), "PAYMENTS_PROD");
        assert_eq!(variable_part("9 lives!"), "P_9_LIVES");
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

    /// Names Atlas sends of types and fields tether does not know are
    /// written in comments, where a line break cannot end the comment.
    #[test]
    fn unknown_type_and_field_names_stay_in_their_comments() {
        let live = LiveIntegrations {
            known: [(
                IntegrationType::Slack,
                LiveIntegration {
                    kind: IntegrationType::Slack,
                    id: None,
                    fields: Vec::new(),
                    unmodelled: vec!["retry\nINJECTED_FIELD: 1".into()],
                },
            )]
            .into(),
            unknown_types: vec!["NEW\r\nINJECTED_TYPE: 1".into()],
        };
        let source = Source {
            project: Project {
                id: "65f1a2b3c4d5e6f7a8b9c0d1".parse().expect("id"),
                name: "payments".into(),
                org_id: None,
                tags: Vec::new(),
            },
            live,
        };
        let imported = import(&[source], &ImportOptions::default(), None);
        let read: serde_json::Value =
            serde_saphyr::from_str(&imported.yaml).expect("the file reads");
        let project = read["projects"][0].as_object().expect("a project");
        let keys: Vec<&String> = project.keys().collect();
        assert_eq!(keys, ["id", "integrations", "name"], "{}", imported.yaml);
        assert_eq!(
            read["projects"][0]["integrations"]["SLACK"],
            serde_json::Value::Null,
            "{}",
            imported.yaml
        );
        assert!(
            imported.yaml.contains(
                "# also in Atlas, not managed by tether: NEW\\u{d}\\u{a}INJECTED_TYPE: 1"
            ),
            "{}",
            imported.yaml
        );
    }

    /// A URL mask that kept `user:password@` is masked again before it
    /// reaches the file or the list of variables.
    #[test]
    fn a_url_mask_with_credentials_is_not_copied() {
        let webhook = spec(IntegrationType::Webhook);
        let url = webhook
            .fields
            .iter()
            .find(|f| f.name == "url")
            .expect("url");
        let live = LiveIntegrations {
            known: [(
                IntegrationType::Webhook,
                LiveIntegration {
                    kind: IntegrationType::Webhook,
                    id: None,
                    fields: vec![(
                        url,
                        LiveValue::Text("https://admin:hunter2@hooks.example.com/****ab12".into()),
                    )],
                    unmodelled: vec!["retryPolicy".into()],
                },
            )]
            .into(),
            unknown_types: Vec::new(),
        };
        let source = Source {
            project: Project {
                id: "65f1a2b3c4d5e6f7a8b9c0d1".parse().expect("id"),
                name: "payments".into(),
                org_id: None,
                tags: Vec::new(),
            },
            live,
        };
        let imported = import(&[source], &ImportOptions::default(), None);
        let hints: String = imported.variables.iter().map(|v| v.hint.clone()).collect();
        for text in [&imported.yaml, &hints] {
            assert!(!text.contains("hunter2"), "{text}");
            assert!(!text.contains("admin"), "{text}");
        }
        assert!(imported.yaml.contains("https://hooks.example.com/****ab12"));
        // A field this tether does not know is named, never dropped silently.
        assert!(
            imported
                .yaml
                .contains("# retryPolicy: set in Atlas, but this tether does not know the field"),
            "{}",
            imported.yaml
        );
    }
}
