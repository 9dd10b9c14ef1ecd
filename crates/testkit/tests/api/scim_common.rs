//! Helpers of the SCIM tests: a SCIM caller bound to one base URL and token, SCIM tokens made
//! through the admin API, and checks of SCIM's wire format (`application/scim+json`, RFC 7644
//! §3.12 error bodies, ListResponses).

use accountd_client::Client;
use accountd_proto::admin::{ScimToken, ScimTokenCreateRequest};
use accountd_testkit::{ALL_SCOPES, TestAccount, TestApp};
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::common::json;

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
pub const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
pub const BULK_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const SCIM_JSON: &str = "application/scim+json";

/// A SCIM client: one base URL (absolute), one bearer token (or none).
#[derive(Clone)]
pub struct Scim {
    http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
}

impl Scim {
    /// The real path `/idm/public/scim/{account}/v2`.
    pub fn real(app: &TestApp, account: &str, token: Option<&str>) -> Self {
        Self::at(
            app,
            &format!("/idm/public/scim/{account}/v2"),
            token.map(str::to_owned),
        )
    }

    /// Seed 002's `/api/v2/scim` (the token tells the account).
    pub fn seed(app: &TestApp, token: Option<&str>) -> Self {
        Self::at(app, "/api/v2/scim", token.map(str::to_owned))
    }

    fn at(app: &TestApp, base_path: &str, token: Option<String>) -> Self {
        Self {
            http: app.http(),
            base: app.url(base_path),
            token,
        }
    }

    /// The same base with another token (or none).
    pub fn with_token(&self, token: Option<&str>) -> Self {
        Self {
            token: token.map(str::to_owned),
            ..self.clone()
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with a JSON body sent as `application/scim+json`, and extra headers.
    pub async fn send_with(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, SCIM_JSON)
                .body(body.to_string());
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("send the SCIM request")
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        self.send_with(method, path, body, &[]).await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.send(Method::DELETE, path, None).await
    }

    /// GET that must answer 200; the body.
    pub async fn get_ok(&self, path: &str) -> Value {
        ok(self.get(path).await, 200).await.1
    }

    /// POST that must answer 201; the created resource.
    pub async fn create(&self, path: &str, body: &Value) -> Value {
        ok(self.post(path, body).await, 201).await.1
    }

    /// PATCH with `operations` that must answer 200; the resource.
    pub async fn patch_ok(&self, path: &str, operations: Value) -> Value {
        ok(self.patch(path, &patch_body(operations)).await, 200)
            .await
            .1
    }

    /// DELETE that must answer 204.
    pub async fn delete_ok(&self, path: &str) {
        no_content(self.delete(path).await).await;
    }

    /// `GET <collection>?filter=<filter>` (URL-encoded) that must answer 200.
    pub async fn filter(&self, collection: &str, filter: &str) -> Value {
        self.get_ok(&format!("{collection}?filter={}", encode(filter)))
            .await
    }
}

/// A query-string value, percent-encoded.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A PatchOp request body.
pub fn patch_body(operations: Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": operations})
}

/// The `Content-Type` of a response.
pub fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A header as a string (panics when it is missing).
pub fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Asserts the status and `Content-Type: application/scim+json`; the headers and the body.
pub async fn ok(response: Response, status: u16) -> (HeaderMap, Value) {
    let url = response.url().clone();
    let method_status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("read the body");
    assert_eq!(
        method_status,
        status,
        "unexpected status for {url}: {}",
        String::from_utf8_lossy(&bytes)
    );
    let content_type = content_type(&headers);
    assert!(
        content_type.starts_with(SCIM_JSON),
        "Content-Type of {url} is '{content_type}', not {SCIM_JSON}"
    );
    let body = serde_json::from_slice(&bytes).unwrap_or_else(|err| {
        panic!(
            "not JSON ({err}) from {url}: {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (headers, body)
}

/// Asserts a 204 with an empty body.
pub async fn no_content(response: Response) {
    let url = response.url().clone();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("read the body");
    assert_eq!(
        status,
        204,
        "unexpected status for {url}: {}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(bytes.is_empty(), "a 204 has no body: {bytes:?}");
}

/// Asserts an RFC 7644 §3.12 error: the status, `application/scim+json`, `schemas` exactly the
/// Error URN, `status` as a string, `scimType` (when expected: equal; when `None`: absent) and a
/// non-empty `detail`. Returns the headers and the body.
pub async fn scim_error(
    response: Response,
    status: u16,
    scim_type: Option<&str>,
) -> (HeaderMap, Value) {
    let (headers, body) = ok(response, status).await;
    assert_eq!(body["schemas"], json!([ERROR_SCHEMA]), "{body}");
    assert_eq!(
        body["status"],
        json!(status.to_string()),
        "`status` is the status as a string: {body}"
    );
    match scim_type {
        Some(kind) => assert_eq!(body["scimType"], json!(kind), "{body}"),
        None => assert!(body.get("scimType").is_none(), "no scimType: {body}"),
    }
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(!detail.trim().is_empty(), "the error has no detail: {body}");
    (headers, body)
}

/// A 401 SCIM error with `WWW-Authenticate: Bearer …`.
pub async fn unauthorized(response: Response) -> Value {
    let (headers, body) = scim_error(response, 401, None).await;
    let challenge = header(&headers, "www-authenticate");
    assert!(
        challenge.starts_with("Bearer"),
        "WWW-Authenticate is '{challenge}'"
    );
    body
}

/// Checks a ListResponse's envelope; returns its `Resources` (empty when absent).
pub fn resources(list: &Value) -> Vec<Value> {
    assert_eq!(list["schemas"], json!([LIST_RESPONSE]), "{list}");
    assert!(list["totalResults"].is_u64(), "{list}");
    let items = match list.get("Resources") {
        None => Vec::new(),
        Some(items) => items.as_array().expect("Resources is an array").clone(),
    };
    assert_eq!(
        list["itemsPerPage"].as_u64(),
        Some(items.len() as u64),
        "itemsPerPage is the number of Resources: {list}"
    );
    items
}

/// The `id`s of a ListResponse's resources, in order.
pub fn ids(list: &Value) -> Vec<String> {
    resources(list)
        .iter()
        .map(|r| r["id"].as_str().expect("a resource has an id").to_owned())
        .collect()
}

pub fn total(list: &Value) -> u64 {
    list["totalResults"]
        .as_u64()
        .unwrap_or_else(|| panic!("no totalResults: {list}"))
}

/// Creates a SCIM token through the admin API.
pub async fn new_token(app: &TestApp, account: &str, name: &str) -> ScimToken {
    app.admin()
        .create_scim_token(
            account,
            &ScimTokenCreateRequest {
                name: Some(name.to_owned()),
            },
            false,
        )
        .await
        .unwrap_or_else(|e| panic!("create a SCIM token: {e}"))
}

/// The secret of a created token.
pub fn secret(token: &ScimToken) -> &str {
    token
        .token
        .as_deref()
        .expect("a created token carries its secret")
}

/// A fresh server and account, a REST client with every scope, a SCIM token and a SCIM client
/// on the real path.
pub struct ScimSetup {
    pub app: TestApp,
    pub account: TestAccount,
    pub rest: Client,
    pub token: ScimToken,
    pub scim: Scim,
}

pub async fn scim_setup() -> ScimSetup {
    let app = TestApp::spawn().await;
    let account = app.new_account().await;
    let rest = app.client(&account, &ALL_SCOPES).await;
    let token = new_token(&app, &account.uuid, "idp").await;
    let scim = Scim::real(&app, &account.uuid, Some(secret(&token)));
    ScimSetup {
        app,
        account,
        rest,
        token,
        scim,
    }
}

/// A minimal User body.
pub fn user_body(user_name: &str, given: &str, family: &str) -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "active": true,
    })
}

/// A Group body with members.
pub fn group_body(display_name: &str, members: &[&str]) -> Value {
    let members: Vec<Value> = members.iter().map(|uid| json!({"value": uid})).collect();
    json!({
        "schemas": [GROUP_SCHEMA],
        "displayName": display_name,
        "members": members,
    })
}

/// The `id` of a resource.
pub fn id(resource: &Value) -> String {
    resource["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {resource}"))
        .to_owned()
}

/// The sorted `members[].value` of a Group resource (empty when it has none).
pub fn member_values(group: &Value) -> Vec<String> {
    let mut values: Vec<String> = group
        .get("members")
        .and_then(Value::as_array)
        .map(|members| {
            members
                .iter()
                .map(|m| m["value"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    values.sort();
    values
}

/// The uids of a group's members through the REST API, sorted.
pub async fn rest_members(rest: &Client, group: &str) -> Vec<String> {
    let members = rest.list_group_members(group).await.unwrap();
    let mut uids: Vec<String> = members.items.into_iter().map(|u| u.uid).collect();
    uids.sort();
    uids
}

/// The audit log of the account (newest first), read with an IDM-read OAuth token.
pub async fn audit_events(app: &TestApp, account: &TestAccount) -> Vec<Value> {
    let token = app.token(account, &[crate::common::IDM_READ]).await;
    let response = app
        .http()
        .get(app.url(&format!(
            "/audit/v1/accounts/{}?pageSize=1000",
            account.uuid
        )))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = json(response).await;
    body["items"].as_array().unwrap().clone()
}
