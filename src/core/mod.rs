//! The pure core: no web-sys, no clock, no randomness. Everything the browser knows comes in
//! as arguments; decisions, URLs, render plans and event batches come out.

pub mod ad;
pub mod audit;
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
pub mod stored;
pub mod site_list;
pub mod slot;
pub mod targeting;
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

/// Where the ASCII byte `b` first occurs in `s`: `s.find(char)` without the char searcher
/// and memchr it brings into the wasm.
pub fn byte_pos(s: &str, b: u8) -> Option<usize> {
    s.bytes().position(|x| x == b)
}

/// `s.split_once(char)` for an ASCII `b` (see `byte_pos`).
pub fn split_once_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = byte_pos(s, b)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s.split(char)` for an ASCII `b` (see `byte_pos`): the same pieces, the empty ones too.
pub fn split_byte(s: &str, b: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    core::iter::from_fn(move || {
        let s = rest?;
        match split_once_byte(s, b) {
            Some((head, tail)) => {
                rest = Some(tail);
                Some(head)
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}
