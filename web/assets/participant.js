// Members and departments (/p/{id}#token=...): speak, answer, propose, vote; a
// department also commits and reports progress on its commitments, after the end too.
import { $, h, clear, withLang, sessionIdFromPath, tokenFromHash, renderScheduler } from './dom.js';
import { t, roleLabel, choiceLabel } from './i18n.js';
import './i18n-desk.js';
import { startPage } from './page.js';
import { Conn } from './conn.js';
import { SessionState } from './state.js';
import {
  renderEvent, Feed, pointCard, standardGroups, showConnState, errorText, speaker, statusPill, featuredByline, clockText,
} from './feed.js';
import { commitForm, progressList } from './commitments.js';

startPage();
const sid = sessionIdFromPath();
const token = tokenFromHash();
const st = new SessionState();
const feed = new Feed($('#feed'), { newestFirst: true, max: 400 });
const MAX_SAY = 2000;
let myChoice = {};

const role = () => (st.you && st.you.role) || '';
const canPropose = () => ['host', 'member', 'clerk'].includes(role());
const canVote = () => ['host', 'member', 'department'].includes(role());
const canSay = () => ['host', 'member', 'department'].includes(role());
const canRaiseHand = () => ['member', 'department'].includes(role());
const me = () => (st.you && st.you.participant) || '';

function setStatus(el, msg, kind = '') { el.textContent = msg; el.className = `form-status ${kind}`; }

function renderHeader() {
  document.title = `${st.you ? st.you.name : ''} · ${st.title || t('brand')}`;
  $('#title').textContent = st.title || '';
  $('#me').textContent = st.you ? `${st.you.name} · ${roleLabel(st.you.role)}` : '';
  // Added from the roster: their record of service across sessions (履职档案).
  const person = st.you && st.you.person;
  $('#record-link').hidden = !person;
  if (person) $('#record-link').href = withLang(`/people/${encodeURIComponent(person)}`);
  statusPill(st.status, $('#status'));
  const f = st.floor;
  const fl = clear($('#floor'));
  const mine = f && f.participant === me();
  fl.classList.toggle('mine', !!mine);
  if (mine) fl.append(h('b', { text: t('floor.you') }));
  else if (f) fl.append(h('span', { class: 'muted', text: t('floor.now') }), speaker(f.name, f.role));
  else fl.append(h('span', { class: 'muted', text: t('floor.nobody') }));
  if (f) fl.append(h('span', { id: 'floor-clock', class: 'clock' }));
  renderClock();
  renderHand();
}

// The speaker's time budget, counting down, then how far over.
function renderClock() {
  const clock = $('#floor-clock');
  if (!clock) return;
  const left = st.floorLeft();
  const over = st.floorOverrun();
  clock.hidden = left == null;
  clock.textContent = left == null ? '' : (over ? t('floor.over', { time: clockText(Math.min(left, 0)) }) : t('floor.left', { time: clockText(left) }));
  clock.classList.toggle('over', over);
}
setInterval(() => { if (st.floor && st.floor.until) renderClock(); }, 500);

// The speaking queue: raise a hand with a note; the host gives the floor in order.
function renderHand() {
  $('#hand-box').hidden = !canRaiseHand();
  const i = st.hands.findIndex((x) => x.participant === me());
  const speaking = st.floor && st.floor.participant === me();
  $('#hand-form').hidden = i >= 0 || !!speaking;
  $('#hand-queued').hidden = i < 0;
  if (i >= 0) $('#hand-state').textContent = t('hands.queued', { n: i + 1, total: st.hands.length });
  $('#btn-hand').disabled = st.status !== 'live';
}

function renderFeatured() {
  const q = st.featuredQuestion();
  $('#featured-text').textContent = q ? q.text : t('part.noFeatured');
  $('#featured-text').classList.toggle('muted', !q);
  $('#featured-by').textContent = q ? featuredByline(q) : '';
  $('#featured-card').classList.toggle('empty-card', !q);
  renderSayState();
}

function renderSayState() {
  const q = st.featuredQuestion();
  const n = [...$('#say-text').value.trim()].length;
  const live = st.status === 'live';
  const isDept = role() === 'department';
  $('#btn-answer').hidden = !isDept;
  $('#btn-answer').disabled = !live || !q || n === 0 || n > MAX_SAY;
  $('#btn-say').disabled = !live || n === 0 || n > MAX_SAY || !canSay();
  $('#say-text').disabled = !canSay();
  const c = $('#say-count');
  c.textContent = `${[...$('#say-text').value].length}/${MAX_SAY}`;
  c.classList.toggle('over', n > MAX_SAY);
  $('#propose-box').hidden = !canPropose();
}

const cards = new Map();
function renderPoints() {
  const open = st.openPoints();
  $('#points-empty').hidden = open.length > 0;
  const list = $('#points');
  const key = `${open.map((p) => p.point).join(',')}|${st.status}|${role()}`;
  if (list.dataset.key === key) {
    for (const p of open) cards.get(p.point).update(p.tally);
    return;
  }
  list.dataset.key = key;
  clear(list);
  cards.clear();
  for (const p of open) {
    const card = pointCard(p, {
      groups: standardGroups(st.settings), settings: st.settings, canVote: canVote() && st.status === 'live', myChoice: myChoice[p.point],
      onVote: async (c) => {
        card.setChoice(c);
        try {
          await conn.request('vote', { point: p.point, choice: c });
          myChoice[p.point] = c;
          setStatus($('#vote-status'), t('vote.done', { choice: choiceLabel(c) }), 'ok');
        } catch (err) {
          card.setChoice(myChoice[p.point]);
          setStatus($('#vote-status'), errorText(err), 'error');
        }
      },
    });
    cards.set(p.point, card);
    list.append(card.el);
  }
}

// A department's own commitments, each with 报告进展 (which works after the end too),
// and, while live, a commitment of its own.
let commit = null;
let commitments = null;
function renderCommitments() {
  const isDept = role() === 'department';
  $('#commit-mine').hidden = !isDept;
  if (!isDept) return;
  if (!commit) {
    commit = commitForm({ conn, st, chooseDepartment: false, prefix: 'commit' });
    $('#commit-box').append(commit.el);
    commitments = progressList($('#commitments'), { conn, open: true });
  }
  const list = st.commitmentList(me());
  $('#commitments-count').textContent = list.length ? String(list.length) : '';
  $('#commitments-empty').hidden = list.length > 0;
  commitments.render(list, st);
  $('#commit-box').hidden = st.status !== 'live';
  commit.refresh();
}

function renderAll() {
  renderHeader();
  renderFeatured();
  renderPoints();
  renderCommitments();
  $('#feed-empty').hidden = $('#feed').children.length > 0;
}
const scheduleRender = renderScheduler(renderAll);

const conn = new Conn({
  session: sid,
  joinFields: () => ({ token }),
  onWelcome(msg) {
    st.loadWelcome(msg);
    myChoice = st.myVotes();
    $('#points').dataset.key = ''; // redraw with the votes the server remembers
    scheduleRender();
  },
  onEvent(ev, { replay }) {
    st.take(ev, replay);
    feed.add(renderEvent(ev, { state: st, staff: true }));
    scheduleRender();
  },
  onLive(msg) {
    const kind = st.applyLive(msg);
    if (kind === 'tally') { const c = cards.get(msg.point); if (c) c.update(msg.tally); }
    else if (kind === 'upvotes' && msg.question === st.featured) renderFeatured();
  },
  onReset() { feed.clear(); },
  onStatus: showConnState,
});

async function say(replyTo) {
  const text = $('#say-text').value.trim();
  if (!text) return;
  const fields = { text };
  if (replyTo) fields.reply_to = replyTo;
  try {
    await conn.request('say', fields);
    $('#say-text').value = '';
    setStatus($('#say-status'), replyTo ? t('part.answered') : t('part.said'), 'ok');
  } catch (err) {
    setStatus($('#say-status'), errorText(err), 'error');
  }
  renderSayState();
}

$('#say-text').addEventListener('input', renderSayState);
$('#say-form').addEventListener('submit', (e) => { e.preventDefault(); say(null); });
$('#btn-answer').addEventListener('click', () => { if (st.featured) say(st.featured); });
$('#propose-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('#propose-text').value.trim();
  if (!text) return;
  try {
    await conn.request('propose', { text });
    $('#propose-text').value = '';
    setStatus($('#propose-status'), t('points.proposed'), 'ok');
  } catch (err) {
    setStatus($('#propose-status'), errorText(err), 'error');
  }
});

$('#hand-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const note = $('#hand-note').value.trim();
  try {
    await conn.request('raise_hand', note ? { note } : {});
    $('#hand-note').value = '';
    setStatus($('#hand-status'), t('hands.raised'), 'ok');
  } catch (err) {
    setStatus($('#hand-status'), errorText(err), 'error');
  }
});
$('#btn-lower').addEventListener('click', async () => {
  try {
    await conn.request('lower_hand');
    setStatus($('#hand-status'), '', '');
  } catch (err) {
    setStatus($('#hand-status'), errorText(err), 'error');
  }
});

renderAll();
if (!token) showConnState('fatal', { code: 'unauthorized' });
else conn.start();
