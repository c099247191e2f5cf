// The year's consultation plan (/plan, public): the items by month (a month-only date
// in its month, undated ones under 待定), each with its form, venue, lead and
// departments and its status; once held, the minutes and the case report of each
// linked session that has ended. ?year=Y chooses the year; the calendar feed is
// /api/plan.ics?year=Y.
import { $, h, clear, withLang } from './dom.js';
import { t, has, lang, formLabel, applyI18n } from './i18n.js';
import './i18n-year.js';
import { startPage } from './page.js';
import { api } from './api.js';
import { PAGES } from './vocabulary.js';

startPage();
document.title = `${t('plan.title')} · ${t('brand')}`;
$('#home-link').href = withLang('/');
$('#topics-link').href = withLang('/topics');

const thisYear = new Date().getFullYear();
const asked = new URLSearchParams(location.search).get('year');
let year = /^\d{4}$/.test(asked || '') ? Number(asked) : thisYear;

const errText = (e) => {
  const k = `err.${(e && e.code) || 'internal'}`;
  return has(k) ? t(k) : String((e && e.message) || k);
};
const monthName = (m) => (lang === 'en'
  ? t('plan.month', { name: new Date(2000, m - 1, 1).toLocaleString('en', { month: 'long' }) })
  : t('plan.month', { m }));
const sep = t('sep.list');

const sel = $('#year');
for (let y = Math.min(thisYear - 2, year); y <= Math.max(thisYear + 1, year); y++) {
  sel.append(h('option', { value: y, text: t('plan.yearOption', { y }) }));
}
sel.value = String(year);
sel.addEventListener('change', () => {
  year = Number(sel.value);
  const q = new URLSearchParams(location.search);
  q.set('year', year);
  history.replaceState(null, '', `${location.pathname}?${q}`);
  applyI18n(); // the language link keeps the year
  load();
});

// The links of a linked session: its minutes and case report once ended, else its page.
function sessionLinks(s) {
  const eid = encodeURIComponent(s.id);
  if (s.status === 'ended') {
    return [
      h('a', { class: 'btn small', href: `/api/sessions/${eid}/minutes?format=html`, text: t('plan.minutes'), data: { kind: 'minutes' } }),
      h('a', { class: 'btn small', href: `/api/sessions/${eid}/case?format=html`, text: t('plan.case'), data: { kind: 'case' } }),
    ];
  }
  return [h('a', {
    class: `btn small${s.status === 'live' ? ' primary' : ''}`,
    href: withLang(`${PAGES.audience}${eid}`),
    text: s.status === 'live' ? t('plan.live') : t('plan.session'),
    data: { kind: 'session' },
  })];
}

function itemCard(it, sessions) {
  const line = (label, text) => (text ? h('p', { class: 'plan-line' }, h('span', { class: 'muted', text: label }), text) : null);
  const linked = (it.sessions || []).map((id) => sessions.get(id)).filter(Boolean);
  const many = linked.length > 1;
  return h('li', { class: `plan-item status-${it.status}`, data: { id: it.id, status: it.status } },
    h('div', { class: 'plan-head' },
      h('span', { class: `badge plan-status status-${it.status}`, text: has(`plan.${it.status}`) ? t(`plan.${it.status}`) : it.status }),
      it.planned_date ? h('span', { class: 'muted small', text: t('plan.date', { date: it.planned_date }) }) : null),
    h('h3', { class: 'plan-topic', text: it.topic }),
    h('p', { class: 'plan-meta' },
      it.form ? h('span', { class: 'plan-form', text: formLabel(it.form) }) : null,
      it.venue ? h('span', { class: 'plan-venue', text: it.venue }) : null),
    line(t('plan.lead'), it.lead),
    line(t('plan.depts'), (it.departments || []).join(sep)),
    line(t('plan.notes'), it.notes),
    linked.length ? h('div', { class: 'plan-links' }, linked.map((s) => h('div', { class: 'plan-session', data: { session: s.id } },
      many ? h('span', { class: 'small muted', text: s.title }) : null, sessionLinks(s)))) : null);
}

async function load() {
  const url = `/api/plan.ics?year=${year}`;
  $('#ics').href = url;
  $('#ics-url').textContent = location.origin + url;
  let items;
  const sessions = new Map();
  try {
    items = await api(`/api/plan?year=${year}`);
    // One request for the status of every linked session.
    if (items.some((it) => it.sessions && it.sessions.length)) {
      for (const s of await api('/api/sessions')) sessions.set(s.id, s);
    }
    $('#errors').textContent = '';
  } catch (err) {
    $('#errors').textContent = errText(err);
    return;
  }
  const months = new Map(); // month (1-12, 0: undated) -> items, in the server's order
  for (const it of items) {
    const m = it.planned_date ? Number(it.planned_date.slice(5, 7)) || 0 : 0;
    if (!months.has(m)) months.set(m, []);
    months.get(m).push(it);
  }
  const order = [...months.keys()].sort((a, b) => (a || 13) - (b || 13));
  clear($('#plan')).append(...order.map((m) => h('section', { class: 'plan-month', data: { month: m } },
    h('h2', { class: 'section-title month-title', text: m ? monthName(m) : t('plan.undated') }),
    h('ul', { class: 'plan-list' }, months.get(m).map((it) => itemCard(it, sessions))))));
  $('#plan-empty').hidden = items.length > 0;
  $('#plan-count').textContent = items.length ? t('plan.count', { n: items.length }) : '';
}
load();
