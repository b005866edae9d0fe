// The ad frame document as served: src/frame.html without its comments, its script and style
// minified by esbuild, written to www/adtag-frame.html (git-ignored, like the loader). Every
// slot with an ad fetches it (credentialless frames share no cache), on the way to the ad.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const [src = 'src/frame.html', out = 'www/adtag-frame.html'] = process.argv.slice(2);

let html = fs.readFileSync(src, 'utf8').replace(/<!--[\s\S]*?-->\s*/g, '');
const min = (code, loader) => esbuild.transformSync(code, { loader, minify: true, legalComments: 'none' }).code.trim();
html = html.replace(/(<script>)([\s\S]*?)(<\/script>)/g, (_, a, code, b) => a + min(code, 'js') + b);
html = html.replace(/(<style>)([\s\S]*?)(<\/style>)/g, (_, a, css, b) => a + min(css, 'css') + b);
html = html.replace(/>\s+</g, '><').trim() + '\n';
if (!/<script>[^<]+<\/script>/.test(html)) throw new Error('minify-frame: no script left in ' + out);
fs.writeFileSync(out, html);
