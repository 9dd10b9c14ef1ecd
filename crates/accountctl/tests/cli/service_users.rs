//! `accountctl service-users ...` and `accountctl token`.

use crate::common::{Cli, table};

#[tokio::test]
async fn service_users_lifecycle() {
    let cli = Cli::seeded().await;
    let created = cli
        .json(&[
            "service-users",
            "create",
            "--name",
            "ci-bot",
            "--description",
            "CI",
        ])
        .await;
    let uid = created["uid"].as_str().unwrap().to_owned();
    assert!(created["groupUuid"].is_string(), "{created}");

    let rows = table(&cli.run(&["service-users", "list"]).await.ok());
    assert_eq!(rows[0], ["NAME", "DESCRIPTION", "UID"]);
    assert_eq!(rows[1], ["ci-bot", "CI", uid.as_str()]);

    let out = cli.run(&["service-users", "get", &uid]).await.ok();
    assert!(
        table(&out).contains(&vec!["name".into(), "ci-bot".into()]),
        "{out}"
    );

    // Renaming keeps the description.
    let updated = cli
        .json(&["service-users", "update", &uid, "--name", "deploy-bot"])
        .await;
    assert_eq!(updated["name"], "deploy-bot");
    assert_eq!(updated["description"], "CI");

    let out = cli.run(&["service-users", "delete", &uid]).await.ok();
    assert_eq!(
        out.trim(),
        format!("deleted service user deploy-bot (uid {uid})")
    );
    cli.run(&["service-users", "get", &uid]).await.fails(3);
    assert_eq!(
        cli.json(&["service-users", "list"]).await,
        serde_json::json!([])
    );
    // Service users are users, but `users list` leaves them out unless asked.
    cli.json(&["service-users", "create", "--name", "other"])
        .await;
    assert_eq!(
        cli.json(&["users", "list"]).await.as_array().unwrap().len(),
        4
    );
    assert_eq!(
        cli.json(&["users", "list", "--service-users"])
            .await
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[tokio::test]
async fn token_prints_a_bearer_token_that_works() {
    let cli = Cli::seeded().await;
    let token = cli.run(&["token"]).await.ok();
    let token = token.trim();
    assert_eq!(token.lines().count(), 1);
    let response = cli
        .app
        .http()
        .get(
            cli.app
                .url(&format!("/iam/v1/accounts/{}/users", cli.account)),
        )
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);

    // --scope narrows the token: a write with a read-only token is refused.
    let read_only = cli
        .run(&["token", "--scopes", "account-idm-read"])
        .await
        .ok();
    let response = cli
        .app
        .http()
        .post(
            cli.app
                .url(&format!("/iam/v1/accounts/{}/groups", cli.account)),
        )
        .bearer_auth(read_only.trim())
        .json(&serde_json::json!({"name": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
}
