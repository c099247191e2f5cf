#!/usr/bin/env python3
"""Where the time of each event went, from `yishiting serve --timeline FILE` (issue 19).

    bench/timeline.py FILE [--slowest 10]

Stages (µs, steady clock), per event made by a request:
  read→decided      the request waited on the room's strand and was decided
  decided→submitted waited for the room to hand its batch to the writer
  submitted→committed  the writer: queue, transaction, fsync (--durability power)
  committed→applied the room's strand took the commit up
  applied→handed    the I/O thread took the broadcast up (the slowest thread)
  handed→written    the thread wrote it to its last connection (the slowest thread)
  read→written      all of it: the request read to the last write issued
Prints p50, p99 and max of each, then the slowest events with their stages.
"""
import argparse
import json
import statistics


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def stages(r):
    handed = [h for h in r["handed"] if h]
    written = [w for w in r["written"] if w]
    if not (r["read"] and r["decided"] and r["committed"] and r["applied"] and handed and written):
        return None
    return {
        "read→decided": r["decided"] - r["read"],
        "decided→submitted": r["submitted"] - r["decided"],
        "submitted→committed": r["committed"] - r["submitted"],
        "committed→applied": r["applied"] - r["committed"],
        "applied→handed": max(handed) - r["applied"],
        "handed→written": max(w - h for w, h in zip(r["written"], r["handed"]) if w and h),
        "read→written": max(written) - r["read"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--slowest", type=int, default=10)
    args = ap.parse_args()
    rows = []
    for line in open(args.file):
        r = json.loads(line)
        s = stages(r)
        if s:
            rows.append((r["seq"], s))
    if not rows:
        print("no event made by a request with every stamp")
        return
    names = list(rows[0][1])
    print(f"{len(rows)} events made by requests; ms")
    print(f"{'stage':<22}{'p50':>10}{'p99':>10}{'max':>10}{'share of p50 total':>20}")
    total_p50 = statistics.median(s["read→written"] for _, s in rows)
    for n in names:
        v = [s[n] for _, s in rows]
        share = "" if n == "read→written" else f"{100 * statistics.median(v) / total_p50:.0f} %"
        print(f"{n:<22}{pct(v, .5) / 1000:>10.2f}{pct(v, .99) / 1000:>10.2f}{max(v) / 1000:>10.2f}{share:>20}")
    print(f"\nthe {args.slowest} slowest events (read→written), ms per stage")
    heads = ["total" if n == "read→written" else n.split("→")[1][:9] for n in names]
    print("seq      " + "".join(f"{h:>10}" for h in heads))
    for seq, s in sorted(rows, key=lambda x: -x[1]["read→written"])[: args.slowest]:
        print(f"{seq:<9}" + "".join(f"{s[n] / 1000:>10.2f}" for n in names))


if __name__ == "__main__":
    main()
