// Checks of the pages that need no server binary: the audience page's weight,
// the dictionary, CSP hygiene, and that every page loads under the CSP with
// no script error (served by a stand-in static server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WEB, CHROMIUM, launchBrowser, watch } from './helpers.mjs';
import { startStatic } from './static-server.mjs';
import { LABELS } from '../../web/assets/vocabulary.js';

const read = (f) => fs.readFileSync(path.join(WEB, f), 'utf8');
const HTML = fs.readdirSync(WEB).filter((f) => f.endsWith('.html'));
const JS = fs.readdirSync(path.join(WEB, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);

// The files a page loads: its HTML, stylesheets, images named in it, and the
// module graph of its scripts.
function pageFiles(html) {
  const files = new Set([html]);
  const src = read(html);
  for (const m of src.matchAll(/(?:href|src)="\/(assets\/[^"]+)"/g)) files.add(m[1]);
  const queue = [...files].filter((f) => f.endsWith('.js'));
  while (queue.length) {
    const f = queue.pop();
    for (const m of read(f).matchAll(/(?:import|from)\s*['"]\.\/([^'"]+)['"]/g)) {
      const dep = `assets/${m[1]}`;
      if (!files.has(dep)) { files.add(dep); queue.push(dep); }
    }
  }
  return [...files];
}

test('the audience page weighs under 100 KB uncompressed, shared modules included', () => {
  const files = pageFiles('audience.html');
  const size = files.reduce((n, f) => n + fs.statSync(path.join(WEB, f)).size, 0);
  assert.ok(files.includes('assets/i18n.js') && files.includes('assets/style.css'), files.join(' '));
  assert.ok(size < 100 * 1024, `${size} bytes in ${files.join(', ')}`);
  console.log(`audience page: ${size} bytes in ${files.length} files`);
});

test('the dictionary has every key in both languages', async () => {
  // i18n.js reads location.search when imported: import it with that stubbed (and
  // its import of the vocabulary made absolute: a data: URL has no folder).
  const vocabulary = pathToFileURL(path.join(WEB, 'assets/vocabulary.js')).href;
  const src = read('assets/i18n.js').replace(/location\.search/g, "''").replace("'./vocabulary.js'", `'${vocabulary}'`);
  const { dictionaries: dict } = await import(`data:text/javascript,${encodeURIComponent(src)}`);
  // The desks' words (i18n-desk.js) and the year pages' (i18n-year.js) add to it: the
  // same without their import and call. No key is in two of the dictionaries.
  const zhAll = { ...dict.zh };
  for (const f of ['i18n-desk.js', 'i18n-year.js']) {
    const src2 = read(`assets/${f}`).replace(/^import .*$/m, '').replace(/^addWords\(.*$/m, '');
    const more = await import(`data:text/javascript,${encodeURIComponent(src2)}`);
    assert.deepEqual(Object.keys(more.en).sort(), Object.keys(more.zh).sort(), `same ${f} keys in zh and en`);
    const twice = Object.keys(more.zh).filter((k) => k in zhAll);
    assert.deepEqual(twice, [], `no key of ${f} in another dictionary`);
    Object.assign(zhAll, more.zh);
  }
  assert.deepEqual(Object.keys(dict.en).sort(), Object.keys(dict.zh).sort(), 'same keys in zh and en');
  const used = new Set();
  for (const f of HTML) for (const m of read(f).matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) used.add(m[1]);
  for (const f of JS) for (const m of read(f).matchAll(/\bt\('([a-zA-Z0-9.]+)'/g)) used.add(m[1]);
  const missingKeys = [...used].filter((k) => !(k in zhAll));
  assert.deepEqual(missingKeys, []);
  // A key the audience's phone needs must be in i18n.js itself (it does not load the desks').
  const phone = pageFiles('audience.html').filter((f) => f.endsWith('.js') || f.endsWith('.html'));
  assert.ok(!phone.includes('assets/i18n-desk.js') && !phone.includes('assets/i18n-year.js'), 'the audience page does not load the desk or year words');
  const phoneKeys = new Set();
  for (const f of phone) {
    for (const m of read(f).matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) phoneKeys.add(m[1]);
    for (const m of read(f).matchAll(/\bt\('([a-zA-Z0-9.]+)'/g)) phoneKeys.add(m[1]);
  }
  assert.deepEqual([...phoneKeys].filter((k) => !(k in dict.zh)), [], 'keys the phone uses but i18n.js lacks');
});

test('every data-label in the pages names a word of the vocabulary', () => {
  const refs = HTML.flatMap((f) => [...read(f).matchAll(/data-label="([^"]+)"/g)].map((m) => m[1]));
  assert.ok(refs.length > 0);
  const unknown = refs.filter((r) => {
    const [table, value] = r.split('.');
    return !(LABELS[table] && Object.hasOwn(LABELS[table], value));
  });
  assert.deepEqual(unknown, []);
});

test('no inline scripts, handlers or styles; no HTML sinks in scripts', () => {
  for (const f of HTML) {
    const src = read(f);
    assert.doesNotMatch(src, /<script(?![^>]*\bsrc=)[^>]*>/i, `${f}: inline script`);
    assert.doesNotMatch(src, /\son[a-z]+\s*=/i, `${f}: inline handler`);
    assert.doesNotMatch(src, /\sstyle\s*=/i, `${f}: inline style`);
    assert.doesNotMatch(src, /<style/i, `${f}: style element`);
    assert.doesNotMatch(src, /https?:\/\/(?!…)/i, `${f}: external URL`);
  }
  for (const f of JS) {
    const src = read(f);
    assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/, `${f}: HTML sink`);
    assert.doesNotMatch(src, /[?&]token=/, `${f}: token in a query string`);
  }
});

test('every page loads under the CSP without a script error', { skip: fs.existsSync(CHROMIUM) ? false : 'no chromium' }, async () => {
  const server = await startStatic(0);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchBrowser();
  try {
    const urls = ['/', '/s/x', '/s/x?lang=en', '/host/x#token=t', '/p/x#token=t', '/clerk/x#token=t', '/overlay/x', '/admin',
      '/plan', '/plan?lang=en', '/follow', '/stats', '/topics', '/topics?lang=en', '/people/x', '/people/x?lang=en'];
    for (const u of urls) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = watch(page, u);
      await page.goto(base + u);
      await page.waitForLoadState('load');
      await page.waitForTimeout(300);
      // The stand-in has no WebSocket and no API: only those may fail.
      const real = problems.filter((p) => !/\/ws\b|\/api\/|HTTP 404|status of 404/.test(p));
      assert.deepEqual(real, [], u);
      const untranslated = await page.$$eval('[data-i18n], [data-label]',
        (els) => els.filter((e) => !e.textContent.trim()).map((e) => e.dataset.i18n || e.dataset.label));
      assert.deepEqual(untranslated, [], `${u}: empty labels`);
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
});
