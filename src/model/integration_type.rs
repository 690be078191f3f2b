use super::names::atlas_names;

/// The kinds of third-party integration a project can hold, in Atlas's enum
/// order, which is also the order Atlas lists them in `results`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntegrationType {
    PagerDuty,
    Slack,
    Datadog,
    NewRelic,
    OpsGenie,
    VictorOps,
    Flowdock,
    Webhook,
    HipChat,
    Prometheus,
    MicrosoftTeams,
}

impl IntegrationType {
    pub const ALL: [IntegrationType; 11] = [
        IntegrationType::PagerDuty,
        IntegrationType::Slack,
        IntegrationType::Datadog,
        IntegrationType::NewRelic,
        IntegrationType::OpsGenie,
        IntegrationType::VictorOps,
        IntegrationType::Flowdock,
        IntegrationType::Webhook,
        IntegrationType::HipChat,
        IntegrationType::Prometheus,
        IntegrationType::MicrosoftTeams,
    ];

    /// The name Atlas uses in paths and in the `type` field.
    pub const fn as_str(self) -> &'static str {
        match self {
            IntegrationType::PagerDuty => "PAGER_DUTY",
            IntegrationType::Slack => "SLACK",
            IntegrationType::Datadog => "DATADOG",
            IntegrationType::NewRelic => "NEW_RELIC",
            IntegrationType::OpsGenie => "OPS_GENIE",
            IntegrationType::VictorOps => "VICTOR_OPS",
            IntegrationType::Flowdock => "FLOWDOCK",
            IntegrationType::Webhook => "WEBHOOK",
            IntegrationType::HipChat => "HIP_CHAT",
            IntegrationType::Prometheus => "PROMETHEUS",
            IntegrationType::MicrosoftTeams => "MICROSOFT_TEAMS",
        }
    }

    /// Types whose presence means someone gets paged; the last one of a
    /// project is guarded by apply's safety gate.
    pub const fn is_paging(self) -> bool {
        matches!(
            self,
            IntegrationType::PagerDuty | IntegrationType::OpsGenie | IntegrationType::VictorOps
        )
    }
}

atlas_names!(IntegrationType, UnknownIntegrationType);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_atlas_enum_order() {
        let mut sorted = IntegrationType::ALL;
        sorted.sort();
        assert_eq!(sorted, IntegrationType::ALL);
    }
}
