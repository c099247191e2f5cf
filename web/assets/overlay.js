// The broadcast overlay (/overlay/{id}): a transparent browser source. It joins
// as the overlay role: it sees what the audience sees, is never counted as
// audience and sends nothing.
//
// Which panels are on air is the URL's to say, so that the studio chooses in its
// broadcast software (the host page builds the link):
//   /overlay/{id}?panels=question,speaker,points,qr,online   (default: all)
import { $, h, clear, sessionIdFromPath, renderScheduler } from './dom.js';
import { t, roleLabel } from './i18n.js';
import './i18n-desk.js';
import { startPage } from './page.js';
import { Conn } from './conn.js';
import { SessionState } from './state.js';
import { tallyBars, standardGroups, outcomeBadge, choicesLine, countedVotes, audienceVotes, clockText } from './feed.js';
import { OVERLAY_PANELS } from './links.js';

startPage();
const sid = sessionIdFromPath();
const st = new SessionState();
const MAX_CARDS = 2; // points on air at once: more would not fit the side zone
const RESULT_MS = 20000; // how long a closed point's result stays on air
const LOW_SECONDS = 30; // the countdown turns amber

const panels = (() => {
  const q = new URLSearchParams(location.search).get('panels');
  if (q == null) return new Set(OVERLAY_PANELS);
  return new Set(q.split(',').map((s) => s.trim()).filter((s) => OVERLAY_PANELS.includes(s)));
})();
const on = (panel) => panels.has(panel);

// The stage is laid out at 1920x1080 and scaled to whatever size the source has.
function fitStage() {
  const s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080) || 1;
  $('#ov-stage').style.transform = `scale(${s})`;
}
window.addEventListener('resize', fitStage);
fitStage();

$('#ov-qr').src = `/api/sessions/${encodeURIComponent(sid)}/qr.svg`;
$('#ov-qr').alt = t('overlay.qrAlt');
$('#ov-qr-box').hidden = !on('qr');

function renderQuestion() {
  const q = st.featuredQuestion();
  const show = on('question') && !!q && q.status === 'featured' && st.status === 'live';
  const box = $('#ov-question');
  box.hidden = !show;
  if (!show) return;
  if (box.dataset.q !== q.question) {
    box.dataset.q = q.question;
    box.classList.remove('enter');
    void box.offsetWidth; // restart the entrance animation
    box.classList.add('enter');
  }
  $('#ov-q-name').textContent = q.name;
  $('#ov-q-text').textContent = q.text;
  $('#ov-q-up').textContent = q.upvotes ? ` · ${t('up.count', { n: q.upvotes })}` : '';
}

function renderFloor() {
  const f = on('speaker') && st.status === 'live' ? st.floor : null;
  $('#ov-floor').hidden = !f;
  if (!f) return;
  $('#ov-floor-name').textContent = f.name;
  $('#ov-floor-role').textContent = roleLabel(f.role);
  renderClock();
}

// The speaker's time: what is left, then how far over (the host decides what then).
function renderClock() {
  const clock = $('#ov-clock');
  const left = st.floor ? st.floorLeft() : null;
  clock.hidden = left == null;
  if (left == null) return;
  const over = st.floorOverrun();
  clock.textContent = over ? t('overlay.over', { time: clockText(Math.min(left, 0)) }) : t('overlay.left', { time: clockText(left) });
  clock.classList.toggle('over', over);
  clock.classList.toggle('low', !over && left <= LOW_SECONDS);
}
setInterval(() => { if (!$('#ov-floor').hidden) renderClock(); }, 250);

// The points on air: results of points closed moments ago first (what just
// happened), then the latest open ones.
function cardsOnAir() {
  if (!on('points')) return [];
  const now = Date.now();
  const results = [...st.closedAt]
    .filter(([, at]) => now - at < RESULT_MS)
    .sort((a, b) => b[1] - a[1])
    .map(([id]) => st.points.get(id))
    .filter(Boolean);
  return [...results, ...st.openPoints().reverse()].slice(0, MAX_CARDS);
}

const cards = new Map();
function renderPoints() {
  const shown = cardsOnAir();
  const box = $('#ov-points');
  box.hidden = shown.length === 0;
  const key = shown.map((p) => `${p.point}:${p.status}`).join(',');
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    clear(box);
    cards.clear();
    for (const p of shown) {
      const card = p.status === 'open' ? openCard(p) : resultCard(p);
      cards.set(p.point, card);
      box.append(card.el);
    }
  }
  for (const p of shown) cards.get(p.point).update(p.tally);
}

function openCard(p) {
  const [counted] = standardGroups(st.settings);
  const bars = tallyBars([counted], p.tally);
  const advisory = h('p', { class: 'ov-advisory' });
  const el = h('article', { class: 'ov-point', data: { point: p.point } },
    h('p', { class: 'ov-point-label' }, h('span', { text: t('overlay.point') }), outcomeBadge(null)),
    h('p', { class: 'ov-point-text', text: p.text }),
    bars.el, advisory);
  return {
    el,
    update(tally) {
      bars.update(tally);
      advisory.textContent = t('tally.advisoryLine', { votes: choicesLine(audienceVotes(tally)) });
    },
  };
}

function resultCard(p) {
  const el = h('article', { class: 'ov-point result', data: { point: p.point, outcome: p.outcome || '' } },
    h('p', { class: 'ov-point-label' }, h('span', { text: t('overlay.result') }), outcomeBadge(p.outcome)),
    h('p', { class: 'ov-point-text', text: p.text }),
    h('p', { class: 'ov-result', text: choicesLine(countedVotes(p.tally, st.settings)) }),
    h('p', { class: 'ov-advisory', text: t('tally.advisoryLine', { votes: choicesLine(audienceVotes(p.tally)) }) }));
  return { el, update() {} };
}
// A result leaves the air on its own once its time is up.
setInterval(() => { if (st.closedAt.size) renderPoints(); }, 1000);

function renderEnd() {
  const ended = st.status === 'ended';
  $('#ov-end').hidden = !ended;
  if (!ended) return;
  const points = [...st.points.values()];
  $('#ov-end-stats').textContent = t('overlay.endStats', {
    q: st.publicQuestions().length,
    p: points.length,
    a: points.filter((p) => p.outcome === 'adopted').length,
  });
}

function renderOnline() {
  const n = st.onlineTotal();
  $('#ov-online').hidden = n == null || !on('online');
  if (n != null) $('#ov-online').textContent = t('online', { n });
}

function renderAll() {
  $('#ov-title').textContent = st.title;
  $('#ov-live').hidden = st.status !== 'live';
  document.title = `${t('overlay.name')} · ${st.title}`;
  document.body.dataset.status = st.status;
  renderQuestion();
  renderFloor();
  renderPoints();
  renderEnd();
  renderOnline();
}
const scheduleRender = renderScheduler(renderAll);

const conn = new Conn({
  session: sid,
  joinFields: () => ({ role: 'overlay' }),
  onWelcome(msg) { st.loadWelcome(msg); scheduleRender(); },
  onEvent(ev, { replay }) { if (st.take(ev, replay)) scheduleRender(); },
  onLive(msg) {
    const kind = st.applyLive(msg);
    if (kind === 'tally') { const c = cards.get(msg.point); if (c) c.update(msg.tally); }
    else if (kind === 'presence') renderOnline();
    else if (kind === 'upvotes' && msg.question === st.featured) renderQuestion();
  },
  // A broadcast shows nothing about the connection: it reconnects quietly.
  onStatus(state) { document.body.dataset.conn = state; },
});
conn.start();
