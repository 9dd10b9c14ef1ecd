//! Configuration: flags, then `ACCOUNTD_*` environment variables, then the TOML file given by
//! `--config`, then defaults (first found wins).
// The doc comments below are the `--help` text (clap), not rustdoc: `<placeholders>`, URLs and
// `[default: ...]` are meant literally.
#![allow(
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links
)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use accountd_core::rate_limit::{Period, RateLimit};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

use crate::rate_limit::{RateLimitKey, RateLimitStore};
use crate::user_cache_size::{MAX_USERS as MAX_SQLITE_USER_CACHE, UserCacheSize};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8600";
pub const DEFAULT_DATABASE: &str = "sqlite://accountd.db";
pub const DEFAULT_TOKEN_TTL_SECS: u64 = 300;
const MAX_TOKEN_TTL_SECS: u64 = 86_400;
const MIN_ADMIN_TOKEN_LEN: usize = 16;
pub const DEFAULT_INVITE_TTL_SECS: u64 = 7 * 86_400;
pub const DEFAULT_SCIM_TOKEN_LIMIT: u32 = 10;
pub const DEFAULT_SMTP_FROM: &str = "accountd@localhost";
/// Ten failed client authentications a minute per address, then a block.
pub const DEFAULT_AUTH_FAILURE_LIMIT: RateLimit = RateLimit {
    requests: 10,
    period: Period::Minute,
};

#[derive(Debug, Parser)]
#[command(
    name = "accountd",
    version,
    about = "The Dynatrace Account Management API, self-hosted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate(MigrateArgs),
}

/// Who may read `GET /metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricsAccess {
    /// Anyone who can reach the port (accountd listens on loopback by default).
    #[default]
    Open,
    /// Only callers presenting the admin token as a bearer token.
    Admin,
}

/// Whether other programs may open the SQLite file while accountd runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteFileAccess {
    /// No other process may open it: a little faster reads (no file lock per read).
    #[default]
    Exclusive,
    /// Other programs (the sqlite3 shell, a backup) may read it while accountd runs.
    Shared,
}

impl From<SqliteFileAccess> for accountd_store_sqlite::FileAccess {
    fn from(access: SqliteFileAccess) -> Self {
        match access {
            SqliteFileAccess::Exclusive => Self::Exclusive,
            SqliteFileAccess::Shared => Self::Shared,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// TOML configuration file (keys: listen, database, bootstrap, admin-token, token-ttl, log-format, ...).
    #[arg(long, env = "ACCOUNTD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8600].
    #[arg(long, env = "ACCOUNTD_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Database URL [default: sqlite://accountd.db].
    #[arg(long, env = "ACCOUNTD_DATABASE")]
    pub database: Option<String>,
    /// YAML file of accounts, environments, clients, groups and users, applied at every start.
    #[arg(long, env = "ACCOUNTD_BOOTSTRAP")]
    pub bootstrap: Option<PathBuf>,
    /// Token for the admin API (/admin/v1); without it the admin API is off. At least 16 characters.
    #[arg(long, env = "ACCOUNTD_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Lifetime of issued access tokens, in seconds [default: 300].
    #[arg(long, env = "ACCOUNTD_TOKEN_TTL")]
    pub token_ttl: Option<u64>,
    /// Log format [default: text].
    #[arg(long, env = "ACCOUNTD_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Who may read GET /metrics: `open`, or `admin` (the admin token as a bearer token; needs
    /// --admin-token) [default: open].
    #[arg(long, env = "ACCOUNTD_METRICS_ACCESS", value_enum)]
    pub metrics_access: Option<MetricsAccess>,
    /// Default request rate limit, e.g. 200/min (units s, min, h) [default: off].
    #[arg(long, env = "ACCOUNTD_RATE_LIMIT")]
    pub rate_limit: Option<String>,
    /// What a rate limit is counted per [default: client].
    #[arg(long, env = "ACCOUNTD_RATE_LIMIT_KEY", value_enum)]
    pub rate_limit_key: Option<RateLimitKey>,
    /// Where rate-limit state is kept: `memory` (per instance) or `database` (shared by every
    /// instance on the database) [default: database on PostgreSQL, memory on SQLite].
    #[arg(long, env = "ACCOUNTD_RATE_LIMIT_STORE", value_enum)]
    pub rate_limit_store: Option<RateLimitStore>,
    /// Failed client authentications one address may make at the token endpoint before it is
    /// blocked for a while [default: 10/min].
    #[arg(long, env = "ACCOUNTD_AUTH_FAILURE_LIMIT")]
    pub auth_failure_limit: Option<String>,
    /// How long invitation links stay valid, in seconds [default: 604800 (7 days)].
    #[arg(long, env = "ACCOUNTD_INVITE_TTL")]
    pub invite_ttl: Option<u64>,
    /// How many SCIM tokens an account may hold at once [default: 10].
    #[arg(long, env = "ACCOUNTD_SCIM_TOKEN_LIMIT")]
    pub scim_token_limit: Option<u32>,
    /// Base URL of this server as users reach it, for links in messages [default: http://<listen address>].
    #[arg(long, env = "ACCOUNTD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP server for invitations, e.g. smtp://mail.example.com:25 or smtps://user:pass@host
    /// [default: none: messages go to the outbox (GET /admin/v1/accounts/{a}/outbox) and the log].
    #[arg(long, env = "ACCOUNTD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender address of invitations [default: accountd@localhost].
    #[arg(long, env = "ACCOUNTD_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// PostgreSQL: connections this instance may hold [default: 16].
    #[arg(long, env = "ACCOUNTD_DB_POOL_SIZE")]
    pub db_pool_size: Option<usize>,
    /// SQLite: users kept in memory for GET /users/{uid} until a write changes them; auto: up
    /// to an eighth of the memory (the cgroup limit, else the machine's), counted as each user's
    /// JSON plus 192 bytes; a number: at most that many users; 0 turns the cache off [default: auto].
    #[arg(long, env = "ACCOUNTD_SQLITE_USER_CACHE")]
    pub sqlite_user_cache: Option<UserCacheSize>,
    /// SQLite: whether other programs (the sqlite3 shell, a backup) may open the database file
    /// while accountd runs [default: exclusive].
    #[arg(long, env = "ACCOUNTD_SQLITE_FILE_ACCESS", value_enum)]
    pub sqlite_file_access: Option<SqliteFileAccess>,
    /// PostgreSQL: longest a statement may run, in milliseconds; 0 for no limit [default: 5000].
    #[arg(long, env = "ACCOUNTD_DB_STATEMENT_TIMEOUT_MS")]
    pub db_statement_timeout_ms: Option<u64>,
    /// PostgreSQL: longest to wait for a connection, in milliseconds [default: 5000].
    #[arg(long, env = "ACCOUNTD_DB_CONNECT_TIMEOUT_MS")]
    pub db_connect_timeout_ms: Option<u64>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Database URL [default: sqlite://accountd.db].
    #[arg(long, env = "ACCOUNTD_DATABASE")]
    pub database: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    listen: Option<SocketAddr>,
    database: Option<String>,
    bootstrap: Option<PathBuf>,
    admin_token: Option<String>,
    token_ttl: Option<u64>,
    log_format: Option<LogFormat>,
    metrics_access: Option<MetricsAccess>,
    rate_limit: Option<String>,
    rate_limit_key: Option<RateLimitKey>,
    rate_limit_store: Option<RateLimitStore>,
    auth_failure_limit: Option<String>,
    invite_ttl: Option<u64>,
    scim_token_limit: Option<u32>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    db_pool_size: Option<usize>,
    sqlite_user_cache: Option<UserCacheSize>,
    sqlite_file_access: Option<SqliteFileAccess>,
    db_statement_timeout_ms: Option<u64>,
    db_connect_timeout_ms: Option<u64>,
}

/// The resolved server configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: String,
    pub bootstrap: Option<PathBuf>,
    pub admin_token: Option<String>,
    pub token_ttl_secs: u64,
    pub log_format: LogFormat,
    pub metrics_access: MetricsAccess,
    /// Default request rate limit; `None`: off (accounts may still have overrides).
    pub rate_limit: Option<RateLimit>,
    pub rate_limit_key: RateLimitKey,
    /// `None`: by backend ([`RateLimitStore::default_for`]).
    pub rate_limit_store: Option<RateLimitStore>,
    /// Failed client authentications per address before a block.
    pub auth_failure_limit: RateLimit,
    pub invite_ttl_secs: u64,
    pub scim_token_limit: u32,
    /// `None`: `http://<bound address>`.
    pub public_url: Option<String>,
    /// `None`: invitations go to the outbox.
    pub smtp_url: Option<String>,
    pub smtp_from: String,
    pub db_pool_size: usize,
    pub db_statement_timeout_ms: u64,
    pub db_connect_timeout_ms: u64,
    pub sqlite_user_cache: UserCacheSize,
    pub sqlite_file_access: SqliteFileAccess,
}

impl Config {
    /// A configuration with every default and the given database: what tests start from.
    pub fn with_database(database: impl Into<String>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database: database.into(),
            bootstrap: None,
            admin_token: None,
            token_ttl_secs: DEFAULT_TOKEN_TTL_SECS,
            log_format: LogFormat::Text,
            metrics_access: MetricsAccess::Open,
            rate_limit: None,
            rate_limit_key: RateLimitKey::Client,
            rate_limit_store: None,
            auth_failure_limit: DEFAULT_AUTH_FAILURE_LIMIT,
            invite_ttl_secs: DEFAULT_INVITE_TTL_SECS,
            scim_token_limit: DEFAULT_SCIM_TOKEN_LIMIT,
            public_url: None,
            smtp_url: None,
            smtp_from: DEFAULT_SMTP_FROM.to_owned(),
            db_pool_size: 16,
            db_statement_timeout_ms: 5_000,
            db_connect_timeout_ms: 5_000,
            sqlite_user_cache: UserCacheSize::Auto,
            sqlite_file_access: SqliteFileAccess::Exclusive,
        }
    }

    /// Checks the values that the types alone cannot.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_TOKEN_TTL_SECS).contains(&self.token_ttl_secs) {
            return Err(format!(
                "--token-ttl must be between 1 and {MAX_TOKEN_TTL_SECS} seconds, not {}",
                self.token_ttl_secs
            ));
        }
        if self.db_pool_size == 0 || self.db_pool_size > 1024 {
            return Err(format!(
                "--db-pool-size must be between 1 and 1024, not {}",
                self.db_pool_size
            ));
        }
        if let UserCacheSize::Users(users) = self.sqlite_user_cache
            && users > MAX_SQLITE_USER_CACHE
        {
            return Err(format!(
                "--sqlite-user-cache must be 'auto' or at most {MAX_SQLITE_USER_CACHE} users, not {users}"
            ));
        }
        if self.db_connect_timeout_ms == 0 {
            return Err("--db-connect-timeout-ms must be at least 1".to_owned());
        }
        if self.scim_token_limit == 0 {
            return Err("--scim-token-limit must be at least 1".to_owned());
        }
        if self.invite_ttl_secs == 0 {
            return Err("--invite-ttl must be at least 1 second".to_owned());
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!(
                "--public-url must start with http:// or https://, not '{url}'"
            ));
        }
        if self.metrics_access == MetricsAccess::Admin && self.admin_token.is_none() {
            return Err(
                "--metrics-access admin needs --admin-token (the token /metrics will ask for)"
                    .to_owned(),
            );
        }
        if let Some(token) = &self.admin_token
            && token.chars().count() < MIN_ADMIN_TOKEN_LEN
        {
            return Err(format!(
                "--admin-token must be at least {MIN_ADMIN_TOKEN_LEN} characters long"
            ));
        }
        Ok(())
    }
}

fn read_file_config(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read config file '{}': {err}", path.display()))?;
    toml::from_str(&text).map_err(|err| format!("config file '{}': {err}", path.display()))
}

fn parse_limit(flag: &str, text: Option<String>) -> Result<Option<RateLimit>, String> {
    text.map(|text| RateLimit::parse(&text).map_err(|err| format!("{flag}: {err}")))
        .transpose()
}

impl ServeArgs {
    pub fn resolve(self) -> Result<Config, String> {
        let file = match &self.config {
            Some(path) => read_file_config(path)?,
            None => FileConfig::default(),
        };
        let default_listen = SocketAddr::from(([127, 0, 0, 1], 8600));
        let config = Config {
            listen: self.listen.or(file.listen).unwrap_or(default_listen),
            database: self
                .database
                .or(file.database)
                .unwrap_or_else(|| DEFAULT_DATABASE.to_owned()),
            bootstrap: self.bootstrap.or(file.bootstrap),
            admin_token: self
                .admin_token
                .or(file.admin_token)
                .filter(|t| !t.is_empty()),
            token_ttl_secs: self
                .token_ttl
                .or(file.token_ttl)
                .unwrap_or(DEFAULT_TOKEN_TTL_SECS),
            log_format: self
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Text),
            metrics_access: self
                .metrics_access
                .or(file.metrics_access)
                .unwrap_or_default(),
            rate_limit: parse_limit("--rate-limit", self.rate_limit.or(file.rate_limit))?,
            rate_limit_key: self
                .rate_limit_key
                .or(file.rate_limit_key)
                .unwrap_or_default(),
            rate_limit_store: self.rate_limit_store.or(file.rate_limit_store),
            auth_failure_limit: parse_limit(
                "--auth-failure-limit",
                self.auth_failure_limit.or(file.auth_failure_limit),
            )?
            .unwrap_or(DEFAULT_AUTH_FAILURE_LIMIT),
            invite_ttl_secs: self
                .invite_ttl
                .or(file.invite_ttl)
                .unwrap_or(DEFAULT_INVITE_TTL_SECS),
            scim_token_limit: self
                .scim_token_limit
                .or(file.scim_token_limit)
                .unwrap_or(DEFAULT_SCIM_TOKEN_LIMIT),
            public_url: self.public_url.or(file.public_url),
            smtp_url: self.smtp_url.or(file.smtp_url).filter(|u| !u.is_empty()),
            smtp_from: self
                .smtp_from
                .or(file.smtp_from)
                .unwrap_or_else(|| DEFAULT_SMTP_FROM.to_owned()),
            db_pool_size: self.db_pool_size.or(file.db_pool_size).unwrap_or(16),
            db_statement_timeout_ms: self
                .db_statement_timeout_ms
                .or(file.db_statement_timeout_ms)
                .unwrap_or(5_000),
            db_connect_timeout_ms: self
                .db_connect_timeout_ms
                .or(file.db_connect_timeout_ms)
                .unwrap_or(5_000),
            sqlite_user_cache: self
                .sqlite_user_cache
                .or(file.sqlite_user_cache)
                .unwrap_or(UserCacheSize::Auto),
            sqlite_file_access: self
                .sqlite_file_access
                .or(file.sqlite_file_access)
                .unwrap_or_default(),
        };
        config.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile_dir();
        let path = dir.join("accountd.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\ntoken-ttl = 60\ndatabase = \"sqlite://file.db\"\n",
        )
        .ok();
        let args = ServeArgs {
            config: Some(path),
            database: Some("sqlite://flag.db".into()),
            ..ServeArgs::default()
        };
        let config = args.resolve();
        let config = config
            .as_ref()
            .map(|c| (c.listen.port(), c.token_ttl_secs, c.database.as_str()));
        assert_eq!(config, Ok((9000, 60, "sqlite://flag.db")));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn bad_values_are_refused_with_a_message() {
        let args = ServeArgs {
            token_ttl: Some(0),
            ..ServeArgs::default()
        };
        assert!(args.resolve().is_err_and(|e| e.contains("--token-ttl")));
        let args = ServeArgs {
            admin_token: Some("short".into()),
            ..ServeArgs::default()
        };
        assert!(args.resolve().is_err_and(|e| e.contains("--admin-token")));
        let args = ServeArgs {
            sqlite_user_cache: Some(UserCacheSize::Users(MAX_SQLITE_USER_CACHE + 1)),
            ..ServeArgs::default()
        };
        assert!(
            args.resolve()
                .is_err_and(|e| e.contains("--sqlite-user-cache"))
        );
    }

    #[test]
    fn sqlite_file_access_comes_from_flag_file_or_default() {
        let dir = tempfile_dir();
        let path = dir.join("access.toml");
        std::fs::write(&path, "sqlite-file-access = \"shared\"\n").ok();
        let from_file = ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        };
        assert_eq!(
            from_file.resolve().map(|c| c.sqlite_file_access),
            Ok(SqliteFileAccess::Shared)
        );
        let by_flag = ServeArgs {
            config: Some(path),
            sqlite_file_access: Some(SqliteFileAccess::Exclusive),
            ..ServeArgs::default()
        };
        assert_eq!(
            by_flag.resolve().map(|c| c.sqlite_file_access),
            Ok(SqliteFileAccess::Exclusive)
        );
        assert_eq!(
            ServeArgs::default().resolve().map(|c| c.sqlite_file_access),
            Ok(SqliteFileAccess::Exclusive)
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_sqlite_user_cache_is_sized_by_flag_file_or_default() {
        let dir = tempfile_dir();
        let path = dir.join("cache.toml");
        std::fs::write(&path, "sqlite-user-cache = 1000\n").ok();
        let from_file = ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        };
        assert_eq!(
            from_file.resolve().map(|c| c.sqlite_user_cache),
            Ok(UserCacheSize::Users(1000))
        );
        let off_by_flag = ServeArgs {
            config: Some(path.clone()),
            sqlite_user_cache: Some(UserCacheSize::Users(0)),
            ..ServeArgs::default()
        };
        assert_eq!(
            off_by_flag.resolve().map(|c| c.sqlite_user_cache),
            Ok(UserCacheSize::Users(0))
        );
        std::fs::write(&path, "sqlite-user-cache = \"auto\"\n").ok();
        let auto_from_file = ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        };
        assert_eq!(
            auto_from_file.resolve().map(|c| c.sqlite_user_cache),
            Ok(UserCacheSize::Auto)
        );
        std::fs::write(&path, "sqlite-user-cache = \"lots\"\n").ok();
        let bad_in_file = ServeArgs {
            config: Some(path),
            ..ServeArgs::default()
        };
        let refused = bad_in_file.resolve().map(|c| c.sqlite_user_cache);
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.contains("'auto'") && e.contains("lots")),
            "{refused:?}"
        );
        assert_eq!(
            ServeArgs::default().resolve().map(|c| c.sqlite_user_cache),
            Ok(UserCacheSize::Auto)
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn metrics_access_is_open_by_default_and_admin_only_with_an_admin_token() {
        assert_eq!(
            ServeArgs::default().resolve().map(|c| c.metrics_access),
            Ok(MetricsAccess::Open)
        );
        let without_token = ServeArgs {
            metrics_access: Some(MetricsAccess::Admin),
            ..ServeArgs::default()
        };
        assert!(
            without_token
                .resolve()
                .is_err_and(|e| e.contains("--metrics-access admin needs --admin-token"))
        );
        let dir = tempfile_dir();
        let path = dir.join("metrics.toml");
        std::fs::write(
            &path,
            "metrics-access = \"admin\"\nadmin-token = \"0123456789abcdef\"\n",
        )
        .ok();
        let from_file = ServeArgs {
            config: Some(path),
            ..ServeArgs::default()
        };
        assert_eq!(
            from_file.resolve().map(|c| c.metrics_access),
            Ok(MetricsAccess::Admin)
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = tempfile_dir();
        let path = dir.join("bad.toml");
        std::fs::write(&path, "lissten = \"x\"\n").ok();
        let args = ServeArgs {
            config: Some(path),
            ..ServeArgs::default()
        };
        assert!(args.resolve().is_err_and(|e| e.contains("lissten")));
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir() -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("accountd-config-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).ok();
        dir
    }
}
