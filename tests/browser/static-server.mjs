// Serves web/ with the server's route mapping and Content-Security-Policy, for
// checking page layout without the real server (WebSocket and API will fail).
// Usage: node static-server.mjs [port]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
// As the server sends it: only the overlay may be framed (by a mixer).
const CSP_BASE = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src * blob:; frame-src *; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
export const cspFor = (file) => `${CSP_BASE}; frame-ancestors ${file === 'overlay.html' ? '*' : "'none'"}`;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2' };
const PAGES = [[/^\/$/, 'index.html'], [/^\/s\/[^/]+$/, 'audience.html'], [/^\/host\/[^/]+$/, 'host.html'], [/^\/p\/[^/]+$/, 'participant.html'], [/^\/clerk\/[^/]+$/, 'clerk.html'], [/^\/overlay\/[^/]+$/, 'overlay.html'], [/^\/(admin|plan|follow|stats|topics)$/, null], [/^\/people\/[^/]+$/, 'person.html']];

export function startStatic(port = 0) {
  const server = http.createServer((req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    let file = null;
    for (const [re, f] of PAGES) if (re.test(p)) file = f || `${p.slice(1)}.html`;
    if (!file && p.startsWith('/assets/') && !p.includes('..')) file = p.slice(1);
    const full = file && path.join(WEB, file);
    if (!full || !fs.existsSync(full)) { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{"error":{"code":"not_found","message":"static"}}'); return; }
    // The headers the server stamps on every response (server/HttpResponses.cpp).
    const headers = { 'Content-Type': TYPES[path.extname(full)] || 'application/octet-stream', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
    if (file.endsWith('.html')) headers['Content-Security-Policy'] = cspFor(file);
    res.writeHead(200, headers);
    fs.createReadStream(full).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = await startStatic(Number(process.argv[2] || 8099));
  console.log(`static on http://127.0.0.1:${s.address().port}`);
}
