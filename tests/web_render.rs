#![cfg(target_arch = "wasm32")]
//! Slot discovery and rendering in a real DOM (`adtag::web::slots`, `adtag::web::render`):
//! which slots the tag finds, the box they keep while the ad loads, the sandboxed frame of the
//! tag's own (src/frame.html, here from a `data:` URL of the same file) the creative lands in,
//! and what an empty slot does to the page. Sizes are measured by the browser's layout
//! (`offsetWidth`/`offsetHeight`), as the visitor sees them.

mod common;

use adtag::core::ad::{RenderPlan, SizeError, Sizes, SlotSize};
use adtag::web::render::Collapse;
use adtag::web::{render, slots};
use common::*;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlIFrameElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The tag's frame document, served as a `blob:` URL (the test runner serves no www/; WebKit
/// runs no script in a sandboxed `data:` frame): opaque to this page under the sandbox, as
/// adtag-frame.html from the tag's origin is to a publisher's. Made once, so that every call
/// names the same URL.
fn frame_url() -> String {
    thread_local!(static URL: String = {
        let html = include_str!("../src/frame.html");
        let make = js_sys::Function::new_with_args(
            "html",
            "return URL.createObjectURL(new Blob([html], {type: 'text/html'}))",
        );
        make.call1(&JsValue::NULL, &html.into()).ok().and_then(|u| u.as_string()).unwrap_or_default()
    });
    URL.with(|u| u.clone())
}

fn reserve(slot: &HtmlElement, size: SlotSize) {
    render::reserve(slot, size, &frame_url());
}

fn size(width: u32, height: u32) -> SlotSize {
    SlotSize { width, height }
}

fn slot_attrs<'a>(name: &'a str, size: &'a str) -> [(&'a str, &'a str); 2] {
    [("data-adtag-slot", name), ("data-adtag-size", size)]
}

fn plan(html: &str, width: u32, height: u32) -> RenderPlan {
    RenderPlan {
        ad_id: "ad-1".to_owned(),
        html: html.to_owned(),
        width,
        height,
        click_url: Some("https://advertiser.example/landing?x=1".to_owned()),
    }
}

fn rendered_box(e: &HtmlElement) -> (i32, i32) {
    (e.offset_width(), e.offset_height())
}

/// The one thing in the slot: it must be a single `<iframe>` and nothing else.
fn only_frame(slot: &HtmlElement) -> HtmlIFrameElement {
    assert_eq!(slot.child_nodes().length(), 1, "the slot holds exactly one node: {}", slot.inner_html());
    let child = slot.first_element_child().expect("an element child");
    assert_eq!(child.tag_name(), "IFRAME");
    child.dyn_into::<HtmlIFrameElement>().expect("an iframe")
}

// --- discovery ------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn discover_finds_slots_in_document_order_with_parsed_sizes() {
    let page = Fixture::new();
    let top = page.add("div", &slot_attrs("top", "300x250"));
    let wrapper = page.add("section", &[]);
    let nested = add_to(&wrapper, "div", &slot_attrs("nested", "728x90"));
    let side = page.add("aside", &slot_attrs("side", " 160X600 "));
    let bad = page.add("div", &slot_attrs("bad", "300x"));
    let huge = page.add("div", &slot_attrs("huge", "3000x250"));
    let no_size = page.add("div", &[("data-adtag-slot", "no-size")]);

    let found = slots::discover(&document());
    let names: Vec<&str> = found.iter().map(|(_, name, _)| name.as_str()).collect();
    assert_eq!(names, ["top", "nested", "side", "bad", "huge", "no-size"]);
    let sizes: Vec<_> = found.iter().map(|(_, _, size)| size.clone()).collect();
    assert_eq!(
        sizes,
        [
            Ok(Sizes::one(size(300, 250))),
            Ok(Sizes::one(size(728, 90))),
            Ok(Sizes::one(size(160, 600))),
            Err(SizeError::Malformed("300x".to_owned())),
            Err(SizeError::OutOfBounds("3000x250".to_owned())),
            Err(SizeError::Malformed(String::new())),
        ]
    );
    for ((element, name, _), expected) in found.iter().zip([&top, &nested, &side, &bad, &huge, &no_size]) {
        assert!(element.is_same_node(Some(expected)), "slot {name} is the page's own element");
    }
}

#[wasm_bindgen_test]
fn discover_on_a_page_without_slots_finds_nothing() {
    let page = Fixture::new();
    page.add("div", &[("class", "adtag-slot"), ("data-size", "300x250")]);
    assert!(slots::discover(&document()).is_empty());
}

#[wasm_bindgen_test]
fn discover_skips_slots_that_already_have_a_state() {
    let page = Fixture::new();
    for state in ["loading", "rendered", "empty", ""] {
        let e = page.add("div", &slot_attrs("claimed", "300x250"));
        e.set_attribute("data-adtag-state", state).unwrap();
    }
    let fresh = page.add("div", &slot_attrs("fresh", "300x250"));
    let found = slots::discover(&document());
    assert_eq!(found.len(), 1, "only the unclaimed slot");
    assert!(found[0].0.is_same_node(Some(&fresh)));
}

#[wasm_bindgen_test]
fn a_second_pass_finds_only_slots_added_since() {
    let page = Fixture::new();
    page.add("div", &slot_attrs("a", "300x250"));
    page.add("div", &slot_attrs("b", "nonsense"));
    // What the tag does with the first pass: reserve the good, collapse the bad.
    for (element, _, size) in slots::discover(&document()) {
        match size {
            Ok(sizes) => reserve(&element, sizes.envelope()),
            Err(_) => render::collapse(&element, Collapse::Now),
        }
    }
    assert!(slots::discover(&document()).is_empty(), "a slot is claimed once");

    page.add("div", &slot_attrs("later", "320x50"));
    let names: Vec<String> = slots::discover(&document()).into_iter().map(|(_, n, _)| n).collect();
    assert_eq!(names, ["later"]);
}

// --- reserve and collapse ---------------------------------------------------------------------

#[wasm_bindgen_test]
fn reserve_gives_a_slot_without_a_box_its_declared_size() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    assert_eq!(slot.offset_height(), 0, "an empty div takes no height before the tag");
    reserve(&slot, size(300, 250));
    assert_eq!(rendered_box(&slot), (300, 250));
    assert_eq!(slot.get_attribute("data-adtag-state").as_deref(), Some("loading"));
    // An inline slot ignores width and height unless the tag makes it a block.
    let span = page.add("span", &slot_attrs("inline", "320x50"));
    reserve(&span, size(320, 50));
    assert_eq!(rendered_box(&span), (320, 50));
}

#[wasm_bindgen_test]
fn a_slot_the_page_gave_a_box_keeps_exactly_that_box() {
    let page = Fixture::new();
    // The README's line: the page reserves the slot's space itself, before the tag runs.
    let slot = page.add("div", &[("data-adtag-slot", "top"), ("data-adtag-size", "300x250"), ("style", "width: 336px; min-height: 280px")]);
    let before = rendered_box(&slot);
    reserve(&slot, size(300, 250));
    assert_eq!(rendered_box(&slot), before, "reserve");
    render::render(&slot, &plan("<p>ad</p>", 300, 250), "t").expect("a frame");
    assert_eq!(rendered_box(&slot), before, "render");
    render::collapse(&slot, Collapse::Auto);
    assert_eq!(rendered_box(&slot), before, "no ad, in view");
}

#[wasm_bindgen_test]
fn a_reserved_slot_does_not_spill_over_the_page() {
    let page = Fixture::new();
    // Pinned to the viewport's corner so that `elementFromPoint` can look at it.
    let corner = page.add("div", &[("style", "position: fixed; top: 0; left: 0; z-index: 2147483647")]);
    let slot = add_to(&corner, "div", &[("data-adtag-slot", "top"), ("data-adtag-size", "300x250"), ("style", "width: 300px; height: 250px")]);
    let placeholder = add_to(&slot, "div", &[("style", "width: 600px; height: 500px; background: red")]);
    reserve(&slot, size(300, 250));

    let at = |x: f32, y: f32| document().element_from_point(x, y);
    let inside = at(150.0, 125.0).expect("something at the slot's centre");
    assert!(inside.is_same_node(Some(&placeholder)), "the placeholder shows inside the slot");
    for (x, y) in [(450.0, 125.0), (150.0, 400.0)] {
        let outside = at(x, y);
        assert!(
            !outside.is_some_and(|e| e.is_same_node(Some(&placeholder))),
            "the slot's content shows at ({x}, {y}), outside its 300x250"
        );
    }
}

#[wasm_bindgen_test]
fn collapse_now_takes_no_room() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    reserve(&slot, size(300, 250));
    render::collapse(&slot, Collapse::Now);
    assert_eq!(slot.offset_height(), 0);
    assert_eq!(slot.offset_width(), 0);
    assert_eq!(slot.get_attribute("data-adtag-state").as_deref(), Some("empty"));
    assert_eq!(slot.child_element_count(), 0, "the frame went with the ad");
}

#[wasm_bindgen_test]
async fn collapse_auto_keeps_the_box_in_view_and_collapses_below_the_viewport() {
    let page = Fixture::new();
    let in_view = page.add("div", &slot_attrs("here", "300x250"));
    let spacer = page.add("div", &[("style", "height: 5000px")]);
    let below = page.add("div", &slot_attrs("far", "300x250"));
    let never = page.add("div", &slot_attrs("never", "300x250"));
    for s in [&in_view, &below, &never] {
        reserve(s, size(300, 250));
    }
    window().scroll_to_with_x_and_y(0.0, 0.0);
    render::collapse(&in_view, Collapse::Auto);
    render::collapse(&below, Collapse::Auto);
    render::collapse(&never, Collapse::Never);
    sleep(300).await; // the IntersectionObserver's first report
    assert_eq!(rendered_box(&in_view), (300, 250), "in view: the box stays, empty");
    assert_eq!(in_view.child_element_count(), 0, "and shows nothing");
    assert_eq!(rendered_box(&below), (0, 0), "below the viewport: collapsed");
    assert_eq!(rendered_box(&never), (300, 250), "never: the box stays");

    // A new ad for a collapsed slot shows it again.
    render::render(&below, &plan("<p>ad</p>", 300, 250), "t").expect("a frame");
    assert_eq!(rendered_box(&below), (300, 250));
    drop(spacer);
}

#[wasm_bindgen_test]
fn collapsing_one_slot_leaves_the_others_alone() {
    let page = Fixture::new();
    let a = page.add("div", &slot_attrs("a", "300x250"));
    let b = page.add("div", &slot_attrs("b", "728x90"));
    reserve(&a, size(300, 250));
    reserve(&b, size(728, 90));
    render::collapse(&a, Collapse::Now);
    assert_eq!(rendered_box(&a), (0, 0));
    assert_eq!(rendered_box(&b), (728, 90));
}

// --- render -----------------------------------------------------------------------------------

/// The first trusted message whose source is `source()` (evaluated when it arrives) and whose
/// `data.key` is `value`, or `None` within 5 s. `start` runs once the listener is in place.
async fn message(source: impl Fn() -> JsValue + 'static, key: &str, value: &str, start: impl FnOnce()) -> Option<JsValue> {
    let mut resolve_slot = None;
    let promise = Promise::new(&mut |resolve, _| resolve_slot = Some(resolve));
    let resolve: Function = resolve_slot.expect("the executor ran");
    let (key, value) = (JsValue::from(key), JsValue::from(value));
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let from = Reflect::get(&event, &"source".into()).unwrap_or(JsValue::NULL);
        let data = Reflect::get(&event, &"data".into()).unwrap_or(JsValue::NULL);
        let trusted = Reflect::get(&event, &"isTrusted".into()).unwrap_or(JsValue::FALSE).is_truthy();
        let hit = data.is_object() && Reflect::get(&data, &key).unwrap_or(JsValue::NULL) == value;
        if trusted && hit && from == source() {
            let _ = resolve.call1(&JsValue::UNDEFINED, &data);
        }
    });
    let callback: &Function = listener.as_ref().unchecked_ref();
    window().add_event_listener_with_callback("message", callback).unwrap();
    start();
    let got = within(5000, &promise).await;
    window().remove_event_listener_with_callback("message", callback).unwrap();
    got
}

fn frame_window(frame: &HtmlIFrameElement) -> JsValue {
    frame.content_window().map(JsValue::from).unwrap_or(JsValue::NULL)
}

/// The creative's window: the first frame inside the tag's frame (readable cross-origin).
fn creative_window(frame: &HtmlIFrameElement) -> JsValue {
    Reflect::get(&frame_window(frame), &0.into()).unwrap_or(JsValue::NULL)
}

/// Renders `plan` into a reserved slot and waits for the frame's `loaded` message for `token`.
async fn render_and_load(slot: &HtmlElement, p: &RenderPlan, token: &str) -> (HtmlIFrameElement, Option<JsValue>) {
    let holder: std::rc::Rc<std::cell::RefCell<Option<HtmlIFrameElement>>> = Default::default();
    let seen = holder.clone();
    let mut frame = None;
    let loaded = message(
        move || seen.borrow().as_ref().map(frame_window).unwrap_or(JsValue::NULL),
        "adtag",
        "loaded",
        || {
            frame = render::render(slot, p, token);
            *holder.borrow_mut() = frame.clone();
        },
    )
    .await;
    (frame.expect("a frame"), loaded)
}

#[wasm_bindgen_test]
async fn render_puts_one_sandboxed_frame_of_the_tags_own_in_the_slot_and_the_creative_loads_in_it() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    slot.set_inner_html("<p style=\"height: 40px; margin: 0\">Advertisement loading…</p>");
    let box_before = rendered_box(&slot);
    reserve(&slot, size(300, 250));
    assert_eq!(rendered_box(&slot), box_before, "the page gave the slot a box (its placeholder): kept");

    let creative = "<div id=\"creative\">Buy <b>now</b></div>";
    let (frame, loaded) = render_and_load(&slot, &plan(creative, 300, 250), "tok-1").await;
    let only = only_frame(&slot);
    assert!(only.is_same_node(Some(&frame)));
    assert_eq!(slot.get_attribute("data-adtag-state").as_deref(), Some("rendered"));
    let loaded = loaded.expect("the frame reported the creative loaded");
    assert_eq!(Reflect::get(&loaded, &"token".into()).unwrap().as_string().as_deref(), Some("tok-1"));

    let sandbox = frame.get_attribute("sandbox").expect("a sandbox attribute");
    let tokens: Vec<&str> = sandbox.split_ascii_whitespace().collect();
    assert!(tokens.contains(&"allow-scripts"), "sandbox = {sandbox:?}");
    assert!(!tokens.contains(&"allow-same-origin"), "the ad could read the page: {sandbox:?}");
    assert!(
        !tokens.iter().any(|t| t.starts_with("allow-top-navigation")),
        "the ad could navigate the page: {sandbox:?}"
    );
    assert!(frame.sandbox().contains("allow-scripts"), "the browser parsed the sandbox");
    assert_eq!(frame.src(), frame_url(), "the tag's own frame document");
    assert!(frame.get_attribute("srcdoc").is_none(), "no creative markup (nor click URL) in the page's DOM");
    assert!(frame.content_document().is_none(), "the page cannot reach into the frame");

    assert_eq!(rendered_box(&frame), (300, 250), "the frame as laid out");
    assert_eq!(rendered_box(&slot), box_before, "the slot keeps the box its placeholder gave it");
}

#[wasm_bindgen_test]
async fn prepare_loads_the_frame_hidden_without_changing_the_box_and_render_uses_it() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    reserve(&slot, size(300, 250));
    assert_eq!(slot.child_element_count(), 0, "no frame (no request) before the ad is requested");
    render::prepare(&slot);
    render::prepare(&slot);
    let early = only_frame(&slot);
    assert_eq!(early.src(), frame_url());
    assert_eq!(early.get_attribute("referrerpolicy").as_deref(), Some("no-referrer"));
    assert!(!early.sandbox().contains("allow-same-origin"));
    assert_eq!(rendered_box(&slot), (300, 250), "the hidden frame takes no room");
    sleep(200).await; // its document loads meanwhile
    let (frame, loaded) = render_and_load(&slot, &plan("<p>ad</p>", 300, 250), "t").await;
    assert!(frame.is_same_node(Some(&early)), "the prepared frame shows the ad");
    assert!(loaded.is_some());
}

#[wasm_bindgen_test]
async fn rendering_again_shows_the_new_ad_in_the_same_frame() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    reserve(&slot, size(300, 250));
    let (first, loaded) = render_and_load(&slot, &plan("<p>first</p>", 300, 250), "t1").await;
    assert!(loaded.is_some());
    let (second, loaded) = render_and_load(&slot, &plan("<p>second</p>", 300, 250), "t2").await;
    assert!(loaded.is_some(), "the second ad loaded, reported with its own token");
    assert!(first.is_same_node(Some(&second)), "the frame is kept (a moved frame would reload)");
    assert!(only_frame(&slot).is_same_node(Some(&second)));
}

#[wasm_bindgen_test]
fn a_smaller_ad_gets_a_frame_of_its_own_size() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    reserve(&slot, size(300, 250));
    let frame = render::render(&slot, &plan("<p>small</p>", 300, 50), "t").expect("a frame");
    assert_eq!(rendered_box(&frame), (300, 50));
    assert_eq!(rendered_box(&slot), (300, 250));
}

#[wasm_bindgen_test]
fn without_reserve_there_is_no_frame() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    assert!(render::render(&slot, &plan("<p>ad</p>", 300, 250), "t").is_none());
}

#[wasm_bindgen_test]
fn collapse_after_render_removes_the_ad() {
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    reserve(&slot, size(300, 250));
    let frame = render::render(&slot, &plan("<p>ad</p>", 300, 250), "t").expect("a frame");
    render::collapse(&slot, Collapse::Now);
    assert_eq!(rendered_box(&slot), (0, 0));
    assert!(!frame.is_connected(), "the frame is gone");
}

// --- the sandbox at work ------------------------------------------------------------------------

/// A creative that tries to reach the page (its DOM, its cookies, its location: a fragment
/// navigation to `escape_url`, which would not unload the test page) and reports what it
/// managed, by `postMessage` to the top window.
fn probe(escape_url: &str) -> String {
    assert!(!escape_url.contains(['"', '\\', '<']), "a plain URL: {escape_url}");
    r#"<script>
(function () {
  var report = {probe: "adtag-test-probe"};
  try { report.parentDocument = "read:" + top.document.title; }
  catch (e) { report.parentDocument = "blocked:" + e.name; }
  try { report.frameDocument = "read:" + parent.document.title; }
  catch (e) { report.frameDocument = "blocked:" + e.name; }
  try { report.cookie = "read:" + document.cookie; }
  catch (e) { report.cookie = "blocked:" + e.name; }
  try { top.location.href = "ESCAPE_URL"; report.topNavigation = "attempted"; }
  catch (e) { report.topNavigation = "blocked:" + e.name; }
  setTimeout(function () { top.postMessage(report, "*"); }, 50);
})();
</script><p>probe</p>"#
        .replace("ESCAPE_URL", escape_url)
}

#[wasm_bindgen_test]
async fn the_creative_cannot_reach_the_page_nor_the_frame_around_it() {
    clear_cookies();
    raw_set_cookie("page_secret=s3cret; Path=/");
    let page = Fixture::new();
    let slot = page.add("div", &slot_attrs("top", "300x250"));
    reserve(&slot, size(300, 250));
    let location = window().location();
    let href_before = location.href().unwrap();
    let escape_url = [href_before.split('#').next().unwrap(), "#adtag-escaped"].concat();

    let holder: std::rc::Rc<std::cell::RefCell<Option<HtmlIFrameElement>>> = Default::default();
    let seen = holder.clone();
    let p = plan(&probe(&escape_url), 300, 250);
    let report = message(
        move || seen.borrow().as_ref().map(creative_window).unwrap_or(JsValue::NULL),
        "probe",
        "adtag-test-probe",
        || *holder.borrow_mut() = render::render(&slot, &p, "t"),
    )
    .await;
    let report = report.expect("the creative's script ran (allow-scripts) and reported");
    let get = |k: &str| Reflect::get(&report, &k.into()).unwrap().as_string().unwrap_or_default();

    assert_eq!(get("parentDocument"), "blocked:SecurityError", "the ad read the page's DOM");
    assert_eq!(get("frameDocument"), "blocked:SecurityError", "the ad read the tag's frame");
    // Chromium and Firefox throw on an opaque origin's document.cookie; WebKit answers "".
    let cookie = get("cookie");
    assert!(cookie.starts_with("blocked:") || cookie == "read:", "the ad read cookies: {cookie}");
    assert!(!get("cookie").contains("s3cret"));
    let href_after = location.href().unwrap();
    if href_after != href_before {
        location.set_hash("").unwrap();
    }
    assert_eq!(href_after, href_before, "the ad navigated the page ({})", get("topNavigation"));
    clear_cookies();
}
