#!/usr/bin/env python3
"""Two `sobre serve` on one PostgreSQL database, HAProxy in front (issue #16).

    SOBRE_TEST_PG=URI tests/pg/two_servers.py SOBRE [GUIDE_DIR]
        (HAPROXY: its binary, default /usr/sbin/haproxy; SOBRE_CRASH_SEED;
         SOBRE_TWO_ROUNDS: SIGKILL rounds, default 4)

In new schemas of the database of SOBRE_TEST_PG (psql from SOBRE_TEST_PG_BIN
is the oracle, the app never is its own):
- two servers started at the same moment on an empty schema, four times: the
  schema created by one transaction, the guide imported once, one first
  admin, one password printed, both serving;
- the writers' lock is the schema's: another schema's writer holding its
  lock stops neither server, a writer holding theirs makes /healthz busy;
- HAProxy (roundrobin, health checks on /healthz, X-Served-By naming the
  server of each answer) in front of the third pair, and requests straight
  to each server where a check must know which one answers:
- a login form of one posted to the other, its session valid on both, a
  session's CSRF token of one accepted by the other, a logout on one ending
  the session on the other;
- a write through one read through the other at once: the practice page, the
  JSON API, and the pages kept in the page cache (dashboard, filtered
  practices list, warmed on every thread first), both ways; a measurement and
  a snapshot too;
- the login rate limit counting the failures made on both;
- a concurrent edit through both refused as a conflict, one after the other
  and at the same moment;
- on the fourth pair's schema (HAProxy moved to it through its runtime API),
  SIGKILL of one server while 8 threads post through HAProxy (the posting
  threads and checks of tests/web/crash.py), a different server each round:
  the threads go on and the survivor acknowledges their writes, HAProxy
  marks the killed one down and serves from the survivor, every acknowledged
  write is there (through the app and with psql, amcheck passing), the
  killed one restarted and put back.

Prints "pg two servers: N passed, M failed"; exits non-zero on a failure."""
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "web"))
sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
import crash  # noqa: E402
import dbtest  # noqa: E402

NAME = "pg two servers"
crash.NAME = NAME
ROUNDS = int(os.environ.get("SOBRE_TWO_ROUNDS", "4"))
# Trials of the simultaneous start: each is a new race for the schema; the
# last two pairs serve the other checks.
START_TRIALS = 4
# Conflicts provoked at the same moment through both servers.
RACES = 10
# Waits that end a hung run only.
TIMEOUT = 30
# HAProxy's checks: every 100 ms, down after 2 failures, up after 2 successes.
CHECK_MS = 100
THREADS_PER_SERVER = 4
# Writes the survivor must acknowledge after each kill, the posting threads
# going on.
AFTER_KILL = 30
STATUSES = ["réalisée", "en cours", "planifiée"]  # all "assessed": the dashboard's count moves predictably

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {NAME}: {what}", flush=True)
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class HAProxy:
    """HAProxy in front of servers a and b, from a configuration in work; its
    runtime API (a UNIX socket) reads the servers' states and moves a server
    to the port it was restarted on."""

    def __init__(self, binary, work):
        self.binary, self.work = binary, work
        self.sock = os.path.join(work, "haproxy.sock")
        self.p = None
        self.port = None

    def start(self, ports):
        cfg = os.path.join(self.work, "haproxy.cfg")
        for _ in range(5):  # someone may take the free port first
            self.port = free_port()
            with open(cfg, "w") as f:
                f.write(f"""global
    maxconn 512
    stats socket {self.sock} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client {TIMEOUT}s
    timeout server {TIMEOUT}s
    timeout check 2s
    # A connection refused (a killed server) is tried on the other one: no
    # byte of the request was sent.
    retries 3
    option redispatch 1
    option forwardfor

frontend web
    bind 127.0.0.1:{self.port}
    default_backend sobre

backend sobre
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    http-response set-header X-Served-By %[srv_name]
    default-server check inter {CHECK_MS} fall 2 rise 2
    server a 127.0.0.1:{ports[0]}
    server b 127.0.0.1:{ports[1]}
""")
            log = open(os.path.join(self.work, "haproxy.log"), "a")
            self.p = subprocess.Popen([self.binary, "-db", "-f", cfg], stdout=log, stderr=log)
            log.close()
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline and self.p.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    if os.path.exists(self.sock):
                        return True
                except OSError:
                    pass
                time.sleep(0.05)
            self.stop()
        return False

    def cmd(self, line):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(5)
        s.connect(self.sock)
        s.sendall(line.encode() + b"\n")
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        s.close()
        return out.decode()

    def states(self):
        """{server name: "UP", "DOWN", ...} from show stat."""
        lines = self.cmd("show stat").splitlines()
        head = lines[0].lstrip("# ").split(",")
        out = {}
        for line in lines[1:]:
            row = dict(zip(head, line.split(",")))
            if row.get("pxname") == "sobre" and row.get("svname") in ("a", "b"):
                out[row["svname"]] = row["status"].split(" ")[0]
        return out

    def wait(self, want):
        """Waits (bounded) until the states are want; returns the last seen."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            st = self.states()
            if all(st.get(k) == v for k, v in want.items()) or time.monotonic() > deadline:
                return st
            time.sleep(0.02)

    def move(self, name, port):
        """Points server name at port: in maintenance meanwhile, so that no
        check or request of the old address marks it up or down; then back
        through the checks of the new one. Returns its state then."""
        self.cmd(f"set server sobre/{name} state maint")
        self.cmd(f"set server sobre/{name} addr 127.0.0.1 port {port}")
        self.cmd(f"set server sobre/{name} state ready")
        return self.wait({name: "UP"}).get(name)

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def direct(port):
    """A browser that talks to one server."""
    b = crash.Browser()
    b.port = port
    return b


def login_across(b, first, second, email, password):
    """The login form from the server of port first, posted to second: the
    status of the post."""
    b.port = first
    b.req("/pilotage/connexion")
    b.port = second
    s, _, _ = b.req("/pilotage/connexion", {"email": email, "password": password, "csrf": b.csrf})
    return s


def version_of(page):
    m = re.search(rb'name="version" value="(\d+)"', page)
    return int(m.group(1)) if m else None


def assess(b, idbp, version, status, comment):
    return b.req(f"/pilotage/pratiques/{idbp}", {"csrf": b.csrf, "version": str(version), "status": status,
                                                  "pilot": "", "owner": "", "due": "", "comment": comment,
                                                  "evidence": ""})


class Pair:
    """The two servers a and b of one schema."""

    def __init__(self, sobre, guide, db, work, tag):
        # Not --quiet: the request log is read at the end.
        args = ["--threads", str(THREADS_PER_SERVER), "--trust-proxy"]
        self.servers = [crash.Server(sobre, guide, db.location, work, f"{tag}-{n}", args) for n in "ab"]
        self.banners = []
        self.passwords = []

    def start_together(self):
        for s in self.servers:
            s.launch()
        for s in self.servers:
            _, pw, out = s.ready()
            self.banners.append(out)
            self.passwords.append(pw)

    def stop(self):
        return [s.stop() for s in self.servers]

    def errs(self):
        """The standard error of each server, all starts."""
        out = []
        for s in self.servers:
            out.append("".join(open(os.path.join(s.work, f"{s.name}-{n}.err"), errors="replace").read()
                               for n in range(1, s.starts + 1)))
        return out


def start_race(sobre, guide, uri, work, trial):
    """Two servers started at the same moment on an empty schema: one makes
    the schema, imports the guide and adds the first admin; the other finds
    them. Returns (pair, db), running."""
    db = crash.PgDb(uri, f"two_{os.getpid()}_{trial}")
    db.create()
    pair = Pair(sobre, guide, db, work, f"start{trial}")
    pair.start_together()
    what = f"start {trial}"
    errs = pair.errs()
    check(sum(pw is not None for pw in pair.passwords) == 1,
          f"{what}: one server printed the first admin's password: {pair.banners}")
    check(sum("guide imported" in e for e in errs) == 1, f"{what}: one server imported the guide: {errs}")
    for s in pair.servers:
        st, _, body = direct(s.port).req("/healthz")
        check(st == 200 and body == b"ok\n", f"{what}: {s.name} answers /healthz ({st} {body!r})")
        st, _, body = direct(s.port).req("/pilotage/connexion")
        check(st == 200 and b'name="csrf"' in body, f"{what}: {s.name} serves the login page ({st})")
    one = lambda sql: db.rows(sql)[0][0]
    check(one("SELECT count(DISTINCT xmin::text) FROM pg_class WHERE relkind = 'r' "
              "AND relnamespace = current_schema()::regnamespace") == "1",
          f"{what}: the schema's tables were created by one transaction")
    check(one("SELECT count(*) FROM sobre_schema") == "1", f"{what}: one row in sobre_schema")
    check(one("SELECT count(*) FROM \"user\"") == "1", f"{what}: one first admin")
    check(one("SELECT count(*) FROM history WHERE field = 'guide version'") == "1"
          and one("SELECT count(*) FROM practice") == "6", f"{what}: the guide imported once (6 practices)")
    return pair, db


def health(port):
    """/healthz of the server at port: (status, body)."""
    s, _, body = direct(port).req("/healthz")
    return s, body


def lock_per_schema(db, elsewhere, a, b, password):
    """The writers' lock is the schema's: a writer holding it in another
    schema of the database keeps neither server from answering /healthz nor
    from writing; held in theirs, /healthz says busy (and HAProxy would take
    them out, which is why this runs before it starts)."""
    br = direct(a)
    br.login(password)
    held = dbtest.Holder(elsewhere.location)
    try:
        t = time.monotonic()
        codes = [health(port) for port in (a, b)]
        _, _, page = br.req("/pilotage/pratiques/a.1")
        s, _, _ = assess(br, "a.1", version_of(page), "planifiée", "under another schema's lock")
        took = time.monotonic() - t
    finally:
        held.release()
    check(codes == [(200, b"ok\n")] * 2 and s == 303 and took < 1.5,
          f"a writer of another schema holds its lock: both servers healthy, a write saved ({codes}, {s}, "
          f"{took:.2f} s)")
    held = dbtest.Holder(db.location)
    try:
        codes = [health(port) for port in (a, b)]
    finally:
        held.release()
    check(codes == [(503, b"db-busy\n")] * 2, f"a writer of their schema holds it: /healthz busy on both ({codes})")
    codes = [health(port) for port in (a, b)]
    check(codes == [(200, b"ok\n")] * 2, f"released: /healthz 200 again ({codes})")


def sessions(a, b, password):
    """A login on one is valid on the other; CSRF and logout across."""
    br = crash.Browser()
    check(login_across(br, a, b, "admin@localhost", password) == 303 and "sobre_session" in br.cookies,
          "the login form of a, posted to b: logged in")
    for name, port in (("a", a), ("b", b)):
        br.port = port
        s, _, body = br.req("/pilotage/")
        check(s == 200 and b"Tableau de bord" in body, f"the session made by b is valid on {name} ({s})")
    br.port = b
    s, _, page = br.req("/pilotage/pratiques/a.1")
    br.port = a
    s, h, _ = assess(br, "a.1", version_of(page), "planifiée", "session across")
    check(s == 303 and "ok=evaluation" in h.get("Location", ""),
          f"b's page and CSRF token, posted to a: saved ({s} {h.get('Location')})")
    token = br.cookies.get("sobre_session")
    s, _, _ = br.req("/pilotage/deconnexion", {"csrf": br.csrf})
    check(s == 303 and "sobre_session" not in br.cookies, f"logout on a ({s})")
    br.port = b
    br.cookies = {"sobre_session": token}  # the cookie the browser dropped, sent again by hand
    s, h, _ = br.req("/pilotage/")
    check(s == 303 and h.get("Location", "").endswith("/pilotage/connexion"),
          f"the session ended on a is refused by b ({s} {h.get('Location')})")


def cached_pages(db, a, b, password):
    """A write through one server shows at once on the other, also on the
    pages of the page cache, warmed on each of the reader's threads first."""
    wr = {"a": direct(a), "b": direct(b)}
    for x in wr.values():
        x.login(password)
    kpi = lambda body: re.search(rb'id="completion">(\d+) / (\d+)<', body)
    done_path = "/pilotage/pratiques?statut=" + urllib.parse.quote("réalisée")
    count = lambda body: re.search(rb'role="status">(\d+) pratique', body)
    # Each request a new connection: 3 loads per thread reach every thread's cache.
    loads = lambda br, path: [br.req(path) for _ in range(3 * THREADS_PER_SERVER)]

    def truth():
        rows = db.rows("SELECT idbp, status FROM practice WHERE perimeter_id = 1 AND removed_version IS NULL")
        st = dict(rows)
        return st, sum(v != "non évaluée" for v in st.values()), sum(v == "réalisée" for v in st.values())

    practices = sorted(truth()[0])
    for i in range(8):
        w, r = ("a", "b") if i % 2 == 0 else ("b", "a")
        idbp = practices[i % len(practices)]
        status = STATUSES[i % len(STATUSES)]
        before, assessed, done = truth()
        seen = [(kpi(x), count(y)) for (_, _, x), (_, _, y) in zip(loads(wr[r], "/pilotage/"),
                                                                     loads(wr[r], done_path))]
        check(all(k and int(k.group(1)) == assessed and c and int(c.group(1)) == done for k, c in seen),
              f"write {i}: {r}'s cached pages before the write show {assessed} assessed, {done} done")
        s, _, page = wr[w].req(f"/pilotage/pratiques/{idbp}")
        comment = f"cache {i} through {w}"
        s, h, _ = assess(wr[w], idbp, version_of(page), status, comment)
        check(s == 303, f"write {i}: {idbp} = {status} through {w} ({s})")
        want_assessed = assessed + (before[idbp] == "non évaluée")
        want_done = done + (status == "réalisée") - (before[idbp] == "réalisée")
        # At once: no wait between the write's answer and these reads.
        dash = loads(wr[r], "/pilotage/")
        lists = loads(wr[r], done_path)
        s, _, page = wr[r].req(f"/pilotage/pratiques/{idbp}")
        doc = crash.api(wr[r], f"/pilotage/api/pratiques/{idbp}")
        check(all(k and int(k.group(1)) == want_assessed for k in (kpi(x) for _, _, x in dash)),
              f"write {i} through {w}: every load of {r}'s dashboard shows {want_assessed} assessed: "
              f"{sorted(set(k.group(0).decode() if k else None for k in (kpi(x) for _, _, x in dash)))}")
        check(all(c and int(c.group(1)) == want_done for c in (count(x) for _, _, x in lists)),
              f"write {i} through {w}: every load of {r}'s list of done practices shows {want_done}")
        check((idbp.encode() in b"".join(x for _, _, x in lists)) == (status == "réalisée"),
              f"write {i} through {w}: {idbp} in {r}'s list of done practices only when done")
        check(s == 200 and comment.encode() in page and doc and doc["status"] == status and doc["comment"] == comment,
              f"write {i} through {w}: {r}'s practice page and API show it ({s}, {doc and doc['status']})")
    # A measurement and a snapshot through a, read through b at once.
    idbp, num = db.rows("SELECT p.idbp, i.num FROM indicator i JOIN practice p ON p.id = i.practice_id "
                        "WHERE i.type = 'quantity' AND p.perimeter_id = 1 ORDER BY 1, 2")[0]
    s, _, _ = wr["a"].req(f"/pilotage/pratiques/{idbp}/mesure", {"csrf": wr["a"].csrf, "indicator": num,
                                                                 "value": "4242", "period": "2026-01-01"})
    got = crash.api(wr["b"], f"/pilotage/api/pratiques/{idbp}") or {"indicators": []}
    vals = [m["value"] for x in got["indicators"] if str(x["num"]) == num for m in x["measures"]
            if m["period"] == "2026-01-01"]
    check(s == 303 and vals == ["4242"], f"a measurement through a, read through b at once ({s}, {vals})")
    loads(wr["b"], "/pilotage/")
    s, _, _ = wr["a"].req("/pilotage/instantanes", {"csrf": wr["a"].csrf, "name": "Bilan à deux"})
    dash = loads(wr["b"], "/pilotage/")
    s2, _, page = wr["b"].req("/pilotage/instantanes")
    check(s == 303 and all("Bilan à deux".encode() in x for _, _, x in dash)
          and '<th scope="row">Bilan à deux</th>'.encode() in page,
          f"a snapshot through a shows at once on b's dashboard (every load) and list ({s} {s2})")


def rate_limit(sobre, db, a, b):
    """Five failures, three on a and two on b, limit the account from this
    address on both: neither server saw five."""
    r = subprocess.run([sobre, "user", "add", "pilote@example.fr", "--role", "pilote", "--password-stdin",
                        "--db", db.location], input="pilote-password-1\n", capture_output=True, text=True)
    check(r.returncode == 0, f"user add for the rate limit: {r.stderr.strip()}")
    codes = []
    for n in range(5):
        br = crash.Browser()
        codes.append(login_across(br, (a, b)[n % 2], (a, b)[n % 2], "pilote@example.fr", "not the password"))
    check(codes == [401] * 5, f"five wrong passwords, alternately on a and b: 401 each ({codes})")
    check(db.rows("SELECT count(*) FROM login_failure WHERE email = 'pilote@example.fr'")[0][0] == "5",
          "the five failures are in the database")
    for name, port in (("a", a), ("b", b)):
        br = crash.Browser()
        s = login_across(br, port, port, "pilote@example.fr", "pilote-password-1")
        check(s == 429, f"the right password on {name} after the failures on both: 429 ({s})")


def conflicts(db, a, b, password):
    """Two browsers edit a practice from the same version, one through each
    server: the second save is refused (409) and nothing of it is written;
    then RACES times at the same moment: one saves, the other gets 409."""
    x, y = direct(a), direct(b)
    x.login(password)
    y.login(password)
    _, _, px = x.req("/pilotage/pratiques/b.1")
    _, _, py = y.req("/pilotage/pratiques/b.1")
    v = version_of(px)
    check(v is not None and v == version_of(py), f"both servers show b.1 at one version ({v}, {version_of(py)})")
    s1, _, _ = assess(x, "b.1", v, "en cours", "first through a")
    s2, _, body = assess(y, "b.1", v, "réalisée", "second through b")
    check(s1 == 303 and s2 == 409 and "a été modifiée".encode() in body and "depuis l&#39;ouverture".encode() in body,
          f"the later save of the same version, through the other server: 409 ({s1}, {s2})")
    row = db.rows("SELECT status, comment FROM practice WHERE idbp = 'b.1' AND perimeter_id = 1")
    check(row == [("en cours", "first through a")], f"the database holds the first save only: {row}")
    wins = {"a": 0, "b": 0}
    for n in range(RACES):
        _, _, page = x.req("/pilotage/pratiques/b.1")
        v = version_of(page)
        barrier = threading.Barrier(2)
        out = {}

        def post(br, name):
            barrier.wait()
            out[name] = assess(br, "b.1", v, "en cours", f"race {n} through {name}")[0]

        ts = [threading.Thread(target=post, args=(br, name)) for br, name in ((x, "a"), (y, "b"))]
        for t in ts:
            t.start()
        for t in ts:
            t.join(TIMEOUT)
        codes = sorted(out.values())
        if not check(codes == [303, 409], f"race {n}: one save, one conflict ({out})"):
            continue
        winner = "a" if out["a"] == 303 else "b"
        wins[winner] += 1
        row = db.rows("SELECT comment FROM practice WHERE idbp = 'b.1' AND perimeter_id = 1")
        hist = [r[0] for r in db.rows(f"SELECT new FROM history WHERE idbp = 'b.1' AND field = 'comment' "
                                      f"AND new LIKE 'race {n} %'")]
        check(row == [(f"race {n} through {winner}",)] and hist == [f"race {n} through {winner}"],
              f"race {n}: the winner's save only ({row}, history {hist})")
    return wins


class Through(crash.Traffic):
    """tests/web/crash.py's posting threads, going on through the kill: the
    survivor must take the writes that follow it."""

    def run(self, server, rng):
        threads = [threading.Thread(target=self.worker, args=(t,)) for t in range(crash.THREADS)]
        for th in threads:
            th.start()
        target = rng.randint(5, 60)
        frac = rng.random()
        deadline = time.monotonic() + TIMEOUT
        while self.acks < target and time.monotonic() < deadline and not crash.problems:
            time.sleep(0.002)
        check(self.acks >= target or crash.problems, f"round {self.rnd}: {self.acks} of {target} writes "
              f"acknowledged before the kill, in {TIMEOUT} s")
        with self.lock:
            lat = sorted(self.latency)[len(self.latency) // 2] if self.latency else 0.01
        time.sleep(frac * lat)
        server.kill()
        self.acks_at_kill = self.acks
        deadline = time.monotonic() + TIMEOUT
        while self.acks < self.acks_at_kill + AFTER_KILL and time.monotonic() < deadline and not crash.problems:
            time.sleep(0.002)
        self.stop.set()
        for th in threads:
            th.join(timeout=2 * TIMEOUT)


def kills(sobre, db, pair, hap, password, rng):
    """SIGKILL rounds under 8 threads posting through HAProxy."""
    browsers = [crash.Browser(proxied=True) for _ in range(crash.THREADS)]
    for br in browsers:
        br.port = hap.port
        br.login(password)
    practices = [p["id"] for p in crash.api(browsers[0], "/pilotage/api/pratiques")]
    indicators = [(idbp, i["num"], i["type"]) for idbp in practices
                  for i in crash.api(browsers[0], f"/pilotage/api/pratiques/{idbp}")["indicators"]]
    log, counter, periods = [], [0], {}
    inflight_rounds = 0
    found = set()
    for rnd in range(1, ROUNDS + 1):
        victim = pair.servers[(rnd - 1) % 2]
        other = pair.servers[rnd % 2]
        traffic = Through(rnd, browsers, practices, indicators, log, counter, periods)
        traffic.run(victim, rng)
        mine = [w for w in log if w.rnd == rnd]
        check(all(w.outcome is not None for w in mine), f"round {rnd}: every posting thread finished")
        after = traffic.acks - traffic.acks_at_kill
        check(after >= AFTER_KILL, f"round {rnd}: {after} writes acknowledged after the kill, through the survivor")
        st = hap.wait({victim.name[-1]: "DOWN", other.name[-1]: "UP"})
        check(st == {victim.name[-1]: "DOWN", other.name[-1]: "UP"},
              f"round {rnd}: HAProxy marks the killed server down, the other up ({st})")
        answers = []
        for _ in range(20):
            try:
                s, h, _ = browsers[0].req("/pilotage/")
                answers.append((s, h.get("X-Served-By")))
            except (crash.NotSent, crash.InFlight) as e:
                answers.append(str(e))
        check(answers == [(200, other.name[-1])] * 20,
              f"round {rnd}: HAProxy serves from the survivor {other.name[-1]}: {sorted(set(map(str, answers)))}")
        found = crash.verify(sobre, db, browsers, log, practices)
        inflight = [w for w in mine if w.outcome == "inflight"]
        inflight_rounds += bool(inflight)
        print(f"{NAME}: round {rnd}: {victim.name[-1]} killed; {sum(w.outcome == 'ack' for w in mine)} acknowledged "
              f"({after} after the kill), "
              f"{len(inflight)} in flight at the kill ({sum(id(w) in found for w in inflight)} committed), "
              f"{sum(w.outcome == 'notsent' for w in mine)} not sent", flush=True)
        victim.launch()
        port, pw, _ = victim.ready()
        check(pw is None, f"round {rnd}: the restarted server finds the admin")
        hap.move(victim.name[-1], port)
        st = hap.states()
        check(st == {"a": "UP", "b": "UP"}, f"round {rnd}: the restarted server back in HAProxy ({st})")
        if crash.problems:
            break
    # After the last restart, each server answers for every write.
    served = set()
    for _ in range(4):
        s, h, _ = browsers[0].req("/pilotage/")
        served.add(h.get("X-Served-By"))
    check(served == {"a", "b"}, f"both servers serve again ({served})")
    found = crash.verify(sobre, db, browsers, log, practices)
    acked = [w for w in log if w.outcome == "ack"]
    inflight = [w for w in log if w.outcome == "inflight"]
    count = lambda o: sum(w.outcome == o for w in log)
    print(f"{NAME}: {ROUNDS} kills, {crash.THREADS} threads, {len(log)} posts: {len(acked)} acknowledged, "
          f"{len(acked) - len(crash.missing)} present after the kills; {len(inflight)} in flight at a kill "
          f"(in {inflight_rounds} rounds; {sum(id(w) in found for w in inflight)} of them committed), "
          f"{count('409')} refused as conflicts (409), {count('503')} as busy (503), {count('notsent')} not sent",
          flush=True)
    check(acked and not crash.missing, f"no acknowledged write lost ({len(crash.missing)} of {len(acked)})")
    check(inflight_rounds >= (ROUNDS + 1) // 2,
          f"writes were in flight at {inflight_rounds} of {ROUNDS} kills: the kills must meet the traffic")


def main(argv):
    if len(argv) not in (1, 2) or not os.environ.get("SOBRE_TEST_PG"):
        sys.exit(__doc__)
    sobre = os.path.abspath(argv[0])
    guide = argv[1] if len(argv) > 1 else os.path.join(HERE, "..", "..", "examples", "guide")
    uri = os.environ["SOBRE_TEST_PG"]
    haproxy = os.environ.get("HAPROXY", "/usr/sbin/haproxy")
    t0 = time.monotonic()
    print(f"{NAME}: seed {crash.SEED} (set SOBRE_CRASH_SEED={crash.SEED} to replay the same choices)", flush=True)
    work = tempfile.mkdtemp()
    pairs, dbs, hap = [], [], None
    laps = []

    def lap(what):
        laps.append(f"{what} {time.monotonic() - t0 - sum(float(x.split()[-2]) for x in laps):.1f} s")

    def race(trial):
        pair, db = start_race(sobre, guide, uri, work, trial)
        pairs.append(pair)
        dbs.append(db)
        return pair, db

    def stop(pair, what):
        codes = pair.stop()
        check(codes == [0, 0], f"{what}: both servers stop on SIGTERM ({codes})")

    try:
        for trial in range(1, START_TRIALS - 1):
            stop(race(trial)[0], f"start {trial}")
        # The next pair for the checks of one feature each, the last for the kills.
        pair, db = race(START_TRIALS - 1)
        lap(f"{START_TRIALS - 1} starts")
        if failed:
            raise SystemExit(1)
        password = next(pw for pw in pair.passwords if pw)
        a, b = (s.port for s in pair.servers)
        lock_per_schema(db, dbs[0], a, b, password)
        hap = HAProxy(haproxy, work)
        if not check(hap.start((a, b)), "HAProxy starts"):
            raise SystemExit(1)
        st = hap.wait({"a": "UP", "b": "UP"})
        check(st == {"a": "UP", "b": "UP"}, f"HAProxy's health checks find both servers up ({st})")
        seen = []
        for _ in range(10):
            s, h, _ = direct(hap.port).req("/healthz")
            seen.append(h.get("X-Served-By") if s == 200 else s)
        check(sorted(seen) == ["a"] * 5 + ["b"] * 5, f"round robin through HAProxy: {seen}")
        probe = direct(b)
        probe.login(password)
        sessions(a, b, password)
        s, _, _ = probe.req("/pilotage/")
        check(s == 200, f"another session of the same account lives on after that logout ({s})")
        cached_pages(db, a, b, password)
        rate_limit(sobre, db, a, b)
        wins = conflicts(db, a, b, password)
        lap("checks across")
        print(f"{NAME}: {RACES} simultaneous saves through both: a won {wins['a']}, b won {wins['b']}", flush=True)
        # The kills on a schema of their own: their checks know every write.
        done, (pair, db) = pair, race(START_TRIALS)
        password = next(pw for pw in pair.passwords if pw)
        for srv in pair.servers:  # one at a time: the other serves meanwhile
            st = hap.move(srv.name[-1], srv.port)
            check(st == "UP", f"HAProxy's {srv.name[-1]} moved to the last pair's, up ({st})")
        stop(done, "after the checks")
        kills(sobre, db, pair, hap, password, random.Random(crash.SEED))
        lap("kills")
        stop(pair, "after the kills")
    finally:
        if hap:
            hap.stop()
        for p in pairs:
            p.stop()
        logs = "".join("".join(p.errs()) for p in pairs)
        hlog = os.path.join(work, "haproxy.log")
        hlog = open(hlog, errors="replace").read() if os.path.exists(hlog) else ""
        shutil.rmtree(work, ignore_errors=True)
        if not failed and not crash.problems:  # a failed run's schemas stay, for a look with psql
            for db in dbs:
                db.drop()
    check(not re.search(r"Sanitizer|runtime error", logs), "no sanitizer report from the servers:\n" + logs[-3000:])
    # Their request logs: a 5xx other than /healthz's busy (the lock held on
    # purpose) is a failure the checks above may not have asked about.
    bad5 = [line for line in logs.splitlines() if re.search(r" status=5\d\d ", line)
            and not re.search(r" route=/healthz .* status=503 .*\[db-busy\]", line)]
    check(len(re.findall(r" status=\d{3} ", logs)) > 100 and not bad5,
          "the servers' request logs hold no answer 5xx:\n" + "\n".join(bad5[:10]))
    hlines = hlog.splitlines()
    alerts = [n for n, line in enumerate(hlines) if re.search(r"\[(ALERT|EMERG)\]", line)]
    check(not alerts, "HAProxy reports no alert:\n" + "\n".join(hlines[max(0, alerts[0] - 8):alerts[0] + 3]
                                                                if alerts else []))
    bad = failed + len(crash.problems)
    print(f"{NAME}: {time.monotonic() - t0:.1f} s ({', '.join(laps)})", flush=True)
    print(f"{NAME}: {passed} passed, {bad} failed", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
