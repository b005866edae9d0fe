//! A slot's `data-adtag-size` attribute, as the page writes it.
#![no_main]

use adtag::core::ad::{MAX_SIDE, parse_size};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_size(text) {
        Ok(size) => {
            assert!((1..=MAX_SIDE).contains(&size.width), "{text:?} → {size:?}");
            assert!((1..=MAX_SIDE).contains(&size.height), "{text:?} → {size:?}");
            // Only digits, one `x` and surrounding blanks make a size.
            let t = text.trim_ascii();
            assert!(t.bytes().all(|b| b.is_ascii_digit() || b == b'x' || b == b'X'), "{text:?}");
            assert_eq!(parse_size(&format!("{}x{}", size.width, size.height)), Ok(size));
        }
        Err(e) => assert!(!e.message().contains(char::is_control), "{e:?}"),
    }
});
