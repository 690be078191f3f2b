//! A project entry: by `id`, by `name`, or a `select` of many, with the
//! templates it uses, its mode and its own integrations.

use std::fmt;

use super::{KnownMapping, Place, Walker, pairs};
use crate::config::limits::MAX_PROJECT_NAME_CHARS;
use crate::config::raw::{RawProject, RawSelect, RawTags, Sp};
use crate::config::tree::{Node, NodeValue};
use crate::model::{GroupId, IdOf};

known_mapping! {
    PROJECT: ProjectKey, Place::Project, "a project", "`id:` or `name:`, and its `integrations:`",
    {
        Id = "id", Name = "name", Select = "select", Use = "use", Mode = "mode",
        Integrations = "integrations",
    } + families
}

known_mapping! {
    SELECT: SelectKey, Place::Select,
    "`select`", "`org:`, and `name:`, `tags:` or `exclude:` below it",
    { Org = "org", Name = "name", Tags = "tags", Exclude = "exclude" }
}

impl Walker<'_> {
    pub(super) fn projects(&mut self, node: &Node<'_>) -> Vec<RawProject> {
        match &node.value {
            NodeValue::Seq(items) => items.iter().filter_map(|item| self.project(item)).collect(),
            other => {
                self.problems
                    .error(
                        node.span.clone(),
                        format!("`projects` must be a list, not {}", other.describe()),
                    )
                    .help("write each project as a list item: `- id: …` or `- name: …`");
                Vec::new()
            }
        }
    }

    fn project(&mut self, node: &Node<'_>) -> Option<RawProject> {
        let (_, known) = self.known_mapping(node, &PROJECT)?;
        let mut project = RawProject {
            span: node.span.clone(),
            ..RawProject::default()
        };
        let mut select_key = None;
        let mut named = false;
        for (which, key, value) in known {
            match which {
                ProjectKey::Id => {
                    named = true;
                    if let Some((id, unset)) = self.text_or_unset(value, &"`id`") {
                        project.id = Some(id);
                        project.id_unset = unset;
                    }
                }
                ProjectKey::Name => {
                    named = true;
                    project.name = self.project_name(value);
                }
                ProjectKey::Select => {
                    select_key = Some(key.span.clone());
                    project.select = self.select(value);
                }
                ProjectKey::Use => project.use_templates = self.use_list(value),
                ProjectKey::Mode => project.mode = self.mode(value),
                ProjectKey::Integrations => {
                    project.integrations = self.integrations(value, Place::Project);
                }
                ProjectKey::Family(which) => self.family_key(which, value, &mut project.families),
            }
        }
        if let Some(span) = select_key {
            if named {
                self.problems
                    .error(
                        span,
                        "an entry names a project or selects projects, not both",
                    )
                    .label("`select` beside `id`/`name`")
                    .help("keep `id`/`name` for one project, or `select` for many, in two entries");
            }
            return Some(project);
        }
        if !named {
            self.problems
                .error(
                    node.span.clone(),
                    "this project has neither `id` nor `name`",
                )
                .label("which project?")
                .help(format!(
                    "add `id:` ({} hex characters from the Atlas URL) or `name:`, or `select:` \
                     for every matching project of an organization",
                    GroupId::LEN
                ));
        }
        Some(project)
    }

    fn select(&mut self, node: &Node<'_>) -> Option<RawSelect> {
        let (_, known) = self.known_mapping(node, &SELECT)?;
        let mut select = RawSelect::default();
        let has_org = known.iter().any(|(which, _, _)| *which == SelectKey::Org);
        for (which, _, value) in known {
            match which {
                SelectKey::Org => select.org = self.org_id(value),
                SelectKey::Name => select.name = self.glob(value, &"`select.name`"),
                SelectKey::Tags => select.tags = self.tags(value),
                SelectKey::Exclude => select.exclude = self.exclude(value),
            }
        }
        if !has_org {
            self.problems
                .error(node.span.clone(), "`select` has no `org`")
                .label("which organization?")
                .help("add `org:` with the organization's id (or `${ATLAS_ORG_ID}`)");
        }
        Some(select)
    }

    /// `select.exclude`: a list of globs.
    fn exclude(&mut self, node: &Node<'_>) -> Option<Vec<Sp<String>>> {
        let NodeValue::Seq(items) = &node.value else {
            self.problems
                .error(
                    node.span.clone(),
                    "`select.exclude` must be a list of globs",
                )
                .help("write `exclude: [\"sandbox-*\"]`");
            return None;
        };
        Some(
            items
                .iter()
                .filter_map(|item| self.glob(item, &"a glob of `select.exclude`"))
                .collect(),
        )
    }

    fn org_id(&mut self, node: &Node<'_>) -> Option<Sp<String>> {
        let (org, unset) = self.text_or_unset(node, &"`select.org`")?;
        if unset {
            return Some(org);
        }
        let valid = org.value.parse::<GroupId>().is_ok();
        if !valid {
            // A value from a variable is not shown, not even in lowercase.
            let written_here = node.value.scalar_text() == Some(org.value.as_str());
            let help = GroupId::lowercase_hint(&org.value)
                .filter(|_| written_here)
                .unwrap_or_else(|| IdOf::Organization.shape());
            self.problems
                .error(node.span.clone(), "`select.org` is not an organization id")
                .label("not an organization id")
                .help(help);
        }
        valid.then_some(org)
    }

    /// A glob: `*` for any run of characters, `?` for one; nothing else is
    /// special, and the characters other glob dialects use are refused
    /// rather than taken literally by surprise.
    fn glob(&mut self, node: &Node<'_>, what: &dyn fmt::Display) -> Option<Sp<String>> {
        let (glob, unset) = self.text_or_unset(node, what)?;
        if unset {
            // `${NAME}` has braces; what the variable holds is unknown.
            return Some(glob);
        }
        if let Some(c) = glob
            .value
            .chars()
            .find(|c| matches!(c, '[' | ']' | '{' | '}' | '\\'))
        {
            self.problems
                .error(
                    node.span.clone(),
                    format!("{what} has `{c}`, which tether's globs do not use"),
                )
                .label("not a glob character")
                .help("globs here know `*` (any run of characters) and `?` (one character)");
            return None;
        }
        Some(glob)
    }

    /// `key: value` strings, for `select.tags`.
    fn tags(&mut self, node: &Node<'_>) -> Option<RawTags> {
        let entries = self.mapping(node, "`select.tags`", "`key: value` tags below it")?;
        let mut tags = Vec::with_capacity(entries.len());
        for (key, value) in self.first_of_each(pairs(entries), Place::Select) {
            match &value.value {
                NodeValue::String(text) | NodeValue::Number(text) => tags.push((
                    Sp::new(key.text.to_string(), key.span.clone()),
                    Sp::new(text.to_string(), value.span.clone()),
                )),
                other => {
                    self.problems
                        .error(
                            value.span.clone(),
                            format!(
                                "the tag `{}` must be a string, not {}",
                                key.text,
                                other.describe()
                            ),
                        )
                        .help("write each tag as `key: value`");
                }
            }
        }
        Some(RawTags(tags))
    }

    fn project_name(&mut self, node: &Node<'_>) -> Option<Sp<String>> {
        let (name, unset) = self.text_or_unset(node, &"`name`")?;
        if unset {
            return Some(name);
        }
        if name.value == "." || name.value == ".." {
            self.problems
                .error(
                    node.span.clone(),
                    format!("`{}` cannot be a project name", name.value),
                )
                .label("not a name")
                .help(
                    "a lookup by this name would address another path of Atlas's API; use the \
                     project's name as Atlas shows it, or its `id`",
                );
            return None;
        }
        if let Some((at, c)) = name.value.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
            self.problems
                .warning(
                    node.span.clone(),
                    format!(
                        "the project name has non-ASCII letters (`{}`, U+{:04X}, character {}), \
                         which can look like ASCII ones",
                        // A bidi control or a zero-width character shows as
                        // its escape, not as itself.
                        crate::printable::one_line(&c.to_string()),
                        u32::from(c),
                        at + 1
                    ),
                )
                .label("non-ASCII")
                .help("check that it is the name Atlas shows, or use the project's `id`");
        }
        let length = name.value.chars().count();
        if length > MAX_PROJECT_NAME_CHARS {
            self.problems
                .error(
                    node.span.clone(),
                    format!("project names are at most {MAX_PROJECT_NAME_CHARS} characters; this one has {length}"),
                )
                .help("use the project's name exactly as Atlas shows it, or its `id`");
            return None;
        }
        Some(name)
    }

    fn use_list(&mut self, node: &Node<'_>) -> Option<Vec<Sp<String>>> {
        let NodeValue::Seq(items) = &node.value else {
            let example = node
                .value
                .scalar_text()
                .map_or_else(|| "use: [name]".to_owned(), |name| format!("use: [{name}]"));
            self.problems
                .error(node.span.clone(), "`use` must be a list of template names")
                .help(format!("write `{example}`"));
            return None;
        };
        Some(
            items
                .iter()
                .filter_map(|item| {
                    let name = self.scalar_text(item, &"a template name")?;
                    Some(Sp::new(name.to_owned(), item.span.clone()))
                })
                .collect(),
        )
    }
}
