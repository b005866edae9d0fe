//! Measurement events and their JSON form (SPEC §4). Every event carries `id`, `type`, `ts`,
//! `pub`, `uid`, `sid`, `page`; ad events add `slot` and `ad`; `session_end` adds
//! `duration_ms`.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::json::push_string;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `visits`: the visit count of `fr<pub>` (SPEC §4: "counts visits"), this visit included.
    PageView { visits: u32 },
    AdImpression { slot: String, ad: String },
    AdViewable { slot: String, ad: String },
    AdClick { slot: String, ad: String },
    SessionEnd { duration_ms: u64 },
}

impl Kind {
    /// `page_view`, `ad_impression`, `ad_viewable`, `ad_click`, `session_end`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::PageView { .. } => "page_view",
            Kind::AdImpression { .. } => "ad_impression",
            Kind::AdViewable { .. } => "ad_viewable",
            Kind::AdClick { .. } => "ad_click",
            Kind::SessionEnd { .. } => "session_end",
        }
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
///
/// Keys in this order: `id`, `type`, `ts`, `pub`, `uid`, `sid`, `page`, then `slot` and `ad`,
/// `visits`, or `duration_ms`. Every string goes through `json::push_string`.
pub fn to_json(event: &Event, ctx: &Context) -> String {
    let mut out = String::with_capacity(160usize.saturating_add(ctx.page.len()));
    out.push_str("{\"id\":");
    push_string(&mut out, &event.id);
    out.push_str(",\"type\":");
    push_string(&mut out, event.kind.type_name());
    out.push_str(",\"ts\":");
    push_u64(&mut out, event.ts_ms);
    out.push_str(",\"pub\":");
    push_string(&mut out, &ctx.publisher);
    out.push_str(",\"uid\":");
    push_string(&mut out, &ctx.uid);
    out.push_str(",\"sid\":");
    push_string(&mut out, &ctx.sid);
    out.push_str(",\"page\":");
    push_string(&mut out, &ctx.page);
    match &event.kind {
        Kind::PageView { visits } => {
            out.push_str(",\"visits\":");
            push_u64(&mut out, u64::from(*visits));
        }
        Kind::AdImpression { slot, ad }
        | Kind::AdViewable { slot, ad }
        | Kind::AdClick { slot, ad } => {
            out.push_str(",\"slot\":");
            push_string(&mut out, slot);
            out.push_str(",\"ad\":");
            push_string(&mut out, ad);
        }
        Kind::SessionEnd { duration_ms } => {
            out.push_str(",\"duration_ms\":");
            push_u64(&mut out, *duration_ms);
        }
    }
    out.push('}');
    out
}

/// `n` in decimal, without `core::fmt`.
pub fn decimal(n: u64) -> String {
    let mut s = String::new();
    push_u64(&mut s, n);
    s
}

/// Appends `n` in decimal without `core::fmt` (integers only: no float formatting code).
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        // `i` starts at 20 and a u64 has at most 20 digits, so this never underflows.
        i = i.saturating_sub(1);
        if let Some(slot) = buf.get_mut(i) {
            // n % 10 < 10, so the cast is exact.
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    for &b in buf.get(i..).unwrap_or(&[]) {
        out.push(char::from(b));
    }
}
