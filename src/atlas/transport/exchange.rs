//! One HTTP exchange: the request out, the status, headers and a capped
//! body back, or the failure that left no answer.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};

use crate::atlas::failure::{Failure, MAX_BODY_BYTES};
use crate::atlas::request::Request;

/// An answer as it came, before it is sorted.
pub struct Received {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

pub async fn exchange(
    http: &reqwest::Client,
    request: &Request,
    authorization: Option<HeaderValue>,
) -> Result<Received, Failure> {
    let mut builder = http
        .request(request.method.clone(), request.url.clone())
        .header(ACCEPT, request.accept);
    if let Some(mut value) = authorization {
        value.set_sensitive(true);
        builder = builder.header(AUTHORIZATION, value);
    }
    if let Some(body) = &request.body {
        builder = builder
            .header(CONTENT_TYPE, request.content_type)
            .body(body.clone());
    }
    let mut response = builder.send().await.map_err(Failure::from_reqwest)?;
    let status = response.status();
    let headers = response.headers().clone();
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(Failure::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Failure::from_reqwest)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Failure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Received {
        status,
        headers,
        body,
    })
}
