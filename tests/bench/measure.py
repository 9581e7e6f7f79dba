#!/usr/bin/env python3
"""Runs a command RUNS times and prints the median wall time and the peak RSS
of the child (getrusage), as one line: LABEL  wall=…ms  rss=…MB.

    measure.py [--tail] LABEL RUNS COMMAND [ARG ...]

--tail also prints the last line the command wrote to standard error (for
`sobre build`, its summary: files and bytes written). Before each run, the
environment variable BENCH_BEFORE, if set, is run with sh (e.g. to remove a
previous output folder outside the timing)."""
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd):
    """Runs cmd once in a fresh process (stdout to /dev/null); returns its
    wall time in seconds, its peak RSS in KB (getrusage of that child
    only), its exit code and the last line it wrote to standard error."""
    err_r, err_w = os.pipe()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(err_w, 2)
        os.execvp(cmd[0], cmd)
    os.close(err_w)
    err = b""
    while True:
        chunk = os.read(err_r, 65536)
        if not chunk:
            break
        err = (err + chunk)[-4096:]
    os.close(err_r)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    lines = err.decode("utf-8", "replace").strip().splitlines()
    return wall, ru.ru_maxrss, os.waitstatus_to_exitcode(status), lines[-1] if lines else ""


def main():
    args = sys.argv[1:]
    tail = args[0] == "--tail"
    if tail:
        args = args[1:]
    label, runs, cmd = args[0], int(args[1]), args[2:]
    walls, peak, rc, last = [], 0, 0, ""
    for _ in range(runs):
        if os.environ.get("BENCH_BEFORE"):
            subprocess.run(["sh", "-c", os.environ["BENCH_BEFORE"]], check=False)
        wall, rss, rc, last = run_once(cmd)
        walls.append(wall)
        peak = max(peak, rss)
    print(f"{label:<42} wall={statistics.median(walls) * 1000:8.1f} ms  rss={peak / 1024:7.1f} MB  exit={rc}")
    if tail and last:
        print(f"{'':<42} {last}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
