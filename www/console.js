/*! adtag publisher console (SPEC §11). Loaded only when asked for: `?adtag_debug=1` in the
 * page URL, `data-debug` on the tag's script, or `adtag.openConsole()`. It reads the tag's
 * public API (decision, signals, slots, audit, on) and draws an overlay: each slot outlined
 * and labelled with its state, a panel with the decision, every signal and the audit trail.
 *
 * A guest on the page: everything lives in one shadow root (styles included, as a constructed
 * stylesheet, which a strict CSP without 'unsafe-inline' allows), no globals besides
 * window.adtag, text only through textContent (slot names, URLs and ad ids come from the page
 * and the network), and every call guarded so that nothing reaches the page as an exception. */
(function () {
  'use strict';
  var w = window;
  var doc = document;
  var tag = w.adtag = w.adtag || { cmd: [] };

  function fail(what, e) {
    try { w.console.error('adtag console: ' + what + ': ' + (e && e.message || e)); } catch (_) { /* no console */ }
  }
  // The tag's API, read through one guard: a missing or throwing function answers null.
  function api(name) {
    try { return typeof tag[name] === 'function' ? tag[name]() : null; } catch (e) { return null; }
  }

  var CSS = [
    // The host takes nothing from the page: all:initial, and !important wins over the
    // page's own !important for the host (the shadow tree's important rules come last).
    ':host{all:initial!important;position:fixed!important;inset:0!important;z-index:2147483647!important;',
    'pointer-events:none!important;display:block!important}',
    ':host([hidden]){display:none!important}',
    '*{box-sizing:border-box}',
    '.layer,.panel{font:12px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#e5e7eb}',
    // Slot outlines, placed in viewport coordinates over the page.
    '.box{position:fixed;border:2px dashed #f59e0b;border-radius:2px;background:rgba(245,158,11,.08)}',
    '.box.rendered{border-style:solid;border-color:#10b981;background:none}',
    '.box.collapsed{border-color:#ef4444;background:none}',
    '.box.gone{height:0;border-width:2px 0 0}',
    '.lbl{position:absolute;left:-2px;bottom:100%;max-width:480px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;',
    'padding:1px 7px;border-radius:3px 3px 0 0;background:#f59e0b;color:#111827;font:600 11px/1.6 ui-monospace,Menlo,Consolas,monospace}',
    '.rendered .lbl{background:#10b981;color:#052e16}',
    '.collapsed .lbl{background:#ef4444;color:#fff}',
    '.gone .lbl{bottom:auto;top:0;border-radius:0 0 3px 3px}',
    // The panel: a drawer along the bottom, in three columns (decision and signals, slots, trail).
    '.panel{position:fixed;left:0;right:0;bottom:0;height:min(360px,60vh);display:flex;flex-direction:column;',
    'pointer-events:auto;background:#111827;border-top:2px solid #6366f1;box-shadow:0 -8px 24px rgba(0,0,0,.25)}',
    '.panel.min{height:auto}',
    'header{display:flex;align-items:center;gap:10px;padding:5px 10px 5px 14px;background:#1f2937}',
    'header b{font-size:13px;color:#fff}header .v{color:#9ca3af;flex:1}',
    'button{all:unset;cursor:pointer;padding:0 8px;border-radius:4px;color:#d1d5db;font:16px/24px system-ui,sans-serif}',
    'button:hover,button:focus-visible{background:#374151;color:#fff}',
    '.cols{flex:1;min-height:0;display:grid;grid-template-columns:minmax(300px,1fr) minmax(260px,1fr) minmax(340px,1.7fr)}',
    '.min .cols{display:none}',
    '.col{overflow:auto;padding:2px 14px 12px;border-left:1px solid #1f2937}',
    '@media (max-width:900px){.cols{display:block;overflow:auto}.col{overflow:visible;border:0}}',
    'h2{margin:10px 0 6px;font:700 10.5px/1.4 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.09em;color:#818cf8}',
    'table{width:100%;border-collapse:collapse}',
    'td{padding:2px 0;vertical-align:top;border-top:1px solid #1f2937}',
    'td:first-child{color:#9ca3af;width:45%;padding-right:8px;overflow-wrap:anywhere}',
    '.slots td:first-child,.touched td:first-child{width:32%}',
    '.verdict{display:flex;flex-wrap:wrap;gap:5px}',
    '.chip{padding:1px 9px;border-radius:999px;font-weight:600}',
    '.yes{color:#34d399}.no{color:#f87171}.wait{color:#fbbf24}.na{color:#9ca3af}',
    '.chip.yes{background:#064e3b;color:#a7f3d0}.chip.no{background:#7f1d1d;color:#fecaca}',
    '.reasons{margin-top:6px;color:#d1d5db}',
    'ol{list-style:none;margin:0;padding:0;font:11px/1.45 ui-monospace,Menlo,Consolas,monospace}',
    'li{padding:4px 0;border-top:1px solid #1f2937}',
    'li .t{color:#6b7280}li .a{display:inline-block;margin:0 8px;font-weight:700;color:#93c5fd}',
    'li .request,li .beacon{color:#c4b5fd}li [class*=write]{color:#fbbf24}li [class*=delete]{color:#f87171}',
    'li .g{color:#e5e7eb;overflow-wrap:anywhere}li .r{display:block;color:#9ca3af}',
    '.empty{color:#6b7280;padding:4px 0}',
  ].join('');

  var STATE = {
    found: 'found, waiting for the decision', waiting: 'waiting to come into view', requested: 'loading',
    held: 'ad ready, shown when near the view',
    rendered: 'rendered', collapsed: 'collapsed', destroyed: 'destroyed',
  };
  // Each signal's answer in words, and whether it lets the tag collect (yes), stops it (no),
  // is still awaited (wait) or has nothing to say (na).
  var CMP = {
    absent: ['no CMP on the page', 'na'], pending: ['waiting for the CMP', 'wait'],
    'timed-out': ['no answer in time: refuses', 'no'], ready: ['answered', 'yes'],
  };
  var SIGNALS = [
    ['Opt-out cookie', 'optOutCookie', function (v) { return v ? ['set: the visitor opted out', 'no'] : ['not set', 'yes']; }],
    ['Child-directed flag', 'childFlag', function (v) { return v ? ['set by the publisher', 'no'] : ['not set', 'yes']; }],
    ['Child-directed meta tag', 'childMeta', function (v) { return v ? ['on the page', 'no'] : ['none', 'yes']; }],
    ['Child-directed site list', 'siteList', function (v) {
      return {
        listed: ['this site is listed', 'no'], 'not-listed': ['not listed', 'yes'],
        failed: ['unavailable: refuses', 'no'], 'timed-out': ['no answer in time: refuses', 'no'],
        pending: ['waiting for the list', 'wait'],
      }[v];
    }],
    ['Global Privacy Control', 'gpc', function (v) { return v ? ['on: refuses', 'no'] : ['off', 'yes']; }],
    ['IAB TCF (__tcfapi)', 'tcf', function (v) { return CMP[v]; }],
    ['IAB GPP (__gppapi)', 'gpp', function (v) { return CMP[v]; }],
    ['IAB USP (__uspapi)', 'usp', function (v) { return CMP[v]; }],
  ];

  var root, host, panel, layer, parts = {};
  var lastAudit = '';
  var pending = false;

  function el(name, cls, text) {
    var e = doc.createElement(name);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function row(table, label, value, cls) {
    var tr = el('tr');
    tr.appendChild(el('td', '', label));
    tr.appendChild(el('td', cls, value));
    table.appendChild(tr);
  }
  function size(s) {
    return s && s.length === 2 ? s[0] + '×' + s[1] : '';
  }
  function slotText(s) {
    var words = [s.slot, STATE[s.state] || String(s.state)];
    if (s.state === 'rendered') words.push(size(s.size), s.ad ? 'ad ' + s.ad : '');
    if (s.reason) words.push(s.reason);
    return words.filter(Boolean).join(' · ');
  }
  // Milliseconds since the page started loading, as the network panel counts.
  function since(ts) {
    var t0 = w.performance && w.performance.timeOrigin || 0;
    var ms = Math.max(0, Math.round(ts - t0));
    return ms < 10000 ? '+' + ms + ' ms' : '+' + (ms / 1000).toFixed(1) + ' s';
  }

  function build() {
    host = el('adtag-console');
    root = host.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el('style', '', CSS)); // older engines; needs style-src 'unsafe-inline'
    }
    layer = root.appendChild(el('div', 'layer'));
    panel = root.appendChild(el('section', 'panel'));
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', 'adtag console');
    var head = panel.appendChild(el('header'));
    head.appendChild(el('b', '', 'adtag console'));
    parts.version = head.appendChild(el('span', 'v'));
    var min = head.appendChild(el('button', '', '–'));
    min.title = 'Minimise';
    min.addEventListener('click', function () { panel.classList.toggle('min'); });
    var close = head.appendChild(el('button', '', '×'));
    close.title = 'Close (adtag.openConsole() opens it again)';
    close.addEventListener('click', function () { host.hidden = true; });
    var cols = panel.appendChild(el('div', 'cols'));
    var col;
    ['decision', 'signals', 'slots', 'touched', 'audit'].forEach(function (name) {
      if (name !== 'signals' && name !== 'touched') col = cols.appendChild(el('div', 'col'));
      parts[name + 'Title'] = col.appendChild(el('h2'));
      parts[name] = col.appendChild(el('div', name));
    });
    parts.decisionTitle.textContent = 'Decision';
    parts.signalsTitle.textContent = 'Signals';
    parts.slotsTitle.textContent = 'Slots';
    parts.touchedTitle.textContent = 'What the tag touched';
    doc.documentElement.appendChild(host);
  }

  function renderDecision() {
    var d = api('decision');
    var box = parts.decision;
    box.replaceChildren();
    if (!d) return box.appendChild(el('div', 'empty', 'not decided yet'));
    var chips = box.appendChild(el('div', 'verdict'));
    [['collect', 'collect'], ['cookies', 'cookies'], ['personalized', 'personalized ads'], ['ads', 'ads']].forEach(function (k) {
      chips.appendChild(el('span', 'chip ' + (d[k[0]] ? 'yes' : 'no'), k[1] + ': ' + (d[k[0]] ? 'yes' : 'no')));
    });
    if (d.childDirected) chips.appendChild(el('span', 'chip no', 'child-directed'));
    var reasons = [].slice.call(d.reasons || []);
    box.appendChild(el('div', 'reasons', reasons.length ? 'Reasons: ' + reasons.join(', ') : 'Reasons: none, no signal refuses'));
  }

  function renderSignals() {
    var s = api('signals');
    var table = el('table');
    SIGNALS.forEach(function (sig) {
      var v = s ? s[sig[1]] : undefined;
      var said = v === undefined ? ['unknown', 'na'] : sig[2](v) || [String(v), 'na'];
      row(table, sig[0], said[0], said[1]);
    });
    parts.signals.replaceChildren(table);
  }

  function renderSlots() {
    var slots = [].slice.call(api('slots') || []);
    parts.slotsTitle.textContent = 'Slots (' + slots.length + ')';
    var table = el('table');
    slots.forEach(function (s) {
      var words = slotText(s).split(' · ').slice(1).join(' · ');
      row(table, s.slot, words, s.state === 'rendered' ? 'yes' : s.state === 'collapsed' || s.state === 'destroyed' ? 'no' : 'wait');
    });
    parts.slots.replaceChildren(slots.length ? table : el('div', 'empty', 'no slot on the page'));
    outline(slots);
  }

  // One box per slot over the page. A collapsed slot has no box of its own (display:none):
  // its line goes where it would be, under its previous visible sibling.
  function outline(slots) {
    var boxes = [];
    slots.forEach(function (s) {
      if (s.state === 'destroyed') return;
      var node = find(s.slot);
      if (!node) return;
      var r = node.getBoundingClientRect();
      var gone = !r.width && !r.height;
      if (gone) r = anchor(node);
      if (!r) return;
      var box = el('div', 'box ' + s.state + (gone ? ' gone' : ''));
      box.style.left = r.left + 'px';
      box.style.top = (gone ? r.bottom : r.top) + 'px';
      box.style.width = Math.max(r.width, 120) + 'px';
      if (!gone) box.style.height = r.height + 'px';
      box.appendChild(el('span', 'lbl', slotText(s)));
      boxes.push(box);
    });
    layer.replaceChildren.apply(layer, boxes);
  }
  function find(name) {
    var all = doc.querySelectorAll('[data-adtag-slot]');
    for (var i = 0; i < all.length; i++) if (all[i].getAttribute('data-adtag-slot') === name) return all[i];
    return null;
  }
  function anchor(node) {
    for (var p = node.previousElementSibling; p; p = p.previousElementSibling) {
      var r = p.getBoundingClientRect();
      if (r.width || r.height) return { left: r.left, bottom: r.bottom + 6, width: r.width };
    }
    var parent = node.parentElement && node.parentElement.getBoundingClientRect();
    return parent && (parent.width || parent.height) ? { left: parent.left, bottom: parent.top, width: parent.width } : null;
  }

  function renderAudit() {
    var trail = [].slice.call(api('audit') || []);
    var last = trail[trail.length - 1];
    var key = trail.length + (last ? '|' + last.ts + '|' + last.action + '|' + last.target : '');
    if (key === lastAudit) return;
    lastAudit = key;
    parts.auditTitle.textContent = 'Audit trail (' + trail.length + '), newest first';
    var list = el('ol');
    for (var i = trail.length - 1; i >= 0; i--) {
      var a = trail[i] || {};
      var li = list.appendChild(el('li'));
      li.appendChild(el('span', 't', since(a.ts)));
      li.appendChild(el('span', 'a ' + a.action, a.action));
      li.appendChild(el('span', 'g', a.target));
      li.appendChild(el('span', 'r', a.rule));
    }
    parts.audit.replaceChildren(trail.length ? list : el('div', 'empty', 'nothing yet: the tag has touched no cookie and sent nothing'));
    renderTouched(trail);
  }

  // The trail summed up: which cookies and storage keys, how many requests and beacons.
  var TOUCHED = [
    ['Cookies read', ['cookie-read']], ['Cookies written', ['cookie-write']], ['Cookies deleted', ['cookie-delete']],
    ['Storage', ['storage-read', 'storage-write', 'storage-delete']], ['Requests', ['request']], ['Beacons', ['beacon']],
  ];
  function renderTouched(trail) {
    var table = el('table');
    TOUCHED.forEach(function (t) {
      var names = [];
      var count = 0;
      trail.forEach(function (a) {
        if (!a || t[1].indexOf(a.action) < 0) return;
        count++;
        var name = String(a.target);
        if (a.action === 'request' || a.action === 'beacon') {
          try { name = new URL(name).host; } catch (_) { /* not a URL: as given */ }
        }
        if (names.indexOf(name) < 0) names.push(name);
      });
      var many = t[1][0] === 'request' || t[1][0] === 'beacon';
      row(table, t[0], !count ? 'none' : many ? count + ' to ' + names.join(', ') : names.join(', '), count ? '' : 'na');
    });
    parts.touched.replaceChildren(table);
  }

  function render() {
    pending = false;
    if (!host || host.hidden) return;
    parts.version.textContent = tag.version ? 'v' + tag.version : '';
    [renderDecision, renderSignals, renderSlots, renderAudit].forEach(function (f) {
      try { f(); } catch (e) { fail('could not draw a part', e); }
    });
  }
  // Events come in bursts (a slot requested, answered, rendered): one redraw per frame.
  function schedule() {
    if (pending) return;
    pending = true;
    try { w.requestAnimationFrame(render); } catch (_) { w.setTimeout(render, 16); }
  }
  // Scrolling moves the slots under the fixed layer: the boxes follow, once per frame.
  var placing = false;
  function place() {
    if (placing) return;
    placing = true;
    try {
      w.requestAnimationFrame(function () {
        placing = false;
        try { if (!host.hidden) outline([].slice.call(api('slots') || [])); } catch (_) { /* next redraw */ }
      });
    } catch (_) { placing = false; }
  }

  function open() {
    try {
      if (!host) {
        build();
        ['decision', 'slotRequested', 'slotResponseReceived', 'slotRenderEnded', 'impressionViewable', 'audit']
          .forEach(function (name) { try { tag.on(name, schedule); } catch (_) { /* an older tag */ } });
        w.addEventListener('scroll', place, { passive: true, capture: true });
        w.addEventListener('resize', place, { passive: true });
        // Signals and layout change without an event (a CMP answers, the page reflows).
        w.setInterval(schedule, 1000);
      }
      // A page that rebuilds its document may have taken the console out with it.
      if (!host.isConnected) doc.documentElement.appendChild(host);
      host.hidden = false;
      render();
    } catch (e) {
      fail('could not open', e);
    }
  }

  // Opened before the tag's API is there (a page loading this file itself): wait for it.
  if (typeof tag.decision === 'function') open();
  else (tag.cmd = tag.cmd || []).push(open);
  tag.openConsole = open;
})();
