#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
//! The served OpenAPI document: a superset of seed 000 (checked mechanically, naming every
//! difference), and a snapshot that makes any change to the public contract visible in review.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/spec/seed-account-management.openapi.yaml"
);

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Keywords that constrain a value; the served document must carry the seed's exactly.
const CONSTRAINTS: [&str; 12] = [
    "type",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "default",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "multipleOf",
];

fn served() -> Value {
    serde_json::to_value(accountd_server::openapi::document()).unwrap()
}

fn seed() -> Value {
    let text = std::fs::read_to_string(SEED).unwrap_or_else(|err| {
        panic!(
            "cannot read the seed specification at {SEED}: {err}\n\
             The superset check needs ../shared/spec/seed-account-management.openapi.yaml beside \
             the repository (a clean clone with shared/ next to it)."
        )
    });
    yaml_serde::from_str(&text).unwrap_or_else(|err| panic!("{SEED} is not valid YAML: {err}"))
}

/// Follows local `$ref`s (sibling keys next to a `$ref`, like the seed's parameter `example`,
/// are ignored, as OpenAPI 3.1 says for Reference Objects).
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        let pointer = reference.strip_prefix('#').unwrap_or(reference);
        value = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolvable $ref {reference}"));
    }
    panic!("$ref chain too long")
}

/// The set of JSON types a schema allows (`type` may be a string or an array; the seed's 3.0-style
/// `nullable: true` adds `null`).
fn types(schema: &Value) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = match schema.get("type") {
        Some(Value::String(t)) => [t.clone()].into(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => BTreeSet::new(),
    };
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        set.insert("null".to_owned());
    }
    set
}

struct Check<'a> {
    seed: &'a Value,
    ours: &'a Value,
    differences: Vec<String>,
    notes: Vec<String>,
}

impl Check<'_> {
    fn differ(&mut self, at: &str, what: impl std::fmt::Display) {
        self.differences.push(format!("{at}: {what}"));
    }

    /// The seed's constraints on a parameter value must be ours exactly; we may add some.
    fn value_constraints(&mut self, at: &str, seed: &Value, ours: &Value) {
        let seed = resolve(self.seed, seed);
        let ours = resolve(self.ours, ours);
        for keyword in CONSTRAINTS {
            match (seed.get(keyword), ours.get(keyword)) {
                (Some(s), Some(o)) if s == o => {}
                (Some(s), Some(o)) if keyword == "type" && types(seed) == types(ours) => {
                    let _ = (s, o);
                }
                (Some(s), o) => self.differ(
                    at,
                    format!(
                        "{keyword} is {s} in the seed but {} here",
                        o.map_or("absent".to_owned(), ToString::to_string)
                    ),
                ),
                (None, Some(o)) => self
                    .notes
                    .push(format!("{at}: adds {keyword} = {o} (not in the seed)")),
                (None, None) => {}
            }
        }
    }

    /// A request body schema: the same required fields; every seed property with the same
    /// constraints the seed states (we may add constraints and properties).
    fn request_schema(&mut self, at: &str, seed: &Value, ours: &Value) {
        let seed = resolve(self.seed, seed);
        let ours = resolve(self.ours, ours);
        let required = |schema: &Value| -> BTreeSet<String> {
            schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        if required(seed) != required(ours) {
            self.differ(
                at,
                format!(
                    "required fields are {:?} in the seed but {:?} here",
                    required(seed),
                    required(ours)
                ),
            );
        }
        if !types(seed).is_subset(&types(ours)) {
            self.differ(
                at,
                format!("type {:?} in the seed, {:?} here", types(seed), types(ours)),
            );
        }
        let empty = Map::new();
        let seed_props = seed
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let our_props = ours
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (name, seed_prop) in seed_props {
            let at = format!("{at}.{name}");
            match our_props.get(name) {
                None => self.differ(&at, "property missing"),
                Some(our_prop) => {
                    let (s, o) = (resolve(self.seed, seed_prop), resolve(self.ours, our_prop));
                    if types(s) != types(o) {
                        self.differ(
                            &at,
                            format!("type {:?} in the seed, {:?} here", types(s), types(o)),
                        );
                    }
                    for keyword in CONSTRAINTS.iter().filter(|k| **k != "type") {
                        if let Some(sv) = s.get(*keyword)
                            && o.get(*keyword) != Some(sv)
                        {
                            self.differ(
                                &at,
                                format!(
                                    "{keyword} is {sv} in the seed, {:?} here",
                                    o.get(*keyword)
                                ),
                            );
                        }
                    }
                    if let (Some(si), Some(oi)) = (s.get("items"), o.get("items")) {
                        self.request_schema(&format!("{at}[]"), si, oi);
                    } else if s.get("items").is_some() {
                        self.differ(&at, "the seed's array items are not described here");
                    }
                }
            }
        }
    }

    /// A response schema: every property the seed describes, with a compatible type (a type the
    /// seed allows), the same enum and format, recursively.
    fn response_schema(&mut self, at: &str, seed: &Value, ours: &Value) {
        let seed = resolve(self.seed, seed);
        let ours = resolve(self.ours, ours);
        let (st, ot) = (types(seed), types(ours));
        // Ours may leave out `null` (we omit instead of sending null), never add a type.
        let ours_non_null: BTreeSet<String> = ot.iter().filter(|t| *t != "null").cloned().collect();
        if !st.is_empty() && !ours_non_null.is_subset(&st) {
            self.differ(at, format!("type {st:?} in the seed, {ot:?} here"));
        }
        if ot.contains("null") && !st.contains("null") {
            self.differ(at, "null here, but the seed does not allow null");
        }
        for keyword in ["enum", "format"] {
            if let Some(sv) = seed.get(keyword)
                && ours.get(keyword) != Some(sv)
            {
                self.differ(
                    at,
                    format!(
                        "{keyword} is {sv} in the seed, {:?} here",
                        ours.get(keyword)
                    ),
                );
            }
        }
        let empty = Map::new();
        let seed_props = seed
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let our_props = ours
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (name, seed_prop) in seed_props {
            match our_props.get(name) {
                None => self.differ(&format!("{at}.{name}"), "property missing"),
                Some(our_prop) => {
                    self.response_schema(&format!("{at}.{name}"), seed_prop, our_prop)
                }
            }
        }
        for name in our_props.keys().filter(|n| !seed_props.contains_key(*n)) {
            if !seed_props.is_empty() {
                self.notes
                    .push(format!("{at}: adds the property {name} (not in the seed)"));
            }
        }
        match (seed.get("items"), ours.get("items")) {
            (Some(si), Some(oi)) => self.response_schema(&format!("{at}[]"), si, oi),
            (Some(_), None) => self.differ(at, "the seed's array items are not described here"),
            _ => {}
        }
    }

    fn operation(&mut self, path: &str, method: &str, seed_op: &Value, our_op: &Value) {
        let at = format!("{} {path}", method.to_uppercase());
        if seed_op.get("operationId") != our_op.get("operationId") {
            self.differ(
                &at,
                format!(
                    "operationId {:?} in the seed, {:?} here",
                    seed_op.get("operationId"),
                    our_op.get("operationId")
                ),
            );
        }
        // Parameters, by name and location.
        let params = |doc: &Value, op: &Value| -> BTreeMap<(String, String), Value> {
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| resolve(doc, p).clone())
                .filter_map(|p| {
                    let name = p.get("name")?.as_str()?.to_owned();
                    let place = p.get("in")?.as_str()?.to_owned();
                    Some(((name, place), p))
                })
                .collect()
        };
        let seed_params = params(self.seed, seed_op);
        let our_params = params(self.ours, our_op);
        for ((name, place), seed_param) in &seed_params {
            let pat = format!("{at} parameter {name} (in {place})");
            let Some(our_param) = our_params.get(&(name.clone(), place.clone())) else {
                self.differ(&pat, "missing");
                continue;
            };
            let required = |p: &Value| p.get("required") == Some(&Value::Bool(true));
            if required(seed_param) != required(our_param) {
                self.differ(
                    &pat,
                    format!(
                        "required is {} in the seed, {} here",
                        required(seed_param),
                        required(our_param)
                    ),
                );
            }
            let empty = Value::Object(Map::new());
            self.value_constraints(
                &pat,
                seed_param.get("schema").unwrap_or(&empty),
                our_param.get("schema").unwrap_or(&empty),
            );
        }
        for ((name, place), our_param) in &our_params {
            if seed_params.contains_key(&(name.clone(), place.clone())) {
                continue;
            }
            if our_param.get("required") == Some(&Value::Bool(true)) {
                self.differ(
                    &format!("{at} parameter {name} (in {place})"),
                    "required here but unknown to the seed",
                );
            } else {
                self.notes.push(format!(
                    "{at}: adds the optional parameter {name} (in {place})"
                ));
            }
        }
        // Request body.
        match (seed_op.get("requestBody"), our_op.get("requestBody")) {
            (Some(seed_body), Some(our_body)) => {
                let (seed_body, our_body) =
                    (resolve(self.seed, seed_body), resolve(self.ours, our_body));
                let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
                if required(seed_body) != required(our_body) {
                    self.differ(
                        &format!("{at} request body"),
                        format!(
                            "required is {} in the seed, {} here",
                            required(seed_body),
                            required(our_body)
                        ),
                    );
                }
                let empty = Map::new();
                let seed_content = seed_body
                    .get("content")
                    .and_then(Value::as_object)
                    .unwrap_or(&empty);
                for (media, seed_media) in seed_content {
                    let bat = format!("{at} request body {media}");
                    match our_body.pointer(&format!("/content/{}", media.replace('/', "~1"))) {
                        None => self.differ(&bat, "media type missing"),
                        Some(our_media) => {
                            let null = Value::Null;
                            self.request_schema(
                                &bat,
                                seed_media.get("schema").unwrap_or(&null),
                                our_media.get("schema").unwrap_or(&null),
                            );
                        }
                    }
                }
            }
            (Some(_), None) => self.differ(&at, "the seed's request body is missing"),
            (None, Some(_)) => self.differ(&at, "a request body the seed does not have"),
            (None, None) => {}
        }
        // Responses.
        let empty = Map::new();
        let seed_responses = seed_op
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let our_responses = our_op
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (status, seed_response) in seed_responses {
            let rat = format!("{at} response {status}");
            let Some(our_response) = our_responses.get(status) else {
                self.differ(&rat, "missing");
                continue;
            };
            let (seed_response, our_response) = (
                resolve(self.seed, seed_response),
                resolve(self.ours, our_response),
            );
            let seed_content = seed_response
                .get("content")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            for (media, seed_media) in seed_content {
                match our_response.pointer(&format!("/content/{}", media.replace('/', "~1"))) {
                    None => self.differ(&format!("{rat} {media}"), "media type missing"),
                    Some(our_media) => {
                        let null = Value::Null;
                        self.response_schema(
                            &format!("{rat} {media}"),
                            seed_media.get("schema").unwrap_or(&null),
                            our_media.get("schema").unwrap_or(&null),
                        );
                    }
                }
            }
            if seed_content.is_empty()
                && our_response
                    .get("content")
                    .and_then(Value::as_object)
                    .is_some_and(|c| !c.is_empty())
            {
                self.differ(&rat, "a body where the seed has none");
            }
        }
        for status in our_responses
            .keys()
            .filter(|s| !seed_responses.contains_key(*s))
        {
            self.notes.push(format!(
                "{at}: adds the response {status} (not in the seed)"
            ));
        }
        // Security: the seed's schemes (the document-wide requirement applies).
        let seed_security = seed_op
            .get("security")
            .or_else(|| self.seed.get("security"))
            .cloned()
            .unwrap_or(Value::Null);
        let our_schemes: BTreeSet<String> = our_op
            .get("security")
            .or_else(|| self.ours.get("security"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|r| r.keys().cloned())
            .collect();
        for requirement in seed_security.as_array().into_iter().flatten() {
            for scheme in requirement.as_object().into_iter().flat_map(|r| r.keys()) {
                if !our_schemes.contains(scheme) {
                    self.differ(
                        &at,
                        format!("the seed's security scheme {scheme} is not accepted here"),
                    );
                }
            }
        }
    }

    fn run(&mut self) {
        let empty = Map::new();
        let seed_paths = self
            .seed
            .get("paths")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone();
        let our_paths = self
            .ours
            .get("paths")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone();
        for (path, seed_item) in &seed_paths {
            let Some(our_item) = our_paths.get(path) else {
                self.differ(path, "path missing");
                continue;
            };
            for method in METHODS {
                match (seed_item.get(method), our_item.get(method)) {
                    (Some(seed_op), Some(our_op)) => self.operation(path, method, seed_op, our_op),
                    (Some(_), None) => self.differ(
                        &format!("{} {path}", method.to_uppercase()),
                        "operation missing",
                    ),
                    _ => {}
                }
            }
        }
        // The seed's security schemes, with its flows and scopes.
        let schemes = self
            .seed
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone();
        for (name, scheme) in &schemes {
            let at = format!("security scheme {name}");
            let Some(ours) = self
                .ours
                .pointer(&format!("/components/securitySchemes/{name}"))
            else {
                self.differ(&at, "missing");
                continue;
            };
            if scheme.get("type") != ours.get("type") {
                self.differ(&at, "a different type");
            }
            for (flow, seed_flow) in scheme
                .get("flows")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
            {
                let Some(our_flow) = ours.pointer(&format!("/flows/{flow}")) else {
                    self.differ(&at, format!("the {flow} flow is missing"));
                    continue;
                };
                for scope in seed_flow
                    .get("scopes")
                    .and_then(Value::as_object)
                    .unwrap_or(&empty)
                    .keys()
                {
                    if our_flow.pointer(&format!("/scopes/{scope}")).is_none() {
                        self.differ(&at, format!("the scope {scope} is missing"));
                    }
                }
            }
        }
    }
}

#[test]
fn the_served_document_is_a_superset_of_the_seed() {
    let (seed, ours) = (seed(), served());
    let mut check = Check {
        seed: &seed,
        ours: &ours,
        differences: Vec::new(),
        notes: Vec::new(),
    };
    check.run();
    println!(
        "{} additions to the seed (allowed):\n  {}",
        check.notes.len(),
        check.notes.join("\n  ")
    );
    assert!(
        check.differences.is_empty(),
        "the served OpenAPI document is not a superset of the seed; {} difference(s):\n  {}",
        check.differences.len(),
        check.differences.join("\n  ")
    );
}

/// The check itself notices a broken superset.
#[test]
fn the_superset_check_names_differences() {
    let seed = seed();
    let mut ours = served();
    let users = "/paths/~1iam~1v1~1accounts~1{accountUuid}~1users";
    // A renamed operation, a tighter page size, a missing response, a lost property.
    *ours
        .pointer_mut(&format!("{users}/get/operationId"))
        .unwrap() = Value::from("listAllUsers");
    let params = ours
        .pointer_mut(&format!("{users}/get/parameters"))
        .unwrap()
        .as_array_mut()
        .unwrap();
    for param in params.iter_mut() {
        if param["name"] == "pageSize" {
            param["schema"]["maximum"] = Value::from(500);
        }
    }
    ours.pointer_mut(&format!("{users}/post/responses"))
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("403");
    ours.pointer_mut("/components/schemas/User/properties")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("userStatus");
    let mut check = Check {
        seed: &seed,
        ours: &ours,
        differences: Vec::new(),
        notes: Vec::new(),
    };
    check.run();
    let all = check.differences.join("\n");
    for expected in [
        "GET /iam/v1/accounts/{accountUuid}/users: operationId",
        "GET /iam/v1/accounts/{accountUuid}/users parameter pageSize (in query): maximum is 1000",
        "POST /iam/v1/accounts/{accountUuid}/users response 403: missing",
        "userStatus: property missing",
    ] {
        assert!(all.contains(expected), "'{expected}' not named in:\n{all}");
    }
}

/// Any change to the public contract shows up here in review (`cargo insta review`).
#[test]
fn the_served_document_is_pinned() {
    let json = serde_json::to_string_pretty(&accountd_server::openapi::document()).unwrap();
    insta::assert_snapshot!("openapi.json", json);
}

/// The permission names in the schema are the ones the server accepts.
#[test]
fn documented_permission_names_are_the_accepted_ones() {
    let documented: BTreeSet<&str> = accountd_proto::permissions::PERMISSION_NAMES.into();
    let accepted: BTreeSet<&str> = accountd_core::permissions::PERMISSION_NAMES.into();
    assert_eq!(documented, accepted);
}
