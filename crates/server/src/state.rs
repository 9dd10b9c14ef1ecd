use std::sync::Arc;

use accountd_core::Accountd;

use crate::config::MetricsAccess;
use crate::rate_limit::{AuthFailures, RateLimits};

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub core: Arc<Accountd>,
    pub limits: Arc<RateLimits>,
    pub auth_failures: Arc<AuthFailures>,
    pub metrics_access: MetricsAccess,
}
