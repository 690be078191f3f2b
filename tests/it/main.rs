//! Integration tests: the real `tether` binary, and the in-process simulator.

mod common;
mod schema;
mod sim;
mod validate;
