//! The connection a command works with: the typed client, the output, and error context.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use accountd_client::{Client, Credentials, RetryEvent, RetryPolicy};

use crate::config::Settings;
use crate::error::{CliError, CliResult, ErrorContext};
use crate::output::Output;

/// What every API command gets.
pub struct App {
    pub client: Client,
    pub out: Output,
    ctx: ErrorContext,
    retries: Arc<AtomicUsize>,
}

impl App {
    /// Builds the client from the resolved settings; missing settings are usage errors.
    pub fn connect(settings: &Settings, out: Output) -> CliResult<Self> {
        let account = settings.account_uuid.as_ref().ok_or_else(|| {
            CliError::usage("no account uuid").with_hint(
                "pass --account-uuid, set ACCOUNTCTL_ACCOUNT_UUID, or `accountctl config set account-uuid UUID`",
            )
        })?;
        let scope = settings.scope.as_ref().map(|s| s.value.clone());
        let credentials = match (
            &settings.token,
            &settings.client_id,
            &settings.client_secret,
        ) {
            (Some(token), _, _) => Credentials::Token(token.value.clone()),
            (None, Some(id), Some(secret)) => Credentials::ClientCredentials {
                token_url: settings.token_url.value.clone(),
                client_id: id.value.clone(),
                client_secret: secret.value.clone(),
                scope: scope.clone(),
            },
            (None, None, _) => {
                return Err(CliError::usage("no OAuth client id").with_hint(
                    "pass --client-id, set ACCOUNTCTL_CLIENT_ID, or `accountctl config set client-id ID`",
                ));
            }
            (None, Some(_), None) => {
                return Err(CliError::usage("no OAuth client secret").with_hint(
                    "set ACCOUNTCTL_CLIENT_SECRET, pass --client-secret-file FILE, or `accountctl config set client-secret-file FILE`",
                ));
            }
        };
        let retries = Arc::new(AtomicUsize::new(0));
        let counter = retries.clone();
        let quiet = out.quiet;
        let budget = Duration::from_secs(settings.max_retry_secs);
        let policy = if budget.is_zero() {
            RetryPolicy::none()
        } else {
            RetryPolicy {
                max_retries: 10,
                max_elapsed: budget,
                max_wait: budget,
                ..RetryPolicy::default()
            }
        };
        let client = Client::new(&settings.api_url.value, &account.value, credentials)
            .map_err(|e| CliError::general(format!("cannot set up the HTTP client: {e}")))?
            .with_retry_policy(policy)
            .on_retry(move |event: &RetryEvent| {
                counter.fetch_add(1, Ordering::Relaxed);
                if !quiet {
                    eprintln!("{}", retry_note(event));
                }
            });
        let ctx = ErrorContext {
            api_url: settings.api_url.value.clone(),
            token_url: settings.token_url.value.clone(),
            account: account.value.clone(),
            client_id: settings
                .client_id
                .as_ref()
                .map(|c| c.value.clone())
                .unwrap_or_default(),
            scope,
            retries: 0,
            max_retry_secs: settings.max_retry_secs,
        };
        Ok(Self {
            client,
            out,
            ctx,
            retries,
        })
    }

    /// Converts a client error about `what` ("user 'x'") into a CLI error.
    pub fn err(&self, err: accountd_client::Error, what: &str) -> CliError {
        let mut ctx = self.ctx.clone();
        ctx.retries = self.retries.load(Ordering::Relaxed);
        CliError::from_client(err, what, &ctx)
    }

    /// A closure for `map_err`.
    pub fn about<'a>(&'a self, what: &'a str) -> impl Fn(accountd_client::Error) -> CliError + 'a {
        move |err| self.err(err, what)
    }

    pub fn account(&self) -> &str {
        self.client.account()
    }
}

fn retry_note(event: &RetryEvent) -> String {
    let why = if event.status.as_u16() == 429 {
        "rate limited by the server (429)"
    } else {
        "the server is unavailable (503)"
    };
    let source = if event.from_server {
        "as the server asked"
    } else {
        "backing off"
    };
    format!(
        "accountctl: {why}; waiting {:.1} s ({source}) before retry {} of {}",
        event.wait.as_secs_f64(),
        event.retry,
        event.max_retries
    )
}
