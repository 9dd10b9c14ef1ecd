//! Lazy paging: a list call becomes a [`Stream`] of items that fetches the next page (by
//! `nextPageKey`, or `page-key` for service users) only when the consumer gets that far.

use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::{Error, Result};

/// One fetched page: its items and the key of the next page (absent on the last page).
pub(crate) type Page<T> = (Vec<T>, Option<String>);

enum Cursor {
    Start,
    Next(String),
    End,
}

/// Items of every page, fetched one page at a time by `fetch(page_key)`. The stream ends after
/// the first error. A server that hands back the key it was given would loop forever; that is
/// an error instead.
pub(crate) fn paged<T, F, Fut>(fetch: F) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    stream::try_unfold((fetch, Cursor::Start), |(mut fetch, cursor)| async move {
        let key = match cursor {
            Cursor::End => return Ok(None),
            Cursor::Start => None,
            Cursor::Next(key) => Some(key),
        };
        let (items, next) = fetch(key.clone()).await?;
        let cursor = match next {
            Some(next) if Some(&next) == key.as_ref() => {
                return Err(Error::Decode {
                    url: "(paging)".to_owned(),
                    reason: "the server returned the page key it was given; paging would never end"
                        .to_owned(),
                });
            }
            Some(next) => Cursor::Next(next),
            None => Cursor::End,
        };
        Ok(Some((items, (fetch, cursor))))
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}
