//! The pure core: no web-sys, no clock, no randomness. Everything the browser knows comes in
//! as arguments; decisions, URLs, render plans and event batches come out.

pub mod ad;
pub mod config;
pub mod consent;
pub mod cookie_write;
pub mod cookies;
pub mod decision;
pub mod events;
pub mod ids;
pub mod json;
pub mod outbox;
pub mod session;
pub mod signals;
pub mod site_list;
pub mod url;
pub mod viewability;
