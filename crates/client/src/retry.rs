//! Retrying 429 (rate limited) and 503 (unavailable) answers.
//!
//! Dynatrace publishes no rate limits and asks clients to back off on 429 (seed 002). The wait
//! comes from the server when it says (`Retry-After`, else `X-RateLimit-Reset`), else from an
//! exponential backoff with jitter (backon). Both the number of retries and the total time spent
//! waiting are bounded, and a server that asks for a wait longer than [`RetryPolicy::max_wait`]
//! gets an immediate error instead of a client that hangs.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::Result;

/// How the client retries requests answered with 429 or 503.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: never retry).
    pub max_retries: usize,
    /// The most time spent waiting between attempts of one request, all waits together.
    pub max_elapsed: Duration,
    /// The longest single wait the server may ask for; a longer `Retry-After` fails at once.
    pub max_wait: Duration,
    /// The first backoff delay when the server gives no hint (doubled each retry, with jitter).
    pub min_delay: Duration,
    /// The largest backoff delay when the server gives no hint.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 retries, at most 30 s of waiting in total and 10 s at once; backoff from 0.5 s to 8 s.
    fn default() -> Self {
        Self {
            max_retries: 5,
            max_elapsed: Duration::from_secs(30),
            max_wait: Duration::from_secs(10),
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Never retry: a 429 or 503 is returned as an error at once.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before the next retry, or `None` to give up. `backoff` is the backoff's next
    /// delay (`None` when the retries are used up), `waited` the time already spent waiting.
    fn next_wait(
        &self,
        hint: Option<Duration>,
        backoff: Option<Duration>,
        waited: Duration,
    ) -> Option<Duration> {
        let backoff = backoff?;
        let wait = match hint {
            Some(hint) if hint > self.max_wait => return None,
            // A little jitter on top of the server's hint, so clients that were refused
            // together do not all come back in the same instant.
            Some(hint) => hint + jitter(hint / 10),
            None => backoff,
        };
        (waited + wait <= self.max_elapsed).then_some(wait)
    }

    fn backoff(&self) -> backon::ExponentialBackoff {
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_retries)
            .with_jitter()
            .build()
    }
}

fn jitter(at_most: Duration) -> Duration {
    let millis = u64::try_from(at_most.as_millis().min(1_000)).unwrap_or(1_000);
    Duration::from_millis(fastrand::u64(0..=millis))
}

/// A retry the client is about to make; given to the observer set with
/// [`crate::Client::on_retry`] (a CLI tells its user that it is waiting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryEvent {
    /// 429 or 503.
    pub status: StatusCode,
    /// The server's error message.
    pub message: String,
    /// How long the client waits now.
    pub wait: Duration,
    /// Whether the wait came from the server (`Retry-After`/`X-RateLimit-Reset`).
    pub from_server: bool,
    /// Which retry this is (1 for the first).
    pub retry: usize,
    /// The most retries the policy allows.
    pub max_retries: usize,
}

/// Called before every wait.
pub type RetryObserver = Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// The retry policy and observer of one client.
#[derive(Clone, Default)]
pub(crate) struct Retrier {
    pub policy: RetryPolicy,
    pub observer: Option<RetryObserver>,
}

impl Retrier {
    /// Runs `attempt` until it answers something other than 429/503 or the policy gives up;
    /// then the last 429/503 is returned as is, for the caller to turn into an error.
    pub async fn run<F, Fut>(&self, mut attempt: F) -> Result<reqwest::Response>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<reqwest::Response>>,
    {
        let mut backoff = self.policy.backoff();
        let mut waited = Duration::ZERO;
        let mut retry = 0;
        loop {
            let response = attempt().await?;
            let status = response.status();
            if !is_retryable(status) {
                return Ok(response);
            }
            let hint = server_hint(response.headers());
            let Some(wait) = self.policy.next_wait(hint, backoff.next(), waited) else {
                return Ok(response);
            };
            retry += 1;
            waited += wait;
            if let Some(observer) = &self.observer {
                // The body holds the server's explanation; reading it also frees the connection.
                let message = crate::http::error_message(response).await;
                observer(&RetryEvent {
                    status,
                    message,
                    wait,
                    from_server: hint.is_some(),
                    retry,
                    max_retries: self.policy.max_retries,
                });
            }
            tokio::time::sleep(wait).await;
        }
    }
}

fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
}

/// The wait the server asks for: `Retry-After` in seconds, else `X-RateLimit-Reset` (Unix
/// seconds, or seconds from now when it is too small to be a time).
pub(crate) fn server_hint(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| -> Option<u64> {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| text.trim().parse().ok())
    };
    if let Some(seconds) = number(RETRY_AFTER.as_str()) {
        return Some(Duration::from_secs(seconds));
    }
    let reset = number("x-ratelimit-reset")?;
    const A_TIME: u64 = 1_000_000_000;
    if reset < A_TIME {
        return Some(Duration::from_secs(reset));
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(reset.saturating_sub(now)))
}

impl std::fmt::Debug for Retrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Retrier")
            .field("policy", &self.policy)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_wins_over_the_reset_header() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("7"));
        assert_eq!(server_hint(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(server_hint(&headers), Some(Duration::from_secs(2)));
    }

    #[test]
    fn a_reset_time_becomes_a_wait_from_now() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_str(&(now + 3).to_string()).unwrap();
        headers.insert("x-ratelimit-reset", value);
        let wait = server_hint(&headers).unwrap();
        assert!(wait <= Duration::from_secs(3) && wait >= Duration::from_secs(2));
        assert_eq!(server_hint(&HeaderMap::new()), None);
    }

    #[test]
    fn the_policy_bounds_retries_single_waits_and_the_total() {
        let policy = RetryPolicy::default();
        let second = Some(Duration::from_secs(1));
        // No hint: the backoff's delay.
        assert_eq!(policy.next_wait(None, second, Duration::ZERO), second);
        // Retries used up.
        assert_eq!(policy.next_wait(None, None, Duration::ZERO), None);
        // A hint is honoured, with at most 10% jitter.
        let wait = policy
            .next_wait(Some(Duration::from_secs(2)), second, Duration::ZERO)
            .unwrap();
        assert!(wait >= Duration::from_secs(2) && wait <= Duration::from_millis(2_200));
        // A hint over max_wait gives up at once.
        assert_eq!(
            policy.next_wait(Some(Duration::from_secs(20)), second, Duration::ZERO),
            None
        );
        // The total is bounded.
        assert_eq!(
            policy.next_wait(None, second, Duration::from_secs(30)),
            None
        );
    }

    #[test]
    fn the_backoff_grows_and_stops() {
        let policy = RetryPolicy {
            max_retries: 3,
            ..RetryPolicy::default()
        };
        let delays: Vec<Duration> = policy.backoff().collect();
        assert_eq!(delays.len(), 3);
        // With jitter each delay is between d and 2d for d = 0.5, 1, 2 s.
        for (delay, base) in delays.iter().zip([500u64, 1_000, 2_000]) {
            let base = Duration::from_millis(base);
            assert!(
                *delay >= base && *delay <= base * 2,
                "{delay:?} vs {base:?}"
            );
        }
        assert_eq!(RetryPolicy::none().backoff().next(), None);
    }
}
