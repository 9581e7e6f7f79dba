#!/usr/bin/env python3
"""Times several commands side by side: round after round, each command once
in turn (A B C A B C ...), so that a busy moment of the machine weighs on
all of them alike. Prints, per command, the median wall time and the peak
RSS of its process (getrusage, as measure.py), then ratios of medians.

    paired.py ROUNDS SPEC.json

SPEC is {"label": ..., "commands": [{"name", "cmd": [...], "before": "sh
text run untimed before each run"}], "ratios": [{"label", "num", "den",
"target": "<= 3" | ">= 6"}], "save": "file to write the medians to (JSON),
optional"}. Exit status 0 even when a target is missed: make bench
reports, it does not gate."""
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import run_once  # noqa: E402


def main():
    rounds = int(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        spec = json.load(f)
    walls = {c["name"]: [] for c in spec["commands"]}
    peak = {c["name"]: 0 for c in spec["commands"]}
    codes = {c["name"]: 0 for c in spec["commands"]}
    errors = {}
    for _ in range(rounds):
        for c in spec["commands"]:
            if c.get("before"):
                subprocess.run(["sh", "-c", c["before"]], check=False)
            wall, rss, rc, last = run_once(c["cmd"])
            if rc:
                errors[c["name"]] = last
            walls[c["name"]].append(wall)
            peak[c["name"]] = max(peak[c["name"]], rss)
            codes[c["name"]] = codes[c["name"]] or rc
    med = {k: statistics.median(v) for k, v in walls.items()}
    print(f"{spec['label']} (median of {rounds} alternating run{'s' if rounds > 1 else ''})")
    for c in spec["commands"]:
        n = c["name"]
        spread = f"({min(walls[n]) * 1000:.0f}-{max(walls[n]) * 1000:.0f} ms)" if rounds > 1 else ""
        failed = f"  exit={codes[n]}: {errors.get(n, '')}" if codes[n] else ""
        print(f"  {n:<34} wall={med[n] * 1000:8.1f} ms  {spread:>16}  rss={peak[n] / 1024:7.1f} MB{failed}")
    for r in spec.get("ratios", []):
        ratio = med[r["num"]] / med[r["den"]]
        op, bound = r["target"].split()
        met = ratio <= float(bound) if op == "<=" else ratio >= float(bound)
        print(f"  {r['label']:<34} x{ratio:5.2f}  (target {r['target']}: {'met' if met else 'MISSED'})")
    if spec.get("save"):
        with open(spec["save"], "w", encoding="utf-8") as f:
            json.dump({"wall": med, "rss_kb": peak}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
