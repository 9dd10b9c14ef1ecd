//! Service users: CRUD as the real API, the list exactly as seed 003 (`page`, `page-size`,
//! `page-key`, and Terraform's `nextPageKey`), listUsers leaving them out unless asked, and
//! group membership through their email.

use std::collections::BTreeSet;

use accountd_client::Client;
use accountd_proto::UserStatus;
use accountd_proto::service_users::{ServiceUser, ServiceUserRequest};
use accountd_testkit::{ALL_SCOPES, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    IDM_READ, IDM_WRITE, advance, api_error, envelope, group_request, iam, json, message, send,
    setup, timestamp, user_request,
};

const DOMAIN: &str = "service.sso.dynatrace.com";

fn request(name: &str, description: Option<&str>) -> ServiceUserRequest {
    ServiceUserRequest {
        name: name.to_owned(),
        description: description.map(str::to_owned),
    }
}

async fn create(client: &Client, name: &str) -> ServiceUser {
    client
        .create_service_user(&request(name, None))
        .await
        .unwrap()
}

/// One raw page of the service-user list.
async fn list_page(app: &TestApp, account: &str, token: &str, query: &str) -> Value {
    let response = send(
        app,
        Method::GET,
        &iam(app, account, &format!("/service-users{query}")),
        Some(token),
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200, "service-users{query}");
    json(response).await
}

fn uids_of(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap_or_else(|| panic!("results is an array: {page}"))
        .iter()
        .map(|u| u["uid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn create_service_user_answers_201_with_the_real_shape_and_its_own_group() {
    let (app, account, client) = setup().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    let response = send(
        &app,
        Method::POST,
        &iam(&app, &account.uuid, "/service-users"),
        Some(&token),
        Some(json!({"name": "ci-bot", "description": "Runs the pipelines"})),
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    let body = json(response).await;
    let uid = body["uid"].as_str().expect("uid").to_owned();
    assert!(uuid::Uuid::parse_str(&uid).is_ok(), "uid '{uid}' is a uuid");
    let email = format!("{uid}@{DOMAIN}");
    assert_eq!(body["email"], Value::from(email.clone()));
    assert_eq!(body["login"], Value::from(email.clone()));
    assert_eq!(body["name"], "ci-bot");
    assert_eq!(body["surname"], "SERVICE_IDENTITY");
    assert_eq!(body["description"], "Runs the pipelines");
    assert_eq!(body["type"], "SERVICE_EXTERNAL");
    assert_eq!(body["userStatus"], "ACTIVE");
    let created = timestamp(body["createdAt"].as_str().expect("createdAt"));
    let now = accountd_core::Clock::now(app.clock());
    assert!((created - now).abs() < time::Duration::seconds(5));

    // Its group exists and has it as its member.
    let group = body["groupUuid"].as_str().expect("groupUuid").to_owned();
    client.get_group(&group).await.unwrap();
    let members = client.list_group_members(&group).await.unwrap();
    assert_eq!(members.count, 1);
    assert_eq!(members.items[0].uid, uid);
    assert_eq!(members.items[0].email, email);

    // Without a description: an empty one.
    let plain = client
        .create_service_user(&request("plain", None))
        .await
        .unwrap();
    assert_eq!(plain.description, "");
    assert_ne!(plain.uid, uid);
    assert_ne!(plain.group_uuid, Some(group));
}

#[tokio::test]
async fn get_update_and_delete_a_service_user() {
    let (app, account, client) = setup().await;
    let created = client
        .create_service_user(&request("bot", Some("first")))
        .await
        .unwrap();
    let group = created.group_uuid.clone().expect("groupUuid");
    assert_eq!(
        client.get_service_user(&created.uid).await.unwrap(),
        created
    );
    assert_eq!(
        client
            .get_service_user(&created.uid.to_uppercase())
            .await
            .unwrap(),
        created
    );
    advance(&app, 60);

    let token = app.token(&account, &ALL_SCOPES).await;
    let url = iam(
        &app,
        &account.uuid,
        &format!("/service-users/{}", created.uid),
    );
    let response = send(
        &app,
        Method::PUT,
        &url,
        Some(&token),
        Some(json!({"name": "renamed-bot", "description": "second"})),
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let updated: ServiceUser = serde_json::from_value(json(response).await).unwrap();
    assert_eq!(updated.name, "renamed-bot");
    assert_eq!(updated.description, "second");
    assert_eq!(updated.uid, created.uid);
    assert_eq!(updated.email, created.email);
    assert_eq!(updated.created_at, created.created_at);
    assert_eq!(updated.group_uuid, created.group_uuid);
    assert_eq!(
        client.get_service_user(&created.uid).await.unwrap(),
        updated
    );
    let listed = client.list_service_users(None, None).await.unwrap();
    assert_eq!(listed.results[0].name, "renamed-bot");

    // Invalid updates: 400, nothing changes.
    api_error(
        client
            .update_service_user(&created.uid, &request("", None))
            .await,
        400,
    );
    let response = send(
        &app,
        Method::PUT,
        &url,
        Some(&token),
        Some(json!({"description": "x"})),
    )
    .await;
    envelope(response, 400).await;
    assert_eq!(
        client.get_service_user(&created.uid).await.unwrap(),
        updated
    );

    // A membership of another group, to see it go with the service user.
    let team = client
        .create_group(&group_request("Team", None))
        .await
        .unwrap()
        .group_id;
    client
        .add_group_members(&team, std::slice::from_ref(&created.uid))
        .await
        .unwrap();

    // DELETE: 200, then 404 everywhere; its group is gone too.
    let response = send(&app, Method::DELETE, &url, Some(&token), None).await;
    assert_eq!(response.status().as_u16(), 200);
    api_error(client.get_service_user(&created.uid).await, 404);
    envelope(
        send(&app, Method::DELETE, &url, Some(&token), None).await,
        404,
    )
    .await;
    api_error(
        client
            .update_service_user(&created.uid, &request("x", None))
            .await,
        404,
    );
    api_error(client.get_group(&group).await, 404);
    assert_eq!(client.list_group_members(&team).await.unwrap().count, 0);
    let listed = client.list_service_users(None, None).await.unwrap();
    assert_eq!(listed.total_count, 0);
    assert!(listed.results.is_empty());
}

#[tokio::test]
async fn unknown_or_malformed_service_users_are_404_and_bad_bodies_400() {
    let (app, account, client) = setup().await;
    let user = client
        .create_user(&user_request("human@example.com", "Hu", "Man", None))
        .await
        .unwrap();
    api_error(
        client
            .get_service_user(&uuid::Uuid::new_v4().to_string())
            .await,
        404,
    );
    api_error(client.get_service_user("not-a-uid").await, 404);
    // A human user is not a service user.
    api_error(client.get_service_user(&user.uid).await, 404);
    api_error(client.delete_service_user(&user.uid).await, 404);
    assert_eq!(client.get_user(&user.uid).await.unwrap(), user);

    let token = app.token(&account, &ALL_SCOPES).await;
    let url = iam(&app, &account.uuid, "/service-users");
    for body in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "   "}),
        json!({"name": 5}),
        json!(["bot"]),
        json!("bot"),
    ] {
        let response = send(&app, Method::POST, &url, Some(&token), Some(body.clone())).await;
        envelope(response, 400).await;
    }
    assert_eq!(
        client
            .list_service_users(None, None)
            .await
            .unwrap()
            .total_count,
        0
    );
}

#[tokio::test]
async fn the_list_pages_by_page_key_and_shows_every_service_user_once() {
    let (app, account, client) = setup().await;
    let mut expected = Vec::new();
    for i in 0..7 {
        expected.push(create(&client, &format!("bot-{i}")).await.uid);
    }
    let token = app.token(&account, &ALL_SCOPES).await;

    // Everything on one page (003 shape: results, totalCount; no nextPageKey).
    let all = list_page(&app, &account.uuid, &token, "").await;
    assert_eq!(all["totalCount"], 7);
    assert!(all.get("nextPageKey").is_none(), "{all}");
    assert_eq!(uids_of(&all), expected);
    for item in all["results"].as_array().unwrap() {
        let keys: BTreeSet<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from([
                "uid",
                "email",
                "login",
                "name",
                "surname",
                "description",
                "createdAt",
                "type",
                "userStatus"
            ]),
            "the 003 ExternalServiceUserDto fields: {item}"
        );
    }

    // page-size + page-key, and Terraform's nextPageKey parameter: the same walk.
    for key_param in ["page-key", "nextPageKey"] {
        let mut seen = Vec::new();
        let mut page = list_page(&app, &account.uuid, &token, "?page-size=3").await;
        let mut sizes = Vec::new();
        loop {
            assert_eq!(page["totalCount"], 7, "{page}");
            sizes.push(uids_of(&page).len());
            seen.extend(uids_of(&page));
            let Some(key) = page.get("nextPageKey").and_then(Value::as_str) else {
                break;
            };
            let key = key.to_owned();
            let encoded: String = url_encode(&key);
            page = list_page(
                &app,
                &account.uuid,
                &token,
                &format!("?page-size=3&{key_param}={encoded}"),
            )
            .await;
        }
        assert_eq!(sizes, vec![3, 3, 1], "{key_param}");
        assert_eq!(
            seen, expected,
            "{key_param}: every service user once, in order"
        );
    }

    // The typed client walks the same way.
    let first = client.list_service_users(Some(4), None).await.unwrap();
    assert_eq!(first.results.len(), 4);
    let second = client
        .list_service_users(Some(4), first.next_page_key.as_deref())
        .await
        .unwrap();
    assert_eq!(second.results.len(), 3);
    assert_eq!(second.next_page_key, None);
    assert_eq!(second.total_count, 7);
}

#[tokio::test]
async fn the_list_pages_by_one_based_page_number() {
    let (app, account, client) = setup().await;
    let mut expected = Vec::new();
    for i in 0..5 {
        expected.push(create(&client, &format!("bot-{i}")).await.uid);
    }
    let token = app.token(&account, &ALL_SCOPES).await;
    let mut seen = Vec::new();
    for page in 1..=3 {
        let body = list_page(
            &app,
            &account.uuid,
            &token,
            &format!("?page={page}&page-size=2"),
        )
        .await;
        assert_eq!(body["totalCount"], 5);
        let uids = uids_of(&body);
        assert_eq!(uids.len(), if page < 3 { 2 } else { 1 }, "page {page}");
        assert_eq!(
            body.get("nextPageKey").is_some(),
            page < 3,
            "nextPageKey only while more follow (page {page}): {body}"
        );
        seen.extend(uids);
    }
    assert_eq!(seen, expected);
    // Past the end: an empty page, still with the total.
    let past = list_page(&app, &account.uuid, &token, "?page=9&page-size=2").await;
    assert_eq!(past["totalCount"], 5);
    assert_eq!(past["results"], json!([]));
    assert!(past.get("nextPageKey").is_none(), "{past}");
    // page=1 is the first page.
    let first = list_page(&app, &account.uuid, &token, "?page=1&page-size=2").await;
    let plain = list_page(&app, &account.uuid, &token, "?page-size=2").await;
    assert_eq!(uids_of(&first), uids_of(&plain));
}

/// Percent-encodes a page key for a query string.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn bad_list_parameters_are_400() {
    let (app, account, client) = setup().await;
    create(&client, "bot").await;
    let token = app.token(&account, &ALL_SCOPES).await;
    for query in [
        "?page-size=0",
        "?page-size=x",
        "?page-size=-1",
        "?page-size=1001",
        "?page=0",
        "?page=x",
        "?page-key=garbage",
        "?nextPageKey=garbage",
    ] {
        let response = send(
            &app,
            Method::GET,
            &iam(&app, &account.uuid, &format!("/service-users{query}")),
            Some(&token),
            None,
        )
        .await;
        let body = envelope(response, 400).await;
        assert!(!message(&body).is_empty(), "{query}");
    }
    // A page key of the users list is not one of the service-user list.
    for i in 0..3 {
        client
            .create_user(&user_request(&format!("u{i}@example.com"), "U", "N", None))
            .await
            .unwrap();
    }
    let users = client.list_users(Some(1), None).await.unwrap();
    let foreign = users.next_page_key.expect("a users page key");
    api_error(
        client.list_service_users(Some(1), Some(&foreign)).await,
        400,
    );
}

#[tokio::test]
async fn list_users_leaves_service_users_out_unless_asked() {
    let (app, account, client) = setup().await;
    let human = client
        .create_user(&user_request("human@example.com", "Hu", "Man", None))
        .await
        .unwrap();
    let bot = create(&client, "bot").await;
    let token = app.token(&account, &ALL_SCOPES).await;

    let page = client.list_users(None, None).await.unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.items, vec![human.clone()]);

    let body = json(
        send(
            &app,
            Method::GET,
            &iam(&app, &account.uuid, "/users?service-users=true"),
            Some(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(body["totalCount"], 2, "{body}");
    let emails: BTreeSet<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        BTreeSet::from(["human@example.com", bot.email.as_str()])
    );

    let body = json(
        send(
            &app,
            Method::GET,
            &iam(&app, &account.uuid, "/users?service-users=false"),
            Some(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(body["totalCount"], 1, "{body}");
    envelope(
        send(
            &app,
            Method::GET,
            &iam(&app, &account.uuid, "/users?service-users=maybe"),
            Some(&token),
            None,
        )
        .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn membership_works_for_service_users_through_their_email() {
    let (app, account, client) = setup().await;
    let bot = create(&client, "bot").await;
    let own_group = bot.group_uuid.clone().expect("groupUuid");
    let team = client
        .create_group(&group_request("Team", None))
        .await
        .unwrap()
        .group_id;
    let token = app.token(&account, &ALL_SCOPES).await;

    let response = send(
        &app,
        Method::POST,
        &iam(&app, &account.uuid, &format!("/users/{}", bot.email)),
        Some(&token),
        Some(json!([team])),
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    let members = client.list_group_members(&team).await.unwrap();
    assert_eq!(members.count, 1);
    assert_eq!(members.items[0].uid, bot.uid);
    let mut groups = members.items[0].groups.clone();
    groups.sort();
    let mut expected = vec![own_group.clone(), team.clone()];
    expected.sort();
    assert_eq!(groups, expected, "its own group and the new one");

    // Seed 002's group-side route takes its uid too, and removal works by email.
    let other = client
        .create_group(&group_request("Other", None))
        .await
        .unwrap()
        .group_id;
    client
        .add_group_members(&other, std::slice::from_ref(&bot.uid))
        .await
        .unwrap();
    assert_eq!(client.list_group_members(&other).await.unwrap().count, 1);
    client
        .remove_user_from_groups(&bot.email.to_uppercase(), &[team.clone(), other.clone()])
        .await
        .unwrap();
    assert_eq!(client.list_group_members(&team).await.unwrap().count, 0);
    assert_eq!(client.list_group_members(&other).await.unwrap().count, 0);
    let own = client.list_group_members(&own_group).await.unwrap();
    assert_eq!(own.count, 1, "it stays in its own group");
    assert_eq!(own.items[0].user_status, UserStatus::Active);
}

#[tokio::test]
async fn service_user_reads_need_idm_read_writes_idm_write_and_other_accounts_are_403() {
    let (app, account, client) = setup().await;
    let bot = create(&client, "bot").await;

    let reader = app.client(&account, &[IDM_READ]).await;
    assert_eq!(
        reader
            .list_service_users(None, None)
            .await
            .unwrap()
            .total_count,
        1
    );
    assert_eq!(reader.get_service_user(&bot.uid).await.unwrap(), bot);
    let message = api_error(reader.create_service_user(&request("x", None)).await, 403);
    assert!(message.contains(IDM_WRITE), "{message}");
    api_error(
        reader
            .update_service_user(&bot.uid, &request("x", None))
            .await,
        403,
    );
    api_error(reader.delete_service_user(&bot.uid).await, 403);

    let writer = app.client(&account, &[IDM_WRITE]).await;
    let message = api_error(writer.list_service_users(None, None).await, 403);
    assert!(message.contains(IDM_READ), "{message}");
    api_error(writer.get_service_user(&bot.uid).await, 403);

    let other_account = app.new_account().await;
    let token = app.token(&other_account, &ALL_SCOPES).await;
    let one = iam(&app, &account.uuid, &format!("/service-users/{}", bot.uid));
    for (method, url, body) in [
        (
            Method::GET,
            iam(&app, &account.uuid, "/service-users"),
            None,
        ),
        (
            Method::POST,
            iam(&app, &account.uuid, "/service-users"),
            Some(json!({"name": "intruder"})),
        ),
        (Method::GET, one.clone(), None),
        (Method::PUT, one.clone(), Some(json!({"name": "intruder"}))),
        (Method::DELETE, one.clone(), None),
    ] {
        envelope(send(&app, method, &url, Some(&token), body).await, 403).await;
    }
    assert_eq!(client.get_service_user(&bot.uid).await.unwrap(), bot);
    assert_eq!(
        client
            .list_service_users(None, None)
            .await
            .unwrap()
            .total_count,
        1
    );
}
