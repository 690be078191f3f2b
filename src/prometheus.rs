//! The scrape configuration Prometheus needs to find an Atlas project's
//! nodes through Atlas's HTTP service discovery: what the Atlas UI shows
//! once, and Atlas's API never returns. Pure: the command fetches.
//!
//! The shape follows Atlas's documentation ("Integrate with Prometheus",
//! section "Example Configurations", HTTP SD,
//! https://www.mongodb.com/docs/atlas/tutorial/prometheus-integration/):
//! a job with `scrape_interval: 10s`, `metrics_path: /metrics`,
//! `scheme: https` and `basic_auth`, whose `http_sd_configs` entry has
//! `url: https://{host}/prometheus/v1.0/groups/{groupId}/discovery`,
//! `refresh_interval: 60s` and the same `basic_auth`. The discovery path is
//! `v1.0` whichever generation of the Administration API is in use.
//!
//! Where Atlas's snippet has the password in clear, this one has
//! `password_file`: Atlas never returns the password, and tether never
//! prints one.

use std::fmt::Write as _;

use crate::model::{LiveIntegration, LiveValue, Project};
use crate::printable::one_line;

/// One project's Prometheus integration, as Atlas returned it.
pub struct Scraped<'a> {
    pub project: &'a Project,
    pub integration: &'a LiveIntegration,
}

/// Where the job expects the password: a placeholder path per project, for
/// the user to fill in (or to change).
pub fn password_file(project: &Project) -> String {
    format!("/etc/prometheus/atlas-{}.password", project.id)
}

/// Atlas's discovery URL for a project, on `origin` (`https://cloud.mongodb.com`,
/// no trailing slash).
pub fn discovery_url(origin: &str, project: &Project) -> String {
    format!(
        "{}/prometheus/v1.0/groups/{}/discovery",
        origin.trim_end_matches('/'),
        project.id
    )
}

/// A `scrape_configs:` document with one job per project.
pub fn scrape_configs(origin: &str, scraped: &[Scraped<'_>]) -> String {
    let mut out = String::from(
        "# Prometheus scrape configuration for Atlas's HTTP service discovery, as Atlas's\n\
         # documentation shows it (\"Integrate with Prometheus\", Example Configurations).\n\
         # Atlas never returns the password: write it into each `password_file` (readable\n\
         # by Prometheus only). Needs Prometheus 2.28 or later.\n\
         scrape_configs:\n",
    );
    for Scraped {
        project,
        integration,
    } in scraped
    {
        job(&mut out, origin, project, integration);
    }
    out
}

fn job(out: &mut String, origin: &str, project: &Project, integration: &LiveIntegration) {
    let text = |name: &str| match integration.get(name) {
        Some(LiveValue::Text(text)) => Some(text.as_str()),
        _ => None,
    };
    let username = quoted(text("username").unwrap_or(""));
    let password_file = quoted(&password_file(project));
    let url = quoted(&discovery_url(origin, project));
    let _ = writeln!(out, "  # {} ({})", one_line(&project.name), project.id);
    if integration.get("enabled") == Some(&LiveValue::Bool(false)) {
        out.push_str(
            "  # Atlas has this integration disabled (`enabled: false`): enable it there first.\n",
        );
    }
    let _ = write!(
        out,
        "  - job_name: {job_name}\n    \
             scrape_interval: 10s\n    \
             metrics_path: /metrics\n    \
             scheme: https\n    \
             basic_auth:\n      \
               username: {username}\n      \
               password_file: {password_file}\n",
        job_name = quoted(&format!("{}-mongo-metrics", project.name)),
    );
    if text("serviceDiscovery") == Some("file") {
        let _ = write!(
            out,
            "    # Atlas's integration uses file discovery: fetch the targets from {url}\n    \
             # with the same basic auth into this file (Atlas's documentation shows a curl).\n    \
             file_sd_configs:\n      \
               - files:\n          \
                   - {targets}\n",
            url = one_line(&discovery_url(origin, project)),
            targets = quoted(&format!(
                "/etc/prometheus/atlas-{}-targets.json",
                project.id
            )),
        );
    } else {
        let _ = write!(
            out,
            "    http_sd_configs:\n      \
               - url: {url}\n        \
                 refresh_interval: 60s\n        \
                 basic_auth:\n          \
                   username: {username}\n          \
                   password_file: {password_file}\n",
        );
    }
}

/// A YAML double-quoted scalar (JSON's quoting is valid YAML), with the
/// characters that reorder or hide text written as `\uXXXX` escapes, which
/// both read back as the same value.
fn quoted(text: &str) -> String {
    let json = serde_json::to_string(text).expect("a string serializes");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if crate::printable::is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Scraped, scrape_configs};
    use crate::model::{IntegrationType, LiveIntegration, LiveValue, Project, spec};

    fn integration(discovery: &str, enabled: bool) -> LiveIntegration {
        let field = |name: &str| spec(IntegrationType::Prometheus).field(name).unwrap();
        LiveIntegration {
            kind: IntegrationType::Prometheus,
            id: None,
            fields: vec![
                (field("username"), LiveValue::Text("prom_user_1".into())),
                (field("serviceDiscovery"), LiveValue::Text(discovery.into())),
                (field("enabled"), LiveValue::Bool(enabled)),
            ],
            unmodelled: Vec::new(),
        }
    }

    fn project(name: &str) -> Project {
        Project {
            id: "65f1a2b3c4d5e6f7a8b9c0d2".parse().unwrap(),
            name: name.into(),
            org_id: None,
            tags: Vec::new(),
        }
    }

    /// The scrape configuration of one project's integration.
    fn one_scraped(origin: &str, project: &Project, integration: &LiveIntegration) -> String {
        scrape_configs(
            origin,
            &[Scraped {
                project,
                integration,
            }],
        )
    }

    #[test]
    fn a_name_from_atlas_is_one_comment_line_with_nothing_hidden() {
        let p = project("pay\n- job_name: evil\u{202e}\u{200b}");
        let i = integration("http", true);
        let text = one_scraped("https://cloud.mongodb.com", &p, &i);
        assert!(
            text.contains(
                "  # pay\\u{a}- job_name: evil\\u{202e}\\u{200b} (65f1a2b3c4d5e6f7a8b9c0d2)\n"
            ),
            "{text}"
        );
        assert!(!text.contains(['\u{202e}', '\u{200b}']), "{text}");
        let parsed: serde_json::Value = serde_saphyr::from_str(&text).expect(&text);
        assert_eq!(
            parsed["scrape_configs"][0]["job_name"],
            "pay\n- job_name: evil\u{202e}\u{200b}-mongo-metrics"
        );
    }

    #[test]
    fn http_discovery_has_the_documented_shape() {
        let (p, i) = (project("payments \"prod\"\n"), integration("http", true));
        let text = one_scraped("https://cloud.mongodb.com", &p, &i);
        let parsed: serde_json::Value = serde_saphyr::from_str(&text).expect(&text);
        let job = &parsed["scrape_configs"][0];
        assert_eq!(job["job_name"], "payments \"prod\"\n-mongo-metrics");
        assert_eq!(job["scheme"], "https");
        assert_eq!(job["metrics_path"], "/metrics");
        assert_eq!(job["basic_auth"]["username"], "prom_user_1");
        let sd = &job["http_sd_configs"][0];
        assert_eq!(
            sd["url"],
            "https://cloud.mongodb.com/prometheus/v1.0/groups/65f1a2b3c4d5e6f7a8b9c0d2/discovery"
        );
        assert_eq!(sd["basic_auth"]["username"], "prom_user_1");
        assert_eq!(
            sd["basic_auth"]["password_file"],
            "/etc/prometheus/atlas-65f1a2b3c4d5e6f7a8b9c0d2.password"
        );
        assert!(job["basic_auth"].get("password").is_none());
    }

    #[test]
    fn file_discovery_and_a_disabled_integration_say_so() {
        let (p, i) = (project("a"), integration("file", false));
        let text = one_scraped("https://cloud.mongodbgov.com/", &p, &i);
        let parsed: serde_json::Value = serde_saphyr::from_str(&text).expect(&text);
        let job = &parsed["scrape_configs"][0];
        assert!(job.get("http_sd_configs").is_none());
        assert_eq!(
            job["file_sd_configs"][0]["files"][0],
            "/etc/prometheus/atlas-65f1a2b3c4d5e6f7a8b9c0d2-targets.json"
        );
        assert!(text.contains("https://cloud.mongodbgov.com/prometheus/v1.0/groups/"));
        assert!(text.contains("`enabled: false`"));
    }
}
