#!/usr/bin/env python3
"""The web side of the e-mail reminders: the switch on "Mon compte" (a form
with its CSRF token) and the one-click unsubscribe page (RFC 8058): a GET
shows a confirmation and changes nothing, a POST without any cookie or
CSRF token (as a mail client sends it) turns the reminders off, an unknown
or another person's guessed token is a 404.

    test_reminders.py SOBRE GUIDE_DIR

Prints "reminders-web: N passed, M failed"; on PostgreSQL with
SOBRE_TEST_BACKEND=pg (tests/web/dbtest.py)."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbtest  # noqa: E402
from test_pilotage import Client, cli, start_server, stop_server  # noqa: E402

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: reminders-web{dbtest.LABEL}:", what)


def digest(db, email):
    return dbtest.query(db, 'SELECT digest FROM "user" WHERE email = ?', (email,))[0][0]


def main(sobre, guide):
    tmp = tempfile.mkdtemp(prefix="sobre-rweb-")
    try:
        g = os.path.join(tmp, "guide")
        shutil.copytree(guide, g)
        db = dbtest.location(os.path.join(tmp, "sobre.db"))
        p, port = start_server([sobre, "serve", "--port", "0", "--db", db, "--admin", "admin@example.fr",
                                "--quiet", g], subprocess.DEVNULL)
        try:
            r = cli(sobre, "user", "add", "bob@example.fr", "--role", "lecteur", "--password-stdin", "--db", db,
                    stdin="bobpassword1\n")
            check(r.returncode == 0, f"user add: {r.stderr}")
            r = cli(sobre, "user", "add", "eve@example.fr", "--role", "lecteur", "--password-stdin", "--db", db,
                    stdin="evepassword1\n")
            tok = dict(dbtest.query(db, 'SELECT email, unsubscribe_token FROM "user"'))
            check(len(set(tok.values())) == len(tok), "each user has their own token")
            bob = Client(port)
            check(bob.login("bob@example.fr", "bobpassword1")[0] == 303, "bob logs in")
            s, _, b = bob.req("/pilotage/compte")
            check(s == 200 and b'id="reminders" name="rappels" value="oui" checked' in b,
                  "Mon compte: reminders on by default")
            # Without the CSRF token: refused, nothing changed.
            s, _, _ = bob.req("/pilotage/compte/rappels", {"csrf": "0" * 64})
            check(s == 403 and digest(db, "bob@example.fr") == 1, f"a wrong CSRF token is refused ({s})")
            s, h, _ = bob.req("/pilotage/compte/rappels", {"csrf": bob.csrf})
            check(s == 303 and "ok=rappels" in h["Location"], f"switched off ({s})")
            check(digest(db, "bob@example.fr") == 0, "off in the database")
            s, _, b = bob.req("/pilotage/compte?ok=rappels")
            check(b'id="reminders" name="rappels" value="oui">' in b and "enregistrée".encode() in b,
                  "the page shows it off")
            s, _, _ = bob.req("/pilotage/compte/rappels", {"csrf": bob.csrf, "rappels": "oui"})
            check(s == 303 and digest(db, "bob@example.fr") == 1, "switched back on")
            # The one-click link: GET confirms only.
            anon = Client(port)
            path = "/pilotage/desabonnement/" + tok["bob@example.fr"]
            s, _, b = anon.req(path)
            check(s == 200 and b"bob@example.fr" in b and f'action="{path}"'.encode() in b and b"<button" in b,
                  f"GET shows a confirmation with a button ({s})")
            check(digest(db, "bob@example.fr") == 1, "GET changes nothing")
            # The mail client's POST: no cookie, no CSRF token.
            s, _, b = anon.req(path, raw=b"List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            check(s == 200 and b'id="unsubscribed"' in b, f"POST unsubscribes ({s})")
            check(digest(db, "bob@example.fr") == 0 and digest(db, "eve@example.fr") == 1,
                  "only that person is unsubscribed")
            r = cli(sobre, "history", "--db", db)
            check("reminders of bob@example.fr" in r.stdout, "logged in the history")
            # (An address longer than any route segment is no route: 303 to the login.)
            s, _, _ = anon.req("/pilotage/desabonnement/" + "x" * 70, raw=b"List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            check(s in (303, 404), f"an overlong token changes nothing ({s})")
            for bad in ("0" * 48, tok["bob@example.fr"][:-1] + "x"):
                s, _, _ = anon.req("/pilotage/desabonnement/" + bad)
                s2, _, _ = anon.req("/pilotage/desabonnement/" + bad, raw=b"List-Unsubscribe=One-Click",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
                check(s == 404 and s2 == 404, f"unknown token {bad[:8]}…: 404 ({s}, {s2})")
            check(digest(db, "eve@example.fr") == 1, "eve untouched")
        finally:
            stop_server(p)
    finally:
        shutil.rmtree(tmp)
    print(f"reminders-web{dbtest.LABEL}: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
