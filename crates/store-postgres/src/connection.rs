//! Connecting: the pool, its settings, and the migrations run before the store is handed out.

use std::time::Duration;

use accountd_core::{Error, Result};
use deadpool_postgres::{Client, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;
use tokio_postgres::config::SslMode;

use crate::errors::{DbError, DbResult};
use crate::migrate;

/// Connection settings of a [`PostgresStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Most connections this instance holds open. Several instances share the server's
    /// `max_connections`: keep `instances × pool_size` below it.
    pub pool_size: usize,
    /// Longest a statement may run (PostgreSQL's `statement_timeout`); a statement that takes
    /// longer is cancelled and the request answers `Unavailable`. Zero: no limit.
    pub statement_timeout: Duration,
    /// Longest to wait for a new connection, and for a free one when all are busy.
    pub connect_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            pool_size: 16,
            statement_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// The store: a pool of connections to one database whose schema is up to date.
pub struct PostgresStore {
    pool: Pool,
    /// The longest one attempt of a store operation may take, measured here: see
    /// [`PostgresStore::within_deadline`].
    deadline: Option<Duration>,
    pub(crate) rate_limit_purger: crate::rate_limits::Purger,
}

impl PostgresStore {
    /// Connects to the database named by a `postgres://` or `postgresql://` URL (or a libpq
    /// key=value string) and brings its schema up to date.
    pub async fn connect(url: &str, options: PostgresOptions) -> Result<Self> {
        let mut config: tokio_postgres::Config = url.parse().map_err(|err| {
            Error::invalid(
                "database",
                format!(
                    "'{}' is not a PostgreSQL URL: {err}; use postgres://user:password@host:port/database",
                    redact_url(url)
                ),
            )
        })?;
        if config.get_ssl_mode() == SslMode::Require {
            return Err(Error::invalid(
                "database",
                "sslmode=require is not supported yet: this build connects without TLS (use a \
                 local socket, a private network or a TLS-terminating proxy)",
            ));
        }
        config.connect_timeout(options.connect_timeout);
        // A server that vanished without closing its connections (a partition, a dead host) is
        // noticed by the kernel once sent data stays unacknowledged this long, or idle
        // connections' keepalive probes go unanswered, instead of after TCP's ~15 minutes.
        if config.get_tcp_user_timeout().is_none() {
            config.tcp_user_timeout(options.connect_timeout.max(Duration::from_secs(1)));
        }
        if config.get_keepalives_idle() == Duration::from_secs(2 * 60 * 60) {
            config.keepalives_idle(Duration::from_secs(30));
        }
        let timeout = format!(
            "-c statement_timeout={}",
            options.statement_timeout.as_millis()
        );
        let session_options = match config.get_options() {
            Some(given) => format!("{given} {timeout}"),
            None => timeout,
        };
        config.options(session_options);
        if config.get_application_name().is_none() {
            config.application_name("accountd");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(options.connect_timeout))
            .create_timeout(Some(options.connect_timeout))
            .recycle_timeout(Some(options.connect_timeout))
            .build()
            .map_err(|err| Error::Internal(format!("cannot build the connection pool: {err}")))?;
        let store = Self {
            pool,
            deadline: (!options.statement_timeout.is_zero())
                .then(|| options.statement_timeout + options.connect_timeout),
            rate_limit_purger: crate::rate_limits::Purger::default(),
        };
        let mut client = store.client().await.map_err(DbError::into_error)?;
        let version = migrate::run(&mut client).await?;
        tracing::debug!(version, "PostgreSQL schema is up to date");
        Ok(store)
    }

    pub(crate) async fn client(&self) -> DbResult<Client> {
        Ok(self.pool.get().await?)
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Runs one attempt of a store operation, giving up with [`DbError::Deadline`] when the
    /// database has not answered after the statement timeout plus the connect timeout. The
    /// server enforces the statement timeout itself; this catches a server that cannot answer
    /// at all (hung, or unreachable on a connection the kernel still thinks open), so that a
    /// request gets a 503 instead of waiting for TCP. The caller discards the connection of a
    /// failed attempt with [`discard`]. No limit when the statement timeout is off.
    pub(crate) async fn within_deadline<T>(
        &self,
        work: impl std::future::Future<Output = DbResult<T>>,
    ) -> DbResult<T> {
        match self.deadline {
            Some(limit) => tokio::time::timeout(limit, work)
                .await
                .unwrap_or(Err(DbError::Deadline(limit))),
            None => work.await,
        }
    }

    /// Closes every idle connection. Called when one connection turned out to be broken: after
    /// a server restart or failover the others are broken too, and a closed connection is only
    /// noticed when its socket is read, so the pool could hand several of them out in a row.
    pub(crate) fn drop_idle_connections(&self) {
        let dropped = self.pool.retain(|_, _| false).removed.len();
        tracing::warn!(dropped, "a database connection was lost; reconnecting");
    }
}

/// Takes a connection out of the pool for good (it is closed when dropped): after a deadline
/// passed, it may be stuck mid-statement and must not serve anyone else.
pub(crate) fn discard(client: Client) {
    drop(deadpool_postgres::Object::take(client));
}

/// The URL with its password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/accountd?sslmode=disable"),
            "postgres://app:***@db:5432/accountd?sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact_url("host=db user=app"), "host=db user=app");
    }
}
