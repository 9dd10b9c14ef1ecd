use std::sync::Arc;

use accountd_core::Accountd;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub core: Arc<Accountd>,
}
