//! The audit log: `GET /audit/v1/accounts/{a}`.

use accountd_testkit::{ALL_SCOPES, TestApp};
use serde_json::{Value, json};

use crate::common::{
    ENV_READ, IDM_READ, advance, api_error, envelope, group_request, json, setup, user_request,
};

async fn events(app: &TestApp, token: &str, account: &str, query: &str) -> reqwest::Response {
    app.http()
        .get(app.url(&format!("/audit/v1/accounts/{account}{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn summary(body: &Value) -> Vec<(String, String, String)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (text("actor"), text("eventType"), text("resourceType"))
        })
        .collect()
}

#[tokio::test]
async fn rest_and_admin_changes_are_recorded_newest_first_with_their_actor() {
    let (app, account, client) = setup().await;
    // Made first: creating its OAuth client is itself an (admin) event.
    let token = app.token(&account, &[IDM_READ]).await;
    let group = client
        .create_group(&group_request("Auditors", None))
        .await
        .unwrap();
    let user = client
        .create_user(&user_request(
            "ada@example.com",
            "Ada",
            "L",
            Some(vec![group.group_id.clone()]),
        ))
        .await
        .unwrap();
    client
        .update_user(
            &user.uid,
            &user_request("ada@example.com", "Ada", "Lovelace", None),
        )
        .await
        .unwrap();
    // A refused change (duplicate email) leaves no event.
    api_error(
        client
            .create_user(&user_request("ADA@example.com", "A", "B", None))
            .await,
        409,
    );
    client.delete_group(&group.group_id).await.unwrap();
    app.admin()
        .deactivate_user(&account.uuid, &user.uid)
        .await
        .unwrap();

    let body = json(events(&app, &token, &account.uuid, "").await).await;
    let newest: Vec<_> = summary(&body).into_iter().take(5).collect();
    let client_actor = newest[1].0.clone();
    assert!(client_actor.starts_with("client:dt0s02."), "{client_actor}");
    assert_eq!(
        newest,
        vec![
            ("admin".into(), "UPDATE".into(), "user".into()),
            (client_actor.clone(), "DELETE".into(), "group".into()),
            (client_actor.clone(), "UPDATE".into(), "user".into()),
            (client_actor.clone(), "CREATE".into(), "user".into()),
            (client_actor, "CREATE".into(), "group".into()),
        ]
    );
    let update = &body["items"][2];
    assert_eq!(update["resourceId"], json!(user.uid));
    assert_eq!(update["before"]["lastName"], "L");
    assert_eq!(update["after"]["lastName"], "Lovelace");
    // updateUser without groups cleared the membership: visible in before/after.
    assert_eq!(update["before"]["groups"], json!([group.group_id]));
    assert_eq!(update["after"]["groups"], json!([]));
    let deleted = &body["items"][1];
    assert_eq!(deleted["before"]["name"], "Auditors");
    assert!(
        deleted.get("after").is_none(),
        "a DELETE has no after: {deleted}"
    );
    // Admin-made account setup (account, environment, clients) is in the log too.
    let kinds: Vec<_> = summary(&body).into_iter().map(|(_, _, r)| r).collect();
    for expected in ["account", "environment", "oauth_client"] {
        assert!(
            kinds.iter().any(|k| k == expected),
            "{expected} missing from {kinds:?}"
        );
    }
    assert_eq!(body["totalCount"].as_u64(), Some(kinds.len() as u64));
}

#[tokio::test]
async fn bootstrap_changes_are_recorded_as_bootstrap() {
    let yaml = r#"
accounts:
  - uuid: 0b7a1c9e-3c44-4b8a-9a55-0c1e2f3a4b5c
    name: Boot
    oauthClients:
      - {clientId: dt0s02.AUDIT, clientSecret: dt0s02.AUDIT.SECRET, scopes: [account-idm-read]}
    groups:
      - {name: Admins}
    users:
      - {email: ada@example.com, firstName: Ada, lastName: Lovelace, groups: [Admins]}
"#;
    let app = TestApp::builder().bootstrap(yaml).spawn().await;
    let client = app.client_with(
        "0b7a1c9e-3c44-4b8a-9a55-0c1e2f3a4b5c",
        "dt0s02.AUDIT".into(),
        "dt0s02.AUDIT.SECRET".into(),
    );
    let token = client.token().await.unwrap();
    let body = json(events(&app, &token, "0b7a1c9e-3c44-4b8a-9a55-0c1e2f3a4b5c", "").await).await;
    let all = summary(&body);
    assert!(
        all.iter().all(|(actor, _, _)| actor == "bootstrap"),
        "{all:?}"
    );
    let kinds: Vec<_> = all
        .iter()
        .map(|(_, e, r)| (e.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("CREATE", "user"),
            ("CREATE", "group"),
            ("CREATE", "oauth_client"),
            ("CREATE", "account")
        ]
    );
}

#[tokio::test]
async fn filters_and_paging() {
    let (app, account, client) = setup().await;
    for n in 0..5 {
        client
            .create_group(&group_request(&format!("G{n}"), None))
            .await
            .unwrap();
    }
    // Everything after this instant happens two minutes later on the injected clock.
    advance(&app, 120);
    let cutoff = accountd_core::Clock::now(app.clock()) - time::Duration::seconds(60);
    client
        .create_user(&user_request("late@example.com", "Late", "User", None))
        .await
        .unwrap();
    let token = app.token(&account, &ALL_SCOPES).await;

    let groups = json(events(&app, &token, &account.uuid, "?resourceType=group").await).await;
    assert_eq!(groups["totalCount"], 5);
    assert!(summary(&groups).iter().all(|(_, _, r)| r == "group"));

    let start = cutoff
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let recent =
        json(events(&app, &token, &account.uuid, &format!("?startTime={start}")).await).await;
    let recent_kinds: Vec<_> = summary(&recent)
        .into_iter()
        .map(|(_, e, r)| (e, r))
        .collect();
    // The new OAuth client of `app.token` and the late user.
    assert!(
        recent_kinds.contains(&("CREATE".into(), "user".into())),
        "{recent_kinds:?}"
    );
    assert!(
        !recent_kinds.iter().any(|(_, r)| r == "group"),
        "{recent_kinds:?}"
    );
    let old = json(
        events(
            &app,
            &token,
            &account.uuid,
            &format!("?endTime={start}&resourceType=user"),
        )
        .await,
    )
    .await;
    assert_eq!(old["totalCount"], 0);

    // Paging: 2 per page, newest first, every event once, the filter kept by the key.
    let mut seen = Vec::new();
    let mut query = "?resourceType=group&pageSize=2".to_owned();
    loop {
        let page = json(events(&app, &token, &account.uuid, &query).await).await;
        assert_eq!(page["totalCount"], 5);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().parse::<i64>().unwrap()),
        );
        match page["nextPageKey"].as_str() {
            Some(key) => query = format!("?nextPageKey={key}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seen:?}"
    );
}

#[tokio::test]
async fn bad_parameters_scopes_and_other_accounts() {
    let (app, account, _client) = setup().await;
    let token = app.token(&account, &ALL_SCOPES).await;
    for query in [
        "?resourceType=bogus",
        "?startTime=yesterday",
        "?endTime=2026-13-01T00:00:00Z",
        "?pageSize=0",
        "?nextPageKey=x",
    ] {
        envelope(events(&app, &token, &account.uuid, query).await, 400).await;
    }
    let env_only = app.token(&account, &[ENV_READ]).await;
    envelope(events(&app, &env_only, &account.uuid, "").await, 403).await;
    let other = app.new_account().await;
    envelope(events(&app, &token, &other.uuid, "").await, 403).await;
    envelope(
        app.http()
            .get(app.url(&format!("/audit/v1/accounts/{}", account.uuid)))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}
