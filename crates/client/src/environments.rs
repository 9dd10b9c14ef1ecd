//! Seed 000 listEnvironments.

use accountd_proto::audit::AuditEvent;
use accountd_proto::{Environment, EnvironmentCollection};
use futures::stream::BoxStream;
use reqwest::Method;

use crate::http::NO_BODY;
use crate::paging::paged;
use crate::users::page_query;
use crate::{Client, Result};

impl Client {
    /// One page of environments (listEnvironments).
    pub async fn list_environments(
        &self,
        page_size: Option<u32>,
        page_key: Option<&str>,
    ) -> Result<EnvironmentCollection> {
        self.call(
            Method::GET,
            &self.env("/environments"),
            NO_BODY,
            &page_query(page_size, page_key),
        )
        .await
    }

    /// Every environment, lazily (following `nextPageKey`).
    pub fn environments_stream(
        &self,
        page_size: Option<u32>,
    ) -> BoxStream<'static, Result<Environment>> {
        let client = self.clone();
        paged(move |key: Option<String>| {
            let client = client.clone();
            async move {
                let page = client.list_environments(page_size, key.as_deref()).await?;
                Ok((page.environments, page.next_page_key))
            }
        })
    }
}

impl Client {
    /// The account's audit log, newest first (accountd only).
    pub async fn list_audit_events(
        &self,
        page_size: Option<u32>,
        page_key: Option<&str>,
        resource_type: Option<&str>,
    ) -> Result<accountd_proto::audit::AuditEventCollection> {
        let mut query = page_query(page_size, page_key);
        if let Some(kind) = resource_type {
            query.push(("resourceType", kind.to_owned()));
        }
        let url = format!("{}/audit/v1/accounts/{}", self.base_url, self.account);
        self.call(Method::GET, &url, NO_BODY, &query).await
    }

    /// The audit log, newest first, lazily (following `nextPageKey`).
    pub fn audit_events_stream(
        &self,
        page_size: Option<u32>,
        resource_type: Option<String>,
    ) -> BoxStream<'static, Result<AuditEvent>> {
        let client = self.clone();
        paged(move |key: Option<String>| {
            let client = client.clone();
            let kind = resource_type.clone();
            async move {
                let page = client
                    .list_audit_events(page_size, key.as_deref(), kind.as_deref())
                    .await?;
                Ok((page.items, page.next_page_key))
            }
        })
    }
}
