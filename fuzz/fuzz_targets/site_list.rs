//! site_list::parse and SiteList::covers on any input; the input's shape and the invariants: `adtag_fuzz::site_list`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| adtag_fuzz::site_list(data));
