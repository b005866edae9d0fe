//! Measurement events and their JSON form (SPEC §4). Every event carries `id`, `type`, `ts`,
//! `pub`, `uid`, `sid`, `page`; ad events add `slot` and `ad`; `session_end` adds
//! `duration_ms`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    PageView,
    AdImpression { slot: String, ad: String },
    AdViewable { slot: String, ad: String },
    AdClick { slot: String, ad: String },
    SessionEnd { duration_ms: u64 },
}

impl Kind {
    /// `page_view`, `ad_impression`, `ad_viewable`, `ad_click`, `session_end`.
    pub fn type_name(&self) -> &'static str {
        todo!("helper: core-measure")
    }
}

/// What is the same for every event of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub publisher: String,
    pub uid: String,
    pub sid: String,
    pub page: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Unique, for de-duplication by the collector.
    pub id: String,
    pub kind: Kind,
    pub ts_ms: u64,
}

/// The event as one JSON object (`pub` as a string, `ts` and `duration_ms` as integers).
pub fn to_json(_event: &Event, _ctx: &Context) -> String {
    todo!()
}
