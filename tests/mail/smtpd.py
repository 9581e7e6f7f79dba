#!/usr/bin/python3
"""A loopback SMTP server for tests/mail/test_remind.py, on Debian's
aiosmtpd: every message received is written to OUTDIR as N.eml (with the
envelope in N.env). Prints its port on the first line of stdout.

    smtpd.py OUTDIR [--starttls CERT KEY | --tls CERT KEY] [--auth USER PASSWORD]

--starttls: STARTTLS required before anything else; --tls: TLS from the
first byte (implicit TLS, smtps://)."""
import os
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, outdir):
        self.outdir = outdir
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.outdir, f"{os.getpid()}-{self.n:03d}")
        # session.ssl tells STARTTLS only; the transport tells either.
        tls = bool(session.ssl) or server.transport.get_extra_info("ssl_object") is not None
        with open(base + ".env", "w") as f:
            f.write(f"{envelope.mail_from}\n{' '.join(envelope.rcpt_tos)}\n{int(tls)}\n")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK"


def main():
    outdir = sys.argv[1]
    args = sys.argv[2:]
    kw = {}
    if "--starttls" in args:
        i = args.index("--starttls")
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args[i + 1], args[i + 2])
        kw.update(tls_context=ctx, require_starttls=True)
    if "--tls" in args:
        i = args.index("--tls")
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args[i + 1], args[i + 2])
        kw.update(ssl_context=ctx)
    if "--auth" in args:
        i = args.index("--auth")
        user, password = args[i + 1].encode(), args[i + 2].encode()

        def check(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login == user and auth_data.password == password
            return AuthResult(success=ok)

        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls: under
        # implicit TLS it would offer no AUTH at all.
        kw.update(authenticator=check, auth_required=True, auth_require_tls="--starttls" in args)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    ctl = Controller(Saver(outdir), hostname="127.0.0.1", port=port, **kw)
    ctl.start()
    print(port, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        ctl.stop()


main()
