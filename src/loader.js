/*! adtag loader: a classic script, as publishers paste it. It finds its own <script>, starts
 * the child-directed site list request and the wasm's streaming compile at once (in parallel
 * with the JS glue), hands the script element and the list request to the wasm module, keeps
 * window.adtag.cmd working before and after load, and never throws into the page. Everything
 * else (config, the privacy decision, ads, beacons) is in Rust.
 * ADTAG_GLUE and ADTAG_WASM are the content-hashed file names, filled in by scripts/build.sh:
 * the loader is the only short-lived file, and a glue and a wasm from two deployments never
 * meet. */
(function () {
  var w = window;
  var c = w.console;
  var tag = w.adtag = w.adtag || {};
  var queue = tag.cmd = tag.cmd || [];
  // One tag per page: a second copy (even from another URL, which would be a second wasm
  // instance counting everything twice) stands down at once.
  if (tag._loader) return;
  tag._loader = 1;

  function fail(what, e) {
    try { c.error('adtag: ' + what + ': ' + (e && e.message || e)); } catch (_) { /* no console */ }
  }
  // Resolves in a later task (scheduler.yield() where the browser has it, else a timer): the
  // wasm request, the glue, the start and the slots each in a task of their own (together a
  // long task on a slow phone). A hidden page, whose timers run once a second, and a page
  // whose setTimeout throws get a microtask instead: nobody waits for a paint there, and the
  // tag still starts (as src/web/dom.js later does).
  function tick() {
    return new Promise(function (r) {
      try { scheduler.yield().then(r, r); } catch (_) {
        try { if (document.hidden) throw 0; setTimeout(r); } catch (_) { r(); }
      }
    });
  }
  // The page's API: each call guarded, so that a bug in the tag never reaches the page.
  function guard(f) {
    return function (a, b) { try { return f(a, b); } catch (e) { fail('internal error', e); } };
  }
  function run(fn) {
    try { if (typeof fn === 'function') fn(); } catch (e) { fail('a function in adtag.cmd threw', e); }
  }

  try {
    var me = document.currentScript;
    if (!me || !/adtag\.js/.test(me.src || '')) {
      var all = document.querySelectorAll('script[src*="adtag.js"]');
      me = all[all.length - 1];
    }
    if (!me || !me.src) throw new Error('cannot find its own <script src=".../adtag.js"> element');
    var pkg = new URL('pkg/', me.src);
    // The site list first (a few bytes): it carries nothing about the visitor (SPEC §2 allows it
    // before the config is validated), so it overlaps the wasm instead of following it. Same
    // endpoint rule as the config (adtag.config.endpoint < data-endpoint < the script's origin);
    // the wasm uses this answer only if it would have asked exactly this URL.
    var list;
    try {
      var cfg = tag.config;
      var raw = cfg && typeof cfg == 'object' && typeof cfg.endpoint == 'string' ? cfg.endpoint : me.getAttribute('data-endpoint');
      var ep = raw != null ? new URL(raw.trim()) : new URL(me.src);
      if (/^https?:$/.test(ep.protocol)) {
        var url = ep.origin + (raw != null ? ep.pathname.replace(/\/+$/, '') : '') +
          '/v1/child-directed-sites?host=' + encodeURIComponent(location.hostname);
        var ac = new AbortController();
        list = [url, fetch(url, { credentials: 'omit', signal: ac.signal, priority: 'low' }), ac];
        list[1].catch(function () { /* the wasm reports it */ });
      }
    } catch (_) { /* no early list: the wasm asks itself */ }
    // The wasm compiles while it streams in, whether or not the glue has arrived (a server
    // sending the wrong MIME type gets the glue's own fallback). The list and the wasm ask for
    // low priority (a fetch() is high by default): they never go before the page's own images
    // and scripts, its LCP image above all. Each request costs the main thread a few
    // milliseconds (tens on a slow phone): the list goes out in the loader's own task, the
    // wasm in the next, the glue in the one after.
    var wasmUrl = new URL(ADTAG_WASM, pkg);
    var get = function () { return fetch(wasmUrl, { credentials: 'omit', priority: 'low' }); };
    var wasm;
    tick()
      .then(function () {
        wasm = WebAssembly.compileStreaming ? WebAssembly.compileStreaming(get()).catch(get) : get();
        // Handled here too: when the glue fails as well, nothing else would take its failure
        // (the page would see an unhandled rejection).
        wasm.catch(function () { /* reported through the glue, or "could not load" */ });
      })
      .then(tick)
      .then(function () { return import(new URL(ADTAG_GLUE, pkg).href); })
      .then(function (m) {
        return m.default({ module_or_path: wasm }).then(tick).then(function () { return m; });
      })
      .then(function (m) {
        tag.optOut = guard(m.opt_out);
        tag.optIn = guard(m.opt_in);
        tag.decision = guard(m.decision);
        tag.on = guard(m.on);
        tag.refresh = guard(m.refresh);
        tag.destroySlots = guard(m.destroy_slots);
        tag.audit = guard(m.audit);
        tag.signals = guard(m.signals);
        tag.slots = guard(m.slots);
        tag.version = m.version();
        // A bad config is already reported: the tag does nothing. Else the slots, in a task of
        // their own (see claim in src/web/tag.rs), then the functions queued before the tag
        // was ready, which find them.
        if (m.start(me, list) === 0) return tick().then(function () { m.claim(); ready(); });
      })
      .catch(function (e) { fail('could not load', e); });
    // Functions queued before the tag was ready run now, in order; later pushes run at once.
    function ready() {
      queue.push = function () {
        for (var i = 0; i < arguments.length; i++) run(arguments[i]);
        return queue.length;
      };
      queue.splice(0).forEach(run);
      // The publisher console (www/console.js): fetched only when asked for, never on a normal view.
      var consoleAsked = 0;
      tag.openConsole = guard(function () {
        if (consoleAsked++) return;
        var s = document.createElement('script');
        s.src = new URL('console.js', me.src).href;
        s.nonce = me.nonce || ''; // a strict CSP's nonce, as on the tag's own script
        (document.head || document.documentElement).appendChild(s);
      });
      var debug = me.getAttribute('data-debug');
      if (/[?&]adtag_debug=1(&|$)/.test(location.search) || /^\s*(1|true)?\s*$/i.test(debug)) tag.openConsole();
    }
  } catch (e) {
    fail('could not start', e);
  }
})();
