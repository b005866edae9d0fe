// The Prebid.js bundle the benchmark compares adtag with: Prebid core from npm (prebid.js,
// "Usage as a npm dependency"), the consent modules a privacy-aware publisher runs (IAB TCF
// and US Privacy), and a minimal adapter for the same /v1/ad endpoint the adtag calls.
// bench/run.mjs bundles this with esbuild (minified IIFE) into bench/results/.cache/.
import pbjs from 'prebid.js';
import 'prebid.js/modules/consentManagementTcf';
import 'prebid.js/modules/consentManagementUsp';
import './adtag-bidder.js';

pbjs.processQueue();
