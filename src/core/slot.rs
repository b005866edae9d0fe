//! One slot's life (SPEC §6–§7) as a pure state machine: found → (lazy: waiting until
//! within the fetch margin) → requested → rendered or collapsed → (refresh) requested again,
//! keeping its box → destroyed. The glue feeds it what happened (`Input`) and carries out
//! what it answers (`Action`); it holds no DOM, no timer, no clock.
//!
//! What the machine guarantees, whatever order inputs come in (tested on random sequences):
//! - a request only under a decision that allows ads, and at most one in flight per slot;
//! - every request has a new generation; an answer counts only for the generation in
//!   flight (a stale answer, or one for a destroyed slot, is ignored);
//! - a render only for the generation just answered, once, and never after `Destroyed`;
//! - `Release` exactly once, when the slot is removed or destroyed; nothing after it.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::ad::AdError;
use crate::core::config::LazyLoad;

/// Why a slot collapses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollapseReason {
    /// The decision does not allow ads (no TCF consent to purpose 1 or 2).
    AdsNotAllowed,
    /// None of the slot's sizes fits its width at request time (the glue answers the
    /// request with this instead of sending it).
    NoSizeFits,
    /// No ad (204), an error, a bad answer, a network error or a timeout.
    Ad(AdError),
}

impl CollapseReason {
    /// For the console and `slotRenderEnded`'s `reason`.
    pub fn message(&self) -> String {
        match self {
            CollapseReason::AdsNotAllowed => "no consent for ads (TCF purpose 2)".to_owned(),
            CollapseReason::NoSizeFits => "no size fits the slot's width".to_owned(),
            CollapseReason::Ad(e) => e.message(),
        }
    }
}

/// Where the slot is in its life. `generation` counts the slot's requests, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Found in the page; waiting for the decision.
    Found,
    /// Lazy: ads allowed, but the slot is beyond the fetch margin (also a refresh of a lazy
    /// slot out of reach: the ad shown so far stays until the new one comes).
    Waiting,
    /// A request is in flight.
    Requested {
        generation: u32,
    },
    /// Lazy: the ad has arrived; it is rendered once within the render margin.
    Held {
        generation: u32,
    },
    Rendered {
        generation: u32,
    },
    Collapsed {
        reason: CollapseReason,
    },
    /// Removed from the page or destroyed: everything released, every input ignored.
    Destroyed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The decision was made or changed.
    Decided { ads_allowed: bool },
    /// Where the slot is against the lazy-loading margins (see `near`); ignored by
    /// slots that are not lazy.
    Near {
        in_fetch_margin: bool,
        in_render_margin: bool,
    },
    /// The answer to the request of `generation`: an ad ready to render, or why not.
    Answer {
        generation: u32,
        result: Result<(), CollapseReason>,
    },
    /// `adtag.refresh()`.
    Refresh,
    /// The slot's element left the page.
    Removed,
    /// `adtag.destroySlots()`.
    Destroy,
}

/// What the glue does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Send an ad request, tagged `generation`, keeping the slot's box as it is.
    Request {
        generation: u32,
    },
    /// Render the ad answered for `generation`.
    Render {
        generation: u32,
    },
    /// Keep the answered ad until the slot is within the render margin.
    HoldUntilRenderMargin,
    /// Empty the slot (the box collapses by `collapseEmptySlots`' rule).
    Collapse {
        reason: CollapseReason,
    },
    /// Remove the ad and release everything held for the slot (observers, timers, frame).
    Release,
    Nothing,
}

/// One slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    state: State,
    generation: u32,
    lazy: bool,
    /// The last decision: `None` until the first.
    ads_allowed: Option<bool>,
    in_fetch_margin: bool,
    in_render_margin: bool,
    /// An ad of an earlier generation is on screen (a lazy refresh waits with it).
    showing: bool,
}

impl Slot {
    /// A slot just found; `lazy` when lazy loading is on.
    pub fn new(lazy: bool) -> Slot {
        Slot {
            state: State::Found,
            generation: 0,
            lazy,
            ads_allowed: None,
            in_fetch_margin: false,
            in_render_margin: false,
            showing: false,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// The generation of the last request (0 before the first).
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// Takes one input, returns what to do.
    pub fn step(&mut self, input: Input) -> Action {
        let allowed = self.ads_allowed == Some(true);
        match (self.state, input) {
            (State::Destroyed, _) => Action::Nothing,
            (_, Input::Removed | Input::Destroy) => {
                self.state = State::Destroyed;
                self.showing = false;
                Action::Release
            }
            (state, Input::Decided { ads_allowed }) => {
                self.ads_allowed = Some(ads_allowed);
                match state {
                    State::Found
                    | State::Collapsed {
                        reason: CollapseReason::AdsNotAllowed,
                    } if ads_allowed => self.start(),
                    State::Waiting if ads_allowed => self.start(),
                    State::Found => self.collapse(CollapseReason::AdsNotAllowed),
                    State::Waiting if !self.showing => self.collapse(CollapseReason::AdsNotAllowed),
                    State::Held { .. } if !ads_allowed => {
                        self.collapse(CollapseReason::AdsNotAllowed)
                    }
                    _ => Action::Nothing,
                }
            }
            (
                state,
                Input::Near {
                    in_fetch_margin,
                    in_render_margin,
                },
            ) => {
                self.in_fetch_margin = in_fetch_margin;
                self.in_render_margin = in_render_margin;
                match state {
                    State::Waiting if allowed => self.start(),
                    State::Held { generation } if self.may_render() => self.render(generation),
                    _ => Action::Nothing,
                }
            }
            (
                State::Requested { generation },
                Input::Answer {
                    generation: g,
                    result,
                },
            ) if g == generation => match result {
                Err(reason) => self.collapse(reason),
                Ok(()) if !allowed => self.collapse(CollapseReason::AdsNotAllowed),
                Ok(()) if self.may_render() => self.render(generation),
                Ok(()) => {
                    self.state = State::Held { generation };
                    Action::HoldUntilRenderMargin
                }
            },
            (_, Input::Answer { .. }) => Action::Nothing,
            (State::Rendered { .. } | State::Collapsed { .. }, Input::Refresh) if allowed => {
                self.start()
            }
            (_, Input::Refresh) => Action::Nothing,
        }
    }

    /// Requests now, or (lazy, out of reach) waits.
    fn start(&mut self) -> Action {
        if self.lazy && !self.in_fetch_margin {
            self.state = State::Waiting;
            return Action::Nothing;
        }
        self.generation = self.generation.wrapping_add(1);
        self.state = State::Requested {
            generation: self.generation,
        };
        Action::Request {
            generation: self.generation,
        }
    }

    fn may_render(&self) -> bool {
        !self.lazy || self.in_render_margin
    }

    fn render(&mut self, generation: u32) -> Action {
        self.state = State::Rendered { generation };
        self.showing = true;
        Action::Render { generation }
    }

    fn collapse(&mut self, reason: CollapseReason) -> Action {
        self.state = State::Collapsed { reason };
        self.showing = false;
        Action::Collapse { reason }
    }
}

/// Where a slot is against the lazy-loading margins: `top` and `bottom` of its box relative
/// to the viewport (`getBoundingClientRect`), the viewport's height, all in CSS pixels. A
/// margin of N percent extends the viewport by N% of its height above and below; the slot is
/// within it when its box touches the extended viewport. Anything not a number (NaN) is not
/// within.
pub fn near(top: f64, bottom: f64, viewport_height: f64, margins: LazyLoad) -> Input {
    let within = |percent: u32| {
        let margin = viewport_height * f64::from(percent) / 100.0;
        bottom >= -margin && top <= viewport_height + margin
    };
    Input::Near {
        in_fetch_margin: within(margins.fetch_margin_percent),
        in_render_margin: within(margins.render_margin_percent),
    }
}
