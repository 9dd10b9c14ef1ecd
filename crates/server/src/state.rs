use std::ops::Deref;
use std::sync::Arc;

use accountd_core::Accountd;

use crate::config::MetricsAccess;
use crate::rate_limit::{AuthFailures, RateLimits};

/// Shared by every handler. axum clones the state for every request (each router layer and
/// each `State` extractor takes its own), so it is one reference count rather than one per
/// part: each is an atomic that both cores' workers write, a contended cache line per clone
/// and per drop (2–4% of a cached `GET /users/{uid}`'s CPU in a profile, benchmarks.md).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] shares.
pub struct Shared {
    pub core: Arc<Accountd>,
    pub limits: Arc<RateLimits>,
    pub auth_failures: Arc<AuthFailures>,
    pub metrics_access: MetricsAccess,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
