//! The workload: N projects, each declaring PAGER_DUTY (defaults), DATADOG (a
//! template) and a WEBHOOK of its own; Atlas matches the file except in K
//! projects, which differ by exactly one write each.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use tether::clock;
use tether::config::{Unset, load_str};
use tether::model::{
    DesiredProject, IntegrationType, LiveIntegration, LiveIntegrations, LiveValue, ReadBack, spec,
};
use tether::secret::{mask, url_mask};
use tether::sim::{AlertConfig, Event, ProjectFile, Scalar, StateFile};

use crate::support::Res;

// Fake secrets, the same in the file's environment and in the simulator.
pub const PD_KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f10022";
/// Same length as `PD_KEY`, other last four: a certain change through the mask.
const PD_KEY_OLD: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f1beef";
pub const DD_KEY: &str = "3b8d9e2f1a4c5b6d7e8f9a0b1c2da1b2";
const OG_KEY: &str = "1c9e4b7a-2f3d-4e5a-8b6c-7d8e9f0a1b2c";
pub const API_PUBLIC: &str = "scalebench";
pub const API_PRIVATE: &str = "11111111-2222-4333-8444-555555555555";
/// Integrations each project declares (PAGER_DUTY from defaults, DATADOG
/// from a template, its own WEBHOOK): what Terraform refreshes one by one.
pub const DECLARED: [&str; 3] = ["PAGER_DUTY", "DATADOG", "WEBHOOK"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drift {
    None,
    /// PAGER_DUTY's key differs: one PUT.
    Update,
    /// The WEBHOOK is missing: one POST.
    Create,
    /// An undeclared OPS_GENIE is live in an authoritative project: one DELETE.
    Delete,
}

/// The K changed projects spread evenly over N, kinds in rotation.
pub fn drifts(n: usize, k: usize) -> Vec<Drift> {
    let mut out = vec![Drift::None; n];
    for j in 0..k {
        out[j * n / k] = match j % 3 {
            0 => Drift::Update,
            1 => Drift::Create,
            _ => Drift::Delete,
        };
    }
    out
}

pub fn group_id(i: usize) -> String {
    format!("65f1{i:020x}")
}

fn project_name(i: usize) -> String {
    format!("project-{i:06}")
}

/// The webhooks share a base URL, kept in the environment (`${HOOK_BASE}`);
/// each project has its own path.
pub const HOOK_BASE: &str = "https://hooks.example.com/atlas";

fn hook_path(i: usize) -> String {
    format!("/p{i:07}")
}

fn hook_url(i: usize) -> String {
    format!("{HOOK_BASE}{}", hook_path(i))
}

/// What Atlas holds for project `i`, in clear: type → (field, value).
fn live_fields(i: usize, drift: Drift) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let pd = if drift == Drift::Update {
        PD_KEY_OLD
    } else {
        PD_KEY
    };
    let mut out = vec![
        (
            "PAGER_DUTY",
            vec![("serviceKey", pd.to_owned()), ("region", "US".to_owned())],
        ),
        (
            "DATADOG",
            vec![("apiKey", DD_KEY.to_owned()), ("region", "EU".to_owned())],
        ),
    ];
    if drift != Drift::Create {
        out.push(("WEBHOOK", vec![("url", hook_url(i))]));
    }
    if drift == Drift::Delete {
        out.push((
            "OPS_GENIE",
            vec![("apiKey", OG_KEY.to_owned()), ("region", "US".to_owned())],
        ));
    }
    out
}

pub fn sim_state(n: usize, drifts: &[Drift]) -> StateFile {
    let projects = (0..n)
        .map(|i| ProjectFile {
            id: group_id(i),
            name: project_name(i),
            org_id: format!("{:024x}", 0xff00 + i % 10),
            cluster_count: 1,
            integrations: live_fields(i, drifts[i])
                .into_iter()
                .map(|(kind, fields)| {
                    let fields = fields
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), Scalar::Text(v)))
                        .collect();
                    (kind.to_owned(), fields)
                })
                .collect(),
            events: if drifts[i] == Drift::None {
                Vec::new()
            } else {
                vec![ui_change()]
            },
            alert_configs: if drifts[i] == Drift::Delete {
                vec![alert_on(IntegrationType::OpsGenie)]
            } else {
                Vec::new()
            },
            ..ProjectFile::default()
        })
        .collect();
    StateFile {
        projects,
        ..StateFile::default()
    }
}

/// A change someone made in the Atlas UI yesterday: what attribution
/// finds in each drifted project.
fn ui_change() -> Event {
    Event {
        id: String::new(),
        created: clock::format_utc(SystemTime::now() - Duration::from_secs(86_400)),
        event_type_name: "INTEGRATION_CONFIGURED".to_owned(),
        username: Some("oncall@example.com".to_owned()),
        public_key: None,
        remote_address: Some("203.0.113.7".to_owned()),
    }
}

/// An enabled alert that notifies through the project's integration of
/// `kind` (no key of its own): what a delete of it silences.
fn alert_on(kind: IntegrationType) -> AlertConfig {
    AlertConfig {
        id: String::new(),
        event_type_name: "HOST_DOWN".to_owned(),
        enabled: true,
        notifications: vec![BTreeMap::from([(
            "typeName".to_owned(),
            Scalar::Text(kind.as_str().to_owned()),
        )])],
    }
}

/// The same live state as the simulator would answer it (secrets masked),
/// built in memory for the planning-CPU part.
pub fn live_in_memory(i: usize, drift: Drift) -> LiveIntegrations {
    let mut known = BTreeMap::new();
    for (n, (type_name, values)) in live_fields(i, drift).into_iter().enumerate() {
        let kind: IntegrationType = type_name.parse().expect("a known type");
        let fields = spec(kind)
            .fields
            .iter()
            .filter_map(|field| {
                let (_, value) = values.iter().find(|(name, _)| *name == field.name)?;
                let shown = match field.read_back {
                    ReadBack::Clear => value.clone(),
                    ReadBack::Masked => mask(value),
                    ReadBack::UrlMasked => url_mask(value),
                    ReadBack::Never => return None,
                };
                Some((field, LiveValue::Text(shown)))
            })
            .collect();
        let id = Some(format!("66{i:018x}{n:04x}"));
        known.insert(
            kind,
            LiveIntegration {
                kind,
                id,
                fields,
                unmodelled: Vec::new(),
            },
        );
    }
    LiveIntegrations {
        known,
        unknown_types: Vec::new(),
    }
}

/// The file: projects `0..n`; the first `named` are written by name alone
/// (resolved through Atlas), the others by id and name (the name is a label).
/// Every secret comes from the environment (`url: ${HOOK_BASE}/p0000001`),
/// as docs/file.md asks, unless `literal`: then each project's webhook URL is
/// written out, and each is a "literal secret" warning.
pub fn desired_yaml(n: usize, named: usize, literal: bool) -> String {
    let mut out = String::with_capacity(n * 160 + 512);
    out.push_str(
        "version: 1\n\
         defaults:\n  mode: authoritative\n  integrations:\n    PAGER_DUTY:\n      \
         serviceKey: ${PD_SERVICE_KEY}\n      region: US\n\
         templates:\n  datadog-eu:\n    DATADOG:\n      apiKey: ${DD_API_KEY}\n      region: EU\n\
         projects:\n",
    );
    for i in 0..n {
        if i < named {
            out.push_str(&format!("  - name: {}\n", project_name(i)));
        } else {
            out.push_str(&format!(
                "  - id: {}\n    name: {}\n",
                group_id(i),
                project_name(i)
            ));
        }
        out.push_str(&format!(
            "    use: [datadog-eu]\n    integrations:\n      WEBHOOK:\n        url: {}\n",
            if literal {
                hook_url(i)
            } else {
                format!("${{HOOK_BASE}}{}", hook_path(i))
            }
        ));
    }
    out
}

pub fn file_env() -> HashMap<String, String> {
    HashMap::from([
        ("PD_SERVICE_KEY".to_owned(), PD_KEY.to_owned()),
        ("DD_API_KEY".to_owned(), DD_KEY.to_owned()),
        ("HOOK_BASE".to_owned(), HOOK_BASE.to_owned()),
    ])
}

pub fn load(text: &str) -> Res<Vec<DesiredProject>> {
    let env = file_env();
    match load_str("scale.yaml", text, (&env, Unset::Error)) {
        Ok(loaded) => Ok(loaded.desired.projects),
        Err(report) => Err(format!("the generated file is invalid: {}", report.summary()).into()),
    }
}

pub fn drifts_none(n: usize) -> Vec<Drift> {
    vec![Drift::None; n]
}
