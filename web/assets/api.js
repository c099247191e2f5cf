// The HTTP API. A token goes only into the Authorization header, never a URL.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

export async function api(path, { method = 'GET', token = '', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'offline', '');
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.message || '');
  }
  return data;
}

// Fetches with the token and saves through a blob URL: the token cannot go in
// a download link's query string.
export async function download(path, token, fallbackName) {
  const res = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
  if (!res.ok) {
    let e = {};
    try { e = (await res.json()).error || {}; } catch { /* not JSON */ }
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.message || '');
  }
  const blob = await res.blob();
  const name = filenameFrom(res.headers.get('Content-Disposition')) || fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return { name, size: blob.size };
}

export function filenameFrom(cd) {
  if (!cd) return '';
  const star = /filename\*\s*=\s*([^']*)''([^;]+)/i.exec(cd);
  if (star) { try { return decodeURIComponent(star[2].trim().replace(/^"|"$/g, '')); } catch { /* fall through */ } }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(cd);
  return plain ? plain[1].trim() : '';
}

// Every stored event the token may see, oldest first, a page at a time (the
// welcome replays only the last 50).
export async function eachEvent(sid, token, fn, upTo = Infinity) {
  const PAGE = 1000;
  let after = 0;
  while (after < upTo) {
    const list = await api(`/api/sessions/${encodeURIComponent(sid)}/events?after=${after}&limit=${PAGE}`, { token });
    const evs = Array.isArray(list) ? list : (list && list.events) || [];
    for (const ev of evs) fn(ev);
    if (evs.length < PAGE) break;
    after = Number(evs[evs.length - 1].seq);
  }
}
