// 办理情况公开 (/follow, public): every commitment of every session, with its
// department (unit and representative), due date, status, 已逾期 when past due and
// not done, the latest progress and the session it was made in. One request; the
// filters (status, overdue only, department) work on the page and stay in the URL
// (?status=done&overdue=1&department=…), so a filtered list can be shared.
import { $, h, clear, withLang } from './dom.js';
import { t, applyI18n } from './i18n.js';
import './i18n-year.js';
import { startPage } from './page.js';
import { api } from './api.js';
import { errorText, commitmentCard } from './feed.js';
import { PAGES } from './vocabulary.js';

startPage();
document.title = `${t('follow.title')} · ${t('brand')}`;
$('#home-link').href = withLang('/');

const NO_STATE = { question: () => null }; // the question's text is not in the list
const deptKey = (c) => c.department_unit || c.department_name || '';
const q0 = new URLSearchParams(location.search);
$('#f-status').value = q0.get('status') || '';
$('#f-overdue').checked = q0.get('overdue') === '1' || q0.get('overdue') === 'true';
let all = [];

function card(c) {
  const eid = encodeURIComponent(c.session);
  const who = c.department_unit && c.department_unit !== c.department_name
    ? `${c.department_unit} · ${c.department_name}` : c.department_name;
  return commitmentCard({ ...c, department_name: who }, NO_STATE,
    h('p', { class: 'commit-from small' }, h('span', { class: 'muted', text: t('follow.from') }),
      h('a', { href: withLang(`${PAGES.audience}${eid}`), text: c.session_title || c.session }))).el;
}

function render() {
  const status = $('#f-status').value;
  const overdue = $('#f-overdue').checked;
  const dept = $('#f-dept').value;
  const q = new URLSearchParams(location.search);
  for (const [k, v] of [['status', status], ['overdue', overdue ? '1' : ''], ['department', dept]]) {
    if (v) q.set(k, v); else q.delete(k);
  }
  const qs = q.toString();
  history.replaceState(null, '', `${location.pathname}${qs ? `?${qs}` : ''}`);
  applyI18n(); // the language link keeps the filters
  const shown = all.filter((c) => (!status || c.status === status) && (!overdue || c.overdue)
    && (!dept || c.department_unit === dept || c.department_name === dept));
  clear($('#list')).append(...shown.map(card));
  $('#shown').textContent = all.length && shown.length !== all.length ? t('follow.shown', { n: shown.length }) : '';
  const empty = $('#list-empty');
  empty.hidden = shown.length > 0;
  empty.textContent = all.length ? t('follow.none') : t('follow.empty');
}

async function load() {
  try {
    all = await api('/api/commitments');
    $('#errors').textContent = '';
  } catch (err) {
    $('#errors').textContent = errorText(err, false);
    return;
  }
  // The departments present, by unit (else by the representative's name).
  const sel = $('#f-dept');
  const keep = sel.value || q0.get('department') || '';
  const depts = [...new Set(all.map(deptKey).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  if (keep && !depts.includes(keep)) depts.push(keep);
  while (sel.options.length > 1) sel.remove(1);
  sel.append(...depts.map((d) => h('option', { value: d, text: d })));
  sel.value = keep;
  $('#summary').textContent = t('follow.summary', {
    n: all.length, done: all.filter((c) => c.status === 'done').length, late: all.filter((c) => c.overdue).length,
  });
  render();
}

$('#filters').addEventListener('change', render);
$('#filters').addEventListener('submit', (e) => e.preventDefault());
load();
