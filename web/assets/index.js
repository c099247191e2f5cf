// The front page (/): links to the year's plan and its follow-up; sessions live now, upcoming, ended.
import { $, h, clear, withLang, fmtDateTime } from './dom.js';
import { t } from './i18n.js';
import './i18n-year.js';
import { startPage } from './page.js';
import { api } from './api.js';
import { errorText, statusPill } from './feed.js';
import { PAGES } from './vocabulary.js';

startPage();
document.title = t('brand');
$('#plan-link').href = withLang('/plan');
$('#follow-link').href = withLang('/follow');

function card(s) {
  const eid = encodeURIComponent(s.id);
  const page = withLang(`${PAGES.audience}${eid}`);
  const when = s.status === 'live' ? s.started_at : s.status === 'ended' ? s.ended_at : s.scheduled_at;
  const whenLabel = s.status === 'live' ? t('index.startedAt') : s.status === 'ended' ? t('index.endedAt') : t('index.scheduledAt');
  return h('li', { class: `session-card status-${s.status}`, data: { id: s.id } },
    h('div', { class: 'card-top' },
      statusPill(s.status),
      when ? h('span', { class: 'muted small', text: `${whenLabel} ${fmtDateTime(when)}` }) : null),
    h('h3', { class: 'card-title' }, h('a', { href: page, text: s.title })),
    h('div', { class: 'card-links' },
      h('a', { class: 'btn small primary', href: page, text: s.status === 'live' ? t('index.watch') : t('index.open') }),
      s.status === 'ended' ? h('a', { class: 'btn small', href: `/api/sessions/${eid}/minutes?format=html`, text: t('index.minutes') }) : null));
}

async function load() {
  let list;
  try {
    list = await api('/api/sessions');
    $('#errors').textContent = '';
  } catch (err) {
    $('#errors').textContent = errorText(err);
    return;
  }
  const all = Array.isArray(list) ? list : (list && list.sessions) || [];
  const by = (st) => all.filter((s) => s.status === st);
  const time = (s) => Date.parse(s.started_at || s.scheduled_at || s.ended_at || 0) || 0;
  const groups = {
    live: by('live').sort((a, b) => time(b) - time(a)),
    upcoming: by('scheduled').sort((a, b) => (time(a) || Infinity) - (time(b) || Infinity)),
    ended: by('ended').sort((a, b) => (Date.parse(b.ended_at) || 0) - (Date.parse(a.ended_at) || 0)),
  };
  for (const [k, items] of Object.entries(groups)) {
    const ul = clear($(`#${k}`));
    for (const s of items) ul.append(card(s));
    $(`#${k}-empty`).hidden = items.length > 0;
  }
}
load();
setInterval(load, 30000);
