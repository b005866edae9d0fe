// A minimal consent platform, inlined into the benchmark page for both sides (bench/run.mjs).
// A privacy-aware publisher page has one; without it Prebid's TCF module rejects at once
// ("TCF2 CMP not found") and cancels the auction, so there would be nothing to compare.
// It answers at once, like a CMP that has already loaded and remembered the visitor's
// choice: IAB TCF v2.2 "GDPR does not apply" (eventStatus tcloaded), and US Privacy "1YNN"
// (notice given, not opted out of sale).
(function () {
  var tcData = {
    tcString: '', tcfPolicyVersion: 5, cmpId: 0, cmpVersion: 1, gdprApplies: false,
    eventStatus: 'tcloaded', cmpStatus: 'loaded', isServiceSpecific: true,
    useNonStandardTexts: false, publisherCC: 'US', purposeOneTreatment: false,
    purpose: { consents: {}, legitimateInterests: {} },
    vendor: { consents: {}, legitimateInterests: {} },
    specialFeatureOptins: {},
    publisher: { consents: {}, legitimateInterests: {}, customPurpose: { consents: {}, legitimateInterests: {} }, restrictions: {} },
  };
  var nextId = 1;
  window.__tcfapi = function (command, version, callback, parameter) {
    if (typeof callback !== 'function') return;
    if (command === 'ping') {
      callback({ gdprApplies: false, cmpLoaded: true, cmpStatus: 'loaded', displayStatus: 'hidden', apiVersion: '2.2', cmpVersion: 1, cmpId: 0, gvlVersion: 1, tcfPolicyVersion: 5 }, true);
    } else if (command === 'addEventListener') {
      var d = {}; for (var k in tcData) d[k] = tcData[k];
      d.listenerId = nextId++;
      callback(d, true);
    } else if (command === 'getTCData') {
      callback(tcData, true);
    } else if (command === 'removeEventListener') {
      callback(true);
    } else {
      callback(null, false);
    }
  };
  window.__uspapi = function (command, version, callback) {
    if (typeof callback !== 'function') return;
    if (command === 'getUSPData' && version === 1) callback({ version: 1, uspString: '1YNN' }, true);
    else callback(null, false);
  };
})();
