// A minimal Prebid.js bidder adapter for the adtag demo ad server, written for the benchmark.
// It asks the same endpoint the adtag does (SPEC §3):
//   GET {endpoint}/v1/ad?pub=&slot=&size=WxH&url=&npa=0|1&coppa=0|1   → JSON ad, or 204
// and turns the JSON into a banner bid (cpm 1, ad = the creative's HTML), which Prebid then
// renders into an iframe. No user id is ever sent (the adapter has none), no user syncs.
//
// Ad unit params: {publisher: '12345', slot: 'top', endpoint: 'https://ads.example.com'}
// (endpoint defaults to the page's origin).
//
// This imports Prebid's internal bidderFactory by path, as Prebid's own adapters do: the
// package's "exports" map only exposes prebid.public.js and modules/*, and esbuild resolves
// both to the same module instance (dist/src/src/adapters/bidderFactory.js).
import { registerBidder } from '../node_modules/prebid.js/dist/src/src/adapters/bidderFactory.js';

const CODE = 'adtag';

// npa=1 (non-personalised) unless the consent platforms on the page say otherwise: TCF
// answering "GDPR does not apply", and US Privacy not opted out of sale. (The demo server only
// echoes the flag in the creative; the point is that the request carries it like adtag's does.)
function npaFlag(bidderRequest) {
  const gdpr = bidderRequest && bidderRequest.gdprConsent;
  const usp = bidderRequest && bidderRequest.uspConsent;
  const gdprOk = !!gdpr && gdpr.gdprApplies === false;
  const uspOk = typeof usp !== 'string' || usp.charAt(2) !== 'Y';
  return gdprOk && uspOk ? 0 : 1;
}

export const spec = {
  code: CODE,
  supportedMediaTypes: ['banner'],

  isBidRequestValid(bid) {
    const p = bid && bid.params;
    return !!p && /^\d{1,18}$/.test(String(p.publisher || '')) && typeof p.slot === 'string' && p.slot !== '';
  },

  buildRequests(validBidRequests, bidderRequest) {
    const npa = npaFlag(bidderRequest);
    const page = (bidderRequest && bidderRequest.refererInfo && bidderRequest.refererInfo.page) || location.href;
    return validBidRequests.map((bid) => {
      const sizes = (bid.mediaTypes && bid.mediaTypes.banner && bid.mediaTypes.banner.sizes) || bid.sizes || [];
      const size = sizes[0] || [0, 0];
      const endpoint = (bid.params.endpoint || location.origin).replace(/\/+$/, '');
      return {
        method: 'GET',
        url: endpoint + '/v1/ad',
        data: {
          pub: String(bid.params.publisher),
          slot: bid.params.slot,
          size: size[0] + 'x' + size[1],
          url: page,
          npa: npa,
          coppa: 0,
        },
        options: { withCredentials: false },
        bidId: bid.bidId,
      };
    });
  },

  interpretResponse(serverResponse, request) {
    const ad = serverResponse && serverResponse.body;
    if (!ad || typeof ad !== 'object' || typeof ad.html !== 'string') return []; // 204 / garbage
    return [
      {
        requestId: request.bidId,
        cpm: 1,
        currency: 'USD',
        width: ad.width,
        height: ad.height,
        ad: ad.html,
        ttl: 300,
        creativeId: String(ad.id || ''),
        netRevenue: true,
        mediaType: 'banner',
        meta: { advertiserDomains: [] },
      },
    ];
  },

  getUserSyncs() {
    return [];
  },
};

registerBidder(spec);
