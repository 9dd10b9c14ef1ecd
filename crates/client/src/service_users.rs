//! Service users: list as seed 003, CRUD as the real API.

use accountd_proto::service_users::{ServiceUser, ServiceUserRequest, ServiceUsersPage};
use futures::TryStreamExt;
use futures::stream::BoxStream;
use reqwest::Method;

use crate::http::NO_BODY;
use crate::paging::paged;
use crate::{Client, Result, segment};

impl Client {
    /// One page of service users; pass the previous page's `nextPageKey` as `page_key`.
    pub async fn list_service_users(
        &self,
        page_size: Option<u32>,
        page_key: Option<&str>,
    ) -> Result<ServiceUsersPage> {
        let mut query = Vec::new();
        if let Some(size) = page_size {
            query.push(("page-size", size.to_string()));
        }
        if let Some(key) = page_key {
            query.push(("page-key", key.to_owned()));
        }
        self.call(Method::GET, &self.iam("/service-users"), NO_BODY, &query)
            .await
    }

    /// Every service user, lazily (following `nextPageKey` through `page-key`, seed 003).
    pub fn service_users_stream(
        &self,
        page_size: Option<u32>,
    ) -> BoxStream<'static, Result<ServiceUser>> {
        let client = self.clone();
        paged(move |key: Option<String>| {
            let client = client.clone();
            async move {
                let page = client.list_service_users(page_size, key.as_deref()).await?;
                Ok((page.results, page.next_page_key))
            }
        })
    }

    /// Every service user of the account.
    pub async fn list_all_service_users(&self, page_size: Option<u32>) -> Result<Vec<ServiceUser>> {
        self.service_users_stream(page_size).try_collect().await
    }

    /// Creates a service user (and its group; see `groupUuid`).
    pub async fn create_service_user(&self, request: &ServiceUserRequest) -> Result<ServiceUser> {
        self.call(
            Method::POST,
            &self.iam("/service-users"),
            Some(request),
            &[],
        )
        .await
    }

    pub async fn get_service_user(&self, uid: &str) -> Result<ServiceUser> {
        self.call(
            Method::GET,
            &self.iam(&format!("/service-users/{}", segment(uid))),
            NO_BODY,
            &[],
        )
        .await
    }

    pub async fn update_service_user(
        &self,
        uid: &str,
        request: &ServiceUserRequest,
    ) -> Result<ServiceUser> {
        self.call(
            Method::PUT,
            &self.iam(&format!("/service-users/{}", segment(uid))),
            Some(request),
            &[],
        )
        .await
    }

    /// Deletes the service user and its group.
    pub async fn delete_service_user(&self, uid: &str) -> Result<()> {
        self.call_no_content(
            Method::DELETE,
            &self.iam(&format!("/service-users/{}", segment(uid))),
            NO_BODY,
        )
        .await
    }
}
