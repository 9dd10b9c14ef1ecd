//! `accountctl groups ...` and `groups members ...`.

use crate::common::{Cli, table};

#[tokio::test]
async fn list_get_create_update_delete() {
    let cli = Cli::seeded().await;
    let rows = table(&cli.run(&["groups", "list"]).await.ok());
    assert_eq!(rows[0], ["NAME", "DESCRIPTION", "OWNER", "ID"]);
    let names: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["Admins", "Developers", "Auditors"]);

    let out = cli.run(&["groups", "get", "Developers"]).await.ok();
    let rows = table(&out);
    assert!(rows.contains(&vec!["members".into(), "2".into()]), "{out}");
    assert!(out.contains("tenant-viewer on tenant prod0001"), "{out}");
    assert!(out.contains("tenant-operator on tenant stag0001"), "{out}");
    let json = cli.json(&["groups", "get", "Admins"]).await;
    assert_eq!(json["name"], "Admins");
    assert_eq!(json["memberCount"], 1);
    assert_eq!(json["permissions"].as_array().unwrap().len(), 2);

    let created = cli
        .json(&[
            "groups",
            "create",
            "--name",
            "Platform",
            "--description",
            "Platform team",
        ])
        .await;
    let id = created["groupId"].as_str().unwrap().to_owned();
    assert_eq!(created["description"], "Platform team");
    // By id as well as by name.
    assert_eq!(cli.json(&["groups", "get", &id]).await["name"], "Platform");

    // Renaming keeps the description (updateGroup replaces both).
    let updated = cli
        .json(&[
            "groups",
            "update",
            "Platform",
            "--name",
            "Platform Engineering",
        ])
        .await;
    assert_eq!(updated["name"], "Platform Engineering");
    assert_eq!(updated["description"], "Platform team");
    let updated = cli
        .json(&["groups", "update", &id, "--description", "PE"])
        .await;
    assert_eq!(updated["name"], "Platform Engineering");
    assert_eq!(updated["description"], "PE");

    let out = cli
        .run(&["groups", "delete", "Platform Engineering"])
        .await
        .ok();
    assert_eq!(
        out.trim(),
        format!("deleted group Platform Engineering (id {id})")
    );
    let err = cli
        .run(&["groups", "get", "Platform Engineering"])
        .await
        .fails(3);
    assert!(err.contains("Platform Engineering"), "{err}");
    // A duplicate name is a conflict.
    cli.run(&["groups", "create", "--name", "Admins"])
        .await
        .fails(1);
}

#[tokio::test]
async fn members_are_added_by_email_listed_and_removed() {
    let cli = Cli::seeded().await;
    let out = cli
        .run(&["groups", "members", "list", "Developers"])
        .await
        .ok();
    let emails: Vec<String> = table(&out)[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(emails, ["ada@example.com", "bob@example.com"]);

    // The group-side route takes uids; the command resolves emails (and accepts uids).
    let dave = cli.uid("dave@example.com").await;
    let out = cli
        .run(&[
            "groups",
            "members",
            "add",
            "Developers",
            "carol@example.com",
            &dave,
        ])
        .await
        .ok();
    assert_eq!(
        out.trim(),
        "added to group Developers: carol@example.com, dave@example.com"
    );
    let members = cli.json(&["groups", "members", "list", "Developers"]).await;
    assert_eq!(members.as_array().unwrap().len(), 4);
    assert_eq!(
        cli.group_names("dave@example.com").await,
        ["Auditors", "Developers"]
    );
    // Adding again is not an error.
    cli.run(&[
        "groups",
        "members",
        "add",
        "Developers",
        "carol@example.com",
    ])
    .await
    .ok();

    let out = cli
        .run(&[
            "groups",
            "members",
            "remove",
            "Developers",
            "carol@example.com",
        ])
        .await
        .ok();
    assert_eq!(
        out.trim(),
        "removed from group Developers: carol@example.com"
    );
    assert!(cli.group_names("carol@example.com").await.is_empty());
    // Not a member (any more): not found.
    cli.run(&[
        "groups",
        "members",
        "remove",
        "Developers",
        "carol@example.com",
    ])
    .await
    .fails(3);
    // An unknown user stops before anything changes.
    cli.run(&["groups", "members", "add", "Developers", "zed@example.com"])
        .await
        .fails(3);
}
