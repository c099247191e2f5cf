// Rendering shared by the pages: feed items from events, speakers with role
// labels, tally bars and point cards. All user text goes through h() as text.
import { h, clear, fmtTime, fmtDateTime } from './dom.js';
import {
  t, has, kindLabel, roleLabel, statusLabel, questionStatusLabel, pointStatusLabel, outcomeLabel, choiceLabel, approvalLabel,
  commitmentStatusLabel, caseSectionLabel,
} from './i18n.js';
import { isKnownKind, isStaffOnly } from './state.js';
import { LABELS } from './vocabulary.js';

export const CHOICES = Object.keys(LABELS.choice);

export function roleTag(role) {
  return h('span', { class: `role role-${role || 'none'}`, text: roleLabel(role) });
}

export function speaker(name, role) {
  return h('span', { class: 'who' }, h('b', { class: 'name', text: name || '' }), role ? roleTag(role) : null);
}

function head(ev, ...parts) {
  return h('div', { class: 'item-head' }, ...parts,
    h('time', { class: 'at', text: fmtTime(ev.at), attrs: { datetime: ev.at || '' } }));
}

function quote(q, label) {
  if (!q) return null;
  return h('blockquote', { class: 'reply-quote' },
    h('span', { class: 'muted', text: label }), ' ', h('b', { text: q.name || '' }), t('sep.colon'), q.text || '');
}

// One feed item per event of a known kind; a staff-only kind only where ctx.staff.
// ctx: {state, upvote(qid) -> element|null, staff}
export function renderEvent(ev, ctx) {
  if (!isKnownKind(ev.kind) || (isStaffOnly(ev.kind) && !ctx.staff)) return null;
  const d = ev.data || {};
  const by = ev.by || null;
  const st = ctx.state;
  const q = d.question ? st.question(d.question) : null;
  const qText = q ? q.text : (d.text || '');
  const author = by ? speaker(by.name, by.role) : null;
  const text = (s, cls = 'text') => h('p', { class: cls, text: s || '' });
  // The head of a system line (muted) or of an item with content (red), named by its kind.
  const sys = (...rest) => head(ev, h('span', { class: 'sys-label', text: kindLabel(ev.kind) }), ...rest);
  const titled = (...rest) => head(ev, h('span', { class: 'kind-label', text: kindLabel(ev.kind) }), ...rest);
  let cls;
  let body;
  switch (ev.kind) {
    case 'session.started':
    case 'session.ended':
    case 'floor.released':
    case 'floor.overrun':
    case 'minutes.submitted':
    case 'minutes.approved':
      cls = 'sys';
      body = [sys()];
      break;
    case 'broadcast.on_air':
      cls = 'sys';
      body = [sys(h('span', { class: 'muted small', text: fmtTime(d.at || ev.at) }))];
      break;
    case 'statement': {
      cls = `statement by-${by ? by.role : 'none'}`;
      const rq = d.reply_to ? st.question(d.reply_to) : null;
      body = [head(ev, author), d.reply_to ? quote(rq || { text: d.reply_to }, t('ev.replyTo')) : null, text(d.text)];
      break;
    }
    case 'question.asked':
      cls = 'question pending';
      body = [titled(speaker(d.name, 'audience'), d.flagged ? h('span', { class: 'badge danger', text: t('q.flagged') }) : null),
        text(d.text)];
      break;
    case 'question.approved':
      cls = 'question';
      body = [titled(speaker(d.name || (q && q.name), 'audience')), text(qText), ctx.upvote ? ctx.upvote(d.question) : null];
      break;
    case 'question.rejected':
    case 'question.withdrawn':
      cls = 'sys';
      body = [sys(), text(qText, 'text muted'),
        d.reason ? text(t('q.reasonLine', { reason: d.reason }), 'muted small') : null];
      break;
    case 'question.featured':
    case 'question.answered':
    case 'question.unfeatured':
      cls = ev.kind === 'question.featured' ? 'sys featured-ev' : 'sys';
      body = [sys(), quote(q || { text: qText }, t('ev.questionBy'))];
      break;
    case 'question.merged':
      cls = 'sys';
      body = [sys(), quote(q || { text: qText }, t('ev.questionBy')), quote(st.question(d.into) || { text: '' }, t('ev.mergedInto'))];
      break;
    case 'hand.raised':
      cls = 'sys';
      body = [sys(speaker(d.name, d.role)), d.note ? text(d.note, 'text small') : null];
      break;
    case 'hand.lowered':
      cls = 'sys';
      body = [sys(by && by.participant === d.participant ? speaker(by.name, by.role) : null)];
      break;
    case 'floor.granted':
      cls = 'sys';
      body = [head(ev, h('span', { class: 'sys-label', text: `${kindLabel(ev.kind)}${t('sep.colon')}` }), speaker(d.name, d.role),
        d.seconds ? h('span', { class: 'muted small', text: t('floor.budget', { m: budgetText(d.seconds) }) }) : null)];
      break;
    case 'point.proposed':
      cls = 'point-ev';
      body = [titled(author), text(d.text)];
      break;
    case 'point.closed': {
      cls = 'point-ev';
      const p = st.points.get(d.point);
      body = [titled(outcomeBadge(d.outcome)), text(p ? p.text : ''), voteResult(d.tally, d.outcome, st.settings)];
      break;
    }
    case 'note':
      cls = 'note';
      body = [titled(author), text(d.text)];
      break;
    case 'commitment.made':
      cls = 'commitment-ev';
      body = [titled(author), text(t('ev.commitMade', { dept: d.department_name, text: d.text }) + (d.due ? t('ev.commitDue', { due: d.due }) : ''))];
      break;
    case 'commitment.updated': {
      cls = 'commitment-ev';
      const c = st.commitments && st.commitments.get(d.commitment);
      body = [titled(author), c ? quote({ name: c.department_name, text: c.text }, t('commit.title')) : null,
        text(t('ev.commitUpdated', { status: commitmentStatusLabel(d.status), text: d.text }))];
      break;
    }
    case 'case.text':
      cls = 'note';
      body = [titled(author), text(t('ev.caseText', { section: caseSectionLabel(d.section), text: d.text }))];
      break;
    default:
      return null;
  }
  return h('li', { class: `item ${cls}`, data: { seq: String(ev.seq), kind: ev.kind } }, body);
}

// "赞成 3 · 反对 1 · 弃权 0"
export function choicesLine(counts) {
  const tl = counts || {};
  return CHOICES.map((c) => `${choiceLabel(c)} ${Number(tl[c]) || 0}`).join(' · ');
}

// What decides (the counted roles) and the audience's advisory vote (民意参考), each
// apart: never their sum as one figure. Older tallies without `counted` are summed
// from by_role.
export function countedVotes(tally, settings) {
  if (tally && tally.counted) return tally.counted;
  return sumChoices(tally, countedRoles(settings));
}
export function audienceVotes(tally) {
  if (tally && tally.audience) return tally.audience;
  return sumChoices(tally, ['audience']);
}
const countedRoles = (settings) => ((settings && settings.counted_roles) || ['member', 'department']).filter((r) => r !== 'audience');

// A closed point's result: the counted votes and the outcome, then the advisory vote.
export function voteResult(tally, outcome, settings) {
  return h('div', { class: 'vote-result' },
    h('p', { class: 'result-line', text: t('tally.result', { votes: choicesLine(countedVotes(tally, settings)), outcome: outcomeLabel(outcome) }) }),
    h('p', { class: 'advisory-line muted small', text: t('tally.advisoryLine', { votes: choicesLine(audienceVotes(tally)) }) }));
}

// "3 分钟", "90 秒"
export function budgetText(seconds) {
  const s = Number(seconds) || 0;
  return s % 60 === 0 ? t('time.minutes', { n: s / 60 }) : t('time.seconds', { n: s });
}

// "1:05" left, or "+0:12" over the budget.
export function clockText(left) {
  const a = Math.abs(left);
  return `${left < 0 ? '+' : ''}${Math.floor(a / 60)}:${String(a % 60).padStart(2, '0')}`;
}

// The session's status in a pill: into el (a page's header), or a new one.
export function statusPill(status, el = h('span')) {
  el.textContent = statusLabel(status);
  el.className = `pill status-${status || 'none'}`;
  return el;
}

// The minutes' sign-off (draft, submitted, approved) in a badge: into el, or a new one.
export function approvalBadge(status, el = h('span')) {
  el.textContent = approvalLabel(status);
  el.className = `badge approval-${status}${status === 'approved' ? ' ok' : ''}`;
  el.dataset.status = status;
  return el;
}

// What a public question shows of its status: being answered (the featured one) or answered.
export function questionBadge(q, featured) {
  if (q.status === 'featured' && q.question === featured) return h('span', { class: 'badge gold', text: questionStatusLabel('featured') });
  if (q.status === 'answered') return h('span', { class: 'badge ok', text: questionStatusLabel('answered') });
  return null;
}

// Who asked the featured question, its upvotes and whether it is answered.
export function featuredByline(q) {
  const answered = q.status === 'answered' ? ` · ${questionStatusLabel('answered')}` : '';
  return `${t('q.askedBy', { name: q.name })} · ${t('up.count', { n: q.upvotes })}${answered}`;
}

export function outcomeBadge(outcome) {
  if (!outcome) return h('span', { class: 'badge', text: pointStatusLabel('open') });
  return h('span', { class: `badge ${outcome === 'adopted' ? 'ok' : 'muted-badge'}`, text: outcomeLabel(outcome) });
}

// A commitment (承诺事项): department, text, due date, status (已逾期 when past due),
// the question it answers, the latest progress; extra (a desk's form) kept below it.
export function commitmentCard(c, st, extra = null) {
  const body = h('div');
  const el = h('article', { class: 'commit-card', data: { commitment: c.commitment } }, body, extra);
  let key = '';
  const update = (x) => {
    const q = st.question(x.question);
    const k = JSON.stringify([x, q && q.text]);
    if (k === key) return;
    key = k;
    el.dataset.status = x.status;
    el.classList.toggle('overdue', !!x.overdue);
    clear(body).append(...[
      h('div', { class: 'commit-head' }, h('b', { text: x.department_name }),
        h('span', { class: `badge commit-status${x.status === 'done' ? ' ok' : ''}`, text: commitmentStatusLabel(x.status) }),
        x.overdue ? h('span', { class: 'badge danger commit-overdue', text: t('commit.overdue') }) : null,
        x.due ? h('span', { class: 'muted small commit-due', text: t('commit.due', { due: x.due }) }) : null),
      h('p', { class: 'commit-text', text: x.text }),
      q ? quote(q, t('ev.questionBy')) : null,
      x.progress ? h('p', { class: 'commit-progress' }, h('span', { class: 'muted', text: t('commit.progress') }), x.progress,
        h('span', { class: 'muted small', text: x.updated_at ? t('commit.updatedAt', { time: fmtDateTime(x.updated_at) }) : '' })) : null,
    ].filter(Boolean));
  };
  update(c);
  return { el, update };
}

// Cards updated in place, so that a card's form keeps its focus and text. extra(c): its form.
export class CommitmentList {
  constructor(el, extra) { this.el = el; this.extra = extra; this.cards = new Map(); }
  render(list, st) {
    list.forEach((c, i) => {
      let card = this.cards.get(c.commitment);
      if (card) card.update(c);
      else this.cards.set(c.commitment, card = commitmentCard(c, st, this.extra && this.extra(c)));
      if (this.el.children[i] !== card.el) this.el.insertBefore(card.el, this.el.children[i] || null);
    });
  }
}

// A feed list that keeps at most `max` items, newest first or last.
export class Feed {
  constructor(listEl, { newestFirst = true, max = 300 } = {}) {
    this.el = listEl;
    this.newestFirst = newestFirst;
    this.max = max;
  }
  clear() { clear(this.el); }
  add(item) {
    if (!item) return;
    if (this.newestFirst) this.el.prepend(item); else this.el.append(item);
    while (this.el.children.length > this.max) {
      (this.newestFirst ? this.el.lastElementChild : this.el.firstElementChild).remove();
    }
  }
}

function sumChoices(tally, roles) {
  const out = { agree: 0, disagree: 0, abstain: 0 };
  const br = (tally && tally.by_role) || {};
  for (const r of roles) for (const c of CHOICES) out[c] += Number((br[r] || {})[c]) || 0;
  return out;
}

// Tally bars in groups ({label, pick(tally) -> counts}). Returns {el, update(tally)}
// so that the bars move in place.
export function tallyBars(groups, tally) {
  const rows = [];
  const el = h('div', { class: 'tally' }, groups.map((g) => {
    const gRows = CHOICES.map((c) => {
      const fill = h('span', { class: `fill fill-${c}` });
      const count = h('span', { class: 'count', text: '0' });
      rows.push({ g, c, fill, count });
      return h('div', { class: `bar-row choice-${c}` },
        h('span', { class: 'choice', text: choiceLabel(c) }),
        h('span', { class: 'track' }, fill),
        count);
    });
    return h('div', { class: 'tally-group' }, g.label ? h('div', { class: 'tally-label', text: g.label }) : null, gRows);
  }));
  const update = (tl) => {
    const sums = new Map(groups.map((g) => [g, g.pick(tl)]));
    for (const r of rows) {
      const s = sums.get(r.g);
      const total = s.agree + s.disagree + s.abstain;
      const n = s[r.c];
      r.fill.style.width = `${total ? Math.round((n * 100) / total) : 0}%`;
      r.count.textContent = total ? `${n} · ${Math.round((n * 100) / total)}%` : String(n);
    }
  };
  update(tally);
  return { el, update };
}

// Groups as the contract weighs them: counted roles decide, the audience advises.
export function standardGroups(settings) {
  return [
    { label: t('tally.counted', { roles: countedRoles(settings).map(roleLabel).join(t('sep.list')) }), pick: (tl) => countedVotes(tl, settings) },
    { label: t('tally.advisory', { roles: roleLabel('audience') }), pick: audienceVotes },
  ];
}

// A consensus point with its tally and, optionally, vote buttons.
// opts: {groups, settings, canVote, myChoice, onVote(choice), extra: element}
export function pointCard(p, opts) {
  const bars = tallyBars(opts.groups, p.tally);
  const buttons = CHOICES.map((c) => h('button', {
    type: 'button',
    class: `btn vote vote-${c}`,
    text: choiceLabel(c),
    data: { choice: c },
    attrs: { 'aria-pressed': opts.myChoice === c ? 'true' : 'false' },
    on: { click: () => opts.onVote && opts.onVote(c) },
  }));
  const open = p.status === 'open';
  const el = h('article', { class: `point-card ${open ? 'open' : 'closed'}`, data: { point: p.point } },
    h('div', { class: 'point-head' }, h('span', { class: 'kind-label', text: t('point.label') }),
      outcomeBadge(open ? null : p.outcome)),
    h('p', { class: 'point-text', text: p.text }),
    open ? null : voteResult(p.tally, p.outcome, opts.settings),
    open && opts.canVote ? h('div', { class: 'vote-row', attrs: { role: 'group', 'aria-label': t('vote.group') } }, buttons) : null,
    bars.el,
    opts.extra || null);
  return {
    el,
    update(tally) { bars.update(tally); },
    setChoice(c) { for (const b of buttons) b.setAttribute('aria-pressed', b.dataset.choice === c ? 'true' : 'false'); },
  };
}

// The connection's state on a page: the banner (#banner) and body[data-conn].
export function showConnState(state, info) {
  connBanner(document.getElementById('banner'), state, info);
  document.body.dataset.conn = state;
}

function connBanner(el, state, info) {
  el.classList.remove('warn', 'fatal');
  if (state === 'live') { el.hidden = true; return; }
  el.hidden = false;
  if (state === 'reconnecting') { el.textContent = t('conn.reconnecting'); el.classList.add('warn'); }
  else if (state === 'fatal') { el.textContent = t('conn.fatal', { msg: errorText(info) }); el.classList.add('fatal'); }
  else el.textContent = t('conn.connecting');
}

// A human message for an error reply {code, message}.
// detail: add the server's own message (English, for staff) after ours.
export function errorText(err, detail = true) {
  const code = (err && err.code) || 'internal';
  const key = `err.${code}`;
  const msg = err && err.message ? String(err.message) : '';
  if (!has(key)) return msg || code;
  return detail && msg && code !== 'offline' && code !== 'timeout' ? t('err.detail', { err: t(key), msg }) : t(key);
}

export function presenceLine(online) {
  if (!online) return '';
  return Object.keys(LABELS.role)
    .filter((r) => online[r] != null)
    .map((r) => `${roleLabel(r)} ${online[r]}`).join(' · ');
}
