//! The request templates the simulator counts by.

// tether speaks v2, its default; the other tools' patterns are replayed on
// the v1.0 paths (plain JSON, no versioned media type to send).
pub const INTEGRATIONS: &str = "/api/atlas/v2/groups/{groupId}/integrations";
pub const INTEGRATION: &str = "/api/atlas/v2/groups/{groupId}/integrations/{integrationType}";
pub const BY_NAME: &str = "/api/atlas/v2/groups/byName/{groupName}";
pub const BASELINE_INTEGRATIONS: &str = "/api/atlas/v1.0/groups/{groupId}/integrations";
pub const BASELINE_INTEGRATION: &str =
    "/api/atlas/v1.0/groups/{groupId}/integrations/{integrationType}";
pub const EVENTS: &str = "/api/atlas/v2/groups/{groupId}/events";
pub const ALERTS: &str = "/api/atlas/v2/groups/{groupId}/alertConfigs";
