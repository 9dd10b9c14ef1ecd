//! Identity providers' provisioning sequences over SCIM (Okta's and Microsoft Entra ID's request
//! shapes), each step checked through the REST API; both SCIM base paths; REST changes seen
//! over SCIM at once.

use accountd_proto::UserStatus;
use serde_json::{Value, json};

use crate::common::{api_error, group_request, user_request};
use crate::scim_common::{
    ENTERPRISE_USER, GROUP_SCHEMA, Scim, USER_SCHEMA, header, id, member_values, ok, resources,
    rest_members, scim_error, scim_setup, secret, total,
};

#[tokio::test]
async fn okta_provisioning_sequence() {
    let s = scim_setup().await;
    let (scim, rest) = (&s.scim, &s.rest);

    // Okta looks the user up first: not there.
    let lookup = scim
        .get("/Users?filter=userName%20eq%20%22isabella%40example.com%22&startIndex=1&count=100")
        .await;
    let (_, lookup) = ok(lookup, 200).await;
    assert_eq!(total(&lookup), 0, "{lookup}");
    assert!(resources(&lookup).is_empty());

    // 1. Create the user, as Okta sends it (with a password and an empty groups list).
    let (headers, isabella) = ok(
        scim.post(
            "/Users",
            &json!({
                "schemas": [USER_SCHEMA],
                "userName": "isabella@example.com",
                "name": {"givenName": "Isabella", "familyName": "Jones"},
                "emails": [{"primary": true, "value": "isabella@example.com", "type": "work"}],
                "displayName": "Isabella Jones",
                "locale": "en-US",
                "externalId": "00u1abcdEFGH",
                "groups": [],
                "password": "1mz050nq",
                "active": true
            }),
        )
        .await,
        201,
    )
    .await;
    let uid = id(&isabella);
    assert_eq!(
        header(&headers, "location"),
        scim.url(&format!("/Users/{uid}"))
    );
    assert_eq!(isabella["userName"], "isabella@example.com");
    assert_eq!(isabella["active"], true);
    assert_eq!(isabella["externalId"], "00u1abcdEFGH");
    assert!(isabella.get("password").is_none(), "{isabella}");
    let user = rest.get_user(&uid).await.unwrap();
    assert_eq!(user.email, "isabella@example.com");
    assert_eq!(user.first_name, "Isabella");
    assert_eq!(user.last_name, "Jones");
    assert_eq!(user.user_status, UserStatus::Active);
    assert!(user.groups.is_empty());
    assert!(
        rest.list_all_users(None)
            .await
            .unwrap()
            .iter()
            .any(|u| u.uid == uid)
    );
    // Okta's lookup now finds it.
    let lookup = scim
        .filter("/Users", r#"userName eq "isabella@example.com""#)
        .await;
    assert_eq!(total(&lookup), 1);
    assert_eq!(resources(&lookup)[0]["id"], json!(uid));

    // A second user, to add with a PATCH.
    let ethan = scim
        .create(
            "/Users",
            &crate::scim_common::user_body("ethan@example.com", "Ethan", "Hunt"),
        )
        .await;
    let ethan_uid = id(&ethan);

    // 2. Push the group with Isabella as a member.
    let group = scim
        .create(
            "/Groups",
            &json!({
                "schemas": [GROUP_SCHEMA],
                "displayName": "Okta Engineers",
                "members": [{"value": uid, "display": "isabella@example.com"}]
            }),
        )
        .await;
    let gid = id(&group);
    assert_eq!(member_values(&group), vec![uid.clone()]);
    let rest_group = rest.get_group(&gid).await.unwrap();
    assert_eq!(rest_group.name, "Okta Engineers");
    assert_eq!(rest_group.owner, "SCIM");
    assert_eq!(rest_members(rest, &gid).await, vec![uid.clone()]);
    assert_eq!(rest.get_user(&uid).await.unwrap().groups, vec![gid.clone()]);

    // ... and add Ethan with Okta's PATCH add.
    let patched = scim
        .patch_ok(
            &format!("/Groups/{gid}"),
            json!([{"op": "add", "path": "members", "value": [{"value": ethan_uid, "display": "ethan@example.com"}]}]),
        )
        .await;
    let mut both = vec![uid.clone(), ethan_uid.clone()];
    both.sort();
    assert_eq!(member_values(&patched), both);
    assert_eq!(rest_members(rest, &gid).await, both);
    // The user resource shows the group.
    let shown = scim.get_ok(&format!("/Users/{ethan_uid}")).await;
    assert_eq!(shown["groups"][0]["value"], json!(gid));
    assert_eq!(shown["groups"][0]["display"], "Okta Engineers");

    // 3. Deactivate: Okta's replace with a value object and no path.
    let deactivated = scim
        .patch_ok(
            &format!("/Users/{uid}"),
            json!([{"op": "replace", "value": {"active": false}}]),
        )
        .await;
    assert_eq!(deactivated["active"], false);
    assert_eq!(deactivated["userName"], "isabella@example.com");
    let user = rest.get_user(&uid).await.unwrap();
    assert_eq!(user.user_status, UserStatus::Inactive);
    assert_eq!(user.first_name, "Isabella", "the rest of the user is kept");
    assert_eq!(user.groups, vec![gid.clone()], "memberships are kept");
    // Okta's profile push: replace of several attributes at once, by a value object.
    let updated = scim
        .patch_ok(
            &format!("/Users/{uid}"),
            json!([{"op": "replace", "value": {"name.familyName": "Jones-Smith", "active": true}}]),
        )
        .await;
    assert_eq!(updated["name"]["familyName"], "Jones-Smith");
    let user = rest.get_user(&uid).await.unwrap();
    assert_eq!(user.last_name, "Jones-Smith");
    assert_eq!(user.user_status, UserStatus::Active);
    scim.patch_ok(
        &format!("/Users/{uid}"),
        json!([{"op": "replace", "value": {"active": false}}]),
    )
    .await;
    assert_eq!(
        rest.get_user(&uid).await.unwrap().user_status,
        UserStatus::Inactive
    );

    // 4. Rename the group: Okta sends a PUT with the full group.
    let (_, renamed) = ok(
        scim.put(
            &format!("/Groups/{gid}"),
            &json!({
                "schemas": [GROUP_SCHEMA],
                "id": gid,
                "displayName": "Okta Platform",
                "members": [{"value": uid}, {"value": ethan_uid}]
            }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(renamed["displayName"], "Okta Platform");
    assert_eq!(rest.get_group(&gid).await.unwrap().name, "Okta Platform");
    assert_eq!(rest_members(rest, &gid).await, both);

    // 5. Remove a member: Okta's value-filtered path.
    let removed = scim
        .patch_ok(
            &format!("/Groups/{gid}"),
            json!([{"op": "remove", "path": format!("members[value eq \"{ethan_uid}\"]")}]),
        )
        .await;
    assert_eq!(member_values(&removed), vec![uid.clone()]);
    assert_eq!(rest_members(rest, &gid).await, vec![uid.clone()]);
    assert!(rest.get_user(&ethan_uid).await.unwrap().groups.is_empty());

    // 6. Delete the user and the group.
    crate::scim_common::no_content(scim.delete(&format!("/Users/{uid}")).await).await;
    api_error(rest.get_user(&uid).await, 404);
    scim_error(scim.get(&format!("/Users/{uid}")).await, 404, None).await;
    assert!(rest_members(rest, &gid).await.is_empty());
    crate::scim_common::no_content(scim.delete(&format!("/Groups/{gid}")).await).await;
    api_error(rest.get_group(&gid).await, 404);
    scim_error(scim.get(&format!("/Groups/{gid}")).await, 404, None).await;
    // Deleting again: 404.
    scim_error(scim.delete(&format!("/Users/{uid}")).await, 404, None).await;
    scim_error(scim.delete(&format!("/Groups/{gid}")).await, 404, None).await;
    // Ethan is still there, in no group.
    assert!(rest.get_user(&ethan_uid).await.unwrap().groups.is_empty());
}

#[tokio::test]
async fn entra_provisioning_sequence() {
    let s = scim_setup().await;
    let (scim, rest) = (&s.scim, &s.rest);
    let external = "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159";

    // Entra probes with a filter on an attribute value that matches nothing.
    let probe = scim
        .filter(
            "/Users",
            r#"userName eq "non-existent user 7e2a1d55-5a0b-4e8f-9a41-6f0b7b3c1e2d""#,
        )
        .await;
    assert_eq!(total(&probe), 0);
    let probe = scim
        .filter("/Users", &format!("externalId eq \"{external}\""))
        .await;
    assert_eq!(total(&probe), 0);

    // 1. Create the user: Entra's body, with its enterprise extension and `meta`.
    let adele = scim
        .create(
            "/Users",
            &json!({
                "schemas": [USER_SCHEMA, ENTERPRISE_USER],
                "externalId": external,
                "userName": "Adele.Vance@contoso.example",
                "active": true,
                "displayName": "Adele Vance",
                "emails": [{"primary": true, "type": "work", "value": "adele.vance@contoso.example"}],
                "meta": {"resourceType": "User"},
                "name": {"formatted": "Adele Vance", "familyName": "Vance", "givenName": "Adele"},
                "title": "Retail Manager",
                ENTERPRISE_USER: {"department": "Retail", "employeeNumber": "42"}
            }),
        )
        .await;
    let uid = id(&adele);
    assert_eq!(adele["externalId"], external);
    assert_eq!(adele["active"], true);
    assert!(adele.get(ENTERPRISE_USER).is_none(), "{adele}");
    assert!(adele.get("title").is_none(), "{adele}");
    let user = rest.get_user(&uid).await.unwrap();
    assert_eq!(
        user.email.to_ascii_lowercase(),
        "adele.vance@contoso.example"
    );
    assert_eq!(user.first_name, "Adele");
    assert_eq!(user.last_name, "Vance");
    assert_eq!(user.user_status, UserStatus::Active);

    // Entra's lookups: by userName (case-insensitive) and by externalId (case-exact).
    let found = scim
        .filter("/Users", r#"userName eq "adele.vance@contoso.example""#)
        .await;
    assert_eq!(total(&found), 1, "{found}");
    assert_eq!(resources(&found)[0]["id"], json!(uid));
    let found = scim
        .filter("/Users", &format!("externalId eq \"{external}\""))
        .await;
    assert_eq!(total(&found), 1, "{found}");
    assert_eq!(resources(&found)[0]["id"], json!(uid));
    let found = scim
        .filter(
            "/Users",
            &format!("externalId eq \"{}\"", external.to_ascii_uppercase()),
        )
        .await;
    assert_eq!(total(&found), 0, "externalId is case-exact: {found}");
    let found = scim
        .filter("/Users", r#"userName eq "someone.else@contoso.example""#)
        .await;
    assert_eq!(total(&found), 0);

    // Entra's attribute updates: name, and the work email through a filtered path.
    let patched = scim
        .patch_ok(
            &format!("/Users/{uid}"),
            json!([
                {"op": "Replace", "path": "name.familyName", "value": "Vance-Smith"},
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "adele.smith@contoso.example"},
                {"op": "Replace", "path": "displayName", "value": "Adele Vance-Smith"}
            ]),
        )
        .await;
    assert_eq!(patched["name"]["familyName"], "Vance-Smith");
    assert_eq!(patched["displayName"], "Adele Vance-Smith");
    let work: Vec<&Value> = patched["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "work")
        .collect();
    assert_eq!(work.len(), 1, "{patched}");
    assert_eq!(work[0]["value"], "adele.smith@contoso.example");
    let user = rest.get_user(&uid).await.unwrap();
    assert_eq!(user.last_name, "Vance-Smith");
    // userName is an email address: it stays the REST email.
    assert_eq!(
        user.email.to_ascii_lowercase(),
        "adele.vance@contoso.example"
    );
    assert_eq!(
        scim.get_ok(&format!("/Users/{uid}")).await["emails"],
        patched["emails"]
    );

    // 2. Create the group and add the user with Entra's capitalised op.
    let created = scim
        .create(
            "/Groups",
            &json!({
                "schemas": [GROUP_SCHEMA],
                "externalId": "a3f2b6c1-0d9e-4f7a-8b5c-1e2d3f4a5b6c",
                "displayName": "Retail",
                "meta": {"resourceType": "Group"}
            }),
        )
        .await;
    let gid = id(&created);
    assert!(member_values(&created).is_empty());
    assert_eq!(rest.get_group(&gid).await.unwrap().name, "Retail");
    assert!(rest_members(rest, &gid).await.is_empty());
    // Entra looks groups up by displayName, without members.
    let found = scim
        .get_ok(&format!(
            "/Groups?filter={}&excludedAttributes=members",
            crate::scim_common::encode(r#"displayName eq "Retail""#)
        ))
        .await;
    assert_eq!(total(&found), 1);
    assert_eq!(resources(&found)[0]["id"], json!(gid));
    assert!(resources(&found)[0].get("members").is_none());

    let added = scim
        .patch_ok(
            &format!("/Groups/{gid}"),
            json!([{"op": "Add", "path": "members", "value": [{"value": uid}]}]),
        )
        .await;
    assert_eq!(member_values(&added), vec![uid.clone()]);
    assert_eq!(rest_members(rest, &gid).await, vec![uid.clone()]);
    assert_eq!(rest.get_user(&uid).await.unwrap().groups, vec![gid.clone()]);
    // Entra's membership check.
    let check = scim
        .get_ok(&format!(
            "/Groups?filter={}&excludedAttributes=members",
            crate::scim_common::encode(&format!("id eq \"{gid}\" and members eq \"{uid}\""))
        ))
        .await;
    assert_eq!(total(&check), 1, "{check}");

    // 3. Deactivate: Entra's string boolean.
    let deactivated = scim
        .patch_ok(
            &format!("/Users/{uid}"),
            json!([{"op": "Replace", "path": "active", "value": "False"}]),
        )
        .await;
    assert_eq!(deactivated["active"], false, "{deactivated}");
    assert_eq!(
        rest.get_user(&uid).await.unwrap().user_status,
        UserStatus::Inactive
    );
    let reactivated = scim
        .patch_ok(
            &format!("/Users/{uid}"),
            json!([{"op": "Replace", "path": "active", "value": "True"}]),
        )
        .await;
    assert_eq!(reactivated["active"], true);
    assert_eq!(
        rest.get_user(&uid).await.unwrap().user_status,
        UserStatus::Active
    );
    scim.patch_ok(
        &format!("/Users/{uid}"),
        json!([{"op": "Replace", "path": "active", "value": "False"}]),
    )
    .await;
    assert_eq!(
        rest.get_user(&uid).await.unwrap().user_status,
        UserStatus::Inactive
    );

    // 4. Rename the group: PATCH replace displayName.
    let renamed = scim
        .patch_ok(
            &format!("/Groups/{gid}"),
            json!([{"op": "Replace", "path": "displayName", "value": "Retail EMEA"}]),
        )
        .await;
    assert_eq!(renamed["displayName"], "Retail EMEA");
    assert_eq!(member_values(&renamed), vec![uid.clone()]);
    assert_eq!(rest.get_group(&gid).await.unwrap().name, "Retail EMEA");
    assert_eq!(rest_members(rest, &gid).await, vec![uid.clone()]);

    // 5. Remove the member: Entra's remove with a value list.
    let removed = scim
        .patch_ok(
            &format!("/Groups/{gid}"),
            json!([{"op": "Remove", "path": "members", "value": [{"value": uid}]}]),
        )
        .await;
    assert!(member_values(&removed).is_empty(), "{removed}");
    assert!(rest_members(rest, &gid).await.is_empty());
    assert!(rest.get_user(&uid).await.unwrap().groups.is_empty());

    // 6. Delete the user and the group.
    crate::scim_common::no_content(scim.delete(&format!("/Users/{uid}")).await).await;
    api_error(rest.get_user(&uid).await, 404);
    let gone = scim
        .filter("/Users", &format!("externalId eq \"{external}\""))
        .await;
    assert_eq!(total(&gone), 0);
    crate::scim_common::no_content(scim.delete(&format!("/Groups/{gid}")).await).await;
    api_error(rest.get_group(&gid).await, 404);
}

#[tokio::test]
async fn entra_replace_of_a_missing_work_email_appends_one() {
    let s = scim_setup().await;
    let created = s
        .scim
        .create(
            "/Users",
            &json!({
                "schemas": [USER_SCHEMA],
                "userName": "megan@contoso.example",
                "externalId": "ext-megan",
                "active": true,
                "emails": [{"type": "home", "value": "megan@home.example"}]
            }),
        )
        .await;
    let uid = id(&created);
    let patched = s
        .scim
        .patch_ok(
            &format!("/Users/{uid}"),
            json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "megan.b@contoso.example"}]),
        )
        .await;
    let emails = patched["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 2, "{patched}");
    assert!(
        emails
            .iter()
            .any(|e| e["type"] == "work" && e["value"] == "megan.b@contoso.example"),
        "{patched}"
    );
    assert!(
        emails
            .iter()
            .any(|e| e["type"] == "home" && e["value"] == "megan@home.example"),
        "{patched}"
    );
    assert_eq!(
        s.rest.get_user(&uid).await.unwrap().email,
        "megan@contoso.example"
    );
}

#[tokio::test]
async fn both_base_paths_serve_the_same_data_under_their_own_locations() {
    let s = scim_setup().await;
    let real = &s.scim;
    let seed = Scim::seed(&s.app, Some(secret(&s.token)));
    assert_eq!(
        real.base,
        s.app
            .url(&format!("/idm/public/scim/{}/v2", s.account.uuid))
    );
    assert_eq!(seed.base, s.app.url("/api/v2/scim"));

    // Created through the real path: Location and meta.location under the real path.
    let (headers, on_real) = ok(
        real.post(
            "/Users",
            &crate::scim_common::user_body("ann@example.com", "Ann", "Lee"),
        )
        .await,
        201,
    )
    .await;
    let uid = id(&on_real);
    let real_location = real.url(&format!("/Users/{uid}"));
    assert_eq!(header(&headers, "location"), real_location);
    assert_eq!(on_real["meta"]["location"], json!(real_location));

    // Created through the seed path: under the seed path.
    let (headers, group) = ok(
        seed.post(
            "/Groups",
            &crate::scim_common::group_body("Readers", &[&uid]),
        )
        .await,
        201,
    )
    .await;
    let gid = id(&group);
    let seed_group_location = seed.url(&format!("/Groups/{gid}"));
    assert_eq!(header(&headers, "location"), seed_group_location);
    assert_eq!(group["meta"]["location"], json!(seed_group_location));
    assert_eq!(
        group["members"][0]["$ref"],
        json!(seed.url(&format!("/Users/{uid}")))
    );

    // Each is readable through the other, with the location of the base called.
    let via_seed = seed.get_ok(&format!("/Users/{uid}")).await;
    assert_eq!(
        via_seed["meta"]["location"],
        json!(seed.url(&format!("/Users/{uid}")))
    );
    assert_eq!(
        via_seed["groups"][0]["$ref"],
        json!(seed.url(&format!("/Groups/{gid}")))
    );
    let via_real = real.get_ok(&format!("/Users/{uid}")).await;
    assert_eq!(via_real["meta"]["location"], json!(real_location));
    assert_eq!(
        via_real["groups"][0]["$ref"],
        json!(real.url(&format!("/Groups/{gid}")))
    );
    let group_via_real = real.get_ok(&format!("/Groups/{gid}")).await;
    assert_eq!(
        group_via_real["meta"]["location"],
        json!(real.url(&format!("/Groups/{gid}")))
    );
    // Apart from the locations, the same resource.
    let strip = |mut resource: Value| {
        let meta = resource["meta"].as_object_mut().unwrap();
        meta.remove("location");
        // Compared on its own in a_version_read_through_one_base_is_current_through_the_other.
        meta.remove("version");
        if let Some(groups) = resource.get_mut("groups").and_then(Value::as_array_mut) {
            for group in groups {
                group.as_object_mut().unwrap().remove("$ref");
            }
        }
        if let Some(members) = resource.get_mut("members").and_then(Value::as_array_mut) {
            for member in members {
                member.as_object_mut().unwrap().remove("$ref");
            }
        }
        resource
    };
    assert_eq!(strip(via_seed.clone()), strip(via_real.clone()));
    assert_eq!(
        strip(seed.get_ok(&format!("/Groups/{gid}")).await),
        strip(group_via_real)
    );

    // The lists agree.
    for collection in ["/Users", "/Groups"] {
        let a = real.get_ok(collection).await;
        let b = seed.get_ok(collection).await;
        assert_eq!(total(&a), 1);
        assert_eq!(crate::scim_common::ids(&a), crate::scim_common::ids(&b));
    }
    // A change through one is seen through the other.
    seed.patch_ok(
        &format!("/Users/{uid}"),
        json!([{"op": "replace", "path": "name.givenName", "value": "Annie"}]),
    )
    .await;
    assert_eq!(
        real.get_ok(&format!("/Users/{uid}")).await["name"]["givenName"],
        "Annie"
    );
    assert_eq!(s.rest.get_user(&uid).await.unwrap().first_name, "Annie");
    crate::scim_common::no_content(real.delete(&format!("/Groups/{gid}")).await).await;
    scim_error(seed.get(&format!("/Groups/{gid}")).await, 404, None).await;
}

#[tokio::test]
async fn a_version_read_through_one_base_is_current_through_the_other() {
    let s = scim_setup().await;
    let real = &s.scim;
    let seed = Scim::seed(&s.app, Some(secret(&s.token)));
    let user = real
        .create(
            "/Users",
            &crate::scim_common::user_body("v@example.com", "Ver", "Sion"),
        )
        .await;
    let uid = id(&user);
    let group = real
        .create(
            "/Groups",
            &crate::scim_common::group_body("Versions", &[&uid]),
        )
        .await;
    let gid = id(&group);
    // The same state of the same resource: the same version (ETag), whichever base served it.
    for path in [format!("/Users/{uid}"), format!("/Groups/{gid}")] {
        let (real_headers, on_real) = ok(real.get(&path).await, 200).await;
        let (seed_headers, on_seed) = ok(seed.get(&path).await, 200).await;
        assert_eq!(
            on_real["meta"]["version"], on_seed["meta"]["version"],
            "{path}: {on_real} vs {on_seed}"
        );
        assert_eq!(header(&real_headers, "etag"), header(&seed_headers, "etag"));
    }
    // So an If-Match read through one base is accepted through the other.
    let on_seed = seed.get_ok(&format!("/Users/{uid}")).await;
    let version = on_seed["meta"]["version"].as_str().unwrap().to_owned();
    let (_, changed) = ok(
        real.send_with(
            reqwest::Method::PUT,
            &format!("/Users/{uid}"),
            Some(&crate::scim_common::user_body(
                "v@example.com",
                "Vera",
                "Sion",
            )),
            &[("if-match", &version)],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["name"]["givenName"], "Vera");
}

#[tokio::test]
async fn rest_changes_are_visible_over_scim_at_once() {
    let s = scim_setup().await;
    let (scim, rest) = (&s.scim, &s.rest);
    let rest_user = rest
        .create_user(&user_request("kim@example.com", "Kim", "Park", None))
        .await
        .unwrap();
    let uid = rest_user.uid.clone();
    // A REST-made user is a SCIM user, with its email as userName and emails.
    let shown = scim.get_ok(&format!("/Users/{uid}")).await;
    assert_eq!(shown["schemas"], json!([USER_SCHEMA]));
    assert_eq!(shown["userName"], "kim@example.com");
    assert_eq!(shown["name"]["givenName"], "Kim");
    assert_eq!(
        shown["emails"],
        json!([{"value": "kim@example.com", "type": "work", "primary": true}])
    );
    let version = shown["meta"]["version"].clone();

    // REST rename: SCIM shows it on the next read, with a new version.
    rest.update_user(
        &uid,
        &user_request("kim@example.com", "Kimberly", "Park", None),
    )
    .await
    .unwrap();
    let shown = scim.get_ok(&format!("/Users/{uid}")).await;
    assert_eq!(shown["name"]["givenName"], "Kimberly");
    assert_ne!(shown["meta"]["version"], version);
    let found = scim
        .filter("/Users", r#"name.givenName eq "Kimberly""#)
        .await;
    assert_eq!(crate::scim_common::ids(&found), vec![uid.clone()]);

    // REST group and membership.
    let group = rest
        .create_group(&group_request("Local Team", Some("made in REST")))
        .await
        .unwrap();
    rest.add_group_members(&group.group_id, std::slice::from_ref(&uid))
        .await
        .unwrap();
    let shown = scim.get_ok(&format!("/Users/{uid}")).await;
    assert_eq!(shown["groups"][0]["value"], json!(group.group_id));
    assert_eq!(shown["groups"][0]["display"], "Local Team");
    let scim_group = scim.get_ok(&format!("/Groups/{}", group.group_id)).await;
    assert_eq!(scim_group["displayName"], "Local Team");
    assert_eq!(member_values(&scim_group), vec![uid.clone()]);

    // REST deactivation (admin API) and deletion.
    s.app
        .admin()
        .deactivate_user(&s.account.uuid, &uid)
        .await
        .unwrap();
    assert_eq!(scim.get_ok(&format!("/Users/{uid}")).await["active"], false);
    rest.delete_user(&uid).await.unwrap();
    scim_error(scim.get(&format!("/Users/{uid}")).await, 404, None).await;
    assert!(member_values(&scim.get_ok(&format!("/Groups/{}", group.group_id)).await).is_empty());
    rest.delete_group(&group.group_id).await.unwrap();
    scim_error(
        scim.get(&format!("/Groups/{}", group.group_id)).await,
        404,
        None,
    )
    .await;
}

#[tokio::test]
async fn service_users_are_not_scim_users() {
    let s = scim_setup().await;
    let service = s
        .rest
        .create_service_user(&accountd_proto::service_users::ServiceUserRequest {
            name: "robot".into(),
            description: None,
        })
        .await
        .unwrap();
    let list = s.scim.get_ok("/Users").await;
    assert_eq!(total(&list), 0, "{list}");
    scim_error(
        s.scim.get(&format!("/Users/{}", service.uid)).await,
        404,
        None,
    )
    .await;
    scim_error(
        s.scim.delete(&format!("/Users/{}", service.uid)).await,
        404,
        None,
    )
    .await;
    s.rest.get_service_user(&service.uid).await.unwrap();
}
