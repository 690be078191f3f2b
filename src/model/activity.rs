//! What Atlas says around a project's integrations, beyond the integrations
//! themselves: who changed them lately (project events) and which alert
//! configurations notify through them. Only the wire layer builds these;
//! every text in them is already fit to show, and none holds a credential.

use super::IntegrationType;

/// One `INTEGRATION_CONFIGURED` or `INTEGRATION_REMOVED` event of a project.
/// Atlas does not say which integration (outside `raw`): it is per project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeEvent {
    /// ISO 8601, UTC, as Atlas wrote it.
    pub created: String,
    /// `INTEGRATION_CONFIGURED` or `INTEGRATION_REMOVED`.
    pub event_type: String,
    /// Who: a console user's e-mail (a change made in the UI)...
    pub username: Option<String>,
    /// ...or an API key's public key (a change made through the API).
    pub public_key: Option<String>,
    /// From where.
    pub remote_address: Option<String>,
}

/// One alert configuration of a project, as far as tether reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertConfig {
    pub id: String,
    /// The event it alerts on, such as `OUTSIDE_METRIC_THRESHOLD`.
    pub event_type: String,
    pub enabled: bool,
    pub notifications: Vec<Notification>,
}

/// One notification of an alert configuration: its kind and how it reaches
/// its destination; never its credentials, only whether it has its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// `PAGER_DUTY`, `EMAIL`, `GROUP`, ...
    pub type_name: String,
    /// The integration whose credentials it uses.
    pub integration_id: Option<String>,
    /// It carries a key or URL of its own (`serviceKey`, `webhookUrl`, ...).
    pub own_credentials: bool,
}

impl Notification {
    /// Fields that hold a credential of the notification's own, by the
    /// names of Atlas's alert configuration reference (the URLs apart).
    pub const CREDENTIAL_FIELDS: &[&str] = &[
        "serviceKey",
        "apiToken",
        "datadogApiKey",
        "opsGenieApiKey",
        "victorOpsApiKey",
        "victorOpsRoutingKey",
        "webhookSecret",
        "notificationToken",
    ];
    /// Credential fields that are URLs.
    pub const CREDENTIAL_URL_FIELDS: &[&str] = &["webhookUrl", "microsoftTeamsWebhookUrl"];

    /// Whether it reaches its destination through the project's integration
    /// of `kind` whose id is `id`: it names that id, or it is of that type
    /// with no credentials of its own. Type names compare without case, as
    /// Atlas reads them: `webhook` is WEBHOOK.
    pub fn uses(&self, kind: IntegrationType, id: Option<&str>) -> bool {
        let by_id = matches!((&self.integration_id, id), (Some(a), Some(b)) if a == b);
        let by_type = self.type_name.eq_ignore_ascii_case(kind.as_str());
        by_id || (by_type && !self.own_credentials)
    }
}

/// A notification for unit tests: its type name, the integration id it
/// names, and whether it has credentials of its own.
#[cfg(test)]
pub(crate) fn notification(type_name: &str, id: Option<&str>, own: bool) -> Notification {
    Notification {
        type_name: type_name.to_owned(),
        integration_id: id.map(str::to_owned),
        own_credentials: own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_uses_an_integration_by_id_or_by_type_without_credentials() {
        let pd = IntegrationType::PagerDuty;
        assert!(notification("PAGER_DUTY", Some("abc"), false).uses(pd, Some("abc")));
        assert!(notification("PAGER_DUTY", None, false).uses(pd, Some("abc")));
        assert!(notification("PAGER_DUTY", None, false).uses(pd, None));
        assert!(!notification("PAGER_DUTY", None, true).uses(pd, Some("abc")));
        assert!(notification("PAGER_DUTY", Some("abc"), true).uses(pd, Some("abc")));
        assert!(notification("pager_duty", None, false).uses(pd, None));
        assert!(notification("Pager_Duty", None, false).uses(pd, Some("abc")));
        assert!(!notification("pager_duty", None, true).uses(pd, Some("abc")));
        assert!(!notification("EMAIL", None, false).uses(pd, Some("abc")));
        assert!(!notification("WEBHOOK", Some("xyz"), true).uses(pd, Some("abc")));
    }
}
