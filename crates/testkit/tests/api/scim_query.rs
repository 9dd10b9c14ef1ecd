//! SCIM queries (filters, paging, sorting, attribute projection, POST `/.search`) and `/Bulk`.

use serde_json::{Value, json};

use crate::scim_common::{
    BULK_REQUEST, BULK_RESPONSE, GROUP_SCHEMA, SEARCH_REQUEST, Scim, USER_SCHEMA, encode,
    group_body, id, ids, member_values, ok, resources, rest_members, scim_error, scim_setup,
    secret, total, user_body,
};

/// Five users, `u1@example.com` … `u5@example.com` (given names A…E, family name by parity),
/// created in that order; their ids in that order.
async fn five_users(scim: &Scim) -> Vec<String> {
    let mut uids = Vec::new();
    for (n, given) in ["Alice", "Bob", "Carol", "Dave", "Eve"].iter().enumerate() {
        let n = n + 1;
        let family = if n % 2 == 0 { "Even" } else { "Odd" };
        let user = scim
            .create(
                "/Users",
                &json!({
                    "schemas": [USER_SCHEMA],
                    "userName": format!("u{n}@example.com"),
                    "externalId": format!("ext-{n}"),
                    "name": {"givenName": given, "familyName": family},
                    "emails": [{"value": format!("u{n}@example.com"), "type": "work", "primary": true}],
                    "active": n != 5
                }),
            )
            .await;
        uids.push(id(&user));
    }
    uids
}

fn user_names(list: &Value) -> Vec<String> {
    resources(list)
        .iter()
        .map(|r| r["userName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn filters_select_users() {
    let s = scim_setup().await;
    let uids = five_users(&s.scim).await;
    let check = |filter: &'static str, expected: Vec<&'static str>| {
        let scim = s.scim.clone();
        async move {
            let list = scim.filter("/Users", filter).await;
            let mut names = user_names(&list);
            names.sort();
            let expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
            assert_eq!(names, expected, "filter {filter}: {list}");
            assert_eq!(total(&list), expected.len() as u64, "{filter}");
        }
    };
    check(r#"userName eq "u2@example.com""#, vec!["u2@example.com"]).await;
    check(r#"USERNAME eq "U2@EXAMPLE.COM""#, vec!["u2@example.com"]).await;
    check(r#"externalId eq "ext-3""#, vec!["u3@example.com"]).await;
    check(r#"externalId eq "EXT-3""#, vec![]).await;
    check(
        r#"name.familyName eq "Even""#,
        vec!["u2@example.com", "u4@example.com"],
    )
    .await;
    check(
        r#"name.familyName eq "odd" and active eq true"#,
        vec!["u1@example.com", "u3@example.com"],
    )
    .await;
    check(
        r#"userName sw "u1" or userName ew "5@example.com""#,
        vec!["u1@example.com", "u5@example.com"],
    )
    .await;
    check(r#"active eq false"#, vec!["u5@example.com"]).await;
    check(
        r#"not (name.givenName co "a")"#,
        vec!["u2@example.com", "u5@example.com"],
    )
    .await;
    check(
        r#"emails[type eq "work" and value co "u4"]"#,
        vec!["u4@example.com"],
    )
    .await;
    check(r#"emails.value ew "3@example.com""#, vec!["u3@example.com"]).await;
    check(
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "u1@example.com""#,
        vec!["u1@example.com"],
    )
    .await;
    check(
        r#"externalId pr"#,
        vec![
            "u1@example.com",
            "u2@example.com",
            "u3@example.com",
            "u4@example.com",
            "u5@example.com",
        ],
    )
    .await;
    check(
        r#"userName gt "u3@example.com""#,
        vec!["u4@example.com", "u5@example.com"],
    )
    .await;
    // id eq.
    let list = s
        .scim
        .filter("/Users", &format!("id eq \"{}\"", uids[0]))
        .await;
    assert_eq!(ids(&list), vec![uids[0].clone()]);
    // meta.created: everyone was created before now + 1 day.
    let list = s
        .scim
        .filter("/Users", r#"meta.created lt "2999-01-01T00:00:00Z""#)
        .await;
    assert_eq!(total(&list), 5);

    // Groups: displayName eq (case-insensitive) and members.
    let group = s
        .scim
        .create(
            "/Groups",
            &group_body("Filtered Team", &[&uids[0], &uids[1]]),
        )
        .await;
    s.scim.create("/Groups", &group_body("Other", &[])).await;
    let list = s
        .scim
        .filter("/Groups", r#"displayName eq "filtered team""#)
        .await;
    assert_eq!(ids(&list), vec![id(&group)]);
    let list = s
        .scim
        .filter("/Groups", &format!("members.value eq \"{}\"", uids[1]))
        .await;
    assert_eq!(ids(&list), vec![id(&group)]);
    let list = s.scim.filter("/Groups", r#"displayName co "e""#).await;
    assert_eq!(total(&list), 2);
}

#[tokio::test]
async fn malformed_filters_are_400_invalid_filter_with_a_detail() {
    let s = scim_setup().await;
    five_users(&s.scim).await;
    for filter in [
        "userName",
        "userName eq",
        r#"userName eq "unterminated"#,
        r#"userName zz "x""#,
        r#"(userName eq "x""#,
        r#"userName eq "x" and"#,
        r#"emails[type eq "work""#,
        "and",
    ] {
        let response = s
            .scim
            .get(&format!("/Users?filter={}", encode(filter)))
            .await;
        let (_, body) = scim_error(response, 400, Some("invalidFilter")).await;
        assert!(
            body["detail"].as_str().unwrap().len() > 10,
            "the detail says what is wrong with {filter}: {body}"
        );
    }
    // Too deep: more than 32 levels of parentheses.
    let deep = format!("{}userName eq \"x\"{}", "(".repeat(40), ")".repeat(40));
    let response = s
        .scim
        .get(&format!("/Users?filter={}", encode(&deep)))
        .await;
    scim_error(response, 400, Some("invalidFilter")).await;
    // Through .search too.
    let response = s
        .scim
        .post(
            "/Users/.search",
            &json!({"schemas": [SEARCH_REQUEST], "filter": "userName eq"}),
        )
        .await;
    scim_error(response, 400, Some("invalidFilter")).await;
    // Groups too.
    let response = s
        .scim
        .get(&format!("/Groups?filter={}", encode("displayName eq")))
        .await;
    scim_error(response, 400, Some("invalidFilter")).await;
}

#[tokio::test]
async fn paging_with_start_index_and_count() {
    let s = scim_setup().await;
    five_users(&s.scim).await;
    let all = s.scim.get_ok("/Users?sortBy=userName").await;
    assert_eq!(total(&all), 5);
    assert_eq!(all["startIndex"], 1);
    let names = user_names(&all);
    assert_eq!(
        names,
        vec![
            "u1@example.com",
            "u2@example.com",
            "u3@example.com",
            "u4@example.com",
            "u5@example.com"
        ]
    );

    let page = s
        .scim
        .get_ok("/Users?sortBy=userName&startIndex=2&count=2")
        .await;
    assert_eq!(total(&page), 5);
    assert_eq!(page["startIndex"], 2);
    assert_eq!(page["itemsPerPage"], 2);
    assert_eq!(user_names(&page), vec!["u2@example.com", "u3@example.com"]);
    let last = s
        .scim
        .get_ok("/Users?sortBy=userName&startIndex=5&count=2")
        .await;
    assert_eq!(user_names(&last), vec!["u5@example.com"]);
    assert_eq!(total(&last), 5);
    let beyond = s.scim.get_ok("/Users?startIndex=9&count=2").await;
    assert!(resources(&beyond).is_empty());
    assert_eq!(total(&beyond), 5);

    // Without sortBy, paging still visits every user once.
    let mut seen = Vec::new();
    for start in [1, 3, 5] {
        let page = s
            .scim
            .get_ok(&format!("/Users?startIndex={start}&count=2"))
            .await;
        seen.extend(ids(&page));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);

    // count=0: only the total.
    let counted = s.scim.get_ok("/Users?count=0").await;
    assert_eq!(total(&counted), 5);
    assert!(resources(&counted).is_empty());
    if let Some(resources) = counted.get("Resources") {
        assert_eq!(resources, &json!([]));
    }
    let counted = s
        .scim
        .get_ok(&format!(
            "/Users?count=0&filter={}",
            encode(r#"name.familyName eq "Odd""#)
        ))
        .await;
    assert_eq!(total(&counted), 3);
    assert!(resources(&counted).is_empty());
    // startIndex below 1 is 1; a negative count is 0.
    let page = s.scim.get_ok("/Users?startIndex=0&count=1").await;
    assert_eq!(page["startIndex"], 1);
    assert_eq!(resources(&page).len(), 1);
    let page = s.scim.get_ok("/Users?count=-3").await;
    assert!(resources(&page).is_empty());
    assert_eq!(total(&page), 5);
    // A filtered page.
    let page = s
        .scim
        .get_ok(&format!(
            "/Users?sortBy=userName&count=1&startIndex=2&filter={}",
            encode(r#"name.familyName eq "Odd""#)
        ))
        .await;
    assert_eq!(total(&page), 3);
    assert_eq!(user_names(&page), vec!["u3@example.com"]);
    // Not integers: 400.
    let response = s.scim.get("/Users?count=many").await;
    scim_error(response, 400, Some("invalidValue")).await;
}

#[tokio::test]
async fn sort_by_user_name_descending_and_other_attributes() {
    let s = scim_setup().await;
    five_users(&s.scim).await;
    let list = s
        .scim
        .get_ok("/Users?sortBy=userName&sortOrder=descending")
        .await;
    assert_eq!(
        user_names(&list),
        vec![
            "u5@example.com",
            "u4@example.com",
            "u3@example.com",
            "u2@example.com",
            "u1@example.com"
        ]
    );
    let list = s
        .scim
        .get_ok("/Users?sortBy=name.givenName&sortOrder=descending&count=2")
        .await;
    assert_eq!(user_names(&list), vec!["u5@example.com", "u4@example.com"]);
    assert_eq!(total(&list), 5);
    let list = s
        .scim
        .get_ok("/Users?sortBy=userName&sortOrder=ascending&startIndex=4")
        .await;
    assert_eq!(user_names(&list), vec!["u4@example.com", "u5@example.com"]);
    let response = s
        .scim
        .get("/Users?sortBy=userName&sortOrder=sideways")
        .await;
    scim_error(response, 400, Some("invalidValue")).await;
    // Groups sort by displayName.
    for name in ["beta", "Alpha", "gamma"] {
        s.scim.create("/Groups", &group_body(name, &[])).await;
    }
    let list = s
        .scim
        .get_ok("/Groups?sortBy=displayName&sortOrder=descending")
        .await;
    let names: Vec<String> = resources(&list)
        .iter()
        .map(|g| g["displayName"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec!["gamma", "beta", "Alpha"]);
}

#[tokio::test]
async fn attributes_and_excluded_attributes_keep_id_and_schemas() {
    let s = scim_setup().await;
    let uids = five_users(&s.scim).await;
    let group = s
        .scim
        .create("/Groups", &group_body("Projected", &[&uids[0]]))
        .await;
    let gid = id(&group);

    let list = s.scim.get_ok("/Users?attributes=userName").await;
    for user in resources(&list) {
        let mut keys: Vec<&str> = user
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(keys, vec!["id", "schemas", "userName"], "{user}");
        assert_eq!(user["schemas"], json!([USER_SCHEMA]));
    }
    // Sub-attributes, and several names.
    let user = s
        .scim
        .get_ok(&format!(
            "/Users/{}?attributes=name.givenName,externalId",
            uids[1]
        ))
        .await;
    assert_eq!(user["id"], json!(uids[1]));
    assert_eq!(user["schemas"], json!([USER_SCHEMA]));
    assert_eq!(user["name"], json!({"givenName": "Bob"}));
    assert_eq!(user["externalId"], "ext-2");
    assert!(user.get("userName").is_none(), "{user}");
    assert!(user.get("meta").is_none(), "{user}");

    // excludedAttributes removes those, never id or schemas.
    let user = s
        .scim
        .get_ok(&format!(
            "/Users/{}?excludedAttributes=emails,name,groups,id,schemas",
            uids[0]
        ))
        .await;
    assert_eq!(user["id"], json!(uids[0]));
    assert_eq!(user["schemas"], json!([USER_SCHEMA]));
    assert_eq!(user["userName"], "u1@example.com");
    assert!(user.get("emails").is_none(), "{user}");
    assert!(user.get("name").is_none(), "{user}");
    assert!(user.get("groups").is_none(), "{user}");
    // A user's groups are shown by default.
    let full = s.scim.get_ok(&format!("/Users/{}", uids[0])).await;
    assert_eq!(full["groups"][0]["value"], json!(gid));

    let group = s
        .scim
        .get_ok(&format!("/Groups/{gid}?excludedAttributes=members"))
        .await;
    assert_eq!(group["id"], json!(gid));
    assert_eq!(group["schemas"], json!([GROUP_SCHEMA]));
    assert_eq!(group["displayName"], "Projected");
    assert!(group.get("members").is_none(), "{group}");
    let list = s.scim.get_ok("/Groups?attributes=displayName").await;
    let group = &resources(&list)[0];
    let mut keys: Vec<&str> = group
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, vec!["displayName", "id", "schemas"]);
    // On a POST's answer too.
    let (_, created) = ok(
        s.scim
            .post(
                "/Users?attributes=userName",
                &user_body("proj@example.com", "P", "Q"),
            )
            .await,
        201,
    )
    .await;
    let mut keys: Vec<&str> = created
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, vec!["id", "schemas", "userName"], "{created}");
}

#[tokio::test]
async fn search_by_post_on_a_collection_and_at_the_root() {
    let s = scim_setup().await;
    let uids = five_users(&s.scim).await;
    let group = s
        .scim
        .create("/Groups", &group_body("Searchers", &[&uids[0]]))
        .await;
    s.scim.create("/Groups", &group_body("Finders", &[])).await;

    let (_, list) = ok(
        s.scim
            .post(
                "/Users/.search",
                &json!({
                    "schemas": [SEARCH_REQUEST],
                    "filter": "name.familyName eq \"Odd\"",
                    "sortBy": "userName",
                    "sortOrder": "descending",
                    "startIndex": 1,
                    "count": 2,
                    "attributes": ["userName"]
                }),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(total(&list), 3);
    assert_eq!(user_names(&list), vec!["u5@example.com", "u3@example.com"]);
    assert!(resources(&list)[0].get("name").is_none());

    let list = s
        .scim
        .post(
            "/Groups/.search",
            &json!({"schemas": [SEARCH_REQUEST], "filter": "displayName eq \"Searchers\""}),
        )
        .await;
    let (_, list) = ok(list, 200).await;
    assert_eq!(ids(&list), vec![id(&group)]);

    // The root: users, then groups.
    let (_, list) = ok(
        s.scim
            .post("/.search", &json!({"schemas": [SEARCH_REQUEST]}))
            .await,
        200,
    )
    .await;
    assert_eq!(total(&list), 7);
    let all = resources(&list);
    assert_eq!(all.len(), 7);
    assert!(
        all[..5]
            .iter()
            .all(|r| r["schemas"] == json!([USER_SCHEMA])),
        "{list}"
    );
    assert!(
        all[5..]
            .iter()
            .all(|r| r["schemas"] == json!([GROUP_SCHEMA])),
        "{list}"
    );
    // A root page that spans both types.
    let (_, page) = ok(
        s.scim
            .post(
                "/.search",
                &json!({"schemas": [SEARCH_REQUEST], "startIndex": 5, "count": 2}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(total(&page), 7);
    let window = resources(&page);
    assert_eq!(window.len(), 2);
    assert_eq!(window[0]["schemas"], json!([USER_SCHEMA]));
    assert_eq!(window[1]["schemas"], json!([GROUP_SCHEMA]));
    let (_, page) = ok(
        s.scim
            .post(
                "/.search",
                &json!({"schemas": [SEARCH_REQUEST], "startIndex": 7, "count": 5}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(resources(&page).len(), 1);
    assert_eq!(resources(&page)[0]["schemas"], json!([GROUP_SCHEMA]));
    // A filter that only one type has matches only there.
    let (_, list) = ok(
        s.scim
            .post(
                "/.search",
                &json!({"schemas": [SEARCH_REQUEST], "filter": "displayName eq \"Finders\""}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(total(&list), 1, "{list}");
    assert_eq!(resources(&list)[0]["displayName"], "Finders");
    // Through the seed path with the same token.
    let seed = Scim::seed(&s.app, Some(secret(&s.token)));
    let (_, list) = ok(
        seed.post(
            "/.search",
            &json!({"schemas": [SEARCH_REQUEST], "count": 0}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(total(&list), 7);
    // A body with other schemas: 400.
    let response = s
        .scim
        .post("/Users/.search", &json!({"schemas": [USER_SCHEMA]}))
        .await;
    scim_error(response, 400, Some("invalidSyntax")).await;
}

#[tokio::test]
async fn bulk_with_bulk_id_references() {
    let s = scim_setup().await;
    let (_, response) = ok(
        s.scim
            .post(
                "/Bulk",
                &json!({
                    "schemas": [BULK_REQUEST],
                    "Operations": [
                        {
                            "method": "POST",
                            "path": "/Users",
                            "bulkId": "qwerty",
                            "data": {
                                "schemas": [USER_SCHEMA],
                                "userName": "bulk@example.com",
                                "name": {"givenName": "Bulk", "familyName": "User"},
                                "active": true
                            }
                        },
                        {
                            "method": "POST",
                            "path": "/Groups",
                            "bulkId": "ytrewq",
                            "data": {
                                "schemas": [GROUP_SCHEMA],
                                "displayName": "Bulk Group",
                                "members": [{"type": "User", "value": "bulkId:qwerty"}]
                            }
                        },
                        {
                            "method": "POST",
                            "path": "/Groups",
                            "bulkId": "second",
                            "data": {
                                "schemas": [GROUP_SCHEMA],
                                "displayName": "Unresolved",
                                "members": [{"value": "bulkId:nope"}]
                            }
                        }
                    ]
                }),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(response["schemas"], json!([BULK_RESPONSE]));
    let results = response["Operations"].as_array().unwrap();
    assert_eq!(results.len(), 3, "{response}");
    assert_eq!(results[0]["status"], "201");
    assert_eq!(results[0]["bulkId"], "qwerty");
    assert_eq!(results[0]["method"], "POST");
    assert_eq!(results[1]["status"], "201");
    assert_eq!(results[1]["bulkId"], "ytrewq");
    // A reference to no bulkId of the request fails its own operation only.
    let failed = results[2]["status"].as_str().unwrap();
    assert!(failed.starts_with('4'), "{response}");
    assert_eq!(
        results[2]["response"]["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(results[2]["response"]["status"], json!(failed));
    let user_location = results[0]["location"].as_str().unwrap();
    let group_location = results[1]["location"].as_str().unwrap();
    let uid = user_location.rsplit('/').next().unwrap().to_owned();
    let gid = group_location.rsplit('/').next().unwrap().to_owned();
    assert_eq!(user_location, s.scim.url(&format!("/Users/{uid}")));
    assert_eq!(group_location, s.scim.url(&format!("/Groups/{gid}")));
    assert!(results[0]["version"].is_string());

    // The group's member is the user created in the same request.
    let group = s.scim.get_ok(&format!("/Groups/{gid}")).await;
    assert_eq!(member_values(&group), vec![uid.clone()]);
    let user = s.rest.get_user(&uid).await.unwrap();
    assert_eq!(user.email, "bulk@example.com");
    assert_eq!(user.last_name, "User");
    assert_eq!(user.groups, vec![gid.clone()]);
    assert_eq!(rest_members(&s.rest, &gid).await, vec![uid.clone()]);
    assert_eq!(s.rest.get_group(&gid).await.unwrap().owner, "SCIM");

    assert!(
        !s.rest
            .list_all_groups(None)
            .await
            .unwrap()
            .iter()
            .any(|g| g.name == "Unresolved")
    );

    // DELETEs by bulk; a failing operation in between fails alone.
    let (_, response) = ok(
        s.scim
            .post(
                "/Bulk",
                &json!({
                    "schemas": [BULK_REQUEST],
                    "Operations": [
                        {"method": "DELETE", "path": format!("/Groups/{gid}")},
                        {"method": "PATCH", "path": "/Users/00000000-0000-4000-8000-000000000000", "data": {
                            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                            "Operations": [{"op": "replace", "path": "active", "value": false}]
                        }},
                        {"method": "DELETE", "path": format!("/Users/{uid}")}
                    ]
                }),
            )
            .await,
        200,
    )
    .await;
    let results = response["Operations"].as_array().unwrap();
    assert_eq!(results.len(), 3, "{response}");
    assert_eq!(results[0]["status"], "204");
    assert_eq!(results[1]["status"], "404");
    assert_eq!(
        results[1]["response"]["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(results[2]["status"], "204");
    crate::common::api_error(s.rest.get_group(&gid).await, 404);
    crate::common::api_error(s.rest.get_user(&uid).await, 404);
}

#[tokio::test]
async fn bulk_fail_on_errors_stops_after_that_many_errors() {
    let s = scim_setup().await;
    s.scim
        .create("/Users", &user_body("taken@example.com", "T", "A"))
        .await;
    let operation = |bulk_id: &str, user_name: &str| {
        json!({
            "method": "POST",
            "path": "/Users",
            "bulkId": bulk_id,
            "data": {"schemas": [USER_SCHEMA], "userName": user_name}
        })
    };
    let (_, response) = ok(
        s.scim
            .post(
                "/Bulk",
                &json!({
                    "schemas": [BULK_REQUEST],
                    "failOnErrors": 1,
                    "Operations": [
                        operation("a", "first@example.com"),
                        operation("b", "TAKEN@example.com"),
                        operation("c", "never@example.com")
                    ]
                }),
            )
            .await,
        200,
    )
    .await;
    let results = response["Operations"].as_array().unwrap();
    assert_eq!(
        results.len(),
        2,
        "stopped after the first error: {response}"
    );
    assert_eq!(results[0]["status"], "201");
    assert_eq!(results[1]["status"], "409");
    assert_eq!(results[1]["bulkId"], "b");
    assert_eq!(results[1]["response"]["scimType"], "uniqueness");
    let names: Vec<String> = s
        .rest
        .list_all_users(None)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    assert!(names.contains(&"first@example.com".to_owned()));
    assert!(
        !names.contains(&"never@example.com".to_owned()),
        "{names:?}"
    );

    // Without failOnErrors every operation runs.
    let (_, response) = ok(
        s.scim
            .post(
                "/Bulk",
                &json!({
                    "schemas": [BULK_REQUEST],
                    "Operations": [
                        operation("d", "taken@example.com"),
                        operation("e", "later@example.com")
                    ]
                }),
            )
            .await,
        200,
    )
    .await;
    let results = response["Operations"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["status"], "409");
    assert_eq!(results[1]["status"], "201");
    assert_eq!(s.rest.list_all_users(None).await.unwrap().len(), 3);

    // A POST without bulkId fails; a path outside /Users and /Groups fails.
    let (_, response) = ok(
        s.scim
            .post(
                "/Bulk",
                &json!({
                    "schemas": [BULK_REQUEST],
                    "Operations": [
                        {"method": "POST", "path": "/Users", "data": {"userName": "nobulkid@example.com"}},
                        {"method": "DELETE", "path": "/Schemas/x"}
                    ]
                }),
            )
            .await,
        200,
    )
    .await;
    let results = response["Operations"].as_array().unwrap();
    assert_eq!(results[0]["status"], "400");
    assert_eq!(results[1]["status"], "400");
    assert_eq!(s.rest.list_all_users(None).await.unwrap().len(), 3);
    // A body that is not a BulkRequest: 400.
    let response = s
        .scim
        .post("/Bulk", &json!({"schemas": [BULK_REQUEST]}))
        .await;
    scim_error(response, 400, Some("invalidSyntax")).await;
}

#[tokio::test]
async fn bulk_resolves_bulk_id_references_in_operation_paths() {
    let s = scim_setup().await;
    let (_, response) = ok(
        s.scim
            .post(
                "/Bulk",
                &json!({
                    "schemas": [BULK_REQUEST],
                    "Operations": [
                        {"method": "POST", "path": "/Users", "bulkId": "u", "data": {
                            "schemas": [USER_SCHEMA], "userName": "pathref@example.com",
                            "name": {"givenName": "Path", "familyName": "Ref"}
                        }},
                        {"method": "POST", "path": "/Groups", "bulkId": "g", "data": {
                            "schemas": [GROUP_SCHEMA], "displayName": "Path Ref"
                        }},
                        {"method": "PATCH", "path": "/Users/bulkId:u", "data": {
                            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                            "Operations": [{"op": "replace", "path": "name.familyName", "value": "Bulked"}]
                        }},
                        {"method": "PATCH", "path": "/Groups/bulkId:g", "data": {
                            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                            "Operations": [{"op": "add", "path": "members", "value": [{"value": "bulkId:u"}]}]
                        }}
                    ]
                }),
            )
            .await,
        200,
    )
    .await;
    let results = response["Operations"].as_array().unwrap();
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["201", "201", "200", "200"], "{response}");
    let uid = results[0]["location"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let gid = results[1]["location"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        results[2]["location"],
        json!(s.scim.url(&format!("/Users/{uid}")))
    );
    let user = s.rest.get_user(&uid).await.unwrap();
    assert_eq!(user.last_name, "Bulked");
    assert_eq!(user.groups, vec![gid.clone()]);
    assert_eq!(rest_members(&s.rest, &gid).await, vec![uid]);
}

/// Every method on every kind through `/Bulk`, and each way an operation can be malformed: the
/// malformed ones fail alone with a 400 saying what is missing, the others apply.
#[tokio::test]
async fn bulk_runs_each_method_on_both_kinds_and_refuses_malformed_operations() {
    let s = scim_setup().await;
    let user = s
        .scim
        .create("/Users", &user_body("bulky@example.com", "Bul", "Ky"))
        .await;
    let uid = id(&user);
    let group = s
        .scim
        .create("/Groups", &group_body("Bulk Team", &[]))
        .await;
    let gid = id(&group);
    let (_, response) = ok(
        s.scim
            .post(
                "/Bulk",
                &json!({
                    "schemas": [BULK_REQUEST],
                    "Operations": [
                        {"method": "PUT", "path": format!("/Groups/{gid}"),
                         "data": {"schemas": [GROUP_SCHEMA], "displayName": "Renamed Team",
                                  "members": [{"value": uid}]}},
                        {"method": "PATCH", "path": format!("/Users/{uid}"),
                         "data": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                  "Operations": [{"op": "replace", "path": "name.givenName", "value": "Patched"}]}},
                        {"method": "POST", "path": format!("/Users/{uid}"), "bulkId": "x",
                         "data": {"schemas": [USER_SCHEMA], "userName": "nope@example.com"}},
                        {"method": "PUT", "path": "/Groups",
                         "data": {"schemas": [GROUP_SCHEMA], "displayName": "No Id"}},
                        {"method": "PATCH", "path": format!("/Groups/{gid}")},
                        {"method": "DELETE", "path": format!("/Users/{uid}")}
                    ]
                }),
            )
            .await,
        200,
    )
    .await;
    let results = response["Operations"].as_array().unwrap();
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["200", "200", "400", "400", "400", "204"],
        "{response}"
    );
    let details: Vec<String> = results[2..5]
        .iter()
        .map(|r| {
            r["response"]["detail"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(
        details[0].contains("is not a bulk operation"),
        "{details:?}"
    );
    assert!(
        details[1].contains("PUT needs a resource path"),
        "{details:?}"
    );
    assert!(details[2].contains("PATCH needs 'data'"), "{details:?}");
    // The PUT renamed the group and set its members; the PATCH landed before the DELETE.
    let renamed = s.scim.get_ok(&format!("/Groups/{gid}")).await;
    assert_eq!(renamed["displayName"], "Renamed Team");
    assert_eq!(member_values(&renamed), Vec::<String>::new());
    crate::common::api_error(s.rest.get_user(&uid).await, 404);
}
