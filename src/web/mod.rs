//! The browser glue (wasm32 only): gathers the page's inputs, calls the core, carries out
//! what it returns. The only place web-sys appears. The modules are public so that the
//! browser tests (tests/web_*.rs) can drive them against a real document.

pub mod api;
pub mod audit;
pub mod consent;
pub mod cookie_jar;
pub mod decide;
pub mod dom;
pub mod http;
pub mod json;
pub mod log;
pub mod measure;
pub mod observe;
pub mod page;
pub mod page_api;
pub mod publisher_events;
pub mod render;
pub mod slots;
pub mod storage;
pub mod tag;
pub mod timer;
pub mod wake;
pub mod local;
