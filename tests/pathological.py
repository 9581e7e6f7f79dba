#!/usr/bin/env python3
"""Pathological inputs, in the spirit of md4c's and cmark's scripts.

Each case writes a hostile input at doubling sizes and runs the real code on
it: `sobre check` (or `export`) on a small temporary guide for front matter
and page bodies, the library driver (tests/pathological/driver.c) for
Markdown, Mustache and CSV imports.
It prints the time and peak memory per size, and fails when time or memory
grows faster than GROWTH per doubling, when a run crashes or times out, or
when a case meant to hit a limit does not end with that limit's clear error.

usage: pathological.py BUILD/sobre BUILD/tools/driver [CASE-SUBSTRING...]
"""
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

GROWTH = 2.5      # allowed growth of time (and memory) per doubling of the input
FLOOR = 0.04      # seconds: shorter net times are process noise, not judged
MEM_FLOOR = 16 << 10  # KB of net peak memory below which growth is not judged
RUN_TIMEOUT = 15  # seconds for one run: far beyond any linear case here
BASE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases", "check", "_base")
STEER_GUIDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases", "steer", "_base", "guide-v1")

SHEET_HEAD = """---
title: Fiche pathologique
type: bpnr
idbp: a.9
priority: Prioritaire
difficulty: Facile
who: [Direction]
indicators: [Un indicateur]
eleventyNavigation:
  parent: guide-energie
  order: 90
"""

THEME_HEAD = """---
title: Énergie
tags: guideBpNrThematique
idThematique: a.
eleventyNavigation:
  key: guide-energie
  parent: guideBpNr
  order: 10
---
"""


def sheet(body="", front=""):
    """A valid sheet with extra front matter lines and a body."""
    return SHEET_HEAD + front + "---\n" + body


def theme(body):
    """The energie theme page of the base guide with another introduction."""
    return THEME_HEAD + body


def yaml_page(yaml_text):
    return "---\n" + yaml_text + "\n---\nCorps.\n"


def bomb(levels):
    """The "billion laughs": each level aliases the previous one ten times."""
    lines = ['l0: &l0 "rire"']
    for i in range(1, levels + 1):
        lines.append("l%d: &l%d [%s]" % (i, i, ", ".join(["*l%d" % (i - 1)] * 10)))
    return "\n".join(lines)


REF_HEAD = "Id,Titre,Thématique,Priorité,Difficulté,Exemples pilotes\n"


def ids_one_slug(n):
    """n ids that all make the slug a-1 ("a-1", "a_1", "a--1", ...: no '.',
    so that sobre's export puts them in one theme): the site must number
    them a-1-2, a-1-3... without trying every number each time."""
    ids, length = [], 1
    while len(ids) < n:
        for seps in itertools.product("-_", repeat=length):
            ids.append("a" + "".join(seps) + "1")
            if len(ids) == n:
                break
        length += 1
    return REF_HEAD + "".join("%s,T,Thème,Prioritaire,Facile,\n" % i for i in ids)


def csv_ids_twice(n):
    """n rows: n/2 distinct ids unknown to the guide, then the same again:
    every row is bad, and the import must stop at its error limit instead
    of looking every id up (a "did you mean" search each)."""
    ids = "".join("x.%d,réalisée\n" % i for i in range(n // 2))
    return "id,statut\n" + ids + ids


# (name, kind, generator(n) -> input, sizes, limit): limit is None when the
# input must be accepted (exit 0), else the text of the limit's error, which
# must come with exit 1, or (exit status, text) for a limit that only warns.
# kind: "md" (driver markdown), "mst" (driver mustache: (template, data)),
# "csv" (driver csv), "import" (sobre import-assessment on a database of
# tests/cases/steer/_base/guide-v1), "check" (sobre check; the input is the
# page guide/energie/patho.md),
# "export" (sobre export --format json, which renders bodies with {{ names }}),
# "ref" (sobre check on the input as a référentiel CSV file), "site" (sobre
# build of that file, written to a RAM folder when there is one).
CASES = [
    # Markdown blocks
    ("nested lists", "md", lambda n: "- " * n + "x\n", [2500, 5000, 10000, 20000], None),
    ("nested blockquotes", "md", lambda n: "> " * n + "x\n", [12500, 25000, 50000, 100000], None),
    ("nested ordered lists on lines", "md",
     lambda n: "".join("%s1. x\n" % (" " * (3 * (i % 40))) for i in range(n)),
     [10000, 20000, 40000, 80000], None),
    ("table with many columns", "md", lambda n: "|a" * n + "|\n" + "|-" * n + "|\n" + "|b" * n + "|\n",
     [12500, 25000, 50000, 100000], None),
    ("many reference definitions", "md",
     lambda n: "".join("[r%d]: /u%d\n" % (i, i) for i in range(n)) + "".join("[r%d] " % i for i in range(n)),
     [12500, 25000, 50000, 100000], None),
    # Markdown inlines
    ("unclosed emphasis markers", "md", lambda n: "*a _b " * (n // 2) + "\n", [12500, 25000, 50000, 100000], None),
    ("emphasis openers then closers", "md", lambda n: "*a **b " * n + "c** d*" * n,
     [12500, 25000, 50000, 100000], None),
    ("unclosed strikethrough", "md", lambda n: "~a ~~b " * n, [12500, 25000, 50000, 100000], None),
    ("nested brackets", "md", lambda n: "[" * n + "a" + "]" * n, [25000, 50000, 100000, 200000], None),
    ("unclosed links", "md", lambda n: "[a](b " * n, [12500, 25000, 50000, 100000], None),
    ("nested images", "md", lambda n: "![" * n + "a" + "](b)" * n, [12500, 25000, 50000, 100000], None),
    ("backtick runs", "md", lambda n: "`a``b```c" * n, [12500, 25000, 50000, 100000], None),
    ("unclosed inline HTML", "md", lambda n: "<a href='x " * n, [12500, 25000, 50000, 100000], None),
    ("entities", "md", lambda n: "&amp;&#233;&nope;" * n, [25000, 50000, 100000, 200000], None),
    ("quotes opened, never closed", "md", lambda n: "'a " * n + 'a" ' * n, [25000, 50000, 100000, 200000], None),
    ("bare URLs and e-mails", "md", lambda n: "www.a%d.fr b@c.fr " % 7 * n, [12500, 25000, 50000, 100000], None),
    ("10 MB single line", "md", lambda n: ("L'été \"x\" -- www.a.fr ... (c) " * (n // 32 + 1))[:n],
     [1250000, 2500000, 5000000, 10000000], None),
    # Mustache
    ("100,000 nested sections", "mst", lambda n: ("{{#a}}" * n + "{{/a}}" * n, "a: true"),
     [12500, 25000, 50000, 100000], "sections nested deeper than 256"),
    ("long run of {{", "mst", lambda n: ("{{" * n, ""), [125000, 250000, 500000, 1000000], "unclosed tag"),
    ("long run of {{{", "mst", lambda n: ("x {{{" * n, ""), [125000, 250000, 500000, 1000000], "unclosed tag"),
    ("many variables", "mst", lambda n: ("{{a}}{{{b}}}{{c.d}}" * n, "a: <x>\nb: y\nc: {d: z}"),
     [50000, 100000, 200000, 400000], None),
    ("many standalone lines", "mst", lambda n: ("  {{#a}}\n  x\n  {{/a}}\n" * n, "a: [1]"),
     [25000, 50000, 100000, 200000], None),
    ("list with many items", "mst", lambda n: ("{{#l}}<{{.}}>{{/l}}", "l: [" + "x, " * n + "y]"),
     [12500, 25000, 50000, 90000], None),
    ("recursive partial", "mst", lambda n: ("x" * n + "{{>self}}", ""), [25000, 50000, 100000, 200000],
     "partials nested deeper than 64"),
    ("sections multiplying over a list", "mst", lambda n: ("{{#l}}" * 30 + "x" * n + "{{/l}}" * 30, "l: [1, 2]"),
     [1000, 2000, 4000, 8000], "exceeded"),
    ("delimiter changes", "mst", lambda n: ("{{=<% %>=}}<%={{ }}=%>" * n, ""), [25000, 50000, 100000, 200000], None),
    # Front matter and YAML, through sobre check
    ("1,000-level YAML nesting (flow)", "check", lambda n: yaml_page("x: " + "[" * n + "]" * n),
     [1000, 2000, 4000, 8000], "nesting deeper than 64 levels"),
    ("YAML nesting (block mappings)", "check",
     lambda n: yaml_page("".join(" " * i + "k:\n" for i in range(n))), [125, 250, 500, 1000],
     "nesting deeper than 64 levels"),
    ("alias bomb", "check", lambda n: yaml_page(bomb(n)), [5, 6, 7, 8], "alias bombs"),
    ("many anchors and aliases", "check",
     lambda n: yaml_page("l:\n" + "".join("  - &a%d x\n" % i for i in range(n)) + "  - *a0\n" * n),
     [5000, 10000, 20000, 40000], None),
    ("anchored keys", "check",
     lambda n: yaml_page("".join("&k%d key%d: v\n" % (i, i) for i in range(n))),
     [6250, 12500, 25000, 49000], None),
    ("many keys in one mapping", "check", lambda n: yaml_page("".join("k%d: v\n" % i for i in range(n))),
     [6250, 12500, 25000, 49000], None),
    ("more values than the node limit", "check", lambda n: yaml_page("l: [" + "1," * n + "1]"),
     [120000, 240000, 480000], "values in one document"),
    ("long quoted scalar", "check", lambda n: yaml_page('x: "' + "é\\t" * (n // 4) + '"'),
     [125000, 250000, 500000, 1000000], None),
    ("front matter over 1 MiB", "check", lambda n: "---\n" + "# commentaire\n" * (n // 14) + "---\n",
     [2000000, 4000000, 8000000, 16000000], "front matter is larger than"),
    ("front matter never closed", "check", lambda n: "---\n" + "a: b\n" * (n // 5),
     [125000, 250000, 500000, 1000000], "never closed"),
    # Page bodies through sobre check (template-syntax and broken-link rules
    # parse every body) and export (which resolves {{ names }})
    ("10 MB single-line body", "check", lambda n: sheet("Texte " * (n // 6)), [1250000, 2500000, 5000000, 10000000],
     None),
    ("{{ without }} in a body", "check", lambda n: sheet("{{" * n + "\n"), [50000, 100000, 200000, 400000], None),
    ("{{ without }} in an exported body", "export", lambda n: theme("{{" * n + "\n"),
     [50000, 100000, 200000, 400000], None),
    ("{{ ... }} that are not names", "export", lambda n: theme("{{" * n + " x y }}\n"),
     [50000, 100000, 200000, 400000], None),
    ("many {% tags and unknown names", "check", lambda n: sheet("{% x %} {{ a.b }} " * n),
     [50000, 100000, 200000, 400000], (0, "more template-syntax warnings in this page are not listed")),
    ("many broken internal links", "check", lambda n: sheet("".join("[l](/guide/x%d/) " % i for i in range(n))),
     [12500, 25000, 50000, 100000], (0, "more broken-link warnings in this page are not listed")),
    ("file over 16 MiB", "check", lambda n: sheet("a" * n), [17000000, 34000000], "larger than 16 MiB"),
    # Unicode normalization (NFC): decomposed text is normalized stretch by
    # stretch; a run of combining marks, which utf8proc sorts in quadratic
    # time, is left as written past UTF8_MAX_MARKS
    ("decomposed body, rendered", "export", lambda n: theme("Re\u0301sume\u0301 " * (n // 9) + "\n"),
     [250000, 500000, 1000000, 2000000], None),
    ("one letter under many combining marks, rendered", "export",
     lambda n: theme("e" + "\u0301\u0316" * (n // 2) + "\n"), [50000, 100000, 200000, 400000], None),
    ("many combining marks in a front-matter value", "check",
     lambda n: sheet(front='note: "e' + "\u0316\u0301" * (n // 2) + '"\n'), [50000, 100000, 200000, 400000], None),
    # Assessment imports (steer/sheet.c, the steering part's CSV reader):
    # the reader alone (driver csv), then `sobre import-assessment` on a
    # database of the small steering guide, which also checks every row's id
    # for duplicates and against the guide.
    ("CSV rows up to the row limit", "csv", lambda n: "id,status\n" + "a.1,fait\n" * n,
     [12500, 25000, 50000, 99999], None),
    ("CSV import, every id twice", "import", csv_ids_twice,
     [12500, 25000, 50000, 99998], (1, "stopped after 100 bad rows")),
    ("CSV import of a million rows", "import", lambda n: "id,statut\n" + "a.1,réalisée\n" * n,
     [125000, 250000, 500000, 1000000], "more than 100,000 rows"),
    ("CSV over 32 MB", "csv", lambda n: "id,comment\n" + ("a.1," + "x" * 95 + "\n") * (n // 100),
     [34000000], "larger than 32 MB"),
    ("CSV quoted cell never closed", "csv", lambda n: 'id,comment\na.1,"' + "x" * n,
     [1250000, 2500000, 5000000, 10000000], "never closed"),
    # Référentiels read by `sobre check FILE` (guide/ref_csv.c, ref_model.c):
    # themes and ids are looked up through hash sets, lists grow by doubling.
    ("référentiel CSV naming a theme per row", "ref",
     lambda n: REF_HEAD + "".join("t%d.1,T,Thème %d,Prioritaire,Facile,\n" % (i, i) for i in range(n)),
     [12500, 25000, 50000, 99999], None),
    ("référentiel CSV, one cell of many pilots", "ref",
     lambda n: REF_HEAD + 'a.1,T,Énergie,Prioritaire,Facile,"' + "Pilote\n" * n + '"\n',
     [125000, 250000, 500000, 1000000], None),
    # Their website (render/refsite.c): no page lists every theme (the side
    # menu stops at REFSITE_MAX_SIDE_THEMES), and slugs are made unique with
    # a counter kept per slug.
    ("référentiel site, a theme per row", "site",
     lambda n: REF_HEAD + "".join("t%d.1,T,Thème %d,Prioritaire,Facile,\n" % (i, i) for i in range(n)),
     [1250, 2500, 5000, 10000], None),
    ("référentiel site, every id one slug", "site", ids_one_slug, [1250, 2500, 5000, 10000], None),
]


# The runs are started by a small helper process, itself started before any
# large input is built: a child's peak RSS (wait4) includes the memory of the
# process that forked it, and this script holds inputs of tens of megabytes.
HELPER = r"""
import json, os, signal, sys, time
for line in sys.stdin:
    job = json.loads(line)
    fd = os.open(job["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(job["argv"][0], job["argv"])
    os.close(fd)
    signal.signal(signal.SIGALRM, lambda *a: os.kill(pid, signal.SIGKILL))
    signal.setitimer(signal.ITIMER_REAL, job["timeout"])
    while True:
        try:
            _, status, ru = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    signal.setitimer(signal.ITIMER_REAL, 0)
    t = time.perf_counter() - start
    if os.WIFSIGNALED(status):
        rc = "timeout" if os.WTERMSIG(status) == signal.SIGKILL and t >= job["timeout"] else -os.WTERMSIG(status)
    else:
        rc = os.WEXITSTATUS(status)
    print(json.dumps([t, ru.ru_maxrss, rc]), flush=True)
"""


class Runner:
    def __init__(self, sobre, driver, tmp):
        self.helper = subprocess.Popen([sys.executable, "-c", HELPER], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True)
        self.sobre = os.path.abspath(sobre)
        self.driver = os.path.abspath(driver)
        self.tmp = tmp
        self.out = os.path.join(tmp, "output")
        self.guide = os.path.join(tmp, "guide")
        shutil.copytree(BASE, self.guide)
        self.sheet = os.path.join(self.guide, "guide", "energie", "patho.md")
        self.theme = os.path.join(self.guide, "guide", "energie", "index.md")
        with open(self.theme, encoding="utf-8") as f:
            self.theme_text = f.read()
        # The database the imports run against; a refused import leaves it as
        # it was, so every run starts from the same state.
        self.db = os.path.join(tmp, "sobre.db")
        # Sites go to RAM when there is some: this machine's disk takes
        # seconds to create or remove thousands of files, whatever wrote them.
        self.site = tempfile.mkdtemp(prefix="sobre-patho-site-", dir="/dev/shm" if os.path.isdir("/dev/shm") else tmp)
        for args in (["init"], ["guide", "import", STEER_GUIDE]):
            subprocess.run([self.sobre] + args + ["--db", self.db], check=True, stdout=subprocess.DEVNULL)

    def close(self):
        self.helper.stdin.close()
        self.helper.wait()
        shutil.rmtree(self.site, ignore_errors=True)

    def run(self, argv):
        """(seconds, peak RSS in KB, exit status or "timeout") of one run."""
        self.helper.stdin.write(json.dumps({"argv": argv, "out": self.out, "timeout": RUN_TIMEOUT}) + "\n")
        self.helper.stdin.flush()
        return json.loads(self.helper.stdout.readline())

    def write(self, path, text):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def argv(self, kind, data):
        """Writes the input where kind reads it; returns the command line."""
        if kind in ("md", "mst", "csv", "import"):
            src = os.path.join(self.tmp, "input")
            self.write(src, data if kind != "mst" else data[0])
            if kind == "md":
                return [self.driver, "markdown", src]
            if kind == "csv":
                return [self.driver, "csv", src]
            if kind == "import":
                return [self.sobre, "import-assessment", "--db", self.db, src]
            yml = os.path.join(self.tmp, "data.yml")
            self.write(yml, data[1])
            return [self.driver, "mustache", src, yml]
        if kind in ("ref", "site"):
            src = os.path.join(self.tmp, "input.csv")
            self.write(src, data)
            if kind == "site":
                return [self.sobre, "build", src, "--base-url", "https://exemple.fr/", "-o",
                        os.path.join(self.site, "out")]
            return [self.sobre, "check", src]
        if kind == "export":
            # The JSON export renders theme introductions, {{ names }} resolved.
            if os.path.exists(self.sheet):
                os.remove(self.sheet)
            self.write(self.theme, data)
            return [self.sobre, "export", "--format", "json", "-o", os.path.join(self.tmp, "out.json"),
                    self.guide]
        self.write(self.theme, self.theme_text)
        self.write(self.sheet, data)
        return [self.sobre, "check", self.guide]

    def measure(self, argv):
        """Best of five runs when short (scheduling noise on a busy machine
        moves a 50 ms run by half), one when long. Returns (seconds, peak
        RSS in KB, exit status, output)."""
        best = None
        for _ in range(5):
            t, rss, rc = self.run(argv)
            if best is None or t < best[0]:
                with open(self.out, "rb") as f:
                    best = (t, rss, rc, f.read().decode("utf-8", "replace"))
            if t > 0.3 or rc == "timeout":
                break
        return best


def judge(series, floor, base):
    """Growth per doubling of the input: the slope of log(value) against
    log2(size) over the sizes whose net value (above the trivial run's)
    clears the noise floor; a least-squares fit, so one noisy run among
    three or four points does not decide alone. Two points are judged only
    when the smaller is well above the floor (a quadratic case is: it
    quadruples)."""
    pts = [(math.log2(n), math.log2(v - base)) for n, v in series if v - base >= floor]
    if len(pts) < 2 or (len(pts) == 2 and 2 ** pts[0][1] < 3 * floor):
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
    return 2 ** slope


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    sobre, driver = sys.argv[1], sys.argv[2]
    only = sys.argv[3:]
    cases = [c for c in CASES if not only or any(o in c[0] for o in only)]
    t_all = time.perf_counter()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="sobre-patho-") as tmp:
        r = Runner(sobre, driver, tmp)
        # The same command on a trivial input: start-up time and memory,
        # subtracted before judging growth.
        base = {}
        for kind, data in (("md", "x"), ("mst", ("x", "")), ("csv", "id\na.1\n"), ("import", "id\na.1\n"),
                           ("check", sheet("x")), ("export", theme("x")), ("ref", REF_HEAD),
                           ("site", REF_HEAD + "a.1,T,Énergie,Prioritaire,Facile,\n")):
            t, rss, _, _ = r.measure(r.argv(kind, data))
            base[kind] = (t, rss)
        for name, kind, gen, sizes, limit in cases:
            times, mems, problems, cells = [], [], [], []
            for n in sizes:
                data = gen(n)
                size = len((data if isinstance(data, str) else data[0] + data[1]).encode())
                t, rss, rc, text = r.measure(r.argv(kind, data))
                times.append((size, t))
                mems.append((size, rss))
                cells.append("%s %.3fs %dMB" % (human(size), t, rss >> 10))
                if rc == "timeout":
                    problems.append("timed out after %ds at %s" % (RUN_TIMEOUT, human(size)))
                    break
                if rc < 0:
                    problems.append("killed by signal %d at %s: %s" % (-rc, human(size), text.strip()[-300:]))
                    break
                want_rc, want = (limit if isinstance(limit, tuple) else (1, limit)) if limit else (0, None)
                if want and (rc != want_rc or want not in text):
                    problems.append("at %s: want exit %d and '%s', got exit %d: %s"
                                    % (human(size), want_rc, want, rc, text.strip()[-300:]))
                elif not limit and rc != 0:
                    problems.append("at %s: exit %d: %s" % (human(size), rc, text.strip()[-300:]))
            g_time = judge(times, FLOOR, base[kind][0])
            g_mem = judge(mems, MEM_FLOOR, base[kind][1])
            if g_time is not None and g_time > GROWTH:
                problems.append("time grows x%.2f per doubling (limit x%.1f)" % (g_time, GROWTH))
            if g_mem is not None and g_mem > GROWTH:
                problems.append("memory grows x%.2f per doubling (limit x%.1f)" % (g_mem, GROWTH))
            growth = "time x%.2f/doubling" % g_time if g_time is not None else "time below noise"
            status = "ok" if not problems else "FAIL"
            print("%-5s %-36s %s  [%s]" % (status, name, " | ".join(cells), growth), flush=True)
            for p in problems:
                print("        " + p)
            failures += bool(problems)
        r.close()
    print("pathological: %d cases, %d failed, %.1fs" % (len(cases), failures, time.perf_counter() - t_all))
    return 1 if failures else 0


def human(n):
    for unit, div in (("MB", 1000000), ("KB", 1000)):
        if n >= div:
            return "%g %s" % (round(n / div, 1), unit)
    return "%d B" % n


if __name__ == "__main__":
    sys.exit(main())
