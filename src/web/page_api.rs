//! What the page can ask of the tag (`adtag.optOut()`, `optIn()`, `decision()`, `refresh()`,
//! `destroySlots()`), behind the exports of `api.rs`. Every call works whenever it comes:
//! from a page script, from an `adtag.on` callback, or from page code the tag's own work ran
//! (then its effect on the tag's state follows right after that work, through `tag::run`).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::web::local::Local;

use crate::core::config::Config;
use crate::core::decision::Decision;
use crate::web::page::Location;
use crate::web::publisher_events::object;
use crate::web::{cookie_jar, decide, slots, tag};
use core::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use web_sys::Document;

/// What `optOut()`/`optIn()` need to write their cookies at once, kept apart from the tag's
/// state so that they work even while the tag is busy.
struct OptOutTarget {
    cookie: String,
    publisher: String,
    host: String,
    https: bool,
    document: Document,
}

static OPT_OUT: Local<RefCell<Option<OptOutTarget>>> = Local::new(RefCell::new(None));
/// `optOut()` was called on this page (and not undone by `optIn()`): it holds even where the
/// browser refuses the cookie.
static OPTED_OUT_HERE: Local<Cell<bool>> = Local::new(Cell::new(false));
/// The last decision, for `adtag.decision()` asked while the tag is busy.
static LAST: Local<RefCell<Option<Decision>>> = Local::new(RefCell::new(None));

pub fn set_opt_out_target(config: &Config, location: &Location, document: &Document) {
    if let Ok(mut slot) = OPT_OUT.try_borrow_mut() {
        *slot = Some(OptOutTarget {
            cookie: config.opt_out_cookie.clone(),
            publisher: config.publisher.clone(),
            host: location.hostname.clone(),
            https: location.https,
            document: document.clone(),
        });
    }
}

pub fn opted_out_here() -> bool {
    OPTED_OUT_HERE.get()
}

/// Keeps the decision for `adtag.decision()`.
pub fn remember(d: &Decision) {
    if let Ok(mut last) = LAST.try_borrow_mut() {
        *last = Some(d.clone());
    }
}

/// `adtag.optOut()`: the opt-out cookie, the tag's cookies deleted, collection stopped. The
/// cookies are written at once, even when the page calls this from inside the tag's own work;
/// the decision follows as soon as that work is done.
pub fn opt_out() {
    let written = OPT_OUT.try_borrow().ok().and_then(|o| {
        let o = o.as_ref()?;
        cookie_jar::opt_out(&o.document, &o.cookie, &o.publisher, &o.host, o.https);
        Some(())
    });
    if written.is_some() {
        OPTED_OUT_HERE.set(true);
        tag::run(decide::decide_again);
    }
}

/// `adtag.optIn()`: removes the opt-out cookie; collection resumes if everything else allows.
pub fn opt_in() {
    let written = OPT_OUT.try_borrow().ok().and_then(|o| {
        let o = o.as_ref()?;
        cookie_jar::opt_in(&o.document, &o.cookie, &o.host, o.https);
        Some(())
    });
    if written.is_some() {
        OPTED_OUT_HERE.set(false);
        tag::run(decide::decide_again);
    }
}

/// `adtag.refresh(names?)`: new ads for the named slots (all when `None`).
///
/// The page API exists from the start's first task, the slots are claimed in its third: a
/// page that calls `refresh`, `destroySlots` or `slots` in between has them claimed first
/// (`tag::claim` runs once), so that the call reaches the slots the page has.
pub fn refresh(names: Option<Vec<String>>) {
    tag::claim();
    tag::run(move |t| slots::refresh(t, names.as_deref()));
}

/// `adtag.destroySlots(names?)`: the named slots' ads removed and the slots forgotten.
pub fn destroy_slots(names: Option<Vec<String>>) {
    tag::claim();
    tag::run(move |t| slots::destroy(t, names.as_deref()));
}

/// The current decision (the closed one before the tag has decided).
pub fn current_decision() -> JsValue {
    let d = LAST.try_borrow().ok().and_then(|d| d.clone());
    decision_object(&d.unwrap_or_else(Decision::closed))
}

pub fn reason_list(d: &Decision) -> Vec<&'static str> {
    d.reasons.iter().map(|r| r.as_str()).collect()
}

/// `{collect, cookies, personalized, childDirected, ads, reasons}` for the page.
pub fn decision_object(d: &Decision) -> JsValue {
    let reasons: js_sys::Array = reason_list(d).into_iter().map(JsValue::from_str).collect();
    object(&[
        ("collect", d.collect.into()),
        ("cookies", d.cookies.into()),
        ("personalized", d.personalized.into()),
        ("childDirected", d.child_directed.into()),
        ("ads", d.ads.into()),
        ("reasons", reasons.into()),
    ])
}

/// `adtag.signals()`: what each signal answered, for the publisher console (null while the
/// tag is busy or not started).
pub fn signals() -> JsValue {
    use crate::core::signals::{Answer, ListState};
    fn answer<T>(a: &Answer<T>) -> &'static str {
        match a {
            Answer::Absent => "absent",
            Answer::Pending => "pending",
            Answer::TimedOut => "timed-out",
            Answer::Ready(_) => "ready",
        }
    }
    tag::read(|t| {
        let s = &t.signals;
        let list = match s.site_list {
            ListState::Listed => "listed",
            ListState::NotListed => "not-listed",
            ListState::Failed => "failed",
            ListState::TimedOut => "timed-out",
            ListState::Pending => "pending",
        };
        object(&[
            ("optOutCookie", s.opt_out_cookie.into()),
            ("childFlag", s.child_flag.into()),
            ("childMeta", s.child_meta.into()),
            ("siteList", list.into()),
            ("gpc", s.gpc.into()),
            ("tcf", answer(&s.tcf).into()),
            ("gpp", answer(&s.gpp).into()),
            ("usp", answer(&s.usp).into()),
        ])
    })
    .unwrap_or(JsValue::NULL)
}

/// `adtag.slots()`: each slot's name, state, ad size and id, or why it is empty.
pub fn slots() -> JsValue {
    tag::claim();
    let list = js_sys::Array::new();
    let _ = tag::read(|t| {
        for s in t.slots.iter() {
            list.push(&s.describe());
        }
    });
    list.into()
}
