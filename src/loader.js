/*! adtag loader: a classic script, as publishers paste it. It finds its own <script>, starts
 * downloading the wasm at once (in parallel with the JS glue), hands the script element to
 * the wasm module, keeps window.adtag.cmd working before and after load, and never throws
 * into the page. Everything else (config, the privacy decision, ads, beacons) is in Rust. */
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
    // Start the wasm download now, so that it overlaps the glue's download; the glue then
    // compiles it while it streams in (instantiateStreaming).
    var wasm = fetch(new URL('adtag_bg.wasm', pkg), { credentials: 'omit' });
    import(new URL('adtag.js', pkg).href)
      .then(function (m) {
        return m.default({ module_or_path: wasm }).then(function () { return m; });
      })
      .then(function (m) {
        // The page's API: each call guarded, so that a bug in the tag never reaches the page.
        function guard(f) {
          return function (a, b) { try { return f(a, b); } catch (e) { fail('internal error', e); } };
        }
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
        if (m.start(me) !== 0) return; // bad config: already reported, the tag does nothing
        // Functions queued before the tag was ready run now, in order; later pushes run at once.
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
      })
      .catch(function (e) { fail('could not load', e); });
  } catch (e) {
    fail('could not start', e);
  }
})();
