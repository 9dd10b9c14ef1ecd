//! End-to-end tests of `accountctl`: every test runs the real binary against a real accountd
//! (testkit, 127.0.0.1:0) and asserts its output, its exit code and the account's state.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod access_report;
mod client;
mod config;
mod errors;
mod groups;
mod help;
mod offboard;
mod paging;
mod permissions;
mod provision;
mod rate_limits;
mod service_users;
mod sync;
mod users;
