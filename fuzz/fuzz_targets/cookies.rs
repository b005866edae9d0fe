//! cookies::parse / get / opted_out on any input; the input's shape and the invariants: `adtag_fuzz::cookie_jar`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| adtag_fuzz::cookie_jar(data));
