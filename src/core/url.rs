//! The few URL facts the tag needs, without a URL crate: is this an http(s) URL, what is its
//! origin and host, and percent-encoding of query components.

/// `Some("https://ads.example.com:8443")` for an absolute http(s) URL with a host; the origin
/// is scheme + "://" + authority, lower-cased scheme and host, no userinfo allowed.
pub fn http_origin(_url: &str) -> Option<String> {
    todo!("helper: core-ad")
}

/// The lower-cased host (no port, no brackets for IPv6 kept as given) of an http(s) URL.
pub fn http_host(_url: &str) -> Option<String> {
    todo!()
}

/// True for an absolute `http:` or `https:` URL with a host, no whitespace or control chars.
pub fn is_http_url(_url: &str) -> bool {
    todo!()
}

/// A validated endpoint base: an http(s) URL with a host, an optional path, no query or
/// fragment, no userinfo; trailing slashes removed. `None` when it is not one.
pub fn parse_endpoint(_s: &str) -> Option<String> {
    todo!()
}

/// Appends `s` percent-encoded for a query component (unreserved characters kept as is).
pub fn push_encoded(_out: &mut String, _s: &str) {
    todo!()
}
