#!/usr/bin/env python3
"""Turns the JSON lines of scripts/bench into bench/results/results.md and the data
files of the gnuplot plot.

Input: raw.jsonl, one {"rep": k, "result": {...yishiting-bench --json...}} a line.
Every figure in a table is the median over the repetitions (each column on its own), and
a ratio is taken inside one repetition (targets measured back to back) before its median.

Usage: tabulate.py RAW_JSONL OUT_DIR [--machine TEXT]
"""
import json
import statistics
import sys
from collections import defaultdict

TARGETS = ["yishiting", "baseline", "baseline-pt", "node", "uws", "yishiting-1t", "yishiting-batch"]
RELAYS = ["baseline", "baseline-pt", "node", "uws"]  # the yardsticks (raw scenario)
TARGET_NAMES = {
    "yishiting": "yishiting",
    "baseline": "baseline-relay (Beast)",
    "baseline-pt": "baseline-relay --per-thread (Beast)",
    "node": "Node ws relay",
    "uws": "uWebSockets.js relay",
    "yishiting-1t": "yishiting --threads 1",
    "yishiting-batch": "yishiting, audience joins with batch:true",
}
PLOT_TARGETS = ["yishiting", "baseline", "node", "baseline-pt", "uws"]  # the columns of latency.dat
SHORT_NAMES = {"yishiting": "yishiting", "baseline": "relay", "baseline-pt": "relay per-thread",
               "node": "Node ws", "uws": "uWS",
               "yishiting-1t": "yishiting 1 thread", "yishiting-batch": "yishiting batch:true"}


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            r = rec["result"]
            r["_rep"] = rec["rep"]
            r["_durability"] = rec.get("durability")  # yishiting's --durability (newer lines only)
            rows.append(r)
    return rows


def get(r, *path):
    for p in path:
        if not isinstance(r, dict) or p not in r:
            return None
        r = r[p]
    return r


def median(values):
    values = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return statistics.median(values) if values else None


def fmt(v, digits=2):
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 100):
        return f"{int(round(v)):,}".replace(",", " ")
    if abs(v) >= 100:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.{digits}f}"


def med(rows, *path):
    return median([get(r, *path) for r in rows])


def client_cores(rows):
    return median([r["client_cpu_s"] / r["elapsed_s"] for r in rows if r.get("client_cpu_s") is not None
                   and r.get("elapsed_s")])


def all_true(rows, key):
    vals = [r.get(key) for r in rows]
    return all(v is True for v in vals) if vals else None


def group(rows, scenario_set, mode=None):
    g = defaultdict(list)
    for r in rows:
        if r.get("scenario") not in scenario_set or "error" in r:
            continue
        if mode and r.get("mode") != mode:
            continue
        g[(r.get("label"), r.get("n"))].append(r)
    return g


def ratio(a, b):
    return a / b if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None


def against_best_relay(sat, paced_all, rates, joins):
    """Issue 19's table: yishiting against the best relay of the same repetition (the lowest
    p99 among the relays run beside it), CPU and memory against uWebSockets.js."""
    groups = []  # (scenario text, n, {target: [rows]})
    for n in sorted({k[1] for k in sat}):
        groups.append(("saturation", n, {t: sat.get((t, n), []) for t in TARGETS}))
    for rate in rates:
        pr = group([r for r in paced_all if r.get("rate") == rate], {"fanout", "raw"}, "paced")
        for n in sorted({k[1] for k in pr}):
            groups.append((f"{fmt(rate, 0)}/s", n, {t: pr.get((t, n), []) for t in TARGETS}))
    table, notes = [], {"p99": [], "cpu": [], "beast": []}
    for scen, n, by_t in groups:
        by_rep = defaultdict(dict)
        for t, rs in by_t.items():
            for r in rs:
                by_rep[r["_rep"]][t] = r
        best_p99, best_names, vs_best, vs_base, vs_pt, cpu_uws, kib_uws = [], [], [], [], [], [], []
        # With one I/O thread, as the relay has (the saturation runs only).
        cpu_uws_1t = [ratio(get(d.get("yishiting-1t"), "server_cpu_us_per_delivery"),
                            get(d.get("uws"), "server_cpu_us_per_delivery")) for d in by_rep.values()]
        for d in by_rep.values():
            y = d.get("yishiting")
            relays = [(get(d[t], "latency_ms", "p99"), t) for t in RELAYS if t in d and get(d[t], "latency_ms", "p99")]
            if y is None or not relays:
                continue
            p99, best = min(relays)
            best_p99.append(p99)
            best_names.append(best)
            yp = get(y, "latency_ms", "p99")
            vs_best.append(ratio(yp, p99))
            vs_base.append(ratio(yp, get(d.get("baseline"), "latency_ms", "p99")))
            vs_pt.append(ratio(yp, get(d.get("baseline-pt"), "latency_ms", "p99")))
            cpu_uws.append(ratio(y.get("server_cpu_us_per_delivery"), get(d.get("uws"), "server_cpu_us_per_delivery")))
            kib_uws.append(ratio(y.get("server_rss_per_conn_kib"), get(d.get("uws"), "server_rss_per_conn_kib")))
        if not best_names:
            continue
        ys = by_t["yishiting"]
        dur = "/".join(sorted({str(r.get("_durability")) for r in ys if r.get("_durability")})) or "–"
        names = ", ".join(SHORT_NAMES[t] for t in RELAYS if t in best_names)
        row = [scen, fmt(n), dur, fmt(med(ys, "latency_ms", "p99")), f"{names} ({fmt(median(best_p99))})",
               "×" + fmt(median(vs_best)), "×" + fmt(median(vs_base)), "×" + fmt(median(vs_pt)),
               "×" + fmt(median(cpu_uws)), fmt(med(ys, "server_rss_per_conn_kib"), 1), "×" + fmt(median(kib_uws))]
        table.append("| " + " | ".join(c.replace("×–", "–") for c in row) + " |")
        where = f"{scen} N={fmt(n)}"
        if median(vs_best) is not None:
            notes["p99"].append(f"{where} ×{fmt(median(vs_best))}" + (
                "" if dur == "process" else " (durability not recorded)" if dur == "–" else f" (--durability {dur})"))
        if median(cpu_uws) is not None:
            notes["cpu"].append(f"{where} ×{fmt(median(cpu_uws))}")
        if median(cpu_uws_1t) is not None:
            notes["cpu"].append(f"{where} with one I/O thread (as the relay) ×{fmt(median(cpu_uws_1t))}")
        if scen != "saturation" and n >= 10000:
            notes["beast"].append(f"{where}: ×{fmt(median(vs_base))} the classic relay, "
                                  f"×{fmt(median(vs_pt))} the per-thread relay")
    if not table:
        return []
    md = ["## yishiting against the best relay in the same run (issue 19)\n",
          "Inside each repetition the best relay is the one with the lowest p99 among those run beside "
          "yishiting at that N (" + ", ".join(TARGET_NAMES[t] for t in RELAYS) + "); every ratio is "
          "yishiting ÷ the other, taken inside one repetition, then the median. CPU and memory are "
          "set against uWebSockets.js.\n",
          "| scenario | N | yishiting --durability | yishiting p99 | best relay (its p99) | p99 ÷ best relay "
          "| p99 ÷ Beast relay | p99 ÷ Beast per-thread | µs CPU/delivery ÷ uWS | yishiting KiB/conn "
          "| KiB/conn ÷ uWS |",
          "|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    md.extend(table)
    md.append("")
    idle = [f"join burst N={fmt(n)} {fmt(med(rs, 'server_rss_per_conn_kib'), 1)}"
            for (t, n), rs in sorted(joins.items(), key=lambda kv: kv[0][1])]
    md.append("Issue 19's targets against these figures:\n")
    md.append("- p99 ≤ 1.25 × the best relay's, with `--durability process`: "
              + ("; ".join(notes["p99"]) or "no run"))
    md.append("- server CPU per delivery ≤ 1.5 × uWebSockets.js's: " + ("; ".join(notes["cpu"]) or "no uWS run"))
    md.append("- ≤ 4 KiB per idle joined connection (server RSS, KiB/conn): " + ("; ".join(idle) or "no join run"))
    md.append("- 10 000 × 5/s: p99 ≤ 0.8 × the bare Beast relay's: " + ("; ".join(notes["beast"]) or "not run"))
    md.append("")
    return md


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    raw, out_dir = sys.argv[1], sys.argv[2]
    machine = ""
    if "--machine" in sys.argv:
        machine = sys.argv[sys.argv.index("--machine") + 1]
    rows = load(raw)
    reps = sorted({r["_rep"] for r in rows})
    md = []
    md.append("# Benchmark results\n")
    md.append("Generated by `scripts/bench` from `raw.jsonl` (one JSON line per run). "
              f"Repetitions: {len(reps)}; every figure is the median over them, column by column. "
              "Latencies in ms, measured from the sender's steady-clock stamp to receipt, "
              "all clients in one process on the same machine as the server.\n")
    if machine:
        md.append(machine + "\n")

    failed = [r for r in rows if "error" in r]
    if failed:
        md.append("**Runs that failed:** " + "; ".join(
            f"{r.get('label')} {r.get('scenario')} N={r.get('n')}: {r['error']}" for r in failed) + "\n")

    # Paced fan-out: one table per rate; the plot shows the --plot-rate one.
    paced_all = [r for r in rows if r.get("scenario") in ("fanout", "raw") and r.get("mode") == "paced"
                 and "error" not in r]
    rates = sorted({r.get("rate") for r in paced_all})
    for rate in rates:
        pr = group([r for r in paced_all if r.get("rate") == rate], {"fanout", "raw"}, "paced")
        md.append(f"## Fan-out at {fmt(rate, 0)} event{'s' if rate != 1 else ''}/s\n")
        md.append("| target | N | events | deliveries/s | loss | dups | disc. | p50 | p90 | p99 | p99.9 | max "
                  "| server µs CPU/delivery | server cores | client cores | others' cores | server KiB/conn |")
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in sorted({k[1] for k in pr}):
            for t in TARGETS:
                rs = pr.get((t, n))
                if not rs:
                    continue
                md.append("| " + " | ".join([
                    TARGET_NAMES[t], fmt(n), fmt(med(rs, "events")), fmt(med(rs, "deliveries_per_s")),
                    fmt(med(rs, "loss")), fmt(med(rs, "dups")), fmt(med(rs, "disconnects")),
                    fmt(med(rs, "latency_ms", "p50")), fmt(med(rs, "latency_ms", "p90")),
                    fmt(med(rs, "latency_ms", "p99")), fmt(med(rs, "latency_ms", "p999")),
                    fmt(med(rs, "latency_ms", "max")), fmt(med(rs, "server_cpu_us_per_delivery")),
                    fmt(med(rs, "server_cpu_share")), fmt(client_cores(rs)), fmt(med(rs, "other_cores")),
                    fmt(med(rs, "server_rss_per_conn_kib"), 1)]) + " |")
        md.append("")
    plot_rate = float(sys.argv[sys.argv.index("--plot-rate") + 1]) if "--plot-rate" in sys.argv else None
    paced = group([r for r in paced_all if plot_rate is None or r.get("rate") == plot_rate], {"fanout", "raw"}, "paced")

    # Saturation.
    sat = group(rows, {"fanout", "raw"}, "saturate")
    if sat:
        md.append("## Saturation fan-out (as fast as a window of 64 unacknowledged frames allows)\n")
        md.append("| target | N | events/s | deliveries/s | loss | disc. | p50 | p99 | sender ack p50 "
                  "| server µs CPU/delivery | server cores | client cores | others' cores | messages/frame |")
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in sorted({k[1] for k in sat}):
            for t in TARGETS:
                rs = sat.get((t, n))
                if not rs:
                    continue
                md.append("| " + " | ".join([
                    TARGET_NAMES[t], fmt(n), fmt(med(rs, "events_per_s"), 1), fmt(med(rs, "deliveries_per_s")),
                    fmt(med(rs, "loss")), fmt(med(rs, "disconnects")), fmt(med(rs, "latency_ms", "p50")),
                    fmt(med(rs, "latency_ms", "p99")), fmt(med(rs, "ack_ms", "p50")),
                    fmt(med(rs, "server_cpu_us_per_delivery")), fmt(med(rs, "server_cpu_share")),
                    fmt(client_cores(rs)), fmt(med(rs, "other_cores")),
                    fmt(med(rs, "messages_per_frame"))]) + " |")
            md.append("")
            # Ratios inside one repetition, then the median.
            by_rep = defaultdict(dict)
            for t in TARGETS:
                for r in sat.get((t, n), []):
                    by_rep[r["_rep"]][t] = r
            # (numerator, denominator): yishiting against each relay, and batching against plain.
            for num, den in [("yishiting", "baseline"), ("yishiting", "baseline-pt"), ("yishiting", "node"),
                             ("yishiting", "uws"), ("yishiting-1t", "uws"), ("yishiting-batch", "yishiting")]:
                tp, cpu = [], []
                for d in by_rep.values():
                    if num in d and den in d:
                        y, o = d[num], d[den]
                        if o.get("deliveries_per_s"):
                            tp.append(y["deliveries_per_s"] / o["deliveries_per_s"])
                        if o.get("server_cpu_us_per_delivery") and y.get("server_cpu_us_per_delivery"):
                            cpu.append(y["server_cpu_us_per_delivery"] / o["server_cpu_us_per_delivery"])
                if tp:
                    md.append(f"- N={n}: {TARGET_NAMES[num]} ÷ {TARGET_NAMES[den]}: deliveries/s ×{fmt(median(tp))}, "
                              f"server CPU per delivery ×{fmt(median(cpu))} (median of {len(tp)} "
                              f"same-repetition ratio{'s' if len(tp) > 1 else ''})")
            md.append("")

    # Paced ratios too (latency and CPU), inside one repetition.
    if paced:
        lines = []
        for n in sorted({k[1] for k in paced}):
            by_rep = defaultdict(dict)
            for t in TARGETS:
                for r in paced.get((t, n), []):
                    by_rep[r["_rep"]][t] = r
            for other in RELAYS:
                p50, p99, cpu = [], [], []
                for d in by_rep.values():
                    if "yishiting" in d and other in d:
                        y, o = d["yishiting"], d[other]
                        if get(o, "latency_ms", "p50"):
                            p50.append(get(y, "latency_ms", "p50") / get(o, "latency_ms", "p50"))
                        if get(o, "latency_ms", "p99"):
                            p99.append(get(y, "latency_ms", "p99") / get(o, "latency_ms", "p99"))
                        if o.get("server_cpu_us_per_delivery") and y.get("server_cpu_us_per_delivery"):
                            cpu.append(y["server_cpu_us_per_delivery"] / o["server_cpu_us_per_delivery"])
                if p50:
                    lines.append(f"- N={n}: yishiting ÷ {TARGET_NAMES[other]}: p50 ×{fmt(median(p50))}, "
                                 f"p99 ×{fmt(median(p99))}, server CPU per delivery ×{fmt(median(cpu))}")
        if lines:
            md.append(f"### Fan-out at {fmt(plot_rate, 0)} events/s, ratios inside one repetition\n")
            md.extend(lines)
            md.append("")

    joins = group(rows, {"join"})
    md.extend(against_best_relay(sat, paced_all, rates, joins))
    if joins:
        md.append("## Join burst (all connections at once)\n")
        md.append("| N | joined | failed | all welcomed (ms) | joins/s | join p50 | join p90 | join p99 | join max "
                  "| TCP+WS open p50 | server CPU s | others' cores | server KiB/conn |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (t, n), rs in sorted(joins.items(), key=lambda kv: kv[0][1]):
            md.append("| " + " | ".join([
                fmt(n), fmt(med(rs, "joined")), fmt(med(rs, "failed")), fmt(med(rs, "all_joined_ms")),
                fmt(med(rs, "joins_per_s")), fmt(med(rs, "join_ms", "p50")), fmt(med(rs, "join_ms", "p90")),
                fmt(med(rs, "join_ms", "p99")), fmt(med(rs, "join_ms", "max")),
                fmt(med(rs, "tcp_ws_open_ms", "p50")), fmt(med(rs, "server_cpu_s")), fmt(med(rs, "other_cores")),
                fmt(med(rs, "server_rss_per_conn_kib"), 1)]) + " |")
        md.append("")

    storms = group(rows, {"storm"})
    if storms:
        md.append("## Vote storm (every audience connection upvotes one question and votes on one point)\n")
        md.append("| target | N | spread (s) | requests | acks | errors | acks/s | ack p50 | ack p99 | ack max "
                  "| host sees final (ms) | every client sees final (ms) | exact in snapshot | server CPU s "
                  "| others' cores |")
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
        for (t, n), rs in sorted(storms.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            md.append("| " + " | ".join([
                t, fmt(n), fmt(med(rs, "spread_s"), 2), fmt(med(rs, "requests")), fmt(med(rs, "acks")),
                fmt(med(rs, "errors")), fmt(med(rs, "acks_per_s")), fmt(med(rs, "ack_ms", "p50")),
                fmt(med(rs, "ack_ms", "p99")), fmt(med(rs, "ack_ms", "max")), fmt(med(rs, "host_final_ms")),
                fmt(med(rs, "all_final_ms")), fmt(all_true(rs, "exact")), fmt(med(rs, "server_cpu_s")),
                fmt(med(rs, "other_cores"))]) + " |")
        md.append("(Final = the live `upvotes` count and `tally` total both equal N, timed from the first request.)\n")

    resumes = group(rows, {"resume"})
    if resumes:
        md.append("## Resume after a server restart\n")
        md.append("| N | seq before | seq after | restart (ms) | all caught up (ms after first disconnect) "
                  "| reconnect p50 | reconnect p99 | gaps | dups | ok |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for (t, n), rs in sorted(resumes.items(), key=lambda kv: kv[0][1]):
            md.append("| " + " | ".join([
                fmt(n), fmt(med(rs, "seq_before")), fmt(med(rs, "seq_final")), fmt(med(rs, "restart_cmd_ms")),
                fmt(med(rs, "all_caught_up_ms")), fmt(med(rs, "reconnect_ms", "p50")),
                fmt(med(rs, "reconnect_ms", "p99")), fmt(med(rs, "gaps")), fmt(med(rs, "dups")),
                fmt(all_true(rs, "ok"))]) + " |")
        md.append("")

    with open(f"{out_dir}/results.md", "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")

    # Plot data: paced latency by N (one row per N, p50 and p99 per target), saturation bars.
    with open(f"{out_dir}/latency.dat", "w", encoding="utf-8") as f:
        f.write("# N " + " ".join(f"{t}_p50 {t}_p99" for t in PLOT_TARGETS) + "\n")
        for n in sorted({k[1] for k in paced}):
            cols = []
            for t in PLOT_TARGETS:
                rs = paced.get((t, n), [])
                for q in ("p50", "p99"):
                    v = med(rs, "latency_ms", q)
                    cols.append("NaN" if v is None else f"{v:.4f}")
            f.write(f"{n} " + " ".join(cols) + "\n")
    # Paced runs at other rates (the N=10 000 run at 1 event/s): points of their own.
    with open(f"{out_dir}/latency_extra.dat", "w", encoding="utf-8") as f:
        f.write("# N rate " + " ".join(f"{t}_p50 {t}_p99" for t in PLOT_TARGETS) + "\n")
        for rate in rates:
            if plot_rate is not None and rate == plot_rate:
                continue
            pr = group([r for r in paced_all if r.get("rate") == rate], {"fanout", "raw"}, "paced")
            for n in sorted({k[1] for k in pr}):
                cols = []
                for t in PLOT_TARGETS:
                    for q in ("p50", "p99"):
                        v = med(pr.get((t, n), []), "latency_ms", q)
                        cols.append("NaN" if v is None else f"{v:.4f}")
                f.write(f"{n} {rate:g} " + " ".join(cols) + "\n")
    with open(f"{out_dir}/saturation.dat", "w", encoding="utf-8") as f:
        f.write("# target deliveries_per_s server_us_per_delivery\n")
        for n in sorted({k[1] for k in sat}):
            for t in TARGETS:
                rs = sat.get((t, n), [])
                v = med(rs, "deliveries_per_s")
                c = med(rs, "server_cpu_us_per_delivery")
                if v is not None:
                    f.write(f"\"{SHORT_NAMES[t]}\" {v:.0f} {c if c is not None else 'NaN'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
