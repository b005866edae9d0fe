// The consent demo's CMP (www/consent.html): IAB Tech Lab's own CMP API
// (@iabtechlabtcf/cmpapi), with TC strings encoded by @iabtechlabtcf/core against a small
// vendor list built in (no network). An ES module with bare imports: scripts/build.sh bundles
// it with esbuild into www/vendor/consent-demo.js (git-ignored), which the page loads before
// the tag, as a publisher loads its CMP stub first.
import { CmpApi } from '@iabtechlabtcf/cmpapi';
import { TCModel, TCString, GVL } from '@iabtechlabtcf/core';

/** The demo network's IAB vendor id (consent.html: data-tcf-vendor-id). */
const VENDOR = 42;
/** Where the demo keeps the visitor's choice (a real CMP uses its own cookie). */
const STORE = 'demo-tcf-string';

const PURPOSE_NAMES = {
  1: 'Store and/or access information on a device',
  2: 'Use limited data to select advertising',
  3: 'Create profiles for personalised advertising',
  4: 'Use profiles to select personalised advertising',
  7: 'Measure advertising performance',
};
const purposes = {};
for (let id = 1; id <= 11; id++) {
  purposes[id] = { id, name: PURPOSE_NAMES[id] || `Purpose ${id}`, description: '', illustrations: [] };
}
const gvl = new GVL({
  gvlSpecificationVersion: 3,
  vendorListVersion: 1,
  tcfPolicyVersion: 5,
  lastUpdated: '2026-01-01T00:00:00Z',
  purposes,
  specialPurposes: {},
  features: {},
  specialFeatures: {},
  stacks: {},
  dataCategories: {},
  vendors: {
    [VENDOR]: {
      id: VENDOR,
      name: 'Demo ad network',
      purposes: [1, 2, 3, 4, 7],
      legIntPurposes: [],
      flexiblePurposes: [2, 7],
      specialPurposes: [],
      features: [],
      specialFeatures: [],
      cookieMaxAgeSeconds: 31536000,
      usesCookies: true,
      cookieRefresh: false,
      usesNonCookieAccess: false,
    },
  },
});

function encode(accept) {
  const model = new TCModel(gvl);
  model.cmpId = 10;
  model.cmpVersion = 1;
  if (accept) {
    model.purposeConsents.set([1, 2, 3, 4, 7]);
    model.vendorConsents.set(VENDOR);
  }
  return TCString.encode(model);
}

/** The saved choice, `{accepted, tc}`, or null. */
function load() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(STORE));
    return saved && typeof saved.tc === 'string' ? saved : null;
  } catch (e) {
    return null;
  }
}

function save(choice) {
  try {
    if (choice) window.localStorage.setItem(STORE, JSON.stringify(choice));
    else window.localStorage.removeItem(STORE);
  } catch (e) {
    /* storage blocked: the choice lasts for this page only */
  }
}

// The CMP API exists from here on (window.__tcfapi), before the tag starts.
const cmp = new CmpApi(10, 1);
const saved = load();
/** 'banner', 'accepted', 'rejected' or 'withdrawn'. */
let state = saved ? (saved.accepted ? 'accepted' : 'rejected') : 'banner';
let current = saved ? saved.tc : '';
if (saved) cmp.update(current, false); // tcloaded: a returning visitor's choice
else cmp.update('', true); // cmpuishown: the banner asks

function choose(accept) {
  current = encode(accept);
  save({ accepted: accept, tc: current });
  state = accept ? 'accepted' : 'rejected';
  cmp.update(current, false); // useractioncomplete
  render();
}

function withdraw() {
  current = encode(false);
  save(null);
  state = 'withdrawn';
  cmp.update(current, false); // useractioncomplete, nothing consented
  render();
}

const STATUS = {
  banner: 'The consent banner is showing: nothing is allowed until you choose.',
  accepted: 'You accepted: purposes 1, 2, 3, 4 and 7 for the demo ad network (vendor 42).',
  rejected: 'You rejected everything.',
  withdrawn: 'You withdrew your consent.',
};

function render() {
  const box = document.getElementById('cmp-state');
  if (!box) return;
  box.setAttribute('data-state', state);
  box.querySelector('[data-role="status"]').textContent = STATUS[state];
  box.querySelector('[data-role="tc"]').textContent = current || '(none yet)';
  document.getElementById('withdraw').disabled = state !== 'accepted';
}

function wire() {
  document.getElementById('accept').addEventListener('click', () => choose(true));
  document.getElementById('reject').addEventListener('click', () => choose(false));
  document.getElementById('withdraw').addEventListener('click', withdraw);
  render();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire);
else wire();
