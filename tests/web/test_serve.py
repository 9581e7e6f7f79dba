#!/usr/bin/env python3
"""HTTP tests of `sobre serve` against a server started here on a loopback
port: pages and URLs, security headers, path traversal, method and size
limits, live reload with --watch, a clean stop on SIGTERM; /healthz and
/metrics.

    test_serve.py SOBRE GUIDE_DIR

Prints "serve: N passed, M failed" and exits non-zero on any failure. With
SOBRE_TEST_BACKEND=pg (tests/web/dbtest.py), only the parts that read the
database run, on PostgreSQL: /healthz and /metrics."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbtest  # noqa: E402
import rawhttp  # noqa: E402

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: serve{dbtest.LABEL}:", what)


def get(port, path, method="GET", data=None, headers=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers or {})
    try:
        with OPENER.open(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start(sobre, guide, *extra):
    # The steering database beside the guide copy, never in the current folder.
    db = dbtest.location(os.path.join(os.path.dirname(os.path.abspath(guide)), "sobre.db"))
    p = subprocess.Popen([sobre, "serve", "--port", "0", "--db", db, *extra, guide], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
    if not m:
        p.kill()
        raise SystemExit(f"serve did not start: {line!r} {p.stderr.read()!r}")
    return p, int(m.group(1)), m.group(2)


def hardening(p, port, home):
    """What the server decides before reading a body, its framing rules, and
    its limits on connections (issue 10, findings 2 to 4)."""
    # A body sent to the site (GET and HEAD only) is never read: 405 comes
    # back at once, before a byte of the 4 MB announced, and the connection
    # closes (the unread bytes must not be taken for a next request).
    c = rawhttp.connect(port)
    rawhttp.send(c, rawhttp.request("POST", home, [("Content-Length", str(4 << 20)),
                                                   ("Content-Type", "application/octet-stream")]))
    st, h, _, closed = rawhttp.read_answer(c, 3)
    c.close()
    check(st == [405] and h.get("connection") == "close" and closed,
          f"a body to a page: 405 before it is sent, connection closed ({st}, {h.get('connection')}, {closed})")
    st, _, _, _ = rawhttp.exchange(port, rawhttp.request("POST", home, [("Transfer-Encoding", "chunked")]))
    check(st == [405], f"a chunked body to a page: 405 at once ({st})")
    # 200 connections (from 7 loopback addresses: 32 per address) announce
    # 4 MB each and send 256 KB of it: before, every byte was buffered.
    before = rawhttp.rss_kb(p.pid)
    socks = []
    answered = 0
    for i in range(200):
        s = rawhttp.connect(port, src=f"127.0.0.{2 + i // 30}")
        rawhttp.send(s, rawhttp.request("POST", home, [("Content-Length", str(4 << 20))]) + b"x" * (256 << 10))
        socks.append(s)
    for s in socks:
        st, _, _, _ = rawhttp.read_answer(s, 3)
        answered += st == [405]
        s.close()
    grown = (rawhttp.rss_kb(p.pid) - before) // 1024
    check(answered == 200 and grown < 40,
          f"200 connections sending 4 MB bodies to a page: {answered} answered 405, the server grew {grown} MB")
    # Framing a proxy could read otherwise (request smuggling): refused, closed.
    frames = [
        ("two Content-Length", [("Content-Length", "5"), ("Content-Length", "30")], b"abcdeGET / HTTP/1.1\r\n\r\n", 400),
        ("Content-Length and chunked", [("Content-Length", "4"), ("Transfer-Encoding", "chunked")],
         b"0\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("Transfer-Encoding gzip", [("Transfer-Encoding", "gzip")], b"abc", 501),
        ("Transfer-Encoding gzip, chunked", [("Transfer-Encoding", "gzip, chunked")], b"0\r\n\r\n", 501),
        ("Content-Length not a number", [("Content-Length", "+5")], b"abcde", 400),
    ]
    for name, hdrs, body, want in frames:
        (st, h, _, closed), took = rawhttp.timed(
            lambda: rawhttp.exchange(port, rawhttp.request("POST", "/pilotage/connexion", hdrs, body)))
        check(st and st[0] == want and closed and took < 2, f"{name}: {want} at once, closed ({st}, {took:.1f} s)")
    st, _, _, _ = rawhttp.exchange(port, b"GET " + home.encode() + b" HTTP/1.1\r\n\r\n")
    check(st == [400], f"HTTP/1.1 without Host: 400 ({st})")
    st, _, _, _ = rawhttp.exchange(port, b"GET " + home.encode() + b" HTTP/1.0\r\n\r\n")
    check(st == [200], f"HTTP/1.0 without Host: 200 ({st})")
    # One address holding 1,100 connections with half a request each: the
    # ones past 32 are closed at once, and another address is answered.
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    slow = []
    for _ in range(1100):
        try:
            s = rawhttp.connect(port, src="127.0.0.20")
            rawhttp.send(s, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")
            slow.append(s)
        except OSError:
            pass
    (st, _, _, _), took = rawhttp.timed(lambda: rawhttp.exchange(
        port, rawhttp.request("GET", home, [("Connection", "close")]), src="127.0.0.21"))
    check(st == [200] and took < 1.0, f"1,100 slow connections from one address: another is answered in {took:.2f} s ({st})")
    for s in slow[:40]:
        rawhttp.send(s, b"X-More: 1\r\n")
    open_ = 0
    for s in slow:
        s.setblocking(False)
        try:
            open_ += 0 if s.recv(1) == b"" else 1
        except BlockingIOError:
            open_ += 1
        except OSError:
            pass
    check(open_ <= 32, f"at most 32 connections kept from one address ({open_} open)")
    for s in slow:
        s.close()
    # A client trickling its headers is cut off at the header timeout (10 s)
    # although it never goes quiet for long.
    s = rawhttp.connect(port, src="127.0.0.22")
    rawhttp.send(s, b"GET / HTTP/1.1\r\nHost: x\r\n")
    t0 = time.monotonic()
    cut = None
    while time.monotonic() - t0 < 16:
        time.sleep(1)
        if not rawhttp.send(s, b"X-Drip: 1\r\n"):
            cut = time.monotonic() - t0
            break
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                cut = time.monotonic() - t0
                break
        except BlockingIOError:
            pass
        except OSError:
            cut = time.monotonic() - t0
            break
        s.setblocking(True)
    s.close()
    check(cut is not None and 9 <= cut <= 13, f"headers trickled one line a second: cut off after {cut} s")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_settings(sobre, guide, conf, env, *args):
    """serve with the settings file conf, the variables env and args; returns
    the process and the (host, port) of its banner, or None and stderr."""
    db = dbtest.location(os.path.join(os.path.dirname(os.path.abspath(guide)), "sobre.db"))
    full = {k: v for k, v in os.environ.items() if not k.startswith("SOBRE_") or k in ("SOBRE_TESTDATA",)}
    full.update(env)
    p = subprocess.Popen([sobre, "serve", "--config", conf, "--db", db, *args, guide], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=full)
    m = re.search(r"http://([0-9.]+):(\d+)/", p.stdout.readline())
    if not m:
        p.wait(timeout=10)
        return p, None, p.stderr.read()
    return p, (m.group(1), int(m.group(2))), None


def settings(sobre, guide, work):
    """--config FILE: its keys are honoured, a SOBRE_<KEY> variable beats
    the file, an option beats both; a bad file stops serve with file:line:col."""
    conf = os.path.join(work, "sobre.conf")
    a, b = free_port(), free_port()
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"# test\nport = {a}\nbind = 127.0.0.2\nquiet = yes\n")
    p, where, err = start_settings(sobre, guide, conf, {})
    check(where == ("127.0.0.2", a), f"port and bind from the file: {where} {err}")
    if where:
        s, _, _ = get_at(where, "/")
        check(s in (200, 302), f"served on the file's address ({s})")
        check(stop(p) == 0, "settings server stops")
        log = p.stderr.read()
        check("settings read from " + conf in log and " GET / " not in log, f"quiet from the file: {log!r}")
    p, where, err = start_settings(sobre, guide, conf, {"SOBRE_PORT": str(b), "SOBRE_BIND": "127.0.0.1"})
    check(where == ("127.0.0.1", b), f"SOBRE_PORT and SOBRE_BIND beat the file: {where} {err}")
    if where:
        stop(p)
    p, where, err = start_settings(sobre, guide, conf, {"SOBRE_PORT": str(b)}, "--port", "0")
    check(where is not None and where[0] == "127.0.0.2" and where[1] not in (a, b),
          f"--port beats SOBRE_PORT, the file's bind kept: {where} {err}")
    if where:
        stop(p)
    p, where, err = start_settings(sobre, guide, conf, {"SOBRE_PORT": "x"})
    check(where is None and p.returncode == 2 and "SOBRE_PORT is 'x', not a value of 'port'" in err,
          f"a bad variable stops serve: {err!r}")
    with open(conf, "a", encoding="utf-8") as f:
        f.write("prot = 80\n")
    p, where, err = start_settings(sobre, guide, conf, {}, "--port", "0")
    check(where is None and p.returncode == 2 and f"{conf}:5:1: error: unknown key 'prot'" in err,
          f"a bad file stops serve: {err!r}")


def get_at(where, path):
    req = urllib.request.Request(f"http://{where[0]}:{where[1]}{path}")
    try:
        with OPENER.open(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        return None


# One sample line of Prometheus' text exposition format: name, {labels}, value.
SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse_exposition(text):
    """{(name, frozenset(labels)): value}, checking the format as it goes: every
    line a # HELP, a # TYPE or a sample; every sample of a family whose TYPE
    came first (a histogram's _bucket, _sum, _count included)."""
    samples, types, bad = {}, {}, []
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in ("counter", "gauge", "histogram", "summary", "untyped"):
                bad.append(line)
            else:
                types[parts[2]] = parts[3]
            continue
        m = SAMPLE.match(line)
        if not m:
            bad.append(line)
            continue
        name, labels, value = m.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name) if re.sub(r"_(bucket|sum|count)$", "", name) in types \
            else name
        if family not in types:
            bad.append(line)
        pairs, rest = [], labels or ""
        while rest:
            lm = LABEL.match(rest)
            if not lm:
                bad.append(line)
                break
            pairs.append((lm.group(1), re.sub(r"\\(.)", lambda x: "\n" if x.group(1) == "n" else x.group(1),
                                              lm.group(2))))
            rest = rest[lm.end():]
        try:
            samples[(name, frozenset(pairs))] = float(value)
        except ValueError:
            bad.append(line)
    return samples, types, bad


def requests_by(samples, **want):
    return sum(v for (n, ls), v in samples.items()
               if n == "sobre_http_requests_total" and all((k, w) in ls for k, w in want.items()))


# One log line: key=value pairs, a value quoted when it must be.
PAIR = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\.)*"|[^ "]*)(?: |$)')


def parse_log_line(line):
    """The line's pairs as a dict, or None when it is not key=value throughout."""
    out, pos = {}, 0
    while pos < len(line):
        m = PAIR.match(line, pos)
        if not m:
            return None
        v = m.group(2)
        if v.startswith('"'):
            v = re.sub(r'\\(.)', r'\1', v[1:-1])
        out[m.group(1)] = v
        pos = m.end()
    return out


def operations(sobre, copy):
    """GET /healthz, GET /metrics with serve --metrics, the key=value log
    lines and X-Request-Id (issue 14, operations)."""
    p, port, home = start(sobre, copy)
    s, h, b = get(port, "/healthz")
    check(s == 200 and b == b"ok\n" and h.get("Cache-Control") == "no-store" and
          h.get("Content-Type", "").startswith("text/plain"), f"/healthz: 200 ok, not cached ({s}, {b!r}, {h})")
    s, _, _ = get(port, "/metrics")
    check(s == 404, f"/metrics without --metrics: 404 ({s})")
    # Another connection holds the write lock (SQLite's, or on PostgreSQL
    # the writers' advisory lock): the check waits 200 ms, not the 5 s a
    # save would, and says why.
    db = dbtest.location(os.path.join(os.path.dirname(os.path.abspath(copy)), "sobre.db"))
    holder = dbtest.Holder(db)
    t0 = time.time()
    s, _, b = get(port, "/healthz")
    took = time.time() - t0
    holder.release()
    check(s == 503 and b == b"db-busy\n" and took < 2, f"/healthz with the database locked: 503 db-busy ({s}, {b!r}, {took:.2f} s)")
    s, _, b = get(port, "/healthz")
    check(s == 200, f"/healthz once the lock is gone: 200 ({s})")
    check(stop(p) == 0, "server without --metrics stops")
    err = p.stderr.read()
    check(len([x for x in err.splitlines() if "path=/healthz" in x]) == 3, "one log line per health check:\n" + err)

    p, port, home = start(sobre, copy, "--metrics", "--trust-proxy")
    # The size around the scrape: on PostgreSQL, the server's own work
    # (autovacuum) may grow the database's files meanwhile.
    size0 = dbtest.size(db)
    s, h, b = get(port, "/metrics")
    size1 = dbtest.size(db)
    text = b.decode()
    before, types, bad = parse_exposition(text)
    check(s == 200 and not bad and h.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
          f"/metrics: 200 in the text exposition format ({s}, bad lines: {bad})")
    for name, kind in (("sobre_http_requests_total", "counter"), ("sobre_http_request_duration_seconds", "histogram"),
                       ("sobre_sessions_active", "gauge"), ("sobre_database_size_bytes", "gauge"),
                       ("sobre_uptime_seconds", "gauge"), ("sobre_build_info", "gauge")):
        check(types.get(name) == kind, f"/metrics: {name} is a {kind} ({types.get(name)})")
    size = before.get(("sobre_database_size_bytes", frozenset()), 0)
    check(size0 <= size <= size1, f"/metrics: the database's size ({size}, {dbtest.ENGINE}: {size0} to {size1})")
    ids = []
    for _ in range(3):
        s, h, _ = get(port, home)
        ids.append(h.get("X-Request-Id"))
    for _ in range(2):
        get(port, "/nothing/here/")
    get(port, "/pilotage/pratiques/a.1")
    get(port, "/pilotage/pratiques/b.2")
    s, _, _ = get(port, "/metrics", headers={"X-Forwarded-For": "203.0.113.5"})
    check(s == 403, f"/metrics to a client that is not this machine (behind --trust-proxy): 403 ({s})")
    s, _, b = get(port, "/metrics")
    after, _, bad = parse_exposition(b.decode())
    check(not bad, f"/metrics parses again ({bad})")

    def moved(**labels):
        return requests_by(after, **labels) - requests_by(before, **labels)
    check(moved(route="/*", method="GET", code="200") == 3, f"/metrics: 3 pages counted ({moved(route='/*', code='200')})")
    check(moved(route="/*", code="404") == 2, "/metrics: 2 pages not found counted")
    check(moved(route="/pilotage/pratiques/*", code="303") == 2,
          "/metrics: two practices' paths counted under their route's pattern")
    check(not any(("route", "/pilotage/pratiques/a.1") in ls for (_, ls) in after), "/metrics: no raw path as a route")
    check(moved(route="/metrics", code="200") == 1 and moved(route="/metrics", code="403") == 1,
          "/metrics: the scrapes themselves are counted")
    total = requests_by(after)
    count = after.get(("sobre_http_request_duration_seconds_count", frozenset()))
    buckets = sorted(((float(dict(ls)["le"]), v) for (n, ls), v in after.items()
                      if n == "sobre_http_request_duration_seconds_bucket"), key=lambda x: x[0])
    # 9 requests above, and the login page the two practices redirect to.
    check(moved(route="/pilotage/connexion", code="200") == 2, "/metrics: the redirects followed are counted")
    check(count == total and total == requests_by(before) + 11, f"/metrics: _count ({count}) is the requests ({total})")
    check(len(buckets) >= 10 and buckets[-1][0] == float("inf") and buckets[-1][1] == count and
          all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), f"/metrics: buckets cumulative up to +Inf: {buckets}")
    check(after.get(("sobre_http_request_duration_seconds_sum", frozenset()), -1) > 0, "/metrics: _sum")
    check(after.get(("sobre_sessions_active", frozenset())) == 0, "/metrics: no session yet")
    s, h, _ = get(port, '/a%20b%22c%5Cd')
    quoted_id = h.get("X-Request-Id")
    check(stop(p) == 0, "server with --metrics stops")
    err = p.stderr.read()
    lines = [x for x in err.splitlines() if x.startswith("ts=")]
    parsed = [parse_log_line(x) for x in lines]
    check(lines and all(parsed), "every log line is key=value:\n" + "\n".join(x for x, y in zip(lines, parsed) if not y))
    by_id = {x["req"]: x for x in parsed if x and "req" in x}
    check(all(re.fullmatch(r"[0-9a-f]{16}", i or "") for i in ids) and len(set(ids)) == 3,
          f"X-Request-Id: 16 hex digits, one per request ({ids})")
    line = by_id.get(ids[0], {})
    check(line.get("method") == "GET" and line.get("route") == "/*" and line.get("path") == home and
          line.get("status") == "200" and line.get("user") == "-" and line.get("remote") == "127.0.0.1" and
          re.fullmatch(r"[0-9.]+", line.get("dur_ms", "")) and line.get("level") == "info" and
          re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line.get("ts", "")),
          f"the log line of a request, found by its X-Request-Id: {line}")
    check(by_id.get(quoted_id, {}).get("path") == '/a b"c\\d',
          f"a path with a space, a quote and a backslash is quoted back whole: {by_id.get(quoted_id)}")


def main(sobre, guide):
    work = tempfile.mkdtemp()
    try:
        if dbtest.PG:
            # The site, its limits and the settings file read no database.
            os.makedirs(os.path.join(work, "ops"))
            operations(sobre, shutil.copytree(guide, os.path.join(work, "ops", "guide")))
            return finish()
        copy = os.path.join(work, "guide")
        shutil.copytree(guide, copy)
        p, port, home = start(sobre, copy)
        status, headers, body = get(port, home)
        check(status == 200 and b"<html lang=\"fr\">" in body, f"home {home} is served ({status})")
        csp = headers.get("Content-Security-Policy", "")
        check("default-src 'self'" in csp and "frame-ancestors 'none'" in csp, f"CSP header: {csp!r}")
        check(headers.get("X-Content-Type-Options") == "nosniff", "nosniff header")
        check(headers.get("Referrer-Policy") == "same-origin", "Referrer-Policy header")
        # every output of the built site is served at the same URL
        site = os.path.join(work, "site")
        subprocess.run([sobre, "build", copy, "-o", site], check=True, capture_output=True)
        n = 0
        for d, _, files in os.walk(site):
            for f in files:
                if f.startswith("."):
                    continue
                rel = os.path.relpath(os.path.join(d, f), site)
                url = "/" + (rel[:-len("index.html")] if rel.endswith("index.html") else rel)
                url = urllib.parse.quote(url)
                s, h, b = get(port, url)
                same = s == 200 and b == open(os.path.join(d, f), "rb").read()
                check(same, f"{url} serves the same bytes as the built file ({s})")
                n += 1
        check(n > 10, f"{n} outputs compared")
        s, h, b = get(port, "/assets/sobre.css")
        check(s == 200 and h.get("Content-Type", "").startswith("text/css"), "stylesheet content type")
        s, h, b = get(port, "/assets/favicon.svg")
        check(s == 200 and h.get("Content-Type", "") == "image/svg+xml" and b.startswith(b"<svg"),
              f"the icon, an SVG ({s}, {h.get('Content-Type')})")
        s, _, b = get(port, home)
        check(b'<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">' in b,
              "pages declare the icon (no /favicon.ico request)")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
        try:
            opener.open(f"http://127.0.0.1:{port}/", timeout=10)
            check(False, "/ redirects")
        except urllib.error.HTTPError as e:
            check(e.code == 302 and e.headers["Location"] == home, f"/ redirects to the guide ({e.code})")
        s, _, b = get(port, "/nothing/here/")
        check(s == 404 and b"Page introuvable" in b, f"unknown URL: 404 page ({s})")
        for bad in ("/../etc/passwd", "/a/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2fetc%2fpasswd", "/a\\b"):
            s, _, b = get(port, bad)
            check(s in (400, 404) and b"root:" not in b, f"traversal {bad!r} refused ({s})")
        s, h, _ = get(port, home, method="POST", data=b"x=1")
        check(s == 405 and "GET" in h.get("Allow", ""), f"POST on a page: 405 ({s})")
        hardening(p, port, home)
        # WEB_MAX_HEADERS (32 KiB per connection, buffers included): 16 KB of
        # headers pass, 40 KB do not.
        s, _, _ = get(port, home, headers={"X-Long": "y" * 16000})
        check(s == 200, f"16 KB header accepted ({s})")
        s, _, _ = get(port, home, headers={"X-Long": "y" * 40000})
        check(s in (413, 431, 400), f"40 KB header refused ({s})")
        s, _, _ = get(port, home, method="HEAD")
        check(s == 200, f"HEAD ({s})")
        get(port, "/a%0d%0aINJECTED%20200%201.0%20ms")
        check(stop(p) == 0, "SIGTERM stops the server with status 0")
        log = p.stderr.read()
        check(re.search(r"remote=127\.0\.0\.1 method=GET route=/\* path=/nothing/here/ status=404 dur_ms=[0-9.]+ ", log)
              is not None, "one log line per request")
        check(not re.search(r"^INJECTED", log, re.M), "a line break in a URL does not break the log line")

        # --watch: an edit is served after reload, and the version moves on
        p, port, home = start(sobre, copy, "--watch", "--quiet")
        s, _, b = get(port, home)
        check(b"/__sobre/reload.js" in b, "watch mode adds the reload script")
        s, _, v1 = get(port, "/__sobre/version")
        index = os.path.join(copy, home.strip("/"), "index.md")
        with open(index, "a", encoding="utf-8") as f:
            f.write("\n\nParagraphe ajouté par le test de rechargement.\n")
        deadline = time.time() + 10
        v2 = v1
        while time.time() < deadline and v2 == v1:
            time.sleep(0.1)
            _, _, v2 = get(port, "/__sobre/version")
        check(v2 != v1, f"version changes after an edit ({v1} -> {v2})")
        s, _, b = get(port, home)
        check("Paragraphe ajouté par le test".encode() in b, f"the edited page is served ({index})")
        # a broken edit keeps the previous version
        with open(index, "w", encoding="utf-8") as f:
            f.write("---\ntitle: [\n---\n")
        time.sleep(1.0)
        s, _, b = get(port, home)
        check(s == 200 and "Paragraphe ajouté par le test".encode() in b, "a broken edit keeps serving the last good guide")
        check(stop(p) == 0, "watch server stops")
        # the watch test left the copy broken: a fresh one
        fresh = os.path.join(work, "guide2")
        shutil.copytree(guide, fresh)
        settings(sobre, fresh, work)
        os.makedirs(os.path.join(work, "ops"))
        operations(sobre, shutil.copytree(guide, os.path.join(work, "ops", "guide")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish()


def finish():
    print(f"serve{dbtest.LABEL}: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    import urllib.parse
    sys.exit(main(*sys.argv[1:]))
