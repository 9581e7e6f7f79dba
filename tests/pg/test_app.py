#!/usr/bin/env python3
"""What the web app does on PostgreSQL alone:
- a request whose transaction loses a race (serialization failure,
  deadlock) runs again, PILOTAGE_ATTEMPTS (3) times in all, then is answered
  503 with nothing kept. The race is made, not waited for: a trigger on the
  session table raises the error while a non-transactional sequence counts
  the attempts, and a login (which opens a session) is the request;
- the database server out of reach (its connections ended, new ones
  refused): pages and /healthz answer 503 « Base de données injoignable » /
  db-unavailable, the server does not crash, and once connections are
  allowed again the next request reconnects and answers 200, still logged in.

    SOBRE_TEST_PG=URI tests/pg/test_app.py SOBRE GUIDE_DIR

Prints "pg app: N passed, M failed" and exits non-zero on any failure."""
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ATTEMPTS = 3  # PILOTAGE_ATTEMPTS
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: pg app:", what)


def psql(db, sql):
    psql_bin = os.path.join(os.environ.get("SOBRE_TEST_PG_BIN", ""), "psql")
    r = subprocess.run([psql_bin if os.environ.get("SOBRE_TEST_PG_BIN") else "psql", "-qXAt", "-v", "ON_ERROR_STOP=1",
                        db, "-c", sql], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"pg app: psql failed: {r.stderr}")
    return r.stdout.strip()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(port, email, password, keep=None):
    """Status and body of a login from a new browser (keep: a list that
    gets the browser's opener, to use its session afterwards)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect,
                                         urllib.request.HTTPCookieProcessor(jar))

    def req(data=None):
        body = urllib.parse.urlencode(data).encode() if data else None
        r = urllib.request.Request(f"http://127.0.0.1:{port}/pilotage/connexion", data=body)
        try:
            with opener.open(r, timeout=30) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    if keep is not None:
        keep.append(opener)
    _, b = req()
    token = re.search(rb'name="csrf" value="([0-9a-f]{64})"', b).group(1).decode()
    return req({"email": email, "password": password, "csrf": token})


def main(sobre, guide):
    if not os.environ.get("SOBRE_TEST_PG"):
        raise SystemExit("usage: SOBRE_TEST_PG=URI test_app.py SOBRE GUIDE_DIR")
    work = tempfile.mkdtemp()
    db = subprocess.run([os.path.join(HERE, "schema.sh"), f"retry{os.getpid()}"], capture_output=True, text=True,
                        check=True).stdout.strip()
    p = subprocess.Popen([sobre, "serve", "--port", "0", "--db", db, guide], stdout=subprocess.PIPE,
                         stderr=open(os.path.join(work, "serve.err"), "w"), text=True)
    try:
        out = "".join(p.stdout.readline() for _ in range(3))
        m = re.search(r"http://127\.0\.0\.1:(\d+)/pilotage/", out)
        pw = re.search(r"first login: admin@localhost with password (\S+)", out)
        if not m or not pw:
            raise SystemExit(f"pg app: serve did not start: {out!r}")
        port, password = int(m.group(1)), pw.group(1)
        # fail: how many attempts the trigger fails, and with which error.
        psql(db, """CREATE SEQUENCE retry_probe;
            CREATE TABLE retry_fail(n int, state text);
            INSERT INTO retry_fail VALUES (0, '40001');
            CREATE FUNCTION retry_probe() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE f retry_fail;
            BEGIN
              SELECT * INTO f FROM retry_fail;
              IF nextval('retry_probe') <= f.n THEN
                RAISE EXCEPTION 'made by test_app.py' USING ERRCODE = f.state;
              END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER retry_probe BEFORE INSERT ON session FOR EACH ROW EXECUTE FUNCTION retry_probe()""")

        def attempt(n, state):
            psql(db, f"UPDATE retry_fail SET n = {n}, state = '{state}'; ALTER SEQUENCE retry_probe RESTART")
            before = int(psql(db, "SELECT count(*) FROM session"))
            s, b = login(port, "admin@localhost", password)
            tries = int(psql(db, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM retry_probe"))
            return s, b, tries, int(psql(db, "SELECT count(*) FROM session")) - before

        s, _, tries, new = attempt(0, "40001")
        check(s == 303 and tries == 1 and new == 1, f"no race: one attempt, one session ({s}, {tries}, {new})")
        s, _, tries, new = attempt(ATTEMPTS - 1, "40001")
        check(s == 303 and tries == ATTEMPTS and new == 1,
              f"serialization failures: run again until it passes ({s}, {tries} attempts, {new} session)")
        s, _, tries, new = attempt(1, "40P01")
        check(s == 303 and tries == 2 and new == 1, f"a deadlock: run again ({s}, {tries} attempts, {new} session)")
        s, b, tries, new = attempt(100, "40001")
        check(s == 503 and tries == ATTEMPTS and new == 0,
              f"always losing: {ATTEMPTS} attempts, then 503, nothing kept ({s}, {tries} attempts, {new} session)")
        check("très sollicitée".encode() in b, f"the login page says why: {b[:300]!r}")
        s, _, tries, new = attempt(100, "23505")
        check(s == 503 and tries == 1 and new == 0,
              f"another error is not a race: one attempt ({s}, {tries} attempts, {new} session)")
        psql(db, "DROP TRIGGER retry_probe ON session")

        # --- the database out of reach, then back
        browser = []
        s, _ = login(port, "admin@localhost", password, browser)
        check(s == 303, f"logged in before the outage ({s})")

        def get(path, opener=None):
            r = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
            try:
                with (opener or browser[0]).open(r, timeout=30) as resp:
                    return resp.status, resp.read()
            except urllib.error.HTTPError as e:
                return e.code, e.read()

        check(get("/pilotage/")[0] == 200, "the dashboard before the outage")
        name = psql(db, "SELECT current_database()")
        admin = os.environ["SOBRE_TEST_PG"].rsplit("/", 1)[0] + "/postgres"
        psql(admin, f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        try:
            psql(admin, f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{name}' "
                        "AND pid <> pg_backend_pid()")
            answers = [get("/pilotage/") for _ in range(4)]
            check(all(s == 503 and "Base de données injoignable".encode() in b for s, b in answers),
                  f"pages during the outage: 503 « Base de données injoignable » ({[s for s, _ in answers]})")
            s, b = get("/healthz")
            check(s == 503 and b == b"db-unavailable\n", f"/healthz during the outage: 503 db-unavailable ({s}, {b!r})")
        finally:
            psql(admin, f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        check(p.poll() is None, "the server is still running")
        s, b = get("/pilotage/")
        check(s == 200 and b"Tableau de bord" in b, f"after the outage: the dashboard, still logged in ({s})")
        check(get("/healthz")[0] == 200, "after the outage: /healthz 200")
        p.terminate()
        p.wait(timeout=30)
        err = open(os.path.join(work, "serve.err")).read()
        check("db-retry" in err, "the log line of the 503 names the cause db-retry")
        outage = [x for x in err.splitlines() if "db-unavailable" in x and "path=/pilotage/ " in x]
        check(outage and all("route=/pilotage/ " in x for x in outage),
              "the log lines during the outage name the cause db-unavailable and the route:\n" + "\n".join(outage))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        psql(os.environ["SOBRE_TEST_PG"], f"DROP SCHEMA IF EXISTS t_retry{os.getpid()} CASCADE")
    print(f"pg app: {passed} passed, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: SOBRE_TEST_PG=URI test_app.py SOBRE GUIDE_DIR")
    sys.exit(main(sys.argv[1], sys.argv[2]))
