//! Finding the page's ad slots: `<div data-adtag-slot="name" data-adtag-size="WxH">`.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::ad::{SizeError, SlotSize, parse_size};
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement, HtmlIFrameElement};

pub struct Slot {
    pub element: HtmlElement,
    pub name: String,
    pub size: SlotSize,
    /// Filled in once rendered: the frame, its click token and the ad id.
    pub frame: Option<HtmlIFrameElement>,
    pub token: String,
    pub ad_id: String,
    /// When the last click counted (ms since the epoch).
    pub last_click_ms: u64,
    /// Viewability, once rendered.
    pub view: Option<crate::web::observe::SlotView>,
}

/// Every slot element not yet claimed by a tag, in document order: the good ones, and the
/// ones whose size is malformed (each reported and collapsed by the caller).
pub fn discover(document: &Document) -> Vec<(HtmlElement, String, Result<SlotSize, SizeError>)> {
    let Ok(list) = document.query_selector_all("[data-adtag-slot]") else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|e| !e.has_attribute("data-adtag-state"))
        .map(|e| {
            let name = e.get_attribute("data-adtag-slot").unwrap_or_default();
            let size = parse_size(&e.get_attribute("data-adtag-size").unwrap_or_default());
            (e, name, size)
        })
        .collect()
}
