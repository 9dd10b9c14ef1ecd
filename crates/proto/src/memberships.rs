use serde::{Deserialize, Serialize};

use crate::User;

/// `GET .../groups/{groupId}/users` (real API `GroupUserListDto` envelope: `count` and `items`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMembers {
    pub count: u64,
    pub items: Vec<User>,
}
