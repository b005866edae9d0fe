//! ad::parse_size on any input; the input's shape and the invariants: `adtag_fuzz::slot_size`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| adtag_fuzz::slot_size(data));
