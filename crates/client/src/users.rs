//! Seed 000 users: listUsers, createUser, getUser, updateUser, deleteUser.

use accountd_proto::{User, UserCollection, UserCreateRequest};
use reqwest::Method;

use crate::http::NO_BODY;
use crate::{Client, Result, segment};

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

    /// Every user of the account, following `nextPageKey` to the end.
    pub async fn list_all_users(&self, page_size: Option<u32>) -> Result<Vec<User>> {
        let mut all = Vec::new();
        let mut key: Option<String> = None;
        loop {
            let page = self.list_users(page_size, key.as_deref()).await?;
            all.extend(page.items);
            match page.next_page_key {
                Some(next) => key = Some(next),
                None => return Ok(all),
            }
        }
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
