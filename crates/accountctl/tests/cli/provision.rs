//! `accountctl provision`: create or bring to the groups, idempotently.

use crate::common::Cli;

fn provision<'a>(email: &'a str, groups: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "provision",
        "--email",
        email,
        "--first-name",
        "Erin",
        "--last-name",
        "Early",
    ];
    for group in groups {
        args.extend(["--group", group]);
    }
    args
}

#[tokio::test]
async fn a_new_user_is_created_in_its_groups_and_a_rerun_changes_nothing() {
    let cli = Cli::seeded().await;
    let developers = cli.group_id("Developers").await;
    let out = cli
        .run(&provision("erin@example.com", &["Admins", &developers]))
        .await
        .ok();
    let uid = cli.uid("erin@example.com").await;
    assert_eq!(
        out.trim(),
        format!(
            "created user erin@example.com (uid {uid}); an invitation was sent\n  added to group Admins\n  added to group Developers"
        )
    );
    assert_eq!(
        cli.group_names("erin@example.com").await,
        ["Admins", "Developers"]
    );
    let before = cli.client().get_user(&uid).await.unwrap();

    let out = cli
        .run(&provision("erin@example.com", &["Admins", "Developers"]))
        .await
        .ok();
    assert_eq!(
        out.trim(),
        format!(
            "user erin@example.com exists (uid {uid})\n  already in group Admins\n  already in group Developers\n  nothing to change"
        )
    );
    let after = cli.client().get_user(&uid).await.unwrap();
    assert_eq!(before, after, "a rerun does not touch the user");

    let json = cli
        .json(&provision("erin@example.com", &["Admins", "Developers"]))
        .await;
    assert_eq!(json["changed"], false);
    assert_eq!(json["created"], false);
    assert_eq!(json["uid"], uid.as_str());
}

#[tokio::test]
async fn an_existing_user_is_brought_to_the_groups() {
    let cli = Cli::seeded().await;
    // bob is in Developers; provisioning into Auditors adds it and keeps Developers.
    let json = cli
        .json(&[
            "provision",
            "--email",
            "bob@example.com",
            "--first-name",
            "Bob",
            "--last-name",
            "Builder",
            "--group",
            "Auditors",
        ])
        .await;
    assert_eq!(json["created"], false);
    assert_eq!(json["changed"], true);
    assert_eq!(json["addedGroups"], serde_json::json!(["Auditors"]));
    assert_eq!(json["keptGroups"], serde_json::json!(["Developers"]));
    assert_eq!(
        cli.group_names("bob@example.com").await,
        ["Auditors", "Developers"]
    );

    // --exact-groups also leaves the others, and a new name is applied.
    let out = cli
        .run(&[
            "provision",
            "--email",
            "bob@example.com",
            "--first-name",
            "Robert",
            "--last-name",
            "Builder",
            "--group",
            "Admins",
            "--exact-groups",
        ])
        .await
        .ok();
    assert!(out.contains("  updated first and last name"), "{out}");
    assert!(out.contains("  added to group Admins"), "{out}");
    assert!(out.contains("  removed from group Developers"), "{out}");
    assert!(out.contains("  removed from group Auditors"), "{out}");
    assert_eq!(cli.group_names("bob@example.com").await, ["Admins"]);
    assert_eq!(
        cli.client()
            .get_user("bob@example.com")
            .await
            .unwrap()
            .first_name,
        "Robert"
    );
}

#[tokio::test]
async fn an_unknown_group_stops_before_any_change() {
    let cli = Cli::seeded().await;
    let err = cli
        .run(&provision("erin@example.com", &["Admins", "Nonexistent"]))
        .await
        .fails(3);
    assert!(err.contains("group 'Nonexistent' not found"), "{err}");
    assert!(err.contains("accountctl groups create"), "{err}");
    assert!(cli.client().get_user("erin@example.com").await.is_err());
}
