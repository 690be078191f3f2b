//! One plan with every kind of change, for the renderers' snapshot tests and
//! the secret scan.

use super::diff::{PlanOptions, plan_project};
use super::testing::{atlas_state, desired, integration};
use crate::model::ApiVersion;
use std::collections::BTreeMap;

use super::types::{AlertCheck, AlertRef, Attribution, Plan, ProjectPlan};
use crate::model::{
    ChangeEvent, DesiredProject, GroupId, IntegrationType as T, LiveIntegrations, Mode, Slot,
};

const HEADERS_BEFORE: &str =
    "{\"Authorization\": \"Bearer header-token-0000000000000000000000000000000000000000000abcd\"}";
const HEADERS_AFTER: &str =
    "{\"Authorization\": \"Bearer header-token-1111111111111111111111111111111111111111111abcd\"}";
const TEAMS_OLD: &str = "https://contoso.webhook.office.com/webhookb2/OLD-TEAMS-PATH-0001";
const TEAMS_NEW: &str = "https://contoso.webhook.office.com/webhookb2/NEW-TEAMS-PATH-0002";
const TEAMS_OBSERVED: &str = "https://contoso.webhook.office.com/webhookb2/OBSERVED-TEAMS-0003";
const ANALYTICS_HOOK: &str = "https://hooks.example.net/analytics/ANALYTICS-PATH-9999";

/// Every secret value the fixture uses, desired and live alike. None may
/// appear in any rendering.
pub(crate) const SECRETS: &[&str] = &[
    "pd-service-key-desired-0000009c0d",
    "pd-service-key-live-000000001f2e",
    "pd-service-key-docs-0000000000aa",
    "pd-service-key-batch-00000000bb01",
    "pd-service-key-observe-new-0077",
    "pd-service-key-observe-old-0066",
    "0123456789abcdef0123456789abcd01",
    "fedcba9876543210fedcba9876543210",
    "og-api-key-live-0000-0000-000000000042",
    "og-api-key-additive-0000-000000000043",
    "vo-api-key-live-0000-0000-000000000044",
    "https://hooks.example.com/services/T000/B000/SECRETPATH2101",
    "webhook-signing-secret-000000005a5a",
    HEADERS_BEFORE,
    HEADERS_AFTER,
    TEAMS_OLD,
    TEAMS_NEW,
    TEAMS_OBSERVED,
    "prometheus-password-never-returned-01",
    "prometheus-password-never-returned-02",
    "prometheus-password-never-returned-03",
    "0000000000000000000000000000000000001111",
    "nr-read-token-in-clear-000000002222",
    "nr-write-token-in-clear-00000003333",
    "1111111111111111111111111111111111114444",
    "nr-read-token-batch-in-clear-0005555",
    "nr-write-token-batch-in-clear-006666",
    "xoxb-slack-token-live-00000000000077",
    "wh-observe-secret-00000000000000088",
    ANALYTICS_HOOK,
    "analytics-webhook-secret-0000000abc",
];

const TEAM_BEFORE: &str =
    "Acme Data Platform Engineering (EMEA region, on-call rotation A, weekdays only)";
const TEAM_AFTER: &str =
    "Acme Data Platform Engineering (EMEA region, on-call rotation B, weekdays only)";

/// The options most fixture projects are planned with.
const ON_V1: PlanOptions = PlanOptions {
    rotate_secrets: false,
    api: ApiVersion::V1,
};

/// The plan of the fixture project `hex`, named `name`, from a file's
/// project against Atlas's.
fn planned(
    hex: &str,
    name: &str,
    (file, live): (&DesiredProject, &LiveIntegrations),
    options: PlanOptions,
) -> ProjectPlan {
    let group: GroupId = hex.parse().expect("a valid group id");
    plan_project(&group, Some(name), file, live, &options)
}

const BODY_BEFORE: &str = r#"{
  "summary": "{{alert.summary}}",
  "severity": "{{alert.severity}}",
  "project": "{{project.name}}",
  "cluster": "{{cluster.name}}",
  "metric": "{{alert.metricName}}",
  "threshold": "{{alert.threshold}}",
  "link": "{{alert.link}}"
}"#;

const BODY_AFTER: &str = r#"{
  "summary": "{{alert.summary}}",
  "severity": "{{alert.severity}}",
  "project": "{{project.name}}",
  "cluster": "{{cluster.name}}",
  "metric": "{{alert.metricName}}",
  "threshold": "{{alert.threshold}}",
  "runbook": "https://runbooks.example.com/{{alert.metricName}}",
  "link": "{{alert.link}}"
}"#;

/// An authoritative project on the v2 API with a create, plain and secret
/// updates, a long template diff, both kinds of delete, a not-verifiable
/// password and an unknown live type.
fn payments() -> ProjectPlan {
    let pd_live = integration(
        T::PagerDuty,
        &[("serviceKey", "pd-service-key-live-000000001f2e")],
    );
    let webhook_live = integration(
        T::Webhook,
        &[
            (
                "url",
                "https://hooks.example.com/services/T000/B000/SECRETPATH2101",
            ),
            ("secret", "webhook-signing-secret-000000005a5a"),
            ("bodyTemplate", BODY_BEFORE),
            ("headersTemplate", HEADERS_BEFORE),
        ],
    );
    let prometheus = integration(
        T::Prometheus,
        &[
            ("username", "prom-scraper"),
            ("password", "prometheus-password-never-returned-01"),
            ("serviceDiscovery", "http"),
            ("enabled", "true"),
        ],
    );
    let new_relic = integration(
        T::NewRelic,
        &[
            ("accountId", "0000000000000000000000000000000000000000"),
            ("licenseKey", "0000000000000000000000000000000000001111"),
            ("readToken", "nr-read-token-in-clear-000000002222"),
            ("writeToken", "nr-write-token-in-clear-00000003333"),
        ],
    );
    let mut live = atlas_state(
        &[
            pd_live,
            integration(
                T::OpsGenie,
                &[
                    ("apiKey", "og-api-key-live-0000-0000-000000000042"),
                    ("region", "EU"),
                ],
            ),
            integration(
                T::VictorOps,
                &[
                    ("apiKey", "vo-api-key-live-0000-0000-000000000044"),
                    ("routingKey", "database-oncall"),
                ],
            ),
            webhook_live,
            prometheus.clone(),
            new_relic.clone(),
            integration(
                T::MicrosoftTeams,
                &[("microsoftTeamsWebhookUrl", TEAMS_OLD)],
            ),
        ],
        ApiVersion::V2,
    );
    live.unknown_types.push("HIP_CHAT".into());
    let file = desired(
        Mode::Authoritative,
        vec![
            (
                T::PagerDuty,
                Slot::Present(integration(
                    T::PagerDuty,
                    &[
                        ("serviceKey", "pd-service-key-desired-0000009c0d"),
                        ("region", "EU"),
                    ],
                )),
            ),
            (
                T::Datadog,
                Slot::Present(integration(
                    T::Datadog,
                    &[
                        ("apiKey", "0123456789abcdef0123456789abcd01"),
                        ("region", "EU"),
                        ("sendDatabaseMetrics", "true"),
                    ],
                )),
            ),
            (T::NewRelic, Slot::Present(new_relic)),
            (T::OpsGenie, Slot::Absent),
            (
                T::Webhook,
                Slot::Present(integration(
                    T::Webhook,
                    &[
                        (
                            "url",
                            "https://hooks.example.com/services/T000/B000/SECRETPATH2101",
                        ),
                        ("secret", "webhook-signing-secret-000000005a5a"),
                        ("bodyTemplate", BODY_AFTER),
                        ("headersTemplate", HEADERS_AFTER),
                    ],
                )),
            ),
            (T::Prometheus, Slot::Present(prometheus)),
            (
                T::MicrosoftTeams,
                Slot::Present(integration(
                    T::MicrosoftTeams,
                    &[("microsoftTeamsWebhookUrl", TEAMS_NEW)],
                )),
            ),
        ],
    );
    planned(
        "5f1e3b2c9d8e7f6a5b4c3d2e",
        "payments-prod",
        (&file, &live),
        PlanOptions {
            api: ApiVersion::V2,
            ..ON_V1
        },
    )
}

/// An additive project on the v1.0 API: an `absent` type that is live, an
/// unmanaged type, SLACK without a token, a v2-only field, and a webhook
/// `secret` the file leaves out.
fn analytics() -> ProjectPlan {
    let live = atlas_state(
        &[
            integration(
                T::Datadog,
                &[("apiKey", "fedcba9876543210fedcba9876543210")],
            ),
            integration(
                T::OpsGenie,
                &[("apiKey", "og-api-key-additive-0000-000000000043")],
            ),
            integration(
                T::Webhook,
                &[
                    ("url", ANALYTICS_HOOK),
                    ("secret", "analytics-webhook-secret-0000000abc"),
                ],
            ),
            integration(
                T::Prometheus,
                &[
                    ("username", "prom"),
                    ("password", "prometheus-password-never-returned-02"),
                    ("serviceDiscovery", "file"),
                    ("enabled", "true"),
                ],
            ),
        ],
        ApiVersion::V1,
    );
    let file = desired(
        Mode::Additive,
        vec![
            (
                T::Slack,
                Slot::Present(integration(
                    T::Slack,
                    &[("channelName", "#analytics-alerts"), ("teamName", "acme")],
                )),
            ),
            (T::OpsGenie, Slot::Absent),
            (
                T::Webhook,
                Slot::Present(integration(T::Webhook, &[("url", ANALYTICS_HOOK)])),
            ),
            (
                T::Prometheus,
                Slot::Present(integration(
                    T::Prometheus,
                    &[
                        ("username", "prom"),
                        ("password", "prometheus-password-never-returned-02"),
                        ("serviceDiscovery", "file"),
                        ("enabled", "true"),
                        ("sendUserProvidedResourceTagsEnabled", "true"),
                    ],
                )),
            ),
        ],
    );
    planned(
        "6a7b8c9d0e1f2a3b4c5d6e7f",
        "analytics-dev",
        (&file, &live),
        ON_V1,
    )
}

/// An observe project: differences are shown but never applied.
fn observed() -> ProjectPlan {
    let live = atlas_state(
        &[
            integration(
                T::PagerDuty,
                &[("serviceKey", "pd-service-key-observe-old-0066")],
            ),
            integration(
                T::Webhook,
                &[
                    ("url", "https://alerts.example.org/in/abcdef"),
                    ("secret", "wh-observe-secret-00000000000000088"),
                ],
            ),
            integration(
                T::MicrosoftTeams,
                &[("microsoftTeamsWebhookUrl", TEAMS_OBSERVED)],
            ),
        ],
        ApiVersion::V1,
    );
    let file = desired(
        Mode::Observe,
        vec![
            (
                T::PagerDuty,
                Slot::Present(integration(
                    T::PagerDuty,
                    &[("serviceKey", "pd-service-key-observe-new-0077")],
                )),
            ),
            (T::MicrosoftTeams, Slot::Absent),
        ],
    );
    planned(
        "7c8d9e0f1a2b3c4d5e6f7a8b",
        "search-prod",
        (&file, &live),
        ON_V1,
    )
}

/// An authoritative project that loses its only paging integration, with a
/// secret rotation, a long single-line change, and a delete of an
/// integration Atlas returns in clear.
fn batch() -> ProjectPlan {
    let datadog = integration(
        T::Datadog,
        &[("apiKey", "fedcba9876543210fedcba9876543210")],
    );
    let live = atlas_state(
        &[
            integration(
                T::PagerDuty,
                &[("serviceKey", "pd-service-key-batch-00000000bb01")],
            ),
            integration(
                T::Slack,
                &[
                    ("apiToken", "xoxb-slack-token-live-00000000000077"),
                    ("channelName", "#batch"),
                    ("teamName", TEAM_BEFORE),
                ],
            ),
            datadog.clone(),
            integration(
                T::NewRelic,
                &[
                    ("accountId", "1111111111111111111111111111111111111111"),
                    ("licenseKey", "1111111111111111111111111111111111114444"),
                    ("readToken", "nr-read-token-batch-in-clear-0005555"),
                    ("writeToken", "nr-write-token-batch-in-clear-006666"),
                ],
            ),
        ],
        ApiVersion::V1,
    );
    let file = desired(
        Mode::Authoritative,
        vec![
            (T::Datadog, Slot::Present(datadog)),
            (
                T::Slack,
                Slot::Present(integration(
                    T::Slack,
                    &[
                        ("apiToken", "xoxb-slack-token-live-00000000000077"),
                        ("channelName", "#batch"),
                        ("teamName", TEAM_AFTER),
                    ],
                )),
            ),
        ],
    );
    planned(
        "8d9e0f1a2b3c4d5e6f7a8b9c",
        "batch-jobs",
        (&file, &live),
        PlanOptions {
            rotate_secrets: true,
            ..ON_V1
        },
    )
}

/// A project where everything matches (its Prometheus password cannot be
/// verified, which is not a change).
fn docs() -> ProjectPlan {
    let pd = integration(
        T::PagerDuty,
        &[("serviceKey", "pd-service-key-docs-0000000000aa")],
    );
    let prometheus = integration(
        T::Prometheus,
        &[
            ("username", "docs-scraper"),
            ("password", "prometheus-password-never-returned-03"),
            ("serviceDiscovery", "http"),
            ("enabled", "true"),
        ],
    );
    let live = atlas_state(&[pd.clone(), prometheus.clone()], ApiVersion::V1);
    let file = desired(
        Mode::Authoritative,
        vec![
            (T::PagerDuty, Slot::Present(pd)),
            (T::Prometheus, Slot::Present(prometheus)),
        ],
    );
    planned(
        "9e0f1a2b3c4d5e6f7a8b9c0d",
        "docs-dev",
        (&file, &live),
        ON_V1,
    )
}

pub(crate) fn fixture_plan() -> Plan {
    let mut payments = payments();
    payments.attribution = Some(Attribution::Events {
        window_days: 30,
        events: vec![
            ChangeEvent {
                created: "2026-11-30T22:14:05Z".into(),
                event_type: "INTEGRATION_CONFIGURED".into(),
                username: Some("dana@example.com".into()),
                public_key: None,
                remote_address: Some("203.0.113.7".into()),
            },
            ChangeEvent {
                created: "2026-11-28T09:00:00Z".into(),
                event_type: "INTEGRATION_REMOVED".into(),
                username: None,
                public_key: Some("abcdefgh".into()),
                remote_address: None,
            },
        ],
    });
    payments.alerts = Some(AlertCheck::Listed(BTreeMap::from([(
        T::VictorOps,
        vec![
            AlertRef {
                id: "6a0000000000000000000001".into(),
                event_type: "OUTSIDE_METRIC_THRESHOLD".into(),
                enabled: true,
            },
            AlertRef {
                id: "6a0000000000000000000002".into(),
                event_type: "HOST_DOWN".into(),
                enabled: false,
            },
        ],
    )])));
    let mut analytics = analytics();
    analytics.attribution = Some(Attribution::Unavailable {
        window_days: 30,
        reason: "Atlas answered 403 Forbidden to `GET /api/atlas/v2/groups/6a7b8c9d0e1f2a3b4c5d6e7f/events`".into(),
    });
    let mut batch = batch();
    batch.alerts = Some(AlertCheck::Unavailable(
        "Atlas answered 403 Forbidden to `GET /api/atlas/v2/groups/8d9e0f1a2b3c4d5e6f7a8b9c/alertConfigs`".into(),
    ));
    Plan {
        projects: vec![
            payments,
            analytics,
            observed(),
            ProjectPlan::failed(
                None,
                Some("legacy-billing".into()),
                Mode::Authoritative,
                "Atlas answered 404 `NOT_IN_GROUP`: no project named `legacy-billing` is \
                 visible to this API key"
                    .into(),
            ),
            batch,
            docs(),
        ],
        unmanaged_projects: Vec::new(),
        refusals: Vec::new(),
    }
}
