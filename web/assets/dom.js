// Small DOM helpers shared by every page. User-supplied text only ever goes
// through textContent (h()'s string children and the `text` prop); there is
// deliberately no way to pass HTML.

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

// h('button', {class: 'btn', on: {click: f}, attrs: {type: 'button'}}, 'text', child)
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else if (k === 'data') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = dv;
      else if (k === 'attrs') for (const [ak, av] of Object.entries(v)) { if (av != null && av !== false) el.setAttribute(ak, av === true ? '' : av); }
      else el[k] = v;
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Returns a function that asks for render(): however often it is called, render
// runs once, on the next animation frame (or after delayMs, for lists that would
// jump under a finger if re-sorted on every change).
export function renderScheduler(render, delayMs = 0) {
  let queued = false;
  const run = () => { queued = false; render(); };
  return () => {
    if (queued) return;
    queued = true;
    if (delayMs) setTimeout(run, delayMs);
    else requestAnimationFrame(run);
  };
}

// Rebuilding a list that did not change would take the keyboard focus away
// from its buttons: unchanged(part, key) is true when part was last drawn
// from the same key (and remembers the key when it was not).
export function drawnFrom() {
  const keys = new Map();
  const unchanged = (part, key) => {
    if (keys.get(part) === key) return true;
    keys.set(part, key);
    return false;
  };
  unchanged.forget = () => keys.clear();
  return unchanged;
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

export function show(el, on = true) { el.hidden = !on; }

// The last path segment: /s/{id}, /host/{id}, ...
export function sessionIdFromPath() {
  const parts = location.pathname.split('/').filter(Boolean);
  try { return decodeURIComponent(parts[parts.length - 1] || ''); } catch { return ''; }
}

// The token travels only in the fragment (#token=...), never in a query string.
export function tokenFromHash() {
  return new URLSearchParams(location.hash.slice(1)).get('token') || '';
}

export function fmtTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function fmtDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', { class: 'offscreen', value: text, attrs: { readonly: true, 'aria-hidden': 'true' } });
    document.body.append(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
    return ok;
  }
}

let toastTimer = 0;
// A transient status message in a shared aria-live region (#toast).
export function toast(msg, kind = 'info') {
  let el = document.getElementById('toast');
  if (!el) {
    el = h('div', { id: 'toast', class: 'toast', attrs: { role: 'status', 'aria-live': 'polite' } });
    document.body.append(el);
  }
  el.textContent = msg;
  el.className = `toast show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.className = 'toast'; }, 3500);
}

// Preserve ?lang=en on links between pages.
export function withLang(path) {
  const lang = new URLSearchParams(location.search).get('lang');
  if (!lang) return path;
  const i = path.indexOf('#');
  const base = i < 0 ? path : path.slice(0, i);
  const frag = i < 0 ? '' : path.slice(i);
  return `${base}${base.includes('?') ? '&' : '?'}lang=${encodeURIComponent(lang)}${frag}`;
}

// Only http(s) and same-origin relative URLs are ever put in src attributes.
export function safeUrl(u) {
  if (!u || typeof u !== 'string') return '';
  try {
    const url = new URL(u, location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '';
  } catch { return ''; }
}

export function isTyping(target) {
  const t = target && target.tagName;
  return t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' || (target && target.isContentEditable);
}
