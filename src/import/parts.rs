//! Which projects go to which file: all to one, or one file per
//! organization (`-o DIR`).

use super::{Layout, Organization, Source};
use crate::model::GroupId;

/// One file to write: its projects, and the organization a `select` entry
/// may name when they are all of its projects.
pub(super) struct Part<'a> {
    pub org: Option<GroupId>,
    pub select_org: Option<GroupId>,
    pub sources: Vec<&'a Source>,
}

/// The files for `orgs` in `layout`: projects of the same organization
/// together, in the order first seen.
pub(super) fn parts(orgs: &[Organization], layout: Layout) -> Vec<Part<'_>> {
    match layout {
        Layout::OneFile => {
            let select_org = match orgs {
                [only] if only.whole => only.id.clone(),
                _ => None,
            };
            vec![Part {
                org: None,
                select_org,
                sources: orgs.iter().flat_map(|o| &o.sources).collect(),
            }]
        }
        Layout::PerOrganization => {
            let mut parts: Vec<Part<'_>> = Vec::new();
            let mut whole: Vec<bool> = Vec::new();
            for org in orgs {
                match parts.iter().position(|p| p.org == org.id) {
                    Some(at) => {
                        parts[at].sources.extend(&org.sources);
                        whole[at] &= org.whole;
                    }
                    None => {
                        parts.push(Part {
                            org: org.id.clone(),
                            select_org: None,
                            sources: org.sources.iter().collect(),
                        });
                        whole.push(org.whole);
                    }
                }
            }
            for (part, whole) in parts.iter_mut().zip(whole) {
                part.select_org = part.org.clone().filter(|_| whole);
            }
            parts
        }
    }
}
