//! Integration tests: the real `tether` binary, and the in-process simulator.

mod ci_recipes;
mod cli;
mod client;
mod client_hostile;
mod common;
mod demo;
mod directory;
mod drift_output;
mod faults;
mod gitops;
mod hostile;
mod import;
mod install_script;
mod pacing;
mod recipe_runs;
mod reliability;
mod schema;
mod selectors;
mod sim;
mod sim_command;
mod validate;
mod whoami;
