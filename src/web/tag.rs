//! The running tag on one page: its state, how it starts, and the one way anything changes it.
//!
//! Every change to the tag (a signal answered, an ad arrived, a frame came into view, a click,
//! the page hid, the page calling `adtag.*`) is a piece of work handed to `run`. Work runs one
//! piece at a time on the tag's state; work that arrives while another piece runs (page code
//! called from inside the tag's own work: a cookie getter, a custom element, an event callback)
//! is queued and runs right after, never dropped. Page events (`adtag.on`) are emitted only
//! between pieces, never while the state is borrowed, so a callback may call back into the tag.
//!
//! Work that need not happen at once goes to `later`: it runs in a task of its own, in order,
//! one piece per task, on the state as it is then. That is how the tag stays clear of long
//! tasks on a slow phone: the start, the decision, each slot's request and each slot's frame
//! are separate tasks, and the browser may paint and handle input in between. A piece reads
//! the decision when it runs, never the one of when it was queued, so a refusal that arrives
//! in between (an opt-out, consent withdrawn) still wins.
//!
//! The flow of a page view: `start` reads the config; the next task sets up the observers,
//! the one after claims the slots (their space kept at once), then one reads the synchronous
//! signals, one takes the child-directed list, one asks the consent platforms (`decide.rs`);
//! once every signal has answered or timed out the decision is made, and each slot's ad is
//! requested with it, one slot per task, its frame after every request (`slots.rs`);
//! measurement exists only while a decision allows it (`measure.rs`).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::cat;
use crate::web::local::Local;

use crate::core::config::{self, Config};
use crate::core::decision::Decision;
use crate::core::signals::{Answer, Signals};
use crate::web::measure::Measure;
use crate::web::observe::Observers;
use crate::web::slots::Slots;
use crate::web::{consent, decide, log, page, page_api};
use core::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Window};

pub struct Tag {
    pub config: Config,
    pub window: Window,
    pub document: Document,
    pub location: page::Location,
    pub signals: Signals,
    pub decision: Decision,
    /// True once every signal has answered or timed out and the ads were requested.
    pub decided: bool,
    pub slots: Slots,
    /// Present while the decision allows collection, from the task after the one that
    /// allowed it (`decide.rs`), and never after a decision that does not.
    pub measure: Option<Measure>,
    /// Measurement is to start in a later task (asked once), or starts now.
    pub measure_asked: bool,
    pub measure_due: bool,
    /// One `page_view` per page, however often consent comes and goes.
    pub page_view_sent: bool,
    /// Viewability, clicks and page visibility, watched from the start.
    pub observers: Option<Observers>,
    /// The consent platforms found or declared.
    pub consent: consent::Platforms,
    /// Where the slots' frame document comes from (`adtag-frame.html` beside the script).
    pub frame_url: String,
    /// The child-directed list's URL.
    list_url: String,
    /// `claim` has run (the signals and the list are on their way).
    claimed: bool,
}

/// A piece of work on the tag's state.
type Work = Box<dyn FnOnce(&mut Tag)>;
/// A piece of work for a later task: a plain function (no closure to box), with an argument.
pub type Later = fn(&mut Tag, u32);

static TAG: Local<RefCell<Option<Tag>>> = Local::new(RefCell::new(None));
/// Work waiting for the tag: queued while another piece runs, run in order right after.
static QUEUE: Local<RefCell<Vec<Work>>> = Local::new(RefCell::new(Vec::new()));
/// Work for later tasks (`later`): a function and its argument (a slot id), in order. One task
/// is outstanding exactly while it is not empty: `next_later` takes the first piece out and
/// asks for the next task before running it.
static LATER: Local<RefCell<Vec<(Later, u32)>>> = Local::new(RefCell::new(Vec::new()));
/// Page events to emit once the current piece of work is done (name, payload).
static NOTICES: Local<RefCell<Vec<(&'static str, JsValue)>>> = Local::new(RefCell::new(Vec::new()));

/// Runs `f` on the tag: now, or, when the tag is busy (a re-entrant call), right after the
/// work in progress. Dropped only when the tag never started (there is nothing to change).
pub fn run(f: impl FnOnce(&mut Tag) + 'static) {
    run_dyn(Box::new(f));
}

/// The one body of `run`, not generic (each caller would otherwise get its own copy).
fn run_dyn(work: Work) {
    if let Ok(mut q) = QUEUE.try_borrow_mut() {
        q.push(work);
    }
    drain();
}

/// Runs `f` on the tag in a task of its own, after the work queued with `later` before it:
/// one piece per task, so that the browser may paint and handle input in between.
pub fn later(f: Later, arg: u32) {
    let Ok(mut l) = LATER.try_borrow_mut() else { return };
    l.push((f, arg));
    if l.len() == 1 {
        drop(l);
        ask_for_task();
    }
}

fn ask_for_task() {
    crate::web::dom::later(crate::web::wake::once(Box::new(|_, _| next_later())));
}

/// The first later piece, taken out and the next one's task asked for before it runs: a piece
/// that fails (a trap) then costs only itself, never the queue behind it.
fn next_later() {
    let (first, more) = match LATER.try_borrow_mut() {
        Ok(mut l) if !l.is_empty() => {
            let first = l.remove(0);
            (Some(first), !l.is_empty())
        }
        _ => (None, false),
    };
    if more {
        ask_for_task();
    }
    if let Some((f, arg)) = first {
        run(move |t| f(t, arg));
    }
}

/// Runs the queued work and the page events it produced, in order, unless an outer `drain`
/// is already doing it (then it picks up what was just queued).
fn drain() {
    loop {
        let Ok(mut tag) = TAG.try_borrow_mut() else { return };
        let Some(t) = tag.as_mut() else {
            // Not started (or a start that failed): nothing to change.
            if let Ok(mut q) = QUEUE.try_borrow_mut() {
                q.clear();
            }
            return;
        };
        let next = QUEUE.try_borrow_mut().ok().and_then(|mut q| (!q.is_empty()).then(|| q.remove(0)));
        match next {
            Some(work) => {
                work(t);
                drop(tag);
            }
            None => {
                drop(tag);
                let notice = NOTICES.try_borrow_mut().ok().and_then(|mut n| (!n.is_empty()).then(|| n.remove(0)));
                match notice {
                    // Page code runs here, with the state free: it may call the tag again.
                    Some((name, payload)) => crate::web::publisher_events::emit(name, &payload),
                    None => return,
                }
            }
        }
    }
}

/// Tells the page `name` with `payload` once the current work is done (`adtag.on`).
pub fn notify(name: &'static str, payload: JsValue) {
    if let Ok(mut n) = NOTICES.try_borrow_mut() {
        n.push((name, payload));
    }
}

/// Reads from the tag, if it has started and is not busy: for the page's questions
/// (`adtag.decision()`), which have an answer of their own when the tag is busy.
pub fn read<R>(f: impl FnOnce(&Tag) -> R) -> Option<R> {
    TAG.with(|t| t.try_borrow().ok()?.as_ref().map(f))
}

pub enum StartError {
    NoPage,
    AlreadyStarted,
    Config,
}

/// Starts the tag from its script element. Reports a bad config with one console error.
pub fn start(script: &Element) -> Result<(), StartError> {
    let window = crate::web::dom::win().ok_or(StartError::NoPage)?;
    let document = window.document().ok_or(StartError::NoPage)?;
    if TAG.try_borrow().map(|t| t.is_some()).unwrap_or(true) {
        return Err(StartError::AlreadyStarted);
    }
    let src = script.get_attribute("src").and_then(|_| script.dyn_ref::<web_sys::HtmlScriptElement>().map(|s| s.src()));
    let config = config::resolve_with(src.as_deref(), &page::script_config(script), &page::window_config(&window), crate::web::json::parse)
        .map_err(|e| {
            log::error(&e.message());
            StartError::Config
        })?;

    let mut signals = Signals::pending();
    signals.child_flag = config.child_directed;
    signals.tcf_vendor_id = config.tcf_vendor_id;
    // Consent platforms: absent until `consent::start` finds them (or the config declares them).
    signals.tcf = Answer::Absent;
    signals.gpp = Answer::Absent;
    signals.usp = Answer::Absent;

    consent::set_vendor(config.tcf_vendor_id);
    let location = page::location(&window);
    let frame_url = crate::core::ad::frame_url(src.as_deref().unwrap_or(&cat(&[&config.endpoint, "/"])));
    page_api::set_opt_out_target(&config, &location, &document);
    // Asked per host (SPEC §2): the answer stays small and cacheable; the loader asks the same
    // URL at once, and `http::get_text` takes over its request.
    let mut list_url = cat(&[config.endpoint.as_str(), "/v1/child-directed-sites?host="]);
    crate::core::url::push_encoded(&mut list_url, &location.hostname);
    let tag = Tag {
        config,
        window,
        document,
        location,
        signals,
        decision: Decision::closed(),
        decided: false,
        slots: Slots::default(),
        measure: None,
        measure_asked: false,
        measure_due: false,
        page_view_sent: false,
        observers: None,
        consent: consent::Platforms::default(),
        frame_url,
        list_url,
        claimed: false,
    };
    // Stored only into an empty, unborrowed slot: a second or re-entrant start() (the glue
    // module is importable by the page) is refused, never a panic.
    let stored = TAG.with(|t| match t.try_borrow_mut() {
        Ok(mut slot) if slot.is_none() => {
            *slot = Some(tag);
            true
        }
        _ => false,
    });
    if !stored {
        return Err(StartError::AlreadyStarted);
    }
    later(observe, 0);
    Ok(())
}

/// The start's second task: the observers (viewability, the page's visibility, the frames'
/// messages, slots that come and go), before the slots are claimed in the next.
fn observe(t: &mut Tag, _: u32) {
    if t.observers.is_none() {
        t.observers = Some(Observers::new(&t.window, t.config.lazy_load));
    }
}

/// The start's third task (the loader calls it in a task after `start`'s, and `observe` was
/// asked for before it: the first run of the tag's code, the config, is a task's worth on a
/// slow phone already, and reading the slots' boxes may lay the page out): the page's slots
/// found, their space kept at once; the loader then runs the functions queued on `adtag.cmd`,
/// which find them. The signals in the next task. Sooner when the page calls the page API's
/// slot functions before it (`page_api::refresh`).
pub fn claim() {
    run(|t| {
        // Once: the glue module is importable by the page, which may call this again.
        if t.claimed {
            return;
        }
        t.claimed = true;
        // Sooner than their own task when the page asked for the slots first.
        observe(t, 0);
        for e in &t.config.targeting_errors {
            log::error(&e.message());
        }
        crate::web::slots::claim_new(t);
        log::debug(t.config.debug, &cat(&["publisher ", &t.config.publisher, ", endpoint ", &t.config.endpoint, ", ",
            &crate::core::events::decimal(t.slots.len() as u64), " slot(s)"]));
        later(begin, 0);
    });
}

/// The start's fourth task: the signals that cost the browser a round to its cookie store or
/// a look through the page, and the consent platforms the config declares (waited for from
/// now on); the child-directed list in the next.
fn begin(t: &mut Tag, _: u32) {
    t.signals.opt_out_cookie = decide::opted_out(&t.document, &t.config.opt_out_cookie);
    t.signals.child_meta = page::child_meta(&t.document);
    t.signals.gpc = page::gpc(&t.window);
    consent::declare(t);
    later(begin_list, 0);
}

/// The start's fifth task: the child-directed list (the loader's request taken over, or asked
/// now); the consent platforms in the next.
fn begin_list(t: &mut Tag, _: u32) {
    decide::fetch_site_list(&t.list_url);
    later(begin_consent, 0);
}

/// The start's sixth task: the page's consent platforms asked, and the answers of those that
/// answer at once (a decision each, each with a cookie read) taken in. The list may answer
/// before it, but no decision is made without the platforms: the declared ones are waited for
/// since `begin`, and `decide_again` looks for the page's before it decides.
fn begin_consent(t: &mut Tag, _: u32) {
    consent::start(t);
}
