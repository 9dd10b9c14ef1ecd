use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::User;

/// The members of a group (the real API's `GroupUserListDto` envelope, seed `User` items).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GroupMembers {
    /// The number of members.
    #[schema(format = Int64)]
    pub count: u64,
    pub items: Vec<User>,
}
