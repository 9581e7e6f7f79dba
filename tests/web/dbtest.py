"""The database of a web or mail suite, on either engine: an SQLite file
(the default) or, when the suite is asked for PostgreSQL
(SOBRE_TEST_BACKEND=pg, as tests/pg/run.sh sets it), a new schema on the
cluster of SOBRE_TEST_PG. A suite names its databases as SQLite files and
gets from location() what to give sobre's --db (the file itself, or the
URI of a schema made for that file's name); query() and execute() run the
suite's own SQL on it (set-up and oracles), without psycopg2: through the
psql client on PostgreSQL, each parameter (a ? in the statement) rendered
as a quoted literal here, each result read back typed as JSON (json_agg).

    import dbtest
    db = dbtest.location(os.path.join(work, "sobre.db"))
    n = dbtest.query(db, "SELECT count(*) FROM session WHERE user_id = ?", (1,))[0][0]

Statements must read the same on both engines (the user table is "user",
quoted), or give PostgreSQL's text as pg=. The schemas made are dropped
when the suite ends."""
import atexit
import getpass
import json
import os
import re
import sqlite3
import subprocess
import sys

PG = os.environ.get("SOBRE_TEST_BACKEND", "sqlite") == "pg"
if os.environ.get("SOBRE_TEST_BACKEND", "sqlite") not in ("sqlite", "pg"):
    raise SystemExit(f"SOBRE_TEST_BACKEND is {os.environ['SOBRE_TEST_BACKEND']!r}, not sqlite or pg")
if PG and not os.environ.get("SOBRE_TEST_PG"):
    raise SystemExit("SOBRE_TEST_BACKEND=pg needs SOBRE_TEST_PG (the URI of a test database: tests/pg/cluster.sh)")
# What a suite adds to its name in its lines ("pilotage on PostgreSQL: N passed").
LABEL = " on PostgreSQL" if PG else ""
ENGINE = "postgresql" if PG else "sqlite"

_BASE = os.environ.get("SOBRE_TEST_PG", "")
_PSQL = os.path.join(os.environ["SOBRE_TEST_PG_BIN"], "psql") if os.environ.get("SOBRE_TEST_PG_BIN") else "psql"
_schemas = {}  # file name -> schema


def _psql(uri, sql, stdin_sql=False):
    args = [_PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", uri]
    r = subprocess.run(args + ([] if stdin_sql else ["-c", sql]), capture_output=True, text=True,
                       input=sql if stdin_sql else None, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"psql: {r.stderr.strip()}\n  in: {sql[:500]}")
    return r.stdout


def _uri(schema):
    sep = "&" if "?" in _BASE else "?"
    return f"{_BASE}{sep}options=-csearch_path%3D{schema},public"


def _cleanup():
    if _schemas:
        try:
            _psql(_BASE, "SET client_min_messages = warning; " +
                  "; ".join(f"DROP SCHEMA IF EXISTS {s} CASCADE" for s in _schemas.values()))
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            print(f"dbtest: the test schemas were left: {e}", file=sys.stderr)


def location(path):
    """What --db names for the database the suite would keep in the SQLite
    file path: path itself, or on PostgreSQL the URI of an empty schema
    made for it (the same one for the same path)."""
    if not PG:
        return path
    path = os.path.abspath(path)
    if path not in _schemas:
        if not _schemas:
            atexit.register(_cleanup)
        schema = f"t{os.getpid()}_{len(_schemas)}"
        _psql(_BASE, f"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {schema} CASCADE; "
                     f"CREATE SCHEMA {schema}")
        _schemas[path] = schema
    return _uri(_schemas[path])


def read_only(db):
    """The same database through connections whose transactions are
    read-only, as on a standby (PostgreSQL only)."""
    if not is_pg(db):
        raise ValueError("read_only() is PostgreSQL's: an SQLite file is made read-only by its permissions")
    return db + "%20-cdefault_transaction_read_only%3Don"


# A password that with_password() puts in a URI: the test cluster trusts
# its clients (initdb -A trust) and never asks for it.
SECRET = "dbtest-secret-0b5f"


def with_password(db):
    """db with SECRET as its user's password (PostgreSQL only), so that a
    suite can check that sobre keeps it out of what it prints and logs."""
    m = re.match(r"(postgres(?:ql)?://)(?:([^@/:]*)(?::[^@/]*)?@)?(.*)", db)
    if not is_pg(db) or not m:
        raise ValueError("with_password() is PostgreSQL's")
    user = m.group(2) or getpass.getuser()
    return f"{m.group(1)}{user}:{SECRET}@{m.group(3)}"


def is_pg(db):
    return db.startswith("postgresql://") or db.startswith("postgres://")


def literal(v):
    """v as an SQL literal of both engines."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, bytes):
        return "'\\x" + v.hex() + "'::bytea"
    if isinstance(v, str):
        if "\0" in v:
            raise ValueError("a NUL in a text literal")
        return "'" + v.replace("'", "''") + "'"
    raise TypeError(f"no literal for {type(v).__name__}")


def render(sql, params):
    """sql with each ? outside quotes replaced by its parameter's literal."""
    out, it, n = [], iter(params), 0
    for part in re.split(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")", sql):
        if part.startswith(("'", '"')):
            out.append(part)
            continue
        pieces = part.split("?")
        n += len(pieces) - 1
        out.append(pieces[0] + "".join(literal(next(it)) + p for p in pieces[1:]))
    if n != len(params):
        raise ValueError(f"{n} placeholders, {len(params)} parameters: {sql}")
    return "".join(out)


def query(db, sql, params=(), pg=None):
    """The rows of a SELECT as tuples (bytea as bytes on both engines;
    PostgreSQL's text as pg= when it must differ)."""
    if not is_pg(db):
        with sqlite3.connect(db) as c:
            return [tuple(r) for r in c.execute(sql, params)]
    text = render(pg or sql, params)
    # json_agg keeps the columns' order in each row's object.
    out = _psql(db, f"SELECT json_agg(t) FROM (SELECT * FROM ({text}) q) t", stdin_sql=True).strip()
    rows = json.loads(out) if out else []
    return [tuple(_value(v) for v in r.values()) for r in rows]


def _value(v):
    if isinstance(v, str) and v.startswith("\\x") and re.fullmatch(r"\\x(?:[0-9a-f]{2})*", v):
        return bytes.fromhex(v[2:])
    return v


def execute(db, sql, params=(), pg=None):
    """Runs one or more statements that return nothing, in one transaction."""
    if not is_pg(db):
        with sqlite3.connect(db) as c:
            if params:
                c.execute(sql, params)
            else:
                c.executescript(sql)
        return
    _psql(db, "BEGIN;\n" + render(pg or sql, params) + ";\nCOMMIT;", stdin_sql=True)


def exists(db):
    """Whether the database is there: the file, or sobre's tables in the schema."""
    if not is_pg(db):
        return os.path.exists(db)
    return _psql(db, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                     "AND tablename = 'sobre_schema'").strip() == "1"


def size(db):
    """The database's size in bytes, as /metrics reports it: the file's, or
    pg_database_size of the database the schema is in."""
    if not is_pg(db):
        return os.path.getsize(db)
    return int(_psql(db, "SELECT pg_database_size(current_database())").strip())


class Holder:
    """Another session holding sobre's writers' lock until release(): on
    SQLite a connection in BEGIN IMMEDIATE, on PostgreSQL a psql process
    (fed through a pipe) in a transaction holding the advisory lock every
    sobre writer of that schema takes (store_pg.h: STORE_PG_LOCK_KEY and
    STORE_PG_LOCK_SCHEMA, the schema's oid)."""

    KEY = 1936683634
    SCHEMA = "coalesce((SELECT oid::int FROM pg_namespace WHERE nspname = current_schema()), 0)"

    def __init__(self, db):
        self.db, self.con, self.p = db, None, None
        if not is_pg(db):
            self.con = sqlite3.connect(db, isolation_level=None)
            self.con.execute("BEGIN IMMEDIATE")
            return
        self.p = subprocess.Popen([_PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.p.stdin.write(f"BEGIN; SELECT 'held' FROM pg_advisory_xact_lock({self.KEY}, {self.SCHEMA});\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if line.strip() != "held":
            self.p.kill()
            raise RuntimeError(f"psql did not take the lock: {line!r} {self.p.stderr.read()!r}")

    def release(self):
        if self.con:
            self.con.execute("ROLLBACK")
            self.con.close()
            self.con = None
        if self.p:
            self.p.stdin.write("ROLLBACK;\n")
            self.p.stdin.close()
            self.p.wait(timeout=10)
            self.p = None
