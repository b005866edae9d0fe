//! The few URL facts the tag needs, without a URL crate: is this an http(s) URL, what is its
//! origin and host, and percent-encoding of query components.
//!
//! Accepted: `http` or `https` (any case), `://`, a host, an optional `:port` (1..=65535),
//! then anything not whitespace or control characters. A host is ASCII letters, digits, `-`
//! and `.` (no empty label, so no leading `.` nor `..`; a trailing `.` is kept), or an IPv6
//! literal in brackets. Userinfo (`@` in the authority), an empty host, percent-encoded or
//! non-ASCII hosts (use punycode) are refused, as is whitespace or a control character
//! anywhere in the URL. Stricter than a browser on purpose: these URLs come from config
//! and ad servers, never from visitors.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::byte_pos;

/// An http(s) URL cut into the parts the tag uses.
struct Parts<'a> {
    https: bool,
    /// As written (case kept), brackets kept for IPv6.
    host: &'a str,
    port: Option<u16>,
    /// Path, query and fragment: empty or starting with `/`, `?` or `#`.
    rest: &'a str,
}

impl Parts<'_> {
    /// Scheme + `://` + host, lower-cased; the port unless it is the scheme's default.
    fn origin(&self) -> String {
        let mut out = String::from(if self.https { "https://" } else { "http://" });
        out.push_str(&self.host.to_ascii_lowercase());
        let default = if self.https { 443 } else { 80 };
        if let Some(port) = self.port.filter(|&p| p != default) {
            out.push(':');
            crate::core::events::push_u64(&mut out, port.into());
        }
        out
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

fn split(url: &str) -> Option<Parts<'_>> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (https, after) = match strip_prefix_ci(url, "https://") {
        Some(r) => (true, r),
        None => (false, strip_prefix_ci(url, "http://")?),
    };
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (auth, rest) = after.split_at_checked(end)?;
    let (host, port) = if auth.starts_with('[') {
        let close = byte_pos(auth, b']')?;
        let (host, tail) = auth.split_at_checked(close + 1)?;
        let inner = host.get(1..close)?;
        let ok = byte_pos(inner, b':').is_some()
            && inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !ok {
            return None;
        }
        (host, tail)
    } else {
        let colon = byte_pos(auth, b':').unwrap_or(auth.len());
        let (host, tail) = auth.split_at_checked(colon)?;
        let ok = !host.is_empty()
            && !host.starts_with('.')
            && !host.as_bytes().windows(2).any(|w| w == b"..")
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !ok {
            return None;
        }
        (host, tail)
    };
    let port = match port.strip_prefix(':') {
        None if port.is_empty() => None,
        None => return None,
        Some(digits) => Some(parse_port(digits)?),
    };
    Some(Parts {
        https,
        host,
        port,
        rest,
    })
}

/// 1 to 5 ASCII digits with a value in 1..=65535.
fn parse_port(digits: &str) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 {
        return None;
    }
    let mut n: u32 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    u16::try_from(n).ok().filter(|&p| p != 0)
}

/// `Some("https://ads.example.com:8443")` for an absolute http(s) URL with a host; the origin
/// is scheme + "://" + authority, lower-cased scheme and host, no userinfo allowed.
/// A default port (`:80` on http, `:443` on https) is left out, as browsers do.
pub fn http_origin(url: &str) -> Option<String> {
    split(url).map(|p| p.origin())
}

/// The lower-cased host (no port, no brackets for IPv6 kept as given) of an http(s) URL.
/// IPv6 hosts keep their brackets, like `location.hostname`: `[::1]`.
pub fn http_host(url: &str) -> Option<String> {
    split(url).map(|p| p.host.to_ascii_lowercase())
}

/// True for an absolute `http:` or `https:` URL with a host, no whitespace or control chars.
pub fn is_http_url(url: &str) -> bool {
    split(url).is_some()
}

/// A validated endpoint base: an http(s) URL with a host, an optional path, no query or
/// fragment, no userinfo; trailing slashes removed. `None` when it is not one.
/// The origin part is normalised like `http_origin`; the path keeps its case.
pub fn parse_endpoint(s: &str) -> Option<String> {
    let parts = split(s)?;
    if parts.rest.contains(['?', '#']) {
        return None;
    }
    let mut out = parts.origin();
    out.push_str(parts.rest.trim_end_matches('/'));
    Some(out)
}

/// Appends `s` percent-encoded for a query component (unreserved characters kept as is).
/// Every other UTF-8 byte becomes `%XX`, upper-case hex.
pub fn push_encoded(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            for d in [b >> 4, b & 0xf] {
                out.push(char::from(HEX.get(usize::from(d)).copied().unwrap_or(b'0')));
            }
        }
    }
}

/// The page URL as the ad request may carry it: never the fragment (everything from the
/// first `#`), and the query string (from the first `?` before it) only when `keep_query`,
/// that is when collection is allowed: queries hold e-mail addresses and access tokens on
/// real sites. A slice of `href`, no copy.
pub fn page_url_for_ad(href: &str, keep_query: bool) -> &str {
    let end = byte_pos(href, b'#').unwrap_or(href.len());
    let end = match keep_query {
        true => end,
        false => href
            .get(..end)
            .and_then(|h| byte_pos(h, b'?'))
            .unwrap_or(end),
    };
    href.get(..end).unwrap_or("")
}
