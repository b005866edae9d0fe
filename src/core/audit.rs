//! The audit trail (SPEC §10): one entry per thing the tag did to the page or the network,
//! with the rule that allowed it, in words a regulator can check against the README's
//! decision table. Bounded: the newest `MAX_ENTRIES` are kept.
//!
//! The glue records into it from the only places that touch a cookie, the storage or the
//! network (`cookie_jar`, `storage`, `http`), which can't act without naming the rule.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::cat;

/// How many entries are kept (the oldest go first).
pub const MAX_ENTRIES: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CookieRead,
    CookieWrite,
    CookieDelete,
    StorageRead,
    StorageWrite,
    StorageDelete,
    Request,
    Beacon,
}

impl Action {
    /// `"cookie-read"`, `"cookie-write"`, … (SPEC §10).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::CookieRead => "cookie-read",
            Action::CookieWrite => "cookie-write",
            Action::CookieDelete => "cookie-delete",
            Action::StorageRead => "storage-read",
            Action::StorageWrite => "storage-write",
            Action::StorageDelete => "storage-delete",
            Action::Request => "request",
            Action::Beacon => "beacon",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Milliseconds since the epoch.
    pub ts_ms: u64,
    pub action: Action,
    /// The cookie name, the storage key or the full URL.
    pub target: String,
    /// Why it was allowed.
    pub rule: String,
}

/// The trail: the newest `MAX_ENTRIES` entries, oldest first.
#[derive(Debug, Default, Clone)]
pub struct Trail {
    entries: Vec<Entry>,
    /// Index of the oldest entry once the trail is full (a ring).
    start: usize,
    /// Every entry ever recorded, dropped ones included.
    total: u64,
}

impl Trail {
    /// An empty trail (for a `static`).
    pub const EMPTY: Trail = Trail { entries: Vec::new(), start: 0, total: 0 };

    pub fn record(&mut self, ts_ms: u64, action: Action, target: &str, rule: &str) {
        let entry = Entry { ts_ms, action, target: target.to_owned(), rule: rule.to_owned() };
        self.total += 1;
        if self.entries.len() < MAX_ENTRIES {
            self.entries.push(entry);
        } else if let Some(slot) = self.entries.get_mut(self.start) {
            *slot = entry;
            self.start = (self.start + 1) % MAX_ENTRIES;
        }
    }

    /// The kept entries, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        let (newer, older) = self.entries.split_at(self.start.min(self.entries.len()));
        older.iter().chain(newer.iter())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many entries were recorded in all, those no longer kept included.
    pub fn total(&self) -> u64 {
        self.total
    }
}

/// The rules, as the trail words them.
pub mod rule {
    /// Reading the opt-out cookie is the first step of every decision.
    pub const OPT_OUT_READ: &str = "the opt-out cookie is read before every decision (SPEC §2.1)";
    pub const COLLECT_ALLOWED: &str = "collection allowed: no signal refuses";
    pub const OPT_OUT: &str = "opt-out by the visitor";
    pub const OPT_IN: &str = "opt-in by the visitor";
    pub const SITE_LIST: &str = "child-directed site list (always allowed: it carries nothing about the visitor)";
    pub const FRAME: &str = "the ad's frame document (always allowed: a static file, nothing about the visitor)";
}

/// The rule of an ad request: always allowed, with what it carries.
pub fn ad_request_rule(npa: bool, coppa: bool, uid: bool) -> String {
    let b = |v: bool| if v { "1" } else { "0" };
    cat(&["ad request (always allowed; npa=", b(npa), " coppa=", b(coppa),
        if uid { "; uid: collection allowed" } else { "; no identifier" }, ")"])
}

/// The rule of a deletion because a decision refused collection: the reasons named.
pub fn refused_rule(reasons: &[&str]) -> String {
    cat(&["collection refused (", &crate::core::cat_with(reasons, ", "), "): nothing of the tag may remain"])
}
