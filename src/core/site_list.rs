//! The child-directed site list: `GET {endpoint}/v1/child-directed-sites` returns a JSON
//! array of domain names. A listed `example.com` covers `example.com` and every subdomain,
//! never `notexample.com`. Matching is on whole labels, case-insensitive, trailing dot
//! ignored.

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
pub fn parse(_status: u16, _body: &str) -> Result<SiteList, ListError> {
    todo!("helper: core-privacy")
}

impl SiteList {
    /// Does the list cover this page host? IP addresses and `localhost` match only an
    /// identical entry.
    pub fn covers(&self, _host: &str) -> bool {
        todo!()
    }
}
