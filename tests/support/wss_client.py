#!/usr/bin/env python3
"""A small, independent WSS client for the TLS test: Python's ssl module and a
hand-written RFC 6455 framing, so nothing of the server's own code is on this side.
Usage: wss_client.py PORT SESSION_ID  -> prints each server message as a JSON line."""
import base64, json, os, socket, ssl, struct, sys

port, session = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE  # self-signed test certificate
raw = socket.create_connection(("127.0.0.1", port), timeout=10)
s = ctx.wrap_socket(raw, server_hostname="localhost")
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(1)
assert b" 101 " in head.split(b"\r\n")[0], head

def send(obj):
    payload = json.dumps(obj).encode()
    mask = os.urandom(4)
    n = len(payload)
    header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n))
    s.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

def recv_exact(n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data

def recv():
    b1, b2 = recv_exact(2)
    n = b2 & 0x7F
    if n == 126:
        n = struct.unpack("!H", recv_exact(2))[0]
    elif n == 127:
        n = struct.unpack("!Q", recv_exact(8))[0]
    return b1 & 0x0F, recv_exact(n)

send({"type": "join", "id": 1, "session": session, "role": "audience", "name": "加密听众", "client_id": "tls-client-1"})
send({"type": "ping", "id": 2})
seen = 0
while seen < 2:
    op, payload = recv()
    if op == 1:
        msg = json.loads(payload)
        print(json.dumps(msg, ensure_ascii=False))
        if msg.get("type") in ("welcome", "pong"):
            seen += 1
