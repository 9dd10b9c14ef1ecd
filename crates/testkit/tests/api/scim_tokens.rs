//! SCIM tokens: required on every SCIM route but discovery, not interchangeable with OAuth
//! access tokens, bound to their account, revoked and rotated at once, at most 10 per account,
//! listed without secrets, and declarable in the bootstrap file.

use accountd_proto::admin::ScimTokenCreateRequest;
use accountd_testkit::{ALL_SCOPES, TestApp};
use serde_json::{Value, json};

use crate::common::{api_error, envelope, iam, json as read_json};
use crate::scim_common::{
    GROUP_SCHEMA, LIST_RESPONSE, Scim, USER_SCHEMA, id, new_token, ok, resources, scim_error,
    scim_setup, secret, total, unauthorized, user_body,
};

#[tokio::test]
async fn scim_routes_require_a_scim_token_and_answer_401_in_scim_form() {
    let s = scim_setup().await;
    let anonymous_real = s.scim.with_token(None);
    let anonymous_seed = Scim::seed(&s.app, None);
    for scim in [&anonymous_real, &anonymous_seed] {
        unauthorized(scim.get("/Users").await).await;
        unauthorized(scim.get("/Groups").await).await;
        unauthorized(
            scim.post("/Users", &user_body("a@example.com", "A", "B"))
                .await,
        )
        .await;
        unauthorized(
            scim.post(
                "/.search",
                &json!({"schemas": [crate::scim_common::SEARCH_REQUEST]}),
            )
            .await,
        )
        .await;
        unauthorized(
            scim.post(
                "/Bulk",
                &json!({"schemas": [crate::scim_common::BULK_REQUEST], "Operations": []}),
            )
            .await,
        )
        .await;
    }
    // A malformed or unknown SCIM token, or another scheme, is refused the same way.
    let forged = format!(
        "dt0s01.{}.{}",
        s.token.id,
        "X".repeat(secret(&s.token).len() - s.token.id.len() - 8)
    );
    for token in [
        "garbage",
        "dt0s01.NOPE.0123456789ABCDEFGHIJ",
        forged.as_str(),
    ] {
        unauthorized(s.scim.with_token(Some(token)).get("/Users").await).await;
    }
    let basic = s
        .app
        .http()
        .get(s.scim.url("/Users"))
        .header("authorization", format!("Basic {}", secret(&s.token)))
        .send()
        .await
        .unwrap();
    unauthorized(basic).await;
    // Nothing was created by the refused POSTs.
    assert!(s.rest.list_all_users(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn oauth_tokens_and_scim_tokens_each_work_only_on_their_own_routes() {
    let s = scim_setup().await;
    let oauth = s.app.token(&s.account, &ALL_SCOPES).await;
    // An OAuth access token (with every scope) on SCIM routes: 401, on both bases.
    unauthorized(s.scim.with_token(Some(&oauth)).get("/Users").await).await;
    unauthorized(Scim::seed(&s.app, Some(&oauth)).get("/Users").await).await;
    // A SCIM token on REST routes: 401 in the REST error envelope.
    let scim_token = secret(&s.token);
    for path in ["/users", "/groups"] {
        let response = s
            .app
            .http()
            .get(iam(&s.app, &s.account.uuid, path))
            .bearer_auth(scim_token)
            .send()
            .await
            .unwrap();
        envelope(response, 401).await;
    }
    let response = s
        .app
        .http()
        .post(iam(&s.app, &s.account.uuid, "/groups"))
        .bearer_auth(scim_token)
        .json(&json!({"name": "Sneaky"}))
        .send()
        .await
        .unwrap();
    envelope(response, 401).await;
    let response = s
        .app
        .http()
        .get(s.app.url(&format!("/audit/v1/accounts/{}", s.account.uuid)))
        .bearer_auth(scim_token)
        .send()
        .await
        .unwrap();
    envelope(response, 401).await;
    assert!(s.rest.list_all_groups(None).await.unwrap().is_empty());
    // And each token still works where it belongs.
    let list = s.scim.get_ok("/Users").await;
    assert_eq!(list["schemas"], json!([LIST_RESPONSE]));
    s.rest.list_all_users(None).await.unwrap();
}

#[tokio::test]
async fn a_token_of_another_account_is_forbidden_on_the_real_path_and_sees_only_its_own_on_the_seed_path()
 {
    let s = scim_setup().await;
    let ours = s
        .scim
        .create("/Users", &user_body("ours@example.com", "Our", "User"))
        .await;
    let other = s.app.new_account().await;
    let other_token = new_token(&s.app, &other.uuid, "other").await;
    let intruder = s.scim.with_token(Some(secret(&other_token)));
    scim_error(intruder.get("/Users").await, 403, None).await;
    scim_error(
        intruder.get(&format!("/Users/{}", id(&ours))).await,
        403,
        None,
    )
    .await;
    scim_error(
        intruder
            .post("/Users", &user_body("x@example.com", "X", "Y"))
            .await,
        403,
        None,
    )
    .await;
    scim_error(
        intruder.delete(&format!("/Users/{}", id(&ours))).await,
        403,
        None,
    )
    .await;
    // Our user is untouched, and the other account got nothing.
    s.rest.get_user(&id(&ours)).await.unwrap();
    let other_rest = s.app.client(&other, &ALL_SCOPES).await;
    assert!(other_rest.list_all_users(None).await.unwrap().is_empty());

    // On /api/v2/scim the token names the account: the other account sees only its own users,
    // and ours is not found there.
    let seed = Scim::seed(&s.app, Some(secret(&other_token)));
    let list = seed.get_ok("/Users").await;
    assert_eq!(total(&list), 0, "{list}");
    scim_error(seed.get(&format!("/Users/{}", id(&ours))).await, 404, None).await;
    // Its own path works with its own token.
    let own = Scim::real(&s.app, &other.uuid, Some(secret(&other_token)));
    assert_eq!(total(&own.get_ok("/Users").await), 0);

    // A path account that is not an account: refused without reaching any data.
    let bogus = Scim::real(&s.app, "not-an-account", Some(secret(&s.token)));
    let response = bogus.get("/Users").await;
    let status = response.status().as_u16();
    assert!(
        status == 404 || status == 403,
        "a malformed account uuid in the path: {status}"
    );
    scim_error(response, status, None).await;
}

#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let s = scim_setup().await;
    let second = new_token(&s.app, &s.account.uuid, "second").await;
    let other = s.scim.with_token(Some(secret(&second)));
    s.scim.get_ok("/Users").await;
    other.get_ok("/Users").await;

    s.app
        .admin()
        .revoke_scim_token(&s.account.uuid, &s.token.id)
        .await
        .unwrap();
    unauthorized(s.scim.get("/Users").await).await;
    unauthorized(
        Scim::seed(&s.app, Some(secret(&s.token)))
            .get("/Groups")
            .await,
    )
    .await;
    // Only that token: the other one still works.
    other.get_ok("/Users").await;
    // Revoking it again, or a token that does not exist: 404.
    api_error(
        s.app
            .admin()
            .revoke_scim_token(&s.account.uuid, &s.token.id)
            .await,
        404,
    );
    api_error(
        s.app
            .admin()
            .revoke_scim_token(&s.account.uuid, "NOSUCHTOKEN")
            .await,
        404,
    );
    let listed = s
        .app
        .admin()
        .list_scim_tokens(&s.account.uuid)
        .await
        .unwrap();
    let names: Vec<_> = listed.tokens.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["second"]);
}

#[tokio::test]
async fn a_token_is_revoked_only_in_its_own_account() {
    let s = scim_setup().await;
    let other = s.app.new_account().await;
    api_error(
        s.app
            .admin()
            .revoke_scim_token(&other.uuid, &s.token.id)
            .await,
        404,
    );
    s.scim.get_ok("/Users").await;
}

#[tokio::test]
async fn rotation_revokes_every_other_token_and_the_new_one_works() {
    let s = scim_setup().await;
    let second = new_token(&s.app, &s.account.uuid, "second").await;
    let other_account = s.app.new_account().await;
    let unrelated = new_token(&s.app, &other_account.uuid, "unrelated").await;

    let rotated = s
        .app
        .admin()
        .create_scim_token(
            &s.account.uuid,
            &ScimTokenCreateRequest {
                name: Some("okta".into()),
            },
            true,
        )
        .await
        .unwrap();
    assert_eq!(rotated.name, "okta");
    assert_eq!(rotated.account_uuid, s.account.uuid);
    let new_secret = secret(&rotated);
    assert!(new_secret.starts_with(&format!("dt0s01.{}.", rotated.id)));

    unauthorized(s.scim.get("/Users").await).await;
    unauthorized(s.scim.with_token(Some(secret(&second))).get("/Users").await).await;
    s.scim.with_token(Some(new_secret)).get_ok("/Users").await;
    Scim::seed(&s.app, Some(new_secret)).get_ok("/Users").await;
    // Another account's tokens are not touched.
    Scim::real(&s.app, &other_account.uuid, Some(secret(&unrelated)))
        .get_ok("/Users")
        .await;
    let listed = s
        .app
        .admin()
        .list_scim_tokens(&s.account.uuid)
        .await
        .unwrap();
    let ids: Vec<_> = listed.tokens.iter().map(|t| t.id.clone()).collect();
    assert_eq!(ids, vec![rotated.id.clone()]);
}

#[tokio::test]
async fn an_account_holds_at_most_ten_tokens() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let mut made = Vec::new();
    for n in 0..10 {
        made.push(new_token(&app, &account.uuid, &format!("t{n}")).await);
    }
    let message = api_error(
        app.admin()
            .create_scim_token(
                &account.uuid,
                &ScimTokenCreateRequest {
                    name: Some("eleventh".into()),
                },
                false,
            )
            .await,
        409,
    );
    assert!(!message.is_empty());
    // The refused one was not stored, and the ten still work.
    assert_eq!(
        app.admin()
            .list_scim_tokens(&account.uuid)
            .await
            .unwrap()
            .tokens
            .len(),
        10
    );
    Scim::real(&app, &account.uuid, Some(secret(&made[9])))
        .get_ok("/Users")
        .await;
    // Rotating at the limit is allowed (it leaves one); revoking one frees a place.
    app.admin()
        .revoke_scim_token(&account.uuid, &made[0].id)
        .await
        .unwrap();
    new_token(&app, &account.uuid, "after a revocation").await;
    let rotated = app
        .admin()
        .create_scim_token(&account.uuid, &ScimTokenCreateRequest { name: None }, true)
        .await
        .unwrap();
    let listed = app.admin().list_scim_tokens(&account.uuid).await.unwrap();
    assert_eq!(listed.tokens.len(), 1);
    assert_eq!(listed.tokens[0].id, rotated.id);
}

#[tokio::test]
async fn tokens_are_listed_oldest_first_without_their_secrets() {
    let s = scim_setup().await;
    let second = new_token(&s.app, &s.account.uuid, "entra").await;
    assert!(secret(&s.token).starts_with("dt0s01."));
    assert!(secret(&second).starts_with(&format!("dt0s01.{}.", second.id)));
    assert_ne!(secret(&s.token), secret(&second));

    let listed = s
        .app
        .admin()
        .list_scim_tokens(&s.account.uuid)
        .await
        .unwrap();
    assert_eq!(listed.tokens.len(), 2);
    assert_eq!(listed.tokens[0].id, s.token.id);
    assert_eq!(listed.tokens[0].name, "idp");
    assert_eq!(listed.tokens[1].id, second.id);
    assert_eq!(listed.tokens[1].name, "entra");
    assert!(listed.tokens.iter().all(|t| t.token.is_none()));
    assert!(
        listed
            .tokens
            .iter()
            .all(|t| t.account_uuid == s.account.uuid && !t.created_at.is_empty())
    );
    // The raw answer holds no secret part at all.
    let response = s
        .app
        .http()
        .get(s.app.url(&format!(
            "/admin/v1/accounts/{}/scim-tokens",
            s.account.uuid
        )))
        .bearer_auth(accountd_testkit::ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.unwrap();
    for token in [secret(&s.token), secret(&second)] {
        let secret_part = token.rsplit('.').next().unwrap();
        assert!(!text.contains(secret_part), "a secret is listed: {text}");
    }
    let raw: Value = serde_json::from_str(&text).unwrap();
    for token in raw["tokens"].as_array().unwrap() {
        assert!(token.get("token").is_none(), "{token}");
    }
    // The admin API needs the admin token.
    let response = s
        .app
        .http()
        .get(s.app.url(&format!(
            "/admin/v1/accounts/{}/scim-tokens",
            s.account.uuid
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    // An account that does not exist has no tokens to list or create.
    let missing = "00000000-0000-4000-8000-000000000000";
    api_error(s.app.admin().list_scim_tokens(missing).await, 404);
    api_error(
        s.app
            .admin()
            .create_scim_token(missing, &ScimTokenCreateRequest { name: None }, false)
            .await,
        404,
    );
}

#[tokio::test]
async fn a_token_declared_in_the_bootstrap_file_works() {
    const ACCOUNT: &str = "6d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
    const TOKEN: &str = "dt0s01.BOOTOKTA.S3CRETS3CRETS3CRETS3CRET";
    let yaml = format!(
        r#"
accounts:
  - uuid: {ACCOUNT}
    name: Provisioned
    oauthClients:
      - {{clientId: dt0s02.PROV, clientSecret: dt0s02.PROV.SECRET, scopes: [account-idm-read, account-idm-write]}}
    groups:
      - {{name: Admins}}
    users:
      - {{email: ada@example.com, firstName: Ada, lastName: Lovelace, groups: [Admins]}}
    scimTokens:
      - {{name: okta, token: {TOKEN}}}
"#
    );
    let mut app = TestApp::builder().bootstrap(yaml.clone()).spawn().await;
    let scim = Scim::real(&app, ACCOUNT, Some(TOKEN));
    let users = scim
        .filter("/Users", r#"userName eq "ada@example.com""#)
        .await;
    assert_eq!(total(&users), 1, "{users}");
    let ada = &resources(&users)[0];
    assert_eq!(ada["name"]["givenName"], "Ada");
    assert_eq!(ada["groups"][0]["display"], "Admins");
    let groups = Scim::seed(&app, Some(TOKEN)).get_ok("/Groups").await;
    assert_eq!(total(&groups), 1);
    assert_eq!(resources(&groups)[0]["displayName"], "Admins");
    assert_eq!(resources(&groups)[0]["schemas"], json!([GROUP_SCHEMA]));
    let listed = app.admin().list_scim_tokens(ACCOUNT).await.unwrap();
    assert_eq!(listed.tokens.len(), 1);
    assert_eq!(listed.tokens[0].id, "BOOTOKTA");
    assert_eq!(listed.tokens[0].name, "okta");
    assert!(listed.tokens[0].token.is_none());

    // A SCIM change by it is made and audited as that token.
    let created = scim
        .create("/Users", &user_body("grace@example.com", "Grace", "Hopper"))
        .await;
    assert_eq!(created["schemas"], json!([USER_SCHEMA]));
    let rest = app.client_with(ACCOUNT, "dt0s02.PROV".into(), "dt0s02.PROV.SECRET".into());
    assert_eq!(
        rest.get_user(&id(&created)).await.unwrap().email,
        "grace@example.com"
    );

    // Applying the same file again on restart keeps the token working.
    app.restart().await;
    Scim::real(&app, ACCOUNT, Some(TOKEN))
        .get_ok("/Users")
        .await;
    assert_eq!(
        app.admin()
            .list_scim_tokens(ACCOUNT)
            .await
            .unwrap()
            .tokens
            .len(),
        1
    );
}

#[tokio::test]
async fn a_malformed_bootstrap_token_stops_the_start() {
    let yaml = r#"
accounts:
  - uuid: 6d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d7
    name: Broken
    scimTokens:
      - {name: okta, token: not-a-scim-token}
"#;
    let err = match TestApp::builder().bootstrap(yaml).try_spawn().await {
        Ok(_) => panic!("a malformed SCIM token in the bootstrap file was accepted"),
        Err(err) => err,
    };
    assert!(err.contains("scimTokens"), "{err}");
}

#[tokio::test]
async fn discovery_endpoints_answer_without_a_token_on_both_bases() {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    for scim in [
        Scim::real(&app, &account.uuid, None),
        Scim::seed(&app, None),
    ] {
        let config = scim.get_ok("/ServiceProviderConfig").await;
        assert_eq!(
            config["schemas"],
            json!(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
        );
        for feature in ["patch", "bulk", "filter", "sort", "etag"] {
            assert_eq!(config[feature]["supported"], true, "{feature}: {config}");
        }
        assert_eq!(config["changePassword"]["supported"], false);
        assert_eq!(
            config["authenticationSchemes"][0]["type"],
            "oauthbearertoken"
        );
        assert_eq!(
            config["meta"]["location"],
            json!(scim.url("/ServiceProviderConfig"))
        );

        let types = scim.get_ok("/ResourceTypes").await;
        let mut names: Vec<String> = resources(&types)
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec!["Group", "User"]);
        let user_type = scim.get_ok("/ResourceTypes/User").await;
        assert_eq!(user_type["endpoint"], "/Users");
        assert_eq!(user_type["schema"], USER_SCHEMA);
        assert_eq!(
            user_type["meta"]["location"],
            json!(scim.url("/ResourceTypes/User"))
        );

        let schemas = scim.get_ok("/Schemas").await;
        let mut schema_ids: Vec<String> = resources(&schemas)
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect();
        schema_ids.sort();
        assert_eq!(schema_ids, vec![GROUP_SCHEMA, USER_SCHEMA]);
        let user_schema = scim.get_ok(&format!("/Schemas/{USER_SCHEMA}")).await;
        assert_eq!(user_schema["id"], USER_SCHEMA);
        let attributes: Vec<&str> = user_schema["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        for name in ["userName", "name", "emails", "active", "groups"] {
            assert!(attributes.contains(&name), "{name} in {attributes:?}");
        }
        scim_error(scim.get("/Schemas/urn:nope").await, 404, None).await;
        scim_error(scim.get("/ResourceTypes/Nope").await, 404, None).await;
    }
    // Discovery with a valid token answers the same.
    let token = new_token(&app, &account.uuid, "idp").await;
    let scim = Scim::real(&app, &account.uuid, Some(secret(&token)));
    let (_, body) = ok(scim.get("/ServiceProviderConfig").await, 200).await;
    assert_eq!(body["bulk"]["maxOperations"], 1000);
    // Only discovery: the users list still needs the token.
    unauthorized(Scim::real(&app, &account.uuid, None).get("/Users").await).await;
    let read = read_json(
        app.http()
            .get(scim.url("/ResourceTypes/Group"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(read["endpoint"], "/Groups");
}

#[tokio::test]
async fn a_revoked_token_stops_working_on_every_instance() {
    if crate::multi_instance::skip() {
        return;
    }
    let s = scim_setup().await;
    let second = s.app.second_instance().await;
    let there = Scim::real(&second, &s.account.uuid, Some(secret(&s.token)));
    there.get_ok("/Users").await;
    s.scim.get_ok("/Users").await;
    // Revoked through the first instance's admin API: refused by both at once.
    s.app
        .admin()
        .revoke_scim_token(&s.account.uuid, &s.token.id)
        .await
        .unwrap();
    unauthorized(there.get("/Users").await).await;
    unauthorized(s.scim.get("/Users").await).await;
    // A token made through the second instance works on the first.
    let made = new_token(&second, &s.account.uuid, "second").await;
    s.scim
        .with_token(Some(secret(&made)))
        .get_ok("/Users")
        .await;
}
