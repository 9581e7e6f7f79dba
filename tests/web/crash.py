#!/usr/bin/env python3
"""Crash test of the steering web app: `sobre serve` is killed with SIGKILL while
8 threads post assessment, measurement and snapshot forms; after each restart every
write that got the app's success answer must be there and the database must pass
its integrity checks.

    tests/web/crash.py [--pg URI] SOBRE [GUIDE_DIR]   (SOBRE_CRASH_SEED, SOBRE_CRASH_ROUNDS)

The database is a new SQLite file, read afterwards with SQLite as a second
oracle (integrity_check, foreign_key_check); with --pg, a new schema on the
PostgreSQL database of URI, read with psql (SOBRE_TEST_PG_BIN names its folder)
and checked with amcheck, then dropped. tests/pg/two_servers.py reuses the
browser, the posting threads and the checks with two servers behind HAProxy."""
import csv
import datetime
import http.client
import io
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

THREADS = 8
ROUNDS = int(os.environ.get("SOBRE_CRASH_ROUNDS", "10"))
SEED = int(os.environ.get("SOBRE_CRASH_SEED", str(random.SystemRandom().randrange(1 << 31))))
# Waits that only end a hung run: far above what the ASan build needs.
TIMEOUT = 30
STATUSES = ["non engagée", "planifiée", "en cours", "réalisée", "non concernée"]
OWNERS = ["Alice Martin", "Bob", "camille@example.fr", ""]
EPOCH = datetime.date(2000, 1, 1)  # measurement periods: day n after it for post n

NAME = "web crash"  # the prefix of every line; "pg web crash" with --pg
problems = []
missing = set()  # id() of the acknowledged writes found missing


def fail(msg, write=None):
    problems.append(msg)
    if write is not None:
        missing.add(id(write))
    print(f"FAIL: {NAME}:", msg, flush=True)


class NotSent(Exception):
    """The connection was refused: the request never reached a server."""


class InFlight(Exception):
    """Sent (at least partly), but no answer came back: outcome unknown."""


class Browser:
    """One user's browser without JavaScript: its cookies and the session's CSRF
    token; a new connection per request, so a refused connect means not sent.
    With proxied set, the port is a proxy's (HAProxy) that names the server of
    each answer in an X-Served-By header: an answer without it is the proxy's
    own, 503 when it had no server to send to (not sent), 502 or 504 when the
    server went away without a complete answer (in flight)."""

    def __init__(self, proxied=False):
        self.port = None
        self.cookies = {}
        self.csrf = None
        self.proxied = proxied

    def req(self, path, form=None):
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            try:
                conn.connect()
            except OSError as e:  # refused, or reset when the kill lands mid-handshake: nothing sent
                raise NotSent(f"{type(e).__name__}: {e}")
            try:
                conn.request("POST" if body is not None else "GET", path, body, headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as e:
                raise InFlight(f"{type(e).__name__}: {e}")
        finally:
            conn.close()
        if self.proxied and "X-Served-By" not in resp.headers:
            if resp.status == 503:
                raise NotSent(f"the proxy's 503: {data[:100]!r}")
            if resp.status in (502, 504):
                raise InFlight(f"the proxy's {resp.status}: {data[:100]!r}")
        for line in resp.headers.get_all("Set-Cookie") or []:
            m = re.match(r"([^=;]+)=([^;]*)", line)
            if m and "Max-Age=0" in line:
                self.cookies.pop(m.group(1), None)
            elif m:
                self.cookies[m.group(1)] = m.group(2)
        m = re.search(rb'name="csrf" value="([0-9a-f]{64})"', data)
        if m:
            self.csrf = m.group(1).decode()
        return resp.status, resp.headers, data

    def login(self, password):
        self.req("/pilotage/connexion")
        s, h, _ = self.req("/pilotage/connexion", {"email": "admin@localhost", "password": password,
                                                   "csrf": self.csrf})
        if s != 303 or "sobre_session" not in self.cookies:
            raise SystemExit(f"{NAME}: login failed ({s})")
        s, h, _ = self.req("/pilotage/")
        if s != 200 or not self.csrf:
            again = self.req("/pilotage/")[0]
            raise SystemExit(f"{NAME}: no dashboard after a successful login ({s} {h.get('Location', '')}; "
                             f"asked again: {again})")


class Write:
    """One form post and what came of it: "ack" (the app's success answer),
    "409" (conflict), "503" (busy), "inflight" (no answer), "notsent", "error"."""

    def __init__(self, kind, rnd, **what):
        self.kind, self.rnd, self.outcome = kind, rnd, None
        self.__dict__.update(what)

    def __str__(self):
        if self.kind == "assess":
            return f"assessment of {self.idbp} (comment {self.comment!r}, round {self.rnd})"
        if self.kind == "measure":
            return f"measurement {self.idbp} #{self.num} {self.period} = {self.value} (round {self.rnd})"
        return f"snapshot {self.name!r} (round {self.rnd})"


class Server:
    """One `sobre serve --port 0 ARGS` on the database at location (ARGS:
    --quiet unless told); its standard error goes to NAME-N.err in work for
    the N-th start."""

    def __init__(self, sobre, guide, db, work, name="serve", args=("--quiet",)):
        self.sobre, self.guide, self.db, self.work = sobre, guide, db, work
        self.name, self.args = name, list(args)
        self.p = None
        self.starts = 0

    def launch(self):
        """Starts the process without waiting for its banner (ready reads it)."""
        self.starts += 1
        err = open(os.path.join(self.work, f"{self.name}-{self.starts}.err"), "w")
        self.p = subprocess.Popen([self.sobre, "serve", "--port", "0", *self.args, "--db", self.db,
                                   self.guide], stdout=subprocess.PIPE, stderr=err, text=True)
        err.close()

    def ready(self):
        """The banner's port and first admin's password (None when there was
        an account already), and the banner itself."""
        out = "".join(self.p.stdout.readline() for _ in range(3))
        m = re.search(r"http://127\.0\.0\.1:(\d+)/pilotage/", out)
        if not m:
            raise SystemExit(f"{NAME}: serve did not start: {out!r}")
        pw = re.search(r"first login: admin@localhost with password (\S+)", out)
        self.port = int(m.group(1))
        return self.port, pw.group(1) if pw else None, out

    def start(self):
        self.launch()
        return self.ready()[:2]

    def kill(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait(timeout=TIMEOUT)
        self.p.stdout.close()

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                return self.p.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
            finally:
                self.p.stdout.close()
        return None


class SqliteDb:
    """A new database file, and SQLite reading it read-only, without the app."""

    kind = "file"

    def __init__(self, work):
        self.location = os.path.join(work, "sobre.db")

    def rows(self, sql):
        con = sqlite3.connect(f"file:{self.location}?mode=ro", uri=True, timeout=TIMEOUT)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def integrity(self):
        """What SQLite's own checks report ([] when all is well)."""
        bad = []
        r = self.rows("PRAGMA integrity_check")
        if r != [("ok",)]:
            bad.append(f"PRAGMA integrity_check: {r}")
        if self.rows("PRAGMA foreign_key_check"):
            bad.append("PRAGMA foreign_key_check reports orphan rows")
        return bad

    def drop(self):
        pass


class PgDb:
    """A new schema on the PostgreSQL database of uri, and psql reading it
    without the app. Values come back as text, NULL as None."""

    kind = "PostgreSQL"
    NULL = "<NULL>"

    def __init__(self, uri, schema):
        bindir = os.environ.get("SOBRE_TEST_PG_BIN")
        self.psql = os.path.join(bindir, "psql") if bindir else "psql"
        self.uri, self.schema = uri, schema
        self.location = f"{uri}{'&' if '?' in uri else '?'}options=-csearch_path%3D{schema},public"
        self.env = dict(os.environ, PGCLIENTENCODING="UTF8", PGAPPNAME="sobre-test",
                        PGOPTIONS="-c client_min_messages=warning")

    def run(self, sql, uri=None):
        r = subprocess.run([self.psql, "-X", "-q", "--csv", "-t", "-P", "null=" + self.NULL, "-v", "ON_ERROR_STOP=1",
                            uri or self.location, "-c", sql], capture_output=True, text=True, env=self.env,
                           timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"psql: {sql[:200]}: {r.stderr.strip()}")
        return [tuple(None if v == self.NULL else v for v in row) for row in csv.reader(io.StringIO(r.stdout))]

    def rows(self, sql):
        return self.run(sql)

    def create(self):
        self.run(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE; CREATE SCHEMA {self.schema}", self.uri)

    def integrity(self):
        """amcheck over the schema: every table's heap (verify_heapam) and every
        B-tree index against its table (bt_index_check with heapallindexed).
        Foreign keys need no check here: PostgreSQL enforces them in every
        session, where SQLite enforces them only when a connection asks."""
        try:
            self.run("CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA public", self.uri)
        except RuntimeError as e:  # unless another test created it at the same moment
            if not self.run("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'", self.uri):
                return [f"amcheck: {e}"]
        bad = []
        try:
            heap = self.run("SELECT c.relname, v.blkno, v.msg FROM pg_class c, "
                            "LATERAL public.verify_heapam(c.oid) v WHERE c.relkind = 'r' "
                            "AND c.relnamespace = current_schema()::regnamespace")
            if heap:
                bad.append(f"verify_heapam: {heap[:5]}")
            n = self.run("SELECT count(public.bt_index_check(c.oid, true)) FROM pg_index i "
                         "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                         "WHERE a.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace")
            if int(n[0][0]) < 10:
                bad.append(f"bt_index_check looked at {n[0][0]} indexes only: not sobre's schema?")
        except RuntimeError as e:
            bad.append(f"amcheck: {e}")
        return bad

    def drop(self):
        self.run(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE", self.uri)


class Traffic:
    """The threads of one round, posting until told to stop."""

    def __init__(self, rnd, browsers, practices, indicators, log, counter, periods):
        self.rnd, self.browsers, self.practices, self.indicators = rnd, browsers, practices, indicators
        self.log, self.counter = log, counter
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.acks = 0
        self.latency = []
        self.periods = periods

    def next_n(self):
        with self.lock:
            self.counter[0] += 1
            return self.counter[0]

    def post(self, b, w, path, form, ok):
        """Posts the form; on the app's success answer (303 to ?ok=...), follows
        the redirect like a browser and returns that page (None if it failed)."""
        with self.lock:
            self.log.append(w)
        t0 = time.monotonic()
        try:
            s, h, body = b.req(path, form)
        except NotSent:
            w.outcome = "notsent"
            return None
        except InFlight:
            w.outcome = "inflight"
            return None
        if s == 303 and ok in h.get("Location", ""):
            w.outcome = "ack"
            with self.lock:
                self.acks += 1
                self.latency.append(time.monotonic() - t0)
            try:
                s, _, page = b.req(h["Location"].split("#")[0])
            except (NotSent, InFlight):
                return None
            if s != 200:
                fail(f"after saving {w}, the page it redirects to answers {s}")
                return None
            return page
        if s in (409, 503):
            w.outcome = str(s)
        else:
            w.outcome = "error"
            fail(f"{w}: unexpected answer {s} {h.get('Location', '')} {body[:300]!r}")
        return None

    def assess(self, b, rng, n):
        idbp = rng.choice(self.practices)
        try:
            s, _, page = b.req(f"/pilotage/pratiques/{idbp}")
        except (NotSent, InFlight):
            return
        if s != 200:
            if s != 503:
                fail(f"GET /pilotage/pratiques/{idbp}: {s}")
            return
        version = int(re.search(rb'name="version" value="(\d+)"', page).group(1))
        comment = f"crash r{self.rnd} n{n}"
        evidence = [f"https://exemple.fr/preuve/{n}"] if rng.random() < 0.5 else []
        w = Write("assess", self.rnd, idbp=idbp, version=version, status=rng.choice(STATUSES),
                  owner=rng.choice(OWNERS), due=rng.choice(["", f"2027-{n % 12 + 1:02d}-{n % 28 + 1:02d}"]),
                  comment=comment, evidence=evidence)
        page = self.post(b, w, f"/pilotage/pratiques/{idbp}",
                         {"csrf": b.csrf, "version": str(version), "status": w.status, "pilot": "",
                          "owner": w.owner, "due": w.due, "comment": comment, "evidence": "\r\n".join(evidence)},
                         "ok=evaluation")
        # Later saves only raise the version: a page at or below ours was read from an old state.
        m = page and re.search(rb'name="version" value="(\d+)"', page)
        if m and int(m.group(1)) <= version:
            fail(f"after saving {w} (based on version {version}), the page it redirects to shows version "
                 f"{int(m.group(1))}: a read from before the write")

    def measure(self, b, rng, n):
        """A value no other post has, for a new period or (a third of the time)
        one already measured, which the app replaces; yes/no values cannot be told
        apart, so those always get a new period."""
        idbp, num, typ = rng.choice(self.indicators)
        value = {"percent": f"{n % 100}.{n}1", "yesno": "oui" if n % 2 else "non"}.get(typ, str(n))
        with self.lock:
            seen = self.periods.setdefault((idbp, num), [])
            if typ != "yesno" and seen and rng.random() < 0.33:
                period = rng.choice(seen)
            else:
                period = (EPOCH + datetime.timedelta(days=n)).isoformat()
                seen.append(period)
        w = Write("measure", self.rnd, idbp=idbp, num=num, period=period, value=value)
        self.post(b, w, f"/pilotage/pratiques/{idbp}/mesure",
                  {"csrf": b.csrf, "indicator": str(num), "value": value, "period": period}, "ok=mesure")

    def snapshot(self, b, rng, n):
        w = Write("snapshot", self.rnd, name=f"crash r{self.rnd} n{n}")
        page = self.post(b, w, "/pilotage/instantanes", {"csrf": b.csrf, "name": w.name}, "ok=instantane")
        if page is not None and f'<th scope="row">{w.name}</th>'.encode() not in page:
            fail(f"after saving {w}, the page it redirects to does not list it: a read from before the write")

    def worker(self, t):
        rng = random.Random(f"{SEED}/{self.rnd}/{t}")
        b = self.browsers[t]
        try:
            while not self.stop.is_set():
                x, n = rng.random(), self.next_n()
                if x < 0.5:
                    self.assess(b, rng, n)
                elif x < 0.93:
                    self.measure(b, rng, n)
                else:
                    self.snapshot(b, rng, n)
        except Exception as e:  # a bug of this test, or an answer it cannot read
            fail(f"round {self.rnd}, thread {t}: {type(e).__name__}: {e}")

    def run(self, server, rng):
        """Starts the threads, kills the server once this round has a random
        number of acknowledged writes plus a random fraction of a post's time."""
        threads = [threading.Thread(target=self.worker, args=(t,)) for t in range(THREADS)]
        for th in threads:
            th.start()
        target = rng.randint(5, 60)
        frac = rng.random()
        deadline = time.monotonic() + TIMEOUT
        while self.acks < target and time.monotonic() < deadline and not problems:
            time.sleep(0.002)
        if self.acks < target and not problems:
            fail(f"round {self.rnd}: only {self.acks} of {target} writes acknowledged in {TIMEOUT} s")
        with self.lock:
            lat = sorted(self.latency)[len(self.latency) // 2] if self.latency else 0.01
        time.sleep(frac * lat)
        self.stop.set()  # no new post from now on; those under way meet the kill
        server.kill()
        for th in threads:
            th.join(timeout=2 * TIMEOUT)


def history(sobre, db):
    """`sobre history --limit 0`, oldest first, as [(head, new)]: head is
    "IDBP FIELD" or FIELD."""
    r = subprocess.run([sobre, "history", "--limit", "0", "--db", db], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"sobre history after the restart: exit {r.returncode}: {r.stderr.strip()}")
    out = []
    for line in r.stdout.splitlines():
        m = re.match(r"\S+  \S+  (.*?): (.*) -> (.*)$", line)
        if m:
            out.append((m.group(1), m.group(3)))
    return out


def key_of(w):
    if w.kind == "assess":
        return (f"{w.idbp} comment", w.comment)
    if w.kind == "measure":
        return (f"{w.idbp} measure {w.num} {w.period}", w.value)
    return ("snapshot", w.name)


def api(b, path):
    s, _, body = b.req(path)
    if s != 200:
        fail(f"GET {path}: {s}")
        return None
    return json.loads(body)


def verify(sobre, db, browsers, log, practices):
    """Every acknowledged write of every round so far, through the app (the
    history, JSON API, snapshot page, the sessions), then the database (a
    SqliteDb or PgDb) read without the app as a second oracle. Returns the
    id()s of the posts that were written (found in the history)."""
    for t, b in enumerate(browsers):
        s, _, _ = b.req("/pilotage/")
        if s != 200:
            fail(f"the session of browser {t} (an acknowledged login) is gone after the restart ({s})")
    hist = history(sobre, db.location)
    entries = set(hist)
    latest = {head: new for head, new in hist}  # a measurement's value is its last history entry
    found = {id(w) for w in log if key_of(w) in entries}
    for w in log:
        if w.outcome == "ack" and id(w) not in found:
            fail(f"acknowledged {w} is missing from the history", w)
        elif w.outcome not in ("ack", "inflight") and id(w) in found:
            fail(f"{w} was not written ({w.outcome}) but is in the history")
    measures = {}  # (idbp, num, period) -> value it must have now
    for w in log:
        if w.kind == "measure" and id(w) in found:
            measures[(w.idbp, w.num, w.period)] = latest[key_of(w)[0]]
    b = browsers[0]
    for idbp in practices:
        doc = api(b, f"/pilotage/api/pratiques/{idbp}")
        if doc is None:
            continue
        # Assessments: versions order the saves of a practice; the current state is the last one written.
        done = [w for w in log if w.kind == "assess" and w.idbp == idbp and id(w) in found]
        acked = [w.version for w in log if w.kind == "assess" and w.idbp == idbp and w.outcome == "ack"]
        if acked and doc["version"] <= max(acked):
            fail(f"{idbp}: row version {doc['version']}, but a save based on {max(acked)} was acknowledged")
        got = (doc["status"], doc["owner"] or "", doc["due"] or "", doc["comment"], sorted(doc["evidence"]))
        if done:
            last = max(done, key=lambda w: w.version)
            want = (last.status, last.owner, last.due, last.comment, sorted(last.evidence))
            if got != want:
                fail(f"{idbp}: the assessment is {got}, not the last save written {want}")
        elif doc["comment"] is not None:
            fail(f"{idbp}: comment {doc['comment']!r} that no post wrote")
        # Measurements: the API's last 12 per indicator, each with its last written value.
        for ind in doc["indicators"]:
            shown = {m["period"]: m["value"] for m in ind["measures"]}
            oldest = min(shown, default="")
            for (i, num, period), value in measures.items():
                if i == idbp and num == ind["num"] and (len(shown) < 12 or period >= oldest) and \
                        shown.get(period) != value:
                    fail(f"{idbp} #{num} {period}: GET /pilotage/api/pratiques/{idbp} shows "
                         f"{shown.get(period)!r}, the last value written is {value!r}")
            for period, value in shown.items():
                if (idbp, ind["num"], period) not in measures:
                    fail(f"{idbp} #{ind['num']} {period} = {value}: a measurement no post wrote")
    s, _, page = b.req("/pilotage/instantanes")
    names = set(re.findall(r'<th scope="row">([^<]*)</th>', page.decode()))
    for w in log:
        if w.kind == "snapshot" and w.outcome == "ack" and w.name not in names:
            fail(f"acknowledged {w} is missing from /pilotage/instantanes", w)
    # Second oracle: the database itself, without the app.
    where = f"the database ({db.kind}, read without the app)"
    for msg in db.integrity():
        fail(msg)
    hist_rows = set(db.rows("SELECT idbp, field, new FROM history"))
    items = {name: int(n) for name, n in db.rows("SELECT s.name, count(*) FROM snapshot_item "
                                                 "JOIN snapshot s ON s.id = snapshot_id GROUP BY s.name")}
    held = {(idbp, str(num), period): value for idbp, num, period, value in db.rows(
        "SELECT p.idbp, i.num, m.period, m.value FROM measurement m JOIN indicator i ON i.id = m.indicator_id "
        "JOIN practice p ON p.id = i.practice_id WHERE p.perimeter_id = 1")}
    for w in log:
        if w.outcome != "ack":
            continue
        if w.kind == "snapshot":
            ok = items.get(w.name) == len(practices)
        else:
            head, new = key_of(w)
            ok = tuple(head.split(" ", 1)) + (new,) in hist_rows
        if not ok:
            fail(f"acknowledged {w} is missing from {where}", w)
    for (idbp, num, period), value in measures.items():
        got = held.get((idbp, str(num), period))
        if got != value:
            fail(f"{idbp} #{num} {period}: {where} holds {got!r}, the last value written is {value!r}")
    return found


def main(argv):
    global NAME
    pg = None
    if len(argv) > 1 and argv[0] == "--pg":
        pg, argv = argv[1], argv[2:]
        NAME = "pg web crash"
    if len(argv) not in (1, 2):
        sys.exit(__doc__)
    sobre = argv[0]
    here = os.path.dirname(os.path.abspath(__file__))
    guide = argv[1] if len(argv) > 1 else os.path.join(here, "..", "..", "examples", "guide")
    t_start = time.monotonic()
    print(f"{NAME}: seed {SEED} (set SOBRE_CRASH_SEED={SEED} to replay the same choices)", flush=True)
    work = tempfile.mkdtemp()
    if pg:
        db = PgDb(pg, f"crash_{os.getpid()}")
        db.create()
    else:
        db = SqliteDb(work)
    server = Server(os.path.abspath(sobre), guide, db.location, work)
    rng = random.Random(SEED)
    log, counter, periods = [], [0], {}
    inflight_rounds, rnd, found = 0, 0, set()
    try:
        port, password = server.start()
        if not password:
            raise SystemExit(f"{NAME}: the first start printed no admin password")
        browsers = [Browser() for _ in range(THREADS)]
        for b in browsers:
            b.port = port
            b.login(password)
        practices = [p["id"] for p in api(browsers[0], "/pilotage/api/pratiques")]
        indicators = []
        for idbp in practices:
            for ind in api(browsers[0], f"/pilotage/api/pratiques/{idbp}")["indicators"]:
                indicators.append((idbp, ind["num"], ind["type"]))
        if not practices or not indicators:
            raise SystemExit(f"{NAME}: the guide has no practice or no indicator")
        for rnd in range(1, ROUNDS + 1):
            traffic = Traffic(rnd, browsers, practices, indicators, log, counter, periods)
            traffic.run(server, rng)
            mine = [w for w in log if w.rnd == rnd]
            if any(w.outcome is None for w in mine):
                fail(f"round {rnd}: a posting thread did not finish")
            port, _ = server.start()
            for b in browsers:
                b.port = port
            found = verify(server.sobre, db, browsers, log, practices)
            inflight = [w for w in mine if w.outcome == "inflight"]
            inflight_rounds += bool(inflight)
            print(f"{NAME}: round {rnd}: {sum(w.outcome == 'ack' for w in mine)} acknowledged, "
                  f"{len(inflight)} in flight at the kill ({sum(id(w) in found for w in inflight)} committed)",
                  flush=True)
            if problems:
                break
        code = server.stop()
        if code != 0:
            fail(f"the server did not stop cleanly after the last restart (exit {code})")
    finally:
        server.stop()
        logs = "".join(open(os.path.join(work, f), errors="replace").read()
                       for f in sorted(os.listdir(work)) if f.endswith(".err"))
        shutil.rmtree(work, ignore_errors=True)
        if not problems:  # a failed run's schema stays, for a look with psql
            db.drop()
    if re.search(r"Sanitizer|runtime error", logs):
        fail("sanitizer report from the server:\n" + logs[-3000:])
    acked = [w for w in log if w.outcome == "ack"]
    inflight = [w for w in log if w.outcome == "inflight"]
    count = lambda o: sum(w.outcome == o for w in log)
    print(f"{NAME}: {rnd} rounds, {THREADS} threads, {len(log)} posts: {len(acked)} acknowledged, "
          f"{len(acked) - len(missing)} present after the kills; {len(inflight)} in flight at a kill "
          f"(in {inflight_rounds} rounds; {sum(id(w) in found for w in inflight)} of them committed), "
          f"{count('409')} refused as conflicts (409), {count('503')} as busy (503), {count('notsent')} not sent; "
          f"{time.monotonic() - t_start:.1f} s")
    if not problems and inflight_rounds < (rnd + 1) // 2:
        fail(f"writes were in flight at only {inflight_rounds} of {rnd} kills: the kills miss the traffic")
    print(f"{NAME}: {'passed' if not problems else f'{len(problems)} failed'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
