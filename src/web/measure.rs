//! Measurement, present only while a decision allows collection: the identifier, session and
//! frequency cookies, and the events.
//!
//! Each event is stored (`storage`, the publisher's stored outbox in `localStorage`) and
//! queued in the core's `Outbox` as it is recorded, then posted in batches with a keepalive
//! `fetch` without cookies, retried with backoff on 5xx and network errors. An event leaves
//! the store when the collector took it (2xx) or refused it for good (4xx); whatever is still
//! there when the page goes (a send whose answer never came) is sent again, oldest first, by
//! the next page view of the site that is allowed to collect. The collector de-duplicates by
//! `id`. Dropping a `Measure` (the decision turned to "not allowed") drops everything queued;
//! the tag deletes the store then too (`storage::forget`).
//!
//! Public surface: `start`, `uid`, `record`, `flush_final`, `stop`.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::cat;
use crate::web::local::Local;

use crate::core::decision::CollectPermit;
use crate::core::events::{self, Context, Event, Kind};
use crate::core::outbox::{Batch, Outbox};
use crate::core::session::{self, Session};
use crate::core::ids;
use crate::web::cookie_jar::CookieJar;
use crate::web::http::{self, Sent};
use crate::web::{decide, tag};
use crate::web::timer::{Timeout, epoch_ms};
use crate::web::{log, page, storage};
use web_sys::{Document, Window};

/// Events wait this long for company before a batch goes out.
const FLUSH_DELAY_MS: u32 = 300;

/// What measurement needs from the page, given explicitly.
pub struct Setup<'a> {
    pub publisher: &'a str,
    /// Base URL of the collector (`{endpoint}/v1/events`).
    pub endpoint: &'a str,
    pub window: &'a Window,
    pub document: &'a Document,
    /// The page URL the events carry.
    pub page_url: &'a str,
    /// `Secure` cookies.
    pub https: bool,
    pub debug: bool,
}

pub struct Measure {
    /// The proof that collection is allowed: held for exactly as long as this exists.
    permit: CollectPermit,
    ctx: Context,
    session: Session,
    sid_cookie: String,
    /// When this page last wrote `sid_cookie` (`session::for_event`).
    sid_written_ms: u64,
    document: Document,
    secure: bool,
    window: Window,
    url: String,
    outbox: Outbox,
    flush_timer: Option<Timeout>,
    sending: bool,
    /// Which `Measure` of this page this is: an answer for a batch of an earlier one (consent
    /// withdrawn and given again meanwhile) must not touch this one's outbox.
    generation: u32,
    /// This page's `page_view` (its `visits`), recorded by `record_page_view` in a task after
    /// the cookies were set up: together they made the tag's longest piece of work.
    page_view: Option<u32>,
}

static GENERATIONS: Local<core::cell::Cell<u32>> = Local::new(core::cell::Cell::new(0));

impl Measure {
    /// Sets up the cookies (first allowed visit: a new identifier; a new session counts one
    /// more visit in `fr<pub>`), queues the events an earlier page view of the site left
    /// undelivered, oldest first; this page's `page_view` (with `visits`), unless this page
    /// sent one already (consent given, withdrawn, given again), waits for `record_page_view`.
    /// `None` when the browser has no crypto to make identifiers with (then nothing is collected).
    pub fn start(permit: CollectPermit, page: &Setup, page_view: bool) -> Option<Measure> {
        let publisher = page.publisher;
        let jar = CookieJar { document: page.document, secure: page.https };
        let random = || page::random16(page.window).map(|r| ids::hex_id(&r));
        let now = epoch_ms();

        // Every read before any write: a write drops the browser's copy of the page's cookies,
        // and each read after one waits on the browser's cookie store (several milliseconds
        // on a slow phone, in the same task).
        let uid_name = cat(&["v", publisher]);
        let sid_cookie = cat(&["sid", publisher]);
        let fr_name = cat(&["fr", publisher]);
        let stored_uid = jar.read(&permit, &uid_name).filter(|v| ids::is_hex_id(v));
        let existing = jar.read(&permit, &sid_cookie).and_then(|v| Session::from_cookie_value(&v, now));
        let stored_visits = jar.read(&permit, &fr_name);

        let uid = match stored_uid {
            Some(uid) => uid,
            None => {
                // A new identifier (the visitor cleared the tag's cookies but not
                // localStorage): events stored under the old one are deleted unsent, never
                // sent alongside, and so linked to, the new one.
                storage::forget(publisher, "a new identifier: events stored under the old one are never sent with it");
                random()?
            }
        };
        let (session, new_session) = session::continue_or_start(existing, now, random()?);
        let visits = session::next_visit_count(stored_visits.as_deref(), new_session);
        jar.write(&permit, &uid_name, &uid, session::UID_MAX_AGE_SECS);
        jar.write(&permit, &sid_cookie, session.to_cookie_value(), session::SID_MAX_AGE_SECS);
        jar.write(&permit, &fr_name, &events::decimal(visits.into()), session::FREQ_MAX_AGE_SECS);

        let mut outbox = Outbox::new();
        for event in storage::load(&permit, publisher).events() {
            outbox.push(event.clone());
        }

        log::debug(page.debug, "collection allowed: cookies set, page_view queued");
        let mut m = Measure {
            permit,
            ctx: Context {
                publisher: publisher.to_owned(),
                uid,
                sid: session.id.clone(),
                page: page.page_url.to_owned(),
            },
            session,
            sid_cookie,
            sid_written_ms: now,
            document: page.document.clone(),
            secure: page.https,
            window: page.window.clone(),
            url: cat(&[page.endpoint, "/v1/events"]),
            outbox,
            flush_timer: None,
            sending: false,
            generation: GENERATIONS.with(|g| {
                g.set(g.get().wrapping_add(1));
                g.get()
            }),
            page_view: page_view.then_some(visits),
        };
        if !m.outbox.is_empty() {
            m.schedule(FLUSH_DELAY_MS);
        }
        Some(m)
    }

    /// Records the `page_view` `start` kept for later, once; true when it did.
    pub fn record_page_view(&mut self) -> bool {
        let Some(visits) = self.page_view.take() else { return false };
        self.record(Kind::PageView { visits });
        true
    }

    pub fn uid(&self) -> &str {
        &self.ctx.uid
    }

    /// Stores and queues one event and schedules a flush. Every event but `session_end` is
    /// activity: the session, read again from its cookie first (another tab may have started
    /// or continued one), is kept and its cookie's 30-minute life starts again; after 30 idle
    /// minutes without a cookie, a new one starts. `session_end` carries the session it ends.
    pub fn record(&mut self, kind: Kind) {
        let (Some(random), Some(fresh)) = (page::random16(&self.window), page::random16(&self.window)) else {
            return;
        };
        let now = epoch_ms();
        let jar = CookieJar { document: &self.document, secure: self.secure };
        let ends = matches!(kind, Kind::SessionEnd { .. });
        let cookie = jar.read(&self.permit, &self.sid_cookie);
        let at = session::EventAt { cookie: cookie.as_deref(), now_ms: now, ends, written_ms: self.sid_written_ms };
        let touch = session::for_event(&self.session, at, ids::hex_id(&fresh));
        if touch.write_cookie {
            jar.write(&self.permit, &self.sid_cookie, touch.session.to_cookie_value(), session::SID_MAX_AGE_SECS);
            self.sid_written_ms = now;
        }
        self.ctx.sid.clone_from(&touch.session.id);
        self.session = touch.session;

        let event = events::to_json(&Event { id: ids::hex_id(&random), kind, ts_ms: now }, &self.ctx);
        storage::add(&self.permit, &self.ctx.publisher, &event);
        if self.outbox.push(event) {
            self.schedule(FLUSH_DELAY_MS);
        }
    }

    fn schedule(&mut self, delay_ms: u32) {
        if self.flush_timer.is_none() {
            self.flush_timer = Timeout::new(delay_ms, flush);
        }
    }

    /// The page is being hidden or left: everything queued (retries waiting included) goes
    /// out now, each batch a keepalive `fetch` that outlives the page. A batch already in
    /// flight is left to finish. What no answer confirms stays stored for the next page view.
    pub fn flush_final(&mut self) {
        self.flush_timer = None;
        for batch in self.outbox.drain() {
            let generation = self.generation;
            let Batch { body, ids, .. } = batch;
            http::post_batch(&self.permit, &self.url, &body, Box::new(move |sent| {
                if sent != Sent::Failed {
                    forget_sent(generation, ids);
                }
            }));
        }
    }

    /// Collection is no longer allowed: forget everything queued, send nothing more.
    pub fn stop(mut self) {
        self.outbox.clear();
        self.flush_timer = None;
    }
}

/// Sends the next batch (one at a time, so a retry keeps its place in the order).
fn flush() {
    tag::run(|t| {
        let Some(m) = decide::measuring(t) else { return };
        m.flush_timer = None;
        if m.sending {
            return;
        }
        let Some(batch) = m.outbox.next_batch() else { return };
        m.sending = true;
        let (url, generation, body) = (m.url.clone(), m.generation, batch.body.clone());
        http::post_batch(&m.permit, &url, &body, Box::new(move |sent| delivered(batch, sent, generation)));
    });
}

/// The answer for a batch `flush` sent: delivered or refused for good, it leaves the store
/// and the next batch goes; failed, it is retried after a backoff (and after the last
/// attempt it stays stored for the next page view).
fn delivered(batch: Batch, sent: Sent, generation: u32) {
    tag::run(move |t| {
        // No measurement any more (opted out meanwhile, in this tab or another: `measuring`
        // reads the opt-out cookie again before the store is touched), or a newer one: the
        // batch is dropped, not retried.
        let Some(m) = decide::measuring(t).filter(|m| m.generation == generation) else { return };
        m.sending = false;
        if sent == Sent::Failed {
            if let Some(delay) = m.outbox.failed(batch) {
                m.schedule(delay);
                return;
            }
        } else {
            storage::remove(&m.permit, &m.ctx.publisher, &batch.ids);
        }
        if !m.outbox.is_empty() {
            m.schedule(0);
        }
    });
}

/// A final batch was answered (the page lived on, hidden): its events leave the store.
fn forget_sent(generation: u32, ids: Vec<String>) {
    tag::run(move |t| {
        if let Some(m) = decide::measuring(t).filter(|m| m.generation == generation) {
            storage::remove(&m.permit, &m.ctx.publisher, &ids);
        }
    });
}
