//! Wire types of the Dynatrace Account Management API, as served by accountd and consumed by
//! `accountd-client`. Every type here is plain data: no I/O, no validation beyond what serde does.
//! Sharing this crate between server and client makes any drift between the two a compile error.

pub mod admin;
pub mod audit;
pub mod environments;
pub mod error;
pub mod groups;
pub mod health;
pub mod memberships;
pub mod oauth;
pub mod permissions;
mod serde_helpers;
pub mod service_users;
pub mod users;

pub use environments::{Environment, EnvironmentCollection, EnvironmentStatus};
pub use error::{ErrorBody, ErrorEnvelope};
pub use groups::{Group, GroupCollection, GroupCreateRequest};
pub use oauth::{OAuthErrorResponse, TokenRequest, TokenResponse};
pub use permissions::{
    GroupPermission, GroupPermissions, Permission, PermissionCollection, PermissionScopeType,
};
pub use users::{User, UserCollection, UserCreateRequest, UserStatus};
