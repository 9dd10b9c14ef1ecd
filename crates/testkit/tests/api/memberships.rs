//! Group membership: seed 002's group side (`POST|GET .../groups/{g}/users`,
//! `DELETE .../groups/{g}/users/{userId}`) and the real API's user side (`POST .../users/{email}`,
//! `PUT|DELETE .../users/{email}/groups`), listUsers by `email`, concurrency and scopes.

use std::collections::BTreeSet;

use accountd_client::Client;
use accountd_proto::User;
use accountd_testkit::ALL_SCOPES;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    IDM_READ, IDM_WRITE, advance, api_error, assert_empty_success, envelope, group_request, iam,
    json, message, send, setup, timestamp, user_request,
};

async fn new_user(client: &Client, email: &str) -> User {
    client
        .create_user(&user_request(email, "First", "Last", None))
        .await
        .unwrap()
}

async fn new_group(client: &Client, name: &str) -> String {
    client
        .create_group(&group_request(name, None))
        .await
        .unwrap()
        .group_id
}

/// The uids of a group's members, through the typed client.
async fn member_uids(client: &Client, group: &str) -> BTreeSet<String> {
    let members = client.list_group_members(group).await.unwrap();
    assert_eq!(
        members.count,
        u64::try_from(members.items.len()).unwrap(),
        "count is the number of items"
    );
    members.items.into_iter().map(|u| u.uid).collect()
}

/// A user's groups, as getUser shows them.
async fn groups_of(client: &Client, user: &str) -> BTreeSet<String> {
    client
        .get_user(user)
        .await
        .unwrap()
        .groups
        .into_iter()
        .collect()
}

fn set<const N: usize>(items: [&str; N]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn add_group_members_answers_204_and_every_read_reflects_it() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "Developers").await;
    let ann = new_user(&client, "ann@example.com").await;
    let bob = new_user(&client, "bob@example.com").await;
    let carl = new_user(&client, "carl@example.com").await;
    let token = app.token(&account, &ALL_SCOPES).await;

    let response = send(
        &app,
        Method::POST,
        &iam(&app, &account.uuid, &format!("/groups/{group}/users")),
        Some(&token),
        Some(json!([ann.uid, bob.uid])),
    )
    .await;
    assert_empty_success(response, 204).await;

    // GET .../groups/{g}/users: the real `{count, items}` envelope of full user objects.
    let response = send(
        &app,
        Method::GET,
        &iam(&app, &account.uuid, &format!("/groups/{group}/users")),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let body = json(response).await;
    assert_eq!(body["count"], 2, "{body}");
    let items = body["items"].as_array().expect("items is an array");
    let uids: BTreeSet<String> = items
        .iter()
        .map(|u| u["uid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(uids, set([ann.uid.as_str(), bob.uid.as_str()]));
    for item in items {
        assert_eq!(item["groups"], json!([group]), "{item}");
        assert!(item["email"].is_string() && item["userStatus"].is_string());
    }

    // getUser and listUsers show the membership at once.
    assert_eq!(groups_of(&client, &ann.uid).await, set([group.as_str()]));
    assert_eq!(groups_of(&client, "BOB@example.com").await, set([&group]));
    assert!(groups_of(&client, &carl.uid).await.is_empty());
    let listed = client.list_users(None, None).await.unwrap().items;
    for user in listed {
        let expected: Vec<String> = if user.uid == carl.uid {
            vec![]
        } else {
            vec![group.clone()]
        };
        assert_eq!(user.groups, expected, "listUsers of {}", user.email);
    }
}

#[tokio::test]
async fn adding_an_existing_member_again_is_fine() {
    let (_app, _account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let ann = new_user(&client, "ann@example.com").await;
    let bob = new_user(&client, "bob@example.com").await;

    client
        .add_group_members(&group, std::slice::from_ref(&ann.uid))
        .await
        .unwrap();
    client
        .add_group_members(&group, &[ann.uid.clone(), bob.uid.clone(), ann.uid.clone()])
        .await
        .unwrap();
    client
        .add_group_members(&group, std::slice::from_ref(&ann.uid))
        .await
        .unwrap();
    assert_eq!(
        member_uids(&client, &group).await,
        set([ann.uid.as_str(), bob.uid.as_str()])
    );
    assert_eq!(groups_of(&client, &ann.uid).await, set([group.as_str()]));
}

#[tokio::test]
async fn an_email_in_the_member_array_is_a_400_and_nothing_is_applied() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let ann = new_user(&client, "ann@example.com").await;
    let bob = new_user(&client, "bob@example.com").await;
    let token = app.token(&account, &ALL_SCOPES).await;

    let response = send(
        &app,
        Method::POST,
        &iam(&app, &account.uuid, &format!("/groups/{group}/users")),
        Some(&token),
        Some(json!([ann.uid, "bob@example.com"])),
    )
    .await;
    let body = envelope(response, 400).await;
    assert!(
        message(&body).contains("bob@example.com"),
        "the 400 names the email: {body}"
    );
    assert!(
        member_uids(&client, &group).await.is_empty(),
        "all or nothing"
    );
    assert!(groups_of(&client, &ann.uid).await.is_empty());
    assert!(groups_of(&client, &bob.uid).await.is_empty());
}

#[tokio::test]
async fn an_unknown_uid_in_the_member_array_is_a_400_naming_it_and_nothing_is_applied() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let ann = new_user(&client, "ann@example.com").await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let token = app.token(&account, &ALL_SCOPES).await;

    let response = send(
        &app,
        Method::POST,
        &iam(&app, &account.uuid, &format!("/groups/{group}/users")),
        Some(&token),
        Some(json!([ann.uid, unknown])),
    )
    .await;
    let body = envelope(response, 400).await;
    assert!(
        message(&body).contains(&unknown),
        "the 400 names the unknown uid: {body}"
    );
    assert!(
        member_uids(&client, &group).await.is_empty(),
        "all or nothing"
    );
    assert!(groups_of(&client, &ann.uid).await.is_empty());

    // A user of another account is unknown here too.
    let other_account = app.new_account().await;
    let other = app.client(&other_account, &ALL_SCOPES).await;
    let stranger = new_user(&other, "stranger@example.com").await;
    let message = api_error(
        client
            .add_group_members(&group, &[ann.uid.clone(), stranger.uid.clone()])
            .await,
        400,
    );
    assert!(message.contains(&stranger.uid), "{message}");
    assert!(member_uids(&client, &group).await.is_empty());
}

#[tokio::test]
async fn a_member_list_that_is_not_an_array_is_a_400() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let ann = new_user(&client, "ann@example.com").await;
    let token = app.token(&account, &ALL_SCOPES).await;
    let members = iam(&app, &account.uuid, &format!("/groups/{group}/users"));
    let user_side = iam(&app, &account.uuid, "/users/ann@example.com");
    let user_groups = iam(&app, &account.uuid, "/users/ann@example.com/groups");

    for (method, url, body) in [
        (Method::POST, &members, json!({"users": [ann.uid]})),
        (Method::POST, &members, json!(ann.uid)),
        (Method::POST, &members, json!([1, 2])),
        (Method::POST, &user_side, json!([1, 2])),
        (Method::PUT, &user_groups, json!(group)),
    ] {
        let response = send(&app, method.clone(), url, Some(&token), Some(body.clone())).await;
        envelope(response, 400).await;
    }
    // POST on a user exists only as the real API's add-to-groups call with an array body; the
    // seed declares no POST there, so any other body is a 405 naming the seed's methods.
    for body in [json!({"groups": [group]}), json!(group)] {
        let response = send(&app, Method::POST, &user_side, Some(&token), Some(body)).await;
        let allow = response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(allow, "GET, HEAD, PUT, DELETE");
        envelope(response, 405).await;
    }
    let response = app
        .http()
        .post(&members)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("[not json")
        .send()
        .await
        .unwrap();
    envelope(response, 400).await;
    assert!(member_uids(&client, &group).await.is_empty());
    assert!(groups_of(&client, &ann.uid).await.is_empty());
}

#[tokio::test]
async fn remove_group_member_answers_204_then_404_when_not_a_member() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let ann = new_user(&client, "ann@example.com").await;
    let bob = new_user(&client, "bob@example.com").await;
    client
        .add_group_members(&group, &[ann.uid.clone(), bob.uid.clone()])
        .await
        .unwrap();
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = iam(
        &app,
        &account.uuid,
        &format!("/groups/{group}/users/{}", ann.uid),
    );

    assert_empty_success(
        send(&app, Method::DELETE, &url, Some(&token), None).await,
        204,
    )
    .await;
    assert_eq!(member_uids(&client, &group).await, set([bob.uid.as_str()]));
    assert!(groups_of(&client, &ann.uid).await.is_empty());

    let body = envelope(
        send(&app, Method::DELETE, &url, Some(&token), None).await,
        404,
    )
    .await;
    assert!(
        message(&body).contains("not a member"),
        "the 404 says why: {body}"
    );
    // An unknown user or group is a 404 as well.
    let unknown = uuid::Uuid::new_v4();
    envelope(
        send(
            &app,
            Method::DELETE,
            &iam(
                &app,
                &account.uuid,
                &format!("/groups/{group}/users/{unknown}"),
            ),
            Some(&token),
            None,
        )
        .await,
        404,
    )
    .await;
    envelope(
        send(
            &app,
            Method::DELETE,
            &iam(
                &app,
                &account.uuid,
                &format!("/groups/{unknown}/users/{}", bob.uid),
            ),
            Some(&token),
            None,
        )
        .await,
        404,
    )
    .await;
    assert_eq!(member_uids(&client, &group).await, set([bob.uid.as_str()]));
}

#[tokio::test]
async fn members_of_an_unknown_group_are_404() {
    let (_app, _account, client) = setup().await;
    let ann = new_user(&client, "ann@example.com").await;
    let unknown = uuid::Uuid::new_v4().to_string();
    api_error(client.list_group_members(&unknown).await, 404);
    api_error(client.list_group_members("not-a-group").await, 404);
    api_error(
        client
            .add_group_members(&unknown, std::slice::from_ref(&ann.uid))
            .await,
        404,
    );
    assert!(groups_of(&client, &ann.uid).await.is_empty());
}

#[tokio::test]
async fn user_side_post_adds_groups_with_201() {
    let (app, account, client) = setup().await;
    let a = new_group(&client, "A").await;
    let b = new_group(&client, "B").await;
    let c = new_group(&client, "C").await;
    let ann = new_user(&client, "ann@example.com").await;
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = iam(&app, &account.uuid, "/users/Ann@Example.com");

    let response = send(&app, Method::POST, &url, Some(&token), Some(json!([a, b]))).await;
    assert_empty_success(response, 201).await;
    assert_eq!(groups_of(&client, &ann.uid).await, set([&a, &b]));

    // It adds: the groups already held stay.
    let response = send(&app, Method::POST, &url, Some(&token), Some(json!([c, a]))).await;
    assert_empty_success(response, 201).await;
    assert_eq!(groups_of(&client, &ann.uid).await, set([&a, &b, &c]));
    for group in [&a, &b, &c] {
        assert_eq!(member_uids(&client, group).await, set([ann.uid.as_str()]));
    }

    // An unknown group is a 400 naming it, and nothing is applied.
    let fresh = new_group(&client, "D").await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let response = send(
        &app,
        Method::POST,
        &url,
        Some(&token),
        Some(json!([fresh, unknown])),
    )
    .await;
    let body = envelope(response, 400).await;
    assert!(message(&body).contains(&unknown), "{body}");
    assert_eq!(groups_of(&client, &ann.uid).await, set([&a, &b, &c]));
    // An unknown user is a 404.
    let response = send(
        &app,
        Method::POST,
        &iam(&app, &account.uuid, "/users/nobody@example.com"),
        Some(&token),
        Some(json!([a])),
    )
    .await;
    envelope(response, 404).await;
}

#[tokio::test]
async fn user_side_put_replaces_the_groups_and_an_empty_array_clears_them() {
    let (app, account, client) = setup().await;
    let a = new_group(&client, "A").await;
    let b = new_group(&client, "B").await;
    let c = new_group(&client, "C").await;
    let ann = new_user(&client, "ann@example.com").await;
    client
        .add_user_to_groups(&ann.uid, &[a.clone(), b.clone()])
        .await
        .unwrap();
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = iam(&app, &account.uuid, "/users/ann@example.com/groups");

    let response = send(&app, Method::PUT, &url, Some(&token), Some(json!([b, c]))).await;
    assert_empty_success(response, 200).await;
    assert_eq!(groups_of(&client, &ann.uid).await, set([&b, &c]));
    assert!(member_uids(&client, &a).await.is_empty());
    assert_eq!(member_uids(&client, &c).await, set([ann.uid.as_str()]));

    let response = send(&app, Method::PUT, &url, Some(&token), Some(json!([]))).await;
    assert_empty_success(response, 200).await;
    assert!(groups_of(&client, &ann.uid).await.is_empty());
    assert!(
        client.list_users(None, None).await.unwrap().items[0]
            .groups
            .is_empty()
    );
    for group in [&a, &b, &c] {
        assert!(member_uids(&client, group).await.is_empty());
    }
}

#[tokio::test]
async fn user_side_delete_leaves_the_named_groups() {
    let (app, account, client) = setup().await;
    let a = new_group(&client, "A").await;
    let b = new_group(&client, "B").await;
    let c = new_group(&client, "C").await;
    let ann = new_user(&client, "ann@example.com").await;
    client
        .add_user_to_groups(&ann.uid, &[a.clone(), b.clone(), c.clone()])
        .await
        .unwrap();
    let token = app.token(&account, &ALL_SCOPES).await;
    let base = iam(&app, &account.uuid, "/users/ann@example.com/groups");

    let response = send(
        &app,
        Method::DELETE,
        &format!("{base}?group-uuid={a}&group-uuid={b}"),
        Some(&token),
        None,
    )
    .await;
    assert_empty_success(response, 200).await;
    assert_eq!(groups_of(&client, &ann.uid).await, set([&c]));
    assert!(member_uids(&client, &a).await.is_empty());
    assert!(member_uids(&client, &b).await.is_empty());

    // Without any group-uuid: 400, nothing changes.
    for url in [base.clone(), format!("{base}?group=x"), format!("{base}?")] {
        let body = envelope(
            send(&app, Method::DELETE, &url, Some(&token), None).await,
            400,
        )
        .await;
        assert!(message(&body).contains("group-uuid"), "{body}");
    }
    assert_eq!(groups_of(&client, &ann.uid).await, set([&c]));

    // Through the typed client.
    client
        .remove_user_from_groups("ANN@example.com", std::slice::from_ref(&c))
        .await
        .unwrap();
    assert!(groups_of(&client, &ann.uid).await.is_empty());
}

#[tokio::test]
async fn concurrent_adds_and_removes_end_with_exactly_the_expected_members() {
    let (_app, _account, client) = setup().await;
    let group = new_group(&client, "Crowd").await;
    let mut users = Vec::new();
    for i in 0..30 {
        users.push(new_user(&client, &format!("user{i:02}@example.com")).await);
    }

    let mut adds = tokio::task::JoinSet::new();
    for user in &users {
        let (client, group, uid) = (client.clone(), group.clone(), user.uid.clone());
        adds.spawn(async move { client.add_group_members(&group, &[uid]).await });
    }
    while let Some(result) = adds.join_next().await {
        result.unwrap().unwrap();
    }
    let all: BTreeSet<String> = users.iter().map(|u| u.uid.clone()).collect();
    assert_eq!(member_uids(&client, &group).await, all);

    // Remove every other user concurrently, half through each side's route.
    let mut removes = tokio::task::JoinSet::new();
    for (i, user) in users.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let (client, group, uid, email) = (
            client.clone(),
            group.clone(),
            user.uid.clone(),
            user.email.clone(),
        );
        removes.spawn(async move {
            if i % 4 == 0 {
                client.remove_group_member(&group, &uid).await
            } else {
                client.remove_user_from_groups(&email, &[group]).await
            }
        });
    }
    while let Some(result) = removes.join_next().await {
        result.unwrap().unwrap();
    }
    let expected: BTreeSet<String> = users
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, u)| u.uid.clone())
        .collect();
    assert_eq!(expected.len(), 15);
    assert_eq!(member_uids(&client, &group).await, expected);
    let page = client.list_users(Some(1000), None).await.unwrap();
    assert_eq!(page.total_count, 30);
    for user in page.items {
        let want: Vec<String> = if expected.contains(&user.uid) {
            vec![group.clone()]
        } else {
            vec![]
        };
        assert_eq!(user.groups, want, "{}", user.email);
    }
}

#[tokio::test]
async fn list_users_by_email_is_case_insensitive() {
    let (app, account, client) = setup().await;
    let ann = new_user(&client, "Ann.Smith@example.com").await;
    new_user(&client, "bob@example.com").await;
    let token = app.token(&account, &ALL_SCOPES).await;

    let found = client
        .find_user_by_email("ann.smith@EXAMPLE.com")
        .await
        .unwrap();
    assert_eq!(found.total_count, 1);
    assert_eq!(found.items, vec![ann.clone()]);
    assert_eq!(found.next_page_key, None);

    // Raw, with the query parameter encoded by hand.
    let response = send(
        &app,
        Method::GET,
        &iam(&app, &account.uuid, "/users?email=ANN.SMITH%40Example.com"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let body = json(response).await;
    assert_eq!(body["totalCount"], 1, "{body}");
    assert_eq!(body["items"][0]["uid"], Value::from(ann.uid.clone()));
    assert!(body.get("nextPageKey").is_none(), "{body}");

    let none = client
        .find_user_by_email("nobody@example.com")
        .await
        .unwrap();
    assert_eq!(none.total_count, 0);
    assert!(none.items.is_empty());
}

#[tokio::test]
async fn membership_reads_need_idm_read_and_writes_need_idm_write() {
    let (app, account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let other_group = new_group(&client, "H").await;
    let ann = new_user(&client, "ann@example.com").await;
    client
        .add_group_members(&group, std::slice::from_ref(&ann.uid))
        .await
        .unwrap();
    let bob = new_user(&client, "bob@example.com").await;

    let reader = app.client(&account, &[IDM_READ]).await;
    assert_eq!(member_uids(&reader, &group).await, set([ann.uid.as_str()]));
    let message = api_error(
        reader
            .add_group_members(&group, std::slice::from_ref(&bob.uid))
            .await,
        403,
    );
    assert!(message.contains(IDM_WRITE), "{message}");
    api_error(reader.remove_group_member(&group, &ann.uid).await, 403);
    api_error(
        reader
            .add_user_to_groups(&bob.uid, std::slice::from_ref(&other_group))
            .await,
        403,
    );
    api_error(reader.replace_user_groups(&ann.uid, &[]).await, 403);
    api_error(
        reader
            .remove_user_from_groups(&ann.uid, std::slice::from_ref(&group))
            .await,
        403,
    );

    let writer = app.client(&account, &[IDM_WRITE]).await;
    let message = api_error(writer.list_group_members(&group).await, 403);
    assert!(message.contains(IDM_READ), "{message}");
    writer
        .add_group_members(&group, std::slice::from_ref(&bob.uid))
        .await
        .unwrap();
    assert_eq!(
        member_uids(&client, &group).await,
        set([ann.uid.as_str(), bob.uid.as_str()])
    );

    // A client of another account: 403 on every membership route of this one.
    let other_account = app.new_account().await;
    let token = app.token(&other_account, &ALL_SCOPES).await;
    let members = iam(&app, &account.uuid, &format!("/groups/{group}/users"));
    for (method, url, body) in [
        (Method::GET, members.clone(), None),
        (Method::POST, members.clone(), Some(json!([bob.uid]))),
        (Method::DELETE, format!("{members}/{}", ann.uid), None),
        (
            Method::POST,
            iam(&app, &account.uuid, "/users/bob@example.com"),
            Some(json!([other_group])),
        ),
        (
            Method::PUT,
            iam(&app, &account.uuid, "/users/bob@example.com/groups"),
            Some(json!([])),
        ),
        (
            Method::DELETE,
            iam(
                &app,
                &account.uuid,
                &format!("/users/bob@example.com/groups?group-uuid={group}"),
            ),
            None,
        ),
    ] {
        envelope(send(&app, method, &url, Some(&token), body).await, 403).await;
    }
    assert_eq!(
        member_uids(&client, &group).await,
        set([ann.uid.as_str(), bob.uid.as_str()]),
        "nothing changed"
    );
    assert!(member_uids(&client, &other_group).await.is_empty());
}

#[tokio::test]
async fn membership_changes_move_last_modified_at_and_repeats_do_not() {
    let (app, _account, client) = setup().await;
    let group = new_group(&client, "G").await;
    let ann = new_user(&client, "ann@example.com").await;
    let created = timestamp(&ann.last_modified_at);

    advance(&app, 60);
    client
        .add_group_members(&group, std::slice::from_ref(&ann.uid))
        .await
        .unwrap();
    let after_add = client.get_user(&ann.uid).await.unwrap();
    assert_eq!(
        timestamp(&after_add.last_modified_at) - created,
        time::Duration::seconds(60),
        "joining a group modifies the user"
    );
    assert_eq!(after_add.created_at, ann.created_at);

    // Adding an existing member changes nothing.
    advance(&app, 60);
    client
        .add_group_members(&group, std::slice::from_ref(&ann.uid))
        .await
        .unwrap();
    client
        .add_user_to_groups(&ann.uid, std::slice::from_ref(&group))
        .await
        .unwrap();
    assert_eq!(client.get_user(&ann.uid).await.unwrap(), after_add);

    advance(&app, 60);
    client.remove_group_member(&group, &ann.uid).await.unwrap();
    let after_remove = client.get_user(&ann.uid).await.unwrap();
    assert_eq!(
        timestamp(&after_remove.last_modified_at) - created,
        time::Duration::seconds(180)
    );
}
