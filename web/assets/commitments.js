// Commitments (承诺事项) on the staff desks: the form that records one (the host and
// the clerk for a department they choose, a department for itself) and the 报告进展
// form under each card (its department, the host, the clerk). The cards and their
// list are feed.js's (the audience shows them too); the words are the desks'.
import { h, clear } from './dom.js';
import { t, commitmentStatusLabel } from './i18n.js';
import { errorText, CommitmentList } from './feed.js';
import { api } from './api.js';

export const MAX_COMMIT = 500;
export const MAX_PROGRESS = 1000;
const STATUSES = ['in_progress', 'done'];

const chars = (s) => [...s].length;
function setStatus(el, msg, kind = '') {
  el.textContent = msg;
  el.classList.remove('ok', 'error', 'muted');
  if (kind) el.classList.add(kind);
}

// The departments among participants (as GET .../participants lists them), for the form's <select>.
export const departmentsOf = (list) => list.filter((p) => p.role === 'department')
  .map((p) => ({ id: p.id || p.participant, name: p.name || '', affiliation: p.affiliation || '' }));

export async function loadDepartments(sid, token) {
  const list = await api(`/api/sessions/${encodeURIComponent(sid)}/participants`, { token });
  return departmentsOf(Array.isArray(list) ? list : (list && list.participants) || []);
}

// The form that records a commitment. opts: {conn, st, chooseDepartment, prefix}
// (prefix names the fields' ids: `${prefix}-text`, ...). Returns {el, setDepartments(list),
// refresh()}: refresh() after the state changed (the public questions, the status).
export function commitForm({ conn, st, chooseDepartment = true, prefix = 'commit' }) {
  const id = (x) => `${prefix}-${x}`;
  const dept = chooseDepartment ? h('select', { id: id('dept'), required: true }) : null;
  const text = h('textarea', { id: id('text'), rows: 3, placeholder: t('commit.placeholder') });
  const due = h('input', { id: id('due'), type: 'date' });
  const question = h('select', { id: id('question') });
  const counter = h('span', { id: id('count'), class: 'counter', text: `0/${MAX_COMMIT}` });
  const submit = h('button', { type: 'submit', id: id('submit'), class: 'btn primary', text: t('commit.btn') });
  const status = h('p', { id: id('status'), class: 'form-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const field = (label, input) => h('label', null, h('span', { text: label }), input);
  const el = h('form', { id: id('form'), class: 'stack-form commit-form' },
    dept ? field(t('commit.dept'), dept) : null,
    field(t('commit.text'), text),
    h('div', { class: 'commit-row' }, field(t('commit.dueLabel'), due), field(t('commit.questionLabel'), question)),
    h('div', { class: 'form-actions' }, counter, submit),
    status);

  let departments = null; // null until loaded
  let sending = false;
  let questionsKey = null;
  const started = () => st.status === 'live' || st.status === 'ended';

  function refresh() {
    // The public questions it may answer, the chosen one kept.
    const qs = st.publicQuestions();
    const key = qs.map((q) => `${q.question}:${q.text}`).join('\n');
    if (key !== questionsKey) {
      questionsKey = key;
      const keep = question.value;
      clear(question).append(h('option', { value: '', text: t('commit.noQuestion') }),
        ...qs.map((q) => h('option', { value: q.question, text: `${q.name}${t('sep.colon')}${q.text.length > 30 ? `${q.text.slice(0, 30)}…` : q.text}` })));
      question.value = qs.some((q) => q.question === keep) ? keep : '';
    }
    const n = chars(text.value.trim());
    counter.textContent = `${chars(text.value)}/${MAX_COMMIT}`;
    counter.classList.toggle('over', n > MAX_COMMIT);
    submit.disabled = sending || !started() || n === 0 || n > MAX_COMMIT || (dept && !dept.value);
    // Before the start the server refuses (not_live): say so rather than fail.
    if (!started() && (!status.textContent || status.dataset.auto)) {
      setStatus(status, st.status ? t('commit.notLive') : '', 'muted');
      status.dataset.auto = '1';
    } else if (started() && status.dataset.auto) {
      setStatus(status, '');
      delete status.dataset.auto;
    }
  }

  function setDepartments(list) {
    departments = list;
    const keep = dept.value;
    clear(dept);
    if (!list.length) dept.append(h('option', { value: '', text: t('commit.noDept') }));
    else if (list.length > 1) dept.append(h('option', { value: '', text: t('commit.pickDept') }));
    dept.append(...list.map((p) => h('option', { value: p.id, text: p.affiliation ? `${p.name}（${p.affiliation}）` : p.name })));
    dept.value = list.some((p) => p.id === keep) ? keep : (list.length === 1 ? list[0].id : '');
    refresh();
  }

  text.addEventListener('input', refresh);
  if (dept) dept.addEventListener('change', refresh);
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    if (chars(value) > MAX_COMMIT) { setStatus(status, t('commit.tooLong', { max: MAX_COMMIT }), 'error'); return; }
    const fields = { text: value };
    if (dept) fields.department = dept.value;
    if (due.value) fields.due = due.value;
    if (question.value) fields.question = question.value;
    sending = true;
    refresh();
    try {
      await conn.request('commit', fields);
      text.value = '';
      due.value = '';
      question.value = '';
      delete status.dataset.auto;
      setStatus(status, t('commit.recorded'), 'ok');
    } catch (err) {
      delete status.dataset.auto;
      setStatus(status, errorText(err), 'error');
    } finally {
      sending = false;
      refresh();
    }
  });
  if (dept) setDepartments(departments || []);
  refresh();
  return { el, setDepartments, refresh };
}

// 报告进展 under a commitment: its status (办理中 / 已办结) and what was done. Allowed
// while live and after the end. open: unfolded (the department's own page).
export function progressForm(c, { conn, open = false }) {
  const select = h('select', { class: 'progress-status', attrs: { 'aria-label': t('progress.status') } },
    STATUSES.map((s) => h('option', { value: s, text: commitmentStatusLabel(s) })));
  select.value = c.status === 'done' ? 'done' : 'in_progress';
  const text = h('textarea', { class: 'progress-text', rows: 2, placeholder: t('progress.placeholder'), attrs: { 'aria-label': t('progress.text') } });
  const submit = h('button', { type: 'submit', class: 'btn small primary progress-submit', text: t('progress.btn') });
  const status = h('p', { class: 'form-status progress-msg', attrs: { role: 'status', 'aria-live': 'polite' } });
  const form = h('form', { class: 'progress-form' }, text, h('div', { class: 'form-actions' }, select, submit), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = text.value.trim();
    if (!value) { setStatus(status, t('progress.empty'), 'error'); return; }
    if (chars(value) > MAX_PROGRESS) { setStatus(status, t('commit.tooLong', { max: MAX_PROGRESS }), 'error'); return; }
    submit.disabled = true;
    setStatus(status, '');
    try {
      await conn.request('update_commitment', { commitment: c.commitment, status: select.value, text: value });
      text.value = '';
      setStatus(status, t('progress.sent'), 'ok');
    } catch (err) {
      setStatus(status, errorText(err), 'error');
    } finally {
      submit.disabled = false;
    }
  });
  return h('details', { class: 'progress', open }, h('summary', { text: t('progress.title') }), form);
}

// A list of commitments with the 报告进展 form under each (where the caller may report).
// canReport(c) -> bool; open: the forms unfolded.
export function progressList(listEl, { conn, canReport = () => true, open = false }) {
  return new CommitmentList(listEl, (c) => (canReport(c) ? progressForm(c, { conn, open }) : null));
}
