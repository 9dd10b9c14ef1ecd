//! The stories, by area. Every public `async fn(Arc<dyn Store>)` here is listed in
//! [`crate::conformance_tests!`].

mod accounts;
mod audit;
mod concurrency;
mod environments;
mod groups;
mod invitations;
mod rate_limits;
mod scim;
mod service_users;
mod user_json_freshness;
mod users;

pub use accounts::*;
pub use audit::*;
pub use concurrency::*;
pub use environments::*;
pub use groups::*;
pub use invitations::*;
pub use rate_limits::*;
pub use scim::*;
pub use service_users::*;
pub use user_json_freshness::*;
pub use users::*;
