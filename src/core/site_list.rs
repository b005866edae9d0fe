//! The child-directed site list: `GET {endpoint}/v1/child-directed-sites` returns a JSON
//! array of domain names. A listed `example.com` covers `example.com` and every subdomain,
//! never `notexample.com`. Matching is on whole labels, case-insensitive, trailing dot
//! ignored.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::{byte_pos, split_byte};

use crate::core::json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteList {
    /// Normalized: lower case, no trailing dot.
    domains: Vec<String>,
}

/// Larger bodies are refused unread: the list "cannot be had".
pub const MAX_LIST_BYTES: usize = 512 * 1024;
pub const MAX_ENTRIES: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListError {
    Status(u16),
    TooLarge,
    Malformed,
    /// Valid JSON, but not an array of strings.
    WrongShape,
    TooManyEntries,
}

/// Validates a response. Entries that are not plausible host names are skipped (one bad
/// entry does not void the list); an entry that is not a string voids it (`WrongShape`).
pub fn parse(status: u16, body: &str) -> Result<SiteList, ListError> {
    parse_with(status, body, json::read)
}

/// `parse`, reading the JSON with `read`.
pub fn parse_with(status: u16, body: &str, read: json::Read) -> Result<SiteList, ListError> {
    if status != 200 {
        return Err(ListError::Status(status));
    }
    if body.len() > MAX_LIST_BYTES {
        return Err(ListError::TooLarge);
    }
    let value = read(body).ok_or(ListError::Malformed)?;
    let items = value.as_array().ok_or(ListError::WrongShape)?;
    if items.len() > MAX_ENTRIES {
        return Err(ListError::TooManyEntries);
    }
    let mut domains = Vec::with_capacity(items.len());
    for item in items {
        let entry = normalize_host(item.as_str().ok_or(ListError::WrongShape)?);
        if is_plausible(&entry) {
            domains.push(entry);
        }
    }
    Ok(SiteList { domains })
}

impl SiteList {
    /// Does the list cover this page host? IP addresses and `localhost` match only an
    /// identical entry.
    pub fn covers(&self, host: &str) -> bool {
        let host = normalize_host(host);
        if host.is_empty() {
            return false;
        }
        if is_address(&host) {
            return self.domains.contains(&host);
        }
        // Whole labels only: `www.example.com` is within `example.com`, `notexample.com` not.
        self.domains.iter().any(|d| {
            host.strip_suffix(d.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
        })
    }

    /// Number of usable entries (duplicates included).
    pub fn len(&self) -> usize {
        self.domains.len()
    }

    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }
}

/// Trimmed, lower case, one trailing dot and IPv6 brackets removed: `WWW.Example.COM.` →
/// `www.example.com`, `[::1]` → `::1`.
pub fn normalize_host(host: &str) -> String {
    let h = host.trim();
    let h = h.strip_suffix('.').unwrap_or(h);
    let h = h
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(h);
    h.to_ascii_lowercase()
}

/// An IP address (v4, or v6 with or without brackets) or `localhost`: no parent domains.
/// A host whose last label is a number is an IPv4 address (as the URL standard has it);
/// anything with a colon is IPv6 (or not a host at all).
pub fn is_address(host: &str) -> bool {
    let last = host.bytes().rposition(|b| b == b'.').and_then(|i| host.get(i + 1..)).unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || byte_pos(host, b':').is_some()
        || (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
}

/// A normalized entry that could be a page host: DNS-ish labels of 1..=63 letters, digits,
/// `-` or `_`, at most 253 chars; or an IPv6 address. No wildcards, spaces or empty labels.
fn is_plausible(entry: &str) -> bool {
    if entry.is_empty() || entry.len() > 253 {
        return false;
    }
    if byte_pos(entry, b':').is_some() {
        return entry
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    }
    split_byte(entry, b'.').all(|label| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}
