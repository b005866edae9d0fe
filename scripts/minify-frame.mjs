// The ad frame document as served: src/frame.html without its comments, its script and style
// minified by esbuild, written to www/adtag-frame.html (git-ignored, like the loader). Every
// slot with an ad fetches it (credentialless frames share no cache), on the way to the ad.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const [src = 'src/frame.html', out = 'www/adtag-frame.html'] = process.argv.slice(2);

const min = (code, loader) => esbuild.transformSync(code, { loader, minify: true, legalComments: 'none' }).code.trim();
// Markup between tags loses its comments and blank space; a script or style is minified as
// code, never touched as markup.
const html = fs.readFileSync(src, 'utf8')
  .split(/(<script>[\s\S]*?<\/script>|<style>[\s\S]*?<\/style>)/)
  .map((part, i) => {
    if (i % 2 == 0) return part.replace(/<!--[\s\S]*?-->/g, '').replace(/>\s+</g, '><').trim();
    const [, tag, body] = /^<(script|style)>([\s\S]*)<\/\1>$/.exec(part);
    return `<${tag}>${min(body, tag == 'script' ? 'js' : 'css')}</${tag}>`;
  })
  .join('') + '\n';
if (!/<script>[\s\S]*\S[\s\S]*<\/script>/.test(html)) throw new Error('minify-frame: no script left in ' + out);
fs.writeFileSync(out, html);
