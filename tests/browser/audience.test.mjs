// (d) The audience page, used end to end on a phone, logs no console error,
// breaks no CSP rule and has no failed request; also in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverAndBrowser, openPage, enterAudience, waitLive, makeSession, link, api, sleep, hostStart,
} from './helpers.mjs';

const env = serverAndBrowser(before, after);
const { skip } = env;

test('the audience page is clean: no console errors, no failed requests', { skip: skip || false, timeout: 120000 }, async () => {
  const s = await makeSession(env.srv, { title: '听众页检查', topic: '社区养老服务' });
  const host = await openPage(env.browser, link(env.srv, 'host', s.id, s.hostToken), { name: 'host' });
  host.setDefaultTimeout(15000);
  await waitLive(host);

  const aud = await openPage(env.browser, `${env.srv.base}/s/${s.id}`, { name: 'audience', width: 375, height: 812, mobile: true });
  aud.setDefaultTimeout(15000);
  await enterAudience(aud, '检查员');
  // Before the start: asking waits for the broadcast.
  await aud.locator('#ask-status', { hasText: '直播开始后即可提问' }).waitFor();
  assert.equal(await aud.locator('#ask-submit').isDisabled(), true);
  // No stream URL: no placeholder promising a picture.
  assert.equal(await aud.locator('#stream').isHidden(), true);

  await hostStart(host);
  await aud.locator('#status', { hasText: '直播中' }).waitFor();
  await aud.locator('#online', { hasText: '人在线' }).waitFor();

  // Counter, limit and ack.
  await aud.fill('#ask-text', '长'.repeat(501));
  assert.equal(await aud.locator('#ask-count').textContent(), '501/500');
  assert.equal(await aud.locator('#ask-submit').isDisabled(), true);
  await aud.fill('#ask-text', '社区食堂能否向独居老人提供送餐服务？');
  await aud.click('#ask-submit');
  await aud.locator('#ask-status', { hasText: '已提交，等待主持人审核' }).waitFor();
  // A second question at once is rate limited, with a countdown.
  await aud.fill('#ask-text', '第二个问题');
  await aud.click('#ask-submit');
  await aud.locator('#ask-status', { hasText: /请 \d+ 秒后再试/ }).waitFor();
  assert.equal(await aud.locator('#ask-submit').isDisabled(), true);

  await host.locator('#pending .q-item').first().locator('button[data-action=approve]').click();
  const item = aud.locator('#feed li[data-kind="question.approved"]');
  await item.waitFor();
  await item.locator('.upvote').click();
  await item.locator('.upvote', { hasText: '▲ 赞 1' }).waitFor();
  assert.equal(await item.locator('.upvote').isDisabled(), true);
  await aud.click('#tab-qs');
  await aud.locator('#qlist .q-item .badge', { hasText: '我的提问' }).waitFor();
  await aud.click('#tab-feed');

  await host.fill('#propose-text', '在社区推广助餐点');
  await host.click('#propose-form button[type=submit]');
  await aud.locator('.point-card .vote-agree').click();
  // The audience's own group (民意参考) moves; the counted group stays empty.
  await aud.waitForFunction(() => {
    const fills = [...document.querySelectorAll('.point-card .fill-agree')].map((f) => f.style.width);
    return fills.join() === '0%,100%';
  });

  // The page reload keeps the nickname, the client id and the upvote.
  await aud.reload();
  await waitLive(aud);
  assert.equal(await aud.locator('#nick-dialog').isHidden(), true);
  await aud.locator('#ask-as', { hasText: '检查员' }).waitFor();
  await aud.locator('#feed li[data-kind="question.approved"] .upvote:disabled').waitFor();
  const cid = await aud.evaluate(() => localStorage.getItem('yst.client_id'));
  assert.match(cid, /^[A-Za-z0-9_-]{16,64}$/);

  // A new nickname takes effect at once: the page joins again under it.
  const joins = [];
  aud.on('websocket', (ws) => ws.on('framesent', (f) => { if (f.payload.includes('"join"')) joins.push(JSON.parse(f.payload)); }));
  await aud.click('#rename');
  await aud.fill('#nick-input', '新昵称');
  await aud.click('#nick-ok');
  await aud.locator('#ask-as', { hasText: '新昵称' }).waitFor();
  for (let i = 0; i < 100 && !joins.length; i++) await sleep(50);
  await waitLive(aud);
  assert.equal(joins.length, 1);
  assert.equal(joins[0].name, '新昵称');
  assert.equal(joins[0].client_id, cid);
  assert.ok(joins[0].after > 0, 'the rename resumes where it was');

  assert.deepEqual(aud.problems, []);
});

test('the audience page in English', { skip: skip || false, timeout: 60000 }, async () => {
  const s = await makeSession(env.srv, { title: 'English check' });
  const aud = await openPage(env.browser, `${env.srv.base}/s/${s.id}?lang=en`, { name: 'audience-en', width: 375, height: 812, mobile: true });
  await enterAudience(aud, 'Reader');
  assert.equal(await aud.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await aud.locator('#ask-submit').textContent(), 'Submit');
  assert.equal(await aud.locator('#status').textContent(), 'Not started');
  assert.equal(await aud.locator('#lang-link').textContent(), '中文');
  assert.deepEqual(aud.problems, []);
});

test('the stream: .m3u8 in an inline video, anything else in an iframe', { skip: skip || false, timeout: 60000 }, async () => {
  const hls = await api(env.srv, '/api/sessions', { method: 'POST', token: env.srv.adminToken, body: { title: 'HLS', stream_url: `${env.srv.base}/assets/live.m3u8?x=1` } });
  const page = await api(env.srv, '/api/sessions', { method: 'POST', token: env.srv.adminToken, body: { title: 'Player', stream_url: `${env.srv.base}/` } });
  const a = await openPage(env.browser, `${env.srv.base}/s/${hls.id}`, { name: 'hls', width: 375, height: 812, mobile: true });
  await enterAudience(a, '看直播');
  const v = a.locator('#stream video');
  await v.waitFor();
  assert.equal(await v.getAttribute('playsinline'), '');
  assert.equal(await v.getAttribute('controls'), '');
  assert.equal(await v.getAttribute('src'), `${env.srv.base}/assets/live.m3u8?x=1`);
  const b = await openPage(env.browser, `${env.srv.base}/s/${page.id}`, { name: 'iframe', width: 375, height: 812, mobile: true });
  await enterAudience(b, '看直播');
  assert.equal(await b.locator('#stream iframe').getAttribute('src'), `${env.srv.base}/`);
  assert.equal(await b.locator('#stream video').count(), 0);
});
