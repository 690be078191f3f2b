//! `--project` and `--type`: which projects and types a command looks at,
//! by glob (`*` any run of characters, `?` one character).

use crate::model::{DesiredProject, IntegrationType, LiveIntegrations};

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
        self.types.is_empty() || self.types.iter().any(|p| glob_match(p, kind.as_str()))
    }

    /// Leaves in a project's live state only the types `--type` selects, so
    /// that the others are neither compared nor deleted.
    pub fn restrict_live(&self, live: &mut LiveIntegrations) {
        live.known.retain(|kind, _| self.kind(*kind));
        if !self.types.is_empty() {
            live.unknown_types
                .retain(|name| self.types.iter().any(|p| glob_match(p, name)));
        }
    }

    /// Patterns of `--type` that match no integration type: almost surely a typo.
    pub fn unmatched_types(&self) -> Vec<&str> {
        self.types
            .iter()
            .filter(|p| {
                !IntegrationType::ALL
                    .iter()
                    .any(|k| glob_match(p, k.as_str()))
            })
            .map(String::as_str)
            .collect()
    }
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
