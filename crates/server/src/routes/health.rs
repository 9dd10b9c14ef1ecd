//! `/healthz` (the process answers) and `/readyz` (the database answers). No auth.

use accountd_proto::health::HealthResponse;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::envelope;
use crate::openapi::TAG_OPERATIONS;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// Liveness: the process answers
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = TAG_OPERATIONS,
    responses((status = 200, description = "The process is up", body = HealthResponse))
)]
async fn healthz() -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok".to_owned(),
        database: None,
    })
}

/// Readiness: the database answers
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = TAG_OPERATIONS,
    responses(
        (status = 200, description = "The database answers", body = HealthResponse),
        (status = 503, description = "The database does not answer"),
    )
)]
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
