//! url::is_http_url / http_origin / http_host / parse_endpoint / push_encoded on any input; the input's shape and the invariants: `adtag_fuzz::url`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| adtag_fuzz::url(data));
