//! Request extractors: they parse credentials, bodies and parameters, and turn every malformed
//! input into a clear error in the envelope.

mod auth;
mod json;
mod params;

pub use auth::{AdminAuth, Auth, RateSlot};
pub use json::{JsonArray, JsonBody, UserGroupsBody};
pub use params::{ListParams, account_path, admin_account_path};
