//! Measurement, present only while a decision allows collection: the identifier, session and
//! frequency cookies, and the events, queued in the core's `Outbox` and delivered with a
//! keepalive `fetch` (retried with backoff) or, when the page is hidden, `sendBeacon`.
//! Dropping it (the decision turned to "not allowed") drops everything queued.

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
use crate::web::decide;
use crate::web::tag::{self, Tag};
use crate::web::timer::{Timeout, epoch_ms as now_ms};
use crate::web::{http, log, page};
use web_sys::{Document, Window};

/// Events wait this long for company before a batch goes out.
const FLUSH_DELAY_MS: u32 = 300;

pub struct Measure {
    /// The proof that collection is allowed: held for exactly as long as this exists.
    permit: CollectPermit,
    ctx: Context,
    session: Session,
    sid_cookie: String,
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
}

static GENERATIONS: Local<core::cell::Cell<u32>> = Local::new(core::cell::Cell::new(0));

impl Measure {
    /// Sets up the cookies (first allowed visit: a new identifier) and queues the page view
    /// unless this page sent one already (consent given, withdrawn, given again).
    /// `None` when the browser has no crypto to make identifiers with (then nothing is collected).
    pub fn start(permit: CollectPermit, t: &Tag, page_view: bool) -> Option<Measure> {
        let publisher = &t.config.publisher;
        let jar = CookieJar { document: &t.document, secure: t.location.https };
        let random = || page::random16(&t.window).map(|r| ids::hex_id(&r));
        let now = now_ms();

        let uid_name = cat(&["v", publisher.as_str()]);
        let uid = match jar.read(&permit, &uid_name).filter(|v| ids::is_hex_id(v)) {
            Some(uid) => uid,
            None => random()?,
        };
        jar.write(&permit, &uid_name, &uid, session::UID_MAX_AGE_SECS);

        let sid_cookie = cat(&["sid", publisher.as_str()]);
        let existing = jar.read(&permit, &sid_cookie).and_then(|v| Session::from_cookie_value(&v, now));
        let (session, new_session) = session::continue_or_start(existing, now, random()?);

        let fr_name = cat(&["fr", publisher.as_str()]);
        let visits = session::next_visit_count(jar.read(&permit, &fr_name).as_deref(), new_session);
        jar.write(&permit, &fr_name, &crate::core::events::decimal(visits.into()), session::FREQ_MAX_AGE_SECS);

        log::debug(t.config.debug, "collection allowed: cookies set, page_view queued");
        let mut m = Measure {
            permit,
            ctx: Context {
                publisher: publisher.clone(),
                uid,
                sid: session.id.clone(),
                page: t.location.href.clone(),
            },
            session,
            sid_cookie,
            document: t.document.clone(),
            secure: t.location.https,
            window: t.window.clone(),
            url: cat(&[t.config.endpoint.as_str(), "/v1/events"]),
            outbox: Outbox::new(),
            flush_timer: None,
            sending: false,
            generation: GENERATIONS.with(|g| {
                g.set(g.get().wrapping_add(1));
                g.get()
            }),
        };
        if page_view {
            m.record(Kind::PageView);
        }
        Some(m)
    }

    pub fn uid(&self) -> &str {
        &self.ctx.uid
    }

    /// Queues one event and schedules a flush. Every event is activity: it keeps the session
    /// (and its cookie, whose 30-minute life starts again) or, after 30 idle minutes on a page
    /// left open, starts a new one.
    pub fn record(&mut self, kind: Kind) {
        let (Some(random), Some(fresh)) = (page::random16(&self.window), page::random16(&self.window)) else {
            return;
        };
        let now = now_ms();
        let (session, _) = session::continue_or_start(Some(self.session.clone()), now, ids::hex_id(&fresh));
        self.ctx.sid.clone_from(&session.id);
        self.session = session;
        let jar = CookieJar { document: &self.document, secure: self.secure };
        jar.write(&self.permit, &self.sid_cookie, self.session.to_cookie_value(), session::SID_MAX_AGE_SECS);

        let event = Event { id: ids::hex_id(&random), kind, ts_ms: now };
        if self.outbox.push(events::to_json(&event, &self.ctx)) {
            self.schedule(FLUSH_DELAY_MS);
        }
    }

    fn schedule(&mut self, delay_ms: u32) {
        if self.flush_timer.is_none() {
            self.flush_timer = Timeout::new(delay_ms, flush);
        }
    }

    /// The page is being hidden: everything queued goes out now with `sendBeacon`.
    pub fn flush_final(&mut self) {
        self.flush_timer = None;
        for batch in self.outbox.drain() {
            http::send_final(&self.url, &batch.body);
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
        http::post_batch(&url, &body, move |ok| delivered(batch, ok, generation));
    });
}

fn delivered(batch: Batch, ok: bool, generation: u32) {
    tag::run(move |t| {
        // No measurement any more (opted out meanwhile), or a newer one: the batch is dropped,
        // not retried.
        let Some(m) = t.measure.as_mut().filter(|m| m.generation == generation) else { return };
        m.sending = false;
        if ok {
            if !m.outbox.is_empty() {
                m.schedule(0);
            }
        } else if let Some(delay) = m.outbox.failed(batch) {
            m.schedule(delay);
        }
    });
}
