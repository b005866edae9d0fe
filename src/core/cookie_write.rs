//! `document.cookie = ...` strings. The tag's cookies are first-party, host-only,
//! `Path=/`, `SameSite=Lax`, and `Secure` on https.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::split_once_byte;

use crate::core::site_list::{is_address, normalize_host};

/// `name=value; Max-Age=N; Path=/; SameSite=Lax[; Secure]`. `name` and `value` are the
/// tag's own tokens (a validated cookie name, ids and counters): they are not escaped.
pub fn set(name: &str, value: &str, max_age_secs: u64, secure: bool) -> String {
    let mut s = String::with_capacity(name.len() + value.len() + 48);
    s.push_str(name);
    s.push('=');
    s.push_str(value);
    s.push_str("; Max-Age=");
    crate::core::events::push_u64(&mut s, max_age_secs);
    s.push_str("; Path=/; SameSite=Lax");
    if secure {
        s.push_str("; Secure");
    }
    s
}

/// The strings that delete `name` wherever a tag may have set it: host-only, and with
/// `Domain=` each parent domain of `host` (but never a bare top-level label). For an IP
/// address or `localhost`, host-only alone.
///
/// `www.example.com` gives host-only, `Domain=www.example.com` and `Domain=example.com`.
pub fn delete_all(name: &str, host: &str, secure: bool) -> Vec<String> {
    let mut out = vec![delete(name, None, secure)];
    let host = normalize_host(host);
    if host.is_empty() || is_address(&host) {
        return out;
    }
    let mut domain = host.as_str();
    while let Some((_, parent)) = split_once_byte(domain, b'.') {
        if !domain.starts_with('.') && !parent.is_empty() {
            out.push(delete(name, Some(domain), secure));
        }
        domain = parent;
    }
    out
}

fn delete(name: &str, domain: Option<&str>, secure: bool) -> String {
    let mut s = String::with_capacity(name.len() + 64);
    s.push_str(name);
    s.push_str("=; Max-Age=0; Path=/");
    if let Some(d) = domain {
        s.push_str("; Domain=");
        s.push_str(d);
    }
    s.push_str("; SameSite=Lax");
    if secure {
        s.push_str("; Secure");
    }
    s
}

pub const ONE_YEAR_SECS: u64 = 365 * 24 * 60 * 60;
