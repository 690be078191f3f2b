//! The Atlas simulator over HTTP: every documented Atlas behaviour it models.

mod activity;
mod auth;
mod counters;
mod faults;
mod helpers;
mod integrations;
mod projects;
mod state;
mod validation;
