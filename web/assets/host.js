// The host's console (/host/{id}#token=...): moderation, the floor and its queue,
// points, commitments, the on-air mark, the minutes' sign-off and what the overlay shows.
import { $, $$, h, clear, sessionIdFromPath, tokenFromHash, toast, isTyping, renderScheduler, drawnFrom, fmtTime } from './dom.js';
import { t, roleLabel, choiceLabel } from './i18n.js';
import './i18n-desk.js';
import { startPage } from './page.js';
import { Conn } from './conn.js';
import { SessionState } from './state.js';
import {
  renderEvent, Feed, pointCard, standardGroups, showConnState, errorText, speaker, presenceLine, CHOICES,
  statusPill, questionBadge, featuredByline, clockText, approvalBadge,
} from './feed.js';
import { api, eachEvent } from './api.js';
import { linkItem, copyRow, overlayLink } from './links.js';
import { LABELS } from './vocabulary.js';
import { commitForm, progressList, departmentsOf } from './commitments.js';

startPage();
const sid = sessionIdFromPath();
const token = tokenFromHash();
const st = new SessionState();
const feed = new Feed($('#feed'), { newestFirst: true, max: 400 });
let staff = [];
let sel = 0; // index into the pending queue
let staffKey = ''; // staff online counts when the list was last loaded
const STAFF_ROLES = Object.keys(LABELS.role).filter((r) => r !== 'audience');
const EXTEND_SECONDS = 60;

function fail(err) {
  const msg = errorText(err);
  $('#errors').textContent = msg;
  toast(msg, 'error');
}
function clearError() { $('#errors').textContent = ''; }

async function send(type, fields) {
  try {
    const ack = await conn.request(type, fields);
    clearError();
    return ack;
  } catch (err) {
    fail(err);
    return null;
  }
}

// ---- confirmation: an in-page dialog for the steps that cannot be taken back ----
let settleConfirm = null;
// opts: {title, body, ok, reason: offer a reason (shown to the asker), targets: the
// questions to choose from ([{value, label}]), focusOk}.
// Resolves with {reason, target} when confirmed, null when not.
function confirmStep({ title, body, ok, reason = false, targets = null, focusOk = true }) {
  if (settleConfirm) settleConfirm(false);
  const back = document.activeElement;
  $('#confirm-title').textContent = title;
  $('#confirm-body').textContent = body;
  $('#confirm-yes').textContent = ok;
  $('#confirm-reason-row').hidden = !reason;
  $('#confirm-reason').value = '';
  $('#confirm-target-row').hidden = !targets;
  clear($('#confirm-target')).append(...(targets || []).map((x) => h('option', { value: x.value, text: x.label })));
  $('#confirm').hidden = false;
  (targets ? $('#confirm-target') : focusOk ? $('#confirm-yes') : $('#confirm-no')).focus();
  return new Promise((resolve) => {
    settleConfirm = (yes) => {
      settleConfirm = null;
      $('#confirm').hidden = true;
      if (back && back.isConnected && back !== document.body) back.focus();
      resolve(yes ? { reason: reason ? $('#confirm-reason').value : '', target: targets ? $('#confirm-target').value : '' } : null);
    };
  });
}
$('#confirm-form').addEventListener('submit', (e) => { e.preventDefault(); if (settleConfirm) settleConfirm(true); });
$('#confirm-no').addEventListener('click', () => { if (settleConfirm) settleConfirm(false); });
$('#confirm').addEventListener('keydown', (e) => { if (e.key === 'Escape' && settleConfirm) settleConfirm(false); });
$('#confirm').addEventListener('click', (e) => { if (e.target === $('#confirm') && settleConfirm) settleConfirm(false); });

const quoted = (q) => t('q.quoted', { name: q.name, text: q.text.length > 40 ? `${q.text.slice(0, 40)}…` : q.text });

async function reject(q) {
  const ok = await confirmStep({
    title: q.status === 'pending' ? t('confirm.rejectTitle') : t('confirm.withdrawTitle'),
    body: `${quoted(q)}\n${t('confirm.rejectBody')}`,
    ok: q.status === 'pending' ? t('q.reject') : t('q.withdraw'),
    reason: true,
  });
  if (!ok) return;
  const fields = { question: q.question, action: 'reject' };
  if (ok.reason) fields.reason = ok.reason;
  await send('moderate', fields);
}

// 合并到…: a duplicate folds into a public question (the contract's `into`), picked
// in the confirmation rather than in a list per question (which would grow with the
// square of the questions).
async function merge(q) {
  const targets = mergeTargets(q).map((x) => ({ value: x.question, label: quoted(x) }));
  if (!targets.length) return;
  const ok = await confirmStep({
    title: t('confirm.mergeTitle'),
    body: t('confirm.mergeBody', { from: quoted(q) }),
    ok: t('q.mergeOk'),
    targets,
  });
  if (ok && ok.target) await send('merge', { question: q.question, into: ok.target });
}
const mergeTargets = (q) => st.publicQuestions().filter((x) => x.question !== q.question);

// ---- header ----
function renderHeader() {
  document.title = `${t('host.role')} · ${st.title || t('brand')}`;
  $('#title').textContent = st.title || '';
  statusPill(st.status, $('#status'));
  $('#btn-start').hidden = st.status !== 'scheduled';
  $('#btn-end').hidden = st.status !== 'live';
  $('#btn-onair').hidden = st.status !== 'live' || !!st.onAirAt;
  $('#onair-at').hidden = !st.onAirAt;
  $('#onair-at').textContent = st.onAirAt ? t('host.onAirAt', { time: fmtTime(st.onAirAt) }) : '';
  renderPresence();
}
function renderPresence() {
  const total = st.onlineTotal();
  $('#presence').textContent = total == null ? '' : t('presence.line', { total: t('online', { n: total }), detail: presenceLine(st.online) });
}

// ---- questions ----
function qActions(q) {
  const b = (action, label, cls = 'btn small', onClick = () => send('moderate', { question: q.question, action })) => h('button', {
    type: 'button', class: cls, text: label, data: { action }, on: { click: onClick },
  });
  const out = [];
  if (q.status === 'pending') out.push(b('approve', t('q.approve'), 'btn small ok'));
  if (q.status === 'approved') out.push(b('feature', t('q.feature'), 'btn small primary'));
  if (q.status === 'featured') out.push(b('unfeature', t('q.unfeature'), 'btn small'));
  if (q.status === 'approved' || q.status === 'featured') out.push(b('answered', t('q.answered')));
  if (q.status === 'pending') out.push(b('reject', t('q.reject'), 'btn small danger', () => reject(q)));
  if (q.status === 'approved' || q.status === 'featured') out.push(b('reject', t('q.withdraw'), 'btn small ghost', () => reject(q)));
  if (q.status !== 'answered' && mergeTargets(q).length) out.push(b('merge', t('q.mergeInto'), 'btn small', () => merge(q)));
  return out;
}

function questionItem(q, selected) {
  return h('li', {
    class: `q-item status-${q.status}${q.question === st.featured ? ' current' : ''}${q.flagged ? ' flagged' : ''}${selected ? ' selected' : ''}`,
    data: { q: q.question },
    attrs: selected ? { 'aria-current': 'true' } : null,
    on: q.status === 'pending' ? { click: (e) => { if (!e.target.closest('button')) { sel = st.pendingQuestions().indexOf(q); renderQuestions(); } } } : null,
  },
  h('div', { class: 'q-body' },
    h('p', { class: 'q-meta' }, speaker(q.name, 'audience'),
      q.flagged ? h('span', { class: 'badge danger', text: t('q.flagged') }) : null,
      questionBadge(q, st.featured),
      q.status !== 'pending' ? h('span', { class: 'up-count', text: `▲ ${q.upvotes}`, attrs: { 'aria-label': t('up.count', { n: q.upvotes }) } }) : null),
    h('p', { class: 'text', text: q.text })),
  h('div', { class: 'q-actions' }, qActions(q)));
}

// Each render skips when its inputs are the same, so that focus stays on its buttons.
const unchanged = drawnFrom();

function renderQuestions() {
  const pending = st.pendingQuestions();
  if (sel >= pending.length) sel = Math.max(0, pending.length - 1);
  const approved = st.publicQuestions();
  const approvedKey = approved.map((q) => `${q.question}:${q.status}:${q.upvotes}`).join();
  if (unchanged('questions', `${pending.map((q) => q.question).join()}|${sel}|${approvedKey}|${st.featured}|${st.status}`)) return;
  $('#pending-count').textContent = String(pending.length);
  $('#pending-empty').hidden = pending.length > 0;
  const pl = clear($('#pending'));
  pending.forEach((q, i) => pl.append(questionItem(q, i === sel)));

  $('#approved-empty').hidden = approved.length > 0;
  const al = clear($('#approved'));
  for (const q of approved) al.append(questionItem(q, false));

  const f = st.featuredQuestion();
  $('#featured-box').hidden = !f;
  if (f) {
    $('#featured-text').textContent = f.text;
    $('#featured-by').textContent = featuredByline(f);
  }
}

// ---- the floor and its queue ----
async function loadStaff() {
  try {
    const list = await api(`/api/sessions/${encodeURIComponent(sid)}/participants`, { token });
    staff = (Array.isArray(list) ? list : (list && list.participants) || []).filter((p) => p.role !== 'audience');
    renderFloor();
    commit.setDepartments(departmentsOf(staff));
  } catch (err) { fail(err); }
}

const budget = () => Number($('#budget').value) || null;
function grant(participant) {
  const fields = { participant };
  if (budget()) fields.seconds = budget();
  return send('floor', fields);
}

function renderFloor() {
  const f = st.floor;
  const live = st.status === 'live';
  if (!unchanged('floor', JSON.stringify([f, st.status, staff, st.hands, [...st.onlineStaff]]))) {
    const now = clear($('#floor-now'));
    if (f) now.append(h('span', { class: 'muted', text: t('floor.now') }), speaker(f.name, f.role), h('span', { id: 'floor-clock', class: 'clock' }));
    else now.append(h('span', { class: 'muted', text: t('floor.nobody') }));
    $('#btn-release').disabled = !f || !live;
    renderHands(f, live);
    renderStaff(f, live);
  }
  renderClock();
}

function renderHands(f, live) {
  const hands = st.hands;
  $('#hands-count').textContent = hands.length ? String(hands.length) : '';
  $('#hands-empty').hidden = hands.length > 0;
  const ol = clear($('#hands'));
  for (const hand of hands) {
    ol.append(h('li', { class: 'hand-item', data: { participant: hand.participant } },
      h('div', { class: 'hand-who' }, speaker(hand.name, hand.role), h('time', { class: 'muted small', text: fmtTime(hand.at) })),
      hand.note ? h('p', { class: 'hand-note', text: hand.note }) : null,
      h('div', { class: 'q-actions' },
        h('button', {
          type: 'button', class: 'btn small primary', text: t('floor.give'), disabled: !live, data: { action: 'grant' },
          on: { click: () => grant(hand.participant) },
        }),
        h('button', {
          type: 'button', class: 'btn small ghost', text: t('hands.lower'), disabled: !live, data: { action: 'lower' },
          on: { click: () => send('lower_hand', { participant: hand.participant }) },
        }))));
  }
}

function renderStaff(f, live) {
  const ul = clear($('#staff'));
  for (const p of staff) {
    const pid = p.id || p.participant;
    if (!['host', 'member', 'department'].includes(p.role)) continue; // the others cannot hold the floor
    const holds = f && f.participant === pid;
    // Whether they are connected: the host sees at a glance who can take the floor now.
    const on = st.onlineStaff.has(pid);
    const status = t(on ? 'people.online' : 'people.offline');
    const dot = h('span', { class: `online-dot${on ? ' on' : ''}`, title: status, data: { online: on ? '1' : '0' }, attrs: { role: 'img', 'aria-label': status } });
    ul.append(h('li', { class: `staff-item${holds ? ' holds' : ''}`, data: { participant: pid } },
      h('div', null, dot, speaker(p.name, p.role), p.affiliation ? h('span', { class: 'muted small aff', text: p.affiliation }) : null),
      h('button', {
        type: 'button', class: 'btn small', text: holds ? t('floor.holding') : t('floor.give'),
        disabled: holds || !live,
        data: { participant: pid },
        on: { click: () => grant(pid) },
      })));
  }
}

// The speaker's time left, then how far over: the host decides (extend or release).
function renderClock() {
  const clock = $('#floor-clock');
  const left = st.floor ? st.floorLeft() : null;
  $('#btn-extend').hidden = left == null || st.status !== 'live';
  if (!clock) return;
  const over = st.floorOverrun();
  clock.hidden = left == null;
  clock.textContent = left == null ? '' : (over ? t('floor.over', { time: clockText(Math.min(left, 0)) }) : t('floor.left', { time: clockText(left) }));
  clock.classList.toggle('over', over);
}
setInterval(() => { if (st.floor && st.floor.until) renderClock(); }, 500);

$('#btn-extend').addEventListener('click', () => {
  const f = st.floor;
  if (!f) return;
  const seconds = Math.min(3600, Math.max(0, st.floorLeft() || 0) + EXTEND_SECONDS);
  send('floor', { participant: f.participant, seconds });
});

// ---- points ----
const cards = new Map();
function byRoleTable(tally) {
  const br = (tally && tally.by_role) || {};
  const roles = ['member', 'department', 'host', 'audience'].filter((r) => br[r] && CHOICES.some((c) => Number(br[r][c]) > 0));
  if (!roles.length) return h('p', { class: 'muted small', text: t('tally.none') });
  return h('table', { class: 'role-table' },
    h('thead', null, h('tr', null, h('th', { text: t('people.role') }), CHOICES.map((c) => h('th', { text: choiceLabel(c) })))),
    h('tbody', null, roles.map((r) => h('tr', null, h('th', { text: roleLabel(r) }), CHOICES.map((c) => h('td', { text: String((br[r] || {})[c] || 0) }))))));
}

async function closePoint(p) {
  const ok = await confirmStep({ title: t('confirm.closeTitle'), body: `${p.text}\n${t('confirm.closeBody')}`, ok: t('points.close') });
  if (ok) await send('close_point', { point: p.point });
}

function renderPoints() {
  if (unchanged('points', [...st.points.values()].map((p) => `${p.point}:${p.status}:${p.outcome}`).join())) {
    for (const p of st.points.values()) {
      const c = cards.get(p.point);
      if (c) { c.card.update(p.tally); clear(c.holder).append(byRoleTable(p.tally)); }
    }
    return;
  }
  const list = clear($('#points'));
  cards.clear();
  const points = [...st.points.values()].reverse();
  $('#points-empty').hidden = points.length > 0;
  for (const p of points) {
    const holder = h('div', { class: 'by-role' }, byRoleTable(p.tally));
    const extra = h('div', null, holder, p.status === 'open' ? h('button', {
      type: 'button', class: 'btn small danger', text: t('points.close'), data: { point: p.point },
      on: { click: () => closePoint(p) },
    }) : null);
    const card = pointCard(p, { groups: standardGroups(st.settings), settings: st.settings, canVote: false, extra });
    cards.set(p.point, { card, holder });
    list.append(card.el);
  }
}

// ---- the minutes' sign-off: the clerk submits, the host approves ----
function renderMinutes() {
  $('#minutes-block').hidden = st.status !== 'ended';
  approvalBadge(st.approval, $('#minutes-status'));
  $('#minutes-hint').textContent = t(`minutes.hint.${st.approval}`);
  $('#btn-approve-minutes').hidden = st.approval !== 'submitted';
}
$('#btn-approve-minutes').addEventListener('click', async () => {
  const ok = await confirmStep({ title: t('confirm.approveTitle'), body: t('confirm.approveBody'), ok: t('minutes.approve') });
  if (ok) await send('approve_minutes');
});

// ---- what the overlay shows: a link for the broadcast software ----
function renderOverlayLink() {
  const panels = $$('#panels input:checked').map((i) => i.value);
  const link = overlayLink(sid, panels);
  const box = $('#overlay-link');
  const field = box.querySelector('.link-field');
  if (field) field.value = link;
  else box.append(copyRow(link, t('studio.title')).row);
  $('#overlay-preview').href = link;
}
$('#panels').addEventListener('change', renderOverlayLink);

function renderAll() {
  renderHeader();
  renderQuestions();
  renderFloor();
  renderPoints();
  renderMinutes();
  renderCommitments();
}
const scheduleRender = renderScheduler(renderAll);
const scheduleQuestions = renderScheduler(renderQuestions, 300);

// An ended session's sign-off may lie further back than the welcome replays.
async function loadApproval() {
  try {
    await eachEvent(sid, token, (ev) => st.take(ev, true));
    scheduleRender();
  } catch (err) { fail(err); }
}

// ---- connection ----
const conn = new Conn({
  session: sid,
  joinFields: () => ({ token }),
  onWelcome(msg) {
    st.loadWelcome(msg);
    scheduleRender();
    loadStaff();
    if (st.status === 'ended') loadApproval();
  },
  onEvent(ev, { replay }) {
    st.take(ev, replay);
    feed.add(renderEvent(ev, { state: st, staff: true }));
    scheduleRender();
  },
  onLive(msg) {
    const kind = st.applyLive(msg);
    if (kind === 'upvotes') scheduleQuestions();
    else if (kind === 'tally') {
      const c = cards.get(msg.point);
      if (c) { c.card.update(msg.tally); clear(c.holder).append(byRoleTable(msg.tally)); }
    } else if (kind === 'presence') {
      renderPresence();
      renderFloor();
      // Someone added elsewhere (the admin page) shows up here once they connect.
      const key = STAFF_ROLES.map((r) => (msg.online || {})[r] || 0).join();
      if (staffKey && key !== staffKey) loadStaff();
      staffKey = key;
    }
  },
  onReset() { feed.clear(); },
  onStatus: showConnState,
});

// ---- commitments (承诺事项): recorded here in a fold; each with 报告进展 ----
const commit = commitForm({ conn, st, chooseDepartment: true, prefix: 'commit' });
$('#commit-box').append(commit.el);
const commitments = progressList($('#commitments'), { conn });
function renderCommitments() {
  const list = st.commitmentList();
  $('#commitments-count').textContent = list.length ? String(list.length) : '';
  commitments.render(list, st);
  commit.refresh();
}

// ---- controls ----
$('#btn-start').addEventListener('click', async () => {
  const ok = await confirmStep({ title: t('confirm.startTitle'), body: t('confirm.startBody'), ok: t('host.start') });
  if (ok) await send('start');
});
$('#btn-end').addEventListener('click', async () => {
  const ok = await confirmStep({ title: t('host.endConfirmTitle'), body: t('host.endConfirm'), ok: t('host.end'), focusOk: false });
  if (ok) await send('end');
});
// The moment the picture goes live: the origin of every timecode in the minutes.
$('#btn-onair').addEventListener('click', () => send('on_air'));
$('#btn-release').addEventListener('click', () => send('floor', { participant: null }));
$('#btn-unfeature').addEventListener('click', () => { if (st.featured) send('moderate', { question: st.featured, action: 'unfeature' }); });
$('#btn-featured-answered').addEventListener('click', () => { if (st.featured) send('moderate', { question: st.featured, action: 'answered' }); });

$('#say-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('#say-text').value.trim();
  if (!text) return;
  if (await send('say', { text })) $('#say-text').value = '';
});

$('#propose-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('#propose-text').value.trim();
  if (!text) return;
  if (await send('propose', { text })) $('#propose-text').value = '';
});

$('#add-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('#add-name').value.trim();
  const role = $('#add-role').value;
  const affiliation = $('#add-aff').value.trim();
  if (!name) return;
  try {
    const res = await api(`/api/sessions/${encodeURIComponent(sid)}/participants`, { method: 'POST', token, body: { name, role, affiliation } });
    $('#links').prepend(linkItem(name, role, res.link));
    $('#add-name').value = '';
    $('#add-aff').value = '';
    clearError();
    loadStaff();
  } catch (err) { fail(err); }
});

// J/K move through the pending queue, A approves, R rejects (after the confirmation).
document.addEventListener('keydown', (e) => {
  if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey || !$('#confirm').hidden) return;
  const pending = st.pendingQuestions();
  const key = e.key.toLowerCase();
  if (key === 'j') sel = Math.min(sel + 1, pending.length - 1);
  else if (key === 'k') sel = Math.max(sel - 1, 0);
  else if (key === 'a' && pending[sel]) send('moderate', { question: pending[sel].question, action: 'approve' });
  else if (key === 'r' && pending[sel]) reject(pending[sel]);
  else return;
  e.preventDefault();
  renderQuestions();
});

renderOverlayLink();
if (!token) showConnState('fatal', { code: 'unauthorized' });
else conn.start();
