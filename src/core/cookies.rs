//! Reading `document.cookie` on a stranger's page: one result per pair, so one bad pair
//! never hides another; the first of duplicate names wins (browsers list the most specific
//! path first).

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
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("helper: core-privacy")
    }
}

/// Every `;`-separated pair of a cookie string, in order.
pub fn parse(_cookies: &str) -> impl Iterator<Item = Result<Pair<'_>, PairError>> {
    core::iter::empty()
}

/// The value of the first pair named exactly `name`.
pub fn get<'a>(_cookies: &'a str, _name: &str) -> Option<&'a str> {
    todo!()
}

/// The opt-out cookie is set (`<name>=1`).
pub fn opted_out(_cookies: &str, _opt_out_name: &str) -> bool {
    todo!()
}

/// The ad network's cookie prefixes (SPEC): the tag's cookies are `<prefix><publisher id>`.
pub const TAG_PREFIXES: [&str; 14] = [
    "v", "c", "l", "t", "spc", "spshc", "fr", "ps", "n", "e", "sid", "udi", "dp4", "fro",
];

/// `v12345`, `c12345`, … for a publisher id.
pub fn tag_cookie_names(_publisher: &str) -> Vec<String> {
    todo!()
}

/// A cookie name a publisher may configure: an RFC 6265 token, 1..=64 chars.
pub fn is_valid_name(_name: &str) -> bool {
    todo!()
}
