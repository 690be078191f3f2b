//! Atlas names Datadog's sites twice: the `DATADOG` integration says `US`,
//! `EU`, `US3`, `US5`, `AP1`, `US1_FED`; Datadog log export
//! (`DATADOG_LOG_EXPORT`) says `US1` for `US` and adds `AP2`. A region of
//! the other vocabulary gets a hint that says so.

use crate::config::suggest::one_of;
use crate::model::{DATADOG_LOG_REGIONS, IntegrationType, spec};

/// The one site the two vocabularies name differently: the integration's
/// name, then the log export's.
const SAME_SITE: (&str, &str) = ("US", "US1");

/// The sites of the `DATADOG` integration, from the model's table.
fn integration_regions() -> &'static [&'static str] {
    spec(IntegrationType::Datadog)
        .field("region")
        .map_or(&[], |field| field.allowed)
}

/// The help for `value`, refused as the `DATADOG` integration's `region`,
/// when it is a site of Datadog log export.
pub(super) fn integration_hint(value: &str) -> Option<String> {
    if !DATADOG_LOG_REGIONS.contains(&value) || integration_regions().contains(&value) {
        return None;
    }
    let (integration, log_export) = SAME_SITE;
    Some(if value == log_export {
        format!(
            "did you mean `{integration}`? `{log_export}` is Datadog log export's name for that \
             site (`DATADOG_LOG_EXPORT` in `log_integrations`); the `DATADOG` integration calls \
             it `{integration}`"
        )
    } else {
        format!(
            "`{value}` is a site of Datadog log export only (`DATADOG_LOG_EXPORT` in \
             `log_integrations`); the `DATADOG` integration's sites are {}",
            one_of(integration_regions())
        )
    })
}

/// The help for `value`, refused as a Datadog log export's `region`, when
/// it is a site of the `DATADOG` integration.
pub(super) fn log_export_hint(value: &str) -> Option<String> {
    let (integration, log_export) = SAME_SITE;
    (value == integration && !DATADOG_LOG_REGIONS.contains(&value)).then(|| {
        format!(
            "did you mean `{log_export}`? `{integration}` is the `DATADOG` integration's name \
             for that site; Datadog log export calls it `{log_export}`"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vocabulary_points_at_the_other() {
        assert!(
            integration_hint("US1")
                .unwrap()
                .starts_with("did you mean `US`?")
        );
        assert!(integration_hint("AP2").unwrap().contains("log export only"));
        assert_eq!(integration_hint("EU"), None);
        assert_eq!(integration_hint("MARS"), None);
        assert!(
            log_export_hint("US")
                .unwrap()
                .starts_with("did you mean `US1`?")
        );
        assert_eq!(log_export_hint("EU"), None);
    }

    /// Every site only one vocabulary has gets a hint from the other.
    #[test]
    fn the_hints_cover_every_difference() {
        for region in DATADOG_LOG_REGIONS {
            if !integration_regions().contains(region) {
                assert!(integration_hint(region).is_some(), "{region}");
            }
        }
        for region in integration_regions() {
            if !DATADOG_LOG_REGIONS.contains(region) {
                assert!(log_export_hint(region).is_some(), "{region}");
            }
        }
    }
}
