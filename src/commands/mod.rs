//! One thin orchestrator per subcommand.

pub mod schema;
pub mod sim;
pub mod validate;
