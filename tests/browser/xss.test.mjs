// (c) Names and texts that look like HTML show as text on every page and run nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverAndBrowser, startMixer, openOverlay, openPage, enterAudience, waitLive, makeSession, link, hostStart,
} from './helpers.mjs';

const env = serverAndBrowser(before, after);
const { skip } = env;

const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=1</script>';
// Names have at most 32 characters: shorter payloads of the same kinds.
const NICK = '听<img src=x onerror=__xss=1>';
const N_IMG = '<img src=x onerror=__xss=1>';
const N_SCRIPT = '<script>__xss=1</script>';

test('HTML in names and texts shows as text and never runs', { skip: skip || false, timeout: 180000 }, async () => {
  const s = await makeSession(env.srv, {
    title: `标题${IMG}`,
    topic: `议题${SCRIPT}`,
    people: [
      { key: 'member', name: `委员${N_IMG}`, role: 'member', affiliation: `单位${SCRIPT}` },
      { key: 'dept', name: `部门${N_SCRIPT}`, role: 'department', affiliation: IMG },
      { key: 'clerk', name: `记录${N_IMG}`, role: 'clerk' },
    ],
  });
  const pages = [];
  const open = async (url, opts) => { const p = await openPage(env.browser, url, opts); p.setDefaultTimeout(15000); pages.push(p); return p; };

  const host = await open(link(env.srv, 'host', s.id, s.hostToken), { name: 'host' });
  const member = await open(link(env.srv, 'member', s.id, s.people.member.token), { name: 'member' });
  const dept = await open(link(env.srv, 'department', s.id, s.people.dept.token), { name: 'department' });
  const clerk = await open(link(env.srv, 'clerk', s.id, s.people.clerk.token), { name: 'clerk' });
  for (const p of [host, member, dept, clerk]) await waitLive(p);
  const aud = await open(`${env.srv.base}/s/${s.id}`, { name: 'audience', width: 375, height: 812, mobile: true });
  await enterAudience(aud, NICK);
  const mixer = await startMixer();
  const { page: ov, frame: ovFrame } = await openOverlay(env.browser, mixer, `${env.srv.base}/overlay/${s.id}`);
  pages.push(ov);

  await hostStart(host);
  await aud.locator('#status', { hasText: '直播中' }).waitFor();

  // A question with both payloads; the host approves and features it.
  const question = `问题${IMG}${SCRIPT}`;
  await aud.fill('#ask-text', question);
  await aud.click('#ask-submit');
  await host.locator('#pending .q-item').first().locator('button[data-action=approve]').click();
  await host.locator('#approved .q-item').first().locator('button[data-action=feature]').click();
  await host.locator('#staff .staff-item').filter({ hasText: '委员<img' }).locator('button').click();

  await member.fill('#say-text', `发言${SCRIPT}`);
  await member.click('#btn-say');
  await member.fill('#propose-text', `共识点${IMG}`);
  await member.click('#propose-form button[type=submit]');
  await dept.fill('#say-text', `回答${IMG}`);
  await dept.click('#btn-answer');
  await clerk.fill('#note-text', `记录${SCRIPT}${IMG}`);
  await clerk.click('#note-submit');

  // Everything arrives, as literal text.
  await aud.locator('#feed li[data-kind="question.approved"] .text', { hasText: question }).waitFor();
  await aud.locator('#featured-text', { hasText: question }).waitFor();
  await aud.locator('#feed li[data-kind=statement] .text', { hasText: `发言${SCRIPT}` }).waitFor();
  await aud.locator('#feed li[data-kind=statement] .text', { hasText: `回答${IMG}` }).waitFor();
  await aud.locator('.point-card .point-text', { hasText: `共识点${IMG}` }).waitFor();
  await aud.locator('#floor .name', { hasText: `委员${N_IMG}` }).waitFor();
  assert.equal(await aud.locator('#title').textContent(), `标题${IMG}`);
  assert.equal(await aud.locator('#topic').textContent(), `议题${SCRIPT}`);

  await host.locator('#featured-text', { hasText: question }).waitFor();
  await host.locator('#staff .aff', { hasText: `单位${SCRIPT}` }).waitFor();
  await host.locator('#staff .aff', { hasText: IMG }).waitFor();
  await member.locator('#featured-text', { hasText: question }).waitFor();
  await dept.locator('#feed .text', { hasText: `发言${SCRIPT}` }).waitFor();
  await clerk.locator('#timeline li[data-kind=note] .text', { hasText: `记录${SCRIPT}${IMG}` }).waitFor();
  await clerk.locator('#timeline li[data-kind="question.asked"] .name', { hasText: NICK }).waitFor();
  await ovFrame.locator('#ov-q-text', { hasText: question }).waitFor();
  await ovFrame.locator('#ov-floor-name', { hasText: `委员${N_IMG}` }).waitFor();
  await dept.locator('#me', { hasText: `部门${N_SCRIPT}` }).waitFor();
  await ovFrame.locator('.ov-point-text', { hasText: `共识点${IMG}` }).waitFor();
  assert.equal(await ovFrame.locator('#ov-title').textContent(), `标题${IMG}`);

  // The front page and the admin list show the title as text too.
  const index = await open(`${env.srv.base}/`, { name: 'index' });
  await index.locator('.session-card .card-title', { hasText: `标题${IMG}` }).waitFor();
  const admin = await open(`${env.srv.base}/admin`, { name: 'admin' });
  await admin.locator('#sessions .session-title', { hasText: `标题${IMG}` }).waitFor();
  await admin.locator('#add-session option', { hasText: `标题${IMG}` }).waitFor({ state: 'attached' });

  // Nothing ran, and no element was made from the payloads anywhere.
  const frames = [...pages.flatMap((p) => p.frames())];
  for (const f of frames) {
    const r = await f.evaluate(() => ({
      xss: typeof window.__xss,
      imgs: [...document.querySelectorAll('img')].filter((i) => i.getAttribute('src') === 'x').length,
      scripts: [...document.querySelectorAll('script')].filter((sc) => sc.textContent.includes('__xss')).length,
    }));
    assert.deepEqual(r, { xss: 'undefined', imgs: 0, scripts: 0 }, `on ${f.url()}`);
  }
  assert.deepEqual(pages.flatMap((p) => p.problems), []);
  mixer.close();
});
