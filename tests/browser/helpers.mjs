// Shared test machinery: the real server binary, headless Chromium, small API
// helpers and page probes. Every wait has a bounded timeout.
import { spawn } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PAGES } from '../../web/assets/vocabulary.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const WEB = path.join(ROOT, 'web');
export const SHOTS = process.env.YST_SHOTS_DIR || path.join(ROOT, 'docs', 'screenshots');
export const BIN = process.env.YST_BIN || path.join(ROOT, 'build', 'yishiting');
export const CHROMIUM = process.env.YST_CHROMIUM || '/usr/bin/chromium';

// Why the suite cannot run here, or '' when it can.
export function missing() {
  if (!fs.existsSync(BIN)) return `server binary not found at ${BIN} (set YST_BIN)`;
  if (!fs.existsSync(CHROMIUM)) return `chromium not found at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk)`;
  return '';
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(fn, { timeout = 15000, every = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

// Starts `yishiting serve` on port 0 (or a given port) with a fresh data dir.
// Returns {base, port, adminToken, dataDir, stop(), restart(), log()}.
export async function startServer({ dataDir, port = 0, adminToken, extraArgs = [] } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yst-browser-'));
  dataDir = dataDir || path.join(tmp, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  adminToken = adminToken || crypto.randomBytes(18).toString('base64url');
  const logFile = path.join(tmp, 'server.log');
  const srv = { dataDir, adminToken, port: 0, base: '', proc: null, tmp, logFile, extraArgs };

  srv.launch = async (p) => {
    const portFile = path.join(tmp, `port-${Date.now()}`);
    const args = ['serve', '--bind', '127.0.0.1', '--port', String(p), '--port-file', portFile,
      '--data', dataDir, '--web', WEB, '--admin-token', adminToken, ...extraArgs];
    const out = fs.openSync(logFile, 'a');
    const proc = spawn(BIN, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    srv.proc = proc;
    let exited = null;
    proc.on('exit', (code, sig) => { exited = { code, sig }; });
    await until(() => {
      if (exited) throw new Error(`server exited early (${JSON.stringify(exited)}):\n${srv.log()}`);
      try { return fs.readFileSync(portFile, 'utf8').trim(); } catch { return ''; }
    }, { timeout: 20000, what: 'the port file' });
    srv.port = Number(fs.readFileSync(portFile, 'utf8').trim());
    srv.base = `http://127.0.0.1:${srv.port}`;
    await until(async () => {
      try { return (await fetch(`${srv.base}/healthz`)).ok; } catch { return false; }
    }, { timeout: 10000, what: '/healthz' });
  };

  // SIGTERM and wait for a clean exit; returns the exit code.
  srv.stop = async () => {
    const proc = srv.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode) return proc ? proc.exitCode : null;
    const done = new Promise((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
    const code = await done;
    clearTimeout(timer);
    return code;
  };

  srv.restart = async () => {
    await srv.stop();
    await srv.launch(srv.port);
  };

  // Stops it and removes its temporary directory (kept with YST_KEEP_TMP=1).
  srv.dispose = async () => {
    await srv.stop();
    if (!process.env.YST_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  };

  srv.log = () => { try { return fs.readFileSync(logFile, 'utf8'); } catch { return ''; } };
  await srv.launch(port);
  return srv;
}

export async function launchBrowser() {
  // launch() runs Chromium on a fresh temporary profile (user-data dir) of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--font-render-hinting=none', '--lang=zh-CN'],
  });
}

// A new isolated context (own localStorage) with one page, watching for
// console errors, page errors, CSP violations and failed requests.
export async function openPage(browser, url, { width = 1440, height = 900, mobile = false, name = 'page', acceptDownloads = false } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    isMobile: mobile,
    hasTouch: mobile,
    acceptDownloads,
    locale: 'zh-CN',
    userAgent: mobile ? 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.47' : undefined,
  });
  const page = await context.newPage();
  watch(page, name);
  if (url) await page.goto(url);
  return page;
}

export function watch(page, name) {
  const problems = [];
  page.problems = problems;
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${name} console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${name} pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure() ? r.failure().errorText : '';
    // A download saved through a blob URL reports ERR_ABORTED for the blob: navigation.
    if (r.url().startsWith('blob:')) return;
    // The icon is fetched by page.js after load; a test that reloads or navigates at once
    // cancels it (ERR_ABORTED), which no person would see.
    if (why === 'net::ERR_ABORTED' && r.url().endsWith('/assets/favicon.svg')) return;
    problems.push(`${name} requestfailed: ${r.url()} ${why}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${name} HTTP ${r.status()}: ${r.url()}`); });
  return problems;
}

export async function api(srv, p, { method = 'GET', token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(srv.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = text;
  try { data = JSON.parse(text); } catch { /* not JSON */ }
  if (!res.ok) throw new Error(`${method} ${p} -> ${res.status} ${text}`);
  return data;
}

// A session with participants, made over HTTP (for tests whose subject is not the admin page).
export async function makeSession(srv, { title = '测试议事厅', topic = '', settings, scheduledAt, people = [] } = {}) {
  const body = { title, topic };
  if (settings) body.settings = settings;
  if (scheduledAt) body.scheduled_at = scheduledAt;
  const s = await api(srv, '/api/sessions', { method: 'POST', token: srv.adminToken, body });
  const out = { id: s.id, hostToken: s.host_token, people: {} };
  for (const p of people) {
    const r = await api(srv, `/api/sessions/${s.id}/participants`, { method: 'POST', token: srv.adminToken, body: p });
    out.people[p.key || p.name] = { ...p, token: r.token, id: r.id };
  }
  return out;
}

export const link = (srv, role, sid, token) => `${srv.base}${PAGES[role]}${sid}#token=${token}`;

// Chooses a nickname on the audience page (which shows the programme at once and
// joins under a guest name): 修改, the name, 确定; the page joins again under it.
export async function enterAudience(page, nickname) {
  await waitLive(page);
  await page.click('#rename');
  await page.locator('#nick-dialog').waitFor({ state: 'visible' });
  await page.fill('#nick-input', nickname);
  await page.click('#nick-ok');
  await page.locator('#nick-dialog').waitFor({ state: 'hidden' });
  await waitLive(page);
}

// Confirms the host page's in-page confirmation (start, reject, close, end, ...).
export async function confirmYes(page) {
  await page.locator('#confirm').waitFor({ state: 'visible' });
  await page.click('#confirm-yes');
  await page.locator('#confirm').waitFor({ state: 'hidden' });
}

// The host starts the broadcast (a click and its confirmation).
export async function hostStart(host) {
  await host.click('#btn-start');
  await confirmYes(host);
  await host.locator('#status', { hasText: '直播中' }).waitFor();
}

// The page's connection has joined (the pages mirror it on body[data-conn]).
export async function waitLive(page, timeout = 15000) {
  await page.waitForFunction(() => document.body.dataset.conn === 'live', null, { timeout });
}

export async function feedSeqs(page, sel = '#feed') {
  return page.$$eval(`${sel} > li`, (els) => els.map((e) => Number(e.dataset.seq)));
}

export function shotPath(name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  return path.join(SHOTS, name);
}

// Renders the transparent overlay over a generated studio-like picture, the
// way a broadcast mixer composites it over video.
export function compositeHtml(overlayUrl) {
  const src = overlayUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;width:1920px;height:1080px;overflow:hidden;background:#2b3442}
.scene{position:absolute;inset:0;background:
 radial-gradient(circle 90px at 14% 22%, rgba(255,214,150,.55), transparent 70%),
 radial-gradient(circle 70px at 86% 18%, rgba(255,230,180,.45), transparent 70%),
 radial-gradient(circle 120px at 62% 12%, rgba(255,200,140,.35), transparent 70%),
 radial-gradient(ellipse 1100px 420px at 50% 40%, #6f7f95 0%, transparent 75%),
 linear-gradient(180deg, #4a5668 0%, #3a4453 52%, #2a211c 53%, #1b1512 100%)}
.panel{position:absolute;top:150px;height:330px;width:300px;background:linear-gradient(180deg,#a8322a,#7a1d18);opacity:.9}
.p1{left:260px}.p2{right:260px}
.screen{position:absolute;left:710px;top:120px;width:500px;height:280px;border-radius:8px;background:linear-gradient(135deg,#8b1a1a,#5e0f0f);box-shadow:0 0 0 10px #222}
.screen::after{content:"";position:absolute;left:60px;right:60px;top:120px;height:10px;background:#e9c98b;border-radius:5px;opacity:.8}
.desk{position:absolute;left:120px;right:120px;top:610px;height:190px;border-radius:18px 18px 4px 4px;background:linear-gradient(180deg,#7a4a2c,#4a2817);box-shadow:0 -6px 0 #a06a40 inset}
.chair{position:absolute;top:480px;width:150px;height:150px;border-radius:40px 40px 10px 10px;background:#3b2d27}
.c1{left:420px}.c2{left:885px}.c3{left:1350px}
iframe{position:absolute;inset:0;width:1920px;height:1080px;border:0;background:transparent}
</style></head><body><div class="scene"></div><div class="panel p1"></div><div class="panel p2"></div><div class="screen"></div>
<div class="chair c1"></div><div class="chair c2"></div><div class="chair c3"></div><div class="desk"></div>
<iframe src="${src}"></iframe></body></html>`;
}

// Serves compositeHtml() from an http origin of its own: `frame-ancestors *`
// admits http(s) parents only (not about:blank), and a real mixer is another
// origin too. Returns {url(overlayUrl), close()}.
export async function startMixer() {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(compositeHtml(u.searchParams.get('src') || 'about:blank'));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { url: (src) => `${base}/?src=${encodeURIComponent(src)}`, close: () => server.close() };
}

// Opens the overlay inside the mixer page; returns {page, frame}.
export async function openOverlay(browser, mixer, overlayUrl, name = 'overlay') {
  const page = await openPage(browser, mixer.url(overlayUrl), { name, width: 1920, height: 1080 });
  let frame = null;
  for (let i = 0; i < 200 && !frame; i++) {
    frame = page.frames().find((f) => f.url().includes('/overlay/'));
    if (!frame) await sleep(50);
  }
  if (!frame) throw new Error('the overlay frame did not load');
  await frame.waitForFunction(() => document.body && document.body.dataset.conn === 'live', null, { timeout: 15000 });
  return { page, frame };
}

// One server and one browser for a whole test file, closed after it; `env.srv` and
// `env.browser` are set once node:test's `before` has run (`env.skip` when the binary
// or the browser is missing).
export function serverAndBrowser(before, after) {
  const env = { skip: missing(), srv: null, browser: null };
  before(async () => {
    if (env.skip) return;
    env.srv = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.srv) await env.srv.dispose();
  });
  return env;
}
