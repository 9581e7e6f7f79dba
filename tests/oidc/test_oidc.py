#!/usr/bin/env python3
"""OpenID Connect login of `sobre serve` against a real provider (the
certified oidc-provider package, tests/oidc/provider.mjs) on 127.0.0.1,
with keys generated here, in two configurations: like ProConnect (RS256,
client_secret_post, signed userinfo, siret and organizational_unit) and
like a plain provider (ES256, client_secret_basic, JSON userinfo). A
browser without JavaScript is played by hand: cookies, redirects followed
one by one, the provider's own login form filled in.

Checks: a full login links the account and keeps its claims (Mon compte);
a new account by domain; logout at the provider's end_session with
id_token_hint; and each refusal: another browser's state, a used state
(the same callback twice; the spent code under a fresh state), a wrong nonce, an expired ID token, a corrupted
signature, another audience, an unknown key id, an unverified address, a
domain not allowed, an unknown account with provisioning "existing", and
password logins off (api tokens still working).

    test_oidc.py SOBRE GUIDE_DIR NODE_MODULES_DIR

Prints "oidc: N passed, M failed" and exits non-zero on any failure."""
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import dbtest  # noqa: E402  (SOBRE_TEST_BACKEND=pg: the databases are schemas on PostgreSQL)

passed = failed = 0
HERE = os.path.dirname(os.path.abspath(__file__))


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: oidc:", what)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Browser:
    """Cookies for every 127.0.0.1 port, no redirect followed."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect,
                                                  urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def req(self, url, data=None, headers=None):
        if url.startswith("/"):
            url = self.base + url
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        r = urllib.request.Request(url, data=body, headers=dict(headers or {}))
        try:
            with self.opener.open(r, timeout=30) as resp:
                s, h, b = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            s, h, b = e.code, e.headers, e.read()
        m = re.search(rb'name="csrf" value="([0-9a-f]{64})"', b)
        if m:
            self.csrf = m.group(1).decode()
        return s, h, b

    def cookie(self, name):
        for c in self.jar:
            if c.name == name:
                return c.value
        return None

    def to_callback(self, email, callback_base=None):
        """From sobre's button to the provider's answer: the callback URL
        (not yet opened; on callback_base, default this browser's server),
        or None with the last answer."""
        callback = (callback_base or self.base) + "/pilotage/oidc/retour"
        self.req("/pilotage/connexion")
        s, h, _ = self.req("/pilotage/connexion/oidc", {"csrf": self.csrf})
        if s != 303:
            return None, (s, h)
        url = urllib.parse.urljoin(self.base, h["Location"])
        for _ in range(12):
            if url.startswith(callback):
                return url, None
            s, h, b = self.req(url)
            if s == 200 and b'name="prompt" value="login"' in b:
                action = re.search(rb'<form[^>]*action="([^"]+)"', b).group(1).decode()
                s, h, b = self.req(urllib.parse.urljoin(url, action),
                                   {"prompt": "login", "login": email, "password": "anything"})
            if s not in (302, 303):
                return None, (s, b)
            url = urllib.parse.urljoin(url, h["Location"])
        return None, ("too many redirects",)

    def login(self, email):
        url, last = self.to_callback(email)
        if not url:
            return None, None, repr(last)[:300].encode()
        return self.req(url)


def cli(sobre, *args, stdin=None):
    return subprocess.run([sobre, *args], capture_output=True, text=True, input=stdin)


def keygen(work, kind):
    """A fresh private key (RSA 2048 or EC P-256) in PEM, made by Node's
    crypto (OpenSSL underneath): the provider signs with it, and so does
    its tampering step."""
    path = os.path.join(work, kind + ".pem")
    opts = "{modulusLength: 2048}" if kind == "rsa" else "{namedCurve: 'P-256'}"
    js = (f"const c = require('node:crypto'); const k = c.generateKeyPairSync('{kind}', {opts}).privateKey;"
          f"require('node:fs').writeFileSync(process.argv[1], k.export({{type: 'pkcs8', format: 'pem'}}),"
          f" {{mode: 0o600}});")
    subprocess.run(["node", "-e", js, path], check=True)
    return path


def start_provider(node_modules, mode, key, secret, base, log):
    port = free_port()
    env = dict(os.environ, NODE_PATH=node_modules)
    p = subprocess.Popen(["node", os.path.join(HERE, "provider.mjs"), str(port), mode, key, secret,
                          base + "/pilotage/oidc/retour", base + "/pilotage/connexion"],
                         stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=HERE)
    line = p.stdout.readline()
    if "listening" not in line:
        p.kill()
        raise SystemExit(f"oidc: FAILED: the provider did not start ({line!r}; see {log.name})")
    return p, f"http://127.0.0.1:{port}"


def start_sobre(sobre, guide, db, port, extra, log):
    p = subprocess.Popen([sobre, "serve", "--port", str(port), "--db", db, "--admin", "admin@example.fr",
                          *extra, guide], stdout=subprocess.PIPE, stderr=log, text=True)
    line = p.stdout.readline()
    if not re.search(r":(\d+)/", line):
        p.kill()
        raise SystemExit(f"oidc: FAILED: serve did not start ({line!r}; see {log.name})")
    return p


def stop(p):
    """Stops p; its exit status (None when it had to be killed)."""
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        return None


def says(body, text):
    """Whether the page says text (its apostrophes escaped or not)."""
    page = (body or b"").decode("utf-8", "replace")
    for esc in ("&#39;", "&#x27;", "&apos;"):
        page = page.replace(esc, "'")
    return text in page


def log_has(log, text, since):
    log.flush()
    with open(log.name, encoding="utf-8", errors="replace") as f:
        f.seek(since)
        return text in f.read()


def log_size(log):
    log.flush()
    return os.path.getsize(log.name)


def refused_token(b, base, prov, how, log_text, log, what):
    """Logs in with the provider's ID token altered as how says; sobre must
    refuse, saying why in its log."""
    b.req(prov + "/__tamper?mode=" + how)
    at = log_size(log)
    s, h, body = b.login("marie@agence.gouv.fr")
    check(s == 403 and says(body, "n'a pas confirmé votre identité"), f"{what}: refused ({s})")
    check(b.cookie("sobre_session") is None, f"{what}: no session")
    time.sleep(0.2)
    check(log_has(log, log_text, at), f"{what}: the log says '{log_text}'")


def proconnect_like(sobre, guide, work, node_modules, log):
    key = keygen(work, "rsa")
    secret = "s3cr3t-post-" + os.urandom(8).hex()
    sfile = os.path.join(work, "secret-pc")
    with open(sfile, "w") as f:
        f.write(secret + "\n")
    os.chmod(sfile, 0o600)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    prov, prov_url = start_provider(node_modules, "proconnect", key, secret, base, log)
    db = dbtest.location(os.path.join(work, "pc.db"))
    srv = start_sobre(sobre, guide, db, port,
                      ["--base-url", base, "--oidc-issuer", prov_url, "--oidc-client-id", "sobre",
                       "--oidc-client-secret-file", sfile, "--oidc-name", "ProConnect",
                       "--oidc-scopes", "openid email given_name usual_name siret organizational_unit",
                       "--oidc-provision", "domains", "--oidc-domains", "agence.gouv.fr"], log)
    try:
        r = cli(sobre, "user", "add", "marie@agence.gouv.fr", "--role", "pilote", "--db", db,
                "--password-stdin", stdin="a long password\n")
        check(r.returncode == 0, "user add: " + r.stderr)
        b = Browser(base)
        s, h, page = b.req("/pilotage/connexion")
        # The button's form redirects to the provider: form-action allows it.
        csp = h.get("Content-Security-Policy", "")
        check(re.search(r"form-action 'self' " + re.escape(prov_url) + r";", csp) is not None,
              "the pages' CSP lets forms lead to the provider: " + csp)
        check(says(page, "S'identifier avec ProConnect") and b'name="password"' in page,
              "the login page has the button and the password form")

        # A full login: the existing account, linked, with its claims.
        s, h, body = b.login("marie@agence.gouv.fr")
        check(s == 303 and h["Location"] == "/pilotage/", f"login: redirected to the app ({s} {body[:200]!r})")
        check(b.cookie("sobre_session") is not None, "login: a session")
        s, _, page = b.req("/pilotage/compte")
        check(s == 200 and b"marie@agence.gouv.fr" in page, "Mon compte: the account")
        check(b"Marie Curie" in page and b"13002526500013" in page and b"DINUM" in page,
              "Mon compte: given_name, usual_name, siret, organizational_unit")
        r = cli(sobre, "user", "list", "--db", db)
        check("pilote" in r.stdout, "the role is kept")

        # Logout: at the provider, with the ID token as hint.
        b.req("/pilotage/")
        s, h, _ = b.req("/pilotage/deconnexion", {"csrf": b.csrf})
        loc = h.get("Location", "") if h else ""
        q = urllib.parse.parse_qs(urllib.parse.urlparse(loc).query)
        check(s == 303 and loc.startswith(prov_url + "/session/end"), f"logout: to end_session ({loc})")
        check(q.get("id_token_hint", [""])[0].count(".") == 2, "logout: id_token_hint")
        check(q.get("post_logout_redirect_uri") == [base + "/pilotage/connexion"], "logout: post_logout_redirect_uri")
        s, _, _ = b.req(loc)
        check(s == 200, f"logout: the provider takes it ({s})")
        s, _, _ = b.req("/pilotage/compte")
        check(s == 303, "logout: the session is gone")

        # Another browser's state: the callback carried elsewhere.
        b = Browser(base)
        url, _ = b.to_callback("marie@agence.gouv.fr")
        other = Browser(base)
        s, _, body = other.req(url)
        check(s == 403 and says(body, "pas été commencée depuis ce navigateur"), f"another browser: refused ({s})")
        bad = re.sub(r"state=[^&]+", "state=" + "A" * 43, url)
        s, _, body = b.req(bad)
        check(s == 403 and other.cookie("sobre_session") is None, "a wrong state: refused")
        # The same callback twice: the second is refused (the state is spent).
        state = b.cookie("sobre_oidc")
        s, h, _ = b.req(url)
        check(s == 303 and b.cookie("sobre_session"), f"the first callback logs in ({s})")
        s, _, body = b.req(url, headers={"Cookie": "sobre_oidc=" + state})
        check(s == 403 and says(body, "déjà servi"), f"a replayed callback: refused ({s})")
        # The spent code under a fresh login's own state: sobre takes the
        # state and asks the provider, which refuses a code used once.
        old_code = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["code"][0]
        b2 = Browser(base)
        url2, _ = b2.to_callback("marie@agence.gouv.fr")
        at = log_size(log)
        s, _, body = b2.req(re.sub(r"code=[^&]+", "code=" + urllib.parse.quote(old_code), url2))
        check(s == 403 and b2.cookie("sobre_session") is None, f"a replayed code: refused ({s})")
        time.sleep(0.2)
        check(log_has(log, "invalid_grant", at), "a replayed code: the log says the provider's invalid_grant")

        # Tokens altered between the provider and sobre.
        b = Browser(base)
        refused_token(b, base, prov_url, "nonce", "nonce is not the one", log, "a wrong nonce")
        refused_token(b, base, prov_url, "expired", "has expired", log, "an expired ID token")
        refused_token(b, base, prov_url, "badsig", "signature is not valid", log, "a corrupted signature")
        refused_token(b, base, prov_url, "audience", "audience", log, "another audience")
        refused_token(b, base, prov_url, "unknownkid", "no key with kid 'unknown'", log, "an unknown key id")
        # After all that, a clean login still works (nothing cached wrongly).
        s, h, _ = b.login("marie@agence.gouv.fr")
        check(s == 303, f"a clean login after the refusals ({s})")

        # Provisioning by domain: a new lecteur; another domain refused.
        b = Browser(base)
        s, h, _ = b.login("jean@agence.gouv.fr")
        check(s == 303, f"a new account by domain ({s})")
        r = cli(sobre, "user", "list", "--db", db)
        check(re.search(r"jean@agence\.gouv\.fr\s+lecteur", r.stdout) is not None, "created as lecteur: " + r.stdout)
        b = Browser(base)
        at = log_size(log)
        s, _, body = b.login("paul@mairie.fr")
        check(s == 403 and says(body, "ni son domaine"), f"a domain not allowed: refused ({s})")
        time.sleep(0.2)
        check(log_has(log, "domain and SIRET not allowed", at), "a domain not allowed: logged")
        r = cli(sobre, "user", "list", "--db", db)
        check("paul@mairie.fr" not in r.stdout, "a domain not allowed: no account")
        # An address the provider did not verify.
        b = Browser(base)
        s, _, body = b.login("unverified@agence.gouv.fr")
        check(s == 403 and b.cookie("sobre_session") is None, f"an unverified address: refused ({s})")
    finally:
        rc = stop(srv)
        check(rc == 0, f"serve stops cleanly (status {rc}: under the sanitizers, a leak or an error says so)")
        stop(prov)


def plain_provider(sobre, guide, work, node_modules, log):
    key = keygen(work, "ec")
    secret = "basic:secret/" + os.urandom(8).hex()  # characters Basic must form-encode
    sfile = os.path.join(work, "secret-plain")
    with open(sfile, "w") as f:
        f.write(secret)
    os.chmod(sfile, 0o600)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    prov, prov_url = start_provider(node_modules, "plain", key, secret, base, log)
    db = dbtest.location(os.path.join(work, "plain.db"))
    srv = start_sobre(sobre, guide, db, port,
                      ["--base-url", base, "--oidc-issuer", prov_url, "--oidc-client-id", "sobre",
                       "--oidc-client-secret-file", sfile, "--local-login", "no"], log)
    try:
        r = cli(sobre, "user", "add", "ada@example.org", "--role", "admin", "--db", db, "--password-stdin",
                stdin="a long password\n")
        check(r.returncode == 0, "user add: " + r.stderr)
        b = Browser(base)
        s, _, page = b.req("/pilotage/connexion")
        check(says(page, "S'identifier avec 127.0.0.1"), "the button is named after the issuer's host")
        check(b'name="password"' not in page, "local login off: no password form")
        s, _, body = b.req("/pilotage/connexion", {"email": "ada@example.org", "password": "a long password",
                                                   "csrf": b.csrf})
        check(s == 403 and b.cookie("sobre_session") is None and says(body, "désactivée"),
              f"local login off: the password is refused ({s})")

        s, h, _ = b.login("ada@example.org")
        check(s == 303 and b.cookie("sobre_session") is not None, f"ES256, basic, JSON userinfo: logged in ({s})")
        s, _, page = b.req("/pilotage/compte")
        check(b"Ada Lovelace" in page, "Mon compte: given_name and family_name")
        # Api tokens keep working with local logins off.
        s, _, page = b.req("/pilotage/compte/jeton", {"csrf": b.csrf})
        m = re.search(rb"\b([0-9a-f]{64})\b", page.replace(b.csrf.encode(), b""))
        check(s == 200 and m is not None, "an api token is made")
        if m:
            api = Browser(base)
            s, _, _ = api.req("/pilotage/api/score", headers={"Authorization": "Bearer " + m.group(1).decode()})
            check(s == 200, f"the api token works ({s})")

        # Two servers on one database (base_url and the provider's redirect
        # URI name the first): a login started on the second comes back
        # through the first, which finds it in the database; the session
        # then works on both.
        port2 = free_port()
        srv2 = start_sobre(sobre, guide, db, port2,
                           ["--base-url", base, "--oidc-issuer", prov_url, "--oidc-client-id", "sobre",
                            "--oidc-client-secret-file", sfile, "--local-login", "no"], log)
        try:
            b2 = Browser(f"http://127.0.0.1:{port2}")
            url, last = b2.to_callback("ada@example.org", base)
            check(url is not None, f"two servers: the login started on the second reaches the callback ({last})")
            if url:
                s, _, _ = b2.req(url)
                check(s == 303 and b2.cookie("sobre_session") is not None,
                      f"two servers: the first server completes the second's login ({s})")
                s1, _, _ = b2.req(base + "/pilotage/")
                s2, _, _ = b2.req("/pilotage/")
                check(s1 == 200 and s2 == 200, f"two servers: the session works on both ({s1}, {s2})")
                s, _, _ = b2.req(url)
                check(s != 303, f"two servers: the callback replayed is refused ({s})")
        finally:
            rc = stop(srv2)
            check(rc == 0, f"the second server stops cleanly (status {rc})")

        # An unknown account with provisioning "existing" (the default).
        b = Browser(base)
        at = log_size(log)
        s, _, body = b.login("nobody@example.org")
        check(s == 403 and says(body, "Aucun compte n'existe"), f"unknown account: refused ({s})")
        time.sleep(0.2)
        check(log_has(log, "no account for this address", at), "unknown account: logged")
        check(b.cookie("sobre_session") is None, "unknown account: no session")
        refused_token(b, base, prov_url, "badsig", "signature is not valid", log, "ES256: a corrupted signature")
    finally:
        rc = stop(srv)
        check(rc == 0, f"serve stops cleanly (status {rc}: under the sanitizers, a leak or an error says so)")
        stop(prov)


def config_errors(sobre, work):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRE_")}
    conf = os.path.join(work, "bad.conf")
    with open(conf, "w") as f:
        f.write("oidc_issuer = http://idp.example.org\nlocal_login = no\n")
    r = subprocess.run([sobre, "config", "check", conf], capture_output=True, text=True, env=env)
    check(r.returncode == 1 and "the issuer must be an https URL" in r.stderr and "base_url" in r.stderr
          and "oidc_client_id" in r.stderr, "config check: the combination's errors: " + r.stderr)
    r = subprocess.run([sobre, "serve", "--config", conf], capture_output=True, text=True, env=env, timeout=20)
    check(r.returncode == 2 and "config-combination" in r.stderr, "serve refuses to start: " + r.stderr[-300:])


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sobre, guide, node_modules = (os.path.abspath(a) for a in sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="sobre-oidc-") as work, \
            open(os.path.join(work, "log"), "w+", encoding="utf-8") as log:
        try:
            config_errors(sobre, work)
            proconnect_like(sobre, guide, work, node_modules, log)
            plain_provider(sobre, guide, work, node_modules, log)
        finally:
            if failed:
                log.flush()
                with open(log.name, encoding="utf-8", errors="replace") as f:
                    print("--- log (last 60 lines)\n" + "".join(f.readlines()[-60:]), file=sys.stderr)
    print(f"oidc{dbtest.LABEL}: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
