//! json::parse on any input; the input's shape and the invariants: `adtag_fuzz::json_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| adtag_fuzz::json_text(data));
