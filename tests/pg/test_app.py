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
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "web"))
sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
import crash  # noqa: E402  (its Browser)
import dbtest  # noqa: E402  (its query and execute, through psql)

ATTEMPTS = 3  # PILOTAGE_ATTEMPTS
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: pg app:", what)


def one(db, sql):
    return dbtest.query(db, sql)[0][0]


def login(port, email, password):
    """A new browser that logged in, with the login's status and page."""
    b = crash.Browser()
    b.port = port
    b.req("/pilotage/connexion")
    s, _, body = b.req("/pilotage/connexion", {"email": email, "password": password, "csrf": b.csrf})
    return b, s, body


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
        dbtest.execute(db, """CREATE SEQUENCE retry_probe;
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
            dbtest.execute(db, f"UPDATE retry_fail SET n = {n}, state = '{state}'; ALTER SEQUENCE retry_probe RESTART")
            before = one(db, "SELECT count(*) FROM session")
            _, s, b = login(port, "admin@localhost", password)
            tries = one(db, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM retry_probe")
            return s, b, tries, one(db, "SELECT count(*) FROM session") - before

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
        dbtest.execute(db, "DROP TRIGGER retry_probe ON session")

        # --- the database out of reach, then back
        browser, s, _ = login(port, "admin@localhost", password)
        check(s == 303, f"logged in before the outage ({s})")

        def get(path):
            s, _, body = browser.req(path)
            return s, body

        check(get("/pilotage/")[0] == 200, "the dashboard before the outage")
        name = one(db, "SELECT current_database()")
        admin = os.environ["SOBRE_TEST_PG"].rsplit("/", 1)[0] + "/postgres"
        dbtest.execute(admin, f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        try:
            dbtest.query(admin, f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{name}' "
                        "AND pid <> pg_backend_pid()")
            answers = [get("/pilotage/") for _ in range(4)]
            check(all(s == 503 and "Base de données injoignable".encode() in b for s, b in answers),
                  f"pages during the outage: 503 « Base de données injoignable » ({[s for s, _ in answers]})")
            s, b = get("/healthz")
            check(s == 503 and b == b"db-unavailable\n", f"/healthz during the outage: 503 db-unavailable ({s}, {b!r})")
        finally:
            dbtest.execute(admin, f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
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
        dbtest.execute(os.environ["SOBRE_TEST_PG"], f"DROP SCHEMA IF EXISTS t_retry{os.getpid()} CASCADE")
    print(f"pg app: {passed} passed, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: SOBRE_TEST_PG=URI test_app.py SOBRE GUIDE_DIR")
    sys.exit(main(sys.argv[1], sys.argv[2]))
