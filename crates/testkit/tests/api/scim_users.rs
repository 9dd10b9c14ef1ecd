//! SCIM resources and protocol on `/Users` (and what the protocol shares with `/Groups`):
//! content types, 201 with `Location` and `ETag`, `If-Match`, PATCH answering the full resource,
//! uniqueness, mutability, and SCIM errors for unknown paths, methods and ids.

use accountd_proto::UserStatus;
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::json;

use crate::common::user_request;
use crate::scim_common::{
    GROUP_SCHEMA, PATCH_OP, SCIM_JSON, USER_SCHEMA, content_type, group_body, header, id, ok,
    patch_body, scim_error, scim_setup, total, user_body,
};

#[tokio::test]
async fn post_answers_201_with_location_and_etag_in_scim_json() {
    let s = scim_setup().await;
    let (headers, user) = ok(
        s.scim
            .post("/Users", &user_body("ada@example.com", "Ada", "Lovelace"))
            .await,
        201,
    )
    .await;
    let uid = id(&user);
    assert!(uuid::Uuid::parse_str(&uid).is_ok(), "id is a uuid: {uid}");
    assert!(content_type(&headers).starts_with(SCIM_JSON));
    assert_eq!(user["schemas"], json!([USER_SCHEMA]));
    assert_eq!(user["userName"], "ada@example.com");
    assert_eq!(user["name"]["givenName"], "Ada");
    assert_eq!(user["name"]["familyName"], "Lovelace");
    assert_eq!(user["active"], true);
    let meta = &user["meta"];
    assert_eq!(meta["resourceType"], "User");
    let location = s.scim.url(&format!("/Users/{uid}"));
    assert_eq!(meta["location"], json!(location));
    assert_eq!(header(&headers, "location"), location);
    let version = meta["version"].as_str().expect("meta.version");
    assert_eq!(header(&headers, "etag"), version);
    assert!(version.starts_with("W/\""), "{version}");
    crate::common::timestamp(meta["created"].as_str().unwrap());
    crate::common::timestamp(meta["lastModified"].as_str().unwrap());

    // GET answers the same resource, with the ETag.
    let (headers, read) = ok(s.scim.get(&format!("/Users/{uid}")).await, 200).await;
    assert_eq!(read, user);
    assert_eq!(header(&headers, "etag"), version);
    // The REST API has it, with the createdAt SCIM shows.
    let rest = s.rest.get_user(&uid).await.unwrap();
    assert_eq!(rest.email, "ada@example.com");
    assert_eq!(
        crate::common::timestamp(&rest.created_at),
        crate::common::timestamp(meta["created"].as_str().unwrap())
    );

    // Groups too.
    let (headers, group) = ok(
        s.scim
            .post("/Groups", &group_body("Analysts", &[&uid]))
            .await,
        201,
    )
    .await;
    let gid = id(&group);
    assert_eq!(group["schemas"], json!([GROUP_SCHEMA]));
    assert_eq!(group["meta"]["resourceType"], "Group");
    assert_eq!(
        header(&headers, "location"),
        s.scim.url(&format!("/Groups/{gid}"))
    );
    assert_eq!(
        group["meta"]["location"],
        json!(header(&headers, "location"))
    );
    assert_eq!(json!(header(&headers, "etag")), group["meta"]["version"]);
    assert_eq!(group["members"][0]["type"], "User");
}

#[tokio::test]
async fn application_json_requests_are_accepted_and_answers_are_scim_json() {
    let s = scim_setup().await;
    let http = s.app.http();
    let token = crate::scim_common::secret(&s.token).to_owned();
    let response = http
        .post(s.scim.url("/Users"))
        .bearer_auth(&token)
        .json(&user_body("json@example.com", "Jay", "Son"))
        .send()
        .await
        .unwrap();
    let (_, user) = ok(response, 201).await;
    let uid = id(&user);
    let response = http
        .patch(s.scim.url(&format!("/Users/{uid}")))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .body(
            patch_body(json!([{"op": "replace", "path": "name.givenName", "value": "Jason"}]))
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    let (_, patched) = ok(response, 200).await;
    assert_eq!(patched["name"]["givenName"], "Jason");
    // scim+json with a charset parameter too.
    let response = http
        .put(s.scim.url(&format!("/Users/{uid}")))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/scim+json; charset=utf-8")
        .body(user_body("json@example.com", "Jason", "Sonne").to_string())
        .send()
        .await
        .unwrap();
    let (_, replaced) = ok(response, 200).await;
    assert_eq!(replaced["name"]["familyName"], "Sonne");
    assert_eq!(s.rest.get_user(&uid).await.unwrap().last_name, "Sonne");
    // Other body types: 415, in SCIM form.
    let response = http
        .post(s.scim.url("/Users"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "text/plain")
        .body(user_body("text@example.com", "T", "P").to_string())
        .send()
        .await
        .unwrap();
    scim_error(response, 415, None).await;
    // Lists and errors are scim+json.
    ok(s.scim.get("/Users").await, 200).await;
    scim_error(
        s.scim
            .get("/Users/00000000-0000-4000-8000-000000000000")
            .await,
        404,
        None,
    )
    .await;
    // Bodies that are not JSON objects: 400 invalidSyntax.
    for body in ["{not json", "[1,2]", ""] {
        let response = http
            .post(s.scim.url("/Users"))
            .bearer_auth(&token)
            .header(CONTENT_TYPE, SCIM_JSON)
            .body(body)
            .send()
            .await
            .unwrap();
        scim_error(response, 400, Some("invalidSyntax")).await;
    }
    assert_eq!(s.rest.list_all_users(None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn if_match_guards_put_patch_and_delete() {
    let s = scim_setup().await;
    let user = s
        .scim
        .create("/Users", &user_body("etag@example.com", "E", "Tag"))
        .await;
    let uid = id(&user);
    let path = format!("/Users/{uid}");
    let first = user["meta"]["version"].as_str().unwrap().to_owned();

    // A current If-Match: the PUT goes through, and the version changes.
    let (headers, changed) = ok(
        s.scim
            .send_with(
                Method::PUT,
                &path,
                Some(&user_body("etag@example.com", "Eve", "Tag")),
                &[("if-match", &first)],
            )
            .await,
        200,
    )
    .await;
    let second = changed["meta"]["version"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(header(&headers, "etag"), second);
    assert_eq!(s.rest.get_user(&uid).await.unwrap().first_name, "Eve");

    // The stale version: 412, nothing changed.
    scim_error(
        s.scim
            .send_with(
                Method::PUT,
                &path,
                Some(&user_body("etag@example.com", "Mallory", "Tag")),
                &[("if-match", &first)],
            )
            .await,
        412,
        None,
    )
    .await;
    scim_error(
        s.scim
            .send_with(
                Method::PATCH,
                &path,
                Some(&patch_body(
                    json!([{"op": "replace", "path": "name.givenName", "value": "Mallory"}]),
                )),
                &[("if-match", &first)],
            )
            .await,
        412,
        None,
    )
    .await;
    scim_error(
        s.scim
            .send_with(Method::DELETE, &path, None, &[("if-match", &first)])
            .await,
        412,
        None,
    )
    .await;
    let user = s.rest.get_user(&uid).await.unwrap();
    assert_eq!(user.first_name, "Eve");

    // `*` matches any version; a PATCH with the current one goes through.
    ok(
        s.scim
            .send_with(
                Method::PUT,
                &path,
                Some(&user_body("etag@example.com", "Eva", "Tag")),
                &[("if-match", "*")],
            )
            .await,
        200,
    )
    .await;
    let current = s.scim.get_ok(&path).await["meta"]["version"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, patched) = ok(
        s.scim
            .send_with(
                Method::PATCH,
                &path,
                Some(&patch_body(
                    json!([{"op": "replace", "path": "name.givenName", "value": "Evelyn"}]),
                )),
                &[("if-match", &current)],
            )
            .await,
        200,
    )
    .await;
    assert_eq!(patched["name"]["givenName"], "Evelyn");
    let latest = patched["meta"]["version"].as_str().unwrap().to_owned();
    crate::scim_common::no_content(
        s.scim
            .send_with(Method::DELETE, &path, None, &[("if-match", &latest)])
            .await,
    )
    .await;
    crate::common::api_error(s.rest.get_user(&uid).await, 404);

    // A REST change makes a version read before it stale.
    let group = s
        .scim
        .create("/Groups", &group_body("Versioned", &[]))
        .await;
    let gid = id(&group);
    let before = group["meta"]["version"].as_str().unwrap().to_owned();
    let member = s
        .rest
        .create_user(&user_request(
            "m@example.com",
            "M",
            "N",
            Some(vec![gid.clone()]),
        ))
        .await
        .unwrap();
    scim_error(
        s.scim
            .send_with(
                Method::PUT,
                &format!("/Groups/{gid}"),
                Some(&group_body("Versioned", &[])),
                &[("if-match", &before)],
            )
            .await,
        412,
        None,
    )
    .await;
    assert_eq!(
        crate::scim_common::rest_members(&s.rest, &gid).await,
        vec![member.uid]
    );
}

#[tokio::test]
async fn patch_answers_200_with_the_full_resource() {
    let s = scim_setup().await;
    let user = s
        .scim
        .create(
            "/Users",
            &json!({
                "schemas": [USER_SCHEMA],
                "userName": "full@example.com",
                "externalId": "ext-full",
                "displayName": "Full Resource",
                "name": {"givenName": "Full", "familyName": "Resource"},
                "emails": [{"value": "full@example.com", "type": "work", "primary": true}],
                "active": true
            }),
        )
        .await;
    let uid = id(&user);
    let response = s
        .scim
        .patch(
            &format!("/Users/{uid}"),
            &patch_body(json!([{"op": "replace", "path": "displayName", "value": "Fuller"}])),
        )
        .await;
    let (headers, patched) = ok(response, 200).await;
    assert_eq!(patched["displayName"], "Fuller");
    for key in [
        "schemas",
        "id",
        "externalId",
        "userName",
        "name",
        "emails",
        "active",
        "meta",
    ] {
        assert!(patched.get(key).is_some(), "{key} missing from {patched}");
    }
    assert_eq!(patched["userName"], "full@example.com");
    assert_eq!(patched["externalId"], "ext-full");
    assert_eq!(patched["name"], user["name"]);
    assert_eq!(
        header(&headers, "etag"),
        patched["meta"]["version"].as_str().unwrap()
    );
    assert_ne!(patched["meta"]["version"], user["meta"]["version"]);
    assert_eq!(patched, s.scim.get_ok(&format!("/Users/{uid}")).await);

    // Add without a path, and remove.
    let patched = s
        .scim
        .patch_ok(
            &format!("/Users/{uid}"),
            json!([
                {"op": "add", "value": {"name": {"familyName": "Resourceful"}}},
                {"op": "remove", "path": "displayName"}
            ]),
        )
        .await;
    assert_eq!(patched["name"]["familyName"], "Resourceful");
    assert_eq!(patched["name"]["givenName"], "Full");
    assert!(patched.get("displayName").is_none(), "{patched}");
    assert_eq!(
        s.rest.get_user(&uid).await.unwrap().last_name,
        "Resourceful"
    );

    // A PATCH without schemas of PatchOp, or with an unknown op: 400.
    let response = s
        .scim
        .patch(
            &format!("/Users/{uid}"),
            &json!({"schemas": [USER_SCHEMA], "Operations": []}),
        )
        .await;
    scim_error(response, 400, Some("invalidSyntax")).await;
    let response = s
        .scim
        .patch(
            &format!("/Users/{uid}"),
            &json!({"schemas": [PATCH_OP], "Operations": [{"op": "frobnicate", "path": "active", "value": false}]}),
        )
        .await;
    scim_error(response, 400, Some("invalidSyntax")).await;
    assert_eq!(
        s.rest.get_user(&uid).await.unwrap().user_status,
        UserStatus::Active
    );
}

#[tokio::test]
async fn user_names_are_unique_case_insensitively() {
    let s = scim_setup().await;
    let first = s
        .scim
        .create("/Users", &user_body("dup@example.com", "One", "User"))
        .await;
    for name in ["dup@example.com", "DUP@Example.COM"] {
        scim_error(
            s.scim.post("/Users", &user_body(name, "Two", "User")).await,
            409,
            Some("uniqueness"),
        )
        .await;
    }
    // A user made through REST takes its email as userName.
    s.rest
        .create_user(&user_request("rest@example.com", "R", "E", None))
        .await
        .unwrap();
    scim_error(
        s.scim
            .post("/Users", &user_body("Rest@Example.com", "S", "C"))
            .await,
        409,
        Some("uniqueness"),
    )
    .await;
    // Renaming onto a taken userName: 409 too, by PUT and by PATCH.
    let other = s
        .scim
        .create("/Users", &user_body("other@example.com", "O", "T"))
        .await;
    let path = format!("/Users/{}", id(&other));
    scim_error(
        s.scim
            .put(&path, &user_body("DUP@example.com", "O", "T"))
            .await,
        409,
        Some("uniqueness"),
    )
    .await;
    scim_error(
        s.scim
            .patch(
                &path,
                &patch_body(
                    json!([{"op": "replace", "path": "userName", "value": "dup@EXAMPLE.com"}]),
                ),
            )
            .await,
        409,
        Some("uniqueness"),
    )
    .await;
    assert_eq!(s.rest.list_all_users(None).await.unwrap().len(), 3);
    assert_eq!(
        s.rest.get_user(&id(&first)).await.unwrap().first_name,
        "One"
    );
    // A non-email userName is accepted and unique too.
    let plain = s
        .scim
        .create("/Users", &user_body("jdoe", "John", "Doe"))
        .await;
    assert_eq!(plain["userName"], "jdoe");
    let rest = s.rest.get_user(&id(&plain)).await.unwrap();
    assert!(rest.email.ends_with("@scim.invalid"), "{}", rest.email);
    scim_error(
        s.scim.post("/Users", &user_body("JDOE", "J", "D")).await,
        409,
        Some("uniqueness"),
    )
    .await;
    // Group names are unique as well.
    s.scim.create("/Groups", &group_body("Team", &[])).await;
    scim_error(
        s.scim.post("/Groups", &group_body("Team", &[])).await,
        409,
        Some("uniqueness"),
    )
    .await;
}

#[tokio::test]
async fn patching_read_only_groups_of_a_user_is_a_mutability_error() {
    let s = scim_setup().await;
    let user = s
        .scim
        .create("/Users", &user_body("ro@example.com", "Read", "Only"))
        .await;
    let uid = id(&user);
    let group = s.scim.create("/Groups", &group_body("Target", &[])).await;
    let gid = id(&group);
    for operation in [
        json!({"op": "add", "path": "groups", "value": [{"value": gid}]}),
        json!({"op": "replace", "path": "groups", "value": [{"value": gid}]}),
        json!({"op": "remove", "path": "groups"}),
    ] {
        let response = s
            .scim
            .patch(&format!("/Users/{uid}"), &patch_body(json!([operation])))
            .await;
        scim_error(response, 400, Some("mutability")).await;
    }
    assert!(s.rest.get_user(&uid).await.unwrap().groups.is_empty());
    assert!(
        crate::scim_common::rest_members(&s.rest, &gid)
            .await
            .is_empty()
    );
    // `id` is read-only too.
    let response = s
        .scim
        .patch(
            &format!("/Users/{uid}"),
            &patch_body(json!([{"op": "replace", "path": "id", "value": "00000000-0000-4000-8000-000000000000"}])),
        )
        .await;
    scim_error(response, 400, Some("mutability")).await;
    s.rest.get_user(&uid).await.unwrap();
}

#[tokio::test]
async fn put_replaces_and_ignores_read_only_attributes() {
    let s = scim_setup().await;
    let user = s
        .scim
        .create(
            "/Users",
            &json!({
                "schemas": [USER_SCHEMA],
                "userName": "put@example.com",
                "displayName": "Put Me",
                "name": {"givenName": "Put", "familyName": "Me"},
                "active": true
            }),
        )
        .await;
    let uid = id(&user);
    let group = s.scim.create("/Groups", &group_body("Kept", &[&uid])).await;
    let mut body = user.clone();
    body["name"] = json!({"givenName": "Putting", "familyName": "Me"});
    body.as_object_mut().unwrap().remove("displayName");
    body["active"] = json!(false);
    body["id"] = json!("00000000-0000-4000-8000-000000000000");
    body["groups"] = json!([]);
    let (_, replaced) = ok(s.scim.put(&format!("/Users/{uid}"), &body).await, 200).await;
    assert_eq!(replaced["id"], json!(uid));
    assert!(replaced.get("displayName").is_none(), "{replaced}");
    assert_eq!(replaced["active"], false);
    assert_eq!(replaced["groups"][0]["value"], group["id"]);
    let rest = s.rest.get_user(&uid).await.unwrap();
    assert_eq!(rest.first_name, "Putting");
    assert_eq!(rest.user_status, UserStatus::Inactive);
    assert_eq!(rest.groups, vec![id(&group)]);
    // A PUT without userName: 400.
    let response = s
        .scim
        .put(
            &format!("/Users/{uid}"),
            &json!({"schemas": [USER_SCHEMA], "name": {"givenName": "X"}}),
        )
        .await;
    scim_error(response, 400, Some("invalidValue")).await;
}

#[tokio::test]
async fn unknown_paths_methods_and_ids_are_scim_errors() {
    let s = scim_setup().await;
    // An unknown path under the base: 404 in SCIM form.
    for path in ["/Nope", "/Users/a/b", "/v2/Users", "/Me"] {
        scim_error(s.scim.get(path).await, 404, None).await;
    }
    scim_error(
        crate::scim_common::Scim::seed(&s.app, Some(crate::scim_common::secret(&s.token)))
            .get("/Nope")
            .await,
        404,
        None,
    )
    .await;
    // A wrong method on a known path: 405 in SCIM form.
    let response = s
        .scim
        .send(Method::DELETE, "/ServiceProviderConfig", None)
        .await;
    scim_error(response, 405, None).await;
    let response = s
        .scim
        .send(Method::POST, "/ServiceProviderConfig", Some(&json!({})))
        .await;
    scim_error(response, 405, None).await;
    let response = s.scim.send(Method::DELETE, "/Users", None).await;
    scim_error(response, 405, None).await;
    // Ids that are no resource of the account: 404.
    for path in [
        "/Users/not-a-uuid",
        "/Users/00000000-0000-4000-8000-000000000000",
        "/Groups/not-a-uuid",
        "/Groups/00000000-0000-4000-8000-000000000000",
    ] {
        scim_error(s.scim.get(path).await, 404, None).await;
        scim_error(s.scim.delete(path).await, 404, None).await;
        scim_error(
            s.scim
                .patch(
                    path,
                    &patch_body(json!([{"op": "replace", "path": "displayName", "value": "x"}])),
                )
                .await,
            404,
            None,
        )
        .await;
    }
    scim_error(
        s.scim
            .put("/Users/not-a-uuid", &user_body("x@example.com", "X", "Y"))
            .await,
        404,
        None,
    )
    .await;
    // A group id is not a user id, nor the other way round.
    let group = s.scim.create("/Groups", &group_body("G", &[])).await;
    scim_error(
        s.scim.get(&format!("/Users/{}", id(&group))).await,
        404,
        None,
    )
    .await;
    let user = s
        .scim
        .create("/Users", &user_body("u@example.com", "U", "V"))
        .await;
    scim_error(
        s.scim.get(&format!("/Groups/{}", id(&user))).await,
        404,
        None,
    )
    .await;
    // Nothing was created by the refused requests.
    assert_eq!(total(&s.scim.get_ok("/Users").await), 1);
}

#[tokio::test]
async fn a_new_user_without_active_is_active_and_a_write_without_active_keeps_the_status() {
    let s = scim_setup().await;
    let body = json!({"schemas": [USER_SCHEMA], "userName": "noactive@example.com"});
    let user = s.scim.create("/Users", &body).await;
    let uid = id(&user);
    assert_eq!(user["active"], true);
    assert_eq!(
        s.rest.get_user(&uid).await.unwrap().user_status,
        UserStatus::Active
    );
    // Deactivate, then PUT without `active`: the status stays, and no `active` is shown.
    s.scim
        .patch_ok(
            &format!("/Users/{uid}"),
            json!([{"op": "replace", "path": "active", "value": false}]),
        )
        .await;
    let (_, replaced) = ok(
        s.scim
            .put(
                &format!("/Users/{uid}"),
                &json!({"schemas": [USER_SCHEMA], "userName": "noactive@example.com", "name": {"givenName": "No"}}),
            )
            .await,
        200,
    )
    .await;
    assert!(replaced.get("active").is_none(), "{replaced}");
    let rest = s.rest.get_user(&uid).await.unwrap();
    assert_eq!(rest.user_status, UserStatus::Inactive);
    assert_eq!(rest.first_name, "No");
}
