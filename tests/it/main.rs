//! Integration tests: the real `tether` binary, and the in-process simulator.

mod ci_recipes;
mod cli;
mod client;
mod client_hostile;
mod common;
mod demo;
mod directory;
mod drift_output;
mod end_of_life;
mod faults;
mod gitlab_recipe_runs;
mod gitops;
mod hostile;
mod import;
mod install_script;
mod prometheus;
mod readme_walkthrough;
mod recipe_runs;
mod reliability;
mod repository;
mod schema;
mod selectors;
mod sim;
mod sim_command;
mod validate;
mod whoami;
