// Issue 12, "the live programme, as a studio runs it", through the pages: the phone
// shows the programme before asking a name and tells the asker what became of the
// question (pending, not published, merged); the speaking queue with a time budget
// and its countdown on the overlay; an overlay whose panels never overlap at
// 1920x1080 nor 1280x720, with a result card and an end card; a vote result that
// shows the counted votes and the audience's advisory vote apart; the host's
// confirmations, 撤下, 标记开播 and the minutes' sign-off. Writes screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverAndBrowser, startMixer, openOverlay, openPage, enterAudience, waitLive, makeSession, link, shotPath,
  confirmYes, hostStart, sleep,
} from './helpers.mjs';

const env = serverAndBrowser(before, after);
const { skip } = env;
let mixer;
before(async () => { if (!skip) mixer = await startMixer(); });
after(() => { if (mixer) mixer.close(); });

const PHONE = { width: 390, height: 844, mobile: true };
const PEOPLE = [
  { key: 'member', name: '王建国', role: 'member', affiliation: '市政协委员（民革）' },
  { key: 'member2', name: '李秀兰', role: 'member', affiliation: '市政协委员（无党派）' },
  { key: 'dept', name: '陈志明', role: 'department', affiliation: '市住房和城乡建设局' },
  { key: 'clerk', name: '赵敏', role: 'clerk', affiliation: '区政协办公室' },
];

// Requests over a WebSocket of its own, opened from inside a page of the server's
// origin: for what no page offers (a 10 s budget) and for extra voters.
async function viaSocket(page, join, requests = []) {
  return page.evaluate(async ([joinFrame, reqs]) => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    const waiting = new Map();
    ws.onmessage = (e) => {
      for (const m of [].concat(JSON.parse(e.data))) {
        if (m.id != null && waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); }
      }
    };
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    const send = (id, frame) => new Promise((resolve) => { waiting.set(id, resolve); ws.send(JSON.stringify({ ...frame, id })); });
    const replies = [await send(1, joinFrame)];
    for (let i = 0; i < reqs.length; i++) replies.push(await send(i + 2, reqs[i]));
    ws.close();
    return replies.map((r) => ({ type: r.type, code: r.code, message: r.message }));
  }, [join, requests]);
}

const hostJoin = (s) => ({ type: 'join', session: s.id, token: s.hostToken });
const audienceJoin = (s, n) => ({ type: 'join', session: s.id, role: 'audience', name: `投票听众${n}`, client_id: `studio-voter-${n}` });

// The visible panels' boxes (getBoundingClientRect, so the stage's scale counts).
async function panelBoxes(frame) {
  return frame.evaluate(() => [...document.querySelectorAll('.ov-panel, .ov-point')]
    .filter((e) => e.getClientRects().length > 0)
    .map((e) => {
      const r = e.getBoundingClientRect();
      return { name: e.id || e.className, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    }));
}
// After a reload, the asker's own question in 我的提问 with its status and kind word.
async function reloadedMine(phone, status, text, message) {
  await phone.reload();
  await waitLive(phone);
  const item = phone.locator(`#mine-list .mine-item[data-status=${status}]`, { hasText: text });
  await item.locator('.mine-msg', { hasText: message }).waitFor();
  return item;
}

const intersect = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
function assertApart(boxes, width, height, what) {
  for (const b of boxes) {
    assert.ok(b.left >= 0 && b.top >= 0 && b.right <= width + 0.5 && b.bottom <= height + 0.5, `${what}: ${b.name} inside ${width}x${height}: ${JSON.stringify(b)}`);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      assert.ok(!intersect(boxes[i], boxes[j]), `${what}: ${boxes[i].name} ${JSON.stringify(boxes[i])} overlaps ${boxes[j].name} ${JSON.stringify(boxes[j])}`);
    }
  }
}

test('the phone shows the programme at once, asks a name at the first question, and tells the asker what became of it', { skip: skip || false, timeout: 180000 }, async () => {
  const s = await makeSession(env.srv, {
    title: '第12期 社区养老服务怎么办',
    topic: '围绕社区食堂、助餐点和上门服务开展协商',
    scheduledAt: '2026-11-26T19:30:00+08:00',
    settings: { ask_interval_s: 0 },
  });
  const host = await openPage(env.browser, link(env.srv, 'host', s.id, s.hostToken), { name: 'host' });
  host.setDefaultTimeout(15000);
  await waitLive(host);

  // ---- before the name: the programme, at once ----
  const phone = await openPage(env.browser, `${env.srv.base}/s/${s.id}`, { name: 'phone', ...PHONE });
  phone.setDefaultTimeout(15000);
  await waitLive(phone);
  assert.equal(await phone.locator('#nick-dialog').isHidden(), true, 'no name asked before anything shows');
  assert.equal(await phone.locator('#title').textContent(), '第12期 社区养老服务怎么办');
  assert.match(await phone.locator('#when').textContent(), /^预定开始：2026-11-26 \d\d:30$/);
  await phone.locator('#topic', { hasText: '社区食堂' }).waitFor();
  assert.match(await phone.locator('#ask-as').textContent(), /^昵称：听众\d{4}$/);
  assert.equal(await phone.locator('#stream').isHidden(), true, 'no dead player, no placeholder');

  await hostStart(host);
  await phone.locator('#status', { hasText: '直播中' }).waitFor();

  // ---- the first question asks for the name, prefilled and changeable ----
  const Q = '社区食堂能不能给独居老人送餐上门？';
  await phone.fill('#ask-text', Q);
  await phone.click('#ask-submit');
  await phone.locator('#nick-dialog').waitFor({ state: 'visible' });
  assert.match(await phone.inputValue('#nick-input'), /^听众\d{4}$/);
  await phone.fill('#nick-input', '王阿姨');
  await phone.click('#nick-ok');
  await phone.locator('#ask-status', { hasText: '已提交，等待主持人审核' }).waitFor();
  // The question carries the chosen name (the page joined again under it).
  await host.locator('#pending .q-item', { hasText: Q }).locator('.name', { hasText: '王阿姨' }).waitFor();

  // The asker sees the pending question, which nobody else does.
  const mine = phone.locator('#mine-list .mine-item', { hasText: Q });
  await mine.waitFor();
  assert.equal(await mine.getAttribute('data-status'), 'pending');
  await mine.locator('.mine-msg', { hasText: '正在等待主持人审核' }).waitFor();

  // A second question goes out under the same name, with no dialog.
  const Q2 = '周末能不能也开放助餐点？';
  await phone.fill('#ask-text', Q2);
  await phone.click('#ask-submit');
  await phone.locator('#mine-list .mine-item', { hasText: Q2 }).waitFor();
  assert.equal(await phone.locator('#nick-dialog').isHidden(), true);

  // ---- the host rejects the first, with a reason (a confirmation first) ----
  await host.locator('#pending .q-item', { hasText: Q }).locator('button[data-action=reject]').click();
  await host.locator('#confirm-title', { hasText: '不公开这个问题？' }).waitFor();
  await host.click('#confirm-no');
  await host.locator('#confirm').waitFor({ state: 'hidden' });
  assert.equal(await host.locator('#pending .q-item', { hasText: Q }).count(), 1, 'cancel leaves it pending');
  await host.locator('#pending .q-item', { hasText: Q }).locator('button[data-action=reject]').click();
  await host.selectOption('#confirm-reason', { label: '与本期议题关系不大' });
  await confirmYes(host);
  await host.locator('#pending .q-item', { hasText: Q }).waitFor({ state: 'detached' });
  await host.locator('#feed li[data-kind="question.rejected"]', { hasText: '原因：与本期议题关系不大' }).waitFor();

  // The phone learns it kindly: live once the server sends the asker its own
  // question.rejected, and in any case from you.questions when it comes back.
  await reloadedMine(phone, 'rejected', Q, '很抱歉，这个问题这次没有公开');
  await phone.locator('#mine-list .mine-item[data-status=pending]', { hasText: Q2 }).waitFor();
  assert.equal(await phone.locator('#ask-as').textContent(), '昵称：王阿姨', 'the chosen name stays');
  assert.equal(await phone.locator('#feed', { hasText: Q }).count(), 0, 'a rejected question is not in the public feed');
  await phone.evaluate(() => window.scrollTo(0, document.querySelector('#ask-h').getBoundingClientRect().top + window.scrollY - 70));
  await phone.screenshot({ path: shotPath('audience-mine.png') });

  assert.deepEqual([...host.problems, ...phone.problems], []);
});

test('merging duplicates: the host folds one question into another; the phone shows where it went', { skip: skip || false, timeout: 180000 }, async () => {
  const s = await makeSession(env.srv, { title: '合并重复问题', settings: { ask_interval_s: 0 } });
  const host = await openPage(env.browser, link(env.srv, 'host', s.id, s.hostToken), { name: 'host' });
  host.setDefaultTimeout(15000);
  await waitLive(host);
  await hostStart(host);
  const wang = await openPage(env.browser, `${env.srv.base}/s/${s.id}`, { name: 'wang', ...PHONE });
  const li = await openPage(env.browser, `${env.srv.base}/s/${s.id}`, { name: 'li', ...PHONE });
  for (const p of [wang, li]) p.setDefaultTimeout(15000);
  await enterAudience(wang, '王阿姨');
  await enterAudience(li, '老李');
  const QW = '加装电梯的费用怎么分摊？';
  const QL = '电梯加装费用到底谁出？';
  await wang.fill('#ask-text', QW);
  await wang.click('#ask-submit');
  await li.fill('#ask-text', QL);
  await li.click('#ask-submit');
  for (const q of [QW, QL]) {
    await host.locator('#pending .q-item', { hasText: q }).locator('button[data-action=approve]').click();
    await host.locator('#approved .q-item', { hasText: q }).waitFor();
  }
  await li.locator('#feed li[data-kind="question.approved"]', { hasText: QW }).locator('.upvote').click();

  // 合并到…: 老李's question into 王阿姨's, chosen and confirmed in one dialog.
  const target = await host.locator('#approved .q-item', { hasText: QW }).getAttribute('data-q');
  await host.locator('#approved .q-item', { hasText: QL }).locator('button[data-action=merge]').click();
  await host.locator('#confirm-title', { hasText: '合并相同的问题？' }).waitFor();
  assert.match(await host.locator('#confirm-body').textContent(), /老李：电梯加装费用到底谁出？.*并入/s);
  assert.deepEqual(await host.locator('#confirm-target option').allTextContents(), ['「王阿姨：加装电梯的费用怎么分摊？」']);
  await host.selectOption('#confirm-target', target);
  await confirmYes(host);
  await host.locator('#approved .q-item', { hasText: QL }).waitFor({ state: 'detached' });
  await host.locator('#feed li[data-kind="question.merged"]', { hasText: QL }).waitFor();

  // 老李's phone shows where the question went (from you.questions on reload at least).
  const merged = await reloadedMine(li, 'merged', QL, '您的问题已与另一位听众的相同问题合并');
  await merged.locator('.reply-quote', { hasText: QW }).waitFor();
  await merged.locator('.reply-quote', { hasText: '王阿姨' }).waitFor();
  // The upvote is remembered across the reload (you.upvoted).
  await li.locator('#feed li[data-kind="question.approved"]', { hasText: QW }).locator('.upvote:disabled').waitFor();
  // The merged question is gone from the public list.
  await li.click('#tab-qs');
  await li.locator('#qlist .q-item', { hasText: QW }).waitFor();
  assert.equal(await li.locator('#qlist .q-item', { hasText: QL }).count(), 0);

  assert.deepEqual([...host.problems, ...wang.problems, ...li.problems], []);
});

test('the speaking queue, the overlay layout, results and the sign-off, as a studio runs them', { skip: skip || false, timeout: 300000 }, async () => {
  const s = await makeSession(env.srv, { title: '第13期 老旧小区加装电梯怎么推进', topic: '资金分摊、低层住户意见协调和审批流程', people: PEOPLE });
  const pages = [];
  const open = async (url, opts) => { const p = await openPage(env.browser, url, opts); p.setDefaultTimeout(15000); pages.push(p); return p; };
  const host = await open(link(env.srv, 'host', s.id, s.hostToken), { name: 'host', width: 1440, height: 900 });
  const member = await open(link(env.srv, 'member', s.id, s.people.member.token), { name: 'member', width: 1280, height: 800 });
  const dept = await open(link(env.srv, 'department', s.id, s.people.dept.token), { name: 'department', width: 1280, height: 800 });
  const clerk = await open(link(env.srv, 'clerk', s.id, s.people.clerk.token), { name: 'clerk' });
  for (const p of [host, member, dept, clerk]) await waitLive(p);
  const phone = await open(`${env.srv.base}/s/${s.id}`, { name: 'phone', ...PHONE });
  await waitLive(phone);
  const { page: ovPage, frame: ov } = await openOverlay(env.browser, mixer, `${env.srv.base}/overlay/${s.id}`);
  pages.push(ovPage);

  // ---- the start needs a confirmation: cancel, then confirm ----
  await host.click('#btn-start');
  await host.click('#confirm-no');
  await host.locator('#confirm').waitFor({ state: 'hidden' });
  assert.equal(await host.locator('#status').textContent(), '未开始');
  await hostStart(host);

  // The overlay is not audience: presence counts it apart.
  await host.locator('#presence', { hasText: '直播画面 1' }).waitFor();
  await host.locator('#presence', { hasText: '听众 1' }).waitFor();

  // ---- who is connected: a dot by each member and department in the host's list ----
  const dot = (key) => host.locator(`#staff li[data-participant="${s.people[key].id}"] .online-dot`);
  await host.locator(`#staff li[data-participant="${s.people.member.id}"] .online-dot.on`).waitFor();
  await host.locator(`#staff li[data-participant="${s.people.dept.id}"] .online-dot.on`).waitFor();
  assert.equal(await dot('member2').getAttribute('data-online'), '0', 'a member without a page open is not shown online');
  assert.equal(await dot('member2').getAttribute('aria-label'), '未连接');
  const member2 = await open(link(env.srv, 'member', s.id, s.people.member2.token), { name: 'member2' });
  await waitLive(member2);
  await host.locator(`#staff li[data-participant="${s.people.member2.id}"] .online-dot.on`).waitFor();
  await member2.close();
  pages.splice(pages.indexOf(member2), 1);
  await host.locator(`#staff li[data-participant="${s.people.member2.id}"] .online-dot:not(.on)`).waitFor();

  // ---- 标记开播, once ----
  await host.click('#btn-onair');
  await host.locator('#onair-at', { hasText: /^开播 \d\d:\d\d:\d\d$/ }).waitFor();
  assert.equal(await host.locator('#btn-onair').isHidden(), true);
  await clerk.locator('#timeline li[data-kind="broadcast.on_air"]').waitFor();

  // ---- a question on air, then off it (撤下) ----
  const Q = '低楼层住户不同意加装电梯怎么办？有没有成熟的协调办法，比如按楼层系数分摊、给一楼住户适当补偿，或者由社区牵头请第三方评估对采光和噪音的影响？';
  await enterAudience(phone, '退休教师老李');
  await phone.fill('#ask-text', Q);
  await phone.click('#ask-submit');
  await host.locator('#pending .q-item', { hasText: '低楼层' }).locator('button[data-action=approve]').click();
  await host.locator('#approved .q-item', { hasText: '低楼层' }).locator('button[data-action=feature]').click();
  await ov.locator('#ov-q-text', { hasText: '低楼层' }).waitFor();
  await host.locator('#featured-box #btn-unfeature').click();
  await ov.locator('#ov-question').waitFor({ state: 'hidden' });
  await host.locator('#featured-box').waitFor({ state: 'hidden' });
  await phone.locator('#featured-card').waitFor({ state: 'hidden' });
  await host.locator('#approved .q-item', { hasText: '低楼层' }).locator('button[data-action=feature]').click();
  await ov.locator('#ov-q-text', { hasText: '低楼层' }).waitFor();

  // ---- the speaking queue: a member raises a hand with a note ----
  await member.fill('#hand-note', '关于资金分摊补充两点');
  await member.click('#btn-hand');
  await member.locator('#hand-state', { hasText: '第 1 位' }).waitFor();
  await viaSocket(dept, { type: 'join', session: s.id, token: s.people.dept.token }, [{ type: 'raise_hand', note: '介绍审批“一窗受理”' }]);
  const hands = host.locator('#hands .hand-item');
  await host.waitForFunction(() => document.querySelectorAll('#hands .hand-item').length === 2);
  assert.match(await hands.nth(0).textContent(), /王建国.*关于资金分摊补充两点/s);
  assert.match(await hands.nth(1).textContent(), /陈志明.*一窗受理/s);
  await member.locator('#hand-state', { hasText: '第 1 位，共 2 位' }).waitFor();
  await member.screenshot({ path: shotPath('participant-queue.png') });

  // The host grants the floor in order, with a budget of 1 minute.
  await host.selectOption('#budget', '60');
  await hands.nth(0).locator('button[data-action=grant]').click();
  await member.locator('#floor', { hasText: '您正在发言' }).waitFor();
  await member.locator('#floor .clock', { hasText: /^剩余 [01]:\d\d$/ }).waitFor();
  await host.waitForFunction(() => document.querySelectorAll('#hands .hand-item').length === 1);
  await ov.locator('#ov-floor-name', { hasText: '王建国' }).waitFor();
  await ov.locator('#ov-clock', { hasText: /^剩余 (1:00|0:[5][0-9])$/ }).waitFor();
  await host.locator('#floor-now .clock', { hasText: /^剩余 / }).waitFor();

  // ---- two open points, with long texts ----
  const P1 = '推行“一梯一策”协商机制，由社区牵头组织业主协商，按楼层系数分摊费用';
  const P2 = '将加装电梯审批纳入“一窗受理”，承诺办结时限，并向社会公开办理进度';
  for (const p of [P1, P2]) {
    await host.fill('#propose-text', p);
    await host.click('#propose-form button[type=submit]');
    await ov.locator('.ov-point', { hasText: p.slice(0, 8) }).waitFor();
  }

  // ---- the overlay never overlaps: question, two points, speaker, QR, online ----
  await ov.locator('#ov-online').waitFor();
  await ovPage.waitForTimeout(700); // the question's entrance animation
  const full = await panelBoxes(ov);
  const names = full.map((b) => b.name).join(' ');
  for (const want of ['ov-question', 'ov-floor', 'ov-online', 'ov-qr-box']) assert.match(names, new RegExp(want), names);
  assert.equal(full.filter((b) => /ov-point/.test(b.name)).length, 2, names);
  assertApart(full, 1920, 1080, '1920x1080');
  await ovPage.screenshot({ path: shotPath('overlay-studio.png') });

  // The same source at 1280x720 shows the same picture, scaled.
  const small = await open(`${env.srv.base}/overlay/${s.id}`, { name: 'overlay720', width: 1280, height: 720 });
  await small.waitForFunction(() => document.body.dataset.conn === 'live' && document.querySelectorAll('.ov-point').length === 2 && !document.querySelector('#ov-question').hidden && !document.querySelector('#ov-floor').hidden && !document.querySelector('#ov-online').hidden);
  await small.waitForTimeout(700);
  assertApart(await panelBoxes(small.mainFrame()), 1280, 720, '1280x720');
  await host.locator('#presence', { hasText: '直播画面 2' }).waitFor();

  // The panels on air are the URL's choice (the host page builds it).
  await host.uncheck('#panels input[value=qr]');
  await host.uncheck('#panels input[value=online]');
  const ovLink = await host.locator('#overlay-link .link-field').inputValue();
  assert.equal(ovLink, `${env.srv.base}/overlay/${s.id}?panels=question,speaker,points`);
  await small.goto(ovLink);
  await small.waitForFunction(() => document.body.dataset.conn === 'live' && document.querySelectorAll('.ov-point').length === 2);
  assert.equal(await small.locator('#ov-qr-box').isHidden(), true);
  assert.equal(await small.locator('#ov-online').isHidden(), true);
  await small.locator('#ov-q-text', { hasText: '低楼层' }).waitFor();
  await host.check('#panels input[value=qr]');
  await host.check('#panels input[value=online]');

  // ---- the host page at 1440x900: no question clipped by its buttons ----
  await viaSocket(host, audienceJoin(s, 3), [{ type: 'ask', text: '老旧小区加装电梯以后，电梯的日常维护保养费用由谁承担？物业还是业主？' }]);
  await viaSocket(host, audienceJoin(s, 4), [{ type: 'ask', text: '加装电梯的审批要跑几个部门，能不能一次办好？' }]);
  await host.waitForFunction(() => document.querySelectorAll('#pending .q-item').length === 2);
  await host.locator('#pending .q-item').first().locator('button[data-action=merge]').waitFor();
  await host.evaluate(() => window.scrollTo(0, 0));
  const clipped = await host.evaluate(() => {
    const bad = [];
    const box = (e) => e.getBoundingClientRect();
    const cut = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    for (const li of document.querySelectorAll('.qlist .q-item, .hand-item')) {
      const text = li.querySelector('.text, .hand-note');
      const item = box(li);
      for (const c of li.querySelectorAll('button')) {
        const b = box(c);
        if (text && cut(box(text), b)) bad.push(`${c.textContent} covers ${text.textContent.slice(0, 10)}`);
        if (b.left < item.left - 1 || b.right > item.right + 1) bad.push(`${c.textContent} sticks out of its item`);
      }
    }
    return bad;
  });
  assert.deepEqual(clipped, []);
  await host.screenshot({ path: shotPath('host-studio.png') });

  // ---- a 10 s budget runs out: the overlay and the host say so; the host decides ----
  await viaSocket(host, hostJoin(s), [{ type: 'floor', participant: s.people.dept.id, seconds: 10 }]);
  await ov.locator('#ov-floor-name', { hasText: '陈志明' }).waitFor();
  await dept.locator('#floor', { hasText: '您正在发言' }).waitFor();
  await ov.locator('#ov-clock.over', { hasText: /^已超时 \+0:\d\d$/ }).waitFor({ timeout: 20000 });
  await host.locator('#floor-now .clock.over', { hasText: /^超时 / }).waitFor();
  await ovPage.screenshot({ path: shotPath('overlay-speaker.png') });
  await host.click('#btn-extend');
  await ov.locator('#ov-clock:not(.over)', { hasText: /^剩余 (1:00|0:5\d)$/ }).waitFor();

  // ---- votes: counted 1:1, the audience 2 agree 1 abstain; the result keeps them apart ----
  const closing = host.locator('#points .point-card', { hasText: P1.slice(0, 8) });
  await phone.locator('.point-card', { hasText: P1.slice(0, 8) }).locator('.vote-agree').click();
  await member.locator('.point-card', { hasText: P1.slice(0, 8) }).locator('.vote-agree').click();
  await viaSocket(host, { type: 'join', session: s.id, token: s.people.dept.token }, [{ type: 'vote', point: 'pt1', choice: 'disagree' }]);
  await viaSocket(host, audienceJoin(s, 1), [{ type: 'vote', point: 'pt1', choice: 'agree' }]);
  await viaSocket(host, audienceJoin(s, 2), [{ type: 'vote', point: 'pt1', choice: 'abstain' }]);
  await host.waitForFunction(() => document.querySelectorAll('#points .role-table tbody tr').length >= 3);
  // A reload remembers the phone's vote (you.votes).
  await phone.reload();
  await waitLive(phone);
  await phone.locator('.point-card', { hasText: P1.slice(0, 8) }).locator('.vote-agree[aria-pressed=true]').waitFor();
  await closing.locator('button', { hasText: '结束表决' }).click();
  await host.locator('#confirm-title', { hasText: '结束这个共识点的表决？' }).waitFor();
  await confirmYes(host);

  const RESULT = '表决结果：赞成 1 · 反对 1 · 弃权 0，未采纳';
  const ADVISORY = '民意参考（听众）：赞成 2 · 反对 0 · 弃权 1';
  await closing.locator('.result-line', { hasText: RESULT }).waitFor();
  await closing.locator('.advisory-line', { hasText: ADVISORY }).waitFor();
  for (const p of [phone, dept, clerk]) {
    const item = p.locator('li[data-kind="point.closed"]');
    await item.locator('.result-line', { hasText: RESULT }).waitFor();
    await item.locator('.advisory-line', { hasText: ADVISORY }).waitFor();
    assert.doesNotMatch(await item.textContent(), /赞成 3/, 'never the sum of counted and advisory votes');
  }
  // The overlay puts the result on air, next to the point still open.
  const card = ov.locator('.ov-point.result[data-point=pt1]');
  await card.locator('.badge', { hasText: '未采纳' }).waitFor();
  assert.equal(await card.locator('.ov-result').textContent(), '赞成 1 · 反对 1 · 弃权 0');
  assert.equal(await card.locator('.ov-advisory').textContent(), ADVISORY);
  await ov.locator('.ov-point[data-point=pt2]:not(.result)').waitFor();
  assertApart(await panelBoxes(ov), 1920, 1080, 'with a result card');
  await ovPage.screenshot({ path: shotPath('overlay-result.png') });
  await phone.evaluate(() => window.scrollTo(0, 0));
  await phone.screenshot({ path: shotPath('audience-studio.png') });

  // ---- the end (confirmed): the overlay's end card; the minutes' sign-off ----
  await host.click('#btn-end');
  await confirmYes(host);
  await host.locator('#status', { hasText: '已结束' }).waitFor();
  await ov.locator('#ov-end', { hasText: '本期议事厅结束，感谢收看' }).waitFor();
  await ov.locator('#ov-end-stats', { hasText: '听众提问 1 个 · 共识点 2 项，采纳 0 项' }).waitFor();
  assert.equal(await ov.locator('#ov-floor').isHidden(), true);
  assert.equal(await ov.locator('#ov-question').isHidden(), true);
  assertApart(await panelBoxes(ov), 1920, 1080, 'with the end card');
  await ovPage.screenshot({ path: shotPath('overlay-end.png') });

  await clerk.locator('#minutes-status', { hasText: '草稿' }).waitFor();
  await host.locator('#minutes-status', { hasText: '草稿' }).waitFor();
  assert.equal(await host.locator('#btn-approve-minutes').isHidden(), true);
  await clerk.click('#btn-submit-minutes');
  await clerk.locator('#minutes-status', { hasText: '已提交审核' }).waitFor();
  await host.locator('#minutes-status', { hasText: '已提交审核' }).waitFor();
  await host.click('#btn-approve-minutes');
  await confirmYes(host);
  for (const p of [host, clerk]) await p.locator('#minutes-status', { hasText: '已审核' }).waitFor();
  assert.equal(await clerk.locator('#btn-submit-minutes').isHidden(), true);
  // A reload of the host page still knows (the sign-off comes from the stored events).
  await host.reload();
  await waitLive(host);
  await host.locator('#minutes-status', { hasText: '已审核' }).waitFor();

  await sleep(200);
  assert.deepEqual(pages.flatMap((p) => p.problems), []);
});
