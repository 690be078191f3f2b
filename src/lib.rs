//! tether keeps the third-party integrations of many MongoDB Atlas projects
//! equal to one YAML file kept in git.

pub mod model;
pub mod secret;
