//! The child-directed site list as the network answers it. Input: the page's host, a
//! newline, the response body (no newline: the host is `www.example.com`).
#![no_main]

use adtag::core::json;
use adtag::core::site_list::{is_address, normalize_host, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (host, body) = text.split_once('\n').unwrap_or(("www.example.com", text));
    let Ok(list) = parse(200, body) else { return };

    // A list parses only from a JSON array of strings; each entry covers itself and its
    // subdomains, and nothing else: not `notexample.com`, and an address only itself.
    let entries: Vec<String> = match json::parse(body) {
        Ok(json::Value::Arr(items)) => items
            .iter()
            .map(|v| normalize_host(v.as_str().expect("a list of strings")))
            .collect(),
        other => panic!("a list from {other:?}"),
    };
    assert!(list.len() <= entries.len());
    if list.covers(host) {
        let h = normalize_host(host);
        let within = |e: &String| h == *e || (!is_address(&h) && h.ends_with(&format!(".{e}")));
        assert!(entries.iter().any(within), "{host:?} covered by {entries:?}");
    }
});
