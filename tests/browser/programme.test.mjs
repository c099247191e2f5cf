// (a) A whole programme driven through the pages only: the admin page sets it
// up, a host, a member, a department, a clerk, two phones and the overlay
// take part, and the clerk's Markdown minutes hold all of it. Also takes the
// screenshots in docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  missing, startServer, startMixer, openOverlay, launchBrowser, openPage, enterAudience, waitLive, shotPath, confirmYes,
} from './helpers.mjs';

const skip = missing();
let srv;
let browser;
let mixer;
const words = path.join(os.tmpdir(), `yst-words-${process.pid}.txt`);

before(async () => {
  if (skip) return;
  fs.writeFileSync(words, '代开发票\n');
  srv = await startServer({ extraArgs: ['--blocked-words', words] });
  browser = await launchBrowser();
  mixer = await startMixer();
});
after(async () => {
  if (mixer) mixer.close();
  if (browser) await browser.close();
  if (srv) await srv.dispose();
  fs.rmSync(words, { force: true });
});

const TITLE = '老旧小区加装电梯怎么推进';
const TOPIC = '围绕加装电梯的资金分摊、低层住户意见协调和审批流程开展协商';
const Q1 = '加装电梯的费用如何分摊？低楼层住户的意见怎么协调？';
const Q2 = '审批流程能不能再简化一些，比如一窗受理？';
const ANSWER = '我们将出台分摊指导意见，按楼层系数分摊，并设立协调专员上门听取低层住户意见。';
const POINT = '推行“一梯一策”协商机制，由社区牵头组织业主协商';
const NOTE = '记录：住建局承诺一个月内出台费用分摊指导意见。';
const Q3 = '小区门口有人代开发票，加微信联系'; // holds a blocked word

test('the whole programme through the pages', { skip: skip || false, timeout: 240000 }, async () => {
  const all = [];
  const track = (p) => { all.push(p); p.setDefaultTimeout(15000); return p; };

  // ---- admin: create the session and the participants ----
  const admin = track(await openPage(browser, `${srv.base}/admin`, { name: 'admin' }));
  await admin.fill('#token-input', srv.adminToken);
  await admin.click('#token-form button[type=submit]');
  await admin.fill('#f-title', TITLE);
  await admin.fill('#f-topic', TOPIC);
  assert.equal(await admin.isChecked('#f-premod'), true);
  await admin.click('#create-form button[type=submit]');
  await admin.locator('#created').waitFor();
  const hostLink = await admin.locator('#created-links .link-item[data-role=host] .link-field').inputValue();
  const m = /\/host\/([^#/]+)#token=(.+)$/.exec(hostLink);
  assert.ok(m, `host link has the contract's form: ${hostLink}`);
  const sid = decodeURIComponent(m[1]);
  assert.equal(await admin.locator('#add-session').inputValue(), sid);

  const people = [
    { key: 'member', name: '王建国', role: 'member', aff: '市政协委员（民革）' },
    { key: 'member2', name: '李秀兰', role: 'member', aff: '市政协委员（无党派）' },
    { key: 'dept', name: '陈志明', role: 'department', aff: '市住房和城乡建设局' },
    { key: 'clerk', name: '赵敏', role: 'clerk', aff: '区政协办公室' },
  ];
  const links = {};
  for (const p of people) {
    const before = await admin.locator('#links .link-item').count();
    await admin.fill('#add-name', p.name);
    await admin.selectOption('#add-role', p.role);
    await admin.fill('#add-aff', p.aff);
    await admin.click('#add-form button[type=submit]');
    await admin.waitForFunction((n) => document.querySelectorAll('#links .link-item').length === n + 1, before);
    links[p.key] = await admin.locator('#links .link-item').first().locator('.link-field').inputValue();
  }
  assert.match(links.member, new RegExp(`/p/${sid}#token=`));
  assert.match(links.dept, new RegExp(`/p/${sid}#token=`));
  assert.match(links.clerk, new RegExp(`/clerk/${sid}#token=`));
  await admin.locator(`#sessions .session-item[data-id="${sid}"]`).waitFor();
  await admin.waitForFunction(() => !document.querySelector('#toast.show'), null, { timeout: 6000 });
  await admin.waitForTimeout(400); // the toast's fade
  await admin.screenshot({ path: shotPath('admin.png') });

  // ---- everyone joins ----
  const host = track(await openPage(browser, hostLink, { name: 'host' }));
  const member = track(await openPage(browser, links.member, { name: 'member', width: 1280, height: 800 }));
  const dept = track(await openPage(browser, links.dept, { name: 'department', width: 1280, height: 800 }));
  const clerk = track(await openPage(browser, links.clerk, { name: 'clerk', acceptDownloads: true }));
  for (const p of [host, member, dept, clerk]) await waitLive(p);
  await host.locator('#status', { hasText: '未开始' }).waitFor();
  await member.locator('#me', { hasText: '王建国 · 政协委员' }).waitFor();
  await dept.locator('#me', { hasText: '陈志明 · 部门代表' }).waitFor();

  const aud1 = track(await openPage(browser, `${srv.base}/s/${sid}`, { name: 'audience1', width: 375, height: 812, mobile: true }));
  const aud2 = track(await openPage(browser, `${srv.base}/s/${sid}`, { name: 'audience2', width: 375, height: 812, mobile: true }));
  await enterAudience(aud1, '市民小张');
  await enterAudience(aud2, '退休教师老李');
  assert.equal(await aud1.locator('#title').textContent(), TITLE);

  // The overlay, composited over a picture the way a mixer shows it.
  const { page: ovPage, frame: ovFrame } = await openOverlay(browser, mixer, `${srv.base}/overlay/${sid}`);
  track(ovPage);
  const ovBg = await ovFrame.evaluate(() => [getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).backgroundColor]);
  assert.deepEqual(ovBg, ['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)'], 'the overlay page is transparent');

  // ---- the host starts (and confirms) ----
  await host.click('#btn-start');
  await host.locator('#confirm-title', { hasText: '开始直播？' }).waitFor();
  await confirmYes(host);
  for (const p of [aud1, aud2]) await p.locator('#status', { hasText: '直播中' }).waitFor();
  await host.locator('#status', { hasText: '直播中' }).waitFor();
  await host.locator('#presence', { hasText: '听众' }).waitFor();

  // ---- the audience asks; the host approves (a click, then the A key) ----
  await aud1.fill('#ask-text', Q1);
  assert.equal(await aud1.locator('#ask-count').textContent(), `${[...Q1].length}/500`);
  await aud1.click('#ask-submit');
  await aud1.locator('#ask-status', { hasText: '已提交，等待主持人审核' }).waitFor();
  await aud2.fill('#ask-text', Q2);
  await aud2.click('#ask-submit');
  await aud2.locator('#ask-status', { hasText: '已提交，等待主持人审核' }).waitFor();

  // A third phone asks something with a blocked word: it waits, marked in red.
  const aud3 = track(await openPage(browser, `${srv.base}/s/${sid}`, { name: 'audience3', width: 375, height: 812, mobile: true }));
  await enterAudience(aud3, '匿名用户');
  await aud3.fill('#ask-text', Q3);
  await aud3.click('#ask-submit');
  await aud3.locator('#ask-status', { hasText: '已提交，等待主持人审核' }).waitFor();
  const flagged = host.locator('#pending .q-item.flagged', { hasText: Q3 });
  await flagged.locator('.badge.danger', { hasText: '敏感词' }).waitFor();
  assert.equal(await flagged.locator('.text').evaluate((e) => getComputedStyle(e).color), 'rgb(179, 38, 30)');

  const pending1 = host.locator('#pending .q-item', { hasText: Q1 });
  await pending1.waitFor();
  await host.locator('#pending .q-item', { hasText: Q2 }).waitFor();
  await pending1.locator('button[data-action=approve]').click();
  await host.locator('#pending .q-item', { hasText: Q1 }).waitFor({ state: 'detached' });
  // The keys: J and K move the selection, A approves.
  await host.locator('#pending .q-item.selected', { hasText: Q2 }).waitFor();
  await host.keyboard.press('j');
  await host.locator('#pending .q-item.selected', { hasText: Q3 }).waitFor();
  await host.keyboard.press('k');
  await host.locator('#pending .q-item.selected', { hasText: Q2 }).waitFor();
  await host.keyboard.press('a');
  await host.locator('#pending .q-item', { hasText: Q2 }).waitFor({ state: 'detached' });
  assert.equal(await host.locator('#pending .q-item').count(), 1);

  for (const p of [aud1, aud2]) {
    await p.locator('#feed li[data-kind="question.approved"]', { hasText: Q1 }).waitFor();
    await p.locator('#feed li[data-kind="question.approved"]', { hasText: Q2 }).waitFor();
  }
  await aud1.locator('#ask-status', { hasText: '已通过审核' }).waitFor();

  // ---- both phones upvote Q1; the host sees the count ----
  for (const p of [aud1, aud2]) {
    const b = p.locator('#feed li[data-kind="question.approved"]', { hasText: Q1 }).locator('.upvote');
    await b.click();
    await p.waitForFunction((q) => {
      const li = [...document.querySelectorAll('#feed li[data-kind="question.approved"]')].find((e) => e.textContent.includes(q));
      return li && li.querySelector('.upvote').disabled;
    }, Q1);
  }
  await host.locator('#approved .q-item', { hasText: Q1 }).locator('.up-count', { hasText: '▲ 2' }).waitFor();
  await aud2.locator('#feed li[data-kind="question.approved"]', { hasText: Q1 }).locator('.upvote', { hasText: '▲ 赞 2' }).waitFor();
  // Sorted by upvotes: Q1 first.
  assert.match(await host.locator('#approved .q-item').first().textContent(), /费用如何分摊/);

  // ---- feature it: phones, participants and the overlay show it ----
  await host.locator('#approved .q-item', { hasText: Q1 }).locator('button[data-action=feature]').click();
  await ovFrame.locator('#ov-q-text', { hasText: Q1 }).waitFor();
  assert.equal(await ovFrame.locator('#ov-q-name').textContent(), '市民小张');
  for (const p of [aud1, aud2]) await p.locator('#featured-card #featured-text', { hasText: Q1 }).waitFor();
  await dept.locator('#featured-text', { hasText: Q1 }).waitFor();

  // ---- the floor ----
  await host.locator('#staff .staff-item', { hasText: '陈志明' }).locator('button').click();
  await dept.locator('#floor', { hasText: '您正在发言' }).waitFor();
  await ovFrame.locator('#ov-floor-name', { hasText: '陈志明' }).waitFor();
  await aud1.locator('#floor', { hasText: '陈志明' }).waitFor();

  // ---- a member proposes a point; everyone votes; the bars move ----
  await member.fill('#propose-text', POINT);
  await member.click('#propose-form button[type=submit]');
  await member.locator('#propose-status', { hasText: '共识点已提出' }).waitFor();
  for (const p of [aud1, aud2, member, dept]) await p.locator('.point-card', { hasText: POINT }).waitFor();
  await ovFrame.locator('.ov-point', { hasText: POINT }).waitFor();
  const widths = (p, sel) => p.$$eval(sel, (els) => els.map((e) => e.style.width));
  assert.deepEqual(await widths(aud1, '#point-list .fill'), ['0%', '0%', '0%', '0%', '0%', '0%']);

  await aud1.locator('.point-card .vote-agree').click();
  await aud2.locator('.point-card .vote-disagree').click();
  await member.locator('.point-card .vote-agree').click();
  await dept.locator('.point-card .vote-agree').click();
  await aud1.waitForFunction(() => document.querySelector('.point-card .vote-agree').getAttribute('aria-pressed') === 'true');
  // counted roles: 2 agree of 2; audience: 1 agree, 1 disagree.
  const expect = ['100%', '0%', '0%', '50%', '50%', '0%'];
  for (const p of [aud1, aud2]) {
    await p.waitForFunction((e) => JSON.stringify([...document.querySelectorAll('#point-list .fill')].map((x) => x.style.width)) === JSON.stringify(e), expect);
  }
  // The overlay's bars are the counted votes; the audience's advisory vote is a line apart.
  await ovFrame.waitForFunction((e) => JSON.stringify([...document.querySelectorAll('.ov-point .fill')].map((x) => x.style.width)) === JSON.stringify(e), expect.slice(0, 3));
  await ovFrame.locator('.ov-point .ov-advisory', { hasText: '民意参考（听众）：赞成 1 · 反对 1 · 弃权 0' }).waitFor();
  const roleRows = host.locator('#points .point-card', { hasText: POINT }).locator('.role-table tbody tr');
  await host.waitForFunction(() => document.querySelectorAll('#points .role-table tbody tr').length === 3);
  assert.deepEqual(await roleRows.allTextContents(), ['政协委员100', '部门代表100', '听众110']);

  // ---- screenshots while everything is on screen ----
  for (const p of [aud1, host, dept]) await p.evaluate(() => window.scrollTo(0, 0));
  await aud1.waitForTimeout(600); // let the bar transitions finish
  await aud1.screenshot({ path: shotPath('audience.png') });
  await aud1.screenshot({ path: shotPath('audience-full.png'), fullPage: true });
  await ovPage.screenshot({ path: shotPath('overlay.png') });
  await dept.screenshot({ path: shotPath('participant.png') });
  await host.screenshot({ path: shotPath('host.png') });

  // ---- the department answers the featured question in one click ----
  await dept.fill('#say-text', ANSWER);
  await dept.click('#btn-answer');
  await dept.locator('#say-status', { hasText: '回答已发送' }).waitFor();
  for (const p of [aud1, aud2]) {
    const st = p.locator('#feed li[data-kind=statement]', { hasText: ANSWER });
    await st.waitFor();
    assert.match(await st.locator('.reply-quote').textContent(), /费用如何分摊/);
    assert.match(await st.locator('.who').textContent(), /陈志明.*部门代表/);
  }
  await host.locator('#approved .q-item', { hasText: Q1 }).locator('button[data-action=answered]').click();
  await aud1.locator('#feed li[data-kind="question.answered"]').waitFor();
  await ovFrame.locator('#ov-question').waitFor({ state: 'hidden' });
  await host.click('#btn-release');
  await dept.locator('#floor', { hasText: '暂无人发言' }).waitFor();

  // ---- the host closes the point ----
  await host.locator('#points .point-card', { hasText: POINT }).locator('button', { hasText: '结束表决' }).click();
  await confirmYes(host);
  await host.locator('#points .point-card', { hasText: POINT }).locator('.badge', { hasText: '已采纳' }).waitFor();
  for (const p of [aud1, aud2]) {
    await p.locator('#feed li[data-kind="point.closed"]', { hasText: '已采纳' }).waitFor();
    await p.locator('#points').waitFor({ state: 'hidden' });
  }
  // The overlay shows the result on air for a while rather than let the point vanish.
  await ovFrame.locator('.ov-point.result', { hasText: POINT }).locator('.badge', { hasText: '已采纳' }).waitFor();

  // ---- the clerk notes ----
  await clerk.fill('#note-text', NOTE);
  await clerk.click('#note-submit');
  await clerk.locator('#note-status', { hasText: '已记入纪要' }).waitFor();
  await clerk.locator('#timeline li[data-kind=note]', { hasText: NOTE }).waitFor();
  await clerk.locator('#timeline li[data-kind=statement]', { hasText: ANSWER }).waitFor();
  await clerk.locator('#timeline li[data-kind="question.asked"]', { hasText: Q1 }).waitFor();
  // The minutes run oldest first.
  const seqs = await clerk.$$eval('#timeline > li', (els) => els.map((e) => Number(e.dataset.seq)));
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  await clerk.click('#btn-verify');
  await clerk.locator('#verify[data-ok=true]').waitFor();
  await clerk.screenshot({ path: shotPath('clerk.png') });

  // ---- the flagged question is rejected with the R key; no phone ever saw it ----
  await host.locator('#pending .q-item.selected', { hasText: Q3 }).waitFor();
  await host.keyboard.press('r');
  await host.locator('#confirm-title', { hasText: '不公开这个问题？' }).waitFor();
  await confirmYes(host);
  await host.locator('#pending-empty').waitFor();
  for (const p of [aud1, aud2]) assert.equal(await p.locator('#feed', { hasText: Q3 }).count(), 0);
  await clerk.locator('#timeline li[data-kind="question.rejected"]', { hasText: Q3 }).waitFor();

  // ---- the host ends (with a confirmation) ----
  await host.click('#btn-end');
  await host.locator('#confirm').waitFor();
  await host.click('#confirm-no');
  await host.locator('#confirm').waitFor({ state: 'hidden' });
  assert.equal(await host.locator('#status').textContent(), '直播中');
  await host.click('#btn-end');
  await host.click('#confirm-yes');
  for (const p of [host, aud1, aud2, member, clerk]) await p.locator('#status', { hasText: '已结束' }).waitFor();
  await aud1.locator('#feed li[data-kind="session.ended"]').waitFor();

  // ---- the clerk downloads the Markdown minutes ----
  const [dl] = await Promise.all([clerk.waitForEvent('download'), clerk.click('#downloads [data-format=md]')]);
  const md = fs.readFileSync(await dl.path(), 'utf8');
  assert.match(dl.suggestedFilename(), /\.md$/);
  fs.writeFileSync(shotPath('minutes-sample.md'), md);
  for (const s of [TITLE, Q1, Q2, ANSWER, POINT, NOTE, '王建国', '陈志明', '市民小张', '退休教师老李']) {
    assert.ok(md.includes(s), `the minutes contain ${s}`);
  }
  assert.match(md, /采纳|通过|adopted/);
  await clerk.locator('#download-status', { hasText: '已下载' }).waitFor();

  // ---- and the replay's chapter marks for the media centre ----
  const [vtt] = await Promise.all([clerk.waitForEvent('download'), clerk.click('#downloads [data-format=vtt]')]);
  const chapters = fs.readFileSync(await vtt.path(), 'utf8');
  assert.match(vtt.suggestedFilename(), /\.vtt$/);
  assert.ok(chapters.startsWith('WEBVTT\n'), 'a WebVTT file');
  assert.ok(chapters.includes(`群众提问：${Q1}`), 'the featured question is a chapter');
  assert.ok(chapters.includes('发言：陈志明'), 'the floor grant is a chapter');

  // ---- the front page lists it as ended, with its minutes ----
  const index = track(await openPage(browser, `${srv.base}/`, { name: 'index' }));
  const card = index.locator(`#ended .session-card[data-id="${sid}"]`);
  await card.waitFor();
  assert.equal(await card.locator('a', { hasText: '会议纪要' }).getAttribute('href'), `/api/sessions/${sid}/minutes?format=html`);
  await index.screenshot({ path: shotPath('index.png') });

  // ---- the printed minutes and case report: the office's structure, no table cell wrapped ----
  // (Served as attachments, so the page is given their text rather than navigated to.)
  const documents = [
    ['minutes', ['一、主要发言要点', '二、群众提问与答复', '三、形成的共识', '四、会后工作安排', '附件：协商过程记录']],
    ['case', ['一、协商背景', '二、协商过程', '三、协商成果', '四、落实情况', '五、经验启示']],
  ];
  for (const [doc, headings] of documents) {
    const html = await (await fetch(`${srv.base}/api/sessions/${sid}/${doc}?format=html`)).text();
    const printed = track(await openPage(browser, 'about:blank', { name: `${doc}-print`, width: 794, height: 1123 }));
    await printed.setContent(html);
    await printed.emulateMedia({ media: 'print' });
    const h2 = await printed.evaluate(() => [...document.querySelectorAll('h2')].map((h) => h.textContent));
    assert.deepEqual(h2, headings, `the ${doc}'s sections in order`);
    const cells = await printed.evaluate(() => [...document.querySelectorAll('table.points td, table.points th')]
      .filter((c) => c.cellIndex !== 1)
      .map((c) => ({ text: c.textContent, lines: c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight) })));
    assert.ok(cells.length >= 6, `the ${doc}'s vote table is there`);
    for (const c of cells) assert.ok(c.lines < 2, `"${c.text}" is on one line (${c.lines.toFixed(2)} lines)`);
    await printed.screenshot({ path: shotPath(`${doc}-html-print.png`) });
  }

  // No page logged an error, broke the CSP or had a request fail.
  const problems = all.flatMap((p) => p.problems);
  assert.deepEqual(problems, []);
});
