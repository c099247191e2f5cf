// The year through the pages: the admin adds an item to the year's consultation plan
// (年度协商计划) on /admin, the public plan (/plan, on a phone) shows it 计划中; 据此创建议事
// fills the create form, the session takes the item's form and venue and the item's
// departments join it with their links; the host starts, a department commits (once
// past due), the host ends; /plan shows 已举行 with working links to the minutes and
// the case report; /follow (办理情况公开) shows the commitment 已逾期, its filters keep and
// hide it, and 已办结 once the department reports it done from its page; /stats, with
// the admin token, draws its charts and shows the totals of GET /api/stats, and its
// CSV button saves the file. Writes docs/screenshots/plan.png, follow.png, stats.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  serverAndBrowser, openPage, waitLive, api, hostStart, confirmYes, enterAudience, shotPath,
} from './helpers.mjs';

const env = serverAndBrowser(before, after);
const { skip } = env;

const Y = new Date().getFullYear();
const TOPIC = '老旧小区加装电梯怎么推进';
const DATE = `${Y}-06-18`;
const DEPTS = ['市住建局', '市民政局'];
const LATE = '三个月内出台加装电梯财政补贴实施细则'; // due in the past: overdue until done
const LATE_DUE = `${Y - 1}-10-31`;
const NEXT = '年内完成 30 个小区的加装电梯意愿摸排';
const NEXT_DUE = `${Y + 1}-06-30`;
const PROGRESS = '已完成 12 个小区的入户摸排';
const DONE = '补贴实施细则已印发，首批 8 部电梯获得补贴';
const QUESTION = '加装电梯的费用怎么分摊？低楼层住户不同意怎么办？';
const XSS = '<img src=x onerror="window.__xss=1">';

const cardOf = (page, list, text) => page.locator(`${list} .commit-card`, { hasText: text });

async function report(page, c, status, text) {
  await c.locator('.progress-status').selectOption(status);
  await c.locator('.progress-text').fill(text);
  await c.locator('.progress-submit').click();
  await c.locator('.progress-msg', { hasText: '进展已报告' }).waitFor();
}

test('the plan, the follow-up and the statistics through the pages', { skip: skip || false, timeout: 240000 }, async () => {
  const { srv } = env;
  const adminApi = (p, opts = {}) => api(srv, p, { token: srv.adminToken, ...opts });
  const all = [];
  const open = async (url, opts) => {
    const p = await openPage(env.browser, url, opts);
    p.setDefaultTimeout(15000);
    all.push(p);
    return p;
  };
  const phone = { width: 375, height: 812, mobile: true };

  // Other items of the year, as an office enters them: a month only, undated, one to cancel;
  // and next year's, whose words must stay text.
  await adminApi('/api/plan', { method: 'POST', body: { year: Y, topic: '背街小巷停车难怎么管', form: 'micro', venue: '西街道议事厅', planned_date: `${Y}-03`, lead: '市政协社会和法制委员会', departments: ['市公安局交警支队'] } });
  await adminApi('/api/plan', { method: 'POST', body: { year: Y, topic: '社区助餐服务提质扩面', form: 'forum', lead: '市政协农业和农村委员会' } });
  const night = await adminApi('/api/plan', { method: 'POST', body: { year: Y, topic: '夜市经济规范发展', form: 'counterpart', planned_date: `${Y}-09-10`, venue: '线上演播室' } });
  const xssItem = await adminApi('/api/plan', { method: 'POST', body: { year: Y + 1, topic: `议题${XSS}`, form: 'plenary', venue: XSS, lead: XSS, departments: [XSS], notes: `<script>window.__xss=2</script>` } });

  // ---- the admin adds the item through the page ----
  const admin = await open(`${srv.base}/admin`, { name: 'admin', width: 1440, height: 900 });
  await admin.fill('#token-input', srv.adminToken);
  await admin.click('#token-form button[type=submit]');
  await admin.locator('#token-status.ok-text').waitFor();
  assert.equal(await admin.inputValue('#plan-year'), String(Y));
  await admin.click('#plan-add summary');
  await admin.fill('#p-topic', TOPIC);
  await admin.selectOption('#p-form', 'thematic');
  assert.equal(await admin.locator('#p-form option[value=thematic]').textContent(), '专题协商会');
  await admin.fill('#p-date', DATE);
  await admin.fill('#p-venue', '东街道议事厅');
  await admin.fill('#p-lead', '市政协城建委');
  await admin.fill('#p-depts', DEPTS.join('、'));
  await admin.fill('#p-notes', '结合城市更新行动一并推进');
  await admin.click('#plan-form button[type=submit]');
  const row = admin.locator('#plan-items .plan-admin-item', { hasText: TOPIC });
  await row.locator('.plan-status', { hasText: '计划中' }).waitFor();
  const item = (await api(srv, `/api/plan?year=${Y}`)).find((x) => x.topic === TOPIC);
  assert.ok(item, 'the item is in the plan');
  assert.deepEqual(item.departments, DEPTS, 'departments split on 、');
  assert.equal(item.planned_date, DATE);
  assert.equal(item.form, 'thematic');
  assert.equal(item.venue, '东街道议事厅');
  assert.equal(item.lead, '市政协城建委');

  // Cancel (two clicks), restore, cancel again: the admin's list and the API agree.
  const nightRow = admin.locator(`#plan-items .plan-admin-item[data-id="${night.id}"]`);
  await nightRow.locator('button', { hasText: '取消计划' }).click();
  await nightRow.locator('button', { hasText: '确认？再点一次' }).click();
  await admin.locator(`#plan-items .plan-admin-item[data-id="${night.id}"][data-status=cancelled] .plan-status`, { hasText: '已取消' }).waitFor();
  assert.equal(await admin.locator(`#plan-items .plan-admin-item[data-id="${night.id}"] .plan-create`).isDisabled(), true);
  await admin.locator(`#plan-items .plan-admin-item[data-id="${night.id}"] .plan-restore`).click();
  await admin.locator(`#plan-items .plan-admin-item[data-id="${night.id}"][data-status=planned]`).waitFor();
  await nightRow.locator('button', { hasText: '取消计划' }).click();
  await nightRow.locator('button', { hasText: '确认？再点一次' }).click();
  await admin.locator(`#plan-items .plan-admin-item[data-id="${night.id}"][data-status=cancelled]`).waitFor();
  assert.equal((await api(srv, `/api/plan?year=${Y}`)).find((x) => x.id === night.id).status, 'cancelled');

  // ---- the public plan on a phone: by month, 计划中, the calendar ----
  const plan = await open(`${srv.base}/plan`, { name: 'plan', ...phone });
  const planItem = plan.locator(`.plan-item[data-id="${item.id}"]`);
  await planItem.locator('.plan-status', { hasText: '计划中' }).waitFor();
  assert.equal(await plan.locator('.plan-month[data-month="6"] .month-title').textContent(), '6月');
  assert.equal(await plan.locator('.plan-month[data-month="6"] .plan-item').count(), 1);
  await planItem.locator('.plan-form', { hasText: '专题协商会' }).waitFor();
  await planItem.locator('.plan-line', { hasText: '市住建局、市民政局' }).waitFor();
  await plan.locator('.plan-month[data-month="3"] .plan-item', { hasText: '背街小巷停车难怎么管' }).waitFor();
  const months = await plan.$$eval('.plan-month .month-title', (els) => els.map((e) => e.textContent));
  assert.deepEqual(months, ['3月', '6月', '9月', '待定'], 'months in order, undated last');
  await plan.locator('.plan-item.status-cancelled .plan-status', { hasText: '已取消' }).waitFor();
  const ics = await plan.$eval('#ics', (a) => a.href);
  assert.equal(ics, `${srv.base}/api/plan.ics?year=${Y}`);
  assert.equal(await plan.locator('#ics').textContent(), '订阅日历');
  const cal = await fetch(ics);
  assert.equal(cal.status, 200);
  assert.match(cal.headers.get('content-type'), /^text\/calendar/);
  assert.ok((await cal.text()).includes(TOPIC));

  // Another year, by the selector and by ?year=: its words are text.
  await plan.selectOption('#year', String(Y + 1));
  await plan.locator(`.plan-item[data-id="${xssItem.id}"] .plan-topic`, { hasText: `议题${XSS}` }).waitFor();
  assert.match(plan.url(), new RegExp(`\\?year=${Y + 1}$`));
  assert.equal(await plan.$eval('#ics', (a) => a.getAttribute('href')), `/api/plan.ics?year=${Y + 1}`);
  await plan.locator('.plan-line', { hasText: '<script>window.__xss=2</script>' }).waitFor();
  assert.equal(await plan.locator('.plan-item img, .plan-item script').count(), 0);
  assert.equal(await plan.evaluate(() => window.__xss), undefined);

  // ---- 据此创建议事: the create form filled from the item; its departments join ----
  await row.locator('.plan-create', { hasText: '据此创建议事' }).click();
  await admin.locator('#plan-link-note', { hasText: TOPIC }).waitFor();
  assert.equal(await admin.inputValue('#f-title'), TOPIC);
  assert.equal(await admin.inputValue('#f-topic'), TOPIC);
  assert.equal(await admin.inputValue('#f-venue'), '东街道议事厅');
  assert.equal(await admin.inputValue('#f-form'), 'thematic');
  await admin.fill('#f-title', `第3期 ${TOPIC}`);
  await admin.fill('#f-host', '李明');
  await admin.click('#create-form button[type=submit]');
  await admin.locator('#created').waitFor();
  const hostLink = await admin.locator('#created-links .link-item[data-role=host] .link-field').inputValue();
  const sid = decodeURIComponent(/\/host\/([^#/]+)#token=/.exec(hostLink)[1]);
  const deptLinks = admin.locator('#links .link-item[data-role=department]');
  await deptLinks.nth(1).waitFor();
  assert.equal(await deptLinks.count(), 2);
  const snap = await api(srv, `/api/sessions/${sid}`);
  assert.equal(snap.plan_item, item.id);
  assert.equal(snap.form, 'thematic');
  assert.equal(snap.venue, '东街道议事厅');
  const staff = await adminApi(`/api/sessions/${sid}/participants`);
  const depts = staff.filter((p) => p.role === 'department');
  assert.deepEqual(depts.map((p) => p.name).sort(), [...DEPTS].sort(), 'the item\'s departments take part');
  for (const p of depts) assert.equal(p.affiliation, p.name);
  assert.equal(await admin.locator('#plan-link-note').isHidden(), true, 'the next session is not linked');
  await row.locator('.plan-status', { hasText: '已安排' }).waitFor();
  const deptLink = await deptLinks.filter({ hasText: '市住建局' }).locator('.link-field').inputValue();

  // ---- the host starts; a phone asks, the host approves and marks it answered ----
  const host = await open(hostLink, { name: 'host' });
  const dept = await open(deptLink, { name: 'department', width: 1280, height: 800 });
  const aud = await open(`${srv.base}/s/${sid}`, { name: 'audience', ...phone });
  await waitLive(host);
  await waitLive(dept);
  await hostStart(host);
  await enterAudience(aud, '张阿姨');
  await aud.fill('#ask-text', QUESTION);
  await aud.click('#ask-submit');
  await aud.locator('#ask-status', { hasText: '已提交，等待主持人审核' }).waitFor();
  await host.locator('#pending .q-item', { hasText: QUESTION }).locator('button[data-action=approve]').click();
  await host.locator('#approved .q-item', { hasText: QUESTION }).locator('button[data-action=answered]').click();
  await aud.locator('#feed li[data-kind="question.answered"]').waitFor();

  // ---- the department commits: once past due, once for next year ----
  for (const [text, due] of [[LATE, LATE_DUE], [NEXT, NEXT_DUE]]) {
    if (!(await dept.locator('#commit-box').evaluate((d) => d.open))) await dept.click('#commit-box summary');
    await dept.fill('#commit-text', text);
    await dept.fill('#commit-due', due);
    await dept.click('#commit-submit');
    await dept.locator('#commit-status', { hasText: '承诺事项已记录' }).waitFor();
    await cardOf(dept, '#commitments', text).waitFor();
  }
  await report(dept, cardOf(dept, '#commitments', NEXT), 'in_progress', PROGRESS);

  // ---- the host ends ----
  await host.click('#btn-end');
  await confirmYes(host);
  await host.locator('#status', { hasText: '已结束' }).waitFor();

  // ---- /plan: 已举行, with the minutes and the case report ----
  await plan.goto(`${srv.base}/plan`);
  await planItem.locator('.plan-status', { hasText: '已举行' }).waitFor();
  for (const kind of ['minutes', 'case']) {
    const a = planItem.locator(`.plan-session[data-session="${sid}"] a[data-kind=${kind}]`);
    assert.equal(await a.textContent(), kind === 'minutes' ? '会议纪要' : '协商案例');
    const href = await a.evaluate((el) => el.href);
    assert.equal(href, `${srv.base}/api/sessions/${sid}/${kind}?format=html`);
    const res = await fetch(href);
    assert.equal(res.status, 200, href);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.ok((await res.text()).includes(TOPIC));
  }
  await plan.screenshot({ path: shotPath('plan.png'), fullPage: true });

  // ---- /follow: 已逾期, the filters ----
  const follow = await open(`${srv.base}/follow`, { name: 'follow', ...phone });
  const late = cardOf(follow, '#list', LATE);
  await late.locator('.commit-overdue', { hasText: '已逾期' }).waitFor();
  await late.locator('.commit-status', { hasText: '待办理' }).waitFor();
  await late.locator('.commit-due', { hasText: `完成时限 ${LATE_DUE}` }).waitFor();
  await late.locator('.commit-head b', { hasText: '市住建局' }).waitFor();
  assert.equal(await late.locator('.commit-from a').textContent(), `第3期 ${TOPIC}`);
  assert.equal(await late.locator('.commit-from a').evaluate((a) => a.href), `${srv.base}/s/${sid}`);
  await cardOf(follow, '#list', NEXT).locator('.commit-progress', { hasText: PROGRESS }).waitFor();
  await follow.locator('#summary', { hasText: '共 2 项承诺，已办结 0 项，已逾期 1 项' }).waitFor();
  await follow.check('#f-overdue');
  await late.waitFor();
  await cardOf(follow, '#list', NEXT).waitFor({ state: 'detached' });
  await follow.selectOption('#f-status', 'done');
  await late.waitFor({ state: 'detached' });
  await follow.locator('#list-empty', { hasText: '没有符合条件的承诺事项' }).waitFor();
  await follow.uncheck('#f-overdue');
  await follow.selectOption('#f-status', '');
  await follow.selectOption('#f-dept', '市住建局');
  assert.equal(await follow.locator('#list .commit-card').count(), 2);
  await follow.selectOption('#f-dept', '');
  await cardOf(follow, '#list', NEXT).waitFor();
  await follow.screenshot({ path: shotPath('follow.png'), fullPage: true });

  // ---- the department reports it done from its own page; /follow follows ----
  await report(dept, cardOf(dept, '#commitments', LATE), 'done', DONE);
  await follow.reload();
  await late.locator('.commit-status', { hasText: '已办结' }).waitFor();
  await late.locator('.commit-progress', { hasText: DONE }).waitFor();
  assert.equal(await late.locator('.commit-overdue').count(), 0, 'done is no longer overdue');
  await follow.selectOption('#f-status', 'done');
  await late.waitFor();
  assert.equal(await follow.locator('#list .commit-card').count(), 1);
  await follow.reload(); // the filter is in the URL
  await late.waitFor();
  assert.equal(await follow.inputValue('#f-status'), 'done');
  assert.equal(await follow.locator('#list .commit-card').count(), 1);
  await follow.selectOption('#f-status', '');
  await cardOf(follow, '#list', NEXT).waitFor();

  // ---- /stats with the admin token: the totals of GET /api/stats, the charts, the CSV ----
  const stats = await open(`${srv.base}/stats`, { name: 'stats', width: 1440, height: 900, acceptDownloads: true });
  await stats.locator('#need-token', { hasText: '请先输入管理员令牌' }).waitFor();
  await stats.fill('#token-input', srv.adminToken);
  await stats.click('#token-form button[type=submit]');
  await stats.locator('#token-status.ok-text').waitFor();
  await stats.fill('#from', `${Y}-01-01`);
  await stats.fill('#to', `${Y}-12-31`);
  await stats.click('#range-form button[type=submit]');
  await stats.locator('#range-note', { hasText: `${Y}-01-01 至 ${Y}-12-31` }).waitFor();
  const want = await adminApi(`/api/stats?from=${Y}-01-01&to=${Y}-12-31`);
  const tot = want.totals;
  assert.equal(tot.sessions, 1);
  const pct = (r) => `${Math.round(r * 100)}%`;
  const tile = (k) => stats.locator(`#totals .tile[data-key=${k}] .tile-value`).textContent();
  for (const k of ['sessions', 'peak_audience', 'audience_active', 'questions_asked']) assert.equal(await tile(k), String(tot[k]), k);
  for (const k of ['answer_rate', 'adoption_rate', 'completion_rate']) assert.equal(await tile(k), pct(tot[k]), k);
  assert.equal(await tile('answer_rate'), '100%');
  assert.equal(await tile('completion_rate'), '50%');
  assert.ok(tot.peak_audience >= 1 && tot.audience_active === 1, JSON.stringify(tot));
  const month = new Date(want.sessions[0].started_at);
  const mk = `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, '0')}`;
  assert.equal(await stats.locator('#chart-month svg .month').count(), 12, 'the twelve months of the range');
  assert.equal(await stats.locator(`#chart-month svg .month[data-month="${mk}"] rect.bar`).count(), 1);
  assert.equal(await stats.locator('#chart-month svg rect.bar').count(), 1);
  assert.equal(await stats.locator(`#chart-audience svg .session-row[data-session="${sid}"] rect.bar`).count(), 2);
  assert.equal(await stats.locator('#chart-rates svg rect.bar').count(), 3);
  await stats.locator('#by-form tr[data-key=thematic] th', { hasText: '专题协商会' }).waitFor();
  await stats.locator('#by-venue tr[data-key="东街道议事厅"]').waitFor();
  const [dl] = await Promise.all([stats.waitForEvent('download'), stats.click('#csv')]);
  assert.equal(dl.suggestedFilename(), `stats-${Y}-01-01-${Y}-12-31.csv`);
  const csv = fs.readFileSync(await dl.path());
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM');
  const lines = csv.subarray(3).toString('utf8').trim().split(/\r?\n/);
  assert.match(lines[0], /^id,title,form,venue,started_at,ended_at,peak_audience,/);
  assert.equal(lines.length, 2);
  assert.ok(lines[1].startsWith(`${sid},`));
  await stats.screenshot({ path: shotPath('stats.png'), fullPage: true });

  // No page broke (the only refusal: none was asked for here).
  assert.deepEqual(all.flatMap((p) => p.problems), []);
  assert.equal(await admin.evaluate(() => window.__xss), undefined);
});
