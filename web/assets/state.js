// The client's picture of a session: the welcome snapshot, then events and
// live figures applied in order. Mirrors the server's rules in the contract.
import { EVENT_KINDS } from './vocabulary.js';

// The event kinds and who sees them are the server's table, not a list here.
export const isKnownKind = (kind) => Object.hasOwn(EVENT_KINDS, kind);
// 'asker' kinds reach the audience only as the asker's own news, never the public feed.
export const isStaffOnly = (kind) => isKnownKind(kind) && ['staff', 'asker'].includes(EVENT_KINDS[kind].visible);

export const emptyTally = () => ({ agree: 0, disagree: 0, abstain: 0, by_role: {} });

export class SessionState {
  constructor() { this.reset(); }

  reset() {
    this.id = '';
    this.title = '';
    this.topic = '';
    this.status = '';
    this.streamUrl = '';
    this.settings = {};
    this.featured = null;
    this.floor = null;
    this.questions = new Map();
    this.points = new Map();
    this.online = null;
    this.you = null;
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
    this.featured = s.featured || null;
    this.floor = s.floor || null;
    this.questions = new Map();
    for (const q of s.questions || []) this.questions.set(q.question, { ...q, upvotes: q.upvotes || 0 });
    this.points = new Map();
    for (const p of s.points || []) this.points.set(p.point, { ...p, tally: p.tally || emptyTally() });
    if (s.online) this.online = s.online;
  }

  question(id) { return id ? this.questions.get(id) : undefined; }

  upsertQuestion(d, status) {
    let q = this.questions.get(d.question);
    if (!q) {
      q = { question: d.question, text: d.text || '', name: d.name || '', status, flagged: !!d.flagged, upvotes: 0 };
      this.questions.set(q.question, q);
    }
    if (d.text) q.text = d.text;
    if (d.name) q.name = d.name;
    if (status) q.status = status;
    return q;
  }

  // Returns true when something the pages show may have changed (any known kind:
  // those that change no state here still add to the feed).
  applyEvent(ev) {
    if (!isKnownKind(ev.kind)) return false;
    const d = ev.data || {};
    switch (ev.kind) {
      case 'session.started': this.status = 'live'; break;
      case 'session.ended':
        // As on the server: once ended, nothing is featured and nobody has the floor.
        this.status = 'ended';
        this.featured = null;
        this.floor = null;
        break;
      case 'question.asked': this.upsertQuestion(d, 'pending').flagged = !!d.flagged; break;
      case 'question.approved': this.upsertQuestion(d, 'approved'); break;
      case 'question.rejected': {
        const q = this.questions.get(d.question);
        if (q) q.status = 'rejected';
        if (this.featured === d.question) this.featured = null;
        break;
      }
      case 'question.featured': this.upsertQuestion(d, 'featured'); this.featured = d.question; break;
      case 'question.answered': this.upsertQuestion(d, 'answered'); break;
      case 'floor.granted': this.floor = { participant: d.participant, name: d.name, role: d.role }; break;
      case 'floor.released': this.floor = null; break;
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
        break;
      }
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
      return 'presence';
    }
    return '';
  }

  featuredQuestion() { return this.question(this.featured); }

  openPoints() { return [...this.points.values()].filter((p) => p.status === 'open'); }

  publicQuestions() {
    return [...this.questions.values()]
      .filter((q) => q.status === 'approved' || q.status === 'featured' || q.status === 'answered')
      .sort((a, b) => (b.upvotes - a.upvotes) || cmpId(a.question, b.question));
  }

  pendingQuestions() {
    return [...this.questions.values()].filter((q) => q.status === 'pending').sort((a, b) => cmpId(a.question, b.question));
  }

  onlineTotal() {
    if (!this.online) return null;
    return Object.values(this.online).reduce((s, n) => s + (Number(n) || 0), 0);
  }
}

// Question ids look like q12: order them numerically where they can be.
function cmpId(a, b) {
  const na = Number(String(a).replace(/\D/g, ''));
  const nb = Number(String(b).replace(/\D/g, ''));
  return na !== nb ? na - nb : String(a).localeCompare(String(b));
}
