//! `accountctl permissions ...` and `environments list`.

use crate::common::{ACCOUNT, Cli, PROD, STAGING, table};

#[tokio::test]
async fn list_grant_and_revoke() {
    let cli = Cli::seeded().await;
    let out = cli.run(&["permissions", "list"]).await.ok();
    let rows = table(&out);
    assert_eq!(rows[0], ["GROUP", "PERMISSION", "SCOPE TYPE", "SCOPE"]);
    assert_eq!(rows.len(), 5, "{out}");
    assert_eq!(rows[1], ["Admins", "account-viewer", "account", ACCOUNT]);
    assert_eq!(
        rows[4],
        ["Developers", "tenant-operator", "tenant", STAGING]
    );

    let only = cli
        .json(&["permissions", "list", "--group", "Developers"])
        .await;
    assert_eq!(only.as_array().unwrap().len(), 2);
    assert_eq!(only[0]["permissionName"], "tenant-viewer");
    assert_eq!(only[0]["scopeType"], "TENANT");

    let out = cli
        .run(&[
            "permissions",
            "grant",
            "--group",
            "Auditors",
            "--permission",
            "tenant-viewer",
            "--scope",
            STAGING,
        ])
        .await
        .ok();
    assert_eq!(
        out.trim(),
        format!("granted tenant-viewer on tenant {STAGING} to group Auditors")
    );
    // Account scope defaults to the account itself.
    cli.run(&[
        "permissions",
        "grant",
        "--group",
        "Auditors",
        "--permission",
        "account-viewer",
        "--scope-type",
        "account",
    ])
    .await
    .ok();
    let granted = cli
        .json(&["permissions", "list", "--group", "Auditors"])
        .await;
    let pairs: Vec<(String, String)> = granted
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["permissionName"].as_str().unwrap().to_owned(),
                p["scope"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("tenant-viewer".to_owned(), STAGING.to_owned()),
            ("account-viewer".to_owned(), ACCOUNT.to_owned())
        ]
    );

    let out = cli
        .run(&[
            "permissions",
            "revoke",
            "--group",
            "Auditors",
            "--permission",
            "tenant-viewer",
            "--scope",
            STAGING,
        ])
        .await
        .ok();
    assert_eq!(
        out.trim(),
        format!("revoked tenant-viewer on tenant {STAGING} from group Auditors")
    );
    assert_eq!(
        cli.json(&["permissions", "list", "--group", "Auditors"])
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Not granted (any more): not found.
    cli.run(&[
        "permissions",
        "revoke",
        "--group",
        "Auditors",
        "--permission",
        "tenant-viewer",
        "--scope",
        STAGING,
    ])
    .await
    .fails(3);
    // A tenant permission needs --scope.
    let err = cli
        .run(&[
            "permissions",
            "grant",
            "--group",
            "Auditors",
            "--permission",
            "tenant-viewer",
        ])
        .await
        .fails(2);
    assert!(err.contains("--scope"), "{err}");
    // An environment the account does not have: the server's 400, exit 1.
    cli.run(&[
        "permissions",
        "grant",
        "--group",
        "Auditors",
        "--permission",
        "tenant-viewer",
        "--scope",
        "nosuchenv",
    ])
    .await
    .fails(1);
}

#[tokio::test]
async fn environments_are_listed() {
    let cli = Cli::seeded().await;
    let rows = table(&cli.run(&["environments", "list"]).await.ok());
    assert_eq!(rows[0], ["ID", "NAME", "STATUS", "TRIAL"]);
    assert_eq!(rows[1], [PROD, "Production", "ACTIVE", "false"]);
    assert_eq!(rows[2], [STAGING, "Staging", "ACTIVE", "false"]);
    let json = cli.json(&["environments", "list"]).await;
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[1]["name"], "Staging");
}
