#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! Test support: failing loudly (panicking) is how a test helper reports a broken setup.

//! `TestApp`: a real accountd on 127.0.0.1:0 with a fresh database, a movable clock, and the
//! admin API on, handing out ready typed clients.
//!
//! The database is SQLite in a temporary directory, unless `ACCOUNTD_TEST_DATABASE_URL` names a
//! PostgreSQL server (e.g. `postgres://postgres@127.0.0.1:5432/test`, a role that may create
//! databases): then every `TestApp` creates a database `accountd_it_<uuid>` of its own on that
//! server, and drops it when the last instance using it is dropped.
//!
//! ```ignore
//! let app = TestApp::spawn().await;
//! let account = app.new_account().await;
//! let client = app.client(&account, &["account-idm-read", "account-idm-write"]).await;
//! ```

mod database;

use std::path::PathBuf;
use std::sync::Arc;

use accountd_client::{AdminClient, Client, Credentials};
use accountd_core::ManualClock;
use accountd_proto::admin::{AccountCreateRequest, EnvironmentRequest, OAuthClientCreateRequest};
use accountd_server::{Config, RunningServer};
use tempfile::TempDir;

use database::TestDatabase;
pub use database::{DATABASE_URL_VAR, postgres_server_url};

/// The admin token every test server uses.
pub const ADMIN_TOKEN: &str = "testkit-admin-token-0123456789";

/// Every scope, for clients that may do anything.
pub const ALL_SCOPES: [&str; 4] = [
    "account-idm-read",
    "account-idm-write",
    "account-env-read",
    "account-env-write",
];

/// Options for [`TestApp`].
#[derive(Debug, Clone, Default)]
pub struct TestAppBuilder {
    bootstrap: Option<String>,
    token_ttl_secs: Option<u64>,
    no_admin: bool,
    rate_limit: Option<String>,
    rate_limit_key: Option<accountd_server::rate_limit::RateLimitKey>,
    rate_limit_store: Option<accountd_server::rate_limit::RateLimitStore>,
    auth_failure_limit: Option<String>,
    invite_ttl_secs: Option<u64>,
    smtp_url: Option<String>,
    metrics_access: Option<accountd_server::config::MetricsAccess>,
}

impl TestAppBuilder {
    /// YAML for `--bootstrap` (written to a file in the app's directory).
    pub fn bootstrap(mut self, yaml: impl Into<String>) -> Self {
        self.bootstrap = Some(yaml.into());
        self
    }

    pub fn token_ttl(mut self, secs: u64) -> Self {
        self.token_ttl_secs = Some(secs);
        self
    }

    /// `--rate-limit` (e.g. `3/min`).
    pub fn rate_limit(mut self, limit: &str) -> Self {
        self.rate_limit = Some(limit.to_owned());
        self
    }

    /// `--rate-limit-key account` instead of the default per client.
    pub fn rate_limit_per_account(mut self) -> Self {
        self.rate_limit_key = Some(accountd_server::rate_limit::RateLimitKey::Account);
        self
    }

    /// `--rate-limit-store` (default: by backend, memory on SQLite, database on PostgreSQL).
    pub fn rate_limit_store(mut self, store: accountd_server::rate_limit::RateLimitStore) -> Self {
        self.rate_limit_store = Some(store);
        self
    }

    /// `--auth-failure-limit` (default `10/min`).
    pub fn auth_failure_limit(mut self, limit: &str) -> Self {
        self.auth_failure_limit = Some(limit.to_owned());
        self
    }

    /// `--invite-ttl` in seconds (default 7 days); expire invitations with the clock.
    pub fn invite_ttl(mut self, secs: u64) -> Self {
        self.invite_ttl_secs = Some(secs);
        self
    }

    /// `--smtp-url`, e.g. `smtp://127.0.0.1:<port>` of an SMTP listener the test runs.
    pub fn smtp_url(mut self, url: impl Into<String>) -> Self {
        self.smtp_url = Some(url.into());
        self
    }

    /// `--metrics-access` (default `open`).
    pub fn metrics_access(mut self, access: accountd_server::config::MetricsAccess) -> Self {
        self.metrics_access = Some(access);
        self
    }

    /// Start without an admin token (the admin API is off).
    pub fn without_admin(mut self) -> Self {
        self.no_admin = true;
        self
    }

    /// Starts the server; panics with the startup error (this is test code).
    pub async fn spawn(self) -> TestApp {
        match self.try_spawn().await {
            Ok(app) => app,
            Err(err) => panic!("accountd did not start: {err}"),
        }
    }

    /// Starts the server, returning the startup error instead of panicking.
    pub async fn try_spawn(self) -> Result<TestApp, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let database = TestDatabase::create(&dir).await?;
        let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
        let mut app = TestApp {
            shared: Arc::new(Shared { database, dir }),
            clock,
            options: self,
            server: None,
            demo: None,
        };
        app.start().await?;
        Ok(app)
    }
}

/// A created account with one environment.
#[derive(Debug, Clone)]
pub struct TestAccount {
    pub uuid: String,
    pub environment: String,
}

/// What the instances of one test share.
struct Shared {
    // Declared first: the database is dropped before the directory it may live in.
    database: TestDatabase,
    dir: TempDir,
}

/// A running accountd for one test.
pub struct TestApp {
    shared: Arc<Shared>,
    clock: Arc<ManualClock>,
    options: TestAppBuilder,
    server: Option<RunningServer>,
    demo: Option<accountd_core::bootstrap::DemoAccount>,
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    /// A server with defaults: fresh database, admin API on, demo account created.
    pub async fn spawn() -> TestApp {
        TestAppBuilder::default().spawn().await
    }

    fn config(&self) -> Result<Config, String> {
        let mut config = Config::with_database(self.shared.database.url());
        if !self.options.no_admin {
            config.admin_token = Some(ADMIN_TOKEN.to_owned());
        }
        if let Some(ttl) = self.options.token_ttl_secs {
            config.token_ttl_secs = ttl;
        }
        let parse = |text: &str| {
            accountd_core::rate_limit::RateLimit::parse(text).map_err(|e| e.to_string())
        };
        if let Some(limit) = &self.options.rate_limit {
            config.rate_limit = Some(parse(limit)?);
        }
        if let Some(key) = self.options.rate_limit_key {
            config.rate_limit_key = key;
        }
        config.rate_limit_store = self.options.rate_limit_store;
        if let Some(limit) = &self.options.auth_failure_limit {
            config.auth_failure_limit = parse(limit)?;
        }
        if let Some(ttl) = self.options.invite_ttl_secs {
            config.invite_ttl_secs = ttl;
        }
        config.smtp_url.clone_from(&self.options.smtp_url);
        if let Some(access) = self.options.metrics_access {
            config.metrics_access = access;
        }
        if let Some(yaml) = &self.options.bootstrap {
            let path = self.shared.dir.path().join("bootstrap.yaml");
            std::fs::write(&path, yaml).map_err(|e| e.to_string())?;
            config.bootstrap = Some(path);
        }
        Ok(config)
    }

    async fn start(&mut self) -> Result<(), String> {
        let started = accountd_server::start(&self.config()?, self.clock.clone()).await?;
        self.server = Some(started.server);
        self.demo = started.demo;
        Ok(())
    }

    /// Stops the server gracefully and starts a new one on the same database (new port).
    pub async fn restart(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.shutdown().await;
        }
        if let Err(err) = self.start().await {
            panic!("accountd did not restart: {err}");
        }
    }

    /// Another accountd on the same database (and the same clock and options), on a port of its
    /// own, as a second instance behind a load balancer would be. The database stays until the
    /// last instance is dropped. PostgreSQL only: a SQLite file belongs to one process, and a
    /// second one is refused (see [`TestApp::try_second_instance`]).
    pub async fn second_instance(&self) -> TestApp {
        match self.try_second_instance().await {
            Ok(app) => app,
            Err(err) => panic!("the second accountd did not start: {err}"),
        }
    }

    /// Like [`TestApp::second_instance`], with the reason when it does not start.
    pub async fn try_second_instance(&self) -> Result<TestApp, String> {
        let mut app = TestApp {
            shared: self.shared.clone(),
            clock: self.clock.clone(),
            options: self.options.clone(),
            server: None,
            demo: None,
        };
        app.start().await?;
        Ok(app)
    }

    /// Replaces the bootstrap file used by the next [`TestApp::restart`].
    pub fn set_bootstrap(&mut self, yaml: impl Into<String>) {
        self.options.bootstrap = Some(yaml.into());
    }

    /// The SQLite file, when the database is SQLite.
    pub fn database_path(&self) -> Option<PathBuf> {
        self.shared.database.sqlite_path()
    }

    /// The database URL the server was started with.
    pub fn database_url(&self) -> String {
        self.shared.database.url()
    }

    /// The store backend: `sqlite` or `postgres` (what `/readyz` reports).
    pub fn backend(&self) -> &'static str {
        self.shared.database.backend()
    }

    /// The server's domain core (its store, for tests that look behind the API).
    pub fn core(&self) -> &Arc<accountd_core::Accountd> {
        self.server().core()
    }

    fn server(&self) -> &RunningServer {
        match &self.server {
            Some(server) => server,
            None => panic!("the server is not running"),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.server().addr())
    }

    /// `<base_url><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    pub fn token_url(&self) -> String {
        self.url("/sso/oauth2/token")
    }

    /// The injected clock: move it to expire tokens without sleeping.
    pub fn clock(&self) -> &ManualClock {
        &self.clock
    }

    /// The demo account created on first start (only without a bootstrap file).
    pub fn demo(&self) -> Option<&accountd_core::bootstrap::DemoAccount> {
        self.demo.as_ref()
    }

    pub fn admin(&self) -> AdminClient {
        match AdminClient::new(self.base_url(), ADMIN_TOKEN) {
            Ok(admin) => admin,
            Err(err) => panic!("admin client: {err}"),
        }
    }

    /// A plain HTTP client for tests that check exact wire bytes.
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    /// Creates an account with one environment through the admin API.
    pub async fn new_account(&self) -> TestAccount {
        let admin = self.admin();
        let account = admin
            .create_account(&AccountCreateRequest {
                uuid: None,
                name: "Test account".into(),
            })
            .await
            .unwrap_or_else(|e| panic!("create account: {e}"));
        let environment = admin
            .create_environment(
                &account.uuid,
                &EnvironmentRequest {
                    id: None,
                    name: "Production".into(),
                    status: None,
                    trial: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("create environment: {e}"));
        TestAccount {
            uuid: account.uuid,
            environment: environment.id,
        }
    }

    /// Creates an OAuth client with `scopes` on the account; returns `(client_id, client_secret)`.
    pub async fn oauth_client(&self, account: &TestAccount, scopes: &[&str]) -> (String, String) {
        let created = self
            .admin()
            .create_client(
                &account.uuid,
                &OAuthClientCreateRequest {
                    scopes: scopes.iter().map(|s| s.to_string()).collect(),
                    name: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("create OAuth client: {e}"));
        let secret = created
            .client_secret
            .unwrap_or_else(|| panic!("the created client has no secret"));
        (created.client_id, secret)
    }

    /// A typed client for the account, authenticating as a new OAuth client with `scopes`.
    pub async fn client(&self, account: &TestAccount, scopes: &[&str]) -> Client {
        let (client_id, client_secret) = self.oauth_client(account, scopes).await;
        self.client_with(&account.uuid, client_id, client_secret)
    }

    /// A typed client with explicit credentials.
    pub fn client_with(&self, account: &str, client_id: String, client_secret: String) -> Client {
        let credentials = Credentials::ClientCredentials {
            token_url: self.token_url(),
            client_id,
            client_secret,
            scope: None,
        };
        Client::new(self.base_url(), account, credentials).unwrap_or_else(|e| panic!("client: {e}"))
    }

    /// A bearer token for a new client with `scopes` on `account`.
    pub async fn token(&self, account: &TestAccount, scopes: &[&str]) -> String {
        self.client(account, scopes)
            .await
            .token()
            .await
            .unwrap_or_else(|e| panic!("token: {e}"))
    }
}
