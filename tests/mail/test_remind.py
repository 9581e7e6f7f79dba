#!/usr/bin/env python3
"""`sobre remind` and serve's reminders against a real SMTP server on
loopback (Debian's aiosmtpd under /usr/bin/python3, tests/mail/smtpd.py):
plain, and STARTTLS with a self-signed certificate made here with openssl
and AUTH with a password file. Every message received is parsed back with
the email package: headers, encodings, both parts, links, List-Unsubscribe;
no message for someone with nothing due or who opted out; the assignment
message; nothing twice; a refused connection or login gives a clear error,
a non-zero exit and records nothing; two serve processes at once send each
message once.

    test_remind.py SOBRE GUIDE_DIR

Prints "remind: N passed, M failed"; SKIPPED without aiosmtpd, except
under CI (CI set), where that fails. On PostgreSQL with
SOBRE_TEST_BACKEND=pg (tests/web/dbtest.py): each folder's database, which
the commands find as ./sobre.db on SQLite, is then a schema named by
SOBRE_DB."""
import email
import email.policy
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "web"))
import dbtest  # noqa: E402

SYSPY = "/usr/bin/python3"
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: remind{dbtest.LABEL}:", what)


def have_aiosmtpd():
    try:
        return subprocess.run([SYSPY, "-c", "import aiosmtpd"], capture_output=True).returncode == 0
    except OSError:
        return False


class Server:
    def __init__(self, tmp, *args):
        self.dir = tempfile.mkdtemp(dir=tmp)
        self.p = subprocess.Popen([SYSPY, os.path.join(HERE, "smtpd.py"), self.dir, *args], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        if not line.strip().isdigit():
            raise SystemExit(f"smtpd did not start: {line!r} {self.p.stderr.read()!r}")
        self.port = int(line)

    def messages(self):
        out = []
        for name in sorted(os.listdir(self.dir)):
            if name.endswith(".eml"):
                with open(os.path.join(self.dir, name), "rb") as f:
                    raw = f.read()
                with open(os.path.join(self.dir, name[:-4] + ".env")) as f:
                    env = f.read().split("\n")
                out.append((raw, email.message_from_bytes(raw, policy=email.policy.default), env))
        return out

    def clear(self):
        for name in os.listdir(self.dir):
            os.remove(os.path.join(self.dir, name))

    def stop(self):
        self.p.terminate()
        self.p.wait(10)


def db_of(cwd):
    """The database of a folder: its sobre.db (the commands' default), or
    its schema on PostgreSQL."""
    return dbtest.location(os.path.join(cwd, "sobre.db"))


def at(env, cwd):
    """env for a command run in cwd: on PostgreSQL, SOBRE_DB names the
    folder's schema."""
    return dict(env, SOBRE_DB=db_of(cwd)) if dbtest.PG else env


def sobre(exe, cwd, env, *args):
    return subprocess.run([exe, *args], cwd=cwd, env=at(env, cwd), capture_output=True, text=True, timeout=120)


def make_db(exe, guide, cwd, env):
    shutil.copytree(guide, os.path.join(cwd, "guide"))
    steps = [["init", "--org", "Mairie de Testville"], ["guide", "import", "guide"]]
    for a in steps:
        r = sobre(exe, cwd, env, *a)
        assert r.returncode == 0, r.stderr
    for who, fn in (("bob@mairie.fr", ["--function", "Direction du numérique"]), ("carol@mairie.fr", []),
                    ("dave@mairie.fr", ["--function", "Direction du numérique"])):
        r = subprocess.run([exe, "user", "add", who, "--role", "pilote", *fn, "--password-stdin"], cwd=cwd,
                           env=at(env, cwd),
                           input="pilotepass123\n", capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    # dave opted out (what "Mon compte" or the unsubscribe link does).
    dbtest.execute(db_of(cwd), """UPDATE "user" SET digest = 0 WHERE email = 'dave@mairie.fr'""")
    for a in (["assess", "a.2", "--status", "planifiee", "--pilot", "Direction du numérique", "--due", "2026-05-03"],
              ["assess", "b.1", "--due", "2026-01-31", "--owner", "bob@mairie.fr"]):
        r = sobre(exe, cwd, env, *a)
        assert r.returncode == 0, r.stderr


def count(db, table):
    return dbtest.query(db, f"SELECT count(*) FROM {table}")[0][0]


def check_digest(raw, msg, token):
    for line in raw.split(b"\r\n"):
        check(len(line) <= 998, "lines of at most 998 octets")
    check(b"\n" not in raw.replace(b"\r\n", b""), "CRLF line ends only")
    check(msg["Subject"] == "Pilotage numérique responsable : 1 action en retard, 1 échéance proche, "
          "2 indicateurs à renseigner", f"accented subject round-trips: {msg['Subject']!r}")
    check(msg["From"].addresses[0].display_name == "Pilotage numérique", "From display name")
    check(msg["From"].addresses[0].addr_spec == "pilotage@mairie.fr", "From address")
    check(msg["To"] == "bob@mairie.fr", "To")
    check(msg["Date"].datetime.strftime("%Y-%m-%d") == "2026-05-02", "Date at SOBRE_NOW")
    check(re.fullmatch(r"<[0-9a-f]{32}\.sobre@mairie\.fr>", msg["Message-ID"]) is not None, "Message-ID")
    check(msg["Auto-Submitted"] == "auto-generated", "Auto-Submitted")
    check(msg["List-Unsubscribe"] == f"<https://sobre.example.org/pilotage/desabonnement/{token}>",
          f"List-Unsubscribe with the person's token: {msg['List-Unsubscribe']!r}")
    check(msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", "List-Unsubscribe-Post")
    check(msg.get_content_type() == "multipart/alternative", "multipart/alternative")
    parts = list(msg.iter_parts())
    check([p.get_content_type() for p in parts] == ["text/plain", "text/html"], "a text and an HTML part")
    for p in parts:
        check(p.get_content_charset() == "utf-8", "utf-8 parts")
        check(p["Content-Transfer-Encoding"] in ("quoted-printable", "base64"), "encoded parts")
    text, html = parts[0].get_content().replace("\r\n", "\n"), parts[1].get_content()
    check("b.1 Acheter reconditionné (échéance le 31 janvier 2026)" in text, "overdue action in the text")
    check("Actions en retard (1)" in text and "aujourd'hui ou demain (1)" in text, "sections")
    check("https://sobre.example.org/pilotage/pratiques/b.1\n" in text, "practice link in the text")
    check("https://sobre.example.org/pilotage/pratiques/a.2#indicateurs" in text, "indicator link")
    check('<a href="https://sobre.example.org/pilotage/pratiques/b.1">b.1 Acheter reconditionné</a>' in html,
          "practice link in the HTML")
    check("« % des achats reconditionnés »" in html, "indicator name in the HTML")
    check(f"/pilotage/desabonnement/{token}" in text and f"/pilotage/desabonnement/{token}" in html,
          "unsubscribe link in both parts")


def main():
    exe, guide = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not have_aiosmtpd():
        if os.environ.get("CI"):
            print("FAIL: remind: aiosmtpd is missing (apt install python3-aiosmtpd)")
            sys.exit(1)
        print(f"remind{dbtest.LABEL}: SKIPPED (no aiosmtpd for /usr/bin/python3)")
        return
    tmp = tempfile.mkdtemp(prefix="sobre-remind-")
    servers = []
    try:
        run(exe, guide, tmp, servers)
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp)
    print(f"remind{dbtest.LABEL}: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def run(exe, guide, tmp, servers):
    work = os.path.join(tmp, "w")
    os.makedirs(work)
    conf = os.path.join(tmp, "sobre.conf")
    open(conf, "w").write("base_url = https://sobre.example.org\n"
                          "smtp_from = Pilotage numérique <pilotage@mairie.fr>\nsmtp_timeout = 10\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRE_")}
    env.update(SOBRE_NOW="2026-05-02T09:00:00Z", SOBRE_USER="referente", TZ="UTC", SOBRE_CONFIG=conf)
    make_db(exe, guide, work, env)
    db = db_of(work)
    token = dbtest.query(db, """SELECT unsubscribe_token FROM "user" WHERE email = 'bob@mairie.fr'""")[0][0]
    check(re.fullmatch(r"[0-9a-f]{48}", token) is not None, "a 192-bit token per user")

    # A server that refuses connections: a clear error, exit 1, nothing recorded.
    plain = Server(tmp)
    servers.append(plain)
    env_closed = dict(env, SOBRE_SMTP_URL="smtp://127.0.0.1:1", SOBRE_SMTP_TLS="none")
    r = sobre(exe, work, env_closed, "remind")
    check(r.returncode == 1, f"connection refused exits 1 ({r.returncode}) {r.stderr}")
    check("status=failed" in r.stderr and "event=reminder" in r.stderr and "err=" in r.stderr,
          f"the failure is logged as key=value: {r.stderr}")
    check(count(db, "reminder_sent") == 0 and count(db, "assignment_sent") == 0, "nothing recorded as sent")

    # Plain SMTP on loopback: bob's digest and his two assignments.
    env_plain = dict(env, SOBRE_SMTP_URL=f"smtp://127.0.0.1:{plain.port}", SOBRE_SMTP_TLS="none")
    r = sobre(exe, work, env_plain, "remind")
    check(r.returncode == 0, f"remind exits 0: {r.stderr}")
    msgs = plain.messages()
    check(len(msgs) == 3, f"three messages: {len(msgs)}")
    rcpts = sorted(env_[1] for _, _, env_ in msgs)
    check(rcpts == ["bob@mairie.fr"] * 3, f"all to bob (carol has nothing due, dave opted out): {rcpts}")
    check(all(e[0] == "pilotage@mairie.fr" for _, _, e in msgs), "envelope sender from smtp_from")
    digests = [(raw, m) for raw, m, _ in msgs if m["Subject"].startswith("Pilotage")]
    check(len(digests) == 1, "one digest")
    if digests:
        check_digest(*digests[0], token)
    subjects = sorted(m["Subject"] for _, m, _ in msgs if not m["Subject"].startswith("Pilotage"))
    check(subjects == ["Vous êtes pilote de la pratique a.2", "Vous êtes responsable de la pratique b.1"],
          f"assignment subjects: {subjects}")
    for _, m, _ in msgs:
        if m["Subject"] == "Vous êtes pilote de la pratique a.2":
            t = m.get_body(("plain",)).get_content()
            check("« Direction du numérique »" in t and "https://sobre.example.org/pilotage/pratiques/a.2" in t,
                  "assignment message names the function and links to the practice")
    check(count(db, "reminder_sent") == 1 and count(db, "assignment_sent") == 2, "what was sent is recorded")

    # Twice: nothing more.
    plain.clear()
    r = sobre(exe, work, env_plain, "remind")
    check(r.returncode == 0 and plain.messages() == [], f"a second run sends nothing: {r.stderr}")
    # A new assignment: one message, to its new owner only.
    sobre(exe, work, env, "assess", "a.1", "--owner", "carol@mairie.fr")
    r = sobre(exe, work, env_plain, "remind")
    got = sorted((e[1], m["Subject"]) for _, m, e in plain.messages())
    # a.1 is hers now: its indicator waiting for a value comes in her digest.
    check(got == [("carol@mairie.fr", "Pilotage numérique responsable : 1 indicateur à renseigner"),
                  ("carol@mairie.fr", "Vous êtes responsable de la pratique a.1")], f"the new owner's messages: {got}")
    # Next week: a new digest for bob.
    plain.clear()
    r = sobre(exe, work, env_plain, "remind", "--now", "2026-05-11")
    got = sorted((e[1], m["Subject"][:15]) for _, m, e in plain.messages())
    check(got == [("bob@mairie.fr", "Pilotage numéri"), ("carol@mairie.fr", "Pilotage numéri")],
          f"next week's digests: {got}")

    # STARTTLS with a self-signed certificate and AUTH, the password in a file.
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    tls = Server(tmp, "--starttls", cert, key, "--auth", "sobre", "s3cret pass")
    servers.append(tls)
    pwfile = os.path.join(tmp, "pw")
    open(pwfile, "w").write("wrong\n")
    work2 = os.path.join(tmp, "w2")
    os.makedirs(work2)
    make_db(exe, guide, work2, env)
    db2 = db_of(work2)
    env_tls = dict(env, SOBRE_SMTP_URL=f"smtp://127.0.0.1:{tls.port}", SOBRE_SMTP_USER="sobre",
                   SOBRE_SMTP_PASSWORD_FILE=pwfile, SOBRE_SMTP_CA_FILE=cert)
    r = sobre(exe, work2, env_tls, "remind")
    check(r.returncode == 1 and "status=failed" in r.stderr, f"a refused login exits 1: {r.returncode} {r.stderr}")
    check(count(db2, "reminder_sent") == 0 and count(db2, "assignment_sent") == 0, "refused login: nothing recorded")
    check(tls.messages() == [], "refused login: nothing received")
    open(pwfile, "w").write("s3cret pass\n")
    r = sobre(exe, work2, env_tls, "remind")
    msgs = tls.messages()
    check(r.returncode == 0 and len(msgs) == 3, f"STARTTLS and AUTH: {r.returncode} {len(msgs)} {r.stderr}")
    check("can be read by every user" in r.stderr, "a world-readable password file is warned about")
    os.chmod(pwfile, 0o600)
    check(all(e[2] == "1" for _, _, e in msgs), "the messages went over TLS")
    # Without trusting the certificate, STARTTLS fails rather than going on in clear.
    env_untrusted = dict(env_tls)
    del env_untrusted["SOBRE_SMTP_CA_FILE"]
    sobre(exe, work2, env, "assess", "a.1", "--owner", "carol@mairie.fr")
    tls.clear()
    r = sobre(exe, work2, env_untrusted, "remind")
    check(r.returncode == 1 and tls.messages() == [], f"an untrusted certificate is refused: {r.stderr}")

    # Implicit TLS (smtps://), with AUTH: what the untrusted run left goes now.
    implicit = Server(tmp, "--tls", cert, key, "--auth", "sobre", "s3cret pass")
    servers.append(implicit)
    env_implicit = dict(env_tls, SOBRE_SMTP_URL=f"smtps://127.0.0.1:{implicit.port}")
    r = sobre(exe, work2, env_implicit, "remind")
    msgs = implicit.messages()
    check(r.returncode == 0 and msgs and all(e[1] == "carol@mairie.fr" for _, _, e in msgs),
          f"implicit TLS and AUTH: {r.returncode} {[e[1] for _, _, e in msgs]} {r.stderr}")
    check(all(e[2] == "1" for _, _, e in msgs), "implicit TLS: the messages went over TLS")
    implicit.clear()
    r = sobre(exe, work2, env_implicit, "remind")
    check(r.returncode == 0 and implicit.messages() == [], f"implicit TLS: nothing twice: {r.stderr}")

    # serve: reminders at start; two processes at once send each message once.
    plain.clear()
    work3 = os.path.join(tmp, "w3")
    os.makedirs(work3)
    make_db(exe, guide, work3, env)
    procs = [subprocess.Popen([exe, "serve", "--port", "0", "--db", db_of(work3), "--quiet",
                               os.path.join(work3, "guide")], cwd=work3, env=env_plain, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    deadline = time.time() + 20
    while time.time() < deadline and len(plain.messages()) < 3:
        time.sleep(0.2)
    time.sleep(1)
    for p in procs:
        p.terminate()
    errs = "".join(p.communicate(timeout=20)[1] for p in procs)
    got = sorted(m["Subject"] for _, m, _ in plain.messages())
    check(len(got) == 3 and len(set(got)) == 3, f"two serve processes: each message once: {got} {errs}")
    # And a restart sends nothing more.
    plain.clear()
    p = subprocess.Popen([exe, "serve", "--port", "0", "--db", db_of(work3), "--quiet",
                          os.path.join(work3, "guide")], cwd=work3, env=env_plain, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    p.stdout.readline()
    time.sleep(1.5)
    p.terminate()
    p.communicate(timeout=20)
    check(plain.messages() == [], "a restart sends nothing twice")

    # A mail server that takes the connection and never answers: the
    # reminders wait on their own thread, so pages are served meanwhile,
    # and a stop abandons the message at once rather than after
    # smtp_timeout; the message is not recorded as sent.
    mute = socket.socket()
    mute.bind(("127.0.0.1", 0))
    mute.listen(8)
    work4 = os.path.join(tmp, "w4")
    os.makedirs(work4)
    make_db(exe, guide, work4, env)
    env_mute = dict(env_plain, SOBRE_SMTP_URL=f"smtp://127.0.0.1:{mute.getsockname()[1]}", SOBRE_SMTP_TIMEOUT="120")
    p = subprocess.Popen([exe, "serve", "--port", "0", "--db", db_of(work4), "--quiet",
                          os.path.join(work4, "guide")], cwd=work4, env=env_mute, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    port = re.search(r":(\d+)/", p.stdout.readline()).group(1)
    time.sleep(1)
    t0 = time.time()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
        check(r.status == 200, "a mute mail server: pages are served meanwhile")
    check(time.time() - t0 < 2, "a mute mail server: without waiting for it")
    t0 = time.time()
    p.terminate()
    try:
        p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
    took = time.time() - t0
    check(p.returncode == 0 and took < 5, f"a mute mail server: serve stops in {took:.1f} s (status {p.returncode})")
    check(count(db_of(work4), "reminder_sent") == 0, "a mute mail server: nothing recorded as sent")
    mute.close()

    # /metrics counts them: a failed send under serve, then its retry.
    sobre(exe, work3, env, "assess", "a.1", "--owner", "bob@mairie.fr")
    for env_, name, want in ((dict(env, SOBRE_SMTP_URL="smtp://127.0.0.1:1", SOBRE_SMTP_TLS="none"),
                              "sobre_reminders_failed_total", 1),
                             (env_plain, "sobre_reminders_sent_total", 1)):
        p = subprocess.Popen([exe, "serve", "--port", "0", "--db", db_of(work3), "--quiet",
                              "--metrics", os.path.join(work3, "guide")], cwd=work3, env=env_,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        port = re.search(r":(\d+)/", p.stdout.readline()).group(1)
        body = ""
        for _ in range(50):
            body = urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
            if f"{name} {want}" in body:
                break
            time.sleep(0.2)
        p.terminate()
        p.communicate(timeout=20)
        check(f"{name} {want}\n" in body, f"/metrics: {name} {want}")
    got = [(e[1], m["Subject"]) for _, m, e in plain.messages()]
    check(got == [("bob@mairie.fr", "Vous êtes responsable de la pratique a.1")], f"retried by the next serve: {got}")


main()
