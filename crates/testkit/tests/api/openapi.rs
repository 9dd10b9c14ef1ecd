//! `GET /openapi.json`, `/openapi.yaml` and `/docs`: the served contract and the docs page, without
//! a token, with every asset served by accountd itself.

use accountd_testkit::TestApp;

#[tokio::test]
async fn the_openapi_document_is_served_as_json_and_yaml() {
    let app = TestApp::spawn().await;
    let response = app
        .http()
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let served: serde_json::Value = response.json().await.unwrap();
    let expected = serde_json::to_value(accountd_server::openapi::document()).unwrap();
    assert_eq!(served, expected);
    assert_eq!(served["openapi"], "3.1.0");
    assert_eq!(
        served["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["tokenUrl"],
        "/sso/oauth2/token"
    );

    let response = app
        .http()
        .get(app.url("/openapi.yaml"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/yaml"
    );
    let yaml = response.text().await.unwrap();
    assert!(yaml.starts_with("openapi: 3.1.0\n"), "{}", &yaml[..80]);
    for operation in ["listUsers", "createGroup", "listEnvironments", "getToken"] {
        assert!(yaml.contains(&format!("operationId: {operation}\n")));
    }
}

#[tokio::test]
async fn the_docs_page_and_its_assets_are_served_locally() {
    let app = TestApp::spawn().await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirects.get(app.url("/docs")).send().await.unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"].to_str().unwrap(), "/docs/");

    let response = app.http().get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("swagger-ui"), "{page}");
    // Scripts and styles come from accountd, never from a CDN.
    assert!(
        !page.contains("https://"),
        "the page loads something remote:\n{page}"
    );
    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        let response = app.http().get(app.url(asset)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{asset}");
        let body = response.bytes().await.unwrap();
        assert!(body.len() > 100, "{asset} is empty");
    }
    let initializer = crate::common::text_of(&app, "/docs/swagger-initializer.js").await;
    assert!(
        initializer.contains("\"url\": \"/openapi.json\""),
        "{initializer}"
    );
}
