// The long soak (issue 17, item 2): a programme's load on one yishiting server for a
// long while, then a check that every client saw exactly what it should have.
//
// Run by scripts/soak, which starts the server and passes it here through the
// environment (SOAK_PORT, SOAK_SERVER_PID, SOAK_ADMIN_TOKEN, SOAK_SERVER_LOG,
// SOAK_DATA_DIR, SOAK_OUT); the knobs are described in scripts/soak. This script:
//   1. creates a session over the admin HTTP API (host, member, department), joins the
//      three staff connections and starts it;
//   2. for SOAK_SECONDS: statements at STATEMENT_RATE a second (host and member);
//      phones asking (within the ask interval), the host moderating (approve, reject,
//      merge, feature, answered), the department answering featured questions, hands
//      and the floor now and then; an upvote burst every UPVOTE_EVERY seconds;
//      PHONES audience phones joining over the first ~30 s, each connection living a
//      random while, closing normally and rejoining with `after`; one phone in ten on a
//      bad network (stops reading for 5-40 s; its ping then goes unanswered and it
//      gives up, or the server closes it with 1013; it resumes with `after`);
//   3. samples the server every SAMPLE_EVERY seconds (RSS, open files, CPU, /metrics,
//      the database's size) into samples.jsonl;
//   4. at the end: every client's record checked against the reference (the host's
//      log, itself checked against GET /events and /verify), two late joiners, the
//      upvote counts, growth over the last half, the server's log (after stopping it);
//      writes result.json and summary.txt and exits 1 when a check failed.
// Every event a client receives is kept (as its JSON re-serialized) until it is checked
// against the reference, then dropped: memory stays flat for an hour's run.
import WebSocket from 'ws';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

// ------------------------------------------------------------------------------------
// Settings.
const env = process.env;
function num(name, dflt) {
  const v = env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, not ${v}`);
  return n;
}
function need(name) {
  if (!env[name]) throw new Error(`${name} is not set (scripts/soak sets it)`);
  return env[name];
}

const T = num('SOAK_SECONDS', 3600);
const cfg = {
  port: Number(need('SOAK_PORT')),
  pid: Number(need('SOAK_SERVER_PID')),
  adminToken: need('SOAK_ADMIN_TOKEN'),
  serverLog: need('SOAK_SERVER_LOG'),
  dataDir: env.SOAK_DATA_DIR || '',
  out: need('SOAK_OUT'),
  seconds: T,
  phones: num('PHONES', 2000),
  statementRate: num('STATEMENT_RATE', 5),
  askRate: num('ASK_RATE', 0.3),
  badShare: num('BAD_SHARE', 0.1),
  batchShare: num('BATCH_SHARE', 0.75),
  joinSpread: num('JOIN_SPREAD', Math.min(30, T / 4)),
  lifeMin: num('LIFE_MIN', Math.min(60, T / 6)),
  lifeMax: num('LIFE_MAX', Math.min(600, T / 2)),
  gapMax: num('OFFLINE_MAX', Math.min(10, Math.max(2, T / 12))),
  stallEveryMin: num('STALL_EVERY_MIN', Math.min(20, T / 6)),
  stallEveryMax: num('STALL_EVERY_MAX', Math.min(120, T / 2)),
  stallMin: num('STALL_MIN', 5),
  stallMax: num('STALL_MAX', Math.min(40, Math.max(10, T / 3))),
  upvoteEvery: num('UPVOTE_EVERY', T >= 1200 ? 180 : Math.max(20, T / 3)),
  burst: num('UPVOTE_BURST', 300),
  burstWithin: num('BURST_WITHIN', 2),
  featureEvery: num('FEATURE_EVERY', Math.min(30, T / 4)),
  handsEvery: num('HANDS_EVERY', Math.min(90, T / 3)),
  // At least a dozen samples in a short run, so that the middle's and the end's medians
  // (five samples each) do not overlap.
  sampleEvery: num('SAMPLE_EVERY', Math.max(1, Math.min(10, T / 12))),
  growthLimitPct: num('GROWTH_LIMIT_PCT', 5),
  enforceGrowthFrom: num('ENFORCE_GROWTH_FROM', 1200),
  endWait: num('END_WAIT', 30),
  seed: num('SOAK_SEED', Math.floor(Math.random() * 2 ** 31)),
  // A check of the checker: breaks one phone's record on purpose (drop, duplicate or
  // alter its 20th event); the run must then fail.
  break: env.SOAK_BREAK || '',
};
if (!['', 'drop', 'duplicate', 'alter'].includes(cfg.break)) throw new Error('SOAK_BREAK: drop, duplicate or alter');
const base = `http://127.0.0.1:${cfg.port}`;
const wsUrl = `ws://127.0.0.1:${cfg.port}/ws`;

// A seeded generator, so that a run's choices can be replayed (timing still varies).
let seedState = cfg.seed >>> 0;
function rnd() {
  seedState = (seedState + 0x6d2b79f5) >>> 0;
  let t = seedState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const uniform = (a, b) => a + (b - a) * rnd();
const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const elapsed = () => (Date.now() - t0) / 1000;
const stamp = () => `${new Date().toISOString().slice(11, 19)} +${elapsed().toFixed(0)}s`;
const log = (...a) => console.log(stamp(), ...a);

// ------------------------------------------------------------------------------------
// What is said: realistic lengths, Chinese text.
const SUBJECTS = ['老旧小区加装电梯', '背街小巷停车难', '垃圾分类投放点', '社区养老服务中心', '菜市场改造', '学校门口交通拥堵',
  '雨污分流工程', '物业服务收费', '公园健身设施', '夜间施工噪音', '社区食堂', '充电桩建设', '河道整治', '公交线路调整'];
const CLAUSES = ['居民反映比较集中', '我们已经做了实地调研', '涉及多个部门的职责', '资金来源需要进一步明确', '建议先选两个小区试点',
  '群众的获得感是检验工作的标准', '今年计划完成一期工程', '需要广泛听取业主意见', '相关政策文件已经出台', '协调工作难度比较大',
  '下一步我们将加快推进', '请相关部门给出明确的时间表', '这个问题拖了好几年了', '希望在年底前有一个答复', '我补充一点情况'];
function sentence(minClauses, maxClauses) {
  const n = Math.floor(uniform(minClauses, maxClauses + 1));
  const parts = [pick(SUBJECTS)];
  for (let i = 0; i < n; i++) parts.push(pick(CLAUSES));
  return parts.join('，') + '。';
}
const statementText = () => sentence(2, 30).slice(0, 2000);
const questionText = () => `请问${pick(SUBJECTS)}的问题，${pick(CLAUSES)}，什么时候能解决？`;

// ------------------------------------------------------------------------------------
// Figures.
const failures = new Map(); // kind -> {count, examples}
const failedClients = new Set(); // names
function fail(kind, detail) {
  if (detail && typeof detail === 'object' && detail.client) failedClients.add(detail.client);
  let f = failures.get(kind);
  if (!f) failures.set(kind, (f = { count: 0, examples: [] }));
  f.count++;
  if (f.examples.length < 10) f.examples.push(detail);
}
const counters = {
  connects: 0, connect_failures: 0, joins: 0, resumes: 0, resumed_events_replayed: 0,
  normal_leaves: 0, stalls: 0, stall_resumed: 0, gave_up_no_pong: 0, pong_timeouts_not_stalled: 0,
  closes: { 'by the phone, normally': {}, 'by the phone, giving up': {}, 'by the server': {} }, join_errors: {},
  statements_sent: 0, asks_sent: 0, asks_acked: 0, moderations: 0, merges: 0, features: 0, answers: 0,
  hands: 0, floors: 0, upvote_bursts: 0, upvotes_sent: 0, upvotes_acked: 0, upvotes_unanswered: 0,
  request_errors: {}, requests_lost: {}, events_received: 0, live_figures: { upvotes: 0, tally: 0, presence: 0 },
};
const bump = (obj, key) => { obj[key] = (obj[key] || 0) + 1; };

// Delivery delay (server's event time `at` to a client's receipt), in ms: log buckets.
class Hist {
  constructor() { this.b = new Map(); this.n = 0; this.max = 0; }
  add(ms) {
    const k = ms <= 1 ? 0 : Math.ceil(Math.log(ms) / Math.log(1.1));
    this.b.set(k, (this.b.get(k) || 0) + 1);
    this.n++;
    if (ms > this.max) this.max = ms;
  }
  q(p) {
    if (!this.n) return null;
    const want = p * this.n;
    let c = 0;
    for (const k of [...this.b.keys()].sort((a, b) => a - b)) {
      c += this.b.get(k);
      if (c >= want) return Math.min(Math.round(this.max), k === 0 ? 1 : Math.round(1.1 ** k));
    }
    return Math.round(this.max);
  }
  summary() { return { n: this.n, p50_ms: this.q(0.5), p99_ms: this.q(0.99), max_ms: Math.round(this.max) }; }
}
const delayAll = new Hist();
let delayWindow = new Hist();
const upvoteAckDelay = new Hist();

// ------------------------------------------------------------------------------------
// The reference: every event in seq order, from the host's connection (staff see all),
// with who may see it (the contract's visibility column, written here independently of
// the server).
const ref = { last: 0, str: [null], everyone: [false], asker: [null], kind: [null], bytes: 0 };
const askerOf = new Map();
const madePublic = new Set();
const STAFF_ONLY = new Set(['hand.raised', 'hand.lowered', 'note', 'case.text', 'minutes.submitted']);
function addReference(m, str) {
  const s = m.seq;
  if (s !== ref.last + 1) {
    fail('reference (host) gap or repeat', { seq: s, last: ref.last });
    if (s <= ref.last) return;
  }
  const q = m.data && typeof m.data.question === 'string' ? m.data.question : null;
  let everyone = true;
  let asker = null;
  if (STAFF_ONLY.has(m.kind)) everyone = false;
  else if (m.kind === 'question.asked') {
    everyone = false;
    asker = m.by ? m.by.participant : null;
    askerOf.set(q, asker);
  } else if (m.kind === 'question.rejected') {
    everyone = false;
    asker = askerOf.get(q) ?? null;
  } else if (m.kind === 'question.merged') {
    everyone = madePublic.has(q);
    asker = askerOf.get(q) ?? null;
  } else if (m.kind === 'question.approved') madePublic.add(q);
  for (let k = ref.last + 1; k < s; k++) { ref.str[k] = null; ref.everyone[k] = false; ref.asker[k] = null; ref.kind[k] = null; }
  ref.str[s] = str;
  ref.everyone[s] = everyone;
  ref.asker[s] = asker;
  ref.kind[s] = m.kind;
  ref.bytes += Buffer.byteLength(str);
  ref.last = s;
  trackQuestion(m);
}

// The host's view of the questions, for moderating them.
const questions = new Map(); // id -> {status, at, answering, burst, lockedUntil}
function trackQuestion(m) {
  const id = m.data && m.data.question;
  if (!id || !m.kind.startsWith('question.')) return;
  let q = questions.get(id);
  if (!q) questions.set(id, (q = { status: 'pending', at: Date.now(), delay: uniform(2000, 5000), answering: false, burst: false, lockedUntil: 0 }));
  const next = { 'question.asked': 'pending', 'question.approved': 'approved', 'question.rejected': 'rejected',
    'question.featured': 'featured', 'question.unfeatured': 'approved', 'question.answered': 'answered',
    'question.merged': 'merged' }[m.kind];
  if (next) q.status = next;
}

// ------------------------------------------------------------------------------------
// One WebSocket client: a phone, a staff member or a late joiner.
let session = null; // {id, host_token, member, department}
const clients = [];
let running = true; // the load phase
let loadStart = 0; // seconds from t0 when the load began
let ending = false; // the end phase: no more churn

class Client {
  constructor(opts) {
    Object.assign(this, opts); // name, staff, role, token?, clientId?, bad, batch, index
    this.ws = null;
    this.joined = false;
    this.participant = null;
    this.lastSeq = 0;
    this.nextId = 1;
    this.pendingReq = new Map();
    this.record = []; // [seq, json] received, not yet checked
    this.verifiedUpTo = null; // checked against the reference up to here
    this.start = null; // {after} or {l0}: where its first join's history begins
    this.welcomeLast = 0;
    this.stalled = false;
    this.timers = new Set();
    this.attempt = 0;
    this.intentional = false;
    this.lastAsk = -1e9;
    this.upvoted = new Set();
    this.received = 0;
    this.everJoined = false;
    this.gaveUp = false;
  }

  later(ms, fn) {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
    return t;
  }
  clearTimers() { for (const t of this.timers) clearTimeout(t); this.timers.clear(); }

  connect() {
    counters.connects++;
    this.intentional = false;
    this.gaveUp = false;
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, handshakeTimeout: 10000 });
    this.ws = ws;
    let opened = false;
    ws.on('open', () => { opened = true; if (this.ws === ws) this.join(); });
    ws.on('message', (data) => { if (this.ws === ws) this.onFrame(data); });
    // A connection that never opened (refused, an HTTP answer instead of the upgrade, the
    // handshake's timeout) is counted; ws then closes it, and the phone tries again.
    ws.on('error', (e) => {
      if (opened) return;
      counters.connect_failures++;
      bump(counters.join_errors, String(e.message || e).slice(0, 80));
    });
    ws.on('close', (code) => { if (this.ws === ws) this.onClose(code); });
  }

  send(frame) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject({ code: 'offline' });
    const id = this.nextId++;
    frame.id = id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pendingReq.delete(id); reject({ code: 'timeout' }); }, 15000);
      this.pendingReq.set(id, { resolve, reject, timer, type: frame.type });
      ws.send(JSON.stringify(frame));
    });
  }

  // A request after joining; errors are counted by type and code, and rethrown.
  async request(type, fields = {}) {
    if (!this.joined) throw { code: 'offline' };
    try {
      return await this.send({ type, ...fields });
    } catch (e) {
      if (e.code === 'offline') bump(counters.requests_lost, type);
      else bump(counters.request_errors, `${type}: ${e.code}`);
      // The programme keeps to the rules: any error the server answers is a failure (a
      // request with no answer in 15 s, or lost with its connection, is only counted).
      if (e.type === 'error') fail('request answered with an error', { client: this.name, type, code: e.code, message: e.message });
      throw e;
    }
  }

  join() {
    const frame = { type: 'join', session: session.id };
    if (this.staff) frame.token = this.token;
    else Object.assign(frame, { role: 'audience', name: this.displayName, client_id: this.clientId });
    if (this.batch) frame.batch = true;
    if (this.lastSeq > 0) frame.after = this.lastSeq;
    else if (this.joinAfter !== undefined) frame.after = this.joinAfter;
    if (frame.after === undefined) {
      // Nothing seen yet: the history begins afresh (the last 50 events it may see).
      this.start = { l0: null };
      this.verifiedUpTo = null;
      this.record = [];
    } else if (this.start === null) this.start = { after: frame.after };
    this.joinAfter_ = frame.after;
    this.send(frame).catch((err) => {
      if (err.code === 'offline') return; // the connection went before the answer
      bump(counters.join_errors, err.code);
      fail('join refused', { client: this.name, code: err.code, message: err.message, after: frame.after });
      this.finished = true;
      this.intentional = true;
      if (this.ws) this.ws.close(1000);
    });
  }

  // Called as the welcome arrives, before the events that follow it in the same frame.
  onWelcome(w) {
    const after = this.joinAfter_;
    this.resumedJoin = after !== undefined && this.lastSeq > 0;
    counters.joins++;
    if (this.resumedJoin) counters.resumes++;
    if (typeof w.last_seq !== 'number') fail('welcome without last_seq', { client: this.name });
    if (after !== undefined && w.last_seq < after) fail('welcome last_seq below after', { client: this.name, after, last_seq: w.last_seq });
    if (this.start.l0 === null && after === undefined) this.start.l0 = w.last_seq;
    this.welcomeLast = w.last_seq;
    this.participant = w.you && w.you.participant;
    this.joined = true;
    this.everJoined = true;
    this.attempt = 0;
    this.startPing();
    if (!this.staff && !this.late && running) {
      this.later(uniform(cfg.lifeMin, cfg.lifeMax) * 1000, () => this.leave());
      if (this.bad) this.later(uniform(cfg.stallEveryMin, cfg.stallEveryMax) * 1000, () => this.stall());
    }
  }

  onFrame(data) {
    let parsed;
    try { parsed = JSON.parse(data.toString('utf8')); } catch { fail('frame not JSON', { client: this.name }); return; }
    if (Array.isArray(parsed)) {
      if (!this.batch) fail('array frame without batch', { client: this.name });
      for (const m of parsed) this.onMessage(m);
    } else this.onMessage(parsed);
  }

  onMessage(m) {
    switch (m.type) {
      case 'event': this.onEvent(m); break;
      case 'welcome': this.onWelcome(m); this.settle(m, true); break;
      case 'ack': case 'pong': this.settle(m, true); break;
      case 'error':
        if (!this.settle(m, false)) { bump(counters.request_errors, `unsolicited: ${m.code}`); fail('unsolicited error', { client: this.name, m }); }
        break;
      case 'upvotes': case 'tally': case 'presence': counters.live_figures[m.type]++; break;
      default: fail('unknown message', { client: this.name, type: m.type });
    }
  }

  settle(m, ok) {
    const p = this.pendingReq.get(m.id);
    if (!p) return false;
    this.pendingReq.delete(m.id);
    clearTimeout(p.timer);
    if (ok) p.resolve(m); else p.reject(m);
    return true;
  }

  onEvent(m) {
    const seq = m.seq;
    counters.events_received++;
    if (!Number.isInteger(seq) || seq <= 0) { fail('event without a valid seq', { client: this.name, seq }); return; }
    if (seq <= this.lastSeq) {
      fail('duplicate or out of order', { client: this.name, seq, last: this.lastSeq });
      return;
    }
    let str = JSON.stringify(m);
    this.lastSeq = seq;
    this.received++;
    if (seq <= this.welcomeLast && this.resumedJoin) counters.resumed_events_replayed++;
    if (this === host) addReference(m, str);
    // Delivery delay, on phones with a good network (a stalled one's is its own doing).
    if (seq > this.welcomeLast && !this.bad && !this.staff) {
      const ms = Date.now() - Date.parse(m.at);
      delayAll.add(ms);
      delayWindow.add(ms);
    }
    if (cfg.break && this.breakMe && this.received === 20) {
      log(`SOAK_BREAK=${cfg.break}: breaking ${this.name}'s record at seq ${seq}`);
      if (cfg.break === 'drop') return;
      if (cfg.break === 'alter') str = str.replace(/}$/, ',"x":1}');
      if (cfg.break === 'duplicate') { this.record.push([seq, str]); this.onEvent(m); return; }
    }
    this.record.push([seq, str]);
  }

  onClose(code) {
    this.ws = null;
    const wasJoined = this.joined;
    this.joined = false;
    this.stopPing();
    this.stalled = false;
    for (const [, p] of this.pendingReq) { clearTimeout(p.timer); p.reject({ code: 'offline' }); }
    this.pendingReq.clear();
    this.clearTimers();
    // Every close of a joined connection by who began it, with the code the phone saw
    // (a connection the phone cut itself sees 1006; so does one whose owner closed it
    // during a stall, which could not finish the closing handshake and gave up).
    if (wasJoined && !this.finished) bump(counters.closes[this.gaveUp ? 'by the phone, giving up' : this.intentional ? 'by the phone, normally' : 'by the server'], String(code));
    if (this.staff && !this.intentional) fail('staff connection lost', { client: this.name, code });
    if (this.finished) return;
    if (this.intentional && !this.gaveUp) {
      // A phone closed by its owner: back after a while (at once in the end phase).
      this.later(ending ? 0 : uniform(1, cfg.gapMax) * 1000, () => this.connect());
    } else {
      const delay = Math.min(15000, 500 * 2 ** this.attempt) * uniform(0.7, 1.3);
      this.attempt = Math.min(this.attempt + 1, 10);
      this.later(ending ? Math.min(delay, 1000) : delay, () => this.connect());
    }
  }

  leave() {
    if (!running || !this.ws) return;
    counters.normal_leaves++;
    this.intentional = true;
    this.ws.close(1000);
  }

  // The bad network: stops reading (ws.pause(): the socket's data stays in the kernel).
  stall() {
    if (!running || !this.ws || !this.joined || this.stalled) return;
    counters.stalls++;
    this.stalled = true;
    this.ws.pause();
    this.later(uniform(cfg.stallMin, cfg.stallMax) * 1000, () => this.unstall());
  }
  unstall() {
    if (!this.stalled) return;
    this.stalled = false;
    if (this.ws) {
      counters.stall_resumed++;
      this.ws.resume();
      if (running && this.joined) this.later(uniform(cfg.stallEveryMin, cfg.stallEveryMax) * 1000, () => this.stall());
    }
  }

  // As the pages do (web/assets/conn.js): a ping every 20 s, no pong within 10 s and the
  // phone gives up on the connection. A stalled phone's socket cannot finish a closing
  // handshake: it is cut (terminate), as a phone losing its network would.
  startPing() {
    this.stopPing();
    if (this.staff) return;
    this.pingTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws || !this.joined) return;
      const pongTimer = setTimeout(() => {
        if (this.ws !== ws) return;
        if (this.stalled) {
          counters.gave_up_no_pong++;
          this.gaveUp = true;
          ws.terminate();
        } else {
          counters.pong_timeouts_not_stalled++;
          this.gaveUp = true;
          ws.close(4001);
        }
      }, 10000);
      this.send({ type: 'ping' }).then(() => clearTimeout(pongTimer), () => clearTimeout(pongTimer));
    }, 20000);
  }
  stopPing() { clearInterval(this.pingTimer); }

  visible(s) {
    return this.staff || ref.everyone[s] || (ref.asker[s] !== null && ref.asker[s] === this.participant);
  }

  // Checks what it received against the reference, up to the reference's last seq.
  verify() {
    if (this.verifiedUpTo === null) {
      if (this.start === null) return;
      if (this.start.after !== undefined) this.verifiedUpTo = this.start.after;
      else {
        const l0 = this.start.l0;
        if (l0 === null || ref.last < l0 || this.participant === null) return;
        // Joined without `after`: the last 50 events it may see, up to the welcome's last_seq.
        let s = l0;
        let seen = 0;
        let begin = l0 + 1;
        while (s > 0 && seen < 50) {
          if (this.visible(s)) { seen++; begin = s; }
          s--;
        }
        this.verifiedUpTo = begin - 1;
      }
    }
    let i = 0;
    const rec = this.record;
    while (i < rec.length && rec[i][0] <= ref.last) {
      const [seq, str] = rec[i];
      if (seq <= this.verifiedUpTo) {
        fail('event before its history should begin', { client: this.name, seq, from: this.verifiedUpTo + 1 });
      } else {
        for (let s = this.verifiedUpTo + 1; s < seq; s++)
          if (this.visible(s)) fail('missed event (gap)', { client: this.name, seq: s, kind: ref.kind[s], next_received: seq });
        if (!this.visible(seq)) fail('received an event it may not see', { client: this.name, seq, kind: ref.kind[seq] });
        else if (ref.str[seq] !== str) fail('content differs from the reference', { client: this.name, seq, got: str.slice(0, 200), want: (ref.str[seq] || '').slice(0, 200) });
        this.verifiedUpTo = seq;
      }
      i++;
    }
    if (i) rec.splice(0, i);
  }

  lastVisibleUpTo(n) {
    for (let s = n; s > 0; s--) if (this.visible(s)) return s;
    return 0;
  }
  caughtUp(n) { return this.joined && !this.stalled && this.lastSeq >= this.lastVisibleUpTo(n); }

  // The end: everything received checked, and nothing visible after it missing.
  finalCheck(n) {
    this.verify();
    if (this.verifiedUpTo === null) { fail('never joined', { client: this.name }); return false; }
    if (this.record.length) fail('received events past the reference', { client: this.name, seqs: this.record.slice(0, 3).map((r) => r[0]) });
    let ok = true;
    for (let s = this.verifiedUpTo + 1; s <= n; s++)
      if (this.visible(s)) { fail('missing at the end', { client: this.name, seq: s, kind: ref.kind[s], last_received: this.lastSeq }); ok = false; }
    return ok;
  }
}

// ------------------------------------------------------------------------------------
// HTTP.
async function http(method, p, body, token = cfg.adminToken) {
  const res = await fetch(base + p, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}
async function httpJson(method, p, body, want, token) {
  const r = await http(method, p, body, token);
  if (r.status !== want) throw new Error(`${method} ${p}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json();
}

// ------------------------------------------------------------------------------------
// Sampling.
const samples = [];
const samplesPath = path.join(cfg.out, 'samples.jsonl');
fs.writeFileSync(samplesPath, '');
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
let lastCpu = null;
let lastNodeCpu = null;
const CLK_TCK = 100;
function procFigures() {
  const status = fs.readFileSync(`/proc/${cfg.pid}/status`, 'utf8');
  const kib = (k) => { const m = status.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm')); return m ? Number(m[1]) : null; };
  const fds = fs.readdirSync(`/proc/${cfg.pid}/fd`).length;
  const stat = fs.readFileSync(`/proc/${cfg.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const threads = Number(fields[17]);
  const now = Date.now();
  let cpuPct = null;
  if (lastCpu) cpuPct = ((ticks - lastCpu.ticks) / CLK_TCK) / ((now - lastCpu.at) / 1000) * 100;
  lastCpu = { ticks, at: now };
  return { rss_kib: kib('VmRSS'), hwm_kib: kib('VmHWM'), fds, threads, cpu_pct: cpuPct === null ? null : Math.round(cpuPct * 10) / 10 };
}
function dirBytes(dir) {
  if (!dir) return null;
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}
async function metrics() {
  const r = await http('GET', '/metrics', undefined, null);
  const out = {};
  for (const line of r.text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-z_]+)(\{[^}]*\})? (\S+)$/);
    if (!m) continue;
    const name = m[1].replace(/^yishiting_/, '') + (m[2] ? m[2].replace(/[{}"]/g, '').replace('role=', ':') : '');
    if (/_bucket$|_sum$|_count$/.test(m[1])) continue;
    out[name] = Number(m[3]);
  }
  return out;
}
async function sample(phase) {
  const s = { t: Math.round(elapsed() * 10) / 10, phase };
  try { Object.assign(s, procFigures()); } catch (e) { s.proc_error = String(e.message || e); }
  try {
    const m = await metrics();
    s.connections_open = m.connections_open;
    s.events_total = m.events_total;
    s.slow_client_disconnects = m.slow_client_disconnects_total;
    s.flood_disconnects = m.flood_disconnects_total;
    s.request_errors_server = m.request_errors_total;
    s.deliveries = m.deliveries_total;
    s.bytes_out = m.bytes_out_total;
    // The server's figures of its history's memory (yishiting_history_events, _bytes),
    // whose growth is enforced; and, reported only, the allocator's heap in use and held
    // free and SQLite's share, which tell data that grows from memory held.
    for (const [k, v] of Object.entries(m)) {
      if (/history/.test(k)) s[`metric_${k}`] = v;
      else if (/^(heap_|sqlite_memory)/.test(k)) s[k] = v;
    }
  } catch (e) { s.metrics_error = String(e.message || e); }
  s.last_seq = ref.last;
  s.history_frame_bytes = ref.bytes;
  try { s.data_bytes = dirBytes(cfg.dataDir); } catch { s.data_bytes = null; }
  s.phones_joined = phones.filter((p) => p.joined).length;
  s.phones_stalled = phones.filter((p) => p.stalled).length;
  s.delay = delayWindow.summary();
  delayWindow = new Hist();
  s.loop_delay_p99_ms = Math.round(loopDelay.percentile(99) / 1e6);
  loopDelay.reset();
  s.node_rss_kib = Math.round(process.memoryUsage().rss / 1024);
  const cpu = process.cpuUsage();
  const nowMs = Date.now();
  if (lastNodeCpu) s.node_cpu_pct = Math.round(((cpu.user + cpu.system - lastNodeCpu.us) / 1000 / (nowMs - lastNodeCpu.at)) * 1000) / 10;
  lastNodeCpu = { us: cpu.user + cpu.system, at: nowMs };
  samples.push(s);
  fs.appendFileSync(samplesPath, JSON.stringify(s) + '\n');
  return s;
}

// ------------------------------------------------------------------------------------
// The programme.
const phones = [];
let host, member, department;
const outstanding = new Set(); // staff requests in flight, waited for at the end
function track(promise) {
  const p = promise.catch(() => {}).finally(() => outstanding.delete(p));
  outstanding.add(p);
  return promise;
}

async function setup() {
  const created = await httpJson('POST', '/api/sessions', {
    title: `长时间运行测试 (soak) ${new Date().toISOString().slice(0, 16)}`,
    topic: '老旧小区改造与社区治理',
  }, 201);
  const m = await httpJson('POST', `/api/sessions/${created.id}/participants`, { name: '王委员', role: 'member', affiliation: '区政协' }, 201);
  const d = await httpJson('POST', `/api/sessions/${created.id}/participants`, { name: '住建局李科长', role: 'department', affiliation: '区住建局' }, 201);
  session = { id: created.id, host_token: created.host_token, member: m, department: d };
  host = new Client({ name: 'host', staff: true, token: created.host_token, batch: true, joinAfter: 0 });
  member = new Client({ name: 'member', staff: true, token: m.token, batch: true, joinAfter: 0 });
  department = new Client({ name: 'department', staff: true, token: d.token, batch: false, joinAfter: 0 });
  for (const c of [host, member, department]) { clients.push(c); c.connect(); }
  for (let i = 0; i < 200 && !(host.joined && member.joined && department.joined); i++) await sleep(50);
  if (!(host.joined && member.joined && department.joined)) throw new Error('the staff could not join');
  await host.request('start');
  await host.request('on_air');
  log(`session ${session.id} live; staff joined`);
}

function makePhones() {
  const tag = session.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
  const breakAt = cfg.break ? 7 % cfg.phones : -1;
  for (let i = 0; i < cfg.phones; i++) {
    const p = new Client({
      name: `phone${i}`, staff: false, index: i,
      clientId: `soak-${tag}-${String(i).padStart(5, '0')}`,
      bad: rnd() < cfg.badShare, batch: rnd() < cfg.batchShare, breakMe: i === breakAt,
    });
    p.name = `phone${i}${p.bad ? ' (bad network)' : ''}`;
    p.displayName = `听众${i}`;
    phones.push(p);
    clients.push(p);
  }
  for (const p of phones) p.later(uniform(0, cfg.joinSpread) * 1000, () => p.connect());
}

function pacedLoop(rate, fn) {
  // Fixed-rate: catches up after a late tick, but never by more than a second's worth.
  let done = 0;
  const start = Date.now();
  const timer = setInterval(() => {
    if (!running) { clearInterval(timer); return; }
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    if (due - done > Math.ceil(rate)) done = due - Math.ceil(rate);
    while (done < due) { done++; fn(); }
  }, 50);
}

function statements() {
  pacedLoop(cfg.statementRate, () => {
    const who = rnd() < 0.3 ? host : member;
    counters.statements_sent++;
    track(who.request('say', { text: statementText() })).catch(() => {});
  });
}

function asks() {
  pacedLoop(cfg.askRate, () => {
    const now = Date.now();
    for (let tries = 0; tries < 30; tries++) {
      const p = pick(phones);
      // The session's ask_interval_s is 10: leave a margin.
      if (!p.joined || p.stalled || now - p.lastAsk < 12000) continue;
      p.lastAsk = now;
      counters.asks_sent++;
      p.request('ask', { text: questionText() }).then(() => counters.asks_acked++, () => {});
      return;
    }
  });
}

async function moderation() {
  while (running) {
    await sleep(1000);
    const now = Date.now();
    for (const [id, q] of questions) {
      if (!running) return;
      if (q.status !== 'pending' || q.moderating || now - q.at < q.delay) continue;
      q.moderating = true;
      const r = rnd();
      const targets = [...questions].filter(([, x]) => x.status === 'approved' || x.status === 'answered').map(([k]) => k);
      try {
        if (r < 0.05 && targets.length) {
          await track(host.request('merge', { question: id, into: pick(targets) }));
          counters.merges++;
        } else if (r < 0.15) {
          await track(host.request('moderate', { question: id, action: 'reject', reason: '与本期议题无关' }));
          counters.moderations++;
        } else {
          await track(host.request('moderate', { question: id, action: 'approve' }));
          counters.moderations++;
        }
      } catch { /* counted */ }
    }
  }
}

// Every FEATURE_EVERY: the oldest approved question on air, the department answers it,
// the host marks it answered.
async function featuring() {
  while (running) {
    await sleep(cfg.featureEvery * 1000);
    if (!running) return;
    const entry = [...questions].find(([, q]) => q.status === 'approved' && !q.answering && Date.now() >= q.lockedUntil);
    if (!entry) continue;
    const [id, q] = entry;
    q.answering = true;
    try {
      await track(host.request('moderate', { question: id, action: 'feature' }));
      counters.features++;
      await sleep(uniform(0.3, 0.6) * cfg.featureEvery * 1000);
      if (!running) return;
      await track(department.request('say', { text: `关于这个问题，${statementText()}`, reply_to: id }));
      counters.answers++;
      while (Date.now() < q.lockedUntil) await sleep(200); // an upvote burst on it is still going
      if (!running) return;
      await track(host.request('moderate', { question: id, action: 'answered' }));
    } catch { /* counted */ }
  }
}

// Hands and the floor (staff-only events between public ones).
async function hands() {
  while (running) {
    await sleep(cfg.handsEvery * 1000);
    if (!running) return;
    try {
      await track(member.request('raise_hand', { note: '我想补充一点' }));
      counters.hands++;
      await sleep(3000);
      if (!running) return;
      await track(host.request('floor', { participant: session.member.id, seconds: 120 }));
      counters.floors++;
      await sleep(Math.min(20, cfg.handsEvery / 2) * 1000);
      if (!running) return;
      await track(host.request('floor', { participant: null }));
    } catch { /* counted */ }
  }
}

// An upvote burst: a few hundred phones upvote one approved question within ~2 s.
const upvotesByQuestion = new Map(); // question -> {acked:Set, unknown:Set, lastCount}
async function burst() {
  const cands = [...questions].filter(([, q]) => (q.status === 'approved' || q.status === 'featured') && !q.answering && !q.burst);
  if (!cands.length) { log('upvote burst skipped: no approved question yet'); return; }
  const [id, q] = cands[cands.length - 1];
  q.burst = true;
  q.lockedUntil = Date.now() + (cfg.burstWithin + 20) * 1000;
  const eligible = phones.filter((p) => p.joined && !p.stalled && !p.upvoted.has(id));
  for (let i = eligible.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [eligible[i], eligible[j]] = [eligible[j], eligible[i]]; }
  const chosen = eligible.slice(0, cfg.burst);
  const rec = { acked: new Set(), unknown: new Set(), lastCount: 0 };
  upvotesByQuestion.set(id, rec);
  counters.upvote_bursts++;
  log(`upvote burst ${counters.upvote_bursts}: ${chosen.length} phones on ${id}`);
  await Promise.all(chosen.map((p) => new Promise((resolve) => {
    setTimeout(() => {
      if (!p.joined || p.stalled) return resolve();
      p.upvoted.add(id);
      counters.upvotes_sent++;
      const at = Date.now();
      p.request('upvote', { question: id }).then((ack) => {
        counters.upvotes_acked++;
        upvoteAckDelay.add(Date.now() - at);
        rec.acked.add(p.index);
        rec.lastCount = Math.max(rec.lastCount, ack.count);
      }, (e) => {
        // Without an answer it may or may not have been stored.
        if (e.code === 'offline' || e.code === 'timeout') { counters.upvotes_unanswered++; rec.unknown.add(p.index); }
      }).finally(resolve);
    }, rnd() * cfg.burstWithin * 1000);
  })));
}

// ------------------------------------------------------------------------------------
// Checks at the end.
function median(xs) {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}
function around(t, k = 2) {
  // The k samples on each side of time t (of the load phase), the nearest included.
  const load = samples.filter((s) => s.phase === 'load');
  if (!load.length) return [];
  let best = 0;
  for (let i = 0; i < load.length; i++) if (Math.abs(load[i].t - t) < Math.abs(load[best].t - t)) best = i;
  return load.slice(Math.max(0, best - k), best + k + 1);
}
function growth(key) {
  const load = samples.filter((s) => s.phase === 'load');
  const mid = median(around(loadStart + T / 2).map((s) => s[key]));
  const end = median(load.slice(-5).map((s) => s[key]));
  if (mid === null || end === null || mid === 0) return { mid, end, pct: null };
  return { mid, end, pct: Math.round(((end - mid) / mid) * 1000) / 10 };
}

function scanLog(file) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const lines = text.split('\n').filter(Boolean);
  const errors = [];
  const warnings = [];
  const levels = {};
  for (const line of lines) {
    const m = line.match(/^\S+ (trace|debug|info|warning|error|critical) /);
    const level = m ? m[1] : null;
    if (level) bump(levels, level);
    if (level === 'error' || level === 'critical' || /ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer/.test(line)) errors.push(line);
    else if (level === 'warning') warnings.push(line);
  }
  return { lines: lines.length, levels, errors, warnings };
}

async function stopServer() {
  try { process.kill(cfg.pid, 'SIGTERM'); } catch { return 'gone'; }
  for (let i = 0; i < 300; i++) {
    await sleep(100);
    try {
      const st = fs.readFileSync(`/proc/${cfg.pid}/stat`, 'utf8');
      if (st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) === 'Z') return 'exited';
    } catch { return 'exited'; }
  }
  return 'still running 30 s after SIGTERM';
}

async function lateJoiner(name, after) {
  const c = new Client({ name, staff: false, late: true, clientId: `soak-late-${name}-${Date.now()}`, batch: true, joinAfter: after });
  c.displayName = name;
  clients.push(c);
  c.connect();
  for (let i = 0; i < 200 && !c.caughtUp(ref.last); i++) await sleep(50);
  return c;
}

// ------------------------------------------------------------------------------------
async function main() {
  fs.mkdirSync(cfg.out, { recursive: true });
  log(`soak: ${T} s, ${cfg.phones} phones (${Math.round(cfg.badShare * 100)} % on a bad network), ` +
    `${cfg.statementRate} statements/s, ${cfg.askRate} questions/s, an upvote burst of ${cfg.burst} every ${cfg.upvoteEvery} s; seed ${cfg.seed}`);
  await setup();
  loadStart = elapsed();
  makePhones();
  statements();
  asks();
  moderation();
  featuring();
  hands();
  const burstTimes = [];
  for (let t = Math.min(cfg.upvoteEvery, cfg.joinSpread + 10); t < T - 5; t += cfg.upvoteEvery) burstTimes.push(t);
  log(`upvote bursts at ${burstTimes.map((t) => `${Math.round(t)} s`).join(', ') || 'none'}`);
  for (const t of burstTimes) setTimeout(() => { if (running) burst(); }, t * 1000);
  const verifier = setInterval(() => { for (const c of clients) c.verify(); }, 2000);
  await sample('load');
  const sampler = setInterval(() => {
    sample(running ? 'load' : 'end').then((s) => {
      if (Math.round(s.t) % 60 < cfg.sampleEvery || T <= 300)
        log(`rss ${(s.rss_kib / 1024).toFixed(1)} MiB, fds ${s.fds}, cpu ${s.cpu_pct ?? '-'} %, connections ${s.connections_open}, ` +
          `seq ${s.last_seq}, phones joined ${s.phones_joined} (stalled ${s.phones_stalled}), delay p50/p99 ${s.delay.p50_ms}/${s.delay.p99_ms} ms; ` +
          `load tool cpu ${s.node_cpu_pct ?? '-'} %, loop p99 ${s.loop_delay_p99_ms} ms`);
    });
  }, cfg.sampleEvery * 1000);

  await sleep((loadStart + T) * 1000 - (Date.now() - t0));
  // The end phase: the load stops, every phone comes back and catches up.
  running = false;
  ending = true;
  clearInterval(sampler);
  await sample('load');
  log('load stopped; waiting for the requests in flight and for every phone to catch up');
  const deadline = Date.now() + 15000;
  while (outstanding.size && Date.now() < deadline) await sleep(100);
  for (const p of phones) {
    p.clearTimers();
    if (p.stalled) p.unstall();
    if (!p.ws) { p.intentional = false; p.later(0, () => p.connect()); }
  }
  // The reference settles (the host has every event, including the last acked one).
  let n = -1;
  for (let i = 0; i < 50 && n !== ref.last; i++) { n = ref.last; await sleep(200); }
  const catchDeadline = Date.now() + cfg.endWait * 1000;
  let lagging = [];
  while (Date.now() < catchDeadline) {
    lagging = clients.filter((c) => !c.caughtUp(ref.last));
    if (!lagging.length) break;
    await sleep(250);
  }
  const N = ref.last;
  log(`reference: ${N} events; ${clients.length - lagging.length} of ${clients.length} clients caught up`);
  for (const c of lagging) fail('not caught up at the end', { client: c.name, joined: c.joined, last: c.lastSeq, wants: c.lastVisibleUpTo(N) });
  clearInterval(verifier);

  // Late joiners: one resuming from far back, one with the default history.
  const lateA = await lateJoiner('late-after', Math.max(0, N - 5000));
  const lateB = await lateJoiner('late-fresh', undefined);

  // Every client against the reference.
  let consistent = 0;
  for (const c of clients) if (c.finalCheck(N) && !failedClients.has(c.name)) consistent++;
  // The host's log is 1..N without a gap (checked as it came) and is what the server
  // serves and stores.
  let httpChecked = 0;
  for (let after = 0; after < N;) {
    const page = await httpJson('GET', `/api/sessions/${session.id}/events?after=${after}&limit=1000`, undefined, 200, session.host_token);
    if (!page.length) { fail('GET /events ended early', { after, N }); break; }
    for (const e of page) {
      if (e.seq !== after + 1) fail('GET /events gap', { seq: e.seq, expected: after + 1 });
      if (JSON.stringify(e) !== ref.str[e.seq]) fail('GET /events differs from the host log', { seq: e.seq });
      after = e.seq;
      httpChecked++;
    }
  }
  const verified = await httpJson('GET', `/api/sessions/${session.id}/verify`, undefined, 200, null);
  if (!verified.ok || verified.events !== N) fail('/verify', verified);
  // Upvotes: each question's count is the phones whose upvote was acked (a few whose
  // answer never came may or may not count).
  const snap = await httpJson('GET', `/api/sessions/${session.id}`, undefined, 200, session.host_token);
  const snapQ = new Map((snap.questions || []).map((q) => [q.question, q]));
  const upvoteChecks = [];
  for (const [id, rec] of upvotesByQuestion) {
    const q = snapQ.get(id);
    const count = q ? q.upvotes : null;
    const ok = count !== null && count >= rec.acked.size && count <= rec.acked.size + rec.unknown.size;
    upvoteChecks.push({ question: id, acked: rec.acked.size, unanswered: rec.unknown.size, count, ok });
    if (!ok) fail('upvote count', { question: id, acked: rec.acked.size, unanswered: rec.unknown.size, count });
  }
  await sample('end');

  // Goodbye: every connection closed normally, then the server stopped.
  for (const c of clients) { c.finished = true; c.clearTimers(); c.stopPing(); c.intentional = true; if (c.ws) c.ws.close(1000); }
  await sleep(1000);
  for (const c of clients) if (c.ws) c.ws.terminate();
  const stopped = await stopServer();
  if (stopped !== 'exited') fail('server did not stop', { stopped });
  const logScan = scanLog(cfg.serverLog);
  for (const line of logScan.errors) fail('error in the server log', line);

  // Growth over the last half of the load.
  const enforce = T >= cfg.enforceGrowthFrom;
  const growthFig = {
    rss_kib: growth('rss_kib'),
    fds: growth('fds'),
    history_events: growth('last_seq'),
    history_frame_bytes: growth('history_frame_bytes'),
    data_bytes: growth('data_bytes'),
    heap_in_use_bytes: growth('heap_in_use_bytes'),
    heap_free_bytes: growth('heap_free_bytes'),
    sqlite_memory_bytes: growth('sqlite_memory_bytes'),
  };
  for (const k of Object.keys(samples[samples.length - 1] || {}))
    if (k.startsWith('metric_')) growthFig[k] = growth(k);
  // What the resident memory grew by per event over the last half: while the history fills
  // (its first 2000 events), about what each event costs the server.
  const perEvent = growthFig.rss_kib.end !== null && growthFig.history_events.end > growthFig.history_events.mid
    ? Math.round(((growthFig.rss_kib.end - growthFig.rss_kib.mid) / (growthFig.history_events.end - growthFig.history_events.mid)) * 100) / 100
    : null;
  const enforced = ['rss_kib', 'fds', ...Object.keys(growthFig).filter((k) => k.startsWith('metric_'))];
  const growthFailures = [];
  for (const k of enforced) {
    const g = growthFig[k];
    g.enforced = enforce;
    if (g.pct !== null && g.pct >= cfg.growthLimitPct) {
      growthFailures.push(`${k} +${g.pct} %`);
      if (enforce) fail('growth over the last half', { figure: k, ...g });
    }
  }

  const load = samples.filter((s) => s.phase === 'load');
  const maxOf = (k) => Math.max(...load.map((s) => s[k]).filter((x) => typeof x === 'number'));
  const result = {
    ok: failures.size === 0,
    started: new Date(t0).toISOString(),
    seconds: T,
    settings: { ...cfg, adminToken: undefined },
    session: session.id,
    events: N,
    events_by_kind: ref.kind.reduce((a, k) => { if (k) a[k] = (a[k] || 0) + 1; return a; }, {}),
    clients_checked: clients.length,
    clients_consistent: consistent,
    phones: cfg.phones,
    phones_bad_network: phones.filter((p) => p.bad).length,
    get_events_checked: httpChecked,
    verify: verified,
    late_joiners: { after: { after: lateA.joinAfter, ok: lateA.verifiedUpTo !== null }, fresh: { ok: lateB.verifiedUpTo !== null } },
    upvote_checks: upvoteChecks,
    counters,
    delivery_delay: delayAll.summary(),
    upvote_ack_delay: upvoteAckDelay.summary(),
    server: {
      rss_kib_first: load[0] && load[0].rss_kib, rss_kib_max: maxOf('rss_kib'), fds_max: maxOf('fds'),
      cpu_pct_median: Math.round(median(load.map((s) => s.cpu_pct)) * 10) / 10,
      slow_client_disconnects: load.length ? load[load.length - 1].slow_client_disconnects : null,
      stopped,
    },
    growth: { limit_pct: cfg.growthLimitPct, enforced: enforce, from: 'median of 5 samples around the middle of the load vs the last 5', figures: growthFig, rss_kib_per_event: perEvent, over_limit: growthFailures },
    history_note: 'metric_history_events and metric_history_bytes are the server\'s own figures of what its rooms keep for resumes (the latest 2000 events of a session, /metrics); last_seq and history_frame_bytes count every event of the run. RSS includes the history.',
    log: { file: cfg.serverLog, lines: logScan.lines, levels: logScan.levels, errors: logScan.errors.slice(0, 50), warnings: logScan.warnings.slice(0, 50), warnings_total: logScan.warnings.length },
    failures: Object.fromEntries(failures),
    samples: samplesPath,
    node_loop_delay_p99_ms_max: maxOf('loop_delay_p99_ms'),
  };
  fs.writeFileSync(path.join(cfg.out, 'result.json'), JSON.stringify(result, null, 2) + '\n');

  const g = (x) => (x.pct === null ? 'n/a' : `${x.pct >= 0 ? '+' : ''}${x.pct} %`) + ` (${x.mid} → ${x.end})`;
  const lines = [
    `soak ${result.ok ? 'PASSED' : 'FAILED'}: ${T} s, ${cfg.phones} phones (${result.phones_bad_network} on a bad network), session ${session.id}`,
    `events: ${N} (${Object.entries(result.events_by_kind).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')})`,
    `clients consistent: ${consistent} of ${clients.length} (phones, staff, 2 late joiners); GET /events: ${httpChecked} events equal the host's; /verify: ${verified.ok ? 'ok' : 'NOT ok'}, ${verified.events} events`,
    `phones: ${counters.joins} joins (${counters.resumes} resumes with after, ${counters.resumed_events_replayed} missed events replayed), ${counters.normal_leaves} normal leaves, ` +
      `${counters.stalls} stalls (${counters.gave_up_no_pong} gave up, ${counters.stall_resumed} read again), closes by the server: ${JSON.stringify(counters.closes['by the server'])}, by a phone giving up: ${JSON.stringify(counters.closes['by the phone, giving up'])}`,
    `questions: ${counters.asks_acked} asked, ${counters.moderations} moderated, ${counters.merges} merged, ${counters.features} featured, ${counters.answers} answered; ` +
      `upvote bursts: ${counters.upvote_bursts}, ${counters.upvotes_acked} of ${counters.upvotes_sent} acked, counts ${upvoteChecks.every((u) => u.ok) ? 'right' : 'WRONG'}; ack p50/p99 ${upvoteAckDelay.q(0.5)}/${upvoteAckDelay.q(0.99)} ms`,
    `delivery delay (event time to phone): p50 ${delayAll.q(0.5)} ms, p99 ${delayAll.q(0.99)} ms, max ${Math.round(delayAll.max)} ms over ${delayAll.n} deliveries; load tool's event loop p99 at most ${result.node_loop_delay_p99_ms_max} ms`,
    `request errors: ${JSON.stringify(counters.request_errors)}`,
    `server: RSS ${(result.server.rss_kib_first / 1024).toFixed(1)} MiB at start of load, max ${(result.server.rss_kib_max / 1024).toFixed(1)} MiB; open files max ${result.server.fds_max}; CPU median ${result.server.cpu_pct_median} %; 1013 closes (slow_client_disconnects) ${result.server.slow_client_disconnects}; stop: ${stopped}`,
    `growth over the last half (limit ${cfg.growthLimitPct} %, ${enforce ? 'enforced' : `reported only: runs under ${cfg.enforceGrowthFrom} s have no warm-up`}): ` +
      `RSS ${g(growthFig.rss_kib)}, open files ${g(growthFig.fds)}, history events ${g(growthFig.history_events)}, history frame bytes ${g(growthFig.history_frame_bytes)}, database ${g(growthFig.data_bytes)}; RSS growth / events ${perEvent} KiB`,
    `server log: ${logScan.lines} lines ${JSON.stringify(logScan.levels)}; ${logScan.errors.length} at error level, ${logScan.warnings.length} warnings`,
    ...logScan.warnings.slice(0, 10).map((w) => `  warning: ${w}`),
    ...[...failures].map(([k, f]) => `FAIL ${k}: ${f.count} (e.g. ${JSON.stringify(f.examples[0]).slice(0, 300)})`),
    `samples: ${samplesPath}; result: ${path.join(cfg.out, 'result.json')}`,
  ];
  fs.writeFileSync(path.join(cfg.out, 'summary.txt'), lines.join('\n') + '\n');
  console.log('\n' + lines.join('\n'));
  process.exit(result.ok ? 0 : 1);
}

process.on('unhandledRejection', (e) => { console.error('soak: unhandled', e); process.exit(2); });
main().catch((e) => { console.error('soak:', e.stack || e); process.exit(2); });
