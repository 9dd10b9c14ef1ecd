//! Sending authenticated requests and decoding answers; one retry with a fresh token on 401.

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
        let response = build(self.auth.token().await?)
            .send()
            .await
            .map_err(Error::Http)?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        // The token may have been revoked or expired early: fetch a new one, once.
        self.auth.invalidate().await;
        build(self.auth.token().await?)
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
    let body = response.bytes().await.map_err(Error::Http)?;
    let message = match serde_json::from_slice::<ErrorEnvelope>(&body) {
        Ok(envelope) => envelope.error.message,
        Err(_) => String::from_utf8_lossy(&body).into_owned(),
    };
    Err(Error::Api { status, message })
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
