// The Daily Demo's live panel: each slot's outcome and the tag's privacy decision, read
// through the public tag API (adtag.cmd, adtag.on, adtag.decision). Load it before the tag
// snippet, so its listeners are queued before the tag renders anything.
(function () {
  'use strict';
  window.adtag = window.adtag || { cmd: [] };

  var outcomes = {}; // slot name → {isEmpty, size}
  var decision = null;
  var version = null;
  var loaded = false;
  var timedOut = false;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  function yesNo(v) {
    return el('span', { class: v ? 'ok' : 'no' }, v ? 'yes' : 'no');
  }

  function renderSlots(panel) {
    var body = panel.querySelector('[data-role="slots"]');
    body.textContent = '';
    var slots = document.querySelectorAll('[data-adtag-slot]');
    for (var i = 0; i < slots.length; i++) {
      var name = slots[i].getAttribute('data-adtag-slot');
      var o = outcomes[name];
      var state = !o ? 'pending' : o.isEmpty ? 'empty' : 'rendered';
      var row = el('tr', { 'data-slot': name, 'data-outcome': state });
      row.appendChild(el('td', {}, name));
      row.appendChild(el('td', { class: 'mono' }, slots[i].getAttribute('data-adtag-size')));
      var text =
        state === 'pending'
          ? timedOut ? 'tag not loaded' : 'waiting…'
          : state === 'empty'
            ? 'no ad (collapsed)'
            : 'ad rendered' + (o.size ? ' ' + o.size[0] + '×' + o.size[1] : '');
      row.appendChild(el('td', { class: state === 'rendered' ? 'ok' : state === 'empty' ? 'no' : 'wait' }, text));
      body.appendChild(row);
    }
  }

  function renderDecision(panel) {
    var box = panel.querySelector('[data-role="decision"]');
    box.textContent = '';
    if (!decision) {
      box.setAttribute('data-collect', '');
      box.appendChild(el('p', { class: 'wait' }, timedOut ? 'The tag did not load (is it built? npm run build).' : 'Waiting for the tag…'));
      return;
    }
    box.setAttribute('data-collect', String(!!decision.collect));
    var table = el('table');
    [
      ['Data collected', decision.collect],
      ['Cookies used', decision.cookies],
      ['Personalized ads', decision.personalized],
      ['Child-directed', decision.childDirected],
    ].forEach(function (r) {
      var tr = el('tr');
      tr.appendChild(el('th', {}, r[0]));
      var td = el('td');
      td.appendChild(yesNo(!!r[1]));
      tr.appendChild(td);
      table.appendChild(tr);
    });
    var tr = el('tr');
    tr.appendChild(el('th', {}, 'Because'));
    var td = el('td', { class: 'reasons', 'data-role': 'reasons' });
    var reasons = decision.reasons || [];
    if (!reasons.length) td.appendChild(el('span', {}, 'nothing prevents it'));
    reasons.forEach(function (r) {
      td.appendChild(el('code', {}, String(r)));
    });
    tr.appendChild(td);
    table.appendChild(tr);
    box.appendChild(table);
  }

  function render() {
    var panel = document.getElementById('adtag-panel');
    if (!panel) return;
    renderSlots(panel);
    renderDecision(panel);
    var v = panel.querySelector('[data-role="version"]');
    if (v) v.textContent = loaded ? 'adtag ' + version : timedOut ? 'tag not loaded' : 'loading…';
  }

  window.adtag.cmd.push(function () {
    loaded = true;
    version = window.adtag.version;
    window.adtag.on('slotRenderEnded', function (e) {
      outcomes[e.slot] = { isEmpty: !!e.isEmpty, size: e.size || null };
      render();
    });
    window.adtag.on('decision', function (d) {
      decision = d;
      render();
    });
    decision = window.adtag.decision();
    render();
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render);
  else render();
  setTimeout(function () {
    if (!loaded) {
      timedOut = true;
      render();
    }
  }, 8000);
})();
