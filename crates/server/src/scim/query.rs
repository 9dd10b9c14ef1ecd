//! SCIM listing (RFC 7644 §3.4.2): `filter`, `startIndex`/`count` paging, `sortBy`/`sortOrder`
//! and `attributes`/`excludedAttributes`, for GET on a collection and for POST `/.search`.
//!
//! The filters IdPs send (`userName eq`, `externalId eq`, `id eq`) are answered from the
//! store's indexes. Any other filter is evaluated on the rendered resources, read from the
//! store in chunks, so memory holds one chunk and the requested window, never the account
//! (a `sortBy` over more than `MAX_SORTED` matches is refused instead).

use std::future::Future;

use accountd_core::scim::{ScimKey, ScimQuery, ScimSlice};
use accountd_scim::filter::{AttrPath, Filter, parse_filter};
use accountd_scim::query::{SortOrder, compare_keys, list_response, project, sort_key};
use accountd_scim::schema::Schema;
use accountd_scim::{ScimError, ScimType};
use serde_json::{Map, Value};

use super::attrs;
use super::error::ScimResult;

/// `count` when the request gives none, and the most one response holds
/// (ServiceProviderConfig's `filter.maxResults`).
pub const DEFAULT_COUNT: u64 = 100;
pub const MAX_RESULTS: u64 = 1000;
/// Rows read from the store per chunk of a scanned listing.
const CHUNK: u64 = 500;
/// The most matches a `sortBy` sorts in memory.
const MAX_SORTED: usize = 100_000;

/// What a listing request asks for.
#[derive(Debug, Default, Clone)]
pub struct ListParams {
    pub filter: Option<String>,
    pub start_index: Option<i64>,
    pub count: Option<i64>,
    pub sort_by: Option<String>,
    pub sort_order: Option<String>,
    pub attributes: Vec<String>,
    pub excluded_attributes: Vec<String>,
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn integer(name: &str, text: &str) -> Result<i64, ScimError> {
    text.trim()
        .parse()
        .map_err(|_| ScimError::invalid_value(format!("'{name}' must be an integer, not '{text}'")))
}

impl ListParams {
    /// From a query string (GET).
    pub fn from_query(query: Option<&str>) -> Result<Self, ScimError> {
        let mut params = Self::default();
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match key.as_ref() {
                "filter" => params.filter = Some(value.into_owned()),
                "startIndex" => params.start_index = Some(integer("startIndex", &value)?),
                "count" => params.count = Some(integer("count", &value)?),
                "sortBy" => params.sort_by = Some(value.into_owned()),
                "sortOrder" => params.sort_order = Some(value.into_owned()),
                "attributes" => params.attributes = split_list(&value),
                "excludedAttributes" => params.excluded_attributes = split_list(&value),
                _ => {}
            }
        }
        Ok(params)
    }

    /// From a SearchRequest body (POST `/.search`).
    pub fn from_search(body: &Map<String, Value>) -> Result<Self, ScimError> {
        attrs::check_schemas(body, accountd_scim::schema::SEARCH_REQUEST)?;
        let number = |name: &str| -> Result<Option<i64>, ScimError> {
            match attrs::get(body, name) {
                None => Ok(None),
                Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                    ScimError::invalid_value(format!("'{name}' must be an integer"))
                }),
                Some(Value::String(text)) => integer(name, text).map(Some),
                Some(_) => Err(ScimError::invalid_value(format!(
                    "'{name}' must be an integer"
                ))),
            }
        };
        let names = |name: &str| -> Result<Vec<String>, ScimError> {
            match attrs::get(body, name) {
                None => Ok(Vec::new()),
                Some(Value::String(text)) => Ok(split_list(text)),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| {
                        item.as_str().map(str::to_owned).ok_or_else(|| {
                            ScimError::invalid_value(format!("'{name}' must list strings"))
                        })
                    })
                    .collect(),
                Some(_) => Err(ScimError::invalid_value(format!(
                    "'{name}' must be an array of attribute names"
                ))),
            }
        };
        Ok(Self {
            filter: attrs::string(body, "filter")?,
            start_index: number("startIndex")?,
            count: number("count")?,
            sort_by: attrs::string(body, "sortBy")?,
            sort_order: attrs::string(body, "sortOrder")?,
            attributes: names("attributes")?,
            excluded_attributes: names("excludedAttributes")?,
        })
    }

    /// 1-based; anything below 1 is 1 (RFC 7644 §3.4.2.4).
    pub fn start(&self) -> u64 {
        u64::try_from(self.start_index.unwrap_or(1).max(1)).unwrap_or(1)
    }

    /// Negative is 0; more than the maximum is the maximum.
    pub fn count(&self) -> u64 {
        match self.count {
            None => DEFAULT_COUNT,
            Some(n) => u64::try_from(n.max(0)).unwrap_or(0).min(MAX_RESULTS),
        }
    }

    fn order(&self) -> Result<SortOrder, ScimError> {
        self.sort_order
            .as_deref()
            .map_or(Ok(SortOrder::Ascending), SortOrder::parse)
    }
}

/// How a resource type's listing is narrowed by an equality on an indexed attribute.
pub enum Narrowed {
    Key(ScimKey),
    Id(String),
}

/// One resource type's listing: how to read it from the store and render it.
pub trait Lister {
    fn schema(&self) -> &Schema;
    /// The index that answers `attr eq value` exactly, if any.
    fn narrow(&self, attr: &AttrPath, value: &str) -> Option<Narrowed>;
    fn fetch(&self, query: ScimQuery) -> impl Future<Output = ScimResult<ScimSlice<Value>>> + Send;
    fn fetch_id(&self, id: String) -> impl Future<Output = ScimResult<Option<Value>>> + Send;
}

/// The indexed equality a filter is, when it is one.
fn narrowing(lister: &impl Lister, filter: Option<&Filter>) -> Option<Narrowed> {
    let (attr, value) = filter?.as_equality()?;
    lister.narrow(attr, value)
}

/// `sortBy`: an attribute path (`userName`, `name.familyName`, schema-qualified), no filter.
fn sort_path(text: &str) -> Result<AttrPath, ScimError> {
    match accountd_scim::parse_path(text) {
        Ok(path) if path.filter.is_none() && path.sub.is_none() => Ok(path.attr),
        _ => Err(ScimError::invalid_value(format!(
            "'sortBy' must be an attribute path such as 'userName' or 'name.familyName', not '{text}'"
        ))),
    }
}

/// Matching resources of one type: the requested window and the total.
pub async fn find(lister: &impl Lister, params: &ListParams) -> ScimResult<(Vec<Value>, u64)> {
    let filter = params.filter.as_deref().map(parse_filter).transpose()?;
    if let Some(filter) = &filter {
        // Errors that do not depend on the data (`active gt true`) even when nothing matches.
        accountd_scim::eval::validate(filter, lister.schema())?;
    }
    let sort_by = params.sort_by.as_deref().map(sort_path).transpose()?;
    let order = params.order()?;
    let (start, count) = (params.start(), params.count());
    let key = match narrowing(lister, filter.as_ref()) {
        Some(Narrowed::Id(id)) => {
            let found: Vec<Value> = lister.fetch_id(id).await?.into_iter().collect();
            let total = found.len() as u64;
            let window = found
                .into_iter()
                .skip(usize::try_from(start - 1).unwrap_or(usize::MAX))
                .take(usize::try_from(count).unwrap_or(usize::MAX))
                .collect();
            return Ok((window, total));
        }
        Some(Narrowed::Key(key)) => Some(key),
        None => None,
    };
    let exact = filter.is_none() || key.is_some();
    if exact && sort_by.is_none() {
        let slice = lister
            .fetch(ScimQuery {
                key,
                offset: start - 1,
                limit: Some(count),
            })
            .await?;
        return Ok((slice.items, slice.total));
    }
    // Scan: evaluate the filter chunk by chunk.
    let schema = lister.schema();
    let mut matches: Vec<Value> = Vec::new();
    let mut total: u64 = 0;
    let mut offset = 0;
    loop {
        let chunk = lister
            .fetch(ScimQuery {
                key: key.clone(),
                offset,
                limit: Some(CHUNK),
            })
            .await?;
        let read = chunk.items.len() as u64;
        for resource in chunk.items {
            let keep = match &filter {
                Some(filter) => accountd_scim::eval::matches(filter, &resource, schema)?,
                None => true,
            };
            if !keep {
                continue;
            }
            total += 1;
            if sort_by.is_some() {
                if matches.len() >= MAX_SORTED {
                    return Err(ScimError {
                        status: 400,
                        scim_type: Some(ScimType::TooMany),
                        detail: format!(
                            "sortBy sorts at most {MAX_SORTED} resources; narrow the filter"
                        ),
                    }
                    .into());
                }
                matches.push(resource);
            } else if total >= start && total < start + count {
                matches.push(resource);
            }
        }
        offset += read;
        if read < CHUNK {
            break;
        }
    }
    if let Some(sort_by) = &sort_by {
        // One key per resource, not two per comparison.
        let mut keyed: Vec<_> = matches
            .into_iter()
            .map(|resource| (sort_key(&resource, sort_by, schema), resource))
            .collect();
        keyed.sort_by(|(a, _), (b, _)| compare_keys(a.as_ref(), b.as_ref(), order));
        matches = keyed
            .into_iter()
            .map(|(_, resource)| resource)
            .skip(usize::try_from(start - 1).unwrap_or(usize::MAX))
            .take(usize::try_from(count).unwrap_or(usize::MAX))
            .collect();
    }
    Ok((matches, total))
}

/// Applies `attributes`/`excludedAttributes` to one resource.
pub fn projected(mut resource: Value, params: &ListParams, schema: &Schema) -> Value {
    project(
        &mut resource,
        &params.attributes,
        &params.excluded_attributes,
        schema,
    );
    resource
}

/// The ListResponse of one resource type.
pub async fn list(lister: &impl Lister, params: &ListParams) -> ScimResult<Value> {
    let (window, total) = find(lister, params).await?;
    let resources = window
        .into_iter()
        .map(|resource| projected(resource, params, lister.schema()))
        .collect();
    Ok(list_response(resources, total, params.start()))
}
