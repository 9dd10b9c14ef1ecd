//! Sending authenticated requests and decoding answers: 429/503 are retried (see
//! [`crate::retry`]); a 401 is retried once with a fresh token.

use accountd_proto::ErrorEnvelope;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Client, Error, Result};

impl Client {
    pub(crate) async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&(impl Serialize + Sync)>,
        query: &[(&str, String)],
    ) -> Result<reqwest::Response> {
        self.retrier
            .run(|| self.send_once(method.clone(), url, body, query))
            .await
    }

    /// One attempt, with the one retry on 401.
    async fn send_once(
        &self,
        method: Method,
        url: &str,
        body: Option<&(impl Serialize + Sync)>,
        query: &[(&str, String)],
    ) -> Result<reqwest::Response> {
        let build = |token: String| -> RequestBuilder {
            let mut request = self
                .http
                .request(method.clone(), url)
                .bearer_auth(token)
                .query(query);
            if let Some(body) = body {
                request = request.json(body);
            }
            request
        };
        let response = build(self.auth.token(&self.retrier).await?)
            .send()
            .await
            .map_err(Error::Http)?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        // The token may have been revoked or expired early: fetch a new one, once.
        self.auth.invalidate().await;
        build(self.auth.token(&self.retrier).await?)
            .send()
            .await
            .map_err(Error::Http)
    }

    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        url: &str,
        body: Option<&(impl Serialize + Sync)>,
        query: &[(&str, String)],
    ) -> Result<T> {
        let response = self.send(method, url, body, query).await?;
        decode(url, response).await
    }

    pub(crate) async fn call_no_content(
        &self,
        method: Method,
        url: &str,
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<()> {
        let response = self.send(method, url, body, &[]).await?;
        check(response).await.map(|_| ())
    }
}

/// No body to send (a typed `None`).
pub(crate) const NO_BODY: Option<&()> = None;

pub(crate) async fn check(response: reqwest::Response) -> Result<reqwest::Response> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let message = error_message(response).await;
    Err(Error::Api { status, message })
}

/// The message of an error answer: the envelope's `message`, else the body as text.
pub(crate) async fn error_message(response: reqwest::Response) -> String {
    match response.bytes().await {
        Ok(body) => match serde_json::from_slice::<ErrorEnvelope>(&body) {
            Ok(envelope) => envelope.error.message,
            Err(_) => String::from_utf8_lossy(&body).into_owned(),
        },
        Err(err) => format!("(the error body could not be read: {err})"),
    }
}

pub(crate) async fn decode<T: DeserializeOwned>(
    url: &str,
    response: reqwest::Response,
) -> Result<T> {
    let response = check(response).await?;
    let body = response.bytes().await.map_err(Error::Http)?;
    serde_json::from_slice(&body).map_err(|err| Error::Decode {
        url: url.to_owned(),
        reason: err.to_string(),
    })
}
