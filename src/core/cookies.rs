//! Reading `document.cookie` on a stranger's page: one result per pair, so one bad pair
//! never hides another; the first of duplicate names wins (browsers list the most specific
//! path first), except for the opt-out, where any one of them says no.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::{cat, split_byte, split_once_byte};

use core::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair<'a> {
    pub name: &'a str,
    /// Trimmed; surrounding double quotes removed; not percent-decoded.
    pub value: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairError {
    /// `a=1;;b=2`: nothing between two separators.
    Empty,
    /// A pair without `=`.
    MissingEquals,
    /// `=value`.
    EmptyName,
}

impl fmt::Display for PairError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PairError::Empty => "empty cookie pair",
            PairError::MissingEquals => "cookie pair without '='",
            PairError::EmptyName => "cookie pair with an empty name",
        })
    }
}

/// Every `;`-separated pair of a cookie string, in order. A blank string (no cookies at
/// all) has no pairs; `a=1;` ends with one `Empty`.
pub fn parse(cookies: &str) -> impl Iterator<Item = Result<Pair<'_>, PairError>> {
    let count = if trim(cookies).is_empty() {
        0
    } else {
        usize::MAX
    };
    split_byte(cookies, b';').take(count).map(parse_pair)
}

fn parse_pair(raw: &str) -> Result<Pair<'_>, PairError> {
    let raw = trim(raw);
    if raw.is_empty() {
        return Err(PairError::Empty);
    }
    let (name, value) = split_once_byte(raw, b'=').ok_or(PairError::MissingEquals)?;
    let name = trim(name);
    if name.is_empty() {
        return Err(PairError::EmptyName);
    }
    let value = trim(value);
    let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(unquoted) => unquoted,
        None => value,
    };
    Ok(Pair { name, value })
}

/// Only ASCII blanks: a non-ASCII space inside a value is the value's business.
fn trim(s: &str) -> &str {
    s.trim_ascii()
}

/// The value of the first pair named exactly `name`.
pub fn get<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    parse(cookies)
        .flatten()
        .find(|p| p.name == name)
        .map(|p| p.value)
}

/// The opt-out cookie is set (`<name>=1`). Any one `1` among several cookies of that name
/// (set on other paths or domains, by another tab or the publisher) wins: an opt-out is
/// never hidden by an older or more specific cookie that says otherwise.
pub fn opted_out(cookies: &str, opt_out_name: &str) -> bool {
    parse(cookies)
        .flatten()
        .any(|p| p.name == opt_out_name && p.value == "1")
}

/// The ad network's cookie prefixes (SPEC): the tag's cookies are `<prefix><publisher id>`.
pub const TAG_PREFIXES: [&str; 14] = [
    "v", "c", "l", "t", "spc", "spshc", "fr", "ps", "n", "e", "sid", "udi", "dp4", "fro",
];

/// `v12345`, `c12345`, … for a publisher id.
pub fn tag_cookie_names(publisher: &str) -> Vec<String> {
    TAG_PREFIXES
        .iter()
        .map(|p| cat(&[*p, publisher]))
        .collect()
}

/// A cookie name a publisher may configure: an RFC 6265 token, 1..=64 chars.
pub fn is_valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(is_token_byte)
}

/// RFC 2616 `token`: visible ASCII except separators.
fn is_token_byte(b: u8) -> bool {
    matches!(b, 0x21..=0x7e) && !b"()<>@,;:\\\"/[]?={}".contains(&b)
}
