// The client's picture of a session: the welcome snapshot, then events and
// live figures applied in order. Mirrors the server's rules in the contract.
import { EVENT_KINDS } from './vocabulary.js';

// The event kinds and who sees them are the server's table, not a list here.
export const isKnownKind = (kind) => Object.hasOwn(EVENT_KINDS, kind);
// 'asker' kinds reach the audience only as the asker's own news, never the public feed.
export const isStaffOnly = (kind) => isKnownKind(kind) && ['staff', 'asker'].includes(EVENT_KINDS[kind].visible);

const noVotes = () => ({ agree: 0, disagree: 0, abstain: 0 });
export const emptyTally = () => ({ ...noVotes(), by_role: {}, counted: noVotes(), audience: noVotes() });

// The statuses in which a question is public (the audience may see and upvote it).
export const PUBLIC_STATUSES = ['approved', 'featured', 'answered'];

export class SessionState {
  constructor() { this.reset(); }

  reset() {
    this.id = '';
    this.title = '';
    this.topic = '';
    this.status = '';
    this.streamUrl = '';
    this.settings = {};
    this.scheduledAt = null;
    this.startedAt = null;
    this.onAirAt = null;
    this.featured = null;
    this.floor = null;
    this.hands = [];
    this.questions = new Map();
    this.points = new Map();
    this.online = null;
    this.onlineStaff = new Set(); // staff participant ids with a connection (staff pages only)
    this.you = null;
    this.mine = new Set(); // the questions this participant asked (audience)
    this.approval = 'draft'; // the minutes' sign-off: draft, submitted, approved
    this.commitments = new Map(); // id -> COMMITMENT (承诺事项, with its progress)
    this.caseText = { background: '', lessons: '' }; // the case report's own sections (staff)
    this.closedAt = new Map(); // point -> when its point.closed arrived (ms, this clock)
    this.skew = 0; // this clock minus the server's, from the latest live event (ms)
  }

  loadWelcome(msg) {
    const s = msg.session || {};
    this.you = msg.you || null;
    this.id = s.id || '';
    this.title = s.title || '';
    this.topic = s.topic || '';
    this.status = s.status || '';
    this.streamUrl = s.stream_url || '';
    this.settings = s.settings || {};
    this.scheduledAt = s.scheduled_at || null;
    this.startedAt = s.started_at || null;
    this.onAirAt = s.on_air_at || null;
    this.featured = s.featured || null;
    this.floor = s.floor || null;
    this.hands = Array.isArray(s.hands) ? s.hands.slice() : [];
    this.questions = new Map();
    for (const q of s.questions || []) this.questions.set(q.question, { ...q, upvotes: q.upvotes || 0 });
    // The asker's own questions, whatever their status: a reload shows them too.
    this.mine = new Set();
    for (const q of (this.you && this.you.questions) || []) {
      this.mine.add(q.question);
      if (!this.questions.has(q.question)) this.questions.set(q.question, { ...q, upvotes: q.upvotes || 0 });
    }
    this.points = new Map();
    for (const p of s.points || []) this.points.set(p.point, { ...p, tally: p.tally || emptyTally() });
    this.commitments = new Map((s.commitments || []).map((c) => [c.commitment, { ...c }]));
    this.caseText = { background: '', lessons: '', ...s.case };
    if (s.online) this.online = s.online;
    if (Array.isArray(s.online_participants)) this.onlineStaff = new Set(s.online_participants);
  }

  // What the caller already did, as the server remembers it.
  myVotes() { return { ...((this.you && this.you.votes) || {}) }; }
  myUpvotes() { return new Set((this.you && this.you.upvoted) || []); }

  question(id) { return id ? this.questions.get(id) : undefined; }

  upsertQuestion(d, status) {
    let q = this.questions.get(d.question);
    if (!q) {
      q = { question: d.question, text: d.text || '', name: d.name || '', status, flagged: !!d.flagged, upvotes: 0, merged_into: null };
      this.questions.set(q.question, q);
    }
    if (d.text) q.text = d.text;
    if (d.name) q.name = d.name;
    if (status) q.status = status;
    if (q.status !== 'featured' && this.featured === q.question) this.featured = null;
    return q;
  }

  // An event the welcome's snapshot already holds changes nothing (replay), except
  // what the snapshot does not carry: the minutes' sign-off.
  take(ev, replay) {
    if (!replay) {
      const at = Date.parse(ev.at);
      if (!Number.isNaN(at)) this.skew = Date.now() - at;
      return this.applyEvent(ev);
    }
    if (ev.kind === 'minutes.submitted' || ev.kind === 'minutes.approved') this.applyEvent(ev);
    return isKnownKind(ev.kind);
  }

  // Returns true when something the pages show may have changed (any known kind:
  // those that change no state here still add to the feed).
  applyEvent(ev) {
    if (!isKnownKind(ev.kind)) return false;
    const d = ev.data || {};
    switch (ev.kind) {
      case 'session.started': this.status = 'live'; this.startedAt = this.startedAt || ev.at || null; break;
      case 'session.ended':
        // As on the server: once ended, nothing is featured, nobody has the floor or waits for it.
        this.status = 'ended';
        this.featured = null;
        this.floor = null;
        this.hands = [];
        break;
      case 'question.asked':
        this.upsertQuestion(d, 'pending').flagged = !!d.flagged;
        // The audience sees question.asked only for its own questions.
        if (ev.by && this.you && ev.by.participant === this.you.participant) this.mine.add(d.question);
        break;
      case 'question.approved': this.upsertQuestion(d, 'approved'); break;
      case 'question.rejected':
      case 'question.withdrawn': {
        const q = this.questions.get(d.question);
        if (q) {
          q.status = 'rejected';
          if (d.reason) q.reason = d.reason;
        }
        if (this.featured === d.question) this.featured = null;
        break;
      }
      case 'question.featured': this.upsertQuestion(d, 'featured'); this.featured = d.question; break;
      case 'question.unfeatured': this.upsertQuestion(d, 'approved'); break;
      case 'question.answered': this.upsertQuestion(d, 'answered'); break;
      case 'question.merged': {
        const q = this.questions.get(d.question);
        if (q) { q.status = 'merged'; q.merged_into = d.into || null; }
        if (this.featured === d.question) this.featured = null;
        break;
      }
      case 'hand.raised':
        if (!this.hands.some((x) => x.participant === d.participant)) {
          this.hands.push({ participant: d.participant, name: d.name, role: d.role, note: d.note || '', at: ev.at });
        }
        break;
      case 'hand.lowered': this.hands = this.hands.filter((x) => x.participant !== d.participant); break;
      case 'floor.granted':
        this.floor = { participant: d.participant, name: d.name, role: d.role, seconds: d.seconds ?? null, until: d.until ?? null };
        break;
      case 'floor.overrun': if (this.floor && this.floor.participant === d.participant) this.floor.overrun = true; break;
      case 'floor.released': this.floor = null; break;
      case 'broadcast.on_air': this.onAirAt = d.at || ev.at || null; break;
      case 'point.proposed':
        if (!this.points.has(d.point)) {
          this.points.set(d.point, { point: d.point, text: d.text || '', status: 'open', outcome: null, tally: emptyTally() });
        }
        break;
      case 'point.closed': {
        const p = this.points.get(d.point) || { point: d.point, text: '', tally: emptyTally() };
        p.status = 'closed';
        p.outcome = d.outcome || null;
        if (d.tally) p.tally = d.tally;
        this.points.set(d.point, p);
        this.closedAt.set(d.point, Date.now());
        break;
      }
      case 'commitment.made':
        if (!this.commitments.has(d.commitment)) this.commitments.set(d.commitment, { ...d, status: 'open', progress: null, overdue: overdue(d.due) });
        break;
      case 'commitment.updated': {
        const c = this.commitments.get(d.commitment);
        if (c) Object.assign(c, { status: d.status, progress: d.text, updated_at: ev.at, overdue: d.status !== 'done' && overdue(c.due) });
        break;
      }
      case 'case.text': if (Object.hasOwn(this.caseText, d.section)) this.caseText[d.section] = d.text || ''; break;
      case 'minutes.submitted': if (this.approval === 'draft') this.approval = 'submitted'; break;
      case 'minutes.approved': this.approval = 'approved'; break;
      default: break;
    }
    return true;
  }

  // upvotes / tally / presence. Returns the kind applied, or ''.
  applyLive(msg) {
    if (msg.type === 'upvotes') {
      const q = this.questions.get(msg.question);
      if (q) q.upvotes = msg.count;
      return 'upvotes';
    }
    if (msg.type === 'tally') {
      const p = this.points.get(msg.point);
      if (p) p.tally = msg.tally || emptyTally();
      return 'tally';
    }
    if (msg.type === 'presence') {
      this.online = msg.online || {};
      if (Array.isArray(msg.participants)) this.onlineStaff = new Set(msg.participants);
      return 'presence';
    }
    return '';
  }

  featuredQuestion() { return this.question(this.featured); }

  // The commitments, oldest first; of one department when given.
  commitmentList(dept) {
    return [...this.commitments.values()].filter((c) => !dept || c.department === dept).sort((a, b) => cmpId(a.commitment, b.commitment));
  }

  openPoints() { return [...this.points.values()].filter((p) => p.status === 'open'); }

  publicQuestions() {
    return [...this.questions.values()]
      .filter((q) => PUBLIC_STATUSES.includes(q.status))
      .sort((a, b) => (b.upvotes - a.upvotes) || cmpId(a.question, b.question));
  }

  pendingQuestions() {
    return [...this.questions.values()].filter((q) => q.status === 'pending').sort((a, b) => cmpId(a.question, b.question));
  }

  // The caller's own questions, oldest first.
  myQuestions() {
    return [...this.mine].map((id) => this.questions.get(id)).filter(Boolean).sort((a, b) => cmpId(a.question, b.question));
  }

  // Where a merged question went, following a chain of merges.
  mergedTarget(q) {
    let target = q;
    for (let hops = 0; target && target.status === 'merged' && target.merged_into && hops < 64; hops++) {
      target = this.questions.get(target.merged_into);
    }
    return target && target !== q ? target : null;
  }

  // The floor's time budget: seconds left (negative once over), or null without one.
  floorLeft(now = Date.now()) {
    const until = this.floor && this.floor.until ? Date.parse(this.floor.until) : NaN;
    if (Number.isNaN(until)) return null;
    return Math.ceil((until - (now - this.skew)) / 1000);
  }

  // The budget ran out: the server said so, or this clock says so before its word arrives.
  floorOverrun() {
    const left = this.floorLeft();
    return !!this.floor && (!!this.floor.overrun || (left != null && left <= 0));
  }

  // People online: an overlay is a screen, not someone watching.
  onlineTotal() {
    if (!this.online) return null;
    return Object.entries(this.online).reduce((s, [role, n]) => s + (role === 'overlay' ? 0 : Number(n) || 0), 0);
  }
}

// A due date (YYYY-MM-DD) before today here: the server's rule, for what has not been done.
const overdue = (due) => !!due && due < new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);

// Question ids look like q12: order them numerically where they can be.
function cmpId(a, b) {
  const na = Number(String(a).replace(/\D/g, ''));
  const nb = Number(String(b).replace(/\D/g, ''));
  return na !== nb ? na - nb : String(a).localeCompare(String(b));
}
