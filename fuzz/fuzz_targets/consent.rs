//! consent::usp_opted_out / tcf_allows / gpp_opted_out on any input; the input's shape and the invariants: `adtag_fuzz::consent`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| adtag_fuzz::consent(data));
