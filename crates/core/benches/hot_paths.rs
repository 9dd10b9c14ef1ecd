//! Micro-benchmarks of the pure code on every request: token verification (and issue), page-key
//! encode/decode, email parsing. `cargo bench -p accountd-core`; results in docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use accountd_core::ids::{AccountId, Email};
use accountd_core::mac::MacKey;
use accountd_core::page::{Cursor, PageKeys, PageKind};
use accountd_core::token::{Claims, ISSUER, RESOURCE_PREFIX, TokenSigner};
use criterion::{Criterion, criterion_group, criterion_main};

fn tokens(c: &mut Criterion) {
    let signer = TokenSigner::new(MacKey::from_bytes([7; 32]));
    let account = AccountId::generate();
    let claims = Claims {
        iss: ISSUER.into(),
        sub: "dt0s02.BENCHMARK".into(),
        aud: format!("{RESOURCE_PREFIX}{account}"),
        scope: "account-idm-read account-idm-write account-env-read account-env-write".into(),
        iat: 1_800_000_000,
        exp: 1_800_000_300,
        jti: "c0ffee".into(),
    };
    let token = signer.issue(&claims);
    c.bench_function("token/verify", |b| {
        b.iter(|| signer.verify(black_box(&token), 1_800_000_100).unwrap())
    });
    c.bench_function("token/issue", |b| {
        b.iter(|| signer.issue(black_box(&claims)))
    });
}

fn page_keys(c: &mut Criterion) {
    let keys = PageKeys::new(MacKey::from_bytes([9; 32]));
    let account = AccountId::generate();
    let cursor = Cursor {
        kind: PageKind::Users,
        account: account.to_string(),
        after: 900_000,
        page_size: 100,
        filter: None,
    };
    let key = keys.encode(&cursor);
    c.bench_function("page_key/encode", |b| {
        b.iter(|| keys.encode(black_box(&cursor)))
    });
    c.bench_function("page_key/decode", |b| {
        b.iter(|| {
            keys.decode(black_box(&key), PageKind::Users, account)
                .unwrap()
        })
    });
}

fn emails(c: &mut Criterion) {
    c.bench_function("email/parse", |b| {
        b.iter(|| Email::parse(black_box("Ada.Lovelace+accountd@Example.com")).unwrap())
    });
}

criterion_group!(benches, tokens, page_keys, emails);
criterion_main!(benches);
