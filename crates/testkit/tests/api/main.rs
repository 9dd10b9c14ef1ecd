//! Integration tests of accountd: every test starts a real server (127.0.0.1:0, fresh database:
//! SQLite, or PostgreSQL when `ACCOUNTD_TEST_DATABASE_URL` is set; injected clock) through `accountd_testkit::TestApp` and talks to it over HTTP, with
//! the typed client for behaviour and plain reqwest where the exact wire bytes or headers matter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod scim_common;

mod admin;
mod audit;
mod authz;
mod bootstrap;
mod environments;
mod errors;
mod get_user_paths;
mod group_permissions;
mod groups;
mod health;
mod invitations;
mod memberships;
mod metrics;
mod multi_instance;
mod openapi;
mod paging;
mod permissions;
mod persistence;
mod rate_limits;
mod scim_groups;
mod scim_provisioning;
mod scim_query;
mod scim_tokens;
mod scim_users;
mod service_users;
mod token;
mod users;
