//! The Atlas endpoints tether calls: a project's integrations (list, PUT,
//! POST, DELETE), projects by id, name and organization, integration
//! events, alert configurations, and organizations.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::client::Client;
use super::error::ApiError;
use super::redact::Redactor;
use super::request::Request;
use super::version::ApiVersion;
use super::wire::{self, AlertConfig, ChangeEvent};
use crate::model::{FieldValue, GroupId, Integration, IntegrationType, LiveIntegrations, Project};

/// What became of a DELETE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    /// Atlas had no such integration: the goal is met all the same.
    AlreadyAbsent,
}

impl Client {
    /// Every integration of a project, in one GET.
    pub async fn list_integrations(&self, group: &GroupId) -> Result<LiveIntegrations, ApiError> {
        let segments = ["groups", group.as_str(), "integrations"];
        let results = self.list_all(&segments).await?;
        wire::live_integrations(&results).map_err(|reason| ApiError::InvalidResponse {
            request: format!("GET /groups/{group}/integrations"),
            reason: self.shown(reason),
        })
    }

    /// Replaces one integration (PUT; POST when Atlas says the type is not
    /// configured); returns the project's integrations as Atlas lists them
    /// after the write.
    pub async fn put_integration(
        &self,
        group: &GroupId,
        integration: &Integration,
    ) -> Result<LiveIntegrations, ApiError> {
        self.write_integration(group, integration, Method::PUT)
            .await
    }

    /// Adds one integration the plan found absent (POST; PUT when Atlas says
    /// it exists); returns the project's integrations after the write.
    pub async fn create_integration(
        &self,
        group: &GroupId,
        integration: &Integration,
    ) -> Result<LiveIntegrations, ApiError> {
        self.write_integration(group, integration, Method::POST)
            .await
    }

    /// Both versions document POST as "add" (409 when the type exists) and
    /// PUT as a write of an existing type (whether PUT creates an absent one
    /// is unverified): each falls back to the other on the answer that says
    /// it was the wrong one.
    async fn write_integration(
        &self,
        group: &GroupId,
        integration: &Integration,
        first: Method,
    ) -> Result<LiveIntegrations, ApiError> {
        let kind = integration.kind;
        let segments = ["groups", group.as_str(), "integrations", kind.as_str()];
        let unsupported = wire::unsupported_fields(integration, self.api());
        if let Some(&field) = unsupported.first() {
            return Err(ApiError::NeedsV2 { kind, field });
        }
        let body = wire::integration_body(integration, self.api());
        let secrets = sent_secrets(integration);
        let request = |method| Request {
            secrets: secrets.clone(),
            ..self.api_request(method, self.api_url(&segments, &[]), Some(&body))
        };
        let put = || request(Method::PUT);
        let mut answer = self
            .send(Request {
                stoppable: true,
                ..request(first.clone())
            })
            .await?;
        if first == Method::PUT && answer.is_not_configured() {
            answer = self.send(request(Method::POST)).await?;
        }
        // The type exists: created by someone else since the plan, or by a
        // POST that Atlas saw before a dropped connection. PUT it now.
        if answer.status == StatusCode::CONFLICT {
            answer = self.send(put()).await?;
        }
        if !answer.status.is_success() {
            return Err(self.not_found_or_rejected(&answer, &segments));
        }
        let envelope = answer.json()?;
        wire::results(&envelope)
            .and_then(wire::live_integrations)
            .map_err(|reason| answer.invalid(reason))
    }

    pub async fn delete_integration(
        &self,
        group: &GroupId,
        kind: IntegrationType,
    ) -> Result<Deletion, ApiError> {
        let segments = ["groups", group.as_str(), "integrations", kind.as_str()];
        let url = self.api_url(&segments, &[]);
        let answer = self
            .send(Request {
                stoppable: true,
                ..self.api_request(Method::DELETE, url, None)
            })
            .await?;
        if answer.status.is_success() {
            Ok(Deletion::Deleted)
        } else if answer.is_not_configured() {
            Ok(Deletion::AlreadyAbsent)
        } else {
            Err(self.not_found_or_rejected(&answer, &segments))
        }
    }

    pub async fn project(&self, id: &GroupId) -> Result<Project, ApiError> {
        let segments = ["groups", id.as_str()];
        let answer = self
            .send(self.api_request(Method::GET, self.api_url(&segments, &[]), None))
            .await?;
        if !answer.status.is_success() {
            return Err(self.not_found_or_rejected(&answer, &segments));
        }
        self.read_project(&answer)
    }

    pub async fn project_by_name(&self, name: &str) -> Result<Project, ApiError> {
        let url = self.api_url(&["groups", "byName", name], &[]);
        let answer = self.send(self.api_request(Method::GET, url, None)).await?;
        if answer.status.is_success() {
            return self.read_project(&answer);
        }
        let code = answer.error().error_code;
        match (answer.status, code.as_deref()) {
            (StatusCode::NOT_FOUND, _) | (_, Some("NOT_IN_GROUP")) => {
                Err(ApiError::ProjectNameNotFound {
                    name: name.to_owned(),
                    credentials: self.credential_kind(),
                })
            }
            _ => Err(answer.rejected()),
        }
    }

    /// The project's latest events of `event_types` (such as
    /// `INTEGRATION_CONFIGURED`, `S3_LOG_STREAMING_ENABLED`) since `since`
    /// (ISO 8601, UTC), newest first: one request for one page of at most
    /// `limit`. Always through the v2 API (its versioned media type),
    /// whatever the client's generation.
    pub async fn integration_events(
        &self,
        group: &GroupId,
        event_types: &[String],
        since: &str,
        limit: usize,
    ) -> Result<Vec<ChangeEvent>, ApiError> {
        let segments = ["groups", group.as_str(), "events"];
        let mut query: Vec<(&str, String)> = event_types
            .iter()
            .map(|event_type| ("eventType", event_type.clone()))
            .collect();
        query.extend([
            ("minDate", since.to_owned()),
            ("pageNum", "1".to_owned()),
            ("itemsPerPage", limit.max(1).to_string()),
            ("includeCount", "false".to_owned()),
        ]);
        let url = self.url_at(ApiVersion::V2, &segments, &query);
        let answer = self
            .send(Request::api(ApiVersion::V2, Method::GET, url, None))
            .await?;
        if !answer.status.is_success() {
            return Err(self.not_found_or_rejected(&answer, &segments));
        }
        let envelope = answer.json()?;
        let results = wire::results(&envelope).map_err(|reason| answer.invalid(reason))?;
        results
            .iter()
            .take(limit)
            .map(|item| wire::change_event(item, &|text| answer.shown(text)))
            .collect::<Result<_, _>>()
            .map_err(|reason| answer.invalid(reason))
    }

    /// Every alert configuration of the project (all pages), as far as
    /// tether reads them: never a notification's credential. Always through
    /// the v2 API.
    pub async fn alert_configs(&self, group: &GroupId) -> Result<Vec<AlertConfig>, ApiError> {
        let segments = ["groups", group.as_str(), "alertConfigs"];
        let items = self.list_all_at(ApiVersion::V2, &segments).await?;
        items
            .iter()
            .map(|item| wire::alert_config(item, &|text| self.shown(text)))
            .collect::<Result<_, _>>()
            .map_err(|reason| ApiError::InvalidResponse {
                request: format!("GET /groups/{group}/alertConfigs"),
                reason: self.shown(reason),
            })
    }

    /// How many projects the credentials can see: one cheap read (a page of
    /// one, with the total), for `tether whoami`.
    pub async fn visible_projects(&self) -> Result<u64, ApiError> {
        let url = self.api_url(
            &["groups"],
            &[
                ("itemsPerPage", "1".to_owned()),
                ("includeCount", "true".to_owned()),
            ],
        );
        let answer = self.send(self.api_request(Method::GET, url, None)).await?;
        if !answer.status.is_success() {
            return Err(answer.rejected());
        }
        let envelope = answer.json()?;
        envelope
            .get("totalCount")
            .and_then(Value::as_u64)
            .ok_or_else(|| answer.invalid("the answer has no `totalCount`"))
    }

    /// Every project of an organization.
    pub async fn org_projects(&self, org_id: &str) -> Result<Vec<Project>, ApiError> {
        let items = self.list_all(&["orgs", org_id, "groups"]).await?;
        items
            .iter()
            .map(|item| {
                wire::project(item).map_err(|reason| ApiError::InvalidResponse {
                    request: format!("GET /orgs/{org_id}/groups"),
                    reason: self.shown(reason),
                })
            })
            .collect()
    }

    /// The id of every organization the credentials can see (`GET /orgs`,
    /// all pages), in Atlas's order. An id that is not one is refused: it
    /// would go into the next URL.
    pub async fn organizations(&self) -> Result<Vec<GroupId>, ApiError> {
        let items = self.list_all(&["orgs"]).await?;
        items
            .iter()
            .map(|item| {
                let id = item
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| "an organization has no `id`".to_owned())?;
                id.parse::<GroupId>().map_err(|reason| {
                    format!(
                        "an organization id `{}` is not valid: {reason}",
                        self.shown(id)
                    )
                })
            })
            .collect::<Result<_, String>>()
            .map_err(|reason| ApiError::InvalidResponse {
                request: "GET /orgs".to_owned(),
                reason,
            })
    }
}

/// The secret values a write carries: what Atlas may quote back.
fn sent_secrets(integration: &Integration) -> Redactor {
    let mut secrets = Redactor::default();
    for (_, value) in &integration.fields {
        if let FieldValue::Secret(secret) = value {
            secrets.sent(secret);
        }
    }
    secrets
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::atlas::answer::Answer;
    use crate::model::spec;
    use crate::secret::Secret;

    #[test]
    fn a_refused_secret_quoted_by_atlas_is_masked() {
        let pd = spec(IntegrationType::PagerDuty);
        let integration = Integration {
            kind: IntegrationType::PagerDuty,
            fields: vec![(
                pd.field("serviceKey").expect("field"),
                FieldValue::Secret(Secret::new("quoted-secret-value-1234")),
            )],
        };
        let answer = Answer {
            status: StatusCode::BAD_REQUEST,
            body: br#"{"detail": "serviceKey quoted-secret-value-1234 is invalid"}"#.to_vec(),
            request: "PUT /x".into(),
            redactor: Arc::new(sent_secrets(&integration)),
        };
        let shown = answer.rejected().to_string();
        assert!(!shown.contains("quoted-secret-value"), "{shown}");
        assert!(shown.contains("********************1234"), "{shown}");
    }
}
