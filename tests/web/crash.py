#!/usr/bin/env python3
"""Crash test of the steering web app: `sobre serve` is killed with SIGKILL while
8 threads post assessment, measurement and snapshot forms; after each restart every
write that got the app's success answer must be there and integrity_check must pass.

    tests/web/crash.py SOBRE [GUIDE_DIR]     (SOBRE_CRASH_SEED, SOBRE_CRASH_ROUNDS)"""
import datetime
import http.client
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

problems = []
missing = set()  # id() of the acknowledged writes found missing


def fail(msg, write=None):
    problems.append(msg)
    if write is not None:
        missing.add(id(write))
    print("FAIL: web crash:", msg, flush=True)


class NotSent(Exception):
    """The connection was refused: the request never reached a server."""


class InFlight(Exception):
    """Sent (at least partly), but no answer came back: outcome unknown."""


class Browser:
    """One user's browser without JavaScript: its cookies and the session's CSRF
    token; a new connection per request, so a refused connect means not sent."""

    def __init__(self):
        self.port = None
        self.cookies = {}
        self.csrf = None

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
            raise SystemExit(f"web crash: login failed ({s})")
        s, h, _ = self.req("/pilotage/")
        if s != 200 or not self.csrf:
            again = self.req("/pilotage/")[0]
            raise SystemExit(f"web crash: no dashboard after a successful login ({s} {h.get('Location', '')}; "
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
    def __init__(self, sobre, guide, db, work):
        self.sobre, self.guide, self.db, self.work = sobre, guide, db, work
        self.p = None
        self.starts = 0

    def start(self):
        self.starts += 1
        err = open(os.path.join(self.work, f"serve-{self.starts}.err"), "w")
        self.p = subprocess.Popen([self.sobre, "serve", "--port", "0", "--quiet", "--db", self.db, self.guide],
                                  stdout=subprocess.PIPE, stderr=err, text=True)
        err.close()
        out = "".join(self.p.stdout.readline() for _ in range(3))
        m = re.search(r"http://127\.0\.0\.1:(\d+)/pilotage/", out)
        if not m:
            raise SystemExit(f"web crash: serve did not start: {out!r}")
        pw = re.search(r"first login: admin@localhost with password (\S+)", out)
        return int(m.group(1)), pw.group(1) if pw else None

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
    history, JSON API, snapshot page, the sessions), then the file read-only
    with SQLite as a second oracle. Returns the id()s of the posts that were
    written (found in the history)."""
    for t, b in enumerate(browsers):
        s, _, _ = b.req("/pilotage/")
        if s != 200:
            fail(f"the session of browser {t} (an acknowledged login) is gone after the restart ({s})")
    hist = history(sobre, db)
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
    # Second oracle: the file itself, read-only, without the app.
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=TIMEOUT)
    try:
        r = con.execute("PRAGMA integrity_check").fetchall()
        if r != [("ok",)]:
            fail(f"PRAGMA integrity_check: {r}")
        if con.execute("PRAGMA foreign_key_check").fetchall():
            fail("PRAGMA foreign_key_check reports orphan rows")
        for w in log:
            if w.outcome != "ack":
                continue
            if w.kind == "snapshot":
                q = ("SELECT count(*) FROM snapshot_item JOIN snapshot s ON s.id = snapshot_id WHERE s.name = ?",
                     (w.name,))
                ok = con.execute(*q).fetchone()[0] == len(practices)
            else:
                head, new = key_of(w)
                idbp, field = head.split(" ", 1)
                ok = con.execute("SELECT 1 FROM history WHERE idbp = ? AND field = ? AND new = ?",
                                 (idbp, field, new)).fetchone()
            if not ok:
                fail(f"acknowledged {w} is missing from the database file (read-only SQLite)", w)
        for (idbp, num, period), value in measures.items():
            row = con.execute("SELECT m.value FROM measurement m JOIN indicator i ON i.id = m.indicator_id "
                              "JOIN practice p ON p.id = i.practice_id WHERE p.idbp = ? AND i.num = ? "
                              "AND m.period = ?", (idbp, num, period)).fetchone()
            if not row or row[0] != value:
                fail(f"{idbp} #{num} {period}: the file holds {row and row[0]!r}, the last value written is "
                     f"{value!r} (read-only SQLite)")
    finally:
        con.close()
    return found


def main(sobre, guide=None):
    here = os.path.dirname(os.path.abspath(__file__))
    guide = guide or os.path.join(here, "..", "..", "examples", "guide")
    t_start = time.monotonic()
    print(f"web crash: seed {SEED} (set SOBRE_CRASH_SEED={SEED} to replay the same choices)", flush=True)
    work = tempfile.mkdtemp()
    db = os.path.join(work, "sobre.db")
    server = Server(os.path.abspath(sobre), guide, db, work)
    rng = random.Random(SEED)
    log, counter, periods = [], [0], {}
    inflight_rounds, rnd, found = 0, 0, set()
    try:
        port, password = server.start()
        if not password:
            raise SystemExit("web crash: the first start printed no admin password")
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
            raise SystemExit("web crash: the guide has no practice or no indicator")
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
            print(f"web crash: round {rnd}: {sum(w.outcome == 'ack' for w in mine)} acknowledged, "
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
    if re.search(r"Sanitizer|runtime error", logs):
        fail("sanitizer report from the server:\n" + logs[-3000:])
    acked = [w for w in log if w.outcome == "ack"]
    inflight = [w for w in log if w.outcome == "inflight"]
    count = lambda o: sum(w.outcome == o for w in log)
    print(f"web crash: {rnd} rounds, {THREADS} threads, {len(log)} posts: {len(acked)} acknowledged, "
          f"{len(acked) - len(missing)} present after the kills; {len(inflight)} in flight at a kill "
          f"(in {inflight_rounds} rounds; {sum(id(w) in found for w in inflight)} of them committed), "
          f"{count('409')} refused as conflicts (409), {count('503')} as busy (503), {count('notsent')} not sent; "
          f"{time.monotonic() - t_start:.1f} s")
    if not problems and inflight_rounds < (rnd + 1) // 2:
        fail(f"writes were in flight at only {inflight_rounds} of {rnd} kills: the kills miss the traffic")
    print(f"web crash: {'passed' if not problems else f'{len(problems)} failed'}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
