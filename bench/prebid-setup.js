// The Prebid.js side's page setup, inlined into the benchmark page before the bundle's
// <script async>, as Prebid's "no ad server" example does (integrationExamples/noadserver):
// three banner ad units (the page's three slots), the consent modules pointed at the page's
// CMP (IAB TCF and US Privacy, short timeouts), one auction, and each winning bid rendered
// with pbjs.renderAd into a friendly iframe in its slot (Prebid's display renderer then puts
// the creative into an <iframe srcdoc> inside it).
window.pbjs = window.pbjs || { que: [] };
(function () {
  var slots = [
    { code: 'top', size: [728, 90] },
    { code: 'inline', size: [300, 250] },
    { code: 'side', size: [300, 250] },
  ];
  pbjs.que.push(function () {
    pbjs.setConfig({
      consentManagement: {
        gdpr: { cmpApi: 'iab', timeout: 200, defaultGdprScope: false },
        usp: { cmpApi: 'iab', timeout: 100 },
      },
    });
    pbjs.addAdUnits(slots.map(function (s) {
      return {
        code: s.code,
        mediaTypes: { banner: { sizes: [s.size] } },
        bids: [{ bidder: 'adtag', params: { publisher: '12345', slot: s.code } }],
      };
    }));
    pbjs.requestBids({
      timeout: 2000,
      bidsBackHandler: function () {
        var winners = pbjs.getHighestCpmBids();
        for (var i = 0; i < winners.length; i++) {
          var bid = winners[i];
          var div = document.getElementById(bid.adUnitCode);
          if (!div || !bid.adId) continue;
          var iframe = document.createElement('iframe');
          iframe.frameBorder = '0';
          iframe.scrolling = 'no';
          iframe.width = String(bid.width);
          iframe.height = String(bid.height);
          iframe.style.border = '0';
          iframe.style.display = 'block';
          div.appendChild(iframe);
          pbjs.renderAd(iframe.contentWindow.document, bid.adId);
        }
      },
    });
  });
})();
