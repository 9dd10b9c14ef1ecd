//! Seed 000 users: listUsers, createUser, getUser, updateUser, deleteUser, and their validation.

use accountd_proto::UserStatus;
use accountd_testkit::ALL_SCOPES;
use serde_json::{Value, json};

use crate::common::{
    advance, api_error, assert_envelope_value, envelope, group_request, iam, json, setup,
    timestamp, user_request,
};

#[tokio::test]
async fn create_user_answers_200_with_a_pending_invite_user() {
    let (app, account, _client) = setup().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    let response = app
        .http()
        .post(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .json(&json!({"email": "jane.doe@example.com", "firstName": "Jane", "lastName": "Doe"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        200,
        "createUser answers 200 (seed 000), not 201"
    );
    let body = json(response).await;
    assert_eq!(body["email"], "jane.doe@example.com");
    assert_eq!(body["firstName"], "Jane");
    assert_eq!(body["lastName"], "Doe");
    assert_eq!(body["groups"], json!([]));
    assert_eq!(body["userStatus"], "PENDING_INVITE");
    let uid = body["uid"].as_str().expect("uid");
    assert!(uuid::Uuid::parse_str(uid).is_ok(), "uid '{uid}' is a uuid");
    let created = timestamp(body["createdAt"].as_str().expect("createdAt"));
    let modified = timestamp(body["lastModifiedAt"].as_str().expect("lastModifiedAt"));
    assert_eq!(
        created, modified,
        "a new user was modified when it was created"
    );
    let now = accountd_core::Clock::now(app.clock());
    assert!(
        (created - now).abs() < time::Duration::seconds(5),
        "createdAt {created} is the server's now {now}"
    );
}

#[tokio::test]
async fn create_user_with_groups_lists_them() {
    let (_app, _account, client) = setup().await;
    let a = client
        .create_group(&group_request("A", None))
        .await
        .unwrap();
    let b = client
        .create_group(&group_request("B", None))
        .await
        .unwrap();
    let user = client
        .create_user(&user_request(
            "ann@example.com",
            "Ann",
            "Smith",
            Some(vec![a.group_id.clone(), b.group_id.clone()]),
        ))
        .await
        .unwrap();
    let mut groups = user.groups.clone();
    groups.sort();
    let mut expected = vec![a.group_id.clone(), b.group_id.clone()];
    expected.sort();
    assert_eq!(groups, expected);
    assert_eq!(user.user_status, UserStatus::PendingInvite);
    let fetched = client.get_user(&user.uid).await.unwrap();
    assert_eq!(fetched, user);
}

#[tokio::test]
async fn list_users_returns_every_user_with_total_count() {
    let (_app, _account, client) = setup().await;
    let empty = client.list_users(None, None).await.unwrap();
    assert_eq!(empty.total_count, 0);
    assert!(empty.items.is_empty());
    assert_eq!(empty.next_page_key, None);

    let mut created = Vec::new();
    for i in 0..3 {
        created.push(
            client
                .create_user(&user_request(
                    &format!("u{i}@example.com"),
                    "U",
                    &format!("N{i}"),
                    None,
                ))
                .await
                .unwrap(),
        );
    }
    let page = client.list_users(None, None).await.unwrap();
    assert_eq!(page.total_count, 3);
    assert_eq!(page.next_page_key, None);
    assert_eq!(
        page.items, created,
        "list shows the users as created, oldest first"
    );
}

#[tokio::test]
async fn get_user_by_uid_and_by_email_in_any_case() {
    let (_app, _account, client) = setup().await;
    let user = client
        .create_user(&user_request("Mixed.Case@Example.com", "Mia", "Case", None))
        .await
        .unwrap();
    assert_eq!(client.get_user(&user.uid).await.unwrap(), user);
    assert_eq!(
        client.get_user("Mixed.Case@Example.com").await.unwrap(),
        user
    );
    assert_eq!(
        client.get_user("mixed.case@example.com").await.unwrap(),
        user
    );
    assert_eq!(
        client.get_user("MIXED.CASE@EXAMPLE.COM").await.unwrap(),
        user
    );
    assert_eq!(
        client.get_user(&user.uid.to_uppercase()).await.unwrap(),
        user,
        "uids are uuids, matched in any case"
    );
}

#[tokio::test]
async fn get_user_unknown_or_malformed_is_404() {
    let (_app, _account, client) = setup().await;
    client
        .create_user(&user_request("someone@example.com", "Some", "One", None))
        .await
        .unwrap();
    api_error(
        client.get_user(&uuid::Uuid::new_v4().to_string()).await,
        404,
    );
    api_error(client.get_user("nobody@example.com").await, 404);
    api_error(client.get_user("not-a-user-id").await, 404);
    api_error(client.get_user("1234").await, 404);
}

#[tokio::test]
async fn update_user_is_a_full_replacement() {
    let (app, _account, client) = setup().await;
    let a = client
        .create_group(&group_request("A", None))
        .await
        .unwrap();
    let b = client
        .create_group(&group_request("B", None))
        .await
        .unwrap();
    let user = client
        .create_user(&user_request(
            "ann@example.com",
            "Ann",
            "Smith",
            Some(vec![a.group_id.clone()]),
        ))
        .await
        .unwrap();
    advance(&app, 60);

    let updated = client
        .update_user(
            &user.uid,
            &user_request(
                "ann.jones@example.com",
                "Anne",
                "Jones",
                Some(vec![b.group_id.clone()]),
            ),
        )
        .await
        .unwrap();
    assert_eq!(updated.uid, user.uid);
    assert_eq!(updated.email, "ann.jones@example.com");
    assert_eq!(updated.first_name, "Anne");
    assert_eq!(updated.last_name, "Jones");
    assert_eq!(
        updated.groups,
        vec![b.group_id.clone()],
        "groups given: the memberships become exactly that list"
    );
    assert_eq!(updated.user_status, user.user_status);
    assert_eq!(updated.created_at, user.created_at);
    assert_eq!(
        timestamp(&updated.last_modified_at) - timestamp(&user.last_modified_at),
        time::Duration::seconds(60)
    );
    assert_eq!(client.get_user(&user.uid).await.unwrap(), updated);
    assert_eq!(
        client.get_user("ANN.JONES@example.com").await.unwrap(),
        updated,
        "the new email addresses the user"
    );
    api_error(client.get_user("ann@example.com").await, 404);
}

#[tokio::test]
async fn update_user_without_groups_clears_the_memberships() {
    let (_app, _account, client) = setup().await;
    let a = client
        .create_group(&group_request("A", None))
        .await
        .unwrap();
    let user = client
        .create_user(&user_request(
            "ann@example.com",
            "Ann",
            "Smith",
            Some(vec![a.group_id.clone()]),
        ))
        .await
        .unwrap();
    assert_eq!(user.groups, vec![a.group_id.clone()]);

    // By email, and with `groups` absent from the JSON.
    let updated = client
        .update_user(
            "ANN@example.com",
            &user_request("ann@example.com", "Ann", "Smith", None),
        )
        .await
        .unwrap();
    assert!(
        updated.groups.is_empty(),
        "omitting `groups` clears them: {:?}",
        updated.groups
    );
    assert!(client.get_user(&user.uid).await.unwrap().groups.is_empty());
    assert!(
        client.list_users(None, None).await.unwrap().items[0]
            .groups
            .is_empty()
    );

    // An explicit empty list clears too.
    client
        .update_user(
            &user.uid,
            &user_request(
                "ann@example.com",
                "Ann",
                "Smith",
                Some(vec![a.group_id.clone()]),
            ),
        )
        .await
        .unwrap();
    let cleared = client
        .update_user(
            &user.uid,
            &user_request("ann@example.com", "Ann", "Smith", Some(vec![])),
        )
        .await
        .unwrap();
    assert!(cleared.groups.is_empty());
}

#[tokio::test]
async fn update_user_errors() {
    let (_app, _account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    client
        .create_user(&user_request("bob@example.com", "Bob", "Brown", None))
        .await
        .unwrap();
    let good = user_request("ann@example.com", "Ann", "Smith", None);

    api_error(
        client
            .update_user(&uuid::Uuid::new_v4().to_string(), &good)
            .await,
        404,
    );
    api_error(client.update_user("nobody@example.com", &good).await, 404);
    api_error(client.update_user("not-a-user-id", &good).await, 404);
    api_error(
        client
            .update_user(
                &user.uid,
                &user_request("BOB@example.com", "Ann", "Smith", None),
            )
            .await,
        409,
    );
    api_error(
        client
            .update_user(
                &user.uid,
                &user_request("not-an-email", "Ann", "Smith", None),
            )
            .await,
        400,
    );
    api_error(
        client
            .update_user(
                &user.uid,
                &user_request("ann@example.com", "", "Smith", None),
            )
            .await,
        400,
    );
    api_error(
        client
            .update_user(
                &user.uid,
                &user_request("ann@example.com", "Ann", "  ", None),
            )
            .await,
        400,
    );
    let unknown = "0b7c4a2e-51d5-4a8e-9f3c-2d6f1e0a9b88";
    let message = api_error(
        client
            .update_user(
                &user.uid,
                &user_request(
                    "ann@example.com",
                    "Ann",
                    "Smith",
                    Some(vec![unknown.to_owned()]),
                ),
            )
            .await,
        400,
    );
    assert!(
        message.contains(unknown),
        "the message names the unknown group id: {message}"
    );
    // Nothing changed.
    assert_eq!(client.get_user(&user.uid).await.unwrap(), user);
}

#[tokio::test]
async fn update_user_to_its_own_email_in_another_case_is_allowed() {
    let (_app, _account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let updated = client
        .update_user(
            &user.uid,
            &user_request("Ann@Example.com", "Ann", "Smith", None),
        )
        .await
        .unwrap();
    assert_eq!(updated.email, "Ann@Example.com");
}

#[tokio::test]
async fn delete_user_answers_204_then_404() {
    let (app, account, client) = setup().await;
    let user = client
        .create_user(&user_request("ann@example.com", "Ann", "Smith", None))
        .await
        .unwrap();
    let other = client
        .create_user(&user_request("bob@example.com", "Bob", "Brown", None))
        .await
        .unwrap();
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = iam(&app, &account.uuid, &format!("/users/{}", user.uid));

    let response = app
        .http()
        .delete(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert!(
        response.bytes().await.unwrap().is_empty(),
        "a 204 has no body"
    );

    api_error(client.get_user(&user.uid).await, 404);
    let again = app
        .http()
        .delete(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    envelope(again, 404).await;
    let page = client.list_users(None, None).await.unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.items, vec![other.clone()]);

    // By email, in another case.
    client.delete_user("BOB@EXAMPLE.COM").await.unwrap();
    api_error(client.get_user(&other.uid).await, 404);
    api_error(client.delete_user("not-a-user-id").await, 404);
    // The email is free again.
    client
        .create_user(&user_request("ann@example.com", "Ann", "Again", None))
        .await
        .unwrap();
}

#[tokio::test]
async fn duplicate_email_is_409_case_insensitively() {
    let (_app, _account, client) = setup().await;
    client
        .create_user(&user_request("dup@example.com", "First", "User", None))
        .await
        .unwrap();
    api_error(
        client
            .create_user(&user_request("dup@example.com", "Second", "User", None))
            .await,
        409,
    );
    let message = api_error(
        client
            .create_user(&user_request("DUP@Example.COM", "Third", "User", None))
            .await,
        409,
    );
    assert!(
        message.to_lowercase().contains("dup@example.com"),
        "{message}"
    );
    assert_eq!(client.list_users(None, None).await.unwrap().total_count, 1);
}

#[tokio::test]
async fn the_same_email_may_exist_in_two_accounts() {
    let (app, _account, client) = setup().await;
    let other = app.new_account().await;
    let other_client = app.client(&other, &ALL_SCOPES).await;
    client
        .create_user(&user_request("shared@example.com", "A", "A", None))
        .await
        .unwrap();
    other_client
        .create_user(&user_request("shared@example.com", "B", "B", None))
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_emails_are_400() {
    let (_app, _account, client) = setup().await;
    for email in [
        "",
        "plain",
        "a@b",
        "@example.com",
        "a@@example.com",
        "a b@example.com",
        "a..b@example.com",
        "a@-example.com",
    ] {
        let message = api_error(
            client
                .create_user(&user_request(email, "A", "B", None))
                .await,
            400,
        );
        assert!(message.contains("email"), "{email:?}: {message}");
    }
    assert_eq!(client.list_users(None, None).await.unwrap().total_count, 0);
}

#[tokio::test]
async fn empty_or_blank_names_are_400() {
    let (_app, _account, client) = setup().await;
    for (first, last, field) in [
        ("", "Doe", "firstName"),
        ("   ", "Doe", "firstName"),
        ("Jane", "", "lastName"),
        ("Jane", " \t ", "lastName"),
    ] {
        let message = api_error(
            client
                .create_user(&user_request("jane@example.com", first, last, None))
                .await,
            400,
        );
        assert!(message.contains(field), "({first:?}, {last:?}): {message}");
    }
    assert_eq!(client.list_users(None, None).await.unwrap().total_count, 0);
}

#[tokio::test]
async fn missing_required_fields_are_400() {
    let (app, account, client) = setup().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    let bodies: [(Value, &str); 4] = [
        (json!({"firstName": "Jane", "lastName": "Doe"}), "email"),
        (
            json!({"email": "jane@example.com", "lastName": "Doe"}),
            "firstName",
        ),
        (
            json!({"email": "jane@example.com", "firstName": "Jane"}),
            "lastName",
        ),
        (json!({}), "email"),
    ];
    for (body, field) in bodies {
        let response = app
            .http()
            .post(iam(&app, &account.uuid, "/users"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let error = envelope(response, 400).await;
        let message = assert_envelope_value(&error, 400);
        assert!(message.contains(field), "{body}: {message}");
    }
    assert_eq!(client.list_users(None, None).await.unwrap().total_count, 0);
}

#[tokio::test]
async fn unknown_group_id_is_400_naming_it() {
    let (_app, _account, client) = setup().await;
    let known = client
        .create_group(&group_request("Known", None))
        .await
        .unwrap();
    let unknown = "6f1f2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
    let message = api_error(
        client
            .create_user(&user_request(
                "ann@example.com",
                "Ann",
                "Smith",
                Some(vec![known.group_id.clone(), unknown.to_owned()]),
            ))
            .await,
        400,
    );
    assert!(
        message.contains(unknown),
        "the message names the unknown group id: {message}"
    );
    // A malformed id is named as well.
    let message = api_error(
        client
            .create_user(&user_request(
                "ann@example.com",
                "Ann",
                "Smith",
                Some(vec!["not-a-group".into()]),
            ))
            .await,
        400,
    );
    assert!(message.contains("not-a-group"), "{message}");
    assert_eq!(
        client.list_users(None, None).await.unwrap().total_count,
        0,
        "a refused create leaves nothing behind"
    );
}

#[tokio::test]
async fn a_group_of_another_account_is_an_unknown_group() {
    let (app, _account, client) = setup().await;
    let other = app.new_account().await;
    let other_client = app.client(&other, &ALL_SCOPES).await;
    let foreign = other_client
        .create_group(&group_request("Foreign", None))
        .await
        .unwrap();
    let message = api_error(
        client
            .create_user(&user_request(
                "ann@example.com",
                "Ann",
                "Smith",
                Some(vec![foreign.group_id.clone()]),
            ))
            .await,
        400,
    );
    assert!(message.contains(&foreign.group_id), "{message}");
}

#[tokio::test]
async fn repeated_group_ids_count_once() {
    let (_app, _account, client) = setup().await;
    let a = client
        .create_group(&group_request("A", None))
        .await
        .unwrap();
    let user = client
        .create_user(&user_request(
            "ann@example.com",
            "Ann",
            "Smith",
            Some(vec![a.group_id.clone(), a.group_id.clone()]),
        ))
        .await
        .unwrap();
    assert_eq!(user.groups, vec![a.group_id]);
}

#[tokio::test]
async fn explicit_nulls_for_non_nullable_fields_are_400() {
    let (app, account, _client) = setup().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    let http = app.http();
    let null_groups =
        json!({"email": "null@example.com", "firstName": "N", "lastName": "U", "groups": null});
    let response = http
        .post(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .json(&null_groups)
        .send()
        .await
        .unwrap();
    let body = envelope(response, 400).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("groups"),
        "{body}"
    );
    let null_description = json!({"name": "Nulls", "description": null});
    let response = http
        .post(iam(&app, &account.uuid, "/groups"))
        .bearer_auth(&token)
        .json(&null_description)
        .send()
        .await
        .unwrap();
    envelope(response, 400).await;
    // Nothing was created by either.
    let users = http
        .get(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(json(users).await["totalCount"], 0);
}
