// The audience page (/s/{id}): a phone in an in-app browser on a weak network.
// It shows the programme at once; a name is asked for only when the phone first
// asks a question.
import { $, h, clear, sessionIdFromPath, safeUrl, renderScheduler, drawnFrom, fmtDateTime } from './dom.js';
import { t, questionStatusLabel } from './i18n.js';
import { startPage } from './page.js';
import { Conn, storedId } from './conn.js';
import { SessionState } from './state.js';
import {
  renderEvent, Feed, pointCard, standardGroups, showConnState, errorText, speaker, statusPill, questionBadge, CommitmentList,
} from './feed.js';

startPage();
const sid = sessionIdFromPath();
const st = new SessionState();
const feed = new Feed($('#feed'), { newestFirst: true, max: 300 });
const MAX_ASK = 500;

// ---- per-browser memory (localStorage; tolerate private mode) ----
const store = {
  get(k, d) { try { const v = localStorage.getItem(k); return v == null ? d : JSON.parse(v); } catch { return d; } },
  set(k, v) { try { localStorage.setItem(k, JSON.stringify(v)); } catch { /* ignore */ } },
};
const clientId = storedId('yst.client_id');
// The name the person chose (asked for at the first question), else a guest name to
// join with until then: 听众 and four digits, kept so that a reload keeps it.
let nickname = store.get('yst.nickname', '');
const guestName = store.get('yst.guest_name', '') || (() => {
  const b = new Uint16Array(1);
  crypto.getRandomValues(b);
  const n = t('nick.default', { n: String(1000 + (b[0] % 9000)) });
  store.set('yst.guest_name', n);
  return n;
})();
const joinName = () => nickname || guestName;

// What this phone did, as the server remembers it (you.upvoted, you.votes), plus
// what it has just done.
let voted = new Set();
let choices = {};

// ---- upvote buttons: several may show the same question ----
const upButtons = new Map();
function upvoteButton(qid) {
  const b = h('button', {
    type: 'button', class: 'btn upvote', data: { q: qid },
    on: { click: () => upvote(qid) },
  });
  if (!upButtons.has(qid)) upButtons.set(qid, new Set());
  upButtons.get(qid).add(b);
  paintUpvote(b, qid);
  return b;
}
function paintUpvote(b, qid) {
  const q = st.question(qid);
  const n = q ? q.upvotes : 0;
  const done = voted.has(qid);
  const closed = q && q.status !== 'approved' && q.status !== 'featured';
  b.textContent = t('up.button', { n });
  b.disabled = done || !!closed;
  b.classList.toggle('done', done);
  b.setAttribute('aria-label', done ? t('up.done', { n }) : t('up.label', { n }));
  b.setAttribute('aria-pressed', done ? 'true' : 'false');
}
function refreshUpvotes(qid) {
  const set = upButtons.get(qid);
  if (!set) return;
  for (const b of set) { if (!b.isConnected) set.delete(b); else paintUpvote(b, qid); }
}
function refreshAllUpvotes() { for (const qid of upButtons.keys()) refreshUpvotes(qid); }
async function upvote(qid) {
  if (voted.has(qid)) return;
  voted.add(qid);
  refreshUpvotes(qid);
  try {
    const ack = await conn.request('upvote', { question: qid });
    const q = st.question(qid);
    if (q && typeof ack.count === 'number') q.upvotes = Math.max(q.upvotes, ack.count);
    refreshUpvotes(qid);
    renderQuestions();
  } catch (err) {
    voted.delete(qid);
    refreshUpvotes(qid);
    setStatus($('#ask-status'), errorText(err, false), 'error');
  }
}

// ---- rendering ----
function renderHeader() {
  document.title = st.title ? `${st.title} · ${t('brand')}` : t('brand');
  $('#title').textContent = st.title || t('brand');
  $('#topic').textContent = st.topic || '';
  // The title carries the episode (第N期) where the office numbers them; the time is the schedule's.
  $('#when').textContent = st.scheduledAt ? t('aud.scheduled', { time: fmtDateTime(st.scheduledAt) }) : '';
  statusPill(st.status, $('#status'));
  const f = st.floor;
  const fl = $('#floor');
  clear(fl);
  if (f) fl.append(h('span', { class: 'muted', text: t('floor.now') }), speaker(f.name, f.role));
  renderOnline();
  renderAskState();
}

function renderOnline() {
  const n = st.onlineTotal();
  $('#online').textContent = n == null ? '' : t('online', { n });
}

// The picture, when there is one to show: no placeholder promising a picture, and a
// player whose stream fails goes away rather than sit there dead.
let streamShown = null;
function renderStream() {
  const url = safeUrl(st.streamUrl);
  const box = $('#stream');
  if (url === streamShown) return;
  streamShown = url;
  clear(box);
  box.hidden = !url;
  if (!url) return;
  const path = new URL(url).pathname.toLowerCase();
  if (path.endsWith('.m3u8')) {
    const v = h('video', { src: url, controls: true, playsInline: true, preload: 'none',
      attrs: { playsinline: true, 'webkit-playsinline': true, 'x5-playsinline': true, title: t('aud.stream') },
      on: { error: () => { box.hidden = true; } } });
    box.append(v);
  } else {
    box.append(h('iframe', { src: url, title: t('aud.stream'),
      // The page sends no referrer (Referrer-Policy); a stream player that checks where it
      // is embedded gets this site's origin, never a path.
      attrs: { allow: 'autoplay; fullscreen; picture-in-picture', allowfullscreen: true, loading: 'lazy',
        referrerpolicy: 'origin' } }));
  }
}

// Lists are rebuilt only when what they show changed, so that a focused
// button keeps its focus while events stream in.
const unchanged = drawnFrom();

function renderFeatured() {
  const q = st.featuredQuestion();
  const card = $('#featured-card');
  card.hidden = !q;
  if (!q || unchanged('featured', `${q.question}:${q.status}`)) { if (q) refreshUpvotes(q.question); return; }
  $('#featured-text').textContent = q.text;
  $('#featured-by').textContent = t('q.askedBy', { name: q.name });
  const up = clear($('#featured-up'));
  up.append(upvoteButton(q.question));
  card.classList.toggle('answered', q.status === 'answered');
}

const cards = new Map();
function renderPoints() {
  const open = st.openPoints();
  const sec = $('#points');
  sec.hidden = open.length === 0;
  const canVote = st.settings.audience_can_vote !== false && st.status === 'live';
  $('#points-note').textContent = canVote ? t('aud.pointsNote') : t('aud.pointsNoVote');
  const list = $('#point-list');
  const ids = open.map((p) => p.point).join(',');
  if (list.dataset.ids === ids && list.dataset.canVote === String(canVote)) {
    for (const p of open) cards.get(p.point).update(p.tally);
    return;
  }
  list.dataset.ids = ids;
  list.dataset.canVote = String(canVote);
  clear(list);
  cards.clear();
  for (const p of open) {
    const card = pointCard(p, { groups: standardGroups(st.settings), settings: st.settings, canVote, myChoice: choices[p.point], onVote: (c) => vote(p.point, c) });
    cards.set(p.point, card);
    list.append(card.el);
  }
}

async function vote(pid, choice) {
  const card = cards.get(pid);
  const before = choices[pid];
  if (card) card.setChoice(choice);
  try {
    await conn.request('vote', { point: pid, choice });
    choices[pid] = choice;
  } catch (err) {
    if (card) card.setChoice(before);
    setStatus($('#points-note'), errorText(err, false), 'error');
  }
}

function renderQuestions() {
  const qs = st.publicQuestions();
  if (unchanged('questions', qs.map((q) => `${q.question}:${q.status}:${q.upvotes}`).join() + [...st.mine].join())) return;
  $('#q-count').textContent = qs.length ? String(qs.length) : '';
  const list = clear($('#qlist'));
  $('#qs-empty').hidden = qs.length > 0;
  for (const q of qs) {
    const mine = st.mine.has(q.question);
    list.append(h('li', { class: `q-item status-${q.status}${mine ? ' mine' : ''}`, data: { q: q.question } },
      h('div', { class: 'q-body' },
        h('p', { class: 'text', text: q.text }),
        h('p', { class: 'muted small' }, speaker(q.name, null),
          questionBadge(q, st.featured),
          mine ? h('span', { class: 'badge', text: t('q.mine') }) : null)),
      upvoteButton(q.question)));
  }
}

// The asker's own questions, whatever became of them, said kindly: waiting, public,
// being answered, answered, not published (with the host's reason) or merged into
// another listener's same question.
function renderMine() {
  const mine = st.myQuestions();
  $('#mine').hidden = mine.length === 0;
  const key = mine.map((q) => `${q.question}:${q.status}:${q.merged_into}:${q.reason || ''}`).join();
  if (unchanged('mine', key)) return;
  const list = clear($('#mine-list'));
  for (const q of [...mine].reverse()) {
    const target = q.status === 'merged' ? st.mergedTarget(q) : null;
    list.append(h('li', { class: `mine-item status-${q.status}`, data: { q: q.question, status: q.status } },
      h('p', { class: 'mine-head' }, h('span', { class: `badge mine-status status-${q.status}`, text: questionStatusLabel(q.status) })),
      h('p', { class: 'text', text: q.text }),
      h('p', { class: 'mine-msg', text: t(`mine.${q.status}`) }),
      q.reason ? h('p', { class: 'muted small', text: t('q.reasonLine', { reason: q.reason }) }) : null,
      target ? h('blockquote', { class: 'reply-quote' }, h('span', { class: 'muted', text: t('mine.into') }), ' ',
        h('b', { text: target.name || '' }), t('sep.colon'), target.text || '') : null));
  }
}

// The departments' commitments and how far they got (办理情况公开), live and after the end.
const commitments = new CommitmentList($('#commit-list'));
function renderCommitments() {
  $('#commitments').hidden = st.commitments.size === 0;
  commitments.render(st.commitmentList(), st);
}

function renderAll() {
  renderHeader();
  renderStream();
  renderFeatured();
  renderPoints();
  renderCommitments();
  renderQuestions();
  renderMine();
  $('#feed-empty').hidden = $('#feed').children.length > 0;
}

const scheduleRender = renderScheduler(renderAll);

// ---- asking ----
const askText = $('#ask-text');
const askStatus = $('#ask-status');
let retryUntil = 0;
let retryTimer = 0;
let sending = false;
let pendingMine = null; // my question waiting for approval

function setStatus(el, msg, kind = '') {
  delete el.dataset.auto;
  el.textContent = msg;
  el.className = `form-status ${kind}`;
}
function charCount(s) { return [...s].length; }
function renderCount() {
  const n = charCount(askText.value);
  const c = $('#ask-count');
  c.textContent = `${n}/${MAX_ASK}`;
  c.classList.toggle('over', n > MAX_ASK);
  renderAskState();
}
function renderAskState() {
  $('#ask-as').textContent = t('aud.askAs', { name: joinName() });
  const n = charCount(askText.value.trim());
  const waiting = Date.now() < retryUntil;
  const live = st.status === 'live';
  $('#ask-submit').disabled = !live || waiting || n === 0 || n > MAX_ASK || sending;
  askText.disabled = st.status === 'ended';
  if (!live && (!askStatus.textContent || askStatus.dataset.auto)) {
    setStatus(askStatus, st.status === 'ended' ? t('ask.ended') : (st.status ? t('ask.notLive') : ''), 'muted');
    askStatus.dataset.auto = '1';
  } else if (live && askStatus.dataset.auto) {
    setStatus(askStatus, '', '');
  }
}

// A question goes out under the name its asker chose: the first time, the page asks
// for one (prefilled), and joins again under it when it differs from the guest name.
async function ensureName() {
  if (nickname) return true;
  const chosen = await askNickname();
  if (!chosen) return false;
  if (chosen.changed) await rejoined();
  return true;
}
// The connection again under the new name; a slow network does not hold the question
// back for ever (the request then fails with its own message).
const rejoined = () => Promise.race([conn.rejoin(), new Promise((r) => setTimeout(r, 10000))]);

async function submitAsk(e) {
  e.preventDefault();
  const text = askText.value.trim();
  const n = charCount(text);
  if (!n) { setStatus(askStatus, t('ask.empty'), 'error'); return; }
  if (n > MAX_ASK) { setStatus(askStatus, t('ask.tooLong', { max: MAX_ASK }), 'error'); return; }
  sending = true;
  renderAskState();
  try {
    if (!(await ensureName())) return;
    setStatus(askStatus, t('ask.sending'), 'muted');
    const ack = await conn.request('ask', { text });
    const qid = typeof ack.question === 'object' && ack.question ? ack.question.question : ack.question;
    const status = ack.status || (ack.question && ack.question.status) || 'pending';
    if (qid) {
      // The ack is enough to show the asker their question before any event about it.
      const q = st.upsertQuestion({ question: qid, text, name: joinName() }, st.question(qid) ? '' : status);
      st.mine.add(q.question);
    }
    askText.value = '';
    const shown = qid && st.question(qid).status !== 'pending';
    setStatus(askStatus, shown ? t('ask.public') : t('ask.pending'), 'ok');
    pendingMine = shown ? null : qid;
    scheduleRender();
  } catch (err) {
    if (err.code === 'rate_limited') {
      const s = Number(err.retry_after_s) || Number((String(err.message).match(/(\d+)\s*s\b/) || [])[1]) || 10;
      retryUntil = Date.now() + s * 1000;
      tickRetry();
    } else {
      setStatus(askStatus, err.code === 'not_live' ? t('ask.notLive') : errorText(err, false), 'error');
    }
  } finally {
    sending = false;
    renderCount();
  }
}
function tickRetry() {
  clearTimeout(retryTimer);
  const left = Math.ceil((retryUntil - Date.now()) / 1000);
  if (left > 0) {
    setStatus(askStatus, t('ask.rateLimited', { s: left }), 'error');
    retryTimer = setTimeout(tickRetry, 1000);
  } else {
    setStatus(askStatus, '', '');
  }
  renderAskState();
}

// What became of the question this phone is waiting on, in the status line too.
function noteMyQuestion(ev) {
  const d = ev.data || {};
  if (!pendingMine || d.question !== pendingMine) return;
  const said = { 'question.approved': 'ask.approved', 'question.rejected': 'mine.rejected', 'question.merged': 'mine.merged' }[ev.kind];
  if (!said) return;
  setStatus(askStatus, t(said), ev.kind === 'question.approved' ? 'ok' : 'muted');
  pendingMine = null;
}

// ---- nickname ----
// Resolves with {name, changed} once confirmed, or null when cancelled.
function askNickname() {
  return new Promise((resolve) => {
    const dlg = $('#nick-dialog');
    const input = $('#nick-input');
    const form = $('#nick-form');
    input.value = joinName();
    $('#nick-error').textContent = '';
    dlg.hidden = false;
    input.focus();
    input.select();
    const finish = (result) => {
      form.removeEventListener('submit', done);
      $('#nick-cancel').removeEventListener('click', cancel);
      dlg.removeEventListener('keydown', onKey);
      dlg.hidden = true;
      resolve(result);
    };
    const cancel = () => finish(null);
    const onKey = (e) => { if (e.key === 'Escape') cancel(); };
    const done = (e) => {
      e.preventDefault();
      const v = input.value.trim();
      const len = [...v].length;
      if (len < 1 || len > 32 || /[\u0000-\u001f\u007f]/.test(v)) { $('#nick-error').textContent = t('nick.invalid'); return; }
      const changed = v !== joinName();
      nickname = v;
      store.set('yst.nickname', v);
      renderAskState();
      finish({ name: v, changed });
    };
    form.addEventListener('submit', done);
    $('#nick-cancel').addEventListener('click', cancel);
    dlg.addEventListener('keydown', onKey);
  });
}

// ---- connection ----
const conn = new Conn({
  session: sid,
  joinFields: () => ({ role: 'audience', name: joinName(), client_id: clientId }),
  onWelcome(msg) {
    st.loadWelcome(msg);
    voted = st.myUpvotes();
    choices = st.myVotes();
    $('#point-list').dataset.ids = ''; // redraw with the votes the server remembers
    refreshAllUpvotes();
    scheduleRender();
  },
  onEvent(ev, { replay }) {
    st.take(ev, replay);
    if (!replay) noteMyQuestion(ev);
    const item = renderEvent(ev, { state: st, upvote: upvoteButton });
    if (item && ev.kind === 'question.approved' && st.mine.has(ev.data && ev.data.question)) item.classList.add('mine');
    feed.add(item);
    scheduleRender();
  },
  onLive(msg) {
    const kind = st.applyLive(msg);
    if (kind === 'upvotes') { refreshUpvotes(msg.question); scheduleQuestions(); }
    else if (kind === 'tally') { const c = cards.get(msg.point); if (c) c.update(msg.tally); }
    else if (kind === 'presence') renderOnline();
  },
  onReset() {
    feed.clear();
    upButtons.clear();
    unchanged.forget();
  },
  onStatus: showConnState,
});

// Re-sorting the question list on every upvote would make it jump under a
// finger: at most twice a second.
const scheduleQuestions = renderScheduler(renderQuestions, 500);

// ---- tabs ----
function selectTab(which) {
  const feedOn = which === 'feed';
  $('#tab-feed').setAttribute('aria-selected', String(feedOn));
  $('#tab-qs').setAttribute('aria-selected', String(!feedOn));
  $('#panel-feed').hidden = !feedOn;
  $('#panel-qs').hidden = feedOn;
}
$('#tab-feed').addEventListener('click', () => selectTab('feed'));
$('#tab-qs').addEventListener('click', () => selectTab('qs'));
$('.tabs').addEventListener('keydown', (e) => {
  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
    const next = document.activeElement.id === 'tab-feed' ? 'qs' : 'feed';
    selectTab(next);
    $(`#tab-${next}`).focus();
  }
});

askText.addEventListener('input', renderCount);
$('#ask-form').addEventListener('submit', submitAsk);
$('#rename').addEventListener('click', async () => {
  const chosen = await askNickname();
  if (chosen && chosen.changed) conn.rejoin();
});

if (!sid) showConnState('fatal', { code: 'not_found' });
else {
  renderAll();
  renderCount();
  conn.start();
}
