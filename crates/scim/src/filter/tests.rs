use super::*;
use crate::error::ScimType;

fn parse(input: &str) -> Filter {
    match parse_filter(input) {
        Ok(filter) => filter,
        Err(err) => panic!("{input:?} did not parse: {err}"),
    }
}

fn detail(input: &str) -> String {
    match parse_filter(input) {
        Ok(filter) => panic!("{input:?} parsed as {filter:?}"),
        Err(err) => {
            assert_eq!(err.status, 400);
            assert_eq!(err.scim_type, Some(ScimType::InvalidFilter), "{input:?}");
            err.detail
        }
    }
}

fn eq(path: AttrPath, value: &str) -> Filter {
    Filter::Compare {
        path,
        op: CompareOp::Eq,
        value: CompValue::String(value.to_owned()),
    }
}

/// Every example filter of RFC 7644 §3.4.2.2 parses and prints back.
#[test]
fn rfc_examples_parse() {
    let examples = [
        r#"userName Eq "john""#,
        r#"Username eq "john""#,
        r#"name.familyName co "O'Malley""#,
        r#"userName sw "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        "title pr",
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        r#"title pr and userType eq "Employee""#,
        r#"title pr or userType eq "Intern""#,
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType eq "Employee" and (emails.type eq "work")"#,
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    ];
    for example in examples {
        let filter = parse(example);
        let printed = filter.to_string();
        assert_eq!(parse(&printed), filter, "{example} printed as {printed}");
    }
}

#[test]
fn keywords_are_case_insensitive() {
    let filter = parse(r#"userName EQ "a" AND NOT (active Pr) Or title pR"#);
    assert!(matches!(filter, Filter::Or(..)));
}

#[test]
fn urn_prefix_and_sub_attribute_are_split() {
    let filter = parse(r#"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "x""#);
    let Filter::Compare { path, .. } = filter else {
        panic!("not a comparison");
    };
    assert_eq!(
        path.urn.as_deref(),
        Some("urn:ietf:params:scim:schemas:core:2.0:User")
    );
    assert_eq!(path.name, "name");
    assert_eq!(path.sub.as_deref(), Some("familyName"));
}

#[test]
fn and_binds_tighter_than_or() {
    let filter = parse(r#"a eq "1" or b eq "2" and c eq "3""#);
    assert_eq!(
        filter,
        Filter::Or(
            Box::new(eq(AttrPath::new("a"), "1")),
            Box::new(Filter::And(
                Box::new(eq(AttrPath::new("b"), "2")),
                Box::new(eq(AttrPath::new("c"), "3")),
            )),
        )
    );
}

#[test]
fn value_filter_is_a_value_path() {
    let filter = parse(r#"emails[type eq "work"]"#);
    assert_eq!(
        filter,
        Filter::ValuePath {
            attr: AttrPath::new("emails"),
            filter: Box::new(eq(AttrPath::new("type"), "work")),
        }
    );
}

#[test]
fn values_of_every_kind() {
    let value_of = |input: &str| match parse(input) {
        Filter::Compare { value, .. } => value,
        other => panic!("{other:?}"),
    };
    assert_eq!(value_of("a eq true"), CompValue::Bool(true));
    assert_eq!(value_of("a eq False"), CompValue::Bool(false));
    assert_eq!(value_of("a eq null"), CompValue::Null);
    assert_eq!(value_of("a gt 42").to_string(), "42");
    assert_eq!(value_of("a gt -1.5e3").to_string(), "-1500.0");
    assert_eq!(
        value_of(r#"a eq "x\"y\u0041""#),
        CompValue::String("x\"yA".to_owned())
    );
}

#[test]
fn as_equality_only_for_a_single_string_eq() {
    let filter = parse(r#"userName eq "bjensen""#);
    let (path, value) = filter
        .as_equality()
        .unwrap_or_else(|| panic!("no equality"));
    assert_eq!(path.name, "userName");
    assert_eq!(value, "bjensen");
    assert!(parse(r#"userName ne "x""#).as_equality().is_none());
    assert!(parse("userName eq 1").as_equality().is_none());
    assert!(
        parse(r#"userName eq "a" and active eq true"#)
            .as_equality()
            .is_none()
    );
}

#[test]
fn malformed_filters_name_the_offset_and_expectation() {
    assert_eq!(
        detail(r#"userName "john""#),
        "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or 'pr' after \
         'userName' at offset 9, found a string"
    );
    assert_eq!(
        detail("userName eq"),
        "expected a value (a quoted string, a number, true, false or null) after 'eq' at the \
         end of the input (offset 11)"
    );
    assert!(detail("userName eq john").contains("strings must be in double quotes"));
    assert!(detail(r#"(userName eq "a""#).contains("expected ')'"));
    assert!(detail(r#"userName eq "a")"#).contains("expected 'and', 'or' or the end"));
    assert!(detail(r#"userName eq "a" and"#).contains("expected an attribute name"));
    assert!(detail(r#"not userName eq "a""#).contains("expected '(' after 'not'"));
    assert!(detail(r#"emails[type eq "work""#).contains("expected ']'"));
    assert!(detail("emails[]").contains("expected a filter inside"));
    assert!(detail(r#"emails[type eq "w"].value eq "x""#).contains("PATCH path"));
    assert!(detail(r#"a[b[c eq "x"]]"#).contains("cannot be nested"));
    assert!(detail(r#"name.givenName[x eq "y"]"#).contains("not to the sub-attribute"));
    assert!(detail(r#"1abc eq "x""#).contains("expected an attribute name at offset 0"));
    assert!(detail(r#"a.b.c eq "x""#).contains("expected an attribute name"));
    assert!(detail(r#"urn:ietf:params: eq "x""#).contains("without an attribute name"));
    assert!(detail(r#"userName eq "x" # "#).contains("unexpected character '#' at offset 16"));
    assert!(detail("").contains("empty"));
    assert!(detail("   ").contains("empty"));
    assert!(detail(r#"a eq "\x""#).contains("invalid string"));
    assert!(detail("a eq ]").contains("found ']'"));
    assert!(detail(") or a pr").contains("expected an attribute name, '(' or 'not' at offset 0"));
}

#[test]
fn length_limit() {
    let long = format!(r#"userName eq "{}""#, "x".repeat(MAX_FILTER_LEN));
    assert!(detail(&long).contains("at most 4096"));
    let fits = format!(r#"a eq "{}""#, "x".repeat(MAX_FILTER_LEN - 7));
    assert_eq!(fits.len(), MAX_FILTER_LEN);
    parse(&fits);
}

#[test]
fn depth_limit() {
    let nested = |levels: usize| {
        format!(
            "{}userName pr{}",
            "not (".repeat(levels),
            ")".repeat(levels)
        )
    };
    parse(&nested(MAX_DEPTH));
    assert!(detail(&nested(MAX_DEPTH + 1)).contains("deeper than 32"));
    let parens = format!("{}a pr{}", "(".repeat(1000), ")".repeat(1000));
    assert!(detail(&parens).contains("deeper than 32"));
    let brackets = format!(
        "{}emails[a pr]{}",
        "(".repeat(MAX_DEPTH),
        ")".repeat(MAX_DEPTH)
    );
    assert!(detail(&brackets).contains("deeper than 32"));
}

#[test]
fn long_chains_stay_shallow() {
    fn depth(filter: &Filter) -> usize {
        match filter {
            Filter::And(a, b) | Filter::Or(a, b) => 1 + depth(a).max(depth(b)),
            Filter::Not(inner) => 1 + depth(inner),
            Filter::ValuePath { filter, .. } => 1 + depth(filter),
            _ => 1,
        }
    }
    let chain = vec!["a pr"; 400].join(" and ");
    let filter = parse(&chain);
    assert!(depth(&filter) <= 10, "depth {}", depth(&filter));
    let mixed = vec!["a pr and b pr"; 200].join(" or ");
    assert!(depth(&parse(&mixed)) <= 11);
}
