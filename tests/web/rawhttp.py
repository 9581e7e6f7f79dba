"""Raw HTTP/1.1 over a socket, for what urllib cannot send or see: several
Content-Length headers, a body that is never sent, a chosen loopback source
address, whether the server closed the connection."""
import errno
import re
import socket
import time


def connect(port, src=None, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                 source_address=(src, 0) if src else None)
    return s


def read_answer(s, timeout=10):
    """Reads until the server closes or goes quiet; returns (statuses, headers of
    the first answer as a dict with lower-case names, bytes, closed)."""
    s.settimeout(timeout)
    data = b""
    closed = False
    try:
        while True:
            b = s.recv(65536)
            if not b:
                closed = True
                break
            data += b
    except socket.timeout:
        pass
    except OSError as e:
        if e.errno in (errno.ECONNRESET, errno.EPIPE):
            closed = True
        else:
            raise
    statuses = [int(m.group(1)) for m in re.finditer(rb"(?:^|\r\n)HTTP/1\.[01] (\d{3}) ", data)]
    headers = {}
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
    for line in head:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return statuses, headers, data, closed


def send(s, data):
    """Sends what the server still reads; an early answer may have closed it."""
    try:
        s.sendall(data)
        return True
    except OSError as e:
        if e.errno in (errno.ECONNRESET, errno.EPIPE):
            return False
        raise


def exchange(port, data, src=None, timeout=3):
    """Sends data, then reads what comes back within timeout seconds of quiet."""
    s = connect(port, src)
    try:
        send(s, data)
        return read_answer(s, timeout)
    finally:
        s.close()


def request(method, path, headers=(), body=b"", host="127.0.0.1"):
    lines = [f"{method} {path} HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {host}")
    lines += [f"{k}: {v}" for k, v in headers]
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def timed(fn):
    t = time.monotonic()
    r = fn()
    return r, time.monotonic() - t
