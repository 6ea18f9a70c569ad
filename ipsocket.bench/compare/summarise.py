"""Summarises compare.sh output: per mode and figure, the median over rounds of ipsocket / nio
(same invocation) for the "before" and "after" builds, and their quotient. For the events mode
(ipsocket only) the figures themselves are compared."""
import glob
import os
import statistics
import sys

# figures compared, per mode; "lower" marks figures where smaller is better
FIGURES = {
    "tcp-throughput": ["MBps"],
    "tcp-pingpong": ["rtps", "p50_us:lower", "p99_us:lower"],
    "tcp-lines": ["lines_per_s"],
    "udp": ["recv_pps", "loss_pct:lower"],
    "udp-recv": ["recv_pps", "loss_pct:lower"],
    "conn-scale": ["connect_ms:lower", "ready_ms:lower", "heap_kib_per_conn:lower", "mem_kib_per_conn:lower"],
    "server-accept": ["accepts_per_s"],
    "server-echo": ["rtps", "p50_us:lower", "p99_us:lower"],
    "server-throughput": ["MBps", "cpu_ns_per_kib:lower"],
    "server-scale": ["connect_ms:lower", "ready_ms:lower", "heap_kib_per_conn:lower", "mem_kib_per_conn:lower"],
    "events": ["tx_sub_ratio", "rx_sub_ratio", "rx_data_sub_ratio", "events_per_s", "small_events_per_s",
               "rx_nosub_cpu_us_per_MB:lower", "rx_data_sub_cpu_us_per_MB:lower"],
}


def parse(path):
    results = {}
    for line in open(path):
        words = line.split()
        fields = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        results[(fields.get("impl"), fields.get("mode"))] = fields
    return results


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def figures(results, mode, key):
    ours = number(results.get(("ipsocket", mode), {}).get(key))
    if mode == "events":
        return ours
    base = number(results.get(("nio", mode), {}).get(key))
    if ours is None or base is None or base == 0:
        return None
    return ours / base


def main(folder):
    runs = {label: [parse(p) for p in sorted(glob.glob(os.path.join(folder, label + "-*.txt")))]
            for label in ("before", "after")}
    print("| mode | figure | before (ipsocket/nio) | after (ipsocket/nio) | after/before |")
    print("|---|---|---|---|---|")
    for mode, keys in FIGURES.items():
        for spec in keys:
            key, _, direction = spec.partition(":")
            medians = {}
            for label, results in runs.items():
                values = [v for v in (figures(r, mode, key) for r in results) if v is not None]
                medians[label] = statistics.median(values) if values else None
            b, a = medians["before"], medians["after"]
            if b is None and a is None:
                continue
            quotient = "" if not b or a is None else "%.2f%s" % (a / b, " (lower is better)" if direction else "")
            fmt = lambda v: "-" if v is None else ("%.3g" % v)
            print("| %s | %s | %s | %s | %s |" % (mode, key, fmt(b), fmt(a), quotient))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/compare")
