// A hand-written JavaScript tag doing adtag's job, for the benchmark's third column: what the
// same work costs with no wasm and no framework. Same snippet attribute, same endpoints, same
// decision inputs: opt-out cookie, GPC, the child-directed list (asked per host), TCF and US
// Privacy through the page's CMP; then one /v1/ad request per slot, each ad in a sandboxed
// <iframe srcdoc>, and a page_view/ad_impression batch when collection is allowed.
// It pays four round trips (page, tag, list, ad). bench/run.mjs minifies it with esbuild.
// Not a product: no viewability, no live consent, no retries.
(function () {
  var me = document.currentScript;
  if (!me || window.__hwtag) return;
  window.__hwtag = 1;
  var pub = me.getAttribute('data-publisher') || '';
  var base = me.getAttribute('data-endpoint') || new URL(me.src).origin;
  var host = location.hostname;
  var optOut = /(?:^|;\s*)adtag_optout=1(?:;|$)/.test(document.cookie);
  var gpc = navigator.globalPrivacyControl === true;
  // An async script in <head> may run before the body is parsed: the slots are looked for
  // once it is (adtag watches for them instead).
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', go);
  else go();
  function go() {
    var slots = [].slice.call(document.querySelectorAll('[data-adtag-slot]')).map(function (el) {
      var m = /^(\d{1,4})x(\d{1,4})$/.exec(el.getAttribute('data-adtag-size') || '');
      if (!m) return null;
      el.style.width = m[1] + 'px';
      el.style.height = m[2] + 'px';
      el.style.display = 'block';
      return { el: el, name: el.getAttribute('data-adtag-slot'), w: +m[1], h: +m[2] };
    }).filter(Boolean);

    function timeout(p, ms, v) {
      return Promise.race([p, new Promise(function (r) { setTimeout(function () { r(v); }, ms); })]);
    }
    var list = timeout(fetch(base + '/v1/child-directed-sites?host=' + host, { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (a) {
        if (!Array.isArray(a)) return true;
        return a.some(function (d) { return typeof d == 'string' && (host === d || host.slice(-d.length - 1) === '.' + d); });
      }, function () { return true; }), 1500, true);
    var tcf = new Promise(function (r) {
      if (typeof __tcfapi != 'function') return r(true);
      __tcfapi('addEventListener', 2, function (d, ok) {
        if (ok && d && (d.eventStatus === 'tcloaded' || d.eventStatus === 'useractioncomplete')) r(d.gdprApplies === false);
      });
    });
    var usp = new Promise(function (r) {
      if (typeof __uspapi != 'function') return r(true);
      __uspapi('getUSPData', 1, function (d, ok) { r(!!ok && !!d && d.uspString.charAt(2) !== 'Y'); });
    });

    Promise.all([list, timeout(tcf, 500, false), timeout(usp, 500, false)]).then(function (s) {
      var child = s[0] || me.hasAttribute('data-child-directed');
      var collect = !optOut && !gpc && !child && s[1] && s[2];
      var uid = '';
      if (collect) {
        var c = new RegExp('(?:^|;\\s*)v' + pub + '=([0-9a-f]{32})').exec(document.cookie);
        uid = c ? c[1] : [].map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) { return (b + 256).toString(16).slice(1); }).join('');
        document.cookie = 'v' + pub + '=' + uid + ';path=/;max-age=31536000;SameSite=Lax';
      }
      var events = [];
      function ev(type, extra) {
        if (!collect) return;
        var e = { id: uid + events.length + Date.now(), type: type, ts: Date.now(), pub: pub, uid: uid, sid: '', page: location.href };
        for (var k in extra) e[k] = extra[k];
        events.push(e);
      }
      ev('page_view', { visits: 1 }); // the collector asks every page_view for its visit count
      var page = location.origin + location.pathname;
      return Promise.all(slots.map(function (s) {
        var q = '?pub=' + pub + '&slot=' + encodeURIComponent(s.name) + '&size=' + s.w + 'x' + s.h +
          '&url=' + encodeURIComponent(page) + '&npa=' + (collect ? 0 : 1) + '&coppa=' + (child ? 1 : 0) + (collect ? '&uid=' + uid : '');
        return timeout(fetch(base + '/v1/ad' + q, { credentials: 'omit' }).then(function (r) {
          return r.status === 200 ? r.json() : null;
        }), 3000, null).then(function (ad) {
          if (!ad || ad.width !== s.w || ad.height !== s.h || typeof ad.html != 'string') {
            s.el.style.display = 'none';
            return;
          }
          var f = document.createElement('iframe');
          f.setAttribute('sandbox', 'allow-scripts allow-popups allow-popups-to-escape-sandbox');
          f.width = s.w;
          f.height = s.h;
          f.style.border = '0';
          f.srcdoc = ad.html;
          s.el.replaceChildren(f);
          ev('ad_impression', { slot: s.name, ad: String(ad.id) });
        }, function () { s.el.style.display = 'none'; });
      })).then(function () {
        if (events.length) fetch(base + '/v1/events', { method: 'POST', body: JSON.stringify(events), keepalive: true, credentials: 'omit' });
      });
    });
  }
})();
