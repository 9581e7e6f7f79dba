#!/usr/bin/env python3
"""Runs a command RUNS times and prints the median wall time and the peak RSS
of the child (getrusage), as one line: LABEL  wall=…ms  rss=…MB.

    measure.py LABEL RUNS COMMAND [ARG ...]

Exit status is the command's (the last run's) when non-zero."""
import os
import resource
import statistics
import subprocess
import sys
import time


def main():
    label, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    walls, peak, rc = [], 0, 0
    for _ in range(runs):
        t0 = time.perf_counter()
        # A fresh process per run: getrusage's peak covers only this child.
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execvp(cmd[0], cmd)
        _, status, ru = os.wait4(pid, 0)
        walls.append(time.perf_counter() - t0)
        peak = max(peak, ru.ru_maxrss)
        rc = os.waitstatus_to_exitcode(status)
    print(f"{label:<40} wall={statistics.median(walls) * 1000:8.1f} ms (median of {runs})  "
          f"rss={peak / 1024:7.1f} MB  exit={rc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
