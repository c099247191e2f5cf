// Rendering shared by the pages: feed items from events, speakers with role
// labels, tally bars and point cards. All user text goes through h() as text.
import { h, clear, fmtTime } from './dom.js';
import { t, has, roleLabel } from './i18n.js';

export const CHOICES = ['agree', 'disagree', 'abstain'];

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

// ctx: {state, upvote(qid) -> element|null, staff}
export function renderEvent(ev, ctx) {
  const d = ev.data || {};
  const by = ev.by || null;
  const st = ctx.state;
  const q = d.question ? st.question(d.question) : null;
  const qText = q ? q.text : (d.text || '');
  let cls = 'item';
  let body;
  switch (ev.kind) {
    case 'session.started':
      cls += ' sys';
      body = [head(ev, h('span', { class: 'sys-label', text: t('ev.started') }))];
      break;
    case 'session.ended':
      cls += ' sys';
      body = [head(ev, h('span', { class: 'sys-label', text: t('ev.ended') }))];
      break;
    case 'statement': {
      cls += ` statement by-${by ? by.role : 'none'}`;
      const rq = d.reply_to ? st.question(d.reply_to) : null;
      body = [
        head(ev, by ? speaker(by.name, by.role) : null),
        d.reply_to ? quote(rq || { text: d.reply_to }, t('ev.replyTo')) : null,
        h('p', { class: 'text', text: d.text || '' }),
      ];
      break;
    }
    case 'question.asked':
      cls += ' question pending';
      body = [
        head(ev, h('span', { class: 'kind-label', text: t('ev.asked') }), speaker(d.name, 'audience'),
          d.flagged ? h('span', { class: 'badge danger', text: t('q.flagged') }) : null),
        h('p', { class: 'text', text: d.text || '' }),
      ];
      break;
    case 'question.approved':
      cls += ' question';
      body = [
        head(ev, h('span', { class: 'kind-label', text: t('ev.question') }), speaker(d.name || (q && q.name), 'audience')),
        h('p', { class: 'text', text: qText }),
        ctx.upvote ? ctx.upvote(d.question) : null,
      ];
      break;
    case 'question.rejected':
      cls += ' sys';
      body = [head(ev, h('span', { class: 'sys-label', text: t('ev.rejected') })),
        h('p', { class: 'text muted', text: qText }),
        d.reason ? h('p', { class: 'muted small', text: t('q.reasonLine', { reason: d.reason }) }) : null];
      break;
    case 'question.featured':
      cls += ' sys featured-ev';
      body = [head(ev, h('span', { class: 'sys-label', text: t('ev.featured') })),
        quote(q || { text: qText }, t('ev.questionBy'))];
      break;
    case 'question.answered':
      cls += ' sys';
      body = [head(ev, h('span', { class: 'sys-label', text: t('ev.answered') })),
        quote(q || { text: qText }, t('ev.questionBy'))];
      break;
    case 'floor.granted':
      cls += ' sys';
      body = [head(ev, h('span', { class: 'sys-label', text: t('ev.floorGranted') }), speaker(d.name, d.role))];
      break;
    case 'floor.released':
      cls += ' sys';
      body = [head(ev, h('span', { class: 'sys-label', text: t('ev.floorReleased') }))];
      break;
    case 'point.proposed':
      cls += ' point-ev';
      body = [head(ev, h('span', { class: 'kind-label', text: t('ev.pointProposed') }), by ? speaker(by.name, by.role) : null),
        h('p', { class: 'text', text: d.text || '' })];
      break;
    case 'point.closed': {
      cls += ' point-ev';
      const p = st.points.get(d.point);
      const tl = d.tally || {};
      body = [head(ev, h('span', { class: 'kind-label', text: t('ev.pointClosed') }), outcomeBadge(d.outcome)),
        h('p', { class: 'text', text: p ? p.text : '' }),
        h('p', { class: 'muted small', text: t('tally.summary', { a: tl.agree || 0, d: tl.disagree || 0, b: tl.abstain || 0 }) })];
      break;
    }
    case 'note':
      cls += ' note';
      body = [head(ev, h('span', { class: 'kind-label', text: t('ev.note') }), by ? speaker(by.name, by.role) : null),
        h('p', { class: 'text', text: d.text || '' })];
      break;
    default:
      return null;
  }
  return h('li', { class: cls, data: { seq: String(ev.seq), kind: ev.kind } }, body);
}

export function outcomeBadge(outcome) {
  if (!outcome) return h('span', { class: 'badge', text: t('point.open') });
  return h('span', { class: `badge ${outcome === 'adopted' ? 'ok' : 'muted-badge'}`, text: t(`outcome.${outcome}`) });
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
  if (!tally) return out;
  if (!roles) {
    for (const c of CHOICES) out[c] = Number(tally[c]) || 0;
    return out;
  }
  const br = tally.by_role || {};
  for (const r of roles) for (const c of CHOICES) out[c] += Number((br[r] || {})[c]) || 0;
  return out;
}

// Tally bars in groups ({label, roles}; roles null = every vote). Returns
// {el, update(tally)} so that the bars move in place.
export function tallyBars(groups, tally) {
  const rows = [];
  const el = h('div', { class: 'tally' }, groups.map((g) => {
    const gRows = CHOICES.map((c) => {
      const fill = h('span', { class: `fill fill-${c}` });
      const count = h('span', { class: 'count', text: '0' });
      rows.push({ g, c, fill, count });
      return h('div', { class: `bar-row choice-${c}` },
        h('span', { class: 'choice', text: t(`vote.${c}`) }),
        h('span', { class: 'track' }, fill),
        count);
    });
    return h('div', { class: 'tally-group' }, g.label ? h('div', { class: 'tally-label', text: g.label }) : null, gRows);
  }));
  const update = (tl) => {
    const sums = new Map(groups.map((g) => [g, sumChoices(tl, g.roles)]));
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

// Groups as the contract weighs them: counted roles decide, audience is advisory.
export function standardGroups(settings) {
  const counted = (settings && settings.counted_roles) || ['member', 'department'];
  return [
    { label: t('tally.counted', { roles: counted.map(roleLabel).join(t('sep.list')) }), roles: counted },
    { label: t('tally.audience'), roles: ['audience'] },
  ];
}

// A consensus point with its tally and, optionally, vote buttons.
// opts: {groups, canVote, myChoice, onVote(choice), extra: element}
export function pointCard(p, opts) {
  const bars = tallyBars(opts.groups, p.tally);
  const buttons = CHOICES.map((c) => h('button', {
    type: 'button',
    class: `btn vote vote-${c}`,
    text: t(`vote.${c}`),
    data: { choice: c },
    attrs: { 'aria-pressed': opts.myChoice === c ? 'true' : 'false' },
    on: { click: () => opts.onVote && opts.onVote(c) },
  }));
  const open = p.status === 'open';
  const el = h('article', { class: `point-card ${open ? 'open' : 'closed'}`, data: { point: p.point } },
    h('div', { class: 'point-head' }, h('span', { class: 'kind-label', text: t('point.label') }),
      outcomeBadge(open ? null : p.outcome)),
    h('p', { class: 'point-text', text: p.text }),
    open && opts.canVote ? h('div', { class: 'vote-row', attrs: { role: 'group', 'aria-label': t('vote.group') } }, buttons) : null,
    bars.el,
    opts.extra || null);
  return {
    el,
    update(tally) { bars.update(tally); },
    setChoice(c) { for (const b of buttons) b.setAttribute('aria-pressed', b.dataset.choice === c ? 'true' : 'false'); },
  };
}

// The connection banner shared by the pages.
export function connBanner(el, state, info) {
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
  return ['host', 'member', 'department', 'clerk', 'audience']
    .filter((r) => online[r] != null)
    .map((r) => `${roleLabel(r)} ${online[r]}`).join(' · ');
}
