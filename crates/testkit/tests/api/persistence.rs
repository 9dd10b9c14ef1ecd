//! Data survives restarts (same database, new port); the demo account is created once.

use accountd_testkit::{ALL_SCOPES, TestApp};

use crate::common::{group_request, iam, json, user_request};

#[tokio::test]
async fn users_groups_clients_and_tokens_survive_a_restart() {
    let mut app = TestApp::spawn().await;
    let account = app.new_account().await;
    let (id, secret) = app.oauth_client(&account, &ALL_SCOPES).await;
    let client = app.client_with(&account.uuid, id.clone(), secret.clone());
    let group = client
        .create_group(&group_request("Persistent", Some("kept")))
        .await
        .unwrap();
    let mut users = Vec::new();
    for i in 0..5 {
        let groups = (i % 2 == 0).then(|| vec![group.group_id.clone()]);
        users.push(
            client
                .create_user(&user_request(
                    &format!("p{i}@example.com"),
                    "P",
                    &format!("{i}"),
                    groups,
                ))
                .await
                .unwrap(),
        );
    }
    let token = client.token().await.unwrap();
    let page_key = client
        .list_users(Some(2), None)
        .await
        .unwrap()
        .next_page_key
        .unwrap();
    let old_base = app.base_url();

    app.restart().await;
    assert_ne!(
        app.base_url(),
        old_base,
        "the restarted server listens on a new port"
    );

    let client = app.client_with(&account.uuid, id, secret);
    assert_eq!(client.list_users(None, None).await.unwrap().items, users);
    assert_eq!(
        client.list_groups(None, None).await.unwrap().items,
        vec![group]
    );
    assert_eq!(
        client
            .list_environments(None, None)
            .await
            .unwrap()
            .environments[0]
            .id,
        account.environment
    );
    // A token issued before the restart is still valid (the signing key is in the database).
    let response = app
        .http()
        .get(iam(&app, &account.uuid, "/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(json(response).await["totalCount"], 5);
    // So is a page key.
    let next = client.list_users(None, Some(&page_key)).await.unwrap();
    assert_eq!(next.items, users[2..4]);
    // Uniqueness still holds.
    crate::common::api_error(
        client
            .create_user(&user_request("P0@example.com", "P", "0", None))
            .await,
        409,
    );
}

#[tokio::test]
async fn the_demo_account_is_created_on_first_start_only() {
    let mut app = TestApp::spawn().await;
    let demo = app
        .demo()
        .expect("the first start without a bootstrap file creates the demo account")
        .clone();
    let accounts = app.admin().list_accounts().await.unwrap().accounts;
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].uuid, demo.account.to_string());

    let client = app.client_with(
        &demo.account.to_string(),
        demo.client_id.clone(),
        demo.client_secret.expose().to_owned(),
    );
    let token = client.token().await.unwrap();
    assert!(!token.is_empty());
    let environments = client.list_environments(None, None).await.unwrap();
    assert_eq!(environments.environments.len(), 1);
    assert_eq!(environments.environments[0].id, demo.environment);
    client
        .create_user(&user_request("demo-user@example.com", "Demo", "User", None))
        .await
        .unwrap();

    app.restart().await;
    assert!(
        app.demo().is_none(),
        "a restart does not create a second demo account"
    );
    assert_eq!(
        app.admin().list_accounts().await.unwrap().accounts,
        accounts
    );
    // The demo credentials keep working.
    let client = app.client_with(
        &demo.account.to_string(),
        demo.client_id.clone(),
        demo.client_secret.expose().to_owned(),
    );
    assert_eq!(client.list_users(None, None).await.unwrap().total_count, 1);

    app.restart().await;
    assert!(app.demo().is_none());
    assert_eq!(app.admin().list_accounts().await.unwrap().accounts.len(), 1);
}

#[tokio::test]
async fn deleting_the_demo_account_does_not_bring_it_back() {
    let mut app = TestApp::spawn().await;
    let demo = app.demo().expect("demo account").clone();
    app.admin()
        .delete_account(&demo.account.to_string())
        .await
        .unwrap();
    assert!(
        app.admin()
            .list_accounts()
            .await
            .unwrap()
            .accounts
            .is_empty()
    );
    app.restart().await;
    assert!(app.demo().is_none());
    assert!(
        app.admin()
            .list_accounts()
            .await
            .unwrap()
            .accounts
            .is_empty(),
        "the demo account is created once, ever"
    );
}

#[tokio::test]
async fn accounts_made_through_the_admin_api_survive_a_restart() {
    let mut app = TestApp::spawn().await;
    let account = app.new_account().await;
    let before = app.admin().list_accounts().await.unwrap().accounts;
    assert_eq!(before.len(), 2);
    app.restart().await;
    assert_eq!(app.admin().list_accounts().await.unwrap().accounts, before);
    let environments = app.admin().list_environments(&account.uuid).await.unwrap();
    assert_eq!(environments.environments[0].id, account.environment);
}
