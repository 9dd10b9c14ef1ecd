//! Micro-benchmarks of the SCIM code on every filtered listing and PATCH: parsing the filters
//! IdPs send, evaluating one against a user, and applying an Entra-style PATCH.
//! `cargo bench -p accountd-scim`; results in docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use accountd_scim::{PatchRequest, apply_patch, matches, parse_filter, user_schema};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

fn user() -> serde_json::Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "00ubcdef",
        "userName": "ada.lovelace@example.com",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": "ada.lovelace@example.com", "type": "work", "primary": true}],
        "active": true,
    })
}

fn filters(c: &mut Criterion) {
    let simple = r#"userName eq "ada.lovelace@example.com""#;
    let complex = r#"(userName sw "ada" or name.familyName co "love") and emails[type eq "work" and value ew "@example.com"] and not (active eq false)"#;
    c.bench_function("scim_filter/parse_eq", |b| {
        b.iter(|| parse_filter(black_box(simple)).unwrap())
    });
    c.bench_function("scim_filter/parse_complex", |b| {
        b.iter(|| parse_filter(black_box(complex)).unwrap())
    });
    let schema = user_schema();
    let parsed = parse_filter(complex).unwrap();
    let resource = user();
    c.bench_function("scim_filter/eval_complex", |b| {
        b.iter(|| matches(black_box(&parsed), black_box(&resource), &schema).unwrap())
    });
}

fn patches(c: &mut Criterion) {
    let schema = user_schema();
    let request: PatchRequest = serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ada@example.org"},
            {"op": "Add", "value": {"name.givenName": "Augusta"}},
        ]
    }))
    .unwrap();
    let resource = user();
    c.bench_function("scim_patch/entra_three_ops", |b| {
        b.iter(|| {
            let mut target = resource.clone();
            apply_patch(&mut target, black_box(&request.operations), &schema).unwrap();
            target
        })
    });
}

criterion_group!(benches, filters, patches);
criterion_main!(benches);
