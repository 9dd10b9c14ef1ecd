//! Seed 000 users: listUsers, createUser, getUser, updateUser, deleteUser.

use accountd_proto::{User, UserCollection, UserCreateRequest};
use futures::TryStreamExt;
use futures::stream::BoxStream;
use reqwest::Method;

use crate::http::NO_BODY;
use crate::paging::paged;
use crate::{Client, Result, segment};

/// Filters and page size of listUsers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// `pageSize` (the server's default when absent).
    pub page_size: Option<u32>,
    /// `email`: exact, case-insensitive (real API); zero or one user.
    pub email: Option<String>,
    /// `service-users=true`: include service users, which listUsers leaves out otherwise.
    pub service_users: bool,
}

impl Client {
    /// One page of users (listUsers). Pass the previous page's `nextPageKey` to continue.
    pub async fn list_users(
        &self,
        page_size: Option<u32>,
        page_key: Option<&str>,
    ) -> Result<UserCollection> {
        self.call(
            Method::GET,
            &self.iam("/users"),
            NO_BODY,
            &page_query(page_size, page_key),
        )
        .await
    }

    /// One page of users with filters (listUsers with `email` / `service-users`).
    pub async fn list_users_with(
        &self,
        query: &UserQuery,
        page_key: Option<&str>,
    ) -> Result<UserCollection> {
        let mut params = page_query(query.page_size, page_key);
        if let Some(email) = &query.email {
            params.push(("email", email.clone()));
        }
        if query.service_users {
            params.push(("service-users", "true".to_owned()));
        }
        self.call(Method::GET, &self.iam("/users"), NO_BODY, &params)
            .await
    }

    /// Every user, lazily: the next page is fetched (by `nextPageKey`) when the stream gets
    /// there. The stream ends after the first error.
    pub fn users_stream(&self, page_size: Option<u32>) -> BoxStream<'static, Result<User>> {
        self.users_stream_with(UserQuery {
            page_size,
            ..UserQuery::default()
        })
    }

    /// [`Client::users_stream`] with filters.
    pub fn users_stream_with(&self, query: UserQuery) -> BoxStream<'static, Result<User>> {
        let client = self.clone();
        paged(move |key: Option<String>| {
            let client = client.clone();
            let query = query.clone();
            async move {
                let page = client.list_users_with(&query, key.as_deref()).await?;
                Ok((page.items, page.next_page_key))
            }
        })
    }

    /// Every user of the account, following `nextPageKey` to the end.
    pub async fn list_all_users(&self, page_size: Option<u32>) -> Result<Vec<User>> {
        self.users_stream(page_size).try_collect().await
    }

    /// createUser: the new user is `PENDING_INVITE`.
    pub async fn create_user(&self, request: &UserCreateRequest) -> Result<User> {
        self.call(Method::POST, &self.iam("/users"), Some(request), &[])
            .await
    }

    /// getUser by uid or email address.
    pub async fn get_user(&self, user: &str) -> Result<User> {
        self.call(
            Method::GET,
            &self.iam(&format!("/users/{}", segment(user))),
            NO_BODY,
            &[],
        )
        .await
    }

    /// updateUser: a full replacement; `groups: None` clears the memberships.
    pub async fn update_user(&self, user: &str, request: &UserCreateRequest) -> Result<User> {
        self.call(
            Method::PUT,
            &self.iam(&format!("/users/{}", segment(user))),
            Some(request),
            &[],
        )
        .await
    }

    /// deleteUser by uid or email address.
    pub async fn delete_user(&self, user: &str) -> Result<()> {
        self.call_no_content(
            Method::DELETE,
            &self.iam(&format!("/users/{}", segment(user))),
            NO_BODY,
        )
        .await
    }
}

pub(crate) fn page_query(
    page_size: Option<u32>,
    page_key: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut query = Vec::new();
    if let Some(size) = page_size {
        query.push(("pageSize", size.to_string()));
    }
    if let Some(key) = page_key {
        query.push(("nextPageKey", key.to_owned()));
    }
    query
}
