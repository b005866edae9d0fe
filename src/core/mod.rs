//! The pure core: no web-sys, no clock, no randomness. Everything the browser knows comes in
//! as arguments; decisions, URLs, render plans and event batches come out.

pub mod ad;
pub mod config;
pub mod consent;
pub mod cookie_write;
pub mod cookies;
pub mod decision;
pub mod events;
pub mod ids;
pub mod json;
pub mod outbox;
pub mod session;
pub mod signals;
pub mod site_list;
pub mod url;
pub mod viewability;

use alloc::string::String;

/// `parts` end to end, like `[..].concat()` without std's generic join code (about 1 KB of
/// wasm); `sep` between them, like `.join(sep)`.
pub fn cat_with(parts: &[&str], sep: &str) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(p);
    }
    out
}

/// `parts` end to end (see `cat_with`).
pub fn cat(parts: &[&str]) -> String {
    cat_with(parts, "")
}
