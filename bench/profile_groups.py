#!/usr/bin/env python3
"""Sums a flat profile into a few groups a reader can act on (allocator, Asio executor
machinery, Beast write path, kernel network stack, JSON, SQLite, ...).

Input, detected per line:
  perf:      "  16.40%  [k] pvm_irq_enable"                  (perf report --sort sym -g none)
  callgrind: "29,235,895 ( 7.29%)  file:function [object]"    (callgrind_annotate --inclusive=no)
Usage: profile_groups.py FILE [FILE...]   (prints one markdown table per file)
"""
import os
import re
import sys
from collections import defaultdict

# First match wins; the order puts the specific before the general.
GROUPS = [
    ("kernel: network stack and syscalls", r"^\[k\] "),
    ("allocator (malloc/free/new/delete)", r"malloc|_int_free|\bfree\b|cfree|unlink_chunk|operator new|operator delete|tcache"),
    ("locks (pthread mutex)", r"pthread_mutex|__lll_lock|futex"),
    ("shared_ptr reference counts", r"_Sp_counted_base|shared_count|_M_release|_M_add_ref"),
    ("SQLite", r"sqlite3|^\?\?\?:sqlite"),
    ("JSON (nlohmann)", r"nlohmann"),
    ("SHA-256 / OpenSSL", r"sha256|SHA256|libcrypto"),
    ("Beast WebSocket framing (write_some_op, read_op, masks)", r"beast::websocket|beast::detail::mask"),
    ("Asio executors, strands, scheduler", r"any_io_executor|any_executor|strand_executor|scheduler::|executor_function|executor_op|"
                                         r"work_dispatcher|handler_work|thread_info_base|recycling_allocator|post|dispatch"),
    ("Asio/Beast socket operations and buffer sequences", r"reactive_socket|socket_ops|initiate_async|transfer_op|write_op|read_op|buffers_|"
                                                         r"consuming_buffers|prepared_buffers|epoll_reactor|basic_stream|async_base"),
    ("libc send/recv/epoll wrappers", r"sendmsg|recvmsg|epoll_wait|__libc_|writev|readv"),
    ("yishiting's own code (yst::)", r"yst::"),
    ("libstdc++ / memcpy / strings", r"memcpy|memmove|memset|strlen|std::|__cxx11"),
]


def parse(path):
    rows = []
    perf = re.compile(r"^\s*([0-9.]+)%\s+(\[[k.]\]\s+.*)$")
    cg = re.compile(r"^\s*[0-9,]+\s+\(\s*([0-9.]+)%\)\s+(.*)$")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = perf.match(line)
            if m:
                sym = m.group(2).strip()
                # perf marks user symbols "[.]"; keep "[k]" as the kernel marker only.
                rows.append((float(m.group(1)), sym[4:] if sym.startswith("[.]") else sym))
                continue
            m = cg.match(line)
            if m and "PROGRAM TOTALS" not in line:
                rows.append((float(m.group(1)), m.group(2).strip()))
    return rows


def head_of(sym):
    """The symbol without its template arguments and source-file prefix, so that a Beast
    transfer_op whose handler type mentions websocket is still grouped as a socket op."""
    if sym.startswith("./") or sym.startswith("???:"):
        sym = sym.split(":", 1)[1]
    out, depth = [], 0
    for ch in sym:
        if ch == "<":
            depth += 1
            if depth == 1:
                out.append("<…>")
        elif ch == ">":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def main():
    for path in sys.argv[1:]:
        rows = parse(path)
        sums = defaultdict(float)
        examples = defaultdict(list)
        for pct, sym in rows:
            head = re.sub(r"\(.*\)", "()", head_of(sym))  # parameter types say nothing of the group
            name = "other"
            for g, rx in GROUPS:
                if re.search(rx, head):
                    name = g
                    break
            sums[name] += pct
            short = re.sub(r"\s*\[/.*\]$", "", head)  # callgrind's [object]
            if len(examples[name]) < 3 and short not in examples[name]:
                examples[name].append(short[:80])
        print(f"\n{os.path.basename(path)}: {len(rows)} symbols, {sum(sums.values()):.1f}% of the total listed\n")
        print("| group | share | top symbols |")
        print("|---|---:|---|")
        for name, pct in sorted(sums.items(), key=lambda kv: -kv[1]):
            print(f"| {name} | {pct:.1f}% | {'; '.join(examples[name])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
