//! Metric integrations (`/groups/{groupId}/metricIntegrations`):
//! OpenTelemetry export, answered with `metricIntegrationId` and
//! `headersRedacted` instead of `headers`; events
//! `OTEL_METRIC_INTEGRATION_*`; at most `Assumptions::max_metric_integrations`
//! per project.

use serde_json::{Map, Value};

use super::assumptions::codes;
use super::assumptions::log_metric::{
    CONFIGURATION_UPDATED, DISABLED, ENABLED, METRIC_EVENT_PREFIX,
};
use super::errors::ApiError;
use super::family_fields::{METRIC, Rule};
use super::family_validate::{Fields, check};
use super::id_family::{Family, Limit, Write};
use super::media::{V2_2025_03_12, V2_PREVIEW};
use super::state::{Entry, Project};

pub static METRIC_INTEGRATIONS: Family = Family {
    collection: "metricIntegrations",
    id_param: "metricIntegrationId",
    id_field: "metricIntegrationId",
    media: &[V2_2025_03_12, V2_PREVIEW],
    what: "metric integration",
    not_found_code: codes::METRIC_INTEGRATION_NOT_FOUND,
    entries: |project: &Project| &project.metric_integrations,
    entries_mut: |project: &mut Project| &mut project.metric_integrations,
    validate,
    rules,
    event,
    filters: &[
        ("integrationType", "integrationType"),
        ("providerType", "providerType"),
    ],
    limit: Some(Limit {
        of: |assumptions| assumptions.max_metric_integrations,
        code: codes::MAX_METRIC_INTEGRATIONS_EXCEEDED,
    }),
};

fn rules(_: &Fields) -> Vec<&'static [Rule]> {
    vec![METRIC]
}

/// A PUT body is a whole `MetricIntegrationUpdateRequest`: the stored
/// entry is replaced, not merged.
fn validate(body: &Map<String, Value>, _stored: Option<&Entry>) -> Result<Fields, ApiError> {
    check(&[METRIC], body, &["metricIntegrationId"])
}

fn event(_: &Fields, write: Write) -> String {
    let what = match write {
        Write::Create => ENABLED,
        Write::Update => CONFIGURATION_UPDATED,
        Write::Delete => DISABLED,
    };
    format!("{METRIC_EVENT_PREFIX}_{what}")
}
