//! `accountctl users ...`.

use serde_json::Value;

use crate::common::{Cli, table};

#[tokio::test]
async fn list_shows_every_user_as_a_table_json_yaml_and_csv() {
    let cli = Cli::seeded().await;
    let out = cli.run(&["users", "list"]).await.ok();
    let rows = table(&out);
    assert_eq!(
        rows[0],
        [
            "EMAIL",
            "FIRST NAME",
            "LAST NAME",
            "STATUS",
            "GROUPS",
            "UID"
        ]
    );
    let emails: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        emails,
        [
            "ada@example.com",
            "bob@example.com",
            "carol@example.com",
            "dave@example.com"
        ]
    );
    assert_eq!(rows[1][1..5], ["Ada", "Lovelace", "ACTIVE", "2"]);
    assert_eq!(rows[1][5], cli.uid("ada@example.com").await);

    let json = cli.json(&["users", "list"]).await;
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["email"], "ada@example.com");
    assert_eq!(items[0]["groups"].as_array().unwrap().len(), 2);

    let yaml = cli.run(&["users", "list", "-o", "yaml"]).await.ok();
    let parsed: Value = yaml_serde::from_str(&yaml).unwrap();
    assert_eq!(parsed, json);

    let csv = cli.run(&["users", "list", "--output", "csv"]).await.ok();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "EMAIL,FIRST NAME,LAST NAME,STATUS,GROUPS,UID");
    assert!(
        lines[3].starts_with("carol@example.com,Carol,Shaw,ACTIVE,0,"),
        "{csv}"
    );
    assert_eq!(lines.len(), 5);

    // The email filter.
    let one = cli
        .json(&["users", "list", "--email", "BOB@example.com"])
        .await;
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["email"], "bob@example.com");
}

#[tokio::test]
async fn get_by_email_or_uid_names_the_groups() {
    let cli = Cli::seeded().await;
    let out = cli.run(&["users", "get", "ada@example.com"]).await.ok();
    let rows = table(&out);
    assert_eq!(rows[0], ["FIELD", "VALUE"]);
    assert!(
        rows.contains(&vec!["first name".into(), "Ada".into()]),
        "{out}"
    );
    assert!(
        rows.contains(&vec!["groups".into(), "Admins, Developers".into()]),
        "{out}"
    );
    let uid = cli.uid("ada@example.com").await;
    let json = cli.json(&["users", "get", &uid]).await;
    assert_eq!(json["email"], "ada@example.com");
    assert_eq!(json["uid"], uid.as_str());

    let err = cli
        .run(&["users", "get", "nobody@example.com"])
        .await
        .fails(3);
    assert!(
        err.contains("nobody@example.com") && err.contains("not found"),
        "{err}"
    );
}

#[tokio::test]
async fn create_update_and_delete_keep_what_was_not_asked_to_change() {
    let cli = Cli::seeded().await;
    let developers = cli.group_id("Developers").await;
    let created = cli
        .json(&[
            "users",
            "create",
            "--email",
            "erin@example.com",
            "--first-name",
            "Erin",
            "--last-name",
            "Early",
            "--group",
            "Admins",
            "--group",
            &developers,
        ])
        .await;
    assert_eq!(created["userStatus"], "PENDING_INVITE");
    assert_eq!(
        cli.group_names("erin@example.com").await,
        ["Admins", "Developers"]
    );

    // updateUser is a full replacement on the wire; the command sends the current groups.
    let out = cli
        .run(&["users", "update", "erin@example.com", "--last-name", "Late"])
        .await
        .ok();
    assert!(out.contains("Late"), "{out}");
    let user = cli.client().get_user("erin@example.com").await.unwrap();
    assert_eq!(
        (user.first_name.as_str(), user.last_name.as_str()),
        ("Erin", "Late")
    );
    assert_eq!(
        cli.group_names("erin@example.com").await,
        ["Admins", "Developers"]
    );

    // --group replaces the groups; --clear-groups empties them.
    cli.run(&["users", "update", "erin@example.com", "--group", "Auditors"])
        .await
        .ok();
    assert_eq!(cli.group_names("erin@example.com").await, ["Auditors"]);
    cli.run(&["users", "update", "erin@example.com", "--clear-groups"])
        .await
        .ok();
    assert!(cli.group_names("erin@example.com").await.is_empty());
    assert_eq!(
        cli.client()
            .get_user("erin@example.com")
            .await
            .unwrap()
            .last_name,
        "Late"
    );

    let out = cli.run(&["users", "delete", "erin@example.com"]).await.ok();
    assert!(
        out.starts_with("deleted user erin@example.com (uid "),
        "{out}"
    );
    cli.run(&["users", "get", "erin@example.com"])
        .await
        .fails(3);
    cli.run(&["users", "delete", "erin@example.com"])
        .await
        .fails(3);
}

#[tokio::test]
async fn create_with_an_unknown_group_changes_nothing() {
    let cli = Cli::seeded().await;
    let err = cli
        .run(&[
            "users",
            "create",
            "--email",
            "x@example.com",
            "--first-name",
            "X",
            "--last-name",
            "Y",
            "--group",
            "Nobody",
        ])
        .await
        .fails(3);
    assert!(err.contains("group 'Nobody' not found"), "{err}");
    assert!(cli.client().get_user("x@example.com").await.is_err());
    // A duplicate is a conflict (exit 1) with the server's message.
    let err = cli
        .run(&[
            "users",
            "create",
            "--email",
            "ada@example.com",
            "--first-name",
            "A",
            "--last-name",
            "L",
        ])
        .await
        .fails(1);
    assert!(err.contains("conflict"), "{err}");
}
