//! The bare baseline of the benchmarks: a minimal axum server answering fixed JSON bodies of the
//! sizes accountd answers with (one user on every path, a page of 100 users on
//! `/page/100`), so every scenario can be reported as a ratio to what this machine can do at
//! all, with a body of the same size, in the same run.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use clap::Parser;

/// A user as accountd serializes it (same size, fixed bytes).
const BODY: &str = r#"{"uid":"5b6c2f8e-8d2a-4c3e-9f1a-2b7d4e6a8c10","email":"user-000123@example.com","firstName":"Bench","lastName":"User","groups":["0e4f9a52-7c1d-4b8e-a3f6-9d2c5e8b1a47"],"userStatus":"ACTIVE","createdAt":"2026-11-21T12:00:00.000Z","lastModifiedAt":"2026-11-21T12:00:00.000Z"}"#;

#[derive(Parser)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8699")]
    listen: SocketAddr,
}

async fn fixed() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], BODY)
}

/// A listing page of 100 users as accountd serializes it (same size, fixed bytes).
fn page_body() -> Bytes {
    let items = vec![BODY; 100].join(",");
    Bytes::from(format!(
        r#"{{"totalCount":1000000,"pageSize":100,"nextPageKey":"eyJrIjoidXNlcnMiLCJhIjoiN2UxZjBjMmEtM2M0NC00YjhhLTlhNTUtMGMxZTJmM2E0YjVjIiwieCI6OTAwMDAwLCJzIjoxMDB9.c2lnbmF0dXJlLW9mLXRoZS1wYWdlLWtleQ","items":[{items}]}}"#
    ))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let page = page_body();
    let app = Router::new()
        .route(
            "/page/100",
            get(move || {
                let page = page.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], page) }
            }),
        )
        .route("/{*path}", get(fixed));
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    axum::serve(listener, app).await
}
