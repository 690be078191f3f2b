//! The families the credentials could not read. Import never leaves one out
//! in silence: a file without it would not manage it, and would say nothing
//! of what Atlas has there.

use super::Source;
use crate::model::{Family, Unreadable};
use crate::printable::one_line;

/// How many projects a message names before it counts the rest.
const NAMED: usize = 3;

/// Families that Atlas refused to show in the same projects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadFamily {
    /// The file's keys: `log_integrations`, `metric_integrations`,
    /// `push_based_log_export`.
    pub sections: Vec<&'static str>,
    /// Each project, as `` `name` (id) ``, safe to print.
    pub projects: Vec<String>,
    /// What Atlas answered the first read refused, safe to print.
    pub reason: String,
}

impl UnreadFamily {
    /// `` `log_integrations` and `metric_integrations` of `payments` (65f…)
    /// and 2 more projects (Atlas answered 403 ...) ``.
    pub fn described(&self) -> String {
        let sections: Vec<String> = self.sections.iter().map(|s| format!("`{s}`")).collect();
        let mut named = self.projects[..self.projects.len().min(NAMED)].join(", ");
        let rest = self.projects.len().saturating_sub(NAMED);
        match rest {
            0 => {}
            1 => named.push_str(" and 1 more project"),
            n => named.push_str(&format!(" and {n} more projects")),
        }
        format!("{} of {named} ({})", and_list(&sections), self.reason)
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(super) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The families Atlas refused to show, in the order of the file's keys;
/// families refused in the same projects are said together.
pub fn unreadable<'a>(sources: impl IntoIterator<Item = &'a Source>) -> Vec<UnreadFamily> {
    let mut by_section: Vec<UnreadFamily> = [
        Family::Log.section(),
        Family::Metric.section(),
        PUSH_BASED_SECTION,
    ]
    .into_iter()
    .map(|section| UnreadFamily {
        sections: vec![section],
        projects: Vec::new(),
        reason: String::new(),
    })
    .collect();
    for source in sources {
        let families = &source.families;
        let refused: [Option<&Unreadable>; 3] = [
            families.log.as_ref().and_then(|r| r.as_ref().err()),
            families.metric.as_ref().and_then(|r| r.as_ref().err()),
            families.push_based.as_ref().and_then(|r| r.as_ref().err()),
        ];
        for (family, refused) in by_section.iter_mut().zip(refused) {
            let Some(refused) = refused else { continue };
            if family.projects.is_empty() {
                family.reason = one_line(&refused.reason).into_owned();
            }
            family.projects.push(format!(
                "`{}` ({})",
                one_line(&source.project.name),
                source.project.id
            ));
        }
    }
    let mut found: Vec<UnreadFamily> = Vec::new();
    for family in by_section.into_iter().filter(|f| !f.projects.is_empty()) {
        match found.iter_mut().find(|f| f.projects == family.projects) {
            Some(same) => same.sections.extend(family.sections),
            None => found.push(family),
        }
    }
    found
}

/// The file's key of the push-based log export.
pub(super) const PUSH_BASED_SECTION: &str = "push_based_log_export";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LiveEntries, LiveFamilies, LiveIntegrations, Project, PushBasedExport};

    fn source(n: usize, families: LiveFamilies) -> Source {
        Source {
            project: Project {
                id: format!("65f1a2b3c4d5e6f7a8b9c0{n:02}").parse().expect("id"),
                name: format!("team\n{n}"),
                org_id: None,
                tags: Vec::new(),
            },
            live: LiveIntegrations::default(),
            families,
        }
    }

    fn refused(why: &str) -> Unreadable {
        Unreadable {
            reason: why.to_owned(),
        }
    }

    #[test]
    fn lists_say_and_before_the_last() {
        let items = |n: usize| (1..=n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&items(1)), "1");
        assert_eq!(and_list(&items(2)), "1 and 2");
        assert_eq!(and_list(&items(3)), "1, 2 and 3");
    }

    #[test]
    fn each_family_names_its_projects_and_the_first_answer() {
        let all_refused = |n| {
            source(
                n,
                LiveFamilies {
                    log: Some(Err(refused("Atlas answered 403\nForbidden"))),
                    metric: Some(Err(refused("Atlas answered 401"))),
                    push_based: Some(Ok(PushBasedExport::default())),
                },
            )
        };
        let readable = source(
            9,
            LiveFamilies {
                log: Some(Ok(LiveEntries::default())),
                metric: Some(Ok(LiveEntries::default())),
                push_based: Some(Err(refused("Atlas answered 403"))),
            },
        );
        let sources: Vec<Source> = (0..5).map(all_refused).chain([readable]).collect();
        let found = unreadable(&sources);
        let described: Vec<String> = found.iter().map(UnreadFamily::described).collect();
        assert_eq!(
            described,
            [
                "`log_integrations` and `metric_integrations` of `team\\u{a}0` \
                 (65f1a2b3c4d5e6f7a8b9c000), `team\\u{a}1` (65f1a2b3c4d5e6f7a8b9c001), \
                 `team\\u{a}2` (65f1a2b3c4d5e6f7a8b9c002) and 2 more projects (Atlas answered \
                 403\\u{a}Forbidden)",
                "`push_based_log_export` of `team\\u{a}9` (65f1a2b3c4d5e6f7a8b9c009) (Atlas \
                 answered 403)",
            ]
        );
        assert!(unreadable(&[source(1, LiveFamilies::default())]).is_empty());
    }
}
