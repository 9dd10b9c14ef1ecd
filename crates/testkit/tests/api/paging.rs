//! Keyset paging of listUsers and listGroups: 2,500 users at two page sizes, page-size bounds,
//! and page keys that are tampered with, foreign, or for another listing.

use std::collections::HashSet;

use accountd_client::Client;
use accountd_testkit::{ALL_SCOPES, TestApp};
use serde_json::Value;
use tokio::task::JoinSet;

use crate::common::{api_error, env, envelope, group_request, iam, json, setup, user_request};

const USERS: usize = 2_500;
const IN_FLIGHT: usize = 32;

/// Creates `count` users through the API with at most [`IN_FLIGHT`] requests at once; returns
/// their uids.
async fn create_users(client: &Client, count: usize) -> HashSet<String> {
    let mut tasks = JoinSet::new();
    let mut uids = HashSet::with_capacity(count);
    for i in 0..count {
        if tasks.len() >= IN_FLIGHT {
            let uid: String = tasks.join_next().await.unwrap().unwrap();
            uids.insert(uid);
        }
        let client = client.clone();
        tasks.spawn(async move {
            let request = user_request(
                &format!("user{i:05}@example.com"),
                "Page",
                &format!("User {i}"),
                None,
            );
            client
                .create_user(&request)
                .await
                .unwrap_or_else(|e| panic!("create user {i}: {e}"))
                .uid
        });
    }
    while let Some(uid) = tasks.join_next().await {
        uids.insert(uid.unwrap());
    }
    assert_eq!(uids.len(), count, "every create returned a distinct uid");
    uids
}

/// Pages through listUsers over raw HTTP; checks totalCount on every page, the page size, and
/// that only the last page lacks the `nextPageKey` key. Returns the uids in order and the
/// number of pages.
async fn page_through_raw(
    app: &TestApp,
    account: &str,
    token: &str,
    page_size: usize,
    total: usize,
) -> (Vec<String>, usize) {
    let url = iam(app, account, "/users");
    let mut uids = Vec::with_capacity(total);
    let mut key: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = vec![("pageSize", page_size.to_string())];
        if let Some(key) = &key {
            query.push(("nextPageKey", key.clone()));
        }
        let response = app
            .http()
            .get(&url)
            .bearer_auth(token)
            .query(&query)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = json(response).await;
        pages += 1;
        assert_eq!(
            body["totalCount"].as_u64(),
            Some(total as u64),
            "totalCount on page {pages}"
        );
        let items = body["items"].as_array().expect("items");
        uids.extend(items.iter().map(|u| u["uid"].as_str().unwrap().to_owned()));
        match body.get("nextPageKey") {
            Some(next) => {
                assert_eq!(
                    items.len(),
                    page_size,
                    "a page that is not the last is full (page {pages})"
                );
                key = Some(
                    next.as_str()
                        .expect("nextPageKey is a string, never null")
                        .to_owned(),
                );
            }
            None => {
                assert!(
                    !items.is_empty() || total == 0,
                    "the last page is not empty"
                );
                assert!(items.len() <= page_size);
                break;
            }
        }
        assert!(pages <= total + 1, "paging does not end");
    }
    (uids, pages)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_through_2500_users_sees_every_user_exactly_once() {
    let (app, account, client) = setup().await;
    let created = create_users(&client, USERS).await;
    let token = client.token().await.unwrap();

    for (page_size, expected_pages) in [(1000, 3), (7, USERS.div_ceil(7))] {
        let (seen, pages) = page_through_raw(&app, &account.uuid, &token, page_size, USERS).await;
        assert_eq!(pages, expected_pages, "pageSize {page_size}");
        assert_eq!(seen.len(), USERS, "pageSize {page_size}: every user once");
        let distinct: HashSet<String> = seen.iter().cloned().collect();
        assert_eq!(distinct.len(), USERS, "pageSize {page_size}: no user twice");
        assert_eq!(
            distinct, created,
            "pageSize {page_size}: exactly the created users"
        );
    }

    // The typed client follows the keys to the same result.
    let all = client.list_all_users(Some(1000)).await.unwrap();
    assert_eq!(
        all.iter().map(|u| u.uid.clone()).collect::<HashSet<_>>(),
        created
    );
    // The default page size is 100.
    let first = client.list_users(None, None).await.unwrap();
    assert_eq!(first.items.len(), 100);
    assert_eq!(first.total_count, USERS as u64);
    assert!(first.next_page_key.is_some());
}

#[tokio::test]
async fn a_single_full_page_has_no_next_page_key() {
    let (app, account, client) = setup().await;
    for i in 0..3 {
        client
            .create_user(&user_request(&format!("u{i}@example.com"), "U", "U", None))
            .await
            .unwrap();
    }
    let token = client.token().await.unwrap();
    let (seen, pages) = page_through_raw(&app, &account.uuid, &token, 3, 3).await;
    assert_eq!(
        (seen.len(), pages),
        (3, 1),
        "exactly pageSize items: one page, no key"
    );
    let (seen, pages) = page_through_raw(&app, &account.uuid, &token, 1, 3).await;
    assert_eq!((seen.len(), pages), (3, 3));
}

#[tokio::test]
async fn page_size_may_change_when_a_key_is_sent() {
    let (_app, _account, client) = setup().await;
    for i in 0..12 {
        client
            .create_user(&user_request(
                &format!("u{i:02}@example.com"),
                "U",
                "U",
                None,
            ))
            .await
            .unwrap();
    }
    let first = client.list_users(Some(2), None).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let key = first.next_page_key.clone().unwrap();

    let bigger = client.list_users(Some(5), Some(&key)).await.unwrap();
    assert_eq!(
        bigger.items.len(),
        5,
        "pageSize given with a key sets the size of this page"
    );
    assert_eq!(bigger.total_count, 12);
    let same_size = client.list_users(None, Some(&key)).await.unwrap();
    assert_eq!(
        same_size.items.len(),
        2,
        "without pageSize the key keeps its page size"
    );
    assert_eq!(
        same_size.items[..],
        bigger.items[..2],
        "both continue after the first page"
    );

    let rest = client
        .list_users(Some(1000), bigger.next_page_key.as_deref())
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 5);
    assert_eq!(rest.next_page_key, None);
    let mut all: Vec<_> = first
        .items
        .iter()
        .chain(&bigger.items)
        .chain(&rest.items)
        .map(|u| u.uid.clone())
        .collect();
    all.dedup();
    assert_eq!(all.len(), 12);
}

#[tokio::test]
async fn invalid_page_sizes_are_400_on_every_listing() {
    let (app, account, client) = setup().await;
    let token = client.token().await.unwrap();
    let urls = [
        iam(&app, &account.uuid, "/users"),
        iam(&app, &account.uuid, "/groups"),
        env(&app, &account.uuid, "/environments"),
    ];
    for url in &urls {
        for bad in ["0", "1001", "", "abc", "-1", "1.5", "99999999999"] {
            let response = app
                .http()
                .get(url)
                .bearer_auth(&token)
                .query(&[("pageSize", bad)])
                .send()
                .await
                .unwrap();
            let body = envelope(response, 400).await;
            assert!(
                body.to_string().contains("pageSize"),
                "{url}?pageSize={bad}: {body}"
            );
        }
        for good in ["1", "1000"] {
            let response = app
                .http()
                .get(url)
                .bearer_auth(&token)
                .query(&[("pageSize", good)])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 200, "{url}?pageSize={good}");
        }
    }
}

#[tokio::test]
async fn tampered_page_keys_are_400() {
    let (app, account, client) = setup().await;
    for i in 0..3 {
        client
            .create_user(&user_request(&format!("u{i}@example.com"), "U", "U", None))
            .await
            .unwrap();
    }
    let key = client
        .list_users(Some(1), None)
        .await
        .unwrap()
        .next_page_key
        .unwrap();
    // Flip one character in the middle (the payload), and one at the end (the signature).
    for index in [key.len() / 3, key.len() - 1] {
        let mut bytes = key.clone().into_bytes();
        bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        let message = api_error(client.list_users(None, Some(&tampered)).await, 400);
        assert!(message.contains("nextPageKey"), "{message}");
    }
    for garbage in [
        "garbage",
        "!!!",
        "AAAA",
        &format!("{key}AA"),
        &key[..key.len() - 4],
    ] {
        api_error(client.list_users(None, Some(garbage)).await, 400);
    }
    let token = client.token().await.unwrap();
    let response = app
        .http()
        .get(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .query(&[("nextPageKey", "")])
        .send()
        .await
        .unwrap();
    envelope(response, 400).await;
    // The untouched key still works.
    assert_eq!(
        client
            .list_users(None, Some(&key))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

#[tokio::test]
async fn a_page_key_of_another_account_is_400() {
    let (app, _account, client) = setup().await;
    let other = app.new_account().await;
    let other_client = app.client(&other, &ALL_SCOPES).await;
    for i in 0..3 {
        client
            .create_user(&user_request(&format!("u{i}@example.com"), "U", "U", None))
            .await
            .unwrap();
        other_client
            .create_user(&user_request(&format!("u{i}@example.com"), "U", "U", None))
            .await
            .unwrap();
        other_client
            .create_group(&group_request(&format!("g{i}"), None))
            .await
            .unwrap();
    }
    let foreign = other_client
        .list_users(Some(1), None)
        .await
        .unwrap()
        .next_page_key
        .unwrap();
    let message = api_error(client.list_users(None, Some(&foreign)).await, 400);
    assert!(message.contains("nextPageKey"), "{message}");
    let foreign_groups = other_client
        .list_groups(Some(1), None)
        .await
        .unwrap()
        .next_page_key
        .unwrap();
    api_error(client.list_groups(None, Some(&foreign_groups)).await, 400);
    // The owner can use them.
    assert_eq!(
        other_client
            .list_users(None, Some(&foreign))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

#[tokio::test]
async fn a_users_key_is_400_on_groups_and_environments() {
    let (_app, _account, client) = setup().await;
    for i in 0..3 {
        client
            .create_user(&user_request(&format!("u{i}@example.com"), "U", "U", None))
            .await
            .unwrap();
        client
            .create_group(&group_request(&format!("g{i}"), None))
            .await
            .unwrap();
    }
    let users_key = client
        .list_users(Some(1), None)
        .await
        .unwrap()
        .next_page_key
        .unwrap();
    let groups_key = client
        .list_groups(Some(1), None)
        .await
        .unwrap()
        .next_page_key
        .unwrap();
    api_error(client.list_groups(None, Some(&users_key)).await, 400);
    api_error(client.list_environments(None, Some(&users_key)).await, 400);
    api_error(client.list_users(None, Some(&groups_key)).await, 400);
    assert_eq!(
        client
            .list_groups(None, Some(&groups_key))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

#[tokio::test]
async fn groups_are_paged_completely() {
    let (_app, _account, client) = setup().await;
    let mut created = HashSet::new();
    for i in 0..23 {
        created.insert(
            client
                .create_group(&group_request(&format!("group {i:02}"), None))
                .await
                .unwrap()
                .group_id,
        );
    }
    let mut seen = Vec::new();
    let mut key: Option<String> = None;
    loop {
        let page = client.list_groups(Some(5), key.as_deref()).await.unwrap();
        assert_eq!(page.total_count, 23);
        seen.extend(page.items.into_iter().map(|g| g.group_id));
        match page.next_page_key {
            Some(next) => key = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 23);
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), created);
}

#[tokio::test]
async fn paging_continues_correctly_across_deletes() {
    let (_app, _account, client) = setup().await;
    let mut uids = Vec::new();
    for i in 0..6 {
        uids.push(
            client
                .create_user(&user_request(&format!("u{i}@example.com"), "U", "U", None))
                .await
                .unwrap()
                .uid,
        );
    }
    let first = client.list_users(Some(2), None).await.unwrap();
    assert_eq!(
        first
            .items
            .iter()
            .map(|u| u.uid.clone())
            .collect::<Vec<_>>(),
        uids[..2]
    );
    // Delete the next user before fetching the second page: keyset paging skips nothing else.
    client.delete_user(&uids[2]).await.unwrap();
    let second = client
        .list_users(Some(2), first.next_page_key.as_deref())
        .await
        .unwrap();
    assert_eq!(
        second
            .items
            .iter()
            .map(|u| u.uid.clone())
            .collect::<Vec<_>>(),
        uids[3..5]
    );
    assert_eq!(second.total_count, 5);
}
