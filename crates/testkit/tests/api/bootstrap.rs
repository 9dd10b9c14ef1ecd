//! The bootstrap file: its shape, fixed credentials, idempotent re-application, changes applied
//! on restart, and startup errors that name the file and the line or path.

use accountd_proto::{Environment, EnvironmentStatus};
use accountd_testkit::TestApp;
use serde_json::Value;

use crate::common::{advance, env, iam, json, timestamp, token_form, user_request};

const ACME: &str = "5b3c1d2e-7f4a-4b6c-9d8e-0a1b2c3d4e5f";
const GLOBEX: &str = "c0ffee00-1234-4abc-8def-0123456789ab";
const CLIENT_ID: &str = "dt0s02.ACME";
const CLIENT_SECRET: &str = "dt0s02.ACME.FIXED-SECRET";

fn acme_yaml(ada_last_name: &str, developers_description: &str) -> String {
    format!(
        r#"# A bootstrap file as the issue describes it.
accounts:
  - uuid: {ACME}
    name: Acme
    environments:
      - {{id: acme0001, name: Production, status: ACTIVE, trial: false}}
      - {{id: acme0002, name: Sandbox, status: TRIAL, trial: true}}
    oauthClients:
      - clientId: {CLIENT_ID}
        clientSecret: {CLIENT_SECRET}
        scopes: [account-idm-read, account-idm-write, account-env-read]
      - clientId: dt0s02.ACME-READER
        clientSecret: dt0s02.ACME-READER.SECRET
        scopes: [account-idm-read]
    groups:
      - name: Admins
        description: Account admins
      - name: Developers
        description: {developers_description}
    users:
      - email: ada@acme.example
        firstName: Ada
        lastName: {ada_last_name}
        groups: [Admins, Developers]
      - {{email: grace@acme.example, firstName: Grace, lastName: Hopper, groups: [Developers]}}
      - {{email: alan@acme.example, firstName: Alan, lastName: Turing}}
  - uuid: {GLOBEX}
    name: Globex
    oauthClients:
      - {{clientId: dt0s02.GLOBEX, clientSecret: dt0s02.GLOBEX.SECRET, scopes: [account-idm-read]}}
"#
    )
}

async fn token(app: &TestApp, id: &str, secret: &str) -> Value {
    let response = token_form(
        app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 200, "token for {id}");
    json(response).await
}

/// Raw JSON of every seed listing of Acme, for byte-for-byte comparisons.
async fn snapshot(app: &TestApp) -> Vec<Value> {
    let body = token(app, CLIENT_ID, CLIENT_SECRET).await;
    let token = body["access_token"].as_str().unwrap().to_owned();
    let mut out = Vec::new();
    for url in [
        iam(app, ACME, "/users?pageSize=1000"),
        iam(app, ACME, "/groups?pageSize=1000"),
        iam(app, ACME, "/permissions"),
        env(app, ACME, "/environments?pageSize=1000"),
    ] {
        let response = app
            .http()
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{url}");
        out.push(json(response).await);
    }
    let admin = app.admin();
    out.push(serde_json::to_value(admin.list_accounts().await.unwrap()).unwrap());
    out.push(serde_json::to_value(admin.list_clients(ACME).await.unwrap()).unwrap());
    out
}

#[tokio::test]
async fn the_bootstrap_file_declares_accounts_environments_clients_groups_and_users() {
    let app = TestApp::builder()
        .bootstrap(acme_yaml("Lovelace", "Developers"))
        .spawn()
        .await;
    assert!(
        app.demo().is_none(),
        "no demo account when a bootstrap file is given"
    );

    // Fixed credentials work, with the declared scopes, by form body and by HTTP Basic.
    let body = token(&app, CLIENT_ID, CLIENT_SECRET).await;
    assert_eq!(body["resource"], format!("urn:dtaccount:{ACME}"));
    let mut scopes: Vec<&str> = body["scope"].as_str().unwrap().split(' ').collect();
    scopes.sort_unstable();
    assert_eq!(
        scopes,
        vec!["account-env-read", "account-idm-read", "account-idm-write"]
    );
    let response = app
        .http()
        .post(app.token_url())
        .basic_auth("dt0s02.ACME-READER", Some("dt0s02.ACME-READER.SECRET"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(json(response).await["scope"], "account-idm-read");
    assert_eq!(
        token(&app, "dt0s02.GLOBEX", "dt0s02.GLOBEX.SECRET").await["resource"],
        format!("urn:dtaccount:{GLOBEX}")
    );

    let client = app.client_with(ACME, CLIENT_ID.into(), CLIENT_SECRET.into());
    let mut environments = client
        .list_environments(None, None)
        .await
        .unwrap()
        .environments;
    environments.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(
        environments,
        vec![
            Environment {
                id: "acme0001".into(),
                name: "Production".into(),
                status: EnvironmentStatus::Active,
                trial: false
            },
            Environment {
                id: "acme0002".into(),
                name: "Sandbox".into(),
                status: EnvironmentStatus::Trial,
                trial: true
            },
        ]
    );

    let groups = client.list_groups(None, None).await.unwrap().items;
    assert_eq!(groups.len(), 2);
    let admins = groups.iter().find(|g| g.name == "Admins").unwrap();
    let developers = groups.iter().find(|g| g.name == "Developers").unwrap();
    assert_eq!(admins.description, "Account admins");
    assert_eq!(admins.owner, "LOCAL");

    let users = client.list_users(None, None).await.unwrap();
    assert_eq!(users.total_count, 3);
    let ada = client.get_user("ada@acme.example").await.unwrap();
    assert_eq!(
        (ada.first_name.as_str(), ada.last_name.as_str()),
        ("Ada", "Lovelace")
    );
    let mut ada_groups = ada.groups.clone();
    ada_groups.sort();
    let mut expected = vec![admins.group_id.clone(), developers.group_id.clone()];
    expected.sort();
    assert_eq!(
        ada_groups, expected,
        "group names in the file become group ids"
    );
    assert_eq!(
        client.get_user("grace@acme.example").await.unwrap().groups,
        vec![developers.group_id.clone()]
    );
    assert!(
        client
            .get_user("alan@acme.example")
            .await
            .unwrap()
            .groups
            .is_empty()
    );

    // The second account is separate.
    let globex = app.client_with(
        GLOBEX,
        "dt0s02.GLOBEX".into(),
        "dt0s02.GLOBEX.SECRET".into(),
    );
    assert_eq!(globex.list_users(None, None).await.unwrap().total_count, 0);
    assert_eq!(app.admin().list_accounts().await.unwrap().accounts.len(), 2);
}

#[tokio::test]
async fn applying_the_same_file_twice_changes_nothing() {
    let mut app = TestApp::builder()
        .bootstrap(acme_yaml("Lovelace", "Developers"))
        .spawn()
        .await;
    let before = snapshot(&app).await;
    // Any rewrite after this would carry a later timestamp.
    advance(&app, 3600);
    app.restart().await;
    let after = snapshot(&app).await;
    assert_eq!(
        before, after,
        "the second application of the same file must not write anything"
    );
    advance(&app, 3600);
    app.restart().await;
    assert_eq!(before, snapshot(&app).await);
}

#[tokio::test]
async fn a_changed_file_is_applied_on_restart() {
    let mut app = TestApp::builder()
        .bootstrap(acme_yaml("Lovelace", "Developers"))
        .spawn()
        .await;
    let client = app.client_with(ACME, CLIENT_ID.into(), CLIENT_SECRET.into());
    let ada = client.get_user("ada@acme.example").await.unwrap();
    let grace = client.get_user("grace@acme.example").await.unwrap();
    let developers = client
        .list_groups(None, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|g| g.name == "Developers")
        .unwrap();
    // Something made through the API, which the file does not declare.
    let own = client
        .create_user(&user_request("own@acme.example", "Own", "User", None))
        .await
        .unwrap();

    advance(&app, 600);
    app.set_bootstrap(acme_yaml("King", "Builders of things"));
    app.restart().await;

    let client = app.client_with(ACME, CLIENT_ID.into(), CLIENT_SECRET.into());
    let ada_after = client.get_user("ada@acme.example").await.unwrap();
    assert_eq!(ada_after.last_name, "King");
    assert_eq!(ada_after.uid, ada.uid);
    assert_eq!(ada_after.groups.len(), 2);
    assert_eq!(ada_after.created_at, ada.created_at);
    assert_eq!(
        timestamp(&ada_after.last_modified_at) - timestamp(&ada.last_modified_at),
        time::Duration::seconds(600)
    );
    assert_eq!(
        client.get_user("grace@acme.example").await.unwrap(),
        grace,
        "an unchanged user is not rewritten"
    );
    let developers_after = client.get_group(&developers.group_id).await.unwrap();
    assert_eq!(developers_after.description, "Builders of things");
    assert_eq!(
        client.get_user(&own.uid).await.unwrap(),
        own,
        "undeclared objects are left alone"
    );
    assert_eq!(client.list_users(None, None).await.unwrap().total_count, 4);
}

/// Starts with `yaml` and returns the startup error.
async fn startup_error(yaml: &str) -> String {
    match TestApp::builder().bootstrap(yaml).try_spawn().await {
        Ok(_) => panic!("accountd started with a bad bootstrap file:\n{yaml}"),
        Err(err) => err,
    }
}

#[tokio::test]
async fn invalid_yaml_names_the_file_and_the_line() {
    let err = startup_error(
        "accounts:\n  - uuid: 5b3c1d2e-7f4a-4b6c-9d8e-0a1b2c3d4e5f\n    name: [unclosed\n",
    )
    .await;
    assert!(err.contains("bootstrap.yaml"), "{err}");
    assert!(err.contains("line"), "{err}");
    let err = startup_error("accounts:\n\t- tab: indented\n").await;
    assert!(
        err.contains("bootstrap.yaml") && err.contains("line"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unknown_key_names_the_file_the_key_and_its_place() {
    let yaml = format!("accounts:\n  - uuid: {ACME}\n    name: Acme\n    nmae: Typo\n");
    let err = startup_error(&yaml).await;
    assert!(err.contains("bootstrap.yaml"), "{err}");
    assert!(err.contains("nmae"), "{err}");
    assert!(
        err.contains("line 4") || err.contains("accounts[0]"),
        "{err}"
    );

    let yaml = format!(
        "accounts:\n  - uuid: {ACME}\n    name: Acme\n    users:\n      - {{email: a@b.co, firstName: A, lastName: B, role: admin}}\n"
    );
    let err = startup_error(&yaml).await;
    assert!(
        err.contains("bootstrap.yaml") && err.contains("role"),
        "{err}"
    );
    assert!(
        err.contains("line 5") || err.contains("accounts[0].users[0]"),
        "{err}"
    );

    let err = startup_error("acounts: []\n").await;
    assert!(
        err.contains("bootstrap.yaml") && err.contains("acounts"),
        "{err}"
    );
}

#[tokio::test]
async fn a_bad_email_names_its_path() {
    let yaml = format!(
        "accounts:\n  - uuid: {ACME}\n    name: Acme\n    users:\n      - {{email: not-an-email, firstName: A, lastName: B}}\n"
    );
    let err = startup_error(&yaml).await;
    assert!(err.contains("bootstrap.yaml"), "{err}");
    assert!(err.contains("accounts[0].users[0].email"), "{err}");
    assert!(err.contains("not-an-email"), "{err}");

    let yaml = format!(
        "accounts:\n  - uuid: {ACME}\n    name: Acme\n    users:\n      - {{email: ok@acme.example, firstName: A, lastName: B}}\n      - {{email: 'x y@acme.example', firstName: A, lastName: B}}\n"
    );
    let err = startup_error(&yaml).await;
    assert!(err.contains("accounts[0].users[1].email"), "{err}");
}

#[tokio::test]
async fn other_semantic_errors_name_their_path() {
    let cases = [
        (
            "accounts:\n  - uuid: not-a-uuid\n    name: Acme\n".to_owned(),
            "accounts[0].uuid",
        ),
        (
            format!(
                "accounts:\n  - uuid: {ACME}\n    name: Acme\n    users:\n      - {{email: a@acme.example, firstName: A, lastName: B, groups: [Nope]}}\n"
            ),
            "accounts[0].users[0].groups[0]",
        ),
        (
            format!(
                "accounts:\n  - uuid: {ACME}\n    name: Acme\n    users:\n      - {{email: a@acme.example, firstName: '  ', lastName: B}}\n"
            ),
            "accounts[0].users[0].firstName",
        ),
        (
            format!(
                "accounts:\n  - uuid: {ACME}\n    name: Acme\n    oauthClients:\n      - {{clientId: dt0s02.X, clientSecret: s, scopes: [root]}}\n"
            ),
            "accounts[0].oauthClients[0].scopes",
        ),
        (
            format!(
                "accounts:\n  - uuid: {ACME}\n    name: Acme\n    environments:\n      - {{id: BAD ID, name: Prod}}\n"
            ),
            "accounts[0].environments[0]",
        ),
    ];
    for (yaml, path) in cases {
        let err = startup_error(&yaml).await;
        assert!(err.contains("bootstrap.yaml"), "{err}");
        assert!(err.contains(path), "expected '{path}' in: {err}");
    }
}

#[tokio::test]
async fn a_mistyped_value_names_the_line() {
    let yaml = format!(
        "accounts:\n  - uuid: {ACME}\n    name: Acme\n    environments:\n      - {{id: acme0001, name: Prod, trial: maybe}}\n"
    );
    let err = startup_error(&yaml).await;
    assert!(err.contains("bootstrap.yaml"), "{err}");
    assert!(
        err.contains("line 5") || err.contains("accounts[0].environments[0].trial"),
        "{err}"
    );
}
