// The Daily Demo app: a tiny single-page app. Each route's content (ad slots included) is
// drawn into <main id="view"> by script; links change the route with history.pushState, and
// the back button with popstate. The app never tells the tag anything: adtag notices the new
// slots and releases the removed ones itself. The side panel lists the tag's page events.
(function () {
  'use strict';
  window.adtag = window.adtag || { cmd: [] };

  var ROUTES = {
    home: {
      title: 'Today on The Daily Demo',
      text: 'The riverside park is approved, the library opens on Sundays and the under-12s are in the county final.',
      slots: [['home-top', '728x90, 320x50'], ['home-side', '300x250']],
    },
    sport: {
      title: 'Sport',
      text: 'The under-12s beat Eastfield 3–1 to reach the county final, played next Saturday at the rec ground.',
      slots: [['sport-top', '728x90, 320x50'], ['sport-side', '300x250']],
    },
    weather: {
      title: 'Weather',
      text: 'Dry and bright until Thursday, then rain from the west. Highs of 14 °C.',
      slots: [['weather-box', '300x250']],
    },
  };

  function routeOf(search) {
    var m = /[?&]route=([a-z]+)/.exec(search || '');
    return m && ROUTES[m[1]] ? m[1] : 'home';
  }

  function slot(name, size) {
    var d = document.createElement('div');
    d.setAttribute('data-adtag-slot', name);
    d.setAttribute('data-adtag-size', size);
    return d;
  }

  function draw(name) {
    var view = document.getElementById('view');
    if (!view) return;
    var r = ROUTES[name];
    var h = document.createElement('h2');
    h.textContent = r.title;
    var p = document.createElement('p');
    p.className = 'lede';
    p.textContent = r.text;
    var parts = [slot(r.slots[0][0], r.slots[0][1]), h, p];
    for (var i = 1; i < r.slots.length; i++) parts.push(slot(r.slots[i][0], r.slots[i][1]));
    // The old route's nodes (and their slots) leave the page here.
    view.replaceChildren.apply(view, parts);
    document.title = r.title + ' — The Daily Demo app';
    var links = document.querySelectorAll('[data-route]');
    for (var j = 0; j < links.length; j++) {
      if (links[j].getAttribute('data-route') === name) links[j].setAttribute('aria-current', 'page');
      else links[j].removeAttribute('aria-current');
    }
  }

  function log(name, e) {
    var list = document.querySelector('[data-role="log"]');
    if (!list) return;
    var li = document.createElement('li');
    var extra = name === 'slotVisibilityChanged' ? ' ' + e.inViewPercentage + '%' : name === 'slotRenderEnded' ? (e.isEmpty ? ' empty' : ' ' + e.size.join('×')) : '';
    li.textContent = name + ' · ' + e.slot + extra;
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 30) list.removeChild(list.lastChild);
  }

  window.adtag.cmd.push(function () {
    ['slotRequested', 'slotResponseReceived', 'slotRenderEnded', 'slotVisibilityChanged', 'impressionViewable'].forEach(function (name) {
      window.adtag.on(name, function (e) { log(name, e); });
    });
  });

  function start() {
    draw(routeOf(location.search));
    document.addEventListener('click', function (e) {
      var a = e.target instanceof Element ? e.target.closest('[data-route]') : null;
      if (a) {
        e.preventDefault();
        var name = a.getAttribute('data-route');
        history.pushState({ route: name }, '', '/spa.html?route=' + name);
        draw(name);
      }
      if (e.target instanceof Element && e.target.closest('[data-role="refresh"]')) {
        window.adtag.cmd.push(function () { window.adtag.refresh(); });
      }
    });
    window.addEventListener('popstate', function () { draw(routeOf(location.search)); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
