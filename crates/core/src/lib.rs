//! The accountd domain: identifiers, the services behind every route, authorization as
//! capabilities, and the [`store::Store`] trait that each database backend implements.
//! No web framework and no database driver types appear here; time comes from a [`Clock`].

pub mod admin;
pub mod audit;
pub mod authz;
pub mod bootstrap;
pub mod clock;
pub mod environments;
pub mod error;
pub mod groups;
pub mod ids;
pub mod invitations;
pub mod mac;
pub mod memberships;
pub mod model;
pub mod oauth;
pub mod page;
pub mod permissions;
pub mod rate_limit;
pub mod scim;
pub mod scim_groups;
pub mod scim_tokens;
pub mod scim_users;
pub mod scope;
pub mod secret;
pub mod service;
pub mod service_users;
pub mod store;
pub mod token;
pub mod token_cache;
pub mod user_json;
pub mod users;
pub mod validate;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use service::{Accountd, Settings};
