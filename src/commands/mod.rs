//! One thin orchestrator per subcommand.

pub mod apply;
pub mod connect;
pub mod demo;
pub mod import;
pub mod plan;
pub mod schema;
pub mod sim;
pub mod validate;
