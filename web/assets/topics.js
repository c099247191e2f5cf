// Topics proposed by the public (/topics, 议题征集, phone first): propose one (reviewed
// before it is public), support the open ones (once a phone: the audience page's
// client_id), see which were adopted into the plan and the replies to those declined.
import { $, h, clear, withLang } from './dom.js';
import { t, has } from './i18n.js';
import './i18n-year.js';
import { startPage } from './page.js';
import { api } from './api.js';
import { storedId } from './conn.js';

startPage();
document.title = `${t('topics.title')} · ${t('brand')}`;
$('#home-link').href = withLang('/');
$('#plan-link').href = withLang('/plan');

// The audience page's memory: one phone is one client_id, its nickname is the name.
const store = {
  get(k, d) { try { const v = localStorage.getItem(k); return v == null ? d : JSON.parse(v); } catch { return d; } },
  set(k, v) { try { localStorage.setItem(k, JSON.stringify(v)); } catch { /* private mode */ } },
};
const clientId = storedId('yst.client_id');
const supported = new Set(store.get('yst.supported_topics', []));
const nick = store.get('yst.nickname', '');
if (typeof nick === 'string' && nick) $('#t-name').value = nick;

const errText = (e) => {
  const k = `err.${(e && e.code) || 'internal'}`;
  return has(k) ? t(k) : String((e && e.message) || k);
};
const setStatus = (msg, kind = '') => { const el = $('#t-status'); el.textContent = msg; el.className = `form-status ${kind}`; };

$('#topic-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = { title: $('#t-title').value.trim(), text: $('#t-text').value.trim(), name: $('#t-name').value.trim(), client_id: clientId };
  if (!body.title) { $('#t-title').focus(); return; }
  if (!body.text) { $('#t-text').focus(); return; }
  if (!body.name) { $('#t-name').focus(); return; }
  $('#t-submit').disabled = true;
  try {
    // Not api(): a 429 carries retry_after_s beside the error.
    const res = await fetch('/api/topics', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
    let data = null;
    try { data = await res.json(); } catch { data = null; }
    if (res.status === 429) setStatus(t('topics.wait', { s: Math.ceil(Number(data && data.retry_after_s) || 60) }), 'error');
    else if (!res.ok) setStatus(errText((data && data.error) || { code: `http_${res.status}` }), 'error');
    else {
      setStatus(t('topics.sent'), 'ok');
      $('#t-title').value = '';
      $('#t-text').value = '';
      if (!nick) store.set('yst.nickname', body.name);
    }
  } catch {
    setStatus(t('err.offline'), 'error');
  } finally {
    $('#t-submit').disabled = false;
  }
});

async function support(tp, btn, count) {
  btn.disabled = true;
  try {
    const res = await api(`/api/topics/${encodeURIComponent(tp.id)}/support`, { method: 'POST', body: { client_id: clientId } });
    supported.add(tp.id);
    store.set('yst.supported_topics', [...supported]);
    btn.textContent = t('topics.supported');
    count.textContent = t('topics.count', { n: res.support });
  } catch (err) {
    btn.disabled = false;
    $('#errors').textContent = err && err.status === 409 ? t('topics.closed') : errText(err);
    if (err && err.status === 409) load();
  }
}

function card(tp) {
  const mine = supported.has(tp.id);
  const count = h('span', { class: 'topic-count', text: t('topics.count', { n: tp.support }) });
  const btn = tp.status === 'open'
    ? h('button', { type: 'button', class: 'btn small primary topic-support', text: mine ? t('topics.supported') : t('topics.support'), disabled: mine })
    : null;
  if (btn) btn.addEventListener('click', () => support(tp, btn, count));
  return h('li', { class: `plan-item topic-item status-${tp.status}`, data: { id: tp.id, status: tp.status } },
    h('div', { class: 'plan-head' },
      h('span', { class: `badge topic-status status-${tp.status}`, text: has(`topics.${tp.status}`) ? t(`topics.${tp.status}`) : tp.status }),
      h('span', { class: 'muted small', text: t('topics.by', { name: tp.name }) })),
    h('h3', { class: 'plan-topic', text: tp.title }),
    h('p', { class: 'topic-text', text: tp.text }),
    tp.status === 'declined' && tp.reply ? h('p', { class: 'topic-reply' }, h('b', { text: t('topics.reply') }), tp.reply) : null,
    tp.status === 'adopted' ? h('p', { class: 'topic-reply' }, h('a', { class: 'topic-plan', href: withLang('/plan'), text: t('topics.toPlan') })) : null,
    h('div', { class: 'topic-foot' }, count, btn));
}

async function load() {
  let list;
  try { list = await api('/api/topics'); } catch (err) { $('#errors').textContent = errText(err); return; }
  $('#errors').textContent = '';
  clear($('#topics')).append(...list.map(card));
  $('#topics-empty').hidden = list.length > 0;
}
load();
