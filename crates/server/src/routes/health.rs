//! `/healthz` (the process answers) and `/readyz` (the database answers). No auth.

use accountd_proto::health::HealthResponse;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use crate::error::envelope;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok".to_owned(),
        database: None,
    })
}

async fn readyz(State(app): State<AppState>) -> Result<Json<HealthResponse>, Response> {
    let backend = app.core.store().backend();
    match app.core.ready().await {
        Ok(()) => Ok(Json(HealthResponse {
            status: "ok".to_owned(),
            database: Some(backend.to_owned()),
        })),
        Err(err) => {
            tracing::warn!(%err, "readiness check failed");
            Err(envelope(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: the {backend} database does not answer"),
            ))
        }
    }
}
