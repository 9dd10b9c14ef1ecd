//! SCIM groups in the REST API (owner SCIM: not changeable there, but permissions can be
//! assigned), member values that name no user, and the audit log of SCIM changes.

use std::collections::BTreeSet;

use accountd_proto::GroupPermission;
use serde_json::{Value, json};

use crate::common::{api_error, group_request, user_request};
use crate::scim_common::{
    audit_events, group_body, id, member_values, rest_members, scim_setup, user_body,
};

fn permission(name: &str, scope: &str, scope_type: &str) -> GroupPermission {
    GroupPermission {
        permission_name: name.to_owned(),
        scope: scope.to_owned(),
        scope_type: scope_type.to_owned(),
    }
}

#[tokio::test]
async fn a_scim_group_is_owned_by_scim_and_the_rest_api_may_only_assign_it_permissions() {
    let s = scim_setup().await;
    let user = s
        .scim
        .create("/Users", &user_body("perm@example.com", "Per", "Mission"))
        .await;
    let uid = id(&user);
    let group = s
        .scim
        .create("/Groups", &group_body("IdP Admins", &[&uid]))
        .await;
    let gid = id(&group);
    let rest_group = s.rest.get_group(&gid).await.unwrap();
    assert_eq!(rest_group.owner, "SCIM");
    assert_eq!(rest_group.name, "IdP Admins");
    assert!(
        s.rest
            .list_all_groups(None)
            .await
            .unwrap()
            .iter()
            .any(|g| g.group_id == gid && g.owner == "SCIM")
    );

    // REST update and delete: 409, nothing changed.
    api_error(
        s.rest
            .update_group(&gid, &group_request("Hijacked", None))
            .await,
        409,
    );
    api_error(s.rest.delete_group(&gid).await, 409);
    assert_eq!(s.rest.get_group(&gid).await.unwrap().name, "IdP Admins");
    assert_eq!(rest_members(&s.rest, &gid).await, vec![uid.clone()]);

    // Permissions: assigned through REST, kept across SCIM changes.
    let env = s.account.environment.clone();
    s.rest
        .add_group_permissions(
            &gid,
            &[
                permission("tenant-viewer", &env, "tenant"),
                permission("account-viewer", &s.account.uuid, "account"),
            ],
        )
        .await
        .unwrap();
    let assigned = s.rest.group_permissions(&gid).await.unwrap();
    assert_eq!(assigned.owner, "SCIM");
    assert_eq!(assigned.permissions.len(), 2);
    s.scim
        .patch_ok(
            &format!("/Groups/{gid}"),
            json!([{"op": "replace", "path": "displayName", "value": "IdP Admins EU"}]),
        )
        .await;
    let assigned = s.rest.group_permissions(&gid).await.unwrap();
    assert_eq!(assigned.name, "IdP Admins EU");
    assert_eq!(assigned.permissions.len(), 2);
    s.rest
        .remove_group_permission(&gid, &permission("tenant-viewer", &env, "tenant"))
        .await
        .unwrap();
    assert_eq!(
        s.rest.group_permissions(&gid).await.unwrap().permissions,
        vec![permission("account-viewer", &s.account.uuid, "account")]
    );

    // A REST-made group stays LOCAL and changeable.
    let local = s
        .rest
        .create_group(&group_request("Local", None))
        .await
        .unwrap();
    assert_eq!(local.owner, "LOCAL");
    s.rest
        .update_group(&local.group_id, &group_request("Local 2", None))
        .await
        .unwrap();

    // SCIM deletes its group (with its permissions).
    s.scim.delete_ok(&format!("/Groups/{gid}")).await;
    api_error(s.rest.get_group(&gid).await, 404);
    assert!(s.rest.get_user(&uid).await.unwrap().groups.is_empty());
}

#[tokio::test]
async fn member_values_that_name_no_user_of_the_account_are_ignored() {
    let s = scim_setup().await;
    let user = s
        .scim
        .create("/Users", &user_body("real@example.com", "Real", "User"))
        .await;
    let uid = id(&user);
    // A user of another account, a service user, and things that are not uids.
    let other = s.app.new_account().await;
    let other_rest = s.app.client(&other, &accountd_testkit::ALL_SCOPES).await;
    let foreign = other_rest
        .create_user(&user_request("foreign@example.com", "F", "O", None))
        .await
        .unwrap();
    let group = s
        .scim
        .create(
            "/Groups",
            &group_body(
                "Mixed",
                &[
                    &uid,
                    &foreign.uid,
                    "00000000-0000-4000-8000-000000000000",
                    "not-a-uid",
                ],
            ),
        )
        .await;
    let gid = id(&group);
    assert_eq!(member_values(&group), vec![uid.clone()]);
    assert_eq!(rest_members(&s.rest, &gid).await, vec![uid.clone()]);
    // Same through PATCH add.
    let patched = s
        .scim
        .patch_ok(
            &format!("/Groups/{gid}"),
            json!([{"op": "add", "path": "members", "value": [{"value": foreign.uid}, {"value": "00000000-0000-4000-8000-000000000001"}]}]),
        )
        .await;
    assert_eq!(member_values(&patched), vec![uid.clone()]);
    assert!(
        other_rest
            .get_user(&foreign.uid)
            .await
            .unwrap()
            .groups
            .is_empty()
    );
}

#[tokio::test]
async fn every_scim_change_is_audited_with_the_token_as_actor() {
    let s = scim_setup().await;
    let actor = format!("scim:{}", s.token.id);
    let user = s
        .scim
        .create("/Users", &user_body("audited@example.com", "Au", "Dited"))
        .await;
    let uid = id(&user);
    s.scim
        .patch_ok(
            &format!("/Users/{uid}"),
            json!([{"op": "replace", "path": "name.familyName", "value": "Ditor"}]),
        )
        .await;
    let group = s.scim.create("/Groups", &group_body("Audited", &[])).await;
    let gid = id(&group);
    s.scim
        .patch_ok(
            &format!("/Groups/{gid}"),
            json!([{"op": "add", "path": "members", "value": [{"value": uid}]}]),
        )
        .await;
    s.scim
        .patch_ok(
            &format!("/Groups/{gid}"),
            json!([{"op": "replace", "path": "displayName", "value": "Audited 2"}]),
        )
        .await;
    s.scim.delete_ok(&format!("/Users/{uid}")).await;
    s.scim.delete_ok(&format!("/Groups/{gid}")).await;
    // A refused change (taken userName) leaves no event.
    s.scim
        .create("/Users", &user_body("other@example.com", "O", "T"))
        .await;
    crate::scim_common::scim_error(
        s.scim
            .post("/Users", &user_body("OTHER@example.com", "O", "T"))
            .await,
        409,
        Some("uniqueness"),
    )
    .await;

    let events = audit_events(&s.app, &s.account).await;
    let by_scim: Vec<&Value> = events.iter().filter(|e| e["actor"] == actor).collect();
    let kinds: BTreeSet<(String, String, String)> = by_scim
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (text("eventType"), text("resourceType"), text("resourceId"))
        })
        .collect();
    for expected in [
        ("CREATE", "user", uid.as_str()),
        ("UPDATE", "user", uid.as_str()),
        ("DELETE", "user", uid.as_str()),
        ("CREATE", "group", gid.as_str()),
        ("UPDATE", "group", gid.as_str()),
        ("DELETE", "group", gid.as_str()),
    ] {
        let expected = (
            expected.0.to_owned(),
            expected.1.to_owned(),
            expected.2.to_owned(),
        );
        assert!(
            kinds.contains(&expected),
            "{expected:?} missing from {kinds:?}"
        );
    }
    // Every user/group event since the token was made is the token's: nothing else acted.
    let user_creates = events
        .iter()
        .filter(|e| e["eventType"] == "CREATE" && e["resourceType"] == "user")
        .count();
    assert_eq!(
        user_creates, 2,
        "one per created user, none for the refused one"
    );
    for event in events
        .iter()
        .filter(|e| e["resourceType"] == "user" || e["resourceType"] == "group")
    {
        assert_eq!(event["actor"], json!(actor), "{event}");
    }
    // The user's update shows the rename.
    let rename = by_scim
        .iter()
        .find(|e| {
            e["eventType"] == "UPDATE"
                && e["resourceId"] == json!(uid)
                && e["before"]["lastName"] == "Dited"
        })
        .unwrap_or_else(|| panic!("no UPDATE of the user's lastName in {by_scim:?}"));
    assert_eq!(rename["after"]["lastName"], "Ditor");
    // The group's rename too.
    assert!(
        by_scim.iter().any(|e| e["eventType"] == "UPDATE"
            && e["resourceId"] == json!(gid)
            && e["after"]["name"] == "Audited 2"),
        "{by_scim:?}"
    );

    // The admin's token management is in the log as admin.
    assert!(
        events.iter().any(|e| e["actor"] == "admin"
            && e["resourceType"]
                .as_str()
                .is_some_and(|r| r.contains("scim"))),
        "{events:?}"
    );
}

#[tokio::test]
async fn concurrent_member_patches_from_two_instances_all_survive() {
    if crate::multi_instance::skip() {
        return;
    }
    let s = scim_setup().await;
    let second = s.app.second_instance().await;
    let other = crate::scim_common::Scim::real(
        &second,
        &s.account.uuid,
        Some(crate::scim_common::secret(&s.token)),
    );
    let group = s.scim.create("/Groups", &group_body("Busy", &[])).await;
    let gid = id(&group);
    let mut uids = Vec::new();
    for n in 0..12 {
        let user = s
            .scim
            .create(
                "/Users",
                &user_body(&format!("c{n}@example.com"), "Con", "Current"),
            )
            .await;
        uids.push(id(&user));
    }
    let mut tasks = Vec::new();
    for (n, uid) in uids.iter().enumerate() {
        let scim = if n % 2 == 0 {
            s.scim.clone()
        } else {
            other.clone()
        };
        let (path, uid) = (format!("/Groups/{gid}"), uid.clone());
        tasks.push(tokio::spawn(async move {
            let response = scim
                .patch(
                    &path,
                    &crate::scim_common::patch_body(
                        json!([{"op": "add", "path": "members", "value": [{"value": uid}]}]),
                    ),
                )
                .await;
            (uid, response.status().as_u16())
        }));
    }
    let mut accepted = Vec::new();
    for task in tasks {
        let (uid, status) = task.await.unwrap();
        // A change may be refused as busy under contention (503); an accepted one is never lost.
        assert!(status == 200 || status == 503, "{status}");
        if status == 200 {
            accepted.push(uid);
        }
    }
    assert!(!accepted.is_empty());
    let members = rest_members(&s.rest, &gid).await;
    for uid in &accepted {
        assert!(members.contains(uid), "an accepted add was lost: {uid}");
    }
    // Adding the refused ones again (adds are idempotent) completes the group.
    for uid in uids.iter().filter(|uid| !accepted.contains(uid)) {
        s.scim
            .patch_ok(
                &format!("/Groups/{gid}"),
                json!([{"op": "add", "path": "members", "value": [{"value": uid}]}]),
            )
            .await;
    }
    let mut expected = uids.clone();
    expected.sort();
    assert_eq!(rest_members(&s.rest, &gid).await, expected);
    assert_eq!(
        member_values(&other.get_ok(&format!("/Groups/{gid}")).await),
        expected
    );
}
