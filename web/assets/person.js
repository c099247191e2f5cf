// A person's record of service (/people/{id}, 履职档案, public, printable): who they
// are, and for the chosen year (?year=Y, or all years) each session they took part in
// with what they did there, and the totals, all as GET /api/people/{id}/record says.
import { $, h, clear, withLang, sessionIdFromPath, fmtDateTime } from './dom.js';
import { t, has, roleLabel, applyI18n } from './i18n.js';
import './i18n-year.js';
import { startPage } from './page.js';
import { api } from './api.js';

startPage();
document.title = `${t('record.title')} · ${t('brand')}`;
$('#home-link').href = withLang('/');
const pid = sessionIdFromPath();

const thisYear = new Date().getFullYear();
const asked = new URLSearchParams(location.search).get('year');
let year = asked === 'all' ? 'all' : /^\d{4}$/.test(asked || '') ? asked : String(thisYear);

const errText = (e) => {
  const k = `err.${(e && e.code) || 'internal'}`;
  return has(k) ? t(k) : String((e && e.message) || k);
};
const floorText = (s) => t('record.min', { m: Math.floor((s || 0) / 60), s: (s || 0) % 60 });

// The numbers of a REC, in the table's order: [key, header].
const NUMS = [['statements', 'record.statements'], ['questions_answered', 'record.answered'], ['points_proposed', 'record.proposed'],
  ['points_adopted', 'record.adopted'], ['votes', 'record.votes'], ['floor_seconds', 'record.floor'],
  ['commitments_made', 'record.made'], ['commitments_done', 'record.done']];
const num = (k, v) => h('td', { class: `r-${k}`, text: k === 'floor_seconds' ? floorText(v) : String(v || 0), data: { key: k, value: String(v || 0) } });

const sel = $('#year');
sel.append(h('option', { value: 'all', text: t('record.all') }));
for (let y = Math.max(thisYear + 1, Number(year) || 0); y >= Math.min(thisYear - 4, Number(year) || thisYear); y--) {
  sel.append(h('option', { value: String(y), text: t('plan.yearOption', { y }) }));
}
sel.value = year;
sel.addEventListener('change', () => {
  year = sel.value;
  const q = new URLSearchParams(location.search);
  q.set('year', year);
  history.replaceState(null, '', `${location.pathname}?${q}`);
  applyI18n();
  load();
});
$('#print').addEventListener('click', () => window.print());

let asking = 0; // only the answer to the latest choice of year is drawn
async function load() {
  const mine = ++asking;
  let rec;
  try {
    rec = await api(`/api/people/${encodeURIComponent(pid)}/record${year === 'all' ? '' : `?year=${year}`}`);
    if (mine !== asking) return;
    $('#errors').textContent = '';
  } catch (err) { if (mine === asking) $('#errors').textContent = errText(err); return; }
  const p = rec.person || {};
  document.title = `${p.name} · ${t('record.title')} · ${t('brand')}`;
  $('#name').textContent = p.name || '';
  const who = clear($('#who'));
  for (const [label, v] of [['record.kind', roleLabel(p.kind)], ['record.affiliation', p.affiliation], ['record.sector', p.sector]]) {
    if (v) who.append(h('dt', { text: t(label) }), h('dd', { text: v, data: { key: label.slice(7) } }));
  }
  $('#year-label').textContent = year === 'all' ? `（${t('record.all')}）` : `（${t('plan.yearOption', { y: year })}）`;
  const list = rec.sessions || [];
  const tot = rec.totals || {};
  $('#summary').textContent = t('record.summary', { n: tot.sessions || 0, a: tot.attended || 0 });
  const table = clear($('#record'));
  table.hidden = !list.length;
  $('#record-empty').hidden = list.length > 0;
  table.append(
    h('thead', null, h('tr', null,
      h('th', { class: 'r-title', scope: 'col', text: t('record.session') }),
      h('th', { scope: 'col', text: t('record.date') }),
      h('th', { scope: 'col', text: t('record.role') }),
      h('th', { scope: 'col', text: t('record.attended') }),
      NUMS.map(([, label]) => h('th', { scope: 'col', text: t(label) })))),
    h('tbody', null, list.map((s) => h('tr', { data: { session: s.session } },
      h('td', { class: 'r-title', text: s.title }),
      h('td', { class: 'r-date', text: (fmtDateTime(s.started_at) || '').slice(0, 10) }),
      h('td', { class: 'r-role', text: roleLabel(s.role) }),
      h('td', { class: `r-attended${s.attended ? '' : ' r-no'}`, text: s.attended ? t('record.yes') : t('record.no'), data: { value: String(!!s.attended) } }),
      NUMS.map(([k]) => num(k, s[k]))))),
    h('tfoot', null, h('tr', null,
      h('th', { class: 'r-title', scope: 'row', text: t('record.totals') }),
      h('td', { class: 'r-sessions', text: String(tot.sessions || 0), data: { key: 'sessions', value: String(tot.sessions || 0) } }),
      h('td'),
      h('td', { class: 'r-attended', text: String(tot.attended || 0), data: { key: 'attended', value: String(tot.attended || 0) } }),
      NUMS.map(([k]) => num(k, tot[k])))));
  $('#printed').textContent = t('record.printed', { time: fmtDateTime(new Date().toISOString()) });
}
load();
