//! Listing across thousands of users: the CLI follows `nextPageKey` to the end.

use std::collections::HashSet;

use accountd_client::Client;
use accountd_proto::UserCreateRequest;
use accountd_proto::service_users::ServiceUserRequest;
use tokio::task::JoinSet;

use crate::common::Cli;

const USERS: usize = 2_500;
const IN_FLIGHT: usize = 32;

/// Creates `count` users through the typed client, at most [`IN_FLIGHT`] at once.
async fn create_users(client: &Client, count: usize) -> HashSet<String> {
    let mut tasks = JoinSet::new();
    let mut uids = HashSet::with_capacity(count);
    for i in 0..count {
        if tasks.len() >= IN_FLIGHT {
            uids.insert(tasks.join_next().await.unwrap().unwrap());
        }
        let client = client.clone();
        tasks.spawn(async move {
            let request = UserCreateRequest {
                email: format!("user{i:05}@example.com"),
                first_name: "Page".into(),
                last_name: format!("User {i}"),
                groups: None,
            };
            client.create_user(&request).await.unwrap().uid
        });
    }
    while let Some(uid) = tasks.join_next().await {
        uids.insert(uid.unwrap());
    }
    uids
}

#[tokio::test]
async fn users_list_follows_every_page() {
    let (cli, _) = Cli::empty().await;
    let uids = create_users(&cli.client(), USERS).await;
    assert_eq!(uids.len(), USERS);

    // Creation order, as the listing returns it (the users were created 32 at a time, so it need
    // not be the order of their numbers).
    let mut in_creation_order: Vec<String> = Vec::new();
    for page_size in ["100", "1000"] {
        let json = cli.json(&["users", "list", "--page-size", page_size]).await;
        let listed: Vec<String> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["uid"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(listed.len(), USERS, "page size {page_size}");
        let distinct: HashSet<String> = listed.iter().cloned().collect();
        assert_eq!(
            distinct, uids,
            "page size {page_size}: every user exactly once"
        );
        let emails: Vec<String> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect();
        if in_creation_order.is_empty() {
            in_creation_order = emails;
        } else {
            assert_eq!(
                emails, in_creation_order,
                "page size {page_size}: same order"
            );
        }
    }
    // The table: a header and one line per user, in the same order.
    let out = cli.run(&["users", "list", "--page-size", "500"]).await.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), USERS + 1);
    let table_emails: Vec<&str> = lines[1..]
        .iter()
        .map(|line| line.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(table_emails, in_creation_order);

    // The typed stream is lazy: taking three users with a page size of 2 stops early and
    // still gives the first three.
    use futures::StreamExt;
    let first: Vec<String> = cli
        .client()
        .users_stream(Some(2))
        .take(3)
        .map(|u| u.unwrap().email)
        .collect()
        .await;
    assert_eq!(
        first,
        [
            "user00000@example.com",
            "user00001@example.com",
            "user00002@example.com"
        ]
    );
}

#[tokio::test]
async fn service_users_list_follows_page_key() {
    let (cli, _) = Cli::empty().await;
    let client = cli.client();
    for i in 0..23 {
        client
            .create_service_user(&ServiceUserRequest {
                name: format!("bot-{i:02}"),
                description: None,
            })
            .await
            .unwrap();
    }
    let json = cli
        .json(&["service-users", "list", "--page-size", "5"])
        .await;
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..23).map(|i| format!("bot-{i:02}")).collect();
    assert_eq!(names, expected);
    let streamed = client.list_all_service_users(Some(4)).await.unwrap();
    assert_eq!(streamed.len(), 23);
}
