//! The browser glue (wasm32 only): gathers the page's inputs, calls the core, carries out
//! what it returns. The only place web-sys appears.

pub mod api;
mod cookie_jar;
mod http;
mod log;
mod measure;
mod observe;
mod page;
mod publisher_events;
mod render;
mod slots;
mod tag;
mod timer;
