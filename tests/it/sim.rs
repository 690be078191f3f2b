//! The Atlas simulator over HTTP: every fact of atlas-api.md it models.

mod auth;
mod counters;
mod faults;
mod helpers;
mod integrations;
mod projects;
mod state;
mod validation;
