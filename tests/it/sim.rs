//! The Atlas simulator over HTTP: every documented Atlas behaviour it models.

mod activity;
mod auth;
mod counters;
mod faults;
mod helpers;
mod integrations;
mod log_metric_api;
mod log_metric_facts;
mod log_metric_support;
mod projects;
mod state;
mod validation;
