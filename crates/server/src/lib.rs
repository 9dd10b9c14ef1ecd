//! The accountd server: configuration, startup, router, extractors, error rendering, the OAuth2
//! token endpoint and the admin API. The store is picked by URL scheme once, at startup.

pub mod bootstrap;
pub mod config;
mod error;
mod extract;
mod json_bytes;
pub mod logging;
mod mail;
pub mod metrics;
pub mod openapi;
pub mod rate_limit;
pub mod routes;
mod scim;
mod state;
pub mod user_cache_size;
/// Domain objects to response shapes. Public so that the fuzz targets can compare the
/// hand-written user JSON with serde's rendering of the wire types.
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use accountd_core::bootstrap::DemoAccount;
use accountd_core::secret::Secret;
use accountd_core::store::Store;
use accountd_core::{Accountd, Clock, Settings};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::Config;
pub use state::AppState;

/// Largest accepted request body; larger ones get a 413 in the error envelope.
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// Opens the store named by a database URL, picked by scheme: `sqlite://<file>` (one instance),
/// or `postgres://` / `postgresql://` (several instances may share the database). Brings the
/// schema up to date either way.
pub async fn open_store(url: &str) -> Result<Arc<dyn Store>, String> {
    open_store_with(
        url,
        &accountd_store_postgres::PostgresOptions::default(),
        accountd_store_sqlite::SqliteOptions::default(),
    )
    .await
}

/// Like [`open_store`], with the pool size and timeouts of a PostgreSQL database and the
/// settings of a SQLite one (whichever the URL names).
pub async fn open_store_with(
    url: &str,
    postgres: &accountd_store_postgres::PostgresOptions,
    sqlite: accountd_store_sqlite::SqliteOptions,
) -> Result<Arc<dyn Store>, String> {
    if url.starts_with("sqlite:") {
        let store = accountd_store_sqlite::SqliteStore::open_url_with(url, sqlite)
            .map_err(|err| format!("database '{url}': {err}"))?;
        return Ok(Arc::new(store));
    }
    let shown = accountd_store_postgres::redact_url(url);
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = accountd_store_postgres::PostgresStore::connect(url, *postgres)
            .await
            .map_err(|err| format!("database '{shown}': {err}"))?;
        return Ok(Arc::new(store));
    }
    let scheme = url.split(':').next().unwrap_or(url);
    Err(format!(
        "database '{shown}': the scheme '{scheme}' is not supported; use sqlite://<file> or \
         postgres://<user>@<host>/<database>"
    ))
}

/// A server that is listening; dropping it does not stop it, [`RunningServer::shutdown`] does.
pub struct RunningServer {
    addr: SocketAddr,
    core: Arc<Accountd>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn core(&self) -> &Arc<Accountd> {
        &self.core
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
        self.wait().await
    }

    /// Waits until the server stops.
    pub async fn wait(&mut self) -> std::io::Result<()> {
        match (&mut self.task).await {
            Ok(result) => result,
            Err(err) => Err(std::io::Error::other(err)),
        }
    }

    /// A handle that triggers graceful shutdown (for signal handlers).
    pub fn take_shutdown(&mut self) -> Option<oneshot::Sender<()>> {
        self.shutdown.take()
    }
}

/// What [`start`] returns: the running server and, on a first start without a bootstrap file,
/// the demo account's credentials (to print once).
pub struct Started {
    pub server: RunningServer,
    pub demo: Option<DemoAccount>,
}

/// Opens the database, loads keys, applies the bootstrap file (or creates the demo account),
/// binds the listener, and starts serving. The listener is bound before this returns, so a
/// caller can connect at once.
pub async fn start(config: &Config, clock: Arc<dyn Clock>) -> Result<Started, String> {
    config.validate()?;
    // Before the store opens: it resolves its metric handles once, when it is built, and
    // handles taken before the recorder is installed would record nothing.
    metrics::init();
    // Bind first: links in messages need the real address when the port is chosen by the OS.
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", config.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|err| format!("cannot read the listening address: {err}"))?;
    let postgres = accountd_store_postgres::PostgresOptions {
        pool_size: config.db_pool_size,
        statement_timeout: std::time::Duration::from_millis(config.db_statement_timeout_ms),
        connect_timeout: std::time::Duration::from_millis(config.db_connect_timeout_ms),
    };
    // Only SQLite has the cache: PostgreSQL may have other writers (docs/scaling.md).
    let user_cache = if config.database.starts_with("sqlite:") {
        config.sqlite_user_cache.resolve_and_log()
    } else {
        accountd_store_sqlite::UserCacheLimits::users(0)
    };
    let sqlite = accountd_store_sqlite::SqliteOptions {
        user_cache,
        file_access: config.sqlite_file_access.into(),
    };
    let store = open_store_with(&config.database, &postgres, sqlite).await?;
    let settings = Settings {
        token_ttl_secs: config.token_ttl_secs,
        admin_token: config
            .admin_token
            .as_ref()
            .map(|t| Secret::new(t.clone()).digest()),
        invite_ttl_secs: config.invite_ttl_secs,
        scim_token_limit: config.scim_token_limit,
        public_url: config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}")),
    };
    let mut core = Accountd::open(store.clone(), clock.clone(), settings)
        .await
        .map_err(|err| format!("startup: {err}"))?;
    if let Some(url) = &config.smtp_url {
        core = core.with_mailer(Arc::new(mail::SmtpMailer::new(url, &config.smtp_from)?));
    }
    let core = Arc::new(core);
    let demo = match &config.bootstrap {
        Some(path) => {
            bootstrap::load_and_apply(&core, path).await?;
            None
        }
        None => core
            .ensure_demo_account()
            .await
            .map_err(|err| format!("creating the demo account: {err}"))?,
    };
    let rate_limit_store = config
        .rate_limit_store
        .unwrap_or_else(|| rate_limit::RateLimitStore::default_for(store.backend()));
    let limits = match rate_limit_store {
        rate_limit::RateLimitStore::Memory => {
            rate_limit::RateLimits::new(config.rate_limit, config.rate_limit_key)
        }
        rate_limit::RateLimitStore::Database => rate_limit::RateLimits::shared(
            config.rate_limit,
            config.rate_limit_key,
            store.clone(),
            clock.clone(),
        ),
    };
    let app = routes::router(AppState::new(state::Shared {
        core: core.clone(),
        limits: Arc::new(limits),
        auth_failures: Arc::new(rate_limit::AuthFailures::new(config.auth_failure_limit)),
        metrics_access: config.metrics_access,
    }));
    let (shutdown, signal) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
                SocketAddr,
            >(app),
        )
        .with_graceful_shutdown(async move {
            let _ = signal.await;
        })
        .await
    });
    let database = accountd_store_postgres::redact_url(&config.database);
    tracing::info!(%addr, %database, ?rate_limit_store, "accountd listening");
    Ok(Started {
        server: RunningServer {
            addr,
            core,
            shutdown: Some(shutdown),
            task,
        },
        demo,
    })
}

/// The text printed once when the demo account is created.
pub fn demo_banner(demo: &DemoAccount, addr: SocketAddr) -> String {
    let base = format!("http://{addr}");
    let account = demo.account;
    let id = &demo.client_id;
    let secret = demo.client_secret.expose();
    let env = &demo.environment;
    [
        String::new(),
        "==================== accountd demo account ====================".to_owned(),
        "Created on first start (shown once: the secret is stored hashed).".to_owned(),
        format!("  account uuid:  {account}"),
        format!("  environment:   {env}"),
        format!("  client id:     {id}"),
        format!("  client secret: {secret}"),
        "  scopes:        account-idm-read account-idm-write account-env-read account-env-write".to_owned(),
        String::new(),
        "Get a token:".to_owned(),
        format!("  TOKEN=$(curl -s -X POST {base}/sso/oauth2/token \\"),
        format!("    -d grant_type=client_credentials -d client_id={id} \\"),
        format!("    -d client_secret={secret} \\"),
        format!("    -d resource=urn:dtaccount:{account} | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')"),
        String::new(),
        "List users:".to_owned(),
        format!("  curl -s -H \"Authorization: Bearer $TOKEN\" {base}/iam/v1/accounts/{account}/users"),
        "================================================================".to_owned(),
    ]
    .join("\n")
}
