//! `select` entries: the projects of an organization that an entry manages
//! without naming them. One paginated listing per organization; then each
//! project gets exactly one entry: the entry that names it, else the first
//! selector in file order that matches it, else none (never touched).

use std::collections::{BTreeMap, HashSet};

use crate::atlas::{ApiVersion, Client};
use crate::error::{Error, Message};
use crate::filter::glob_match;
use crate::model::{Desired, DesiredProject, Project, ProjectRef, Selector};
use crate::printable::one_line;

/// The projects a file manages once its selectors are expanded.
#[derive(Debug)]
pub struct Expanded {
    /// The projects the file names, in file order, then those selectors
    /// brought in, selector by selector in Atlas's order.
    pub projects: Vec<DesiredProject>,
    /// A selector that matches no project, for information.
    pub warnings: Vec<String>,
    /// Projects of the selected organizations that no entry manages, as
    /// `name (id)`.
    pub unmanaged: Vec<String>,
    /// The names of every project the organizations' listings hold: what a
    /// misspelled name can be told it likely meant.
    pub listed: Vec<String>,
}

/// Lists the organizations the selectors name and picks each project's
/// entry. A file without selectors costs no call. An organization that
/// cannot be listed fails the whole plan: which projects to manage would
/// be a guess.
pub async fn expand(client: &Client, desired: Desired) -> Result<Expanded, Error> {
    let Desired {
        projects,
        selectors,
        ..
    } = desired;
    if selectors.is_empty() {
        return Ok(Expanded {
            projects,
            warnings: Vec::new(),
            unmanaged: Vec::new(),
            listed: Vec::new(),
        });
    }
    if client.api() == ApiVersion::V1
        && let Some(selector) = selectors.iter().find(|s| !s.tags.is_empty())
    {
        return Err(Error::new(
            format!(
                "the selector at {} selects by `tags`, which the v1.0 API does not list",
                selector.origin
            ),
            "use the v2 API (the default: drop `--api v1` or the file's `api: v1`), or select by \
             `name` and `exclude` only",
        ));
    }
    let mut listings: BTreeMap<&str, Vec<Project>> = BTreeMap::new();
    for selector in &selectors {
        if listings.contains_key(selector.org.as_str()) {
            continue;
        }
        let listed = client.org_projects(&selector.org).await.map_err(|err| {
            Error::many(
                vec![Message {
                    message: format!(
                        "the organization {} of the selector at {} cannot be listed: {err}",
                        selector.org, selector.origin
                    ),
                    hint: format!("{}; nothing was planned", err.hint()),
                }],
                crate::exit::ExitStatus::Error,
            )
        })?;
        check_repeats(selector, &listed)?;
        listings.insert(&selector.org, listed);
    }
    let named_ids: HashSet<String> = projects
        .iter()
        .filter_map(|p| p.project.id().map(ToString::to_string))
        .collect();
    // Only an entry that finds its project by name claims the name: Atlas
    // allows one name in several organizations, and beside an id a name is
    // a label.
    let named_names: HashSet<&str> = projects
        .iter()
        .filter_map(|p| match &p.project {
            ProjectRef::Name(name) => Some(name.as_str()),
            ProjectRef::Id(_) | ProjectRef::Both { .. } => None,
        })
        .collect();
    let mut chosen: Vec<Vec<DesiredProject>> = vec![Vec::new(); selectors.len()];
    let mut unmanaged = Vec::new();
    let mut foreign = Vec::new();
    for (org, listed) in &listings {
        for project in listed {
            if project.org_id.as_deref() != Some(*org) {
                foreign.push(foreign_warning(org, project));
                continue;
            }
            if named_ids.contains(project.id.as_str())
                || named_names.contains(project.name.as_str())
            {
                continue;
            }
            let first = selectors
                .iter()
                .position(|selector| selector.org == *org && selects(selector, project));
            match first {
                Some(at) => chosen[at].push(selected(&selectors[at], project)),
                None => unmanaged.push(format!("{} ({})", project.name, project.id)),
            }
        }
    }
    let warnings = foreign
        .into_iter()
        .chain(selectors.iter()
        .zip(&chosen)
        .filter(|(_, chosen)| chosen.is_empty())
        .map(|(selector, _)| {
            let listed = listings.get(selector.org.as_str()).map_or(&[][..], Vec::as_slice);
            format!(
                "warning: the selector at {} matches no project of organization {} that another \
                 entry does not manage{}\n",
                selector.origin,
                selector.org,
                closest_name(selector, listed)
            )
        }))
        .collect();
    let listed = listings
        .iter()
        .flat_map(|(org, listed)| {
            listed
                .iter()
                .filter(move |p| p.org_id.as_deref() == Some(*org))
        })
        .map(|p| p.name.clone())
        .collect();
    let mut projects = projects;
    projects.extend(chosen.into_iter().flatten());
    Ok(Expanded {
        projects,
        warnings,
        unmanaged,
        listed,
    })
}

/// `; did you mean `NAME`?` when the selector's name glob is a likely typo
/// of a project the organization's listing holds (its wildcards aside);
/// nothing otherwise.
fn closest_name(selector: &Selector, listed: &[Project]) -> String {
    let Some(glob) = &selector.name else {
        return String::new();
    };
    let literal: String = glob.chars().filter(|c| !matches!(c, '*' | '?')).collect();
    let names = listed.iter().map(|p| {
        // A glob that ends in `*` is compared with as much of each name.
        let keep = if glob.ends_with('*') {
            p.name
                .char_indices()
                .nth(literal.chars().count())
                .map_or(p.name.len(), |(at, _)| at)
        } else {
            p.name.len()
        };
        (&p.name[..keep], p.name.as_str())
    });
    let pairs: Vec<(&str, &str)> = names.collect();
    match crate::config::suggest::did_you_mean(&literal, pairs.iter().map(|(part, _)| *part)) {
        Some(part) => {
            let name = pairs
                .iter()
                .find(|(p, _)| *p == part)
                .map_or(part, |(_, n)| n);
            format!("; did you mean `{}`?", one_line(name))
        }
        None => String::new(),
    }
}

/// A project that an organization's listing holds but that belongs to
/// another organization (or to none it says): a selector of `org` never
/// manages it.
fn foreign_warning(org: &str, project: &Project) -> String {
    let owner = match &project.org_id {
        Some(owner) => format!("organization {}", one_line(owner)),
        None => "no organization".to_owned(),
    };
    format!(
        "warning: Atlas listed the project `{}` ({}) in organization {org}, but the project \
         says it belongs to {owner}: no selector manages it, and nothing is written to it\n",
        one_line(&project.name),
        project.id
    )
}

/// Refuses a listing that names a project more than once, in one message:
/// which entry would manage it is then a guess.
fn check_repeats(selector: &Selector, listed: &[Project]) -> Result<(), Error> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for project in listed {
        *seen.entry(project.id.as_str()).or_default() += 1;
    }
    let repeated: Vec<(&Project, usize)> = listed
        .iter()
        .filter_map(|project| {
            let times = seen.remove(project.id.as_str())?;
            (times > 1).then_some((project, times))
        })
        .collect();
    if repeated.is_empty() {
        return Ok(());
    }
    let examples: Vec<String> = repeated
        .iter()
        .take(REPEATS_SHOWN)
        .map(|(project, times)| {
            format!(
                "`{}` ({}) {times} times",
                one_line(&project.name),
                project.id
            )
        })
        .collect();
    let more = repeated.len().saturating_sub(REPEATS_SHOWN);
    Err(Error::new(
        format!(
            "the listing of organization {} (for the selector at {}) names {} more than once: \
             {}{}",
            selector.org,
            selector.origin,
            crate::plural::count(repeated.len(), "project", "projects"),
            examples.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            }
        ),
        "Atlas's listing changed while it was read, or is broken: run the command again; \
         nothing was planned",
    ))
}

/// Repeated projects a message names; the count says the rest.
const REPEATS_SHOWN: usize = 3;

/// Whether `selector` matches `project` (its organization aside).
fn selects(selector: &Selector, project: &Project) -> bool {
    let name_matches = selector
        .name
        .as_deref()
        .is_none_or(|glob| glob_match(glob, &project.name));
    let excluded = selector
        .exclude
        .iter()
        .any(|glob| glob_match(glob, &project.name) || glob_match(glob, project.id.as_str()));
    let tagged = selector
        .tags
        .iter()
        .all(|wanted| project.tags.contains(wanted));
    name_matches && !excluded && tagged
}

fn selected(selector: &Selector, project: &Project) -> DesiredProject {
    DesiredProject {
        project: ProjectRef::Both {
            id: project.id.clone(),
            name: project.name.clone(),
        },
        mode: selector.mode,
        integrations: selector.integrations.clone(),
        families: selector.families.clone(),
        origin: selector.origin.clone(),
        selected_by: Some(selector.origin.clone()),
    }
}
