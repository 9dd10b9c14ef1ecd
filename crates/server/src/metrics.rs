//! Prometheus metrics (`GET /metrics`): requests by route and status with a latency histogram,
//! token grants and failures, rate-limit rejections, and the store's read/write latency, write
//! batch sizes and busy read connections (recorded by the store crate), and the store's
//! connection pool (read from the store at each scrape).

use std::sync::OnceLock;
use std::time::Instant;

use accountd_core::store::PoolStatus;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::config::MetricsAccess;
use crate::error::ApiError;
use crate::extract::AdminAuth;
use crate::state::AppState;

/// Latency buckets in seconds: 100 µs to 2.5 s.
const BUCKETS: [f64; 13] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 2.5,
];

/// The process-wide recorder, installed on first use (several servers in one process, as in
/// the tests, share it).
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => {
                    spawn_upkeep(handle.clone());
                    Some(handle)
                }
                Err(err) => {
                    tracing::warn!(%err, "metrics are unavailable: a recorder is already installed");
                    None
                }
            }
        })
        .as_ref()
}

/// How often histogram samples are folded into their buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The exporter keeps every histogram sample until an upkeep folds it into the buckets; without
/// one, memory grew by ~1.5 MB/s under load (50,000 requests/s × three samples) until the next
/// scrape, and forever when nobody scrapes. A plain thread, not a task: the recorder is
/// process-wide and outlives any one runtime (the tests start many).
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(err) = spawned {
        tracing::warn!(%err, "metrics upkeep thread could not start; histograms are drained only by scrapes");
    }
}

/// Installs the recorder (call at startup so the first requests are counted).
pub fn init() {
    let _ = handle();
}

pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(render))
}

/// Prometheus metrics
///
/// Requests by route and status, latency histograms, token grants, rate-limit rejections, the
/// store's read and write latency and its connection pool. No auth by default (accountd listens on
/// loopback); with `--metrics-access admin`, only for the admin token.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = crate::openapi::TAG_OPERATIONS,
    responses(
        (status = 200, description = "The metrics in the Prometheus text format", content_type = "text/plain", body = String),
        (status = 401, description = "With `--metrics-access admin`: no admin token, or a wrong one", body = accountd_proto::ErrorEnvelope),
        (status = 503, description = "The metrics recorder is not installed", body = accountd_proto::ErrorEnvelope),
    )
)]
async fn render(State(state): State<AppState>, mut parts: Parts) -> Response {
    if state.metrics_access == MetricsAccess::Admin
        && AdminAuth::from_request_parts(&mut parts, &state)
            .await
            .is_err()
    {
        // The admin capability's own messages speak of the admin API; say what was asked for.
        return ApiError::from(accountd_core::Error::Unauthenticated(
            "GET /metrics needs 'Authorization: Bearer <admin token>' (--metrics-access admin)"
                .to_owned(),
        ))
        .into_response();
    }
    match handle() {
        Some(handle) => {
            record_pool(state.core.store().pool_status());
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; version=0.0.4"),
                )],
                handle.render(),
            )
                .into_response()
        }
        None => crate::error::envelope(
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics are not available in this process",
        ),
    }
}

/// The store's connections as gauges, read when scraped: a pool's state changes with every
/// request, and only its state at the scrape is worth exporting.
fn record_pool(status: PoolStatus) {
    metrics::gauge!("store_pool_max_connections").set(status.max_size as f64);
    metrics::gauge!("store_pool_connections", "state" => "in_use").set(status.in_use as f64);
    let idle = status.open.saturating_sub(status.in_use);
    metrics::gauge!("store_pool_connections", "state" => "idle").set(idle as f64);
    metrics::gauge!("store_pool_waiting").set(status.waiting as f64);
}

/// Records one finished request.
pub fn record_request(method: &Method, route: Option<&str>, status: StatusCode, started: Instant) {
    let route = route.unwrap_or("unmatched");
    let elapsed = started.elapsed().as_secs_f64();
    REQUEST_METRICS.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Extension methods share one label: clients must not be able to mint metric series.
        let method = match *method {
            Method::GET
            | Method::POST
            | Method::PUT
            | Method::PATCH
            | Method::DELETE
            | Method::HEAD
            | Method::OPTIONS => method.as_str(),
            _ => "other",
        };
        let key = (method, route, status.as_u16());
        let index = match cache
            .iter()
            .position(|(m, r, s, _)| (m.as_str(), r.as_str(), *s) == key)
        {
            Some(index) => index,
            None => {
                let labels = [("method", key.0.to_owned()), ("route", key.1.to_owned())];
                let histogram = metrics::histogram!("http_request_duration_seconds", &labels);
                let counter = metrics::counter!(
                    "http_requests_total",
                    &[
                        labels[0].clone(),
                        labels[1].clone(),
                        ("status", key.2.to_string())
                    ]
                );
                cache.push((
                    key.0.to_owned(),
                    key.1.to_owned(),
                    key.2,
                    (histogram, counter),
                ));
                cache.len() - 1
            }
        };
        if let Some((_, _, _, (histogram, counter))) = cache.get(index) {
            histogram.record(elapsed);
            counter.increment(1);
        }
    });
}

/// The handles of `(method, route, status)` combinations seen by this thread. Looking a metric
/// up by its labels builds the label strings and hashes them on every request; the handles
/// are cheap to keep (a few dozen routes × statuses) and point at the same metrics from every
/// thread. A linear scan of a short list beats hashing here, and needs no allocation.
type RequestMetrics = Vec<(String, String, u16, (metrics::Histogram, metrics::Counter))>;

thread_local! {
    static REQUEST_METRICS: std::cell::RefCell<RequestMetrics> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Records the outcome of a token request (`ok` or the OAuth error code).
pub fn record_token_grant(result: &'static str) {
    metrics::counter!("token_grants_total", "result" => result).increment(1);
}

/// Records a refused request: `request` (rate limit) or `auth_failure` (brute-force block).
pub fn record_rate_limited(kind: &'static str) {
    metrics::counter!("rate_limited_total", "kind" => kind).increment(1);
}
