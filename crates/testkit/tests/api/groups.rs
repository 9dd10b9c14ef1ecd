//! Seed 000 groups: listGroups, createGroup, getGroup, updateGroup, deleteGroup.

use accountd_testkit::{ALL_SCOPES, TestApp};
use serde_json::json;

use crate::common::{
    advance, api_error, envelope, group_request, iam, json, setup, timestamp, user_request,
};

#[tokio::test]
async fn create_group_answers_200_with_a_local_group() {
    let (app, account, _client) = setup().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    let response = app
        .http()
        .post(iam(&app, &account.uuid, "/groups"))
        .bearer_auth(&token)
        .json(&json!({"name": "Platform Engineering", "description": "Group for the platform engineering team"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        200,
        "createGroup answers 200 (seed 000)"
    );
    let body = json(response).await;
    assert_eq!(body["name"], "Platform Engineering");
    assert_eq!(
        body["description"],
        "Group for the platform engineering team"
    );
    assert_eq!(body["owner"], "LOCAL");
    let id = body["groupId"].as_str().expect("groupId");
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "groupId '{id}' is a uuid"
    );
    let created = timestamp(body["createdAt"].as_str().expect("createdAt"));
    let updated = timestamp(body["updatedAt"].as_str().expect("updatedAt"));
    assert_eq!(created, updated);
}

#[tokio::test]
async fn description_is_optional() {
    let (_app, _account, client) = setup().await;
    let group = client
        .create_group(&group_request("No description", None))
        .await
        .unwrap();
    assert_eq!(group.name, "No description");
    assert_eq!(client.get_group(&group.group_id).await.unwrap(), group);
}

#[tokio::test]
async fn list_and_get_groups() {
    let (_app, _account, client) = setup().await;
    let empty = client.list_groups(None, None).await.unwrap();
    assert_eq!(empty.total_count, 0);
    assert!(empty.items.is_empty());
    assert_eq!(empty.next_page_key, None);

    let a = client
        .create_group(&group_request("A", Some("first")))
        .await
        .unwrap();
    let b = client
        .create_group(&group_request("B", Some("second")))
        .await
        .unwrap();
    let page = client.list_groups(None, None).await.unwrap();
    assert_eq!(page.total_count, 2);
    assert_eq!(page.next_page_key, None);
    assert_eq!(page.items, vec![a.clone(), b.clone()]);
    assert_eq!(client.get_group(&a.group_id).await.unwrap(), a);
    assert_eq!(
        client.get_group(&b.group_id.to_uppercase()).await.unwrap(),
        b
    );
}

#[tokio::test]
async fn get_group_unknown_or_malformed_is_404() {
    let (_app, _account, client) = setup().await;
    api_error(
        client.get_group(&uuid::Uuid::new_v4().to_string()).await,
        404,
    );
    api_error(client.get_group("not-a-group-id").await, 404);
    api_error(client.get_group("42").await, 404);
}

#[tokio::test]
async fn update_group_changes_name_and_description() {
    let (app, _account, client) = setup().await;
    let group = client
        .create_group(&group_request("Old", Some("old description")))
        .await
        .unwrap();
    advance(&app, 90);
    let updated = client
        .update_group(
            &group.group_id,
            &group_request("New", Some("new description")),
        )
        .await
        .unwrap();
    assert_eq!(updated.group_id, group.group_id);
    assert_eq!(updated.name, "New");
    assert_eq!(updated.description, "new description");
    assert_eq!(updated.owner, "LOCAL");
    assert_eq!(updated.created_at, group.created_at);
    assert_eq!(
        timestamp(&updated.updated_at) - timestamp(&group.updated_at),
        time::Duration::seconds(90)
    );
    assert_eq!(client.get_group(&group.group_id).await.unwrap(), updated);
    // The old name is free again.
    client
        .create_group(&group_request("Old", None))
        .await
        .unwrap();
}

#[tokio::test]
async fn update_group_errors() {
    let (_app, _account, client) = setup().await;
    let group = client
        .create_group(&group_request("Mine", None))
        .await
        .unwrap();
    client
        .create_group(&group_request("Taken", None))
        .await
        .unwrap();
    api_error(
        client
            .update_group(&uuid::Uuid::new_v4().to_string(), &group_request("X", None))
            .await,
        404,
    );
    api_error(
        client
            .update_group("not-a-group-id", &group_request("X", None))
            .await,
        404,
    );
    api_error(
        client
            .update_group(&group.group_id, &group_request("Taken", None))
            .await,
        409,
    );
    api_error(
        client
            .update_group(&group.group_id, &group_request("", None))
            .await,
        400,
    );
    api_error(
        client
            .update_group(&group.group_id, &group_request("   ", None))
            .await,
        400,
    );
    assert_eq!(client.get_group(&group.group_id).await.unwrap(), group);
    // Keeping its own name is not a conflict.
    client
        .update_group(&group.group_id, &group_request("Mine", Some("same name")))
        .await
        .unwrap();
}

#[tokio::test]
async fn create_group_validation() {
    let (app, account, client) = setup().await;
    client
        .create_group(&group_request("Dup", None))
        .await
        .unwrap();
    let message = api_error(
        client
            .create_group(&group_request("Dup", Some("again")))
            .await,
        409,
    );
    assert!(message.contains("Dup"), "{message}");
    api_error(client.create_group(&group_request("", None)).await, 400);
    api_error(client.create_group(&group_request(" ", None)).await, 400);

    let token = app.token(&account, &ALL_SCOPES).await;
    for body in [
        json!({"description": "no name"}),
        json!({"name": 7}),
        json!({"name": "x", "description": false}),
    ] {
        let response = app
            .http()
            .post(iam(&app, &account.uuid, "/groups"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        envelope(response, 400).await;
    }
    assert_eq!(client.list_groups(None, None).await.unwrap().total_count, 1);
}

#[tokio::test]
async fn delete_group_answers_204_then_404() {
    let (app, account, client) = setup().await;
    let group = client
        .create_group(&group_request("Gone", None))
        .await
        .unwrap();
    let token = app.token(&account, &ALL_SCOPES).await;
    let url = iam(&app, &account.uuid, &format!("/groups/{}", group.group_id));
    let response = app
        .http()
        .delete(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert!(response.bytes().await.unwrap().is_empty());
    api_error(client.get_group(&group.group_id).await, 404);
    envelope(
        app.http()
            .delete(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    api_error(client.delete_group("not-a-group-id").await, 404);
    assert_eq!(client.list_groups(None, None).await.unwrap().total_count, 0);
    // The name is free again.
    client
        .create_group(&group_request("Gone", None))
        .await
        .unwrap();
}

#[tokio::test]
async fn delete_group_removes_its_memberships() {
    let (_app, _account, client) = setup().await;
    let keep = client
        .create_group(&group_request("Keep", None))
        .await
        .unwrap();
    let gone = client
        .create_group(&group_request("Gone", None))
        .await
        .unwrap();
    let user = client
        .create_user(&user_request(
            "ann@example.com",
            "Ann",
            "Smith",
            Some(vec![keep.group_id.clone(), gone.group_id.clone()]),
        ))
        .await
        .unwrap();
    assert_eq!(user.groups.len(), 2);

    client.delete_group(&gone.group_id).await.unwrap();
    assert_eq!(
        client.get_user(&user.uid).await.unwrap().groups,
        vec![keep.group_id.clone()]
    );
    assert_eq!(
        client.list_users(None, None).await.unwrap().items[0].groups,
        vec![keep.group_id.clone()]
    );
    // The deleted group is now an unknown group for updates.
    let message = api_error(
        client
            .update_user(
                &user.uid,
                &user_request(
                    "ann@example.com",
                    "Ann",
                    "Smith",
                    Some(vec![gone.group_id.clone()]),
                ),
            )
            .await,
        400,
    );
    assert!(message.contains(&gone.group_id), "{message}");
}

const ACCOUNT: &str = "3f0c9a52-8d1e-4b7a-a6c4-1e2d3c4b5a69";

#[tokio::test]
async fn delete_group_removes_its_permissions() {
    let yaml = format!(
        r#"
accounts:
  - uuid: {ACCOUNT}
    name: Permissions
    environments:
      - {{id: prod0001, name: Production}}
    oauthClients:
      - {{clientId: dt0s02.PERMS, clientSecret: dt0s02.PERMS.SECRET, scopes: [account-idm-read, account-idm-write]}}
    groups:
      - name: Viewers
        permissions:
          - {{permissionName: account-viewer, scope: {ACCOUNT}, scopeType: account}}
      - name: Operators
        permissions:
          - {{permissionName: tenant-operator, scope: prod0001, scopeType: tenant}}
"#
    );
    let app = TestApp::builder().bootstrap(yaml).spawn().await;
    let client = app.client_with(ACCOUNT, "dt0s02.PERMS".into(), "dt0s02.PERMS.SECRET".into());
    let groups = client.list_groups(None, None).await.unwrap().items;
    let viewers = groups
        .iter()
        .find(|g| g.name == "Viewers")
        .unwrap()
        .group_id
        .clone();
    let operators = groups
        .iter()
        .find(|g| g.name == "Operators")
        .unwrap()
        .group_id
        .clone();
    let before = client.list_permissions().await.unwrap().permissions;
    assert_eq!(before.len(), 2);

    client.delete_group(&viewers).await.unwrap();
    let after = client.list_permissions().await.unwrap().permissions;
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0].group_id, operators);
    assert_eq!(after[0].permission_name, "tenant-operator");
    assert!(after.iter().all(|p| p.group_id != viewers));
}
