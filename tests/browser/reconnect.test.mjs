// (b) The server restarts mid-programme on the same data dir and port. The
// audience page shows the reconnecting banner, resumes with "after", and its
// feed ends up with every event the audience may see: no duplicate, no gap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverAndBrowser, openPage, enterAudience, waitLive, makeSession, link, api, feedSeqs, sleep, hostStart,
} from './helpers.mjs';

const env = serverAndBrowser(before, after);
const { skip } = env;

async function hostSays(host, text) {
  await host.fill('#say-text', text);
  await host.click('#say-form button[type=submit]');
  await host.waitForFunction(() => document.querySelector('#say-text').value === '');
}

// The seqs of the events the audience may see, from the HTTP API (anonymous).
async function publicSeqs(sid) {
  const evs = await api(env.srv, `/api/sessions/${sid}/events?after=0&limit=1000`);
  const list = Array.isArray(evs) ? evs : evs.events;
  return list.map((e) => e.seq);
}

test('the audience page survives a server restart without duplicates or gaps', { skip: skip || false, timeout: 180000 }, async () => {
  const s = await makeSession(env.srv, { title: '重连测试', settings: { pre_moderation: false, ask_interval_s: 0 } });
  const host = await openPage(env.browser, link(env.srv, 'host', s.id, s.hostToken), { name: 'host' });
  host.setDefaultTimeout(20000);
  await waitLive(host);
  const aud = await openPage(env.browser, `${env.srv.base}/s/${s.id}`, { name: 'audience', width: 375, height: 812, mobile: true });
  aud.setDefaultTimeout(20000);
  const joins = [];
  aud.on('websocket', (ws) => ws.on('framesent', (f) => {
    try { const m = JSON.parse(f.payload); if (m.type === 'join') joins.push(m); } catch { /* not JSON */ }
  }));
  await enterAudience(aud, '断线听众');
  const joinsBefore = joins.length; // the first join (a guest name), then the one under the chosen name

  await hostStart(host);
  await aud.locator('#status', { hasText: '直播中' }).waitFor();
  for (let i = 1; i <= 4; i++) await hostSays(host, `重启前的发言 ${i}`);
  await aud.fill('#ask-text', '重启前的提问');
  await aud.click('#ask-submit');
  await aud.locator('#feed li[data-kind="question.approved"]', { hasText: '重启前的提问' }).waitFor();
  await aud.locator('#feed li', { hasText: '重启前的发言 4' }).waitFor();
  const beforeSeqs = await feedSeqs(aud);

  // ---- the server goes away ----
  const code = await env.srv.stop();
  assert.equal(code, 0, 'SIGTERM exits 0');
  const banner = aud.locator('#banner');
  await banner.waitFor({ state: 'visible' });
  assert.equal(await banner.textContent(), '连接中断，正在重连…');
  // While the phone is also offline, the host (once the server is back) goes on.
  await aud.context().setOffline(true);
  await env.srv.launch(env.srv.port);
  await waitLive(host, 30000);
  for (let i = 5; i <= 7; i++) await hostSays(host, `重启后、听众离线时的发言 ${i}`);

  // ---- the phone comes back and resumes ----
  await aud.context().setOffline(false);
  await waitLive(aud, 30000);
  await banner.waitFor({ state: 'hidden' });
  await aud.locator('#feed li', { hasText: '听众离线时的发言 7' }).waitFor();
  for (let i = 8; i <= 9; i++) await hostSays(host, `恢复后的发言 ${i}`);
  await aud.locator('#feed li', { hasText: '恢复后的发言 9' }).waitFor();

  // A question asked after the restart still works (the snapshot was refreshed).
  await aud.fill('#ask-text', '重启后的提问');
  await aud.click('#ask-submit');
  await aud.locator('#feed li[data-kind="question.approved"]', { hasText: '重启后的提问' }).waitFor();
  await sleep(300);

  const seqs = await feedSeqs(aud);
  assert.equal(new Set(seqs).size, seqs.length, `no duplicate in ${seqs}`);
  for (const q of beforeSeqs) assert.ok(seqs.includes(q), `kept ${q}`);
  const expected = await publicSeqs(s.id);
  assert.deepEqual([...seqs].sort((a, b) => a - b), expected, 'the feed has exactly the public events');
  // Newest first, in seq order.
  assert.deepEqual(seqs, [...expected].reverse());
  // Each text once.
  const texts = await aud.$$eval('#feed li[data-kind=statement] .text', (els) => els.map((e) => e.textContent));
  assert.equal(new Set(texts).size, texts.length);
  assert.equal(texts.length, 9);

  // The phone joined once without "after" and resumed with the last seq it had seen.
  assert.equal(joins[0].after, undefined);
  assert.equal(joins[joinsBefore - 1].name, '断线听众');
  const resumed = joins.slice(joinsBefore);
  assert.ok(resumed.length >= 1, 'it joined again');
  for (const j of resumed) assert.ok(j.after >= Math.max(...beforeSeqs), `resumed with after=${j.after}`);
  assert.ok(resumed.every((j) => j.client_id === joins[0].client_id && j.name === '断线听众'));

  const problems = aud.problems.filter((p) => !/\/ws\b/.test(p) && !/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED/.test(p));
  assert.deepEqual(problems, []);
});
