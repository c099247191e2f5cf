// Administration (/admin): the year's consultation plan, create sessions (from a plan
// item too), add participants, hand out links.
// The admin token lives in sessionStorage only (gone when the tab closes);
// join tokens are shown once and kept nowhere.
import { $, h, clear, toast, withLang, fmtDateTime } from './dom.js';
import { t, has, statusLabel, roleLabel, formLabel } from './i18n.js';
import './i18n-desk.js';
import './i18n-year.js';
import { startPage } from './page.js';
import { api, download } from './api.js';
import { linkItem } from './links.js';
import { errorText, statusPill, speaker } from './feed.js';
import { PAGES } from './vocabulary.js';

startPage();
document.title = `${t('admin.title')} · ${t('brand')}`;
for (const [id, path] of [['topics-public', '/topics'], ['home-link', '/'], ['plan-nav', '/plan'], ['follow-nav', '/follow'], ['stats-nav', '/stats'], ['plan-public', '/plan']]) {
  $(`#${id}`).href = withLang(path);
}
const KEY = 'yst.admin_token';
let token = '';
try { token = sessionStorage.getItem(KEY) || ''; } catch { token = ''; }
let sessions = [];
let tokenOk = null; // null: not checked yet; true/false: what the server said
// The join links shown on this page since it opened: the only time their tokens are
// known, so the only time their invitations can be printed.
const invitations = [];

function fail(err) {
  const msg = err && (err.status === 401 || err.status === 403) ? t('admin.badToken') : errorText(err);
  $('#errors').textContent = msg;
  toast(msg, 'error');
}
function ok() { $('#errors').textContent = ''; }

// Green only once the server has said the token is the admin's.
function renderToken() {
  const el = $('#token-status');
  el.textContent = !token ? t('admin.tokenHint')
    : tokenOk === null ? t('admin.tokenChecking')
      : tokenOk ? t('admin.tokenOk') : t('admin.badToken');
  el.classList.toggle('ok-text', !!token && tokenOk === true);
  el.classList.toggle('error-text', !!token && tokenOk === false);
}

async function checkToken() {
  tokenOk = null;
  renderToken();
  if (!token) return;
  try {
    await api('/api/admin', { token });
    tokenOk = true;
    ok();
  } catch (err) {
    tokenOk = err && (err.status === 401 || err.status === 403) ? false : null;
    if (tokenOk === null) fail(err);
  }
  renderToken();
  if (tokenOk) { loadPeople(); loadTopics(); }
}

$('#token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const v = $('#token-input').value.trim();
  if (!v) return;
  token = v;
  $('#token-input').value = '';
  try { sessionStorage.setItem(KEY, v); } catch { /* private mode: memory only */ }
  await checkToken();
  if (tokenOk) toast(t('admin.tokenSaved'));
  else if (tokenOk === false) toast(t('admin.badToken'), 'error');
});
$('#token-clear').addEventListener('click', () => {
  token = '';
  tokenOk = null;
  try { sessionStorage.removeItem(KEY); } catch { /* ignore */ }
  renderToken();
  clear($('#people'));
});

// A join link handed out on this page: listed, and kept for the invitations.
function remember(sessionTitle, name, role, link) {
  invitations.push({ session: sessionTitle, name, role, link });
  $('#btn-print').disabled = false;
  const li = linkItem(name, role, link);
  if (sessionTitle) li.prepend(h('p', { class: 'muted small', text: sessionTitle }));
  $('#links').prepend(li);
}
const titleOf = (id) => (sessions.find((x) => x.id === id) || {}).title || '';

$('#create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const title = $('#f-title').value.trim();
  if (!title) { $('#f-title').focus(); return; }
  const counted = ['member', 'department', 'host'].filter((r) => $(`#f-count-${r}`).checked);
  if (!counted.length) { $('#errors').textContent = t('admin.noCounted'); $('#f-count-member').focus(); return; }
  const body = {
    title,
    settings: {
      pre_moderation: $('#f-premod').checked,
      audience_can_vote: $('#f-vote').checked,
      counted_roles: counted,
      consensus_threshold: Number($('#f-threshold').value),
      ask_interval_s: Math.max(0, Math.min(3600, Math.round(Number($('#f-interval').value) || 0))),
    },
  };
  const hostName = $('#f-host').value.trim();
  if (hostName) body.host_name = hostName;
  const topic = $('#f-topic').value.trim();
  const stream = $('#f-stream').value.trim();
  const when = $('#f-scheduled').value;
  if (topic) body.topic = topic;
  if (stream) body.stream_url = stream;
  Object.assign(body, placeFields('f'));
  // From a plan item: the item's form and venue win over the form's (the server's rule).
  const item = fromItem;
  if (item) body.plan_item = item.id;
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
    remember(title, hostName || roleLabel('host'), 'host', res.links.host);
    $('#created').hidden = false;
    $('#create-form').reset();
    useItem(null);
    await loadSessions();
    $('#add-session').value = res.id;
    $('#people-session').value = res.id;
    // The plan item's departments take part: each gets its join link, listed like any other.
    for (const name of (item && item.departments) || []) {
      try { await addPerson(res.id, name, 'department', name); } catch (err) { fail(err); }
    }
    loadPeople();
    if (item) loadPlan();
    toast(t('admin.createdToast'));
  } catch (err) { fail(err); }
});

async function addPerson(id, name, role, affiliation, person) {
  const body = person ? { person } : { name, role, affiliation };
  const res = await api(`/api/sessions/${encodeURIComponent(id)}/participants`, { method: 'POST', token, body });
  ok();
  remember(titleOf(id), res.name || name, res.role || role, res.link);
  return res;
}

$('#add-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = $('#add-session').value;
  const person = $('#add-person').value;
  const name = $('#add-name').value.trim();
  const role = $('#add-role').value;
  const affiliation = $('#add-aff').value.trim();
  if (!id || (!name && !person)) return;
  try {
    await addPerson(id, name, role, affiliation, person);
    if ($('#people-session').value === id) loadPeople();
    $('#add-person').value = '';
    pickPerson();
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
  const peopleSel = $('#people-session');
  const keepPeople = peopleSel.value;
  clear(peopleSel);
  const ul = clear($('#sessions'));
  $('#sessions-empty').hidden = sessions.length > 0;
  for (const s of sessions) {
    sel.append(h('option', { value: s.id, text: `${s.title} (${statusLabel(s.status)})` }));
    peopleSel.append(h('option', { value: s.id, text: `${s.title} (${statusLabel(s.status)})` }));
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
  if (keepPeople && sessions.some((s) => s.id === keepPeople)) peopleSel.value = keepPeople;
}
$('#refresh').addEventListener('click', loadSessions);

// ---- participants and their links ----
// A button that acts on the second click within a few seconds: a lost link is fixed in
// two clicks, a slip of the mouse does nothing.
function confirmButton(label, action) {
  const b = h('button', { type: 'button', class: 'btn small', text: label });
  let armed = null;
  b.addEventListener('click', async () => {
    if (!armed) {
      b.textContent = t('admin.sure');
      b.classList.add('danger');
      armed = setTimeout(() => { armed = null; b.textContent = label; b.classList.remove('danger'); }, 4000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    b.textContent = label;
    b.classList.remove('danger');
    b.disabled = true;
    try { await action(); } finally { b.disabled = false; }
  });
  return b;
}

// datetime-local wants local "YYYY-MM-DDTHH:MM"; the server keeps what was sent.
function localInputValue(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || isNaN(d)) return '';
  const p2 = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
}

// Where it is held, its form and its issue number (第X期), as the 纪要 and the case report
// name them; what is left empty is left out.
function placeFields(prefix) {
  const out = {};
  const venue = $(`#${prefix}-venue`).value.trim();
  const form = $(`#${prefix}-form`).value;
  const episode = Math.round(Number($(`#${prefix}-episode`).value));
  if (venue) out.venue = venue;
  if (form) out.form = form;
  if (episode >= 1) out.episode = episode;
  return out;
}

async function loadSessionForm(id) {
  try {
    const s = await api(`/api/sessions/${encodeURIComponent(id)}`);
    $('#e-title').value = s.title || '';
    $('#e-topic').value = s.topic || '';
    $('#e-stream').value = s.stream_url || '';
    $('#e-venue').value = s.venue || '';
    $('#e-form').value = s.form || '';
    $('#e-episode').value = s.episode || '';
    $('#e-scheduled').value = localInputValue(s.scheduled_at);
  } catch (err) { fail(err); }
}

$('#edit-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = $('#people-session').value;
  if (!id) return;
  const when = $('#e-scheduled').value;
  const d = when ? new Date(when) : null;
  const body = {
    title: $('#e-title').value.trim(),
    topic: $('#e-topic').value.trim(),
    stream_url: $('#e-stream').value.trim(),
    scheduled_at: d && !isNaN(d) ? d.toISOString() : '',
    venue: '', form: null, episode: null,
    ...placeFields('e'),
  };
  try {
    await api(`/api/sessions/${encodeURIComponent(id)}`, { method: 'PATCH', token, body });
    ok();
    toast(t('admin.saved'));
    await loadSessions();
  } catch (err) { fail(err); }
});

// A participant's row turned into a small form for their name and affiliation.
function editRow(li, id, p) {
  const name = h('input', { type: 'text', maxLength: 32, required: true, value: p.name, class: 'edit-name', attrs: { 'aria-label': t('people.name') } });
  const aff = h('input', { type: 'text', maxLength: 100, value: p.affiliation || '', class: 'edit-aff', attrs: { 'aria-label': t('people.affiliation') } });
  const form = h('form', { class: 'inline-form edit-person' }, name, aff,
    h('button', { type: 'submit', class: 'btn small primary', text: t('admin.save') }),
    h('button', { type: 'button', class: 'btn small ghost', text: t('admin.cancel'), on: { click: loadPeople } }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!name.value.trim()) { name.focus(); return; }
    try {
      await api(`/api/sessions/${encodeURIComponent(id)}/participants/${encodeURIComponent(p.id)}`,
        { method: 'PATCH', token, body: { name: name.value.trim(), affiliation: aff.value.trim() } });
      ok();
      toast(t('admin.saved'));
      loadPeople();
    } catch (err) { fail(err); }
  });
  clear(li).append(form);
  name.focus();
}

async function loadPeople() {
  const id = $('#people-session').value;
  const ul = clear($('#people'));
  if (!id || !token || tokenOk === false) return;
  loadSessionForm(id);
  let list;
  try {
    list = await api(`/api/sessions/${encodeURIComponent(id)}/participants`, { token });
  } catch (err) { fail(err); return; }
  if (!list.length) ul.append(h('li', { class: 'muted', text: t('admin.noPeople') }));
  const base = `/api/sessions/${encodeURIComponent(id)}/participants`;
  for (const p of list) {
    const url = `${base}/${encodeURIComponent(p.id)}/token`;
    ul.append(h('li', { class: 'staff-item', data: { participant: p.id } },
      h('div', null, speaker(p.name, p.role), p.affiliation ? h('span', { class: 'muted small aff', text: p.affiliation }) : null),
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn small ghost', text: t('admin.edit'), on: { click: (e) => editRow(e.target.closest('li'), id, p) } }),
        confirmButton(t('admin.reissue'), async () => {
          try {
            const res = await api(url, { method: 'POST', token });
            ok();
            remember(titleOf(id), res.name, res.role, res.link);
            toast(t('admin.reissued', { name: res.name }));
          } catch (err) { fail(err); }
        }),
        confirmButton(t('admin.revoke'), async () => {
          try {
            await api(url, { method: 'DELETE', token });
            ok();
            toast(t('admin.revoked', { name: p.name }));
          } catch (err) { fail(err); }
        }))));
  }
}
$('#people-session').addEventListener('change', loadPeople);

// ---- invitations: one A4 page per link handed out on this page ----
async function qrDataUrl(text) {
  const res = await fetch('/api/qr', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
    cache: 'no-store',
  });
  if (!res.ok) throw Object.assign(new Error(`http_${res.status}`), { status: res.status });
  const blob = await res.blob();
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

$('#btn-print').addEventListener('click', async () => {
  const sheet = clear($('#print-sheet'));
  try {
    for (const inv of invitations) {
      sheet.append(h('article', { class: 'invite' },
        h('p', { class: 'invite-brand', text: t('brand') }),
        h('h1', { class: 'invite-title', text: inv.session }),
        h('p', { class: 'invite-kind', text: t('invite.title') }),
        h('p', { class: 'invite-name', text: inv.name }),
        h('p', { class: 'invite-role', text: roleLabel(inv.role) }),
        h('img', { class: 'invite-qr', src: await qrDataUrl(inv.link), alt: '', width: 260, height: 260 }),
        h('p', { class: 'invite-scan', text: t('invite.scan') }),
        h('p', { class: 'invite-link', text: inv.link }),
        h('p', { class: 'invite-keep', text: t('invite.keep') })));
    }
  } catch (err) { fail(err); return; }
  window.print();
});

// ---- the year's consultation plan (年度协商计划) ----
let fromItem = null; // the plan item the create form was filled from
const planYear = () => Math.round(Number($('#plan-year').value)) || new Date().getFullYear();
$('#plan-year').value = String(new Date().getFullYear());

// Fills the create form from an item (null: forget it).
function useItem(it) {
  fromItem = it;
  $('#plan-link-note').hidden = !it;
  if (!it) return;
  $('#plan-link-text').textContent = t('aplan.linked', { topic: it.topic });
  $('#f-title').value = it.topic;
  $('#f-topic').value = it.topic;
  $('#f-venue').value = it.venue || '';
  $('#f-form').value = it.form || '';
  $('#create-form').scrollIntoView({ block: 'start' });
  $('#f-title').focus();
}
$('#plan-unlink').addEventListener('click', () => useItem(null));

// Names separated by commas, 、, semicolons or new lines.
const splitNames = (text) => [...new Set(text.split(/[,，、;；\n]+/).map((x) => x.trim()).filter(Boolean))];

$('#plan-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = { year: planYear(), topic: $('#p-topic').value.trim(), form: $('#p-form').value };
  if (!body.topic) { $('#p-topic').focus(); return; }
  const date = $('#p-date').value.trim();
  if (date) body.planned_date = date;
  for (const [k, id] of [['venue', 'p-venue'], ['lead', 'p-lead'], ['notes', 'p-notes']]) {
    const v = $(`#${id}`).value.trim();
    if (v) body[k] = v;
  }
  const depts = splitNames($('#p-depts').value);
  if (depts.length) body.departments = depts;
  try {
    await api('/api/plan', { method: 'POST', token, body });
    ok();
    $('#plan-form').reset();
    toast(t('aplan.added'));
    loadPlan();
  } catch (err) { fail(err); }
});

const planStatus = (st) => (has(`plan.${st}`) ? t(`plan.${st}`) : st);

async function setItemStatus(it, status) {
  try {
    await api(`/api/plan/${encodeURIComponent(it.id)}`, { method: 'PATCH', token, body: { status } });
    ok();
    loadPlan();
  } catch (err) { fail(err); }
}

async function loadPlan() {
  let items;
  try { items = await api(`/api/plan?year=${planYear()}`); } catch (err) { fail(err); return; }
  const ul = clear($('#plan-items'));
  $('#plan-empty').hidden = items.length > 0;
  for (const it of items) {
    const about = [formLabel(it.form), it.venue, (it.departments || []).join(t('sep.list'))].filter(Boolean).join(' · ');
    const cancelled = it.status === 'cancelled';
    ul.append(h('li', { class: 'plan-admin-item', data: { id: it.id, status: it.status } },
      h('div', { class: 'session-main' },
        h('span', { class: `badge plan-status status-${it.status}`, text: planStatus(it.status) }),
        h('b', { class: 'plan-topic', text: it.topic }),
        h('span', { class: 'muted small', text: it.planned_date || t('plan.undated') })),
      h('p', { class: 'muted small', text: about }),
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn small primary plan-create', text: t('aplan.create'), disabled: cancelled, on: { click: () => useItem(it) } }),
        cancelled
          ? h('button', { type: 'button', class: 'btn small plan-restore', text: t('aplan.restore'), on: { click: () => setItemStatus(it, 'planned') } })
          : confirmButton(t('aplan.cancel'), () => setItemStatus(it, 'cancelled')))));
  }
}
$('#plan-year').addEventListener('change', loadPlan);

// ---- the roster (委员与部门名册) and each person's record (履职档案) ----
let roster = [];
const findPerson = (id) => roster.find((p) => p.id === id);
const personLine = (p) => [p.name, roleLabel(p.kind), p.affiliation, p.sector].filter(Boolean).join(' · ');

// Picking a person from the roster fills (and locks) the manual fields: the server
// takes name, role and affiliation from the person.
function pickPerson() {
  const p = findPerson($('#add-person').value);
  for (const id of ['add-name', 'add-role', 'add-aff']) $(`#${id}`).disabled = !!p;
  $('#add-name').required = !p;
  if (p) {
    $('#add-name').value = p.name;
    $('#add-role').value = p.kind;
    $('#add-aff').value = p.affiliation || '';
  }
}
$('#add-person').addEventListener('change', pickPerson);

function renderRoster() {
  const q = $('#roster-filter').value.trim().toLowerCase();
  const shown = roster.filter((p) => !q || [p.name, p.affiliation, p.sector].some((v) => v && v.toLowerCase().includes(q)));
  const ul = clear($('#roster'));
  $('#roster-empty').hidden = roster.length > 0;
  if (roster.length && !shown.length) ul.append(h('li', { class: 'muted', text: t('roster.none') }));
  for (const p of shown) {
    ul.append(h('li', { class: 'staff-item roster-item', data: { person: p.id } },
      h('div', null, speaker(p.name, p.kind),
        p.affiliation ? h('span', { class: 'muted small aff', text: p.affiliation }) : null,
        p.sector ? h('span', { class: 'muted small sector', text: p.sector }) : null),
      h('a', { class: 'btn small ghost record-link', href: withLang(`/people/${encodeURIComponent(p.id)}`), target: '_blank', text: t('roster.record') })));
  }
  const sel = $('#add-person');
  const keep = sel.value;
  while (sel.options.length > 1) sel.remove(1);
  for (const p of roster) sel.append(h('option', { value: p.id, text: personLine(p) }));
  sel.value = findPerson(keep) ? keep : '';
}
$('#roster-filter').addEventListener('input', renderRoster);

async function loadRoster() {
  try { roster = await api('/api/people'); } catch (err) { fail(err); return; }
  roster.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name, 'zh'));
  renderRoster();
}

$('#roster-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = { name: $('#r-name').value.trim(), kind: $('#r-kind').value };
  if (!body.name) { $('#r-name').focus(); return; }
  const aff = $('#r-aff').value.trim();
  const sector = $('#r-sector').value.trim();
  if (aff) body.affiliation = aff;
  if (sector) body.sector = sector;
  try {
    const p = await api('/api/people', { method: 'POST', token, body });
    ok();
    toast(t('roster.added', { name: p.name }));
    $('#roster-form').reset();
    await loadRoster();
  } catch (err) { fail(err); }
});

$('#records-csv').addEventListener('click', async () => {
  const y = planYear();
  try {
    await download(`/api/people/records.csv?year=${y}`, token, `records-${y}.csv`);
    ok();
  } catch (err) { fail(err); }
});

// ---- topics proposed by the public (议题征集): review, publish, reply, adopt ----
async function setTopic(tp, body) {
  try {
    await api(`/api/topics/${encodeURIComponent(tp.id)}`, { method: 'PATCH', token, body });
    ok();
    toast(t('atopics.done'));
    loadTopics();
  } catch (err) { fail(err); }
}

async function loadTopics() {
  if (!token || tokenOk === false) return;
  let list;
  let items = [];
  try {
    list = await api('/api/topics', { token });
    items = (await api(`/api/plan?year=${planYear()}`)).filter((it) => it.status !== 'cancelled');
  } catch (err) { fail(err); return; }
  const todo = list.filter((tp) => tp.status === 'pending' || tp.status === 'open');
  const ul = clear($('#atopics'));
  $('#atopics-empty').hidden = todo.length > 0;
  for (const tp of todo) {
    const reply = h('input', { type: 'text', class: 'topic-reply-input', maxLength: 1000, placeholder: t('atopics.reply'), attrs: { 'aria-label': t('atopics.reply') } });
    const item = h('select', { class: 'topic-item-select', attrs: { 'aria-label': t('atopics.item') } },
      h('option', { value: '', text: t('atopics.item') }),
      items.map((it) => h('option', { value: it.id, text: `${it.planned_date || t('plan.undated')} ${it.topic}` })));
    const word = tp.status === 'open' ? t('topics.open') : t('atopics.pending');
    ul.append(h('li', { class: 'plan-admin-item topic-admin', data: { id: tp.id, status: tp.status, flagged: String(!!tp.flagged) } },
      h('div', { class: 'session-main' },
        h('span', { class: `badge topic-status status-${tp.status}`, text: word }),
        tp.flagged ? h('span', { class: 'badge danger topic-flag', text: t('atopics.flagged') }) : null,
        h('b', { class: 'plan-topic', text: tp.title }),
        h('span', { class: 'muted small topic-support-count', text: t('topics.count', { n: tp.support }) })),
      h('p', { class: 'small topic-text', text: tp.text }),
      h('p', { class: 'muted small', text: `${t('topics.by', { name: tp.name })} · ${fmtDateTime(tp.created_at)}` }),
      h('div', { class: 'row-actions' },
        tp.status === 'pending' ? h('button', { type: 'button', class: 'btn small primary topic-open', text: t('atopics.open'), on: { click: () => setTopic(tp, { status: 'open' }) } }) : null,
        tp.status === 'pending' ? confirmButton(t('atopics.reject'), () => setTopic(tp, { status: 'rejected' })) : null),
      h('div', { class: 'inline-form' }, reply,
        h('button', { type: 'button', class: 'btn small topic-decline', text: t('atopics.decline'), on: { click: () => { if (!reply.value.trim()) { reply.focus(); return; } setTopic(tp, { status: 'declined', reply: reply.value.trim() }); } } })),
      h('div', { class: 'inline-form' }, item,
        h('button', { type: 'button', class: 'btn small gold topic-adopt', text: t('atopics.adopt'), on: { click: () => { if (!item.value) { toast(t('atopics.noItem'), 'error'); item.focus(); return; } setTopic(tp, { status: 'adopted', plan_item: item.value }); } } }))));
  }
}
$('#topics-refresh').addEventListener('click', loadTopics);
$('#plan-year').addEventListener('change', loadTopics);

renderToken();
loadSessions().then(() => checkToken());
loadPlan();
loadRoster();
