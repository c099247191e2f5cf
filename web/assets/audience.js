// The audience page (/s/{id}): a phone in an in-app browser on a weak network.
import { $, h, clear, sessionIdFromPath, safeUrl, renderScheduler, drawnFrom } from './dom.js';
import { t } from './i18n.js';
import { startPage } from './page.js';
import { Conn, storedId } from './conn.js';
import { SessionState } from './state.js';
import {
  renderEvent, Feed, pointCard, standardGroups, showConnState, errorText, speaker, statusPill, questionBadge,
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
const votedKey = `yst.upvoted.${sid}`;
const choiceKey = `yst.choice.${sid}`;
const mineKey = `yst.mine.${sid}`;
const voted = new Set(store.get(votedKey, []));
const choices = store.get(choiceKey, {});
const mine = new Set(store.get(mineKey, []));
let nickname = store.get('yst.nickname', '');

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
  b.textContent = `▲ ${n}`;
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
async function upvote(qid) {
  if (voted.has(qid)) return;
  voted.add(qid);
  refreshUpvotes(qid);
  try {
    const ack = await conn.request('upvote', { question: qid });
    const q = st.question(qid);
    if (q && typeof ack.count === 'number') q.upvotes = Math.max(q.upvotes, ack.count);
    store.set(votedKey, [...voted]);
    refreshUpvotes(qid);
    renderQuestions();
  } catch (err) {
    voted.delete(qid);
    // The audience is not told when the host withdraws an approved question
    // (question.rejected goes to staff only): the upvote's refusal tells.
    const q = st.question(qid);
    if (q && (err.code === 'conflict' || err.code === 'not_found') && q.status === 'approved') {
      q.status = 'rejected';
      renderQuestions();
    }
    refreshUpvotes(qid);
    setStatus($('#ask-status'), errorText(err, false), 'error');
  }
}

// ---- rendering ----
function renderHeader() {
  document.title = st.title ? `${st.title} · ${t('brand')}` : t('brand');
  $('#title').textContent = st.title || t('brand');
  $('#topic').textContent = st.topic || '';
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

let streamShown = null;
function renderStream() {
  const url = safeUrl(st.streamUrl);
  const key = `${url}|${st.status === 'ended'}`;
  if (key === streamShown) return;
  streamShown = key;
  const box = clear($('#stream'));
  if (!url) {
    box.append(h('div', { class: 'stream-placeholder' },
      h('img', { src: '/assets/favicon.svg', alt: '', width: 48, height: 48 }),
      h('p', { text: st.status === 'ended' ? t('stream.ended') : t('stream.none') })));
    return;
  }
  const path = new URL(url).pathname.toLowerCase();
  if (path.endsWith('.m3u8')) {
    const v = h('video', { src: url, controls: true, playsInline: true, preload: 'none',
      attrs: { playsinline: true, 'webkit-playsinline': true, 'x5-playsinline': true, title: t('aud.stream') } });
    box.append(v);
  } else {
    box.append(h('iframe', { src: url, title: t('aud.stream'),
      attrs: { allow: 'autoplay; fullscreen; picture-in-picture', allowfullscreen: true, loading: 'lazy' } }));
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
    const card = pointCard(p, { groups: standardGroups(st.settings), canVote, myChoice: choices[p.point], onVote: (c) => vote(p.point, c) });
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
    store.set(choiceKey, choices);
  } catch (err) {
    if (card) card.setChoice(before);
    setStatus($('#points-note'), errorText(err, false), 'error');
  }
}

function renderQuestions() {
  const qs = st.publicQuestions();
  if (unchanged('questions', qs.map((q) => `${q.question}:${q.status}:${q.upvotes}`).join() + [...mine].join())) return;
  $('#q-count').textContent = qs.length ? String(qs.length) : '';
  const list = clear($('#qlist'));
  $('#qs-empty').hidden = qs.length > 0;
  for (const q of qs) {
    list.append(h('li', { class: `q-item status-${q.status}${mine.has(q.question) ? ' mine' : ''}`, data: { q: q.question } },
      h('div', { class: 'q-body' },
        h('p', { class: 'text', text: q.text }),
        h('p', { class: 'muted small' }, speaker(q.name, null),
          questionBadge(q, st.featured),
          mine.has(q.question) ? h('span', { class: 'badge', text: t('q.mine') }) : null)),
      upvoteButton(q.question)));
  }
}

function renderAll() {
  renderHeader();
  renderStream();
  renderFeatured();
  renderPoints();
  renderQuestions();
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
  $('#ask-as').textContent = t('aud.askAs', { name: nickname || '' });
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
async function submitAsk(e) {
  e.preventDefault();
  const text = askText.value.trim();
  const n = charCount(text);
  if (!n) { setStatus(askStatus, t('ask.empty'), 'error'); return; }
  if (n > MAX_ASK) { setStatus(askStatus, t('ask.tooLong', { max: MAX_ASK }), 'error'); return; }
  sending = true;
  renderAskState();
  setStatus(askStatus, t('ask.sending'), 'muted');
  try {
    const ack = await conn.request('ask', { text });
    const qid = typeof ack.question === 'object' && ack.question ? ack.question.question : ack.question;
    const status = ack.status || (ack.question && ack.question.status) || '';
    if (qid) { mine.add(qid); store.set(mineKey, [...mine]); }
    askText.value = '';
    const shown = status === 'approved' || (qid && st.question(qid) && st.question(qid).status !== 'pending');
    setStatus(askStatus, shown ? t('ask.public') : t('ask.pending'), 'ok');
    pendingMine = shown ? null : qid;
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

// ---- nickname ----
function defaultNick() {
  const b = new Uint16Array(1);
  crypto.getRandomValues(b);
  return t('nick.default', { n: String(1000 + (b[0] % 9000)) });
}
function askNickname(first) {
  return new Promise((resolve) => {
    const dlg = $('#nick-dialog');
    const input = $('#nick-input');
    input.value = nickname || defaultNick();
    $('#nick-error').textContent = '';
    dlg.hidden = false;
    input.focus();
    input.select();
    const form = $('#nick-form');
    const done = (e) => {
      e.preventDefault();
      const v = input.value.trim();
      const len = [...v].length;
      if (len < 1 || len > 32 || /[\u0000-\u001f\u007f]/.test(v)) { $('#nick-error').textContent = t('nick.invalid'); return; }
      form.removeEventListener('submit', done);
      dlg.hidden = true;
      const changed = v !== nickname;
      nickname = v;
      store.set('yst.nickname', v);
      renderAskState();
      resolve(changed && !first);
    };
    form.addEventListener('submit', done);
  });
}

// ---- connection ----
const conn = new Conn({
  session: sid,
  joinFields: () => ({ role: 'audience', name: nickname, client_id: clientId }),
  onWelcome(msg) {
    st.loadWelcome(msg);
    if (msg.you && msg.you.name && msg.you.name !== nickname) { /* the server keeps the first name */ }
    scheduleRender();
  },
  onEvent(ev, { replay }) {
    if (!replay) st.applyEvent(ev);
    if (ev.kind === 'question.approved' && ev.data && ev.data.question === pendingMine) {
      setStatus(askStatus, t('ask.approved'), 'ok');
      pendingMine = null;
    }
    const item = renderEvent(ev, { state: st, upvote: upvoteButton });
    if (item && ev.kind === 'question.approved' && mine.has(ev.data && ev.data.question)) item.classList.add('mine');
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
  if (await askNickname(false)) conn.rejoin();
});

async function main() {
  if (!sid) { showConnState('fatal', { code: 'not_found' }); return; }
  renderAll();
  renderCount();
  if (!nickname) await askNickname(true);
  conn.start();
}
main();
