//! Requests counted by method and path template, so tests can assert exactly
//! which calls a command made. Every request to `/api/...` counts, whatever
//! it was answered (401, 429, 5xx, dropped); `/__sim` calls do not.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;

/// A copy of the counters at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// `"GET /api/atlas/v1.0/groups/{groupId}/integrations"` → count.
    pub requests: BTreeMap<String, u64>,
    /// Answers by status code.
    pub statuses: BTreeMap<u16, u64>,
    /// Connections closed without an answer (fault injection).
    pub dropped: u64,
}

pub const WRITE_METHODS: [&str; 4] = ["POST", "PUT", "PATCH", "DELETE"];

impl Counts {
    pub fn get(&self, method: &str, template: &str) -> u64 {
        self.requests
            .get(&format!("{method} {template}"))
            .copied()
            .unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.requests.values().sum()
    }

    fn sum_where(&self, keep: impl Fn(&str) -> bool) -> u64 {
        self.requests
            .iter()
            .filter(|(key, _)| keep(key.split(' ').next().unwrap_or("")))
            .map(|(_, n)| n)
            .sum()
    }

    /// POST, PUT, PATCH and DELETE requests.
    pub fn writes(&self) -> u64 {
        self.sum_where(|m| WRITE_METHODS.contains(&m))
    }

    pub fn reads(&self) -> u64 {
        self.sum_where(|m| !WRITE_METHODS.contains(&m))
    }

    pub fn status(&self, status: u16) -> u64 {
        self.statuses.get(&status).copied().unwrap_or(0)
    }
}

#[derive(Debug, Default)]
pub struct Counters(Mutex<Counts>);

impl Counters {
    fn with<R>(&self, f: impl FnOnce(&mut Counts) -> R) -> R {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    pub fn request(&self, method: &str, template: &str) {
        self.with(|c| {
            *c.requests
                .entry(format!("{method} {template}"))
                .or_default() += 1
        });
    }

    pub fn answered(&self, status: u16) {
        self.with(|c| *c.statuses.entry(status).or_default() += 1);
    }

    pub fn dropped(&self) {
        self.with(|c| c.dropped += 1);
    }

    pub fn snapshot(&self) -> Counts {
        self.with(|c| c.clone())
    }

    pub fn reset(&self) {
        self.with(|c| *c = Counts::default());
    }
}
