// The clerk's desk (/clerk/{id}#token=...): the minutes as they grow, notes,
// commitments and their progress, the case report's own text, exports and the
// hash-chain check.
import { $, $$, h, clear, sessionIdFromPath, tokenFromHash, fmtDateTime, renderScheduler } from './dom.js';
import { t, formLabel } from './i18n.js';
import './i18n-desk.js';
import { startPage } from './page.js';
import { Conn } from './conn.js';
import { SessionState } from './state.js';
import { renderEvent, pointCard, standardGroups, showConnState, errorText, statusPill, approvalBadge } from './feed.js';
import { api, download, eachEvent } from './api.js';
import { commitForm, progressList, loadDepartments } from './commitments.js';

startPage();
const sid = sessionIdFromPath();
const token = tokenFromHash();
const st = new SessionState();
const timeline = $('#timeline');
const rendered = new Map(); // seq -> li, kept in seq order in the DOM
const MAX_NOTE = 5000;

function setStatus(el, msg, kind = '') { el.textContent = msg; el.className = `form-status ${kind}`; }

// Inserts an event's item at its place by seq (history may arrive after live events).
function place(ev) {
  const seq = Number(ev.seq);
  if (rendered.has(seq)) return;
  const li = renderEvent(ev, { state: st, staff: true });
  if (!li) return;
  rendered.set(seq, li);
  let next = null;
  for (let c = timeline.lastElementChild; c; c = c.previousElementSibling) {
    if (Number(c.dataset.seq) < seq) break;
    next = c;
  }
  timeline.insertBefore(li, next);
  $('#timeline-empty').hidden = true;
  if ($('#follow').checked && !next) li.scrollIntoView({ block: 'nearest' });
}

// The welcome replays only the last 50 events: the rest come over HTTP.
let historyLoading = false;
async function loadHistory(upTo) {
  if (historyLoading) return;
  historyLoading = true;
  try {
    await eachEvent(sid, token, (ev) => { st.take(ev, true); place(ev); }, upTo);
  } catch (err) {
    setStatus($('#download-status'), errorText(err), 'error');
  } finally {
    historyLoading = false;
  }
}

function renderHeader() {
  document.title = `${t('clerk.role')} · ${st.title || t('brand')}`;
  $('#title').textContent = st.title || '';
  $('#topic').textContent = st.topic ? t('clerk.topicLine', { topic: st.topic }) : '';
  statusPill(st.status, $('#status'));
  const qs = [...st.questions.values()];
  $('#stats').textContent = t('clerk.stats', {
    q: qs.length,
    a: qs.filter((q) => q.status !== 'pending' && q.status !== 'rejected').length,
    p: st.points.size,
    n: timeline.children.length,
  });
}

function renderPoints() {
  const list = clear($('#points'));
  $('#points-empty').hidden = st.points.size > 0;
  for (const p of st.points.values()) {
    const card = pointCard(p, { groups: standardGroups(st.settings), settings: st.settings, canVote: false });
    card.el.dataset.point = p.point;
    list.append(card.el);
  }
}

// The minutes' sign-off: the clerk submits once the session has ended, the host approves.
function renderMinutes() {
  approvalBadge(st.approval, $('#minutes-status'));
  const key = st.status === 'ended' ? `minutes.hint.${st.approval}` : 'minutes.hint.live';
  $('#minutes-hint').textContent = t(key);
  $('#btn-submit-minutes').hidden = st.status !== 'ended' || st.approval !== 'draft';
}
$('#btn-submit-minutes').addEventListener('click', async () => {
  try {
    await conn.request('submit_minutes');
    setStatus($('#minutes-msg'), t('minutes.submitted'), 'ok');
  } catch (err) {
    setStatus($('#minutes-msg'), errorText(err), 'error');
  }
});

const scheduleRender = renderScheduler(() => { renderHeader(); renderPoints(); renderMinutes(); renderCommitments(); takeCase(); });

let welcomed = false;
const conn = new Conn({
  session: sid,
  joinFields: () => ({ token }),
  onWelcome(msg, { resumed }) {
    st.loadWelcome(msg);
    const s = msg.session || {};
    $('#times').textContent = [
      formLabel(s.form),
      s.venue || '',
      s.scheduled_at ? `${t('clerk.scheduled')} ${fmtDateTime(s.scheduled_at)}` : '',
      s.started_at ? `${t('clerk.started')} ${fmtDateTime(s.started_at)}` : '',
      s.ended_at ? `${t('clerk.ended')} ${fmtDateTime(s.ended_at)}` : '',
    ].filter(Boolean).join(' · ');
    if (!resumed || !welcomed) loadHistory(Number(msg.last_seq) || 0);
    welcomed = true;
    loadDepts();
    scheduleRender();
  },
  onEvent(ev, { replay }) {
    st.take(ev, replay);
    place(ev);
    scheduleRender();
  },
  onLive(msg) {
    const kind = st.applyLive(msg);
    if (kind === 'tally') scheduleRender();
    // A department that joins may be new: the form's list comes from the participants.
    if (kind === 'presence' && st.online && st.online.department !== deptsOnline) {
      if (deptsOnline !== undefined) loadDepts();
      deptsOnline = st.online.department;
    }
  },
  onReset() { clear(timeline); rendered.clear(); welcomed = false; },
  onStatus: showConnState,
});

// ---- commitments (承诺事项): record one, follow them, report progress ----
const commit = commitForm({ conn, st, chooseDepartment: true });
$('#commit-form-box').append(commit.el);
const commitments = progressList($('#commitments'), { conn });
let deptsOnline;
async function loadDepts() {
  try {
    commit.setDepartments(await loadDepartments(sid, token));
  } catch (err) {
    setStatus($('#commit-status'), errorText(err), 'error');
  }
}
function renderCommitments() {
  const list = st.commitmentList();
  $('#commitments-count').textContent = list.length ? String(list.length) : '';
  $('#commitments-empty').hidden = list.length > 0;
  commitments.render(list, st);
  commit.refresh();
}

// ---- the case report (协商案例): its background and lessons, each saved with case_text ----
const MAX_CASE = 5000;
const SECTIONS = ['background', 'lessons'];
const caseSaved = { background: '', lessons: '' }; // the server's text, as last seen
function renderCase(section) {
  const ta = $(`#case-${section}`);
  const n = [...ta.value].length;
  const count = $(`#case-${section}-count`);
  count.textContent = `${n}/${MAX_CASE}`;
  count.classList.toggle('over', n > MAX_CASE);
  const text = ta.value.trim();
  $(`#case-${section}-save`).disabled = !text || n > MAX_CASE || text === caseSaved[section].trim();
}
// The server's text (the welcome's snapshot, a case.text event) fills a field that has
// no unsaved changes of its own.
function takeCase() {
  for (const section of SECTIONS) {
    const text = st.caseText[section] || '';
    if (text === caseSaved[section]) continue;
    const ta = $(`#case-${section}`);
    if (ta.value.trim() === caseSaved[section].trim()) ta.value = text;
    caseSaved[section] = text;
    renderCase(section);
  }
}
for (const section of SECTIONS) {
  const ta = $(`#case-${section}`);
  const status = $(`#case-${section}-status`);
  ta.addEventListener('input', () => {
    renderCase(section);
    const dirty = ta.value.trim() !== caseSaved[section].trim();
    setStatus(status, dirty ? t('case.unsaved') : '', 'muted');
  });
  $(`#case-${section}-form`).addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = ta.value.trim();
    if (!text) return;
    try {
      await conn.request('case_text', { section, text });
      caseSaved[section] = text;
      setStatus(status, t('case.saved'), 'ok');
    } catch (err) {
      setStatus(status, errorText(err), 'error');
    }
    renderCase(section);
  });
}

// ---- notes ----
const noteText = $('#note-text');
function renderNoteCount() {
  const n = [...noteText.value].length;
  $('#note-count').textContent = `${n}/${MAX_NOTE}`;
  $('#note-count').classList.toggle('over', n > MAX_NOTE);
  $('#note-submit').disabled = !noteText.value.trim() || n > MAX_NOTE;
}
noteText.addEventListener('input', renderNoteCount);
$('#note-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = noteText.value.trim();
  if (!text) return;
  try {
    await conn.request('note', { text });
    noteText.value = '';
    setStatus($('#note-status'), t('clerk.noted'), 'ok');
  } catch (err) {
    setStatus($('#note-status'), errorText(err), 'error');
  }
  renderNoteCount();
});
// Ctrl+Enter files the note.
noteText.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('#note-form').requestSubmit();
});

// ---- exports ----
// Each button of a row fetches with the token: path(fmt) -> [resource, fallback name].
function downloadButtons(row, status, path) {
  for (const b of $$('button', row)) {
    b.addEventListener('click', async () => {
      const [resource, fallback] = path(b.dataset.format);
      b.disabled = true;
      setStatus(status, t('clerk.downloading'), 'muted');
      try {
        const { name } = await download(`/api/sessions/${encodeURIComponent(sid)}/${resource}`, token, fallback);
        setStatus(status, t('clerk.downloaded', { name }), 'ok');
      } catch (err) {
        setStatus(status, errorText(err), 'error');
      } finally {
        b.disabled = false;
      }
    });
  }
}
// The chapter marks of the replay come from their own resource.
downloadButtons($('#downloads'), $('#download-status'), (fmt) => (fmt === 'vtt'
  ? ['chapters.vtt', `chapters-${sid}.vtt`]
  : [`minutes?format=${fmt}`, `minutes-${sid}.${fmt}`]));
downloadButtons($('#case-downloads'), $('#case-download-status'), (fmt) => [`case?format=${fmt}`, `case-${sid}.${fmt}`]);

// ---- verify ----
$('#btn-verify').addEventListener('click', async () => {
  const dl = clear($('#verify'));
  try {
    const r = await api(`/api/sessions/${encodeURIComponent(sid)}/verify`, { token });
    const row = (k, v, cls) => [h('dt', { text: k }), h('dd', { class: cls || '', text: v })];
    dl.append(
      ...row(t('verify.result'), r.ok ? t('verify.ok') : t('verify.bad'), r.ok ? 'ok-text' : 'error-text'),
      ...row(t('verify.events'), String(r.events)),
      ...row(t('verify.head'), String(r.head || ''), 'hash'),
      ...(r.ok ? [] : row(t('verify.firstBad'), String(r.first_bad_seq))));
    dl.dataset.ok = String(!!r.ok);
  } catch (err) {
    dl.append(h('dd', { class: 'error-text', text: errorText(err) }));
  }
});

renderNoteCount();
for (const section of SECTIONS) renderCase(section);
if (!token) showConnState('fatal', { code: 'unauthorized' });
else conn.start();
