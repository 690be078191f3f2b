//! `--project` and `--type`: which projects and types a command looks at,
//! by glob (`*` any run of characters, `?` one character).

use crate::model::{
    DeclaredFamilies, DesiredProject, EntryKind, Family, IntegrationType, LiveEntries,
    LiveIntegrations, PUSH_BASED_TYPE,
};

/// Whether `text` matches `pattern`, where `*` matches any run of characters
/// (possibly empty) and `?` exactly one.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and where in the text it was tried from.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// The `--project` and `--type` filters; empty lists match everything.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub projects: Vec<String>,
    pub types: Vec<String>,
}

impl Filter {
    /// A project matches when any pattern matches its name or its id.
    pub fn project(&self, project: &DesiredProject) -> bool {
        self.projects.is_empty()
            || self.projects.iter().any(|pattern| {
                project
                    .project
                    .name()
                    .is_some_and(|name| glob_match(pattern, name))
                    || project
                        .project
                        .id()
                        .is_some_and(|id| glob_match(pattern, id.as_str()))
            })
    }

    pub fn kind(&self, kind: IntegrationType) -> bool {
        self.names(kind.as_str())
    }

    /// Leaves in a project's live state only the types `--type` selects, so
    /// that the others are neither compared nor deleted.
    pub fn restrict_live(&self, live: &mut LiveIntegrations) {
        live.known.retain(|kind, _| self.kind(*kind));
        live.unknown_types.retain(|name| self.names(name));
    }

    /// Whether `--type` selects the type named `name` (every type without
    /// `--type`).
    fn names(&self, name: &str) -> bool {
        self.types.is_empty() || self.types.iter().any(|p| glob_match(p, name))
    }

    /// Leaves in a project's declared families only the kinds `--type`
    /// selects; a family none of whose kinds it selects is not mentioned any
    /// more, so it is not read at all.
    pub fn restrict_families(&self, declared: &mut DeclaredFamilies) {
        for family in Family::ALL {
            let selected = family.kinds().any(|kind| self.names(kind.as_str()));
            let entries = declared.entries_mut(family);
            if !selected {
                *entries = None;
            } else if let Some(entries) = entries {
                entries.retain(|entry| self.names(entry.kind.as_str()));
            }
        }
        declared.push_based_absent &= self.names(PUSH_BASED_TYPE);
    }

    /// Leaves in one family's live entries only the kinds `--type` selects.
    pub fn restrict_live_entries(&self, live: &mut LiveEntries) {
        live.entries.retain(|entry| self.names(entry.kind.as_str()));
        live.unknown_types.retain(|name| self.names(name));
    }

    /// Patterns of `--type` that match no type: almost surely a typo.
    pub fn unmatched_types(&self) -> Vec<&str> {
        self.types
            .iter()
            .filter(|p| !all_type_names().any(|name| glob_match(p, name)))
            .map(String::as_str)
            .collect()
    }
}

/// Every type `--type` can name: the integrations', the log and metric
/// integrations' kinds, and the push-based log export.
pub fn all_type_names() -> impl Iterator<Item = &'static str> {
    IntegrationType::ALL
        .into_iter()
        .map(IntegrationType::as_str)
        .chain(EntryKind::ALL.into_iter().map(EntryKind::as_str))
        .chain([PUSH_BASED_TYPE])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("payments-*", "payments-prod"));
        assert!(glob_match("*-prod", "payments-prod"));
        assert!(glob_match("*", ""));
        assert!(glob_match("p?yments*", "payments"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(glob_match("a*b*c", "abcbc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
        assert!(!glob_match("payments", "payments-prod"));
        assert!(glob_match("PAGER_*", "PAGER_DUTY"));
        assert!(!glob_match("?", ""));
    }

    #[test]
    fn type_filter() {
        let filter = Filter {
            projects: vec![],
            types: vec!["*OPS*".into(), "NOPE".into()],
        };
        assert!(filter.kind(IntegrationType::VictorOps));
        assert!(!filter.kind(IntegrationType::PagerDuty));
        assert_eq!(filter.unmatched_types(), ["NOPE"]);
    }
}
