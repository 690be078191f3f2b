//! The endpoints of the log and metric families (`logIntegrations`,
//! `metricIntegrations`: list, POST, PUT, DELETE) and of the deprecated
//! push-based log export (GET, DELETE). Always the v2 API, with each
//! resource's own media type, whatever the client's generation: v1.0 has
//! none of them.

use reqwest::{Method, StatusCode};

use super::client::Client;
use super::endpoints::Deletion;
use super::error::ApiError;
use super::family_wire::{
    FAMILY_MEDIA_TYPE, PUSH_BASED_MEDIA_TYPE, entry_body, entry_secrets, live_entries,
    push_based_export, written_entry,
};
use super::request::Request;
use super::version::ApiVersion;
use crate::model::{Entry, Family, GroupId, LiveEntries, LiveEntry, PushBasedExport};

const PUSH_BASED_PATH: &str = "pushBasedLogExport";

impl Client {
    /// Every entry of one family in a project (all pages).
    pub async fn list_entries(
        &self,
        group: &GroupId,
        family: Family,
    ) -> Result<LiveEntries, ApiError> {
        let segments = ["groups", group.as_str(), family.path()];
        let results = self
            .list_pages(ApiVersion::V2, FAMILY_MEDIA_TYPE, &segments)
            .await?;
        live_entries(family, &results).map_err(|reason| ApiError::InvalidResponse {
            request: format!("GET /groups/{group}/{}", family.path()),
            reason: self.shown(reason),
        })
    }

    /// Creates an entry (POST; Atlas answers 201 with it, its new id
    /// included).
    pub async fn create_entry(
        &self,
        group: &GroupId,
        entry: &Entry,
    ) -> Result<LiveEntry, ApiError> {
        let family = entry.kind.family();
        let segments = ["groups", group.as_str(), family.path()];
        self.write_entry(&segments, Method::POST, entry).await
    }

    /// Replaces an entry (PUT: every field, headers included; Atlas answers
    /// 200 with it).
    pub async fn put_entry(
        &self,
        group: &GroupId,
        id: &str,
        entry: &Entry,
    ) -> Result<LiveEntry, ApiError> {
        let family = entry.kind.family();
        let segments = ["groups", group.as_str(), family.path(), id];
        self.write_entry(&segments, Method::PUT, entry).await
    }

    async fn write_entry(
        &self,
        segments: &[&str],
        method: Method,
        entry: &Entry,
    ) -> Result<LiveEntry, ApiError> {
        let body = entry_body(entry);
        let url = self.url_at(ApiVersion::V2, segments, &[]);
        let answer = self
            .send(Request {
                secrets: entry_secrets(entry),
                stoppable: true,
                ..Request::versioned(FAMILY_MEDIA_TYPE, method, url, Some(&body))
            })
            .await?;
        if !answer.status.is_success() {
            return Err(self.not_found_or_rejected(&answer, segments));
        }
        written_entry(entry.kind.family(), &answer.json()?).map_err(|reason| answer.invalid(reason))
    }

    /// Deletes an entry (204); one Atlas no longer has is already gone.
    pub async fn delete_entry(
        &self,
        group: &GroupId,
        family: Family,
        id: &str,
    ) -> Result<Deletion, ApiError> {
        let segments = ["groups", group.as_str(), family.path(), id];
        self.delete_at(&segments, FAMILY_MEDIA_TYPE).await
    }

    /// The project's push-based log export; `state` is `UNCONFIGURED` when
    /// it has none.
    pub async fn push_based_export(&self, group: &GroupId) -> Result<PushBasedExport, ApiError> {
        let segments = ["groups", group.as_str(), PUSH_BASED_PATH];
        let url = self.url_at(ApiVersion::V2, &segments, &[]);
        let answer = self
            .send(Request::versioned(
                PUSH_BASED_MEDIA_TYPE,
                Method::GET,
                url,
                None,
            ))
            .await?;
        if !answer.status.is_success() {
            return Err(self.not_found_or_rejected(&answer, &segments));
        }
        push_based_export(&answer.json()?).map_err(|reason| answer.invalid(reason))
    }

    pub async fn delete_push_based_export(&self, group: &GroupId) -> Result<Deletion, ApiError> {
        let segments = ["groups", group.as_str(), PUSH_BASED_PATH];
        self.delete_at(&segments, PUSH_BASED_MEDIA_TYPE).await
    }

    async fn delete_at(
        &self,
        segments: &[&str],
        media: &'static str,
    ) -> Result<Deletion, ApiError> {
        let url = self.url_at(ApiVersion::V2, segments, &[]);
        let answer = self
            .send(Request {
                stoppable: true,
                ..Request::versioned(media, Method::DELETE, url, None)
            })
            .await?;
        if answer.status.is_success() {
            Ok(Deletion::Deleted)
        } else if answer.status == StatusCode::NOT_FOUND && !answer.is_group_not_found() {
            Ok(Deletion::AlreadyAbsent)
        } else {
            Err(self.not_found_or_rejected(&answer, segments))
        }
    }
}
