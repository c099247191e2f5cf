// The host's console (/host/{id}#token=...): moderation, the floor, points.
import { $, h, clear, sessionIdFromPath, tokenFromHash, toast, isTyping, renderScheduler, drawnFrom } from './dom.js';
import { t, roleLabel, choiceLabel } from './i18n.js';
import { startPage } from './page.js';
import { Conn } from './conn.js';
import { SessionState } from './state.js';
import {
  renderEvent, Feed, pointCard, standardGroups, showConnState, errorText, speaker, presenceLine, CHOICES,
  statusPill, questionBadge, featuredByline,
} from './feed.js';
import { api } from './api.js';
import { linkItem } from './links.js';
import { LABELS } from './vocabulary.js';

startPage();
const sid = sessionIdFromPath();
const token = tokenFromHash();
const st = new SessionState();
const feed = new Feed($('#feed'), { newestFirst: true, max: 400 });
let staff = [];
let sel = 0; // index into the pending queue
let staffKey = ''; // staff online counts when the list was last loaded
const STAFF_ROLES = Object.keys(LABELS.role).filter((r) => r !== 'audience');

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

// ---- header ----
function renderHeader() {
  document.title = `${t('host.role')} · ${st.title || t('brand')}`;
  $('#title').textContent = st.title || '';
  statusPill(st.status, $('#status'));
  $('#btn-start').hidden = st.status !== 'scheduled';
  $('#btn-end').hidden = st.status !== 'live';
  renderPresence();
}
function renderPresence() {
  const total = st.onlineTotal();
  $('#presence').textContent = total == null ? '' : t('presence.line', { total: t('online', { n: total }), detail: presenceLine(st.online) });
}

// ---- questions ----
function qActions(q) {
  const b = (action, label, cls = 'btn small') => h('button', {
    type: 'button', class: cls, text: label, data: { action },
    on: { click: () => send('moderate', { question: q.question, action }) },
  });
  if (q.status === 'pending') return [b('approve', t('q.approve'), 'btn small ok'), b('reject', t('q.reject'), 'btn small danger')];
  const out = [];
  if (q.status === 'approved') out.push(b('feature', t('q.feature'), 'btn small primary'));
  if (q.status === 'approved' || q.status === 'featured') out.push(b('answered', t('q.answered')));
  if (q.status === 'approved') out.push(b('reject', t('q.withdraw'), 'btn small ghost'));
  return out;
}

function questionItem(q, selected) {
  return h('li', {
    class: `q-item status-${q.status}${q.question === st.featured ? ' current' : ''}${q.flagged ? ' flagged' : ''}${selected ? ' selected' : ''}`,
    data: { q: q.question },
    attrs: selected ? { 'aria-current': 'true' } : null,
    on: q.status === 'pending' ? { click: (e) => { if (e.target.tagName !== 'BUTTON') { sel = st.pendingQuestions().indexOf(q); renderQuestions(); } } } : null,
  },
  h('div', { class: 'q-body' },
    h('p', { class: 'q-meta' }, speaker(q.name, 'audience'),
      q.flagged ? h('span', { class: 'badge danger', text: t('q.flagged') }) : null,
      questionBadge(q, st.featured)),
    h('p', { class: 'text', text: q.text })),
  h('div', { class: 'q-side' },
    q.status !== 'pending' ? h('span', { class: 'up-count', text: `▲ ${q.upvotes}`, attrs: { 'aria-label': t('up.count', { n: q.upvotes }) } }) : null,
    h('div', { class: 'q-actions' }, qActions(q))));
}

// Each render skips when its inputs are the same, so that focus stays on its buttons.
const unchanged = drawnFrom();

function renderQuestions() {
  const pending = st.pendingQuestions();
  if (sel >= pending.length) sel = Math.max(0, pending.length - 1);
  const approvedKey = st.publicQuestions().map((q) => `${q.question}:${q.status}:${q.upvotes}`).join();
  if (unchanged('questions', `${pending.map((q) => q.question).join()}|${sel}|${approvedKey}|${st.featured}|${st.status}`)) return;
  $('#pending-count').textContent = String(pending.length);
  $('#pending-empty').hidden = pending.length > 0;
  const pl = clear($('#pending'));
  pending.forEach((q, i) => pl.append(questionItem(q, i === sel)));

  const approved = st.publicQuestions();
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

// ---- floor ----
async function loadStaff() {
  try {
    const list = await api(`/api/sessions/${encodeURIComponent(sid)}/participants`, { token });
    staff = (Array.isArray(list) ? list : (list && list.participants) || []).filter((p) => p.role !== 'audience');
    renderFloor();
  } catch (err) { fail(err); }
}

function renderFloor() {
  const f = st.floor;
  if (unchanged('floor', JSON.stringify([f, st.status, staff]))) return;
  const now = clear($('#floor-now'));
  if (f) now.append(h('span', { class: 'muted', text: t('floor.now') }), speaker(f.name, f.role));
  else now.append(h('span', { class: 'muted', text: t('floor.nobody') }));
  $('#btn-release').disabled = !f || st.status !== 'live';
  const ul = clear($('#staff'));
  for (const p of staff) {
    const pid = p.id || p.participant;
    const holds = f && f.participant === pid;
    ul.append(h('li', { class: `staff-item${holds ? ' holds' : ''}` },
      h('div', null, speaker(p.name, p.role), p.affiliation ? h('span', { class: 'muted small aff', text: p.affiliation }) : null),
      h('button', {
        type: 'button', class: 'btn small', text: holds ? t('floor.holding') : t('floor.give'),
        disabled: holds || st.status !== 'live',
        data: { participant: pid },
        on: { click: () => send('floor', { participant: pid }) },
      })));
  }
}

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
      on: { click: () => send('close_point', { point: p.point }) },
    }) : null);
    const card = pointCard(p, { groups: standardGroups(st.settings), canVote: false, extra });
    cards.set(p.point, { card, holder });
    list.append(card.el);
  }
}

function renderAll() {
  renderHeader();
  renderQuestions();
  renderFloor();
  renderPoints();
}
const scheduleRender = renderScheduler(renderAll);
const scheduleQuestions = renderScheduler(renderQuestions, 300);

// ---- connection ----
const conn = new Conn({
  session: sid,
  joinFields: () => ({ token }),
  onWelcome(msg) {
    st.loadWelcome(msg);
    scheduleRender();
    loadStaff();
  },
  onEvent(ev, { replay }) {
    if (!replay) st.applyEvent(ev);
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
      // Someone added elsewhere (the admin page) shows up here once they connect.
      const key = STAFF_ROLES.map((r) => (msg.online || {})[r] || 0).join();
      if (staffKey && key !== staffKey) loadStaff();
      staffKey = key;
    }
  },
  onReset() { feed.clear(); },
  onStatus: showConnState,
});

// ---- controls ----
$('#btn-start').addEventListener('click', () => send('start'));
$('#btn-end').addEventListener('click', () => {
  $('#confirm').hidden = false;
  $('#confirm-no').focus();
});
$('#confirm-no').addEventListener('click', () => { $('#confirm').hidden = true; $('#btn-end').focus(); });
$('#confirm-yes').addEventListener('click', async () => {
  $('#confirm').hidden = true;
  await send('end');
});
$('#confirm').addEventListener('keydown', (e) => { if (e.key === 'Escape') $('#confirm').hidden = true; });
$('#btn-release').addEventListener('click', () => send('floor', { participant: null }));

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

// J/K move through the pending queue, A approves, R rejects.
document.addEventListener('keydown', (e) => {
  if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey || !$('#confirm').hidden) return;
  const pending = st.pendingQuestions();
  const key = e.key.toLowerCase();
  if (key === 'j') sel = Math.min(sel + 1, pending.length - 1);
  else if (key === 'k') sel = Math.max(sel - 1, 0);
  else if ((key === 'a' || key === 'r') && pending[sel]) {
    send('moderate', { question: pending[sel].question, action: key === 'a' ? 'approve' : 'reject' });
  } else return;
  e.preventDefault();
  renderQuestions();
});

if (!token) showConnState('fatal', { code: 'unauthorized' });
else conn.start();
