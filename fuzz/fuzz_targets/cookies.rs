//! `document.cookie` as any page can set it. Input: the opt-out cookie name, a newline, the
//! cookie string (no newline: the name is the first line).
#![no_main]

use adtag::core::cookies::{self, Pair};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (name, jar) = text.split_once('\n').unwrap_or(("adtag_optout", text));

    let pairs: Vec<_> = cookies::parse(jar).collect();
    for pair in pairs.iter().flatten() {
        let Pair { name, value } = *pair;
        assert!(!name.is_empty() && name.trim_ascii() == name, "name {name:?}");
        assert!(!name.contains([';', '=']) && !value.contains(';'), "{pair:?}");
    }

    // The first pair of that name is the value; an opt-out is never read where the jar
    // holds no `name=1` pair, and is always read where the first one says `1` (whichever
    // of several the core lets win, these two hold).
    let first = pairs.iter().flatten().find(|p| p.name == name).map(|p| p.value);
    assert_eq!(cookies::get(jar, name), first);
    let opted_out = cookies::opted_out(jar, name);
    if opted_out {
        assert!(pairs.iter().flatten().any(|p| p.name == name && p.value == "1"));
    }
    if first == Some("1") {
        assert!(opted_out);
    }
});
