// The roster, a person's record of service (履职档案) and topics proposed by the public
// (议题征集) through the pages: the admin adds a member to the roster on /admin and adds
// them to a session by picking them from it; the member's page links 我的履职档案; the
// member speaks; /people/{id} shows the session 出席 with the figures of GET
// /api/people/{id}/record, and the admin exports the records' CSV. A phone proposes a
// topic on /topics, the admin publishes it, two phones support it (a phone counts once),
// the admin declines another with a reply and adopts the first into a plan item, which
// then lists it. Writes docs/screenshots/topics.png and person-record.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  serverAndBrowser, openPage, waitLive, api, hostStart, confirmYes, shotPath, makeSession, link,
} from './helpers.mjs';

const env = serverAndBrowser(before, after);
const { skip } = env;

const Y = new Date().getFullYear();
const NAME = '王秀兰';
const AFF = '市第一中学';
const SECTOR = '教育界';
const SAID = '建议在老旧小区改造中同步加装电梯，并设立专项补贴。';
const TITLE = '学校门口上下学时段交通拥堵';
const TEXT = '每天早上七点半到八点，校门口的路堵得水泄不通，希望增设临时停车点、错峰放学。';
const OTHER = '希望小区里多设几个快递柜';
const REPLY = '快递柜设置属于物业自治事项，已转街道协调，暂不列入协商计划。';
const XSS = '<img src=x onerror="window.__xss=1">';

test('the roster, the record of service and the proposed topics through the pages', { skip: skip || false, timeout: 240000 }, async () => {
  const { srv } = env;
  const adminApi = (p, opts = {}) => api(srv, p, { token: srv.adminToken, ...opts });
  const all = [];
  const open = async (url, opts) => {
    const p = await openPage(env.browser, url, opts);
    p.setDefaultTimeout(15000);
    all.push(p);
    return p;
  };
  const phone = { width: 390, height: 844, mobile: true };

  // ---- the admin adds a member to the roster ----
  const admin = await open(`${srv.base}/admin`, { name: 'admin', width: 1440, height: 900, acceptDownloads: true });
  await admin.fill('#token-input', srv.adminToken);
  await admin.click('#token-form button[type=submit]');
  await admin.locator('#token-status.ok-text').waitFor();
  await adminApi('/api/people', { method: 'POST', body: { name: '市交通运输局', kind: 'department', affiliation: '市交通运输局' } });
  await adminApi('/api/people', { method: 'POST', body: { name: `李${XSS}`.slice(0, 32), kind: 'member', sector: XSS } });
  await admin.click('#roster-add summary');
  await admin.fill('#r-name', NAME);
  await admin.selectOption('#r-kind', 'member');
  await admin.fill('#r-aff', AFF);
  await admin.fill('#r-sector', SECTOR);
  await admin.click('#roster-form button[type=submit]');
  const rosterRow = admin.locator('#roster .roster-item', { hasText: NAME });
  await rosterRow.waitFor();
  const pid = await rosterRow.getAttribute('data-person');
  const members = await api(srv, '/api/people?kind=member');
  const person = members.find((p) => p.id === pid);
  assert.deepEqual({ ...person }, { id: pid, name: NAME, kind: 'member', affiliation: AFF, sector: SECTOR });
  assert.ok(!members.some((p) => p.kind !== 'member'), 'kind=member lists members only');
  assert.equal(await rosterRow.locator('a.record-link').getAttribute('href'), `/people/${pid}`);
  // The filter: by sector, and nobody.
  await admin.fill('#roster-filter', '教育');
  await admin.waitForFunction(() => document.querySelectorAll('#roster .roster-item').length === 1);
  await admin.fill('#roster-filter', '没有这个人');
  await admin.locator('#roster li', { hasText: '没有符合的人员' }).waitFor();
  await admin.fill('#roster-filter', '');
  await admin.waitForFunction(() => document.querySelectorAll('#roster .roster-item').length === 3);

  // ---- a session; the admin adds the member picking them from the roster ----
  const s = await makeSession(srv, { title: '第5期 校园周边交通怎么治' });
  await admin.click('#refresh');
  await admin.locator(`#add-session option[value="${s.id}"]`).waitFor({ state: 'attached' });
  await admin.selectOption('#add-session', s.id);
  await admin.selectOption('#add-person', pid);
  assert.equal(await admin.inputValue('#add-name'), NAME);
  assert.equal(await admin.inputValue('#add-role'), 'member');
  assert.equal(await admin.locator('#add-name').isDisabled(), true);
  await admin.click('#add-form button[type=submit]');
  const memberLink = await admin.locator('#links .link-item[data-role=member]', { hasText: NAME }).locator('.link-field').inputValue();
  assert.equal(await admin.inputValue('#add-person'), '', 'the picker is reset');
  assert.equal(await admin.locator('#add-name').isDisabled(), false);
  const staff = await adminApi(`/api/sessions/${s.id}/participants`);
  const part = staff.find((p) => p.name === NAME);
  assert.equal(part.role, 'member');
  assert.equal(part.affiliation, AFF);

  // ---- the member's page links the record; the member speaks ----
  const member = await open(memberLink, { name: 'member', width: 1280, height: 800 });
  const host = await open(link(srv, 'host', s.id, s.hostToken), { name: 'host' });
  await waitLive(member);
  await waitLive(host);
  const recLink = member.locator('#record-link');
  await recLink.waitFor();
  assert.equal(await recLink.textContent(), '我的履职档案');
  assert.equal(await recLink.getAttribute('href'), `/people/${pid}`);
  await hostStart(host);
  await member.locator('#status', { hasText: '直播中' }).waitFor();
  await member.fill('#say-text', SAID);
  await member.click('#btn-say');
  await member.waitForFunction(() => document.querySelector('#say-text').value === '');
  await host.locator('#feed li[data-kind=statement]', { hasText: SAID }).waitFor();
  await host.click('#btn-end');
  await confirmYes(host);
  await host.locator('#status', { hasText: '已结束' }).waitFor();

  // ---- the record page: the session, 出席, the figures of the API ----
  const rec = await adminApi(`/api/people/${pid}/record?year=${Y}`);
  assert.equal(rec.sessions.length, 1);
  assert.equal(rec.sessions[0].session, s.id);
  assert.equal(rec.sessions[0].attended, true);
  assert.equal(rec.sessions[0].statements, 1);
  assert.equal(rec.totals.sessions, 1);
  assert.equal(rec.totals.attended, 1);
  const page = await open(`${srv.base}/people/${pid}`, { name: 'record', width: 1100, height: 800 });
  const row = page.locator(`#record tbody tr[data-session="${s.id}"]`);
  await row.waitFor();
  assert.equal(await page.locator('#name').textContent(), NAME);
  assert.equal(await page.locator('#who dd[data-key=kind]').textContent(), '政协委员');
  assert.equal(await page.locator('#who dd[data-key=affiliation]').textContent(), AFF);
  assert.equal(await page.locator('#who dd[data-key=sector]').textContent(), SECTOR);
  assert.equal(await page.inputValue('#year'), String(Y));
  assert.equal(await row.locator('.r-title').textContent(), '第5期 校园周边交通怎么治');
  assert.equal(await row.locator('.r-attended').textContent(), '是');
  assert.equal(await row.locator('.r-role').textContent(), '政协委员');
  assert.equal(await row.locator('td[data-key=statements]').textContent(), '1');
  const cells = (sel) => page.$$eval(`${sel} td[data-key]`, (els) => Object.fromEntries(els.map((e) => [e.dataset.key, Number(e.dataset.value)])));
  const numbers = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'number'));
  const { attended: _a, ...recNums } = numbers(rec.sessions[0]);
  assert.deepEqual(await cells(`#record tbody tr[data-session="${s.id}"]`), recNums, 'the row is the API\'s');
  assert.deepEqual(await cells('#record tfoot'), numbers(rec.totals), 'the totals are the API\'s');
  assert.equal(await page.locator('#summary').textContent(), '共参加 1 场议事，出席 1 场');
  // Another year: none; all years: the same.
  await page.selectOption('#year', String(Y - 1));
  await page.locator('#record-empty').waitFor();
  assert.match(page.url(), new RegExp(`\\?year=${Y - 1}$`));
  await page.selectOption('#year', 'all');
  await row.waitFor();
  await page.locator('#year-label', { hasText: '全部年度' }).waitFor();
  await page.selectOption('#year', String(Y));
  await page.locator('#year-label', { hasText: `${Y}年` }).waitFor();
  await row.waitFor();
  await page.screenshot({ path: shotPath('person-record.png'), fullPage: true });
  // Printed: no bar, no selector.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.topbar').isHidden(), true);
  assert.equal(await page.locator('.year-tools').isHidden(), true);
  assert.equal(await page.locator('#printed').isVisible(), true);
  await page.emulateMedia({ media: 'screen' });
  // Words are text on the record page too.
  const other = members.find((p) => p.id !== pid);
  const xssPage = await open(`${srv.base}/people/${other.id}`, { name: 'record-xss' });
  await xssPage.locator('#who dd[data-key=sector]', { hasText: XSS }).waitFor();
  await xssPage.locator('#record-empty').waitFor();

  // ---- the records' CSV ----
  const [dl] = await Promise.all([admin.waitForEvent('download'), admin.click('#records-csv')]);
  const csv = fs.readFileSync(await dl.path());
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM');
  const lines = csv.subarray(3).toString('utf8').trim().split(/\r?\n/);
  assert.ok(lines.some((l) => l.includes(NAME)), lines.join('\n'));
  assert.equal(lines.length, 4, 'a header and one row a person');

  // ---- 议题征集: a phone proposes (its audience nickname prefilled) ----
  const p1 = await open(`${srv.base}/topics`, { name: 'phone1', ...phone });
  await p1.evaluate(() => localStorage.setItem('yst.nickname', JSON.stringify('张阿姨')));
  await p1.reload();
  await p1.locator('#topics-empty').waitFor();
  await p1.click('#propose summary');
  assert.equal(await p1.inputValue('#t-name'), '张阿姨');
  await p1.fill('#t-title', TITLE);
  await p1.fill('#t-text', TEXT);
  await p1.click('#t-submit');
  await p1.locator('#t-status.ok', { hasText: '已提交' }).waitFor();
  assert.equal(await p1.inputValue('#t-title'), '');
  // Once per 10 minutes from one phone.
  await p1.fill('#t-title', '再提一个');
  await p1.fill('#t-text', '再提一个');
  await p1.click('#t-submit');
  await p1.locator('#t-status.error', { hasText: /请 \d+ 秒后再试/ }).waitFor();
  const pending = (await adminApi('/api/topics')).find((x) => x.title === TITLE);
  assert.equal(pending.status, 'pending');
  assert.equal(pending.name, '张阿姨');
  assert.ok(!(await api(srv, '/api/topics')).some((x) => x.id === pending.id), 'pending is not public');
  // Another topic, from another phone, to decline.
  await api(srv, '/api/topics', { method: 'POST', body: { title: OTHER, text: `${OTHER}${XSS}`, name: '刘师傅', client_id: 'another-phone-client-0001' } });

  // ---- the admin publishes the first, declines the second with a reply ----
  await admin.click('#topics-refresh');
  const trow = admin.locator(`#atopics .topic-admin[data-id="${pending.id}"]`);
  await trow.locator('.topic-status', { hasText: '待审核' }).waitFor();
  await trow.locator('.topic-open').click();
  await admin.locator(`#atopics .topic-admin[data-id="${pending.id}"][data-status=open]`).waitFor();
  const orow = admin.locator('#atopics .topic-admin', { hasText: OTHER });
  await orow.locator('.topic-reply-input').fill(REPLY);
  await orow.locator('.topic-decline').click();
  await orow.waitFor({ state: 'detached' });

  // ---- two phones support it; a phone counts once ----
  await p1.reload();
  const card = (p) => p.locator(`#topics .topic-item[data-id="${pending.id}"]`);
  await card(p1).locator('.topic-count', { hasText: '0 人支持' }).waitFor();
  await card(p1).locator('.topic-support').click();
  await card(p1).locator('.topic-count', { hasText: '1 人支持' }).waitFor();
  assert.equal(await card(p1).locator('.topic-support').isDisabled(), true);
  assert.equal(await card(p1).locator('.topic-support').textContent(), '已支持');
  const p2 = await open(`${srv.base}/topics`, { name: 'phone2', ...phone });
  await card(p2).locator('.topic-support').click();
  await card(p2).locator('.topic-count', { hasText: '2 人支持' }).waitFor();
  const id1 = await p1.evaluate(() => localStorage.getItem('yst.client_id'));
  const id2 = await p2.evaluate(() => localStorage.getItem('yst.client_id'));
  assert.ok(id1 && id2 && id1 !== id2);
  // Remembered after a reload; and when the phone forgets it, the server still counts it once.
  await p1.reload();
  await card(p1).locator('.topic-count', { hasText: '2 人支持' }).waitFor();
  assert.equal(await card(p1).locator('.topic-support').isDisabled(), true);
  await p1.evaluate(() => localStorage.removeItem('yst.supported_topics'));
  await p1.reload();
  assert.equal(await card(p1).locator('.topic-support').isDisabled(), false);
  await card(p1).locator('.topic-support').click();
  await card(p1).locator('.topic-support', { hasText: '已支持' }).waitFor();
  assert.equal(await card(p1).locator('.topic-count').textContent(), '2 人支持');
  assert.equal((await api(srv, '/api/topics')).find((x) => x.id === pending.id).support, 2);
  const declined = p1.locator('#topics .topic-item[data-status=declined]', { hasText: OTHER });
  await declined.locator('.topic-reply', { hasText: REPLY }).waitFor();
  await declined.locator('.topic-text', { hasText: XSS }).waitFor();
  assert.equal(await p1.locator('#topics img').count(), 0);
  await p1.evaluate(() => window.scrollTo(0, 0));
  await p1.screenshot({ path: shotPath('topics.png'), fullPage: true });

  // ---- the admin adopts it into a plan item; the plan lists it ----
  const item = await adminApi('/api/plan', { method: 'POST', body: { year: Y, topic: '校园周边交通综合治理', form: 'micro', planned_date: `${Y}-09` } });
  await admin.click('#topics-refresh');
  await trow.locator(`.topic-item-select option[value="${item.id}"]`).waitFor({ state: 'attached' });
  await trow.locator('.topic-item-select').selectOption(item.id);
  await trow.locator('.topic-adopt').click();
  await trow.waitFor({ state: 'detached' });
  const planned = (await api(srv, `/api/plan?year=${Y}`)).find((x) => x.id === item.id);
  assert.deepEqual(planned.topics, [pending.id]);
  const adopted = (await api(srv, '/api/topics')).find((x) => x.id === pending.id);
  assert.equal(adopted.status, 'adopted');
  assert.equal(adopted.plan_item, item.id);
  await p1.reload();
  await card(p1).locator('.topic-status', { hasText: '已采纳' }).waitFor();
  assert.equal(await card(p1).locator('a.topic-plan').getAttribute('href'), '/plan');
  assert.equal(await card(p1).locator('.topic-support').count(), 0);

  // The links to /topics: the audience page and /plan.
  const aud = await open(`${srv.base}/s/${s.id}`, { name: 'audience', ...phone });
  assert.equal(await aud.locator('footer a[href="/topics"]').textContent(), '议题征集');
  const plan = await open(`${srv.base}/plan`, { name: 'plan', ...phone });
  assert.equal(await plan.locator('#topics-link').getAttribute('href'), '/topics');

  // No page broke; the only refusal was the second proposal within 10 minutes.
  const problems = all.flatMap((p) => p.problems).filter((x) => !/phone1 (HTTP 429|console: Failed to load resource.*429)/.test(x));
  assert.deepEqual(problems, []);
  for (const p of [admin, page, xssPage, p1]) assert.equal(await p.evaluate(() => window.__xss), undefined);
});
