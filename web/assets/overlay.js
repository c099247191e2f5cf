// The broadcast overlay (/overlay/{id}): a transparent 1920x1080 browser
// source. It joins as an audience member that only listens.
import { $, h, clear, sessionIdFromPath, renderScheduler } from './dom.js';
import { t, roleLabel } from './i18n.js';
import { startPage } from './page.js';
import { Conn, storedId } from './conn.js';
import { SessionState } from './state.js';
import { tallyBars, standardGroups, outcomeBadge } from './feed.js';

startPage();
const sid = sessionIdFromPath();
const st = new SessionState();
const MAX_POINTS = 2;

$('#ov-qr').src = `/api/sessions/${encodeURIComponent(sid)}/qr.svg`;
$('#ov-qr').alt = t('overlay.qrAlt');

function renderQuestion() {
  const q = st.featuredQuestion();
  const show = !!q && q.status !== 'answered' && st.status !== 'ended';
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
  $('#ov-q-up').textContent = q.upvotes ? ` · ▲ ${q.upvotes}` : '';
}

function renderFloor() {
  const f = st.status === 'live' ? st.floor : null;
  $('#ov-floor').hidden = !f;
  if (!f) return;
  $('#ov-floor-name').textContent = f.name;
  $('#ov-floor-role').textContent = roleLabel(f.role);
}

const bars = new Map();
function renderPoints() {
  const open = st.openPoints().slice(-MAX_POINTS);
  const box = $('#ov-points');
  box.hidden = open.length === 0;
  const key = open.map((p) => p.point).join(',');
  if (box.dataset.key === key) {
    for (const p of open) bars.get(p.point).update(p.tally);
    return;
  }
  box.dataset.key = key;
  clear(box);
  bars.clear();
  for (const p of open) {
    const b = tallyBars(standardGroups(st.settings), p.tally);
    bars.set(p.point, b);
    box.append(h('article', { class: 'ov-point', data: { point: p.point } },
      h('p', { class: 'ov-point-label' }, h('span', { text: t('overlay.point') }), outcomeBadge(null)),
      h('p', { class: 'ov-point-text', text: p.text }),
      b.el));
  }
}

function renderOnline() {
  const n = st.onlineTotal();
  $('#ov-online').hidden = n == null;
  if (n != null) $('#ov-online').textContent = t('online', { n });
}

function renderAll() {
  $('#ov-title').textContent = st.title;
  $('#ov-live').hidden = st.status !== 'live';
  document.title = `${t('overlay.name')} · ${st.title}`;
  renderQuestion();
  renderFloor();
  renderPoints();
  renderOnline();
}
const scheduleRender = renderScheduler(renderAll);

const conn = new Conn({
  session: sid,
  joinFields: () => ({ role: 'audience', name: t('overlay.name'), client_id: storedId('yst.overlay.client_id') }),
  onWelcome(msg) { st.loadWelcome(msg); scheduleRender(); },
  onEvent(ev, { replay }) { if (!replay) { st.applyEvent(ev); scheduleRender(); } },
  onLive(msg) {
    const kind = st.applyLive(msg);
    if (kind === 'tally') { const b = bars.get(msg.point); if (b) b.update(msg.tally); }
    else if (kind === 'presence') renderOnline();
    else if (kind === 'upvotes' && msg.question === st.featured) renderQuestion();
  },
  // A broadcast shows nothing about the connection: it reconnects quietly.
  onStatus(state) { document.body.dataset.conn = state; },
});
conn.start();
