//! ad::render_plan (and ad::srcdoc) on any input; the input's shape and the invariants: `adtag_fuzz::ad_answer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| adtag_fuzz::ad_answer(data));
