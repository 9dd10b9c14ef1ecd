//! Errors that say what to do, and the exit codes they map to.

use std::fmt;
use std::process::ExitCode;

use accountd_client::Error as ClientError;

/// Documented exit codes (docs/accountctl.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 1: anything else (invalid input the server refused, conflicts, I/O, unreachable server).
    Error = 1,
    /// 2: the command line or the configuration is wrong.
    Usage = 2,
    /// 3: a user, group, service user or environment that was named does not exist.
    NotFound = 3,
    /// 4: the credentials were refused, or the client lacks a scope, or the account is wrong.
    Auth = 4,
    /// 5: rate limited or unavailable, and still so after the retries.
    Unavailable = 5,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A failure: what happened, and what to do about it.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

pub type CliResult<T = ()> = Result<T, CliError>;

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            hint: None,
        }
    }

    pub fn general(message: impl Into<String>) -> Self {
        Self::new(Exit::Error, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Exit::NotFound, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// What the error conversion needs to know about the connection, to name it in hints.
#[derive(Debug, Clone, Default)]
pub struct ErrorContext {
    pub api_url: String,
    pub token_url: String,
    pub account: String,
    pub client_id: String,
    pub scope: Option<String>,
    /// Retries made because of 429/503 (counted by the client's retry observer).
    pub retries: usize,
    /// The retry budget in seconds (`--max-retry-time`).
    pub max_retry_secs: u64,
}

impl CliError {
    /// Turns a client error into a message and hint about `what` (e.g. "user 'x'").
    pub fn from_client(err: ClientError, what: &str, ctx: &ErrorContext) -> Self {
        match err {
            ClientError::OAuth {
                status,
                error,
                description,
            } => oauth_error(status.as_u16(), &error, &description, ctx),
            ClientError::Api { status, message } => match status.as_u16() {
                404 => CliError::not_found(if message.contains("not found") {
                    message
                } else {
                    format!("{what} not found ({message})")
                })
                .with_hint(
                    "check the name, id or email; `accountctl users list` and `accountctl groups list` show what exists",
                ),
                401 => CliError::new(Exit::Auth, format!("the API refused the token: {message}"))
                    .with_hint(format!(
                        "the token from {} is not accepted by {}: check that --token-url and --api-url belong together",
                        ctx.token_url, ctx.api_url
                    )),
                403 => forbidden(&message, ctx),
                429 | 503 => {
                    let what_happened = if status.as_u16() == 429 {
                        "rate limited by the server"
                    } else {
                        "the server is unavailable"
                    };
                    let tries = if ctx.retries == 0 {
                        "without retrying, as it asked for a longer wait than allowed".to_owned()
                    } else {
                        format!("after {} retries", ctx.retries)
                    };
                    CliError::new(
                        Exit::Unavailable,
                        format!("{what_happened} ({status}), gave up {tries}: {message}"),
                    )
                    .with_hint(format!(
                        "try again later, or allow longer waits with --max-retry-time (now {} s)",
                        ctx.max_retry_secs
                    ))
                }
                409 => CliError::general(format!("conflict: {message}")),
                _ => CliError::general(format!("the server refused the request ({status}): {message}")),
            },
            ClientError::Http(err) => {
                let target = err
                    .url()
                    .map(|u| u.to_string())
                    .unwrap_or_else(|| ctx.api_url.clone());
                let hint = if err.is_timeout() {
                    "the server did not answer in time; try again"
                } else {
                    "is --api-url (or --token-url) right, and is the server up?"
                };
                // reqwest's own text is generic ("error sending request"); the cause is below.
                let mut text = err.to_string();
                let mut source = std::error::Error::source(&err);
                while let Some(cause) = source {
                    text.push_str(": ");
                    text.push_str(&cause.to_string());
                    source = cause.source();
                }
                CliError::general(format!("could not talk to {target}: {text}")).with_hint(hint)
            }
            ClientError::Decode { url, reason } => CliError::general(format!(
                "unexpected answer from {url}: {reason}"
            ))
            .with_hint("is --api-url the Account Management API (https://api.dynatrace.com or an accountd)?"),
        }
    }
}

fn oauth_error(status: u16, error: &str, description: &str, ctx: &ErrorContext) -> CliError {
    let message = format!("the token endpoint refused the request ({error}): {description}");
    match error {
        "invalid_client" => CliError::new(Exit::Auth, message).with_hint(format!(
            "check the client id ('{}') and the secret (ACCOUNTCTL_CLIENT_SECRET, --client-secret-file, or `client-secret-file` in the profile)",
            ctx.client_id
        )),
        "invalid_scope" => CliError::new(Exit::Auth, message).with_hint(format!(
            "the OAuth client may not request '{}': request fewer scopes with --scopes, or give the client the scope in Account Management > OAuth clients",
            ctx.scope.as_deref().unwrap_or("(all)")
        )),
        "invalid_target" => CliError::new(Exit::Auth, message).with_hint(format!(
            "the client does not belong to account '{}': check --account-uuid (Account Management > Account > Account info)",
            ctx.account
        )),
        "slow_down" => CliError::new(Exit::Unavailable, message).with_hint(
            "too many failed sign-ins from this address; wait a minute, then check the credentials",
        ),
        _ if status == 429 || status == 503 => CliError::new(Exit::Unavailable, message)
            .with_hint("the token endpoint is busy; try again later"),
        _ => CliError::new(Exit::Auth, message)
            .with_hint(format!("is {} a token endpoint?", ctx.token_url)),
    }
}

fn forbidden(message: &str, ctx: &ErrorContext) -> CliError {
    let hint = if message.contains("scope") {
        "give the OAuth client the missing scope (reads need account-idm-read, writes account-idm-write, environments account-env-read), or drop --scopes so every scope of the client is requested".to_owned()
    } else {
        format!(
            "check --account-uuid ('{}'): the client's token is only valid for its own account",
            ctx.account
        )
    };
    CliError::new(Exit::Auth, format!("permission denied: {message}")).with_hint(hint)
}
