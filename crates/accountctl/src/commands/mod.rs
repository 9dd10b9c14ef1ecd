pub mod groups;
pub mod permissions;
pub mod service_users;
pub mod users;
