// TypeScript declarations for adtag's page API (`window.adtag`), SPEC §1 and §6–§11.
//
// Use them with a triple-slash reference or by adding the file to your tsconfig's "files":
//   /// <reference path="./adtag.d.ts" />
// Then, exactly as in plain JavaScript:
//   window.adtag = window.adtag || { cmd: [] };
//   adtag.cmd.push(() => {
//     adtag.on('slotRenderEnded', (e) => console.log(e.slot, e.isEmpty ? 'empty' : e.size));
//   });
//
// The methods exist once the tag has loaded: call them from a function pushed onto
// `adtag.cmd` (run at once when the tag is already there). None of them ever throws.

declare namespace adtag {
  /** A function queued on `adtag.cmd`: run once the tag is ready, in order. */
  type Command = () => void;

  /** `[width, height]` in CSS pixels. */
  type Size = [number, number];

  /** Why collection (or personalisation, or ads) is not allowed. Names are stable. */
  type Reason =
    | 'opt-out-cookie'
    | 'child-directed-flag'
    | 'child-directed-list'
    | 'child-directed-list-unavailable'
    | 'gpc'
    | 'tcf-pending'
    | 'tcf-timeout'
    | 'tcf-no-vendor-id'
    | 'tcf-restricted'
    | 'tcf-no-purpose-1'
    | 'tcf-no-vendor'
    | 'tcf-no-purpose-7'
    | 'tcf-no-purpose-2'
    | 'tcf-no-personalization'
    | 'gpp-pending'
    | 'gpp-timeout'
    | 'gpp-opt-out'
    | 'usp-pending'
    | 'usp-timeout'
    | 'usp-opt-out'
    // Reasons added later still type-check.
    | (string & {});

  /** `adtag.decision()` and the `decision` event. */
  interface Decision {
    /** Beacons are sent (page views, impressions, viewability, clicks, sessions). */
    collect: boolean;
    /** The tag's own cookies are read and written. */
    cookies: boolean;
    /** Ads may be personalised (`npa=0` on the ad request). */
    personalized: boolean;
    /** The page is child-directed (`coppa=1`): no cookie, nothing collected. */
    childDirected: boolean;
    /** Ads are requested at all (TCF consent to purposes 1 and 2 where TCF applies). */
    ads: boolean;
    /** Why not, in a fixed order; empty when nothing stands in the way. */
    reasons: Reason[];
  }

  /** Every slot event names its slot (`data-adtag-slot`). */
  interface SlotEvent {
    slot: string;
  }

  /** The slot's ad arrived, or it was left empty. */
  interface SlotRenderEndedEvent extends SlotEvent {
    isEmpty: boolean;
    /** The ad's size; `null` when empty. */
    size: Size | null;
    /** Why the slot is empty (no ad, an error, a timeout, no consent, no size fits). */
    reason?: string;
  }

  interface SlotVisibilityChangedEvent extends SlotEvent {
    /** Whole percent of the ad's area on screen, 0 to 100. */
    inViewPercentage: number;
  }

  /** An ad event: `ad` is the ad's id from the ad server. */
  interface AdEvent extends SlotEvent {
    ad: string;
  }

  /** Each event's payload, by name (SPEC §9). */
  interface EventMap {
    decision: Decision;
    /** An ad request left for the slot. */
    slotRequested: SlotEvent;
    /** The ad server answered (with an ad or not). */
    slotResponseReceived: SlotEvent;
    slotRenderEnded: SlotRenderEndedEvent;
    /** The creative's frame finished loading. */
    slotOnload: AdEvent;
    slotVisibilityChanged: SlotVisibilityChangedEvent;
    /** The ad met the MRC viewability standard (50% in view for one second; 30% for large ads). */
    impressionViewable: AdEvent;
    /** The visitor clicked the ad. */
    adClick: AdEvent;
    /** One more entry in the audit trail (the publisher console follows it). */
    audit: AuditEntry;
  }

  type EventName = keyof EventMap;

  /** Lazy loading's margins, in percent of the viewport's height above and below it. */
  interface LazyLoadMargins {
    /** Request the ad once the slot is this close (default 500). */
    fetchMarginPercent?: number;
    /** Show the ad once the slot is this close (default 200). */
    renderMarginPercent?: number;
  }

  /** Key-values: GAM's rules (keys 1–20 of `A-Za-z0-9_-`, values 1–40 characters, up to 10 each). */
  type Targeting = Record<string, string | string[]>;

  type ConsentPlatform = 'tcf' | 'gpp' | 'usp';

  /** `window.adtag.config`, set before the tag runs; it wins over the script's attributes. */
  interface Config {
    /** Publisher id, digits. */
    publisher?: string | number;
    /** Base URL of the ad server and collector; default: the origin of the script's `src`. */
    endpoint?: string;
    /** This page is child-directed. */
    childDirected?: boolean | 'true' | 'false';
    /** Name of the opt-out cookie (default `adtag_optout`). */
    optOutCookie?: string;
    /** Log each step and decision to the console. */
    debug?: boolean | 'true' | 'false';
    /** The network's IAB TCF vendor id. */
    tcfVendorId?: number | string;
    /** Request (and show) each ad only as its slot comes near the screen. */
    lazyLoad?: boolean | LazyLoadMargins;
    /** Key-values sent with every ad request of the page (a slot's own win for that slot). */
    targeting?: Targeting;
    /** Consent platforms to wait for even when they load after the tag: `"tcf,gpp"` or a list. */
    consentPlatforms?: string | ConsentPlatform[];
    /** `auto` (collapse an empty slot only while out of view below) or `never`. */
    collapseEmptySlots?: 'auto' | 'never' | 'now';
  }

  type AuditAction =
    | 'cookie-read'
    | 'cookie-write'
    | 'cookie-delete'
    | 'storage-read'
    | 'storage-write'
    | 'storage-delete'
    | 'request'
    | 'beacon';

  /** One thing the tag did (SPEC §10). */
  interface AuditEntry {
    /** When, in ms since the epoch. */
    ts: number;
    action: AuditAction;
    /** The cookie name, the storage key or the full URL. */
    target: string;
    /** Why it was allowed, in words. */
    rule: string;
  }

  type Answer = 'absent' | 'pending' | 'timed-out' | 'ready';

  /** What each signal answered (for the publisher console). */
  interface Signals {
    optOutCookie: boolean;
    childFlag: boolean;
    childMeta: boolean;
    siteList: 'listed' | 'not-listed' | 'failed' | 'timed-out' | 'pending';
    gpc: boolean;
    tcf: Answer;
    gpp: Answer;
    usp: Answer;
  }

  /** One slot, as the tag holds it (for the publisher console). */
  interface SlotState {
    slot: string;
    state: 'found' | 'waiting' | 'requested' | 'held' | 'rendered' | 'collapsed' | 'destroyed';
    size: [number, number] | null;
    ad: string | null;
    reason: string | null;
  }

  /** What the page sets up before the tag loads. */
  interface Queue {
    cmd: Command[];
    config?: Config;
  }

  /** `window.adtag` once the tag has loaded. */
  interface Adtag extends Queue {
    /** Sets the opt-out cookie, deletes the tag's cookies, stops collection on this page. */
    optOut(): void;
    /** Removes the opt-out cookie; collection resumes if everything else allows it. */
    optIn(): void;
    /** The current decision (the closed one until the tag has decided). */
    decision(): Decision;
    /** Calls `callback` with each `name` event; false when `callback` is not a function. */
    on<K extends EventName>(name: K, callback: (event: EventMap[K]) => void): boolean;
    /** New ads for the named slots (every slot when omitted), without layout shift. */
    refresh(names?: string[]): void;
    /** Removes the named slots' ads (every slot when omitted); the slots are forgotten. */
    destroySlots(names?: string[]): void;
    /** Everything the tag did with cookies, storage and the network, oldest first (last 500). */
    audit(): AuditEntry[];
    /** What each signal answered (null while the tag is busy or not started). */
    signals(): Signals | null;
    /** Each slot's state. */
    slots(): SlotState[];
    /** Opens the publisher console overlay (loaded only when asked for). */
    openConsole(): void;
    /** The tag's version, e.g. `"0.1.0"`. */
    readonly version: string;
  }
}

interface Window {
  /** The loaded tag; before it loads, the page may set a `{cmd: [], config}` stub. */
  get adtag(): adtag.Adtag;
  set adtag(value: adtag.Adtag | adtag.Queue);
}

declare var adtag: adtag.Adtag;
