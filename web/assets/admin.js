// Administration (/admin): create sessions, add participants, hand out links.
// The admin token lives in sessionStorage only (gone when the tab closes);
// join tokens are shown once and kept nowhere.
import { $, h, clear, toast, withLang, fmtDateTime } from './dom.js';
import { t, statusLabel } from './i18n.js';
import './i18n-desk.js';
import { startPage } from './page.js';
import { api } from './api.js';
import { linkItem } from './links.js';
import { errorText, statusPill } from './feed.js';
import { PAGES } from './vocabulary.js';

startPage();
document.title = `${t('admin.title')} · ${t('brand')}`;
const KEY = 'yst.admin_token';
let token = '';
try { token = sessionStorage.getItem(KEY) || ''; } catch { token = ''; }
let sessions = [];

function fail(err) {
  const msg = err && err.status === 401 ? t('admin.badToken') : errorText(err);
  $('#errors').textContent = msg;
  toast(msg, 'error');
}
function ok() { $('#errors').textContent = ''; }

function renderToken() {
  $('#token-status').textContent = token ? t('admin.tokenSet') : t('admin.tokenHint');
  $('#token-status').classList.toggle('ok-text', !!token);
  $('#token-input').value = '';
}

$('#token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const v = $('#token-input').value.trim();
  if (!v) return;
  token = v;
  try { sessionStorage.setItem(KEY, v); } catch { /* private mode: memory only */ }
  renderToken();
  toast(t('admin.tokenSaved'));
});
$('#token-clear').addEventListener('click', () => {
  token = '';
  try { sessionStorage.removeItem(KEY); } catch { /* ignore */ }
  renderToken();
});

$('#create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const title = $('#f-title').value.trim();
  if (!title) { $('#f-title').focus(); return; }
  const body = {
    title,
    settings: { pre_moderation: $('#f-premod').checked, audience_can_vote: $('#f-vote').checked },
  };
  const topic = $('#f-topic').value.trim();
  const stream = $('#f-stream').value.trim();
  const when = $('#f-scheduled').value;
  if (topic) body.topic = topic;
  if (stream) body.stream_url = stream;
  if (when) {
    const d = new Date(when);
    if (!isNaN(d)) body.scheduled_at = d.toISOString();
  }
  try {
    const res = await api('/api/sessions', { method: 'POST', token, body });
    ok();
    // The server's links, on its public address (which may not be this page's).
    const overlay = new URL(`/overlay/${encodeURIComponent(res.id)}`, res.links.audience).href;
    clear($('#created-links')).append(
      linkItem(t('admin.hostLink'), 'host', res.links.host),
      linkItem(t('admin.audienceLink'), 'audience', res.links.audience),
      linkItem(t('admin.overlayLink'), null, overlay));
    $('#created').hidden = false;
    $('#create-form').reset();
    await loadSessions();
    $('#add-session').value = res.id;
    toast(t('admin.createdToast'));
  } catch (err) { fail(err); }
});

$('#add-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = $('#add-session').value;
  const name = $('#add-name').value.trim();
  const role = $('#add-role').value;
  const affiliation = $('#add-aff').value.trim();
  if (!id || !name) return;
  try {
    const res = await api(`/api/sessions/${encodeURIComponent(id)}/participants`, { method: 'POST', token, body: { name, role, affiliation } });
    ok();
    const s = sessions.find((x) => x.id === id);
    const li = linkItem(name, role, res.link);
    if (s) li.prepend(h('p', { class: 'muted small', text: s.title }));
    $('#links').prepend(li);
    $('#add-name').value = '';
    $('#add-aff').value = '';
    $('#add-name').focus();
  } catch (err) { fail(err); }
});

async function loadSessions() {
  try {
    const list = await api('/api/sessions');
    sessions = Array.isArray(list) ? list : (list && list.sessions) || [];
  } catch (err) { fail(err); return; }
  const sel = $('#add-session');
  const keep = sel.value;
  clear(sel);
  const ul = clear($('#sessions'));
  $('#sessions-empty').hidden = sessions.length > 0;
  for (const s of sessions) {
    sel.append(h('option', { value: s.id, text: `${s.title} (${statusLabel(s.status)})` }));
    const eid = encodeURIComponent(s.id);
    ul.append(h('li', { class: 'session-item', data: { id: s.id } },
      h('div', { class: 'session-main' },
        statusPill(s.status),
        h('b', { class: 'session-title', text: s.title }),
        h('span', { class: 'muted small', text: fmtDateTime(s.started_at || s.scheduled_at) })),
      h('div', { class: 'session-links' },
        h('a', { href: withLang(`${PAGES.audience}${eid}`), text: t('admin.audienceLink') }),
        h('a', { href: withLang(`/overlay/${eid}`), text: t('admin.overlayLink') }),
        h('a', { href: `/api/sessions/${eid}/qr.svg`, text: t('admin.qr') }),
        s.status === 'ended' ? h('a', { href: `/api/sessions/${eid}/minutes?format=html`, text: t('index.minutes') }) : null)));
  }
  if (keep && sessions.some((s) => s.id === keep)) sel.value = keep;
}
$('#refresh').addEventListener('click', loadSessions);

renderToken();
loadSessions();
