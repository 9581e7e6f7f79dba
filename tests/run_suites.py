#!/usr/bin/env python3
"""Runs make test's suites, several at a time: most of them wait on servers,
mail and PostgreSQL rather than compute, and one after the other they made
make check run past its 15 minutes.

    tests/run_suites.py [--jobs N] NAME=COMMAND...

Each COMMAND is a shell command line; a suite's output (stdout and stderr)
is kept and printed whole when it ends, after a line naming it, so that
suites running together do not mix their lines. The suites start in the
order given (the longest first); N at a time (default: $SOBRE_TEST_JOBS,
else 3). Ends with each suite's time, and exits 1 when any failed, after
all have run."""
import os
import subprocess
import sys
import tempfile
import time


def main(argv):
    jobs = int(os.environ.get("SOBRE_TEST_JOBS") or 3)
    if argv[:1] == ["--jobs"]:
        jobs, argv = int(argv[1]), argv[2:]
    suites = []
    for a in argv:
        name, sep, cmd = a.partition("=")
        if not sep or not name or not cmd.strip():
            print(f"run_suites: '{a}' is not NAME=COMMAND", file=sys.stderr)
            return 2
        suites.append((name, cmd))
    if jobs < 1:
        print("run_suites: --jobs takes a number from 1", file=sys.stderr)
        return 2
    pending = list(suites)
    running = {}  # Popen -> (name, output file, start)
    times, failed = [], []
    start_all = time.monotonic()
    while pending or running:
        while pending and len(running) < jobs:
            name, cmd = pending.pop(0)
            out = tempfile.TemporaryFile()
            p = subprocess.Popen(cmd, shell=True, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            running[p] = (name, out, time.monotonic())
        done = None
        while done is None:
            for p in running:
                if p.poll() is not None:
                    done = p
                    break
            else:
                time.sleep(0.05)
        name, out, t0 = running.pop(done)
        took = time.monotonic() - t0
        out.seek(0)
        sys.stdout.flush()
        print(f"--- {name} ({took:.0f} s{', FAILED: exit ' + str(done.returncode) if done.returncode else ''})",
              flush=True)
        sys.stdout.buffer.write(out.read())
        sys.stdout.flush()
        out.close()
        times.append((name, took))
        if done.returncode:
            failed.append(name)
    total = time.monotonic() - start_all
    print(f"suites: {len(suites)} in {total:.0f} s, {jobs} at a time: "
          + ", ".join(f"{n} {t:.0f} s" for n, t in times))
    if failed:
        print("suites: FAILED: " + " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
