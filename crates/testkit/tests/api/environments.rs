//! Seed 000 listEnvironments.

use accountd_proto::admin::EnvironmentRequest;
use accountd_proto::{Environment, EnvironmentStatus};
use serde_json::json;

use crate::common::{api_error, env, json, setup};

#[tokio::test]
async fn list_environments_shows_the_account_environments() {
    let (app, account, client) = setup().await;
    let page = client.list_environments(None, None).await.unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.next_page_key, None);
    assert_eq!(
        page.environments,
        vec![Environment {
            id: account.environment.clone(),
            name: "Production".into(),
            status: EnvironmentStatus::Active,
            trial: false
        }]
    );

    // The wire shape.
    let token = client.token().await.unwrap();
    let response = app
        .http()
        .get(env(&app, &account.uuid, "/environments"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        json(response).await,
        json!({"totalCount": 1, "environments": [{"id": account.environment, "name": "Production", "status": "ACTIVE", "trial": false}]})
    );
}

#[tokio::test]
async fn environments_carry_status_and_trial() {
    let (app, account, client) = setup().await;
    let admin = app.admin();
    admin
        .create_environment(
            &account.uuid,
            &EnvironmentRequest {
                id: Some("trial001".into()),
                name: "Trial".into(),
                status: Some(EnvironmentStatus::Trial),
                trial: Some(true),
            },
        )
        .await
        .unwrap();
    admin
        .create_environment(
            &account.uuid,
            &EnvironmentRequest {
                id: Some("susp0001".into()),
                name: "Old".into(),
                status: Some(EnvironmentStatus::Suspended),
                trial: Some(false),
            },
        )
        .await
        .unwrap();
    let page = client.list_environments(None, None).await.unwrap();
    assert_eq!(page.total_count, 3);
    let trial = page
        .environments
        .iter()
        .find(|e| e.id == "trial001")
        .unwrap();
    assert_eq!(
        (trial.name.as_str(), trial.status, trial.trial),
        ("Trial", EnvironmentStatus::Trial, true)
    );
    let suspended = page
        .environments
        .iter()
        .find(|e| e.id == "susp0001")
        .unwrap();
    assert_eq!(
        (suspended.name.as_str(), suspended.status, suspended.trial),
        ("Old", EnvironmentStatus::Suspended, false)
    );
}

#[tokio::test]
async fn environments_are_paged() {
    let (app, account, client) = setup().await;
    for i in 0..4 {
        app.admin()
            .create_environment(
                &account.uuid,
                &EnvironmentRequest {
                    id: Some(format!("env{i}")),
                    name: format!("Env {i}"),
                    status: None,
                    trial: None,
                },
            )
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut key: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = client
            .list_environments(Some(2), key.as_deref())
            .await
            .unwrap();
        pages += 1;
        assert_eq!(page.total_count, 5);
        assert!(page.environments.len() <= 2);
        seen.extend(page.environments.into_iter().map(|e| e.id));
        match page.next_page_key {
            Some(next) => key = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut expected = vec![
        account.environment.clone(),
        "env0".into(),
        "env1".into(),
        "env2".into(),
        "env3".into(),
    ];
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn an_account_without_environments_lists_none() {
    let (app, account, client) = setup().await;
    app.admin()
        .delete_environment(&account.uuid, &account.environment)
        .await
        .unwrap();
    let page = client.list_environments(None, None).await.unwrap();
    assert_eq!(page.total_count, 0);
    assert!(page.environments.is_empty());
}

#[tokio::test]
async fn list_environments_validates_page_size() {
    let (_app, _account, client) = setup().await;
    api_error(client.list_environments(Some(0), None).await, 400);
    api_error(client.list_environments(Some(1001), None).await, 400);
    assert_eq!(
        client
            .list_environments(Some(1000), None)
            .await
            .unwrap()
            .total_count,
        1
    );
}
