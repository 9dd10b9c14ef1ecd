//! `accountctl access-report` on the seeded account, in all three formats.

use serde_json::json;

use crate::common::{ACCOUNT, Cli, PROD, STAGING};

#[tokio::test]
async fn the_table_shows_user_group_permission_and_environment() {
    let cli = Cli::seeded().await;
    let out = cli.run(&["access-report"]).await.ok();
    let expected = format!(
        "\
USER               STATUS  GROUP       PERMISSION       SCOPE TYPE  SCOPE                                 ENVIRONMENT
ada@example.com    ACTIVE  Admins      account-viewer   account     {ACCOUNT}
ada@example.com    ACTIVE  Admins      tenant-admin     tenant      {PROD}                              Production ({PROD})
ada@example.com    ACTIVE  Developers  tenant-viewer    tenant      {PROD}                              Production ({PROD})
ada@example.com    ACTIVE  Developers  tenant-operator  tenant      {STAGING}                              Staging ({STAGING})
bob@example.com    ACTIVE  Developers  tenant-viewer    tenant      {PROD}                              Production ({PROD})
bob@example.com    ACTIVE  Developers  tenant-operator  tenant      {STAGING}                              Staging ({STAGING})
carol@example.com  ACTIVE
dave@example.com   ACTIVE  Auditors
"
    );
    assert_eq!(out, expected);
}

#[tokio::test]
async fn csv_has_one_row_per_grant_and_filters_by_environment() {
    let cli = Cli::seeded().await;
    let out = cli.run(&["access-report", "--format", "csv"]).await.ok();
    let expected = format!(
        "\
email,userStatus,group,permission,scopeType,scope,environment,environmentName
ada@example.com,ACTIVE,Admins,account-viewer,account,{ACCOUNT},,
ada@example.com,ACTIVE,Admins,tenant-admin,tenant,{PROD},{PROD},Production
ada@example.com,ACTIVE,Developers,tenant-viewer,tenant,{PROD},{PROD},Production
ada@example.com,ACTIVE,Developers,tenant-operator,tenant,{STAGING},{STAGING},Staging
bob@example.com,ACTIVE,Developers,tenant-viewer,tenant,{PROD},{PROD},Production
bob@example.com,ACTIVE,Developers,tenant-operator,tenant,{STAGING},{STAGING},Staging
carol@example.com,ACTIVE,,,,,,
dave@example.com,ACTIVE,Auditors,,,,,
"
    );
    assert_eq!(out, expected);

    let staging = cli
        .run(&["access-report", "--format", "csv", "--environment", STAGING])
        .await
        .ok();
    assert_eq!(
        staging,
        format!(
            "\
email,userStatus,group,permission,scopeType,scope,environment,environmentName
ada@example.com,ACTIVE,Developers,tenant-operator,tenant,{STAGING},{STAGING},Staging
bob@example.com,ACTIVE,Developers,tenant-operator,tenant,{STAGING},{STAGING},Staging
"
        )
    );
    // `-o csv` picks the CSV form too.
    assert_eq!(
        cli.run(&["access-report", "-o", "csv"]).await.ok(),
        expected
    );
}

#[tokio::test]
async fn json_nests_groups_and_permissions_under_users() {
    let cli = Cli::seeded().await;
    let out = cli
        .run(&[
            "access-report",
            "--format",
            "json",
            "--user",
            "ada@example.com",
        ])
        .await
        .ok();
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let admins = cli.group_id("Admins").await;
    let developers = cli.group_id("Developers").await;
    let uid = cli.uid("ada@example.com").await;
    let grant = |name: &str, scope_type: &str, scope: &str, env: &str, env_name: &str| {
        json!({"permissionName": name, "scopeType": scope_type, "scope": scope,
               "environment": env, "environmentName": env_name})
    };
    assert_eq!(
        value,
        json!([{
            "email": "ada@example.com", "uid": uid, "userStatus": "ACTIVE",
            "groups": [
                {"groupId": admins, "name": "Admins", "permissions": [
                    grant("account-viewer", "account", ACCOUNT, "", ""),
                    grant("tenant-admin", "tenant", PROD, PROD, "Production"),
                ]},
                {"groupId": developers, "name": "Developers", "permissions": [
                    grant("tenant-viewer", "tenant", PROD, PROD, "Production"),
                    grant("tenant-operator", "tenant", STAGING, STAGING, "Staging"),
                ]},
            ]
        }])
    );

    // Every user, filtered to production: carol (no groups) and dave (no permissions) drop out.
    let prod = cli.json(&["access-report", "--environment", PROD]).await;
    let emails: Vec<&str> = prod
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ada@example.com", "bob@example.com"]);
    assert_eq!(
        prod[1]["groups"][0]["permissions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    cli.run(&["access-report", "--user", "nobody@example.com"])
        .await
        .fails(3);
}

#[tokio::test]
async fn management_zone_grants_show_their_environment() {
    let cli = Cli::seeded().await;
    cli.run(&[
        "permissions",
        "grant",
        "--group",
        "Auditors",
        "--permission",
        "tenant-viewer",
        "--scope-type",
        "management-zone",
        "--scope",
        &format!("{PROD}:42"),
    ])
    .await
    .ok();
    let out = cli
        .run(&[
            "access-report",
            "--format",
            "csv",
            "--user",
            "dave@example.com",
        ])
        .await
        .ok();
    assert_eq!(
        out,
        format!(
            "\
email,userStatus,group,permission,scopeType,scope,environment,environmentName
dave@example.com,ACTIVE,Auditors,tenant-viewer,management-zone,{PROD}:42,{PROD},Production
"
        )
    );
}
