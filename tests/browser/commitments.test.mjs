// Commitments (承诺事项) and the case report (协商案例) through the pages: the clerk
// records a department's commitment, the audience follows it live, the department
// reports progress (during the session and after its end), the host records one from
// the console and a department one of its own; the clerk writes the case report's
// background and lessons, which survive a reload, and downloads the report.
// Writes docs/screenshots/clerk-commitments.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  serverAndBrowser, openPage, waitLive, makeSession, link, hostStart, confirmYes, shotPath,
} from './helpers.mjs';

const env = serverAndBrowser(before, after);
const { skip } = env;

const PEOPLE = [
  { key: 'member', name: '王建国', role: 'member', affiliation: '市政协委员（民革）' },
  { key: 'dept', name: '陈志明', role: 'department', affiliation: '市民政局' },
  { key: 'clerk', name: '赵敏', role: 'clerk', affiliation: '区政协办公室' },
];
const COMMIT = '年底前在全市新增社区食堂 20 个，优先覆盖独居老人集中的小区';
const DUE = '2030-12-31';
const PROGRESS = '已完成 12 个食堂选址，其中 5 个已开工建设';
const DONE = '20 个社区食堂全部建成并投入运营，日均服务老人 3000 人次';
const LATE = '上半年完成助餐点服务标准修订'; // due in the past: overdue until done
const OWN = '三个月内开通助餐服务投诉热线';
const BACKGROUND = '社区助餐是群众反映最集中的民生问题之一，列入本年度协商计划。';
const LESSONS = '把部门承诺写进纪要并公开办理情况，协商成果才能落地见效。';

// The card of a commitment in a list.
const card = (page, list, text) => page.locator(`${list} .commit-card`, { hasText: text });

async function report(page, c, status, text) {
  await c.locator('.progress-status').selectOption(status);
  await c.locator('.progress-text').fill(text);
  await c.locator('.progress-submit').click();
  await c.locator('.progress-msg', { hasText: '进展已报告' }).waitFor();
}

test('commitments are recorded, followed and reported on, after the end too; the case report keeps its text', { skip: skip || false, timeout: 180000 }, async () => {
  const s = await makeSession(env.srv, { title: '第8期 社区助餐怎么办', topic: '围绕社区食堂、助餐点布局开展协商', people: PEOPLE });
  const all = [];
  const open = async (url, opts) => {
    const p = await openPage(env.browser, url, opts);
    p.setDefaultTimeout(15000);
    all.push(p);
    return p;
  };
  const host = await open(link(env.srv, 'host', s.id, s.hostToken), { name: 'host' });
  const clerk = await open(link(env.srv, 'clerk', s.id, s.people.clerk.token), { name: 'clerk', acceptDownloads: true });
  const dept = await open(link(env.srv, 'department', s.id, s.people.dept.token), { name: 'department', width: 1280, height: 800 });
  const aud = await open(`${env.srv.base}/s/${s.id}`, { name: 'audience', width: 375, height: 812, mobile: true });
  for (const p of [host, clerk, dept, aud]) await waitLive(p);

  // Before the start the form says why it cannot record yet.
  await clerk.locator('#commit-status', { hasText: '直播开始后可记录承诺事项' }).waitFor();
  assert.equal(await clerk.locator('#commit-submit').isDisabled(), true);
  assert.equal(await aud.locator('#commitments').isHidden(), true, 'no empty commitments card on the phone');
  await hostStart(host);

  // ---- the clerk records the department's commitment ----
  await clerk.locator('#commit-dept option', { hasText: '陈志明（市民政局）' }).waitFor({ state: 'attached' });
  await clerk.selectOption('#commit-dept', s.people.dept.id);
  await clerk.fill('#commit-text', COMMIT);
  assert.equal(await clerk.locator('#commit-count').textContent(), `${[...COMMIT].length}/500`);
  await clerk.fill('#commit-due', DUE);
  await clerk.click('#commit-submit');
  await clerk.locator('#commit-status', { hasText: '承诺事项已记录' }).waitFor();
  assert.equal(await clerk.inputValue('#commit-text'), '');

  const cc = card(clerk, '#commitments', COMMIT);
  await cc.locator('.commit-status', { hasText: '待办理' }).waitFor();
  await cc.locator('.commit-due', { hasText: `完成时限 ${DUE}` }).waitFor();
  await clerk.locator('#timeline li[data-kind="commitment.made"]', { hasText: `陈志明 承诺：${COMMIT}（完成时限 ${DUE}）` }).waitFor();

  // The phone shows it at once, in its list and in words in its feed.
  const ac = card(aud, '#commit-list', COMMIT);
  await ac.locator('.commit-status', { hasText: '待办理' }).waitFor();
  await ac.locator('.commit-due', { hasText: DUE }).waitFor();
  await aud.locator('#feed li[data-kind="commitment.made"]', { hasText: `陈志明 承诺：${COMMIT}` }).waitFor();

  // ---- the department reports progress from its own page ----
  const dc = card(dept, '#commitments', COMMIT);
  await dc.waitFor();
  await report(dept, dc, 'in_progress', PROGRESS);
  for (const c of [dc, cc, ac]) {
    await c.locator('.commit-status', { hasText: '办理中' }).waitFor();
    await c.locator('.commit-progress', { hasText: PROGRESS }).waitFor();
  }
  await aud.locator('#feed li[data-kind="commitment.updated"]', { hasText: `办理情况（办理中）：${PROGRESS}` }).waitFor();

  // ---- the host records one from the console, due in the past: 已逾期 everywhere ----
  await host.click('#commit-box summary');
  await host.selectOption('#commit-dept', s.people.dept.id);
  await host.fill('#commit-text', LATE);
  await host.fill('#commit-due', '2020-06-30');
  await host.click('#commit-submit');
  await host.locator('#commit-status', { hasText: '承诺事项已记录' }).waitFor();
  for (const [p, list] of [[aud, '#commit-list'], [clerk, '#commitments'], [dept, '#commitments'], [host, '#commitments']]) {
    await card(p, list, LATE).locator('.commit-overdue', { hasText: '已逾期' }).waitFor();
  }
  assert.equal(await ac.locator('.commit-overdue').count(), 0, 'a commitment due in 2030 is not overdue');

  // ---- the department commits itself, while live ----
  await dept.click('#commit-box summary');
  assert.equal(await dept.locator('#commit-dept').count(), 0, 'a department commits for itself');
  await dept.fill('#commit-text', OWN);
  await dept.click('#commit-submit');
  await dept.locator('#commit-status', { hasText: '承诺事项已记录' }).waitFor();
  await card(dept, '#commitments', OWN).locator('.commit-status', { hasText: '待办理' }).waitFor();
  await card(aud, '#commit-list', OWN).waitFor();
  assert.equal(await aud.locator('#commit-list .commit-card').count(), 3);

  // ---- the host ends; the department still reports, and the phone shows it done ----
  await host.click('#btn-end');
  await confirmYes(host);
  for (const p of [host, clerk, dept, aud]) await p.locator('#status', { hasText: '已结束' }).waitFor();
  assert.equal(await dept.locator('#commit-box').isHidden(), true, 'no new commitment of its own after the end');
  await report(dept, dc, 'done', DONE);
  await dc.locator('.commit-status', { hasText: '已办结' }).waitFor();
  await cc.locator('.commit-progress', { hasText: DONE }).waitFor();
  await aud.reload();
  await waitLive(aud);
  const ac2 = card(aud, '#commit-list', COMMIT);
  await ac2.locator('.commit-status', { hasText: '已办结' }).waitFor();
  await ac2.locator('.commit-progress', { hasText: DONE }).waitFor();
  await card(aud, '#commit-list', LATE).locator('.commit-overdue', { hasText: '已逾期' }).waitFor();

  // ---- the case report: background and lessons, saved, kept over a reload ----
  for (const [section, text] of [['background', BACKGROUND], ['lessons', LESSONS]]) {
    await clerk.fill(`#case-${section}`, text);
    assert.equal(await clerk.locator(`#case-${section}-count`).textContent(), `${[...text].length}/5000`);
    await clerk.click(`#case-${section}-save`);
    await clerk.locator(`#case-${section}-status`, { hasText: '已保存' }).waitFor();
  }
  await clerk.locator('#timeline li[data-kind="case.text"]', { hasText: `协商背景：${BACKGROUND}` }).waitFor();
  await clerk.reload();
  await waitLive(clerk);
  await clerk.waitForFunction(([b, l]) => document.querySelector('#case-background').value === b
    && document.querySelector('#case-lessons').value === l, [BACKGROUND, LESSONS]);
  assert.equal(await clerk.locator('#case-background-save').isDisabled(), true, 'nothing unsaved after the reload');
  await card(clerk, '#commitments', COMMIT).locator('.commit-status', { hasText: '已办结' }).waitFor();

  const [dl] = await Promise.all([clerk.waitForEvent('download'), clerk.click('#case-downloads [data-format=md]')]);
  const md = fs.readFileSync(await dl.path(), 'utf8');
  assert.match(dl.suggestedFilename(), /\.md$/);
  for (const x of ['一、协商背景', BACKGROUND, '四、落实情况', COMMIT, LATE, OWN, '五、经验启示', LESSONS]) {
    assert.ok(md.includes(x), `the case report contains ${x}`);
  }
  await clerk.locator('#case-download-status', { hasText: '已下载' }).waitFor();

  // ---- the clerk's commitment and case blocks, for the docs ----
  // A viewport as tall as the page, so that the sticky bar stays at the top, off the blocks.
  await clerk.setViewportSize({ width: 1440, height: Math.min(4000, await clerk.evaluate(() => document.documentElement.scrollHeight)) });
  await clerk.evaluate(() => window.scrollTo(0, 0));
  const clip = await clerk.evaluate(() => {
    const a = document.querySelector('#commit-block').getBoundingClientRect();
    const b = document.querySelector('#case-block').getBoundingClientRect();
    const x = Math.min(a.left, b.left) - 12;
    return { x, y: a.top + window.scrollY - 12, width: Math.max(a.right, b.right) + 12 - x, height: b.bottom - a.top + 24 };
  });
  await clerk.screenshot({ path: shotPath('clerk-commitments.png'), clip });

  assert.deepEqual(all.flatMap((p) => p.problems), []);
});
