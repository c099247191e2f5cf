# Paced commits (synchronous=FULL, WAL) with the WAL reused after each checkpoint (the
# default: it keeps its size) or truncated to nothing (journal_size_limit=0: every cycle
# appends, extending the file). Usage: python3 bench/wal_probe.py DIR reuse|truncate SECONDS RATE
import os
import sqlite3
import sys
import threading
import time

d, mode, secs, rate = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
path = os.path.join(d, f"walprobe-{mode}.db")
for suffix in ("", "-wal", "-shm"):
    try: os.remove(path + suffix)
    except FileNotFoundError: pass
c = sqlite3.connect(path, isolation_level=None)
c.execute("pragma journal_mode=wal"); c.execute("pragma synchronous=full")
c.execute("pragma journal_size_limit=%d" % (0 if mode == "truncate" else -1))
c.execute("pragma wal_autocheckpoint=0")
c.execute("create table t(x)")
stop = False
pending = [0]
def checkpointer():
    k = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    k.execute("pragma journal_size_limit=%d" % (0 if mode == "truncate" else -1))
    while not stop:
        time.sleep(0.1)
        # like the server's: once the WAL holds about 1000 pages (a commit writes one)
        if pending[0] >= 1000:
            pending[0] = 0
            k.execute("pragma wal_checkpoint(passive)")
threading.Thread(target=checkpointer, daemon=True).start()
row = "x" * 300
# Warm-up: one full WAL cycle, so that a reused WAL is already allocated.
for _ in range(1100):
    c.execute("insert into t values(?)", (row,))
c.execute("pragma wal_checkpoint(passive)")
lat = []
n = int(secs * rate); start = time.monotonic()
for i in range(n):
    due = start + i / rate
    now = time.monotonic()
    if due > now: time.sleep(due - now)
    t0 = time.perf_counter()
    c.execute("begin"); c.execute("insert into t values(?)", (row,)); c.execute("commit")
    pending[0] += 1
    lat.append((time.perf_counter() - t0) * 1000)
stop = True
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"{mode}: n={len(lat)} p50={q(0.5):.2f} p99={q(0.99):.2f} max={lat[-1]:.2f} ms; wal bytes now {os.path.getsize(path + '-wal')}")
c.close()
for suffix in ("", "-wal", "-shm"):
    try: os.remove(path + suffix)
    except FileNotFoundError: pass
