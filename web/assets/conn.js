// One WebSocket to /ws with join, resume, dedupe and promise-based requests.
//
// - Reconnects with exponential backoff and jitter (0.5 s doubling to 15 s, ±30 %).
// - Re-joins with "after": the highest seq seen, so nothing is missed; events
//   are deduplicated by seq, so nothing is shown twice.
// - resume_too_far: forgets what it saw, calls onReset and joins afresh.
// - Every request gets an id; request() resolves with the ack and rejects
//   with {code, message} on an error reply, a timeout or a lost connection.
// - A ping every 20 s; no pong within 10 s closes the socket, because a dead
//   mobile connection is otherwise noticed only minutes later.

const BASE_DELAY = 500;
const MAX_DELAY = 15000;
const REQUEST_TIMEOUT = 15000;
const PING_EVERY = 20000;
const PONG_WITHIN = 10000;
const FATAL = new Set(['unauthorized', 'forbidden', 'not_found', 'bad_request']);

export class Conn {
  // opts: {session, joinFields: () => object, onWelcome(msg, {resumed}),
  //        onEvent(ev, {replay}), onLive(msg), onStatus(state, info), onReset()}
  // states: 'connecting' | 'live' | 'reconnecting' | 'fatal'
  constructor(opts) {
    this.opts = opts;
    this.session = opts.session;
    this.lastSeq = 0;
    this.seen = new Set();
    this.welcomeSeq = 0;
    this.nextId = 1;
    this.pending = new Map();
    this.attempt = 0;
    this.ws = null;
    this.joined = false;
    this.everJoined = false;
    this.stopped = false;
    this.timer = 0;
    this.pingTimer = 0;
    this.pongTimer = 0;
    this.state = '';
    this.immediate = false;
    this.onJoined = []; // resolvers waiting for the next welcome
    this.rejoining = false;
    window.addEventListener('online', () => this._kick());
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this._kick(); });
  }

  start() { this._open(); }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this._stopPing();
    if (this.ws) this.ws.close(1000);
  }

  // Reconnect now (e.g. after a nickname change), resuming where it was. Resolves
  // once joined again.
  rejoin() {
    const joined = new Promise((resolve) => this.onJoined.push(resolve));
    this.attempt = 0;
    this.immediate = true;
    // Chosen, not lost: the page says "connecting", not "connection lost".
    this.rejoining = true;
    this._status('connecting');
    if (this.ws) this.ws.close(1000);
    else this._kick();
    return joined;
  }

  get isLive() { return this.joined; }

  request(type, fields = {}) {
    if (!this.joined) return Promise.reject({ code: 'offline', message: '' });
    return this._send({ type, ...fields });
  }

  _status(state, info) {
    this.state = state;
    if (this.opts.onStatus) this.opts.onStatus(state, info || {});
  }

  _kick() {
    if (this.stopped || this.state === 'fatal') return;
    if (this.ws && this.ws.readyState <= 1) return;
    clearTimeout(this.timer);
    this._open();
  }

  _open() {
    if (this.stopped) return;
    this._status(this.everJoined && !this.rejoining ? 'reconnecting' : 'connecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    let ws;
    try { ws = new WebSocket(url); } catch { this._retry(); return; }
    this.ws = ws;
    ws.onopen = () => { if (this.ws === ws) this._join(true); };
    ws.onmessage = (e) => { if (this.ws === ws) this._onMessage(e.data); };
    ws.onclose = () => { if (this.ws === ws) this._onClose(); };
    ws.onerror = () => {};
  }

  _join(resume) {
    // batch: the server may pack several messages into one frame as a JSON array when it
    // has more than one waiting (a protocol extension; cheaper for it and for the phone).
    const frame = { type: 'join', session: this.session, batch: true, ...this.opts.joinFields() };
    if (resume && this.lastSeq > 0) frame.after = this.lastSeq;
    this._send(frame).catch((err) => {
      if (err.code === 'resume_too_far') {
        this.lastSeq = 0;
        this.seen.clear();
        if (this.opts.onReset) this.opts.onReset();
        this._join(false);
      } else if (FATAL.has(err.code)) {
        this._status('fatal', err);
        this.stopped = true;
        if (this.ws) this.ws.close(1000);
      } else if (this.ws) {
        this.ws.close(4000);
      }
    });
  }

  _send(frame) {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return Promise.reject({ code: 'offline', message: '' });
    const id = this.nextId++;
    frame.id = id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject({ code: 'timeout', message: '' });
      }, REQUEST_TIMEOUT);
      this.pending.set(id, { resolve, reject, timer });
      try { ws.send(JSON.stringify(frame)); } catch {
        clearTimeout(timer);
        this.pending.delete(id);
        reject({ code: 'offline', message: '' });
      }
    });
  }

  _settle(msg, ok) {
    const p = this.pending.get(msg.id);
    if (!p) return false;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (ok) p.resolve(msg);
    else p.reject({ ...msg, code: msg.code || 'internal', message: msg.message || '' });
    return true;
  }

  _onMessage(data) {
    let parsed;
    try { parsed = JSON.parse(data); } catch { return; }
    if (Array.isArray(parsed)) {
      for (const msg of parsed) this._onOne(msg);
    } else {
      this._onOne(parsed);
    }
  }

  _onOne(msg) {
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'welcome': {
        // Handled synchronously, before the events that follow it.
        const resumed = this.lastSeq > 0;
        this.welcomeSeq = Number(msg.last_seq) || 0;
        this.joined = true;
        this.everJoined = true;
        this.rejoining = false;
        this.attempt = 0;
        if (this.opts.onWelcome) this.opts.onWelcome(msg, { resumed });
        this._status('live');
        this._startPing();
        this._settle(msg, true);
        for (const resolve of this.onJoined.splice(0)) resolve();
        break;
      }
      case 'event': {
        const seq = Number(msg.seq);
        if (!(seq > 0) || this.seen.has(seq)) return;
        this.seen.add(seq);
        if (seq > this.lastSeq) this.lastSeq = seq;
        // Events up to the welcome's last_seq are already in its snapshot.
        if (this.opts.onEvent) this.opts.onEvent(msg, { replay: seq <= this.welcomeSeq });
        break;
      }
      case 'ack':
      case 'pong':
        this._settle(msg, true);
        break;
      case 'error':
        if (!this._settle(msg, false) && this.opts.onLive) this.opts.onLive(msg);
        break;
      default:
        if (this.opts.onLive) this.opts.onLive(msg);
    }
  }

  _onClose() {
    this.ws = null;
    this.joined = false;
    this._stopPing();
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject({ code: 'offline', message: '' });
    }
    this.pending.clear();
    if (this.stopped) return;
    this._retry();
  }

  _retry() {
    if (this.immediate) {
      this.immediate = false;
      this._open();
      return;
    }
    this._status(this.everJoined ? 'reconnecting' : 'connecting');
    const base = Math.min(MAX_DELAY, BASE_DELAY * 2 ** this.attempt);
    const delay = base * (0.7 + Math.random() * 0.6);
    this.attempt = Math.min(this.attempt + 1, 10);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this._open(), delay);
  }

  _startPing() {
    this._stopPing();
    this.pingTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws || !this.joined) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => { if (this.ws === ws) ws.close(4001); }, PONG_WITHIN);
      this._send({ type: 'ping' }).then(() => clearTimeout(this.pongTimer), () => {});
    }, PING_EVERY);
  }

  _stopPing() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }
}

// A browser-kept id: 16+ chars of [A-Za-z0-9_-] from crypto.getRandomValues.
export function randomId(n = 22) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += abc[b & 63];
  return s;
}

export function storedId(key) {
  let id = '';
  try { id = localStorage.getItem(key) || ''; } catch { /* private mode */ }
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    id = randomId();
    try { localStorage.setItem(key, id); } catch { /* private mode */ }
  }
  return id;
}
