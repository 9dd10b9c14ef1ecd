pub mod access_report;
pub mod offboard;
pub mod provision;
