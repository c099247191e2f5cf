// Participation statistics (/stats, the admin's): the totals over a range of dates,
// sessions by month, each session's audience (peak and active), the three rates
// (answered questions, adopted points, completed commitments), by form and by venue,
// and the CSV. The charts are SVG drawn here (no library). The admin token is kept
// as on /admin: in this tab's sessionStorage only, green once GET /api/admin accepts it.
import { $, h, clear, toast, withLang } from './dom.js';
import { t, lang, formLabel } from './i18n.js';
import './i18n-desk.js';
import './i18n-year.js';
import { startPage } from './page.js';
import { api, download } from './api.js';
import { errorText } from './feed.js';

startPage();
document.title = `${t('stats.title')} · ${t('brand')}`;
for (const [id, path] of [['admin-link', '/admin'], ['plan-link', '/plan'], ['follow-link', '/follow']]) $(`#${id}`).href = withLang(path);

const KEY = 'yst.admin_token'; // the same as /admin's: one paste serves both in a tab
let token = '';
try { token = sessionStorage.getItem(KEY) || ''; } catch { token = ''; }
let tokenOk = null;
const authError = (err) => !!err && (err.status === 401 || err.status === 403);

function fail(err) {
  const msg = authError(err) ? t('admin.badToken') : errorText(err);
  $('#errors').textContent = msg;
  toast(msg, 'error');
}

function renderToken() {
  const el = $('#token-status');
  el.textContent = !token ? t('admin.tokenHint')
    : tokenOk === null ? t('admin.tokenChecking')
      : tokenOk ? t('admin.tokenOk') : t('admin.badToken');
  el.classList.toggle('ok-text', !!token && tokenOk === true);
  el.classList.toggle('error-text', !!token && tokenOk === false);
  $('#csv').disabled = !tokenOk;
  $('#need-token').hidden = !!tokenOk;
  if (!tokenOk) $('#stats-body').hidden = true;
}

async function checkToken() {
  tokenOk = null;
  renderToken();
  if (!token) return;
  try {
    await api('/api/admin', { token });
    tokenOk = true;
    $('#errors').textContent = '';
  } catch (err) {
    tokenOk = authError(err) ? false : null;
    if (tokenOk === null) fail(err);
  }
  renderToken();
  if (tokenOk) load();
}

$('#token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const v = $('#token-input').value.trim();
  if (!v) return;
  token = v;
  $('#token-input').value = '';
  try { sessionStorage.setItem(KEY, v); } catch { /* private mode: memory only */ }
  await checkToken();
  if (tokenOk === false) toast(t('admin.badToken'), 'error');
});
$('#token-clear').addEventListener('click', () => {
  token = '';
  tokenOk = null;
  try { sessionStorage.removeItem(KEY); } catch { /* ignore */ }
  renderToken();
});

// ---- the range: ?from=YYYY-MM-DD&to=YYYY-MM-DD, both optional ----
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const q0 = new URLSearchParams(location.search);
for (const k of ['from', 'to']) if (DATE.test(q0.get(k) || '')) $(`#${k}`).value = q0.get(k);
function rangeQuery() {
  const q = new URLSearchParams();
  for (const k of ['from', 'to']) if (DATE.test($(`#${k}`).value)) q.set(k, $(`#${k}`).value);
  return q.toString();
}
$('#range-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = new URLSearchParams(location.search);
  const r = new URLSearchParams(rangeQuery());
  for (const k of ['from', 'to']) { if (r.get(k)) q.set(k, r.get(k)); else q.delete(k); }
  const qs = q.toString();
  history.replaceState(null, '', `${location.pathname}${qs ? `?${qs}` : ''}`);
  if (tokenOk) load();
});
$('#csv').addEventListener('click', async () => {
  const qs = rangeQuery();
  try { await download(`/api/stats.csv${qs ? `?${qs}` : ''}`, token, 'stats.csv'); } catch (err) { fail(err); }
});

// ---- SVG, built element by element; text only as text nodes ----
const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, v);
  for (const k of kids.flat()) if (k != null && k !== false) el.append(k);
  return el;
}
const chart = (w, hgt, label, ...kids) => s('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'svg-chart', role: 'img', 'aria-label': label }, s('title', null, label), ...kids);
const pct = (r) => `${Math.round((Number(r) || 0) * 100)}%`;
const num = (n) => String(Number(n) || 0);
const short = (str, n) => ([...str].length > n ? `${[...str].slice(0, n - 1).join('')}…` : str);

// Sessions by month: the months of the range (or those from the first to the last session).
function monthChart(rows) {
  const started = rows.filter((r) => r.started_at);
  const counts = new Map();
  for (const r of started) {
    const d = new Date(r.started_at);
    const k = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
    counts.set(k, (counts.get(k) || 0) + 1);
  }
  const keys = [...counts.keys()].sort();
  const fromV = $('#from').value;
  const toV = $('#to').value;
  let first = fromV ? fromV.slice(0, 7) : keys[0];
  let last = toV ? toV.slice(0, 7) : keys[keys.length - 1];
  if (!first || !last) return h('p', { class: 'empty', text: t('stats.noSessions') });
  const months = [];
  for (let [y, m] = first.split('-').map(Number); months.length < 37; m === 12 ? (y++, m = 1) : m++) {
    const k = `${y}-${String(m).padStart(2, '0')}`;
    months.push(k);
    if (k >= last) break;
  }
  if (months.length > 36) { first = keys[0]; last = keys[keys.length - 1]; months.splice(0, months.length, ...keys); }
  const oneYear = months[0].slice(0, 4) === months[months.length - 1].slice(0, 4);
  const mLabel = (k) => (oneYear
    ? (lang === 'en' ? new Date(2000, Number(k.slice(5)) - 1, 1).toLocaleString('en', { month: 'short' }) : `${Number(k.slice(5))}月`)
    : k);
  const W = 560; const H = 220; const L = 30; const B = 30; const T = 16;
  const max = Math.max(1, ...months.map((k) => counts.get(k) || 0));
  const step = (W - L - 6) / months.length;
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const grid = [0, Math.ceil(max / 2), max].filter((v, i, a) => a.indexOf(v) === i).map((v) => s('g', { class: 'grid' },
    s('line', { x1: L, x2: W, y1: y(v), y2: y(v) }), s('text', { x: L - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, String(v))));
  const bars = months.map((k, i) => {
    const v = counts.get(k) || 0;
    const x = L + i * step + step * 0.18;
    const bw = step * 0.64;
    return s('g', { class: 'month', 'data-month': k },
      v ? s('rect', { class: 'bar bar-sessions', x, y: y(v), width: bw, height: y(0) - y(v), rx: 2 }, s('title', null, `${k}: ${v}`)) : null,
      v ? s('text', { x: x + bw / 2, y: y(v) - 4, class: 'val', 'text-anchor': 'middle' }, String(v)) : null,
      s('text', { x: x + bw / 2, y: H - 10, class: 'axis', 'text-anchor': 'middle' }, months.length > 14 && i % 2 ? '' : mLabel(k)));
  });
  return chart(W, H, t('stats.byMonth'), grid, bars);
}

// Each session's peak audience and active audience, side by side.
function audienceChart(rows) {
  const list = rows.filter((r) => r.started_at).sort((a, b) => String(a.started_at).localeCompare(String(b.started_at)));
  if (!list.length) return h('p', { class: 'empty', text: t('stats.noSessions') });
  const W = 760; const L = 230; const R = 40; const RH = 34; const T = 26;
  const H = T + list.length * RH + 4;
  const max = Math.max(1, ...list.map((r) => Math.max(r.peak_audience || 0, r.audience_active || 0)));
  const x = (v) => ((W - L - R) * v) / max;
  const legend = s('g', { class: 'legend' },
    s('rect', { x: L, y: 4, width: 12, height: 12, class: 'bar-peak' }), s('text', { x: L + 18, y: 14 }, t('stats.peak')),
    s('rect', { x: L + 150, y: 4, width: 12, height: 12, class: 'bar-active' }), s('text', { x: L + 168, y: 14 }, t('stats.active')));
  const rowsEl = list.map((r, i) => {
    const y0 = T + i * RH;
    const when = r.started_at ? String(r.started_at).slice(0, 10) : '';
    return s('g', { class: 'session-row', 'data-session': r.id },
      s('text', { x: L - 8, y: y0 + 13, class: 'label', 'text-anchor': 'end' }, short(r.title || r.id, 14)),
      s('text', { x: L - 8, y: y0 + 27, class: 'axis', 'text-anchor': 'end' }, when),
      s('rect', { class: 'bar bar-peak', x: L, y: y0 + 3, width: Math.max(1, x(r.peak_audience || 0)), height: 12, rx: 2 }, s('title', null, `${t('stats.peak')} ${num(r.peak_audience)}`)),
      s('text', { x: L + x(r.peak_audience || 0) + 5, y: y0 + 13, class: 'val' }, num(r.peak_audience)),
      s('rect', { class: 'bar bar-active', x: L, y: y0 + 17, width: Math.max(1, x(r.audience_active || 0)), height: 12, rx: 2 }, s('title', null, `${t('stats.active')} ${num(r.audience_active)}`)),
      s('text', { x: L + x(r.audience_active || 0) + 5, y: y0 + 27, class: 'val' }, num(r.audience_active)));
  });
  return chart(W, H, t('stats.audience'), legend, rowsEl);
}

// The three rates as gauges, each with its fraction.
function ratesChart(tot) {
  const rates = [
    ['answer_rate', t('stats.answerRate'), t('stats.answerOf', { a: num(tot.questions_answered), b: num(tot.questions_public) })],
    ['adoption_rate', t('stats.adoptionRate'), t('stats.adoptedOf', { a: num(tot.points_adopted), b: num(tot.points_proposed) })],
    ['completion_rate', t('stats.completionRate'), t('stats.doneOf', { a: num(tot.commitments_done), b: num(tot.commitments_made) })],
  ];
  const W = 480; const L = 136; const R = 54; const RH = 56;
  return chart(W, rates.length * RH, t('stats.rates'), rates.map(([k, label, sub], i) => {
    const y0 = i * RH + 8;
    const r = Math.min(1, Math.max(0, Number(tot[k]) || 0));
    return s('g', { class: `rate rate-${k}`, 'data-rate': k },
      s('text', { x: 0, y: y0 + 14, class: 'label' }, label),
      s('rect', { class: 'track', x: L, y: y0 + 2, width: W - L - R, height: 16, rx: 8 }),
      s('rect', { class: `bar bar-${k}`, x: L, y: y0 + 2, width: Math.max(r ? 2 : 0, (W - L - R) * r), height: 16, rx: 8 }, s('title', null, `${label} ${pct(r)}`)),
      s('text', { x: W, y: y0 + 15, class: 'val big', 'text-anchor': 'end' }, pct(r)),
      s('text', { x: L, y: y0 + 36, class: 'axis' }, sub));
  }));
}

// A small bar beside a rate in the tables.
const miniBar = (r) => s('svg', { viewBox: '0 0 60 8', class: 'mini-bar', 'aria-hidden': 'true' },
  s('rect', { class: 'track', x: 0, y: 0, width: 60, height: 8, rx: 4 }),
  s('rect', { class: 'bar', x: 0, y: 0, width: 60 * Math.min(1, Math.max(0, Number(r) || 0)), height: 8, rx: 4 }));

function groupTable(groups, nameOf) {
  const keys = Object.keys(groups || {}).sort((a, b) => (a === 'none') - (b === 'none') || (groups[b].sessions - groups[a].sessions));
  if (!keys.length) return h('p', { class: 'empty', text: t('stats.noSessions') });
  const rateCell = (r) => h('td', { class: 'rate-cell' }, miniBar(r), h('span', { text: pct(r) }));
  return h('table', { class: 'role-table stats-table' },
    h('thead', null, h('tr', null, ['', t('stats.colSessions'), t('stats.peak'), t('stats.colQuestions'), t('stats.answerRate'), t('stats.adoptionRate'), t('stats.completionRate')]
      .map((c) => h('th', { text: c, attrs: { scope: 'col' } })))),
    h('tbody', null, keys.map((k) => {
      const g = groups[k];
      return h('tr', { data: { key: k } },
        h('th', { text: k === 'none' ? t('stats.none') : nameOf(k), attrs: { scope: 'row' } }),
        h('td', { text: num(g.sessions) }), h('td', { text: num(g.peak_audience) }), h('td', { text: num(g.questions_asked) }),
        rateCell(g.answer_rate), rateCell(g.adoption_rate), rateCell(g.completion_rate));
    })));
}

function tiles(tot) {
  const tile = (key, label, value, sub) => h('div', { class: 'tile', data: { key } },
    h('dt', { text: label }), h('dd', { class: 'tile-value', text: value }), sub ? h('dd', { class: 'tile-sub muted small', text: sub }) : null);
  return [
    tile('sessions', t('stats.sessions'), num(tot.sessions)),
    tile('peak_audience', t('stats.peakSum'), num(tot.peak_audience)),
    tile('audience_active', t('stats.active'), num(tot.audience_active)),
    tile('questions_asked', t('stats.questions'), num(tot.questions_asked),
      t('stats.questionsSub', { pub: num(tot.questions_public), ans: num(tot.questions_answered) })),
    tile('answer_rate', t('stats.answerRate'), pct(tot.answer_rate)),
    tile('adoption_rate', t('stats.adoptionRate'), pct(tot.adoption_rate), t('stats.adoptedOf', { a: num(tot.points_adopted), b: num(tot.points_proposed) })),
    tile('completion_rate', t('stats.completionRate'), pct(tot.completion_rate),
      t('stats.commitSub', { done: num(tot.commitments_done), made: num(tot.commitments_made), late: num(tot.commitments_overdue) })),
  ];
}

async function load() {
  const qs = rangeQuery();
  let data;
  try {
    data = await api(`/api/stats${qs ? `?${qs}` : ''}`, { token });
    $('#errors').textContent = '';
  } catch (err) {
    if (authError(err)) { tokenOk = false; renderToken(); }
    fail(err);
    return;
  }
  const tot = data.totals || {};
  const rows = data.sessions || [];
  const f = $('#from').value; const to = $('#to').value;
  $('#range-note').textContent = f || to ? t('stats.rangeLine', { from: f || '…', to: to || '…' }) : t('stats.rangeHint');
  clear($('#totals')).append(...tiles(tot));
  clear($('#chart-month')).append(monthChart(rows));
  clear($('#chart-rates')).append(ratesChart(tot));
  clear($('#chart-audience')).append(audienceChart(rows));
  clear($('#by-form')).append(groupTable(data.by_form, (k) => formLabel(k)));
  clear($('#by-venue')).append(groupTable(data.by_venue, (k) => k));
  $('#stats-body').hidden = false;
}

renderToken();
checkToken();
