#!/usr/bin/env python3
"""The PostgreSQL baseline (src/steer/store_pg_schema.c) against the schema
that SQLite's migrations leave, through psql only (no driver: Debian's
python3-psycopg2 is not seen by every python3).

    test_schema.py path/to/sobre path/to/tools/pg_schema

SOBRE_TEST_PG is the URI of a database made as tests/pg/cluster.sh makes
sobre_test (UTF8, LOCALE 'C', citext); SOBRE_TEST_PG_BIN the folder of its
psql (else psql from PATH). The baseline goes into a new schema, dropped at
the end. Run by tests/pg/test_schema.sh, which starts a cluster when
SOBRE_TEST_PG is not set.

1. Structure, table by table, from the catalogues of both: the tables; the
   columns in order with their types (INTEGER: bigint, the rowid an
   identity; TEXT: text, citext where COLLATE NOCASE; BLOB: bytea), NOT NULL
   and defaults; primary keys; unique constraints and indexes (partial
   ones too); other indexes; foreign keys with their ON DELETE; the number
   of CHECKs; the triggers, by name, table, event and UPDATE OF columns,
   plus the ones PostgreSQL alone needs (TRUNCATE refusals, the data
   version's); the seeded rows and the schema's version.
2. Behaviour: the same statements run against a database made by
   `sobre init` and against the baseline, and must end the same way (the
   same refusal message for the triggers', the same kind of constraint
   failure otherwise) and leave the same rows: immutable guide copies,
   history, snapshots and objectives; row versions; statuses known and
   justified; the assignment outbox and its order; the unsubscribe token;
   every CHECK kind, foreign keys and cascades, identities; and the case
   rules: NOCASE folds ASCII letters only, and so must citext and lower()
   in a C-locale database (Économie and économie are two perimeters in
   both, Mairie and MAIRIE one).
3. PostgreSQL alone: TRUNCATE refused where DELETE is, 192 random bits in
   every unsubscribe token, and the data version, which any committed write
   changes (once per transaction) and no read, rollback or refused write
   does; and triggers that find their tables from a session whose
   search_path lacks the schema."""
import csv
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

FAILS = []
CHECKS = 0


def check(ok, what):
    global CHECKS
    CHECKS += 1
    if not ok:
        FAILS.append(what)
        print("FAIL: pg schema: " + what)


# --- PostgreSQL through psql -------------------------------------------------

NULL = "<NULL>"


class Pg:
    def __init__(self, uri, bindir, schema):
        self.uri = uri
        self.psql = os.path.join(bindir, "psql") if bindir else "psql"
        self.schema = schema
        self.env = dict(os.environ, PGCLIENTENCODING="UTF8", PGAPPNAME="sobre-test-schema",
                        PGOPTIONS="-c search_path=%s,public -c client_min_messages=warning" % schema)

    def run(self, sql, stdin=None, single=False):
        """(rows, error): rows of the last statement, csv-parsed, NULL as
        NULL; error (SQLSTATE, message) or None."""
        args = [self.psql, "-X", "-q", "--csv", "-t", "-P", "null=" + NULL, "-v", "ON_ERROR_STOP=1",
                "-v", "VERBOSITY=verbose", self.uri]
        if single:
            args.append("-1")
        args += ["-f", "-"] if sql is None else ["-c", sql]
        r = subprocess.run(args, input=stdin, capture_output=True, text=True, env=self.env, timeout=60)
        if r.returncode != 0:
            m = re.search(r"ERROR:\s+([0-9A-Z]{5}): (.*)", r.stderr)
            if not m:
                raise RuntimeError("psql failed: %s" % r.stderr.strip())
            return None, (m.group(1), m.group(2).strip())
        return [row for row in csv.reader(io.StringIO(r.stdout))], None

    def rows(self, sql):
        rows, err = self.run(sql)
        if err:
            raise RuntimeError("%s: %s %s" % (sql, err[0], err[1]))
        return rows


# --- SQLite ------------------------------------------------------------------

def sqlite_connect(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def lite_run(db, statements):
    """(rows, error message or None), all statements in one transaction."""
    try:
        db.execute("BEGIN")
        rows = []
        for st in statements:
            rows = db.execute(st).fetchall()
        db.execute("COMMIT")
        return [[NULL if v is None else str(v) for v in row] for row in rows], None
    except sqlite3.Error as e:
        db.execute("ROLLBACK")
        return None, str(e)


# --- The two schemas, read from their catalogues -----------------------------

def split_top(body):
    """The comma-separated parts of a CREATE TABLE's parentheses."""
    parts, depth, cur, quote = [], 0, "", None
    for c in body:
        if quote:
            cur += c
            if c == quote:
                quote = None
            continue
        if c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
            continue
        cur += c
    parts.append(cur.strip())
    return parts


def sqlite_schema(db):
    s = {"tables": {}, "triggers": {}}
    for name, sql in db.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'table' "
                                "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
        body = sql[sql.index("(") + 1:sql.rindex(")")]
        nocase = set()
        for part in split_top(body):
            first = part.split()[0].strip('"')
            if first.upper() not in ("CHECK", "UNIQUE", "PRIMARY", "FOREIGN", "CONSTRAINT") and \
                    "COLLATE NOCASE" in part.upper():
                nocase.add(first)
        without_rowid = "WITHOUT ROWID" in sql.upper()
        cols = []
        for _, col, typ, notnull, dflt, pk, _ in db.execute('PRAGMA table_xinfo("%s")' % name):
            rowid = pk == 1 and typ.upper() == "INTEGER" and not without_rowid and \
                sum(1 for c in db.execute('PRAGMA table_info("%s")' % name) if c[5]) == 1
            typ = {"INTEGER": "bigint", "TEXT": "text", "BLOB": "bytea"}[typ.upper()]
            if col in nocase:
                typ = "citext"
            # A primary key's columns are never NULL in a WITHOUT ROWID table,
            # nor is a rowid.
            cols.append((col, typ, bool(notnull or (pk and (without_rowid or rowid))), dflt, rowid))
        pk = [c[1] for c in sorted(db.execute('PRAGMA table_info("%s")' % name), key=lambda c: c[5]) if c[5]]
        uniques, indexes = set(), set()
        for _, iname, unique, origin, partial in db.execute('PRAGMA index_list("%s")' % name):
            icols = tuple(r[2] for r in db.execute('PRAGMA index_info("%s")' % iname))
            if origin == "u":
                uniques.add(icols)
            elif origin == "c":
                indexes.add((iname, icols, bool(unique), bool(partial)))
        fks = {}
        for fid, _, table, frm, to, _, on_delete, _ in db.execute('PRAGMA foreign_key_list("%s")' % name):
            f = fks.setdefault(fid, [table, [], [], on_delete])
            f[1].append(frm)
            f[2].append(to)
        fks = {(t, tuple(a), tuple(b), od) for t, a, b, od in fks.values()}
        checks = len(re.findall(r"\bCHECK\s*\(", sql, re.I))
        s["tables"][name] = {"cols": cols, "pk": tuple(pk), "uniques": uniques, "indexes": indexes,
                             "fks": fks, "checks": checks}
    trig = re.compile(r"CREATE TRIGGER (\w+)\s+(BEFORE|AFTER)\s+(INSERT|UPDATE|DELETE)"
                      r"(?:\s+OF\s+([\w\s,]+?))?\s+ON\s+\"?(\w+)\"?", re.I)
    for name, sql in db.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'"):
        m = trig.match(sql)
        cols = frozenset(c.strip() for c in m.group(4).split(",")) if m.group(4) else frozenset()
        s["triggers"][name] = (m.group(5), m.group(3).upper(), cols, re.findall(r"RAISE\(ABORT, '([^']*)'\)", sql))
    return s


def cols_of(expr):
    """An SQL array of attribute names for attribute numbers expr of relation rel."""
    return ("array_to_string(array(SELECT a.attname FROM unnest(%s) WITH ORDINALITY k(n, i) "
            "JOIN pg_attribute a ON a.attrelid = rel AND a.attnum = k.n ORDER BY k.i), ',')" % expr)


def pg_schema(pg):
    ns = "'%s'::regnamespace" % pg.schema
    s = {"tables": {}, "triggers": {}}
    for rel, col, typ, notnull, dflt, ident in pg.rows(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), a.attidentity FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY c.relname, a.attnum" % ns):
        t = s["tables"].setdefault(rel, {"cols": [], "pk": (), "uniques": set(), "indexes": set(),
                                         "fks": set(), "checks": 0})
        # '[]'::text: the cast PostgreSQL adds to a default.
        dflt = None if dflt == NULL else re.sub(r"::[a-z ]+$", "", dflt)
        t["cols"].append((col, typ, notnull == "t", dflt, ident == "d"))
    deltype = {"a": "NO ACTION", "c": "CASCADE", "r": "RESTRICT", "n": "SET NULL", "d": "SET DEFAULT"}
    for rel, kind, cols, ref, refcols, dt in pg.rows(
            "SELECT c.relname, k.contype, %s, coalesce(r.relname, ''), "
            "coalesce(array_to_string(array(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY f(n, i) "
            "JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = f.n ORDER BY f.i), ','), ''), "
            "k.confdeltype FROM (SELECT *, conrelid AS rel FROM pg_constraint) k "
            "JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_class r ON r.oid = k.confrelid "
            "WHERE k.connamespace = %s" % (cols_of("k.conkey"), ns)):
        t = s["tables"][rel]
        if kind == "p":
            t["pk"] = tuple(cols.split(","))
        elif kind == "u":
            t["uniques"].add(tuple(cols.split(",")))
        elif kind == "c":
            t["checks"] += 1
        elif kind == "f":
            t["fks"].add((ref, tuple(cols.split(",")), tuple(refcols.split(",")), deltype[dt]))
    for rel, iname, unique, partial, cols in pg.rows(
            "SELECT c.relname, i.relname, x.indisunique, x.indpred IS NOT NULL, %s "
            "FROM (SELECT *, indrelid AS rel FROM pg_index) x JOIN pg_class c ON c.oid = x.indrelid "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE c.relnamespace = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)"
            % (cols_of("x.indkey::int2[]"), ns)):
        s["tables"][rel]["indexes"].add((iname, tuple(cols.split(",")), unique == "t", partial == "t"))
    for rel, name, tgtype, fn, cols in pg.rows(
            "SELECT c.relname, t.tgname, t.tgtype, p.proname, %s FROM (SELECT *, tgrelid AS rel FROM pg_trigger) t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = %s" % (cols_of("t.tgattr::int2[]"), ns)):
        s["triggers"][(rel, name)] = (int(tgtype), fn, frozenset(c for c in cols.split(",") if c))
    return s


# pg_trigger.tgtype's bits (catalog/pg_trigger.h).
TG_ROW, TG_BEFORE, TG_INSERT, TG_DELETE, TG_UPDATE, TG_TRUNCATE = 1, 2, 4, 8, 16, 32
EVENT_BIT = {"INSERT": TG_INSERT, "DELETE": TG_DELETE, "UPDATE": TG_UPDATE}
# The tables of sobre's own bookkeeping, which SQLite keeps in its header.
PG_ONLY_TABLES = {"sobre_schema", "sobre_data_version"}


def compare_structure(lite, pg):
    lt, pt = lite["tables"], pg["tables"]
    check(set(lt) == set(pt) - PG_ONLY_TABLES,
          "tables: only in SQLite %s, only in PostgreSQL %s" % (sorted(set(lt) - set(pt)),
                                                                 sorted(set(pt) - set(lt) - PG_ONLY_TABLES)))
    check(len(lt) == 29, "SQLite's schema 8 has 29 tables, not %d" % len(lt))
    for name in sorted(set(lt) & set(pt)):
        a, b = lt[name], pt[name]
        names_a, names_b = [c[0] for c in a["cols"]], [c[0] for c in b["cols"]]
        check(names_a == names_b, "%s: columns %s in SQLite, %s in PostgreSQL" % (name, names_a, names_b))
        for ca, cb in zip(a["cols"], b["cols"]):
            if ca[0] != cb[0]:
                continue
            where = "%s.%s" % (name, ca[0])
            check(ca[1] == cb[1], "%s: type %s expected, PostgreSQL has %s" % (where, ca[1], cb[1]))
            check(ca[2] == cb[2], "%s: NOT NULL %s in SQLite, %s in PostgreSQL" % (where, ca[2], cb[2]))
            check(ca[3] == cb[3], "%s: default %r in SQLite, %r in PostgreSQL" % (where, ca[3], cb[3]))
            check(ca[4] == cb[4], "%s: rowid %s in SQLite, identity %s in PostgreSQL" % (where, ca[4], cb[4]))
        for key in ("pk", "uniques", "indexes", "fks", "checks"):
            check(a[key] == b[key], "%s: %s %s in SQLite, %s in PostgreSQL" % (name, key, a[key], b[key]))
    # Triggers: SQLite's, by name, on the same table and event (and UPDATE
    # OF columns), per row; then those PostgreSQL adds, and no other.
    pgt = dict(pg["triggers"])
    refusing = set()
    for name, (table, event, cols, raises) in sorted(lite["triggers"].items()):
        t = pgt.pop((table, name), None)
        check(t is not None, "trigger %s on %s: missing in PostgreSQL" % (name, table))
        if t is None:
            continue
        tgtype, fn, pcols = t
        check(tgtype & EVENT_BIT[event] and tgtype & TG_ROW,
              "trigger %s: not a row trigger on %s in PostgreSQL (tgtype %d)" % (name, event, tgtype))
        check(pcols == cols, "trigger %s: UPDATE OF %s in SQLite, %s in PostgreSQL" % (name, sorted(cols), sorted(pcols)))
        if raises and event == "DELETE":
            refusing.add((table, raises[0]))
    for table in sorted(set(pt)):
        if table == "sobre_data_version":
            continue
        t = pgt.pop((table, "sobre_touch"), None)
        check(t is not None and t[0] == TG_INSERT | TG_DELETE | TG_UPDATE | TG_TRUNCATE and t[1] == "sobre_touch",
              "%s: no statement-level AFTER INSERT, UPDATE, DELETE, TRUNCATE trigger sobre_touch (%s)" % (table, t))
    for table, _ in sorted(refusing) + [("sobre_schema", ""), ("sobre_data_version", "")]:
        t = pgt.pop((table, table + "_no_truncate"), None)
        check(t is not None and t[0] == TG_BEFORE | TG_TRUNCATE and t[1] == "sobre_refuse",
              "%s: no BEFORE TRUNCATE refusal" % table)
    for table in ("sobre_schema", "sobre_data_version"):
        t = pgt.pop((table, table + "_kept"), None)
        check(t is not None and t[0] == TG_ROW | TG_BEFORE | TG_DELETE, "%s: no BEFORE DELETE refusal" % table)
    check(not pgt, "triggers only in PostgreSQL: %s" % sorted(pgt))
    check(len(lite["triggers"]) == 20, "SQLite's schema 8 has 20 triggers, not %d" % len(lite["triggers"]))
    return refusing


# --- Behaviour: the same statements on both ----------------------------------

RAISES = set()


def outcome(err, pg):
    """What a failure was, comparable across the engines."""
    if err is None:
        return "ok"
    if pg:
        state, msg = err
        if msg in RAISES:
            return "refused: " + msg if state[:2] == "23" else "refused with SQLSTATE %s: %s" % (state, msg)
        return {"23505": "unique", "23514": "check", "23503": "foreign key", "23502": "not null"}.get(
            state, "%s %s" % (state, msg))
    if err in RAISES:
        return "refused: " + err
    for prefix, kind in (("UNIQUE constraint", "unique"), ("CHECK constraint", "check"),
                         ("FOREIGN KEY constraint", "foreign key"), ("NOT NULL constraint", "not null")):
        if err.startswith(prefix):
            return kind
    return err


class Both:
    def __init__(self, lite, pg):
        self.lite, self.pg = lite, pg

    def do(self, what, statements, expect=None, then=None):
        """Runs statements (one transaction) on both: the outcomes must be
        equal (and expect, when given), then query then's rows too."""
        if isinstance(statements, str):
            statements = [statements]
        lite = [s if isinstance(s, str) else s[0] for s in statements]
        pgs = [s if isinstance(s, str) else s[1] for s in statements]
        lrows, lerr = lite_run(self.lite, lite)
        prows, perr = self.pg.run(";\n".join(pgs))
        a, b = outcome(lerr, False), outcome(perr, True)
        check(a == b, "%s: SQLite says %s, PostgreSQL %s" % (what, a, b))
        if expect is not None:
            check(a == expect, "%s: %s expected, SQLite says %s" % (what, expect, a))
        if a == "ok" and b == "ok" and lrows is not None and prows is not None and statements[-1].__class__ is str \
                and statements[-1].lstrip().upper().startswith("SELECT"):
            check(lrows == prows, "%s: SQLite gives %s, PostgreSQL %s" % (what, lrows, prows))
        if then:
            self.same(what + " (then " + then + ")", then)

    def same(self, what, query):
        lrows, lerr = lite_run(self.lite, [query])
        prows = self.pg.rows(query)
        check(lerr is None, "%s: SQLite: %s" % (what, lerr))
        check(lrows == prows, "%s: SQLite gives %s, PostgreSQL %s" % (what, lrows, prows))
        return prows


NOW = "'2026-01-01T00:00:00Z'"
FIXTURE = [
    "INSERT INTO referentiel(slug, profile, created_at) VALUES ('gbpnr', 'gbpnr', %s)" % NOW,
    "INSERT INTO referentiel_status VALUES (1, 'non évaluée', 0, 0), (1, 'non concernée', 1, 1), "
    "(1, 'non engagée', 2, 0), (1, 'planifiée', 3, 0), (1, 'en cours', 4, 0), (1, 'réalisée', 5, 0)",
    "INSERT INTO guide_version(version, title, source, imported_at, imported_by, referentiel_id) "
    "VALUES ('v1', 'Guide', 'guide/', %s, 'test', 1)" % NOW,
    "INSERT INTO practice_copy(version_id, idbp, seq, title, theme_id, theme_title, priority, difficulty, who, "
    "indicators) VALUES (1, 'a.1', 1, 'Un', 'a', 'A', 'Prioritaire', 'Faible', '[]', '[]'), "
    "(1, 'a.2', 2, 'Deux', 'a', 'A', 'Recommandée', 'Moyenne', '[]', '[]')",
    "INSERT INTO pilot(name, origin) VALUES ('Direction', 'guide'), ('Achats', 'custom'), ('achats', 'custom'), "
    "('École', 'custom')",
    "INSERT INTO practice(perimeter_id, referentiel_id, idbp, copy_id, added_version, status) "
    "VALUES (1, 1, 'a.1', 1, 1, 'non évaluée'), (1, 1, 'a.2', 2, 1, 'non évaluée')",
    "INSERT INTO indicator(practice_id, num, name, origin, type) VALUES (1, 1, 'Taux', 'guide', 'percent')",
    "INSERT INTO measurement(indicator_id, period, start, \"end\", value, recorded_at, recorded_by) "
    "VALUES (1, '2025', '2025-01-01', '2025-12-31', '40', %s, 'test')" % NOW,
    "INSERT INTO history(at, actor, idbp, field, old, new, perimeter_id, referentiel_id) "
    "VALUES (%s, 'test', 'a.1', 'status', NULL, 'en cours', 1, 1)" % NOW,
    "INSERT INTO snapshot(name, created_at, created_by, version_id, weights, score_num, score_den, assessed, total,"
    " referentiel_id) VALUES ('s1', %s, 'test', 1, '3,2,1', 0, 5, 0, 2, 1)" % NOW,
    "INSERT INTO snapshot_item VALUES (1, 1, 1, 0, NULL)",
    "INSERT INTO objective(perimeter_id, name, indicator_id, target, deadline, created_at, created_by) "
    "VALUES (1, 'Réduire', 1, '50', '2027-12-31', %s, 'test')" % NOW,
    "INSERT INTO snapshot_objective VALUES (1, 1, 'late', NULL, NULL, NULL)",
    "INSERT INTO \"user\"(email, role, pwhash, created_at) VALUES ('Admin@Example.org', 'admin', '!', %s)" % NOW,
    "INSERT INTO user_function VALUES (1, 'Direction')",
    ("INSERT INTO session(token_hash, user_id, csrf, created_at, expires_at) VALUES (X'00ff', 1, 'c', 0, 1)",
     "INSERT INTO session(token_hash, user_id, csrf, created_at, expires_at) VALUES ('\\x00ff', 1, 'c', 0, 1)"),
    "INSERT INTO login_failure(at, email, address) VALUES (1, 'X@Example.org', '127.0.0.1')",
]


def behaviour(both, refusing):
    b = both
    for st in FIXTURE:
        b.do("fixture: " + (st if isinstance(st, str) else st[0])[:60], [st], "ok")
    # Seeds and defaults.
    b.same("weights", "SELECT priority, weight FROM weight ORDER BY priority")
    b.same("practice_copy defaults", "SELECT id, sections, applicability, always_applicable FROM practice_copy")
    b.same("indicator defaults", "SELECT id, unit, footprint, direction FROM indicator")
    b.same("snapshot's perimeter by default", "SELECT id, perimeter_id FROM snapshot")
    b.same("user defaults", "SELECT id, digest, api_hash FROM \"user\"")
    b.same("practice row versions start at 0", "SELECT id, row_version FROM practice ORDER BY id")

    # What SQLite's RAISE triggers refuse.
    copy = "imported guide copies are immutable"
    b.do("update a guide copy", "UPDATE practice_copy SET title = 'x' WHERE id = 1", "refused: " + copy)
    b.do("delete a guide copy", "DELETE FROM practice_copy WHERE id = 2", "refused: " + copy)
    hist = "the history is append-only"
    b.do("update the history", "UPDATE history SET actor = 'x'", "refused: " + hist)
    b.do("delete the history", "DELETE FROM history", "refused: " + hist)
    b.do("an update of no history line", "UPDATE history SET actor = 'x' WHERE id < 0", "ok")
    snap = "snapshots are immutable"
    for st in ("UPDATE snapshot SET name = 'y'", "DELETE FROM snapshot", "UPDATE snapshot_item SET status = 1",
               "DELETE FROM snapshot_item", "UPDATE snapshot_objective SET state = 'met'",
               "DELETE FROM snapshot_objective"):
        b.do(st, st, "refused: " + snap)
    b.do("delete an objective", "DELETE FROM objective", "refused: objectives are archived, not deleted")
    b.same("nothing refused was changed", "SELECT (SELECT count(*) FROM practice_copy), (SELECT count(*) FROM "
           "snapshot_item), (SELECT title FROM practice_copy WHERE id = 1), (SELECT count(*) FROM objective)")

    # Row versions: one more per UPDATE naming a tracked column, whatever
    # else the UPDATE sets; evidence moves its practice's.
    versions = "SELECT id, row_version FROM practice ORDER BY id"
    b.do("an untracked column", "UPDATE practice SET updated_at = 'x' WHERE id = 1", "ok", versions)
    b.do("the status", "UPDATE practice SET status = 'en cours' WHERE id = 1", "ok", versions)
    b.do("two tracked columns", "UPDATE practice SET due = '2027-01-01', budget = 5 WHERE id = 1", "ok", versions)
    b.do("an explicit row_version", "UPDATE practice SET row_version = 10, staff = 3 WHERE id = 1", "ok", versions)
    b.do("a tracked column set to its value", "UPDATE practice SET status = status", "ok", versions)
    b.do("evidence added", "INSERT INTO evidence VALUES (1, 'https://example.org/a', %s)" % NOW, "ok", versions)
    b.do("evidence removed", "DELETE FROM evidence WHERE practice_id = 1", "ok", versions)
    over = "SELECT id, row_version, target FROM objective"
    b.do("an objective's target", "UPDATE objective SET target = '40'", "ok", over)
    b.do("an objective's name, unchanged", "UPDATE objective SET name = 'Réduire'", "ok", over)
    b.do("an objective's untracked column", "UPDATE objective SET created_by = 'z'", "ok", over)
    b.do("an objective archived", "UPDATE objective SET archived_at = %s" % NOW, "ok", over)

    # Statuses: known to the référentiel, justified where it asks.
    status = "refused: status unknown to the référentiel, or without its justification"
    ins = ("INSERT INTO practice(perimeter_id, referentiel_id, idbp, copy_id, added_version, status, comment) "
           "VALUES (1, 1, 'a.3', 1, 1, %s, %s)")
    b.do("an unknown status", ins % ("'inconnu'", "NULL"), status)
    b.do("an empty status", ins % ("''", "NULL"), status)
    b.do("a status without its justification", ins % ("'non concernée'", "NULL"), status)
    b.do("a status with an empty justification", ins % ("'non concernée'", "''"), status)
    b.do("a status with its justification", ins % ("'non concernée'", "'hors champ'"), "ok")
    b.do("a status changed to an unknown one", "UPDATE practice SET status = 'bof' WHERE id = 1", status)
    b.do("a justification removed", "UPDATE practice SET comment = NULL WHERE idbp = 'a.3'", status)
    b.do("a justified status changed", "UPDATE practice SET status = 'réalisée', comment = NULL WHERE idbp = 'a.3'",
         "ok", "SELECT idbp, status, comment, row_version FROM practice ORDER BY id")

    # The assignment outbox: one row per change of pilot or owner, the
    # owner's first when one UPDATE sets both (SQLite fires the trigger
    # created last first; PostgreSQL by name).
    out = "SELECT id, practice_id, role, name, done_at FROM assignment ORDER BY id"
    b.do("pilot and owner set", "UPDATE practice SET pilot_id = 1, owner = 'Alice' WHERE id = 2", "ok", out)
    b.do("pilot and owner set again", "UPDATE practice SET pilot_id = 1, owner = 'Alice' WHERE id = 2", "ok", out)
    b.do("owner emptied", "UPDATE practice SET owner = '' WHERE id = 2", "ok", out)
    b.do("pilot and owner cleared", "UPDATE practice SET owner = NULL, pilot_id = NULL WHERE id = 2", "ok", out)
    b.do("owner then pilot", "UPDATE practice SET owner = 'Bob', pilot_id = 2 WHERE id = 2", "ok", out)
    b.do("pilot alone", "UPDATE practice SET pilot_id = 4 WHERE id = 2", "ok", out)
    b.do("owner alone", "UPDATE practice SET owner = 'Carole' WHERE id = 1", "ok", out)

    # The unsubscribe token: made when none is given, kept when one is.
    b.do("a user without a token", "INSERT INTO \"user\"(email, role, pwhash, created_at) "
         "VALUES ('pilote@example.org', 'pilote', '!', %s)" % NOW, "ok")
    b.do("a user with a token", "INSERT INTO \"user\"(email, role, pwhash, created_at, unsubscribe_token) "
         "VALUES ('lecteur@example.org', 'lecteur', '!', %s, 'mine')" % NOW, "ok")
    # (Booleans read as 1 in SQLite, t in psql: CASE gives both the same.)
    shape = ("SELECT email, length(unsubscribe_token), CASE WHEN unsubscribe_token = lower(unsubscribe_token) "
             "THEN 'lower' END, CASE WHEN unsubscribe_token = 'mine' THEN 'mine' END FROM \"user\" ORDER BY id")
    b.same("tokens", shape)
    b.same("tokens are distinct", "SELECT count(DISTINCT unsubscribe_token) FROM \"user\"")

    # Case: NOCASE folds ASCII letters only, as citext does in a C database.
    per = "INSERT INTO perimeter(name, parent_id, kind, created_at) VALUES ('%s', 1, 'service', " + NOW + ")"
    perimeters = "SELECT id, name FROM perimeter ORDER BY id"
    b.do("perimeter Économie", per % "Économie", "ok", perimeters)  # id 2: the identity starts after the root
    b.do("perimeter économie (É is not folded)", per % "économie", "ok", perimeters)
    b.do("perimeter ÉCONOMIE (Économie, ASCII folded)", per % "ÉCONOMIE", "unique")
    b.do("perimeter éCONOMIE (économie, ASCII folded)", per % "éCONOMIE", "unique")
    b.do("perimeter organisation (the root's name, folded)", per % "organisation", "unique")
    b.do("perimeter Mairie", per % "Mairie", "ok")
    b.do("perimeter MAIRIE", per % "MAIRIE", "unique")
    for name in ("b", "A", "a_x", "Z", "ß", "[", "É"):
        b.do("perimeter " + name, per % name, "ok")
    b.same("perimeters ordered by name", "SELECT name FROM perimeter ORDER BY name")
    b.same("a perimeter found by a folded name",
           "SELECT id FROM perimeter WHERE name = 'ORGANISATION' OR name = 'éCONOMIE' ORDER BY id")
    b.same("no perimeter found by a non-ASCII fold", "SELECT count(*) FROM perimeter WHERE name = 'ÉCONOMIE  '")
    b.same("lower() and upper() fold ASCII only", "SELECT lower('ÉCOLE Ä ß'), upper('école ä ß')")
    b.same("text columns compare bytes", "SELECT count(*) FROM pilot WHERE name = 'direction'")
    b.same("text columns order bytes", "SELECT name FROM pilot ORDER BY name")
    b.do("an e-mail again, other case", "INSERT INTO \"user\"(email, role, pwhash, created_at) "
         "VALUES ('ADMIN@example.ORG', 'admin', '!', %s)" % NOW, "unique")
    b.do("an e-mail again, non-ASCII case", "INSERT INTO \"user\"(email, role, pwhash, created_at) "
         "VALUES ('élise@example.org', 'lecteur', '!', %s), ('Élise@example.org', 'lecteur', '!', %s)"
         % (NOW, NOW), "ok")
    b.same("a user found by a folded e-mail", "SELECT id FROM \"user\" WHERE email = 'admin@EXAMPLE.org'")
    b.same("login failures by a folded e-mail", "SELECT count(*) FROM login_failure WHERE email = 'x@example.ORG'")
    obj = ("INSERT INTO objective(perimeter_id, name, indicator_id, target, deadline, created_at, created_by) "
           "VALUES (%s, '%s', 1, '1', '2027-12-31', " + NOW + ", 'test')")
    b.do("objective réduire (Réduire, ASCII folded)", obj % (1, "réduire"), "unique")
    b.do("objective RÉDUIRE", obj % (1, "RÉDUIRE"), "ok")
    b.do("objective réduire elsewhere", obj % (2, "réduire"), "ok")
    b.same("objectives ordered by name", "SELECT perimeter_id, name FROM objective ORDER BY name, perimeter_id")

    # CHECKs, NOT NULLs, uniques, foreign keys, cascades.
    for what, st, kind in (
            ("a weight over 100", "UPDATE weight SET weight = 101 WHERE priority = 'Prioritaire'", "check"),
            ("an unknown priority", "INSERT INTO weight VALUES ('Autre', 1)", "check"),
            ("a perimeter without a parent", "INSERT INTO perimeter(name, kind, created_at) "
             "VALUES ('Orphelin', 'service', %s)" % NOW, "check"),
            ("a root with a parent", "UPDATE perimeter SET parent_id = 2 WHERE id = 1", "check"),
            ("an unknown perimeter kind", per.replace("'service'", "'ministère'") % "Autre", "check"),
            ("a custom référentiel without its YAML", "INSERT INTO referentiel(slug, profile, created_at) "
             "VALUES ('maison', 'custom', %s)" % NOW, "check"),
            ("a built-in référentiel with YAML", "INSERT INTO referentiel(slug, profile, profile_yaml, created_at) "
             "VALUES ('maison', 'gbpnr', 'x', %s)" % NOW, "check"),
            ("a custom référentiel", "INSERT INTO referentiel(slug, profile, profile_yaml, created_at) "
             "VALUES ('maison', 'custom', 'x', %s)" % NOW, "ok"),
            ("a référentiel's slug again", "INSERT INTO referentiel(slug, profile, created_at) "
             "VALUES ('gbpnr', 'gbpnr', %s)" % NOW, "unique"),
            ("a status position again", "INSERT INTO referentiel_status VALUES (1, 'autre', 0, 0)", "unique"),
            ("digest 2", "UPDATE \"user\" SET digest = 2", "check"),
            ("an unknown role", "UPDATE \"user\" SET role = 'root'", "check"),
            ("a negative budget", "UPDATE practice SET budget = -1 WHERE id = 1", "check"),
            ("negative staff on an objective", "UPDATE objective SET staff = -1", "check"),
            ("footprint 2", "UPDATE indicator SET footprint = 2", "check"),
            ("an unknown direction", "UPDATE indicator SET direction = 'sideways'", "check"),
            ("an unknown indicator type", "UPDATE indicator SET type = 'x'", "check"),
            ("an unknown indicator origin", "UPDATE indicator SET origin = 'x'", "check"),
            ("an indicator number again", "INSERT INTO indicator(practice_id, num, name, origin, type) "
             "VALUES (1, 1, 'Autre', 'custom', 'text')", "unique"),
            ("a measurement period again", "INSERT INTO measurement(indicator_id, period, start, \"end\", value, "
             "recorded_at, recorded_by) VALUES (1, '2025', '2025-01-01', '2025-12-31', '1', %s, 't')" % NOW,
             "unique"),
            ("an unknown pilot origin", "INSERT INTO pilot(name, origin) VALUES ('x', 'other')", "check"),
            ("a pilot name again", "INSERT INTO pilot(name, origin) VALUES ('Direction', 'custom')", "unique"),
            ("an empty declaration field", "INSERT INTO declaration VALUES (1, 1, 'f', '')", "check"),
            ("an empty strategy text", "INSERT INTO strategy_text VALUES (1, 'f', '')", "check"),
            ("an unknown assignment role", "INSERT INTO assignment(practice_id, role, name) "
             "VALUES (1, 'boss', 'x')", "check"),
            ("a NULL meta value", "INSERT INTO meta VALUES ('k', NULL)", "not null"),
            # The status trigger comes before the NOT NULL, in both.
            ("a NULL practice status", "UPDATE practice SET status = NULL WHERE id = 1",
             "refused: status unknown to the référentiel, or without its justification"),
            ("a NULL practice idbp", "UPDATE practice SET idbp = NULL WHERE id = 1", "not null"),
            ("a snapshot name again", "INSERT INTO snapshot(name, created_at, created_by, version_id, weights, "
             "score_num, score_den, assessed, total) VALUES ('s1', %s, 't', 1, '3,2,1', 0, 1, 0, 0)" % NOW, "unique"),
            ("a criterion text of no practice", "INSERT INTO declaration_criterion VALUES (1, 1, 'zz', 'f', 'v')",
             "foreign key"),
            ("a criterion text", "INSERT INTO declaration_criterion VALUES (1, 1, 'a.1', 'f', 'v')", "ok"),
            ("a practice of no perimeter", ins.replace("(1, 1, 'a.3'", "(99, 1, 'a.4'") % ("'en cours'", "NULL"),
             "foreign key"),
            ("a perimeter in use", "DELETE FROM perimeter WHERE id = 1", "foreign key"),
            ("an OIDC identity", "UPDATE \"user\" SET oidc_issuer = 'https://idp', oidc_subject = 's' WHERE id = 1",
             "ok"),
            ("an OIDC identity again", "UPDATE \"user\" SET oidc_issuer = 'https://idp', oidc_subject = 's' "
             "WHERE id = 2", "unique"),
            ("a subject without an issuer, twice", "UPDATE \"user\" SET oidc_subject = 's' WHERE id IN (2, 3)", "ok"),
            ("an unsubscribe token again", "UPDATE \"user\" SET unsubscribe_token = 'mine' WHERE id = 1", "unique"),
            ("api tokens unset, twice", "UPDATE \"user\" SET api_hash = NULL", "ok")):
        b.do(what, st, kind)
    b.do("an api token again", [("UPDATE \"user\" SET api_hash = X'01' WHERE id IN (1, 2)",
                                 "UPDATE \"user\" SET api_hash = '\\x01' WHERE id IN (1, 2)")], "unique")
    b.do("a session again", [FIXTURE[15]], "unique")
    b.do("the claims of user 1", ["INSERT INTO reminder_sent VALUES (1, '2026-W01', %s)" % NOW,
                                  "INSERT INTO assignment_sent VALUES (1, 1, %s)" % NOW], "ok")
    b.do("an assignment in use", "DELETE FROM assignment WHERE id = 1", "foreign key")
    owned = ("SELECT (SELECT count(*) FROM session), (SELECT count(*) FROM user_function), "
             "(SELECT count(*) FROM reminder_sent), (SELECT count(*) FROM assignment_sent), "
             "(SELECT count(*) FROM \"user\")")
    b.same("what user 1 owns", owned)
    b.do("user 1 deleted: its sessions, functions and claims go", "DELETE FROM \"user\" WHERE id = 1", "ok", owned)


# --- PostgreSQL alone --------------------------------------------------------

def pg_alone(pg, refusing):
    for table, message in sorted(refusing):
        _, err = pg.run("TRUNCATE %s CASCADE" % table)
        check(err is not None and err[1] == message and err[0] == "23001",
              "TRUNCATE %s: refused with '%s' (23001) expected, got %s" % (table, message, err))
    for table in ("sobre_schema", "sobre_data_version"):
        _, err = pg.run("DELETE FROM %s" % table)
        check(err is not None and err[0] == "23001", "DELETE FROM %s: refused expected, got %s" % (table, err))
    _, err = pg.run("INSERT INTO sobre_schema VALUES ('other', 1)")
    check(err is not None and err[0] == "23514", "a second sobre_schema row: refused expected, got %s" % (err,))

    # 192 random bits: 48 hex digits, none fixed (a UUID's version digit
    # would be the same in every token).
    pg.rows("INSERT INTO \"user\"(email, role, pwhash, created_at) SELECT 'u' || i || '@example.org', 'lecteur', "
            "'!', %s FROM generate_series(1, 64) i" % NOW)
    tokens = [r[0] for r in pg.rows("SELECT unsubscribe_token FROM \"user\" WHERE email LIKE 'u%@example.org'")]
    check(len(tokens) == 64 and all(re.fullmatch(r"[0-9a-f]{48}", t) for t in tokens),
          "tokens: 64 of 48 lowercase hex digits expected: %s" % tokens[:3])
    check(len(set(tokens)) == 64, "tokens: 64 distinct expected")
    fixed = [i for i in range(48) if len({t[i] for t in tokens}) == 1]
    check(not fixed, "tokens: digits %s are the same in 64 tokens" % fixed)

    # The data version.
    def version():
        return int(pg.rows("SELECT v FROM sobre_data_version")[0][0])

    v0 = version()
    pg.rows("SELECT count(*) FROM practice")
    pg.rows("SELECT * FROM perimeter ORDER BY name")
    check(version() == v0, "data version: reads changed it")
    pg.run("INSERT INTO meta VALUES ('k1', 'v')")
    v1 = version()
    check(v1 > v0, "data version: an INSERT did not change it (%d, %d)" % (v0, v1))
    pg.run("INSERT INTO meta VALUES ('k2', 'v'); UPDATE meta SET value = 'w'; DELETE FROM meta WHERE key = 'k2';"
           "INSERT INTO history(at, actor, field) VALUES ('x', 'y', 'z')")
    v2 = version()
    check(v2 == v1 + 1, "data version: a transaction of four writes added %d, 1 expected" % (v2 - v1))
    pg.run("BEGIN; INSERT INTO meta VALUES ('k3', 'v'); ROLLBACK")
    check(version() == v2, "data version: a rolled back write changed it")
    _, err = pg.run("UPDATE history SET actor = 'x'")
    check(err is not None and version() == v2, "data version: a refused write changed it")
    pg.run("UPDATE perimeter SET archived_at = 'x' WHERE id = 2")
    v3 = version()
    check(v3 == v2 + 1, "data version: an UPDATE did not change it")
    pg.run("DELETE FROM \"user\" WHERE email = 'u1@example.org'")
    v4 = version()
    check(v4 == v3 + 1, "data version: a DELETE did not change it")
    pg.run("TRUNCATE oidc_pending")
    check(version() == v4 + 1, "data version: a TRUNCATE did not change it")
    rows, err = pg.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT v FROM sobre_data_version; COMMIT")
    check(err is None, "data version: not readable in a read-only transaction: %s" % (err,))
    pg.rows("INSERT INTO session(token_hash, user_id, csrf, created_at, expires_at) VALUES ('\\x02', 2, 'c', 0, 1)")
    check(version() == v4 + 2, "data version: a session opened did not change it")

    # The triggers find their tables in their own schema whatever the
    # session's search_path (here without it).
    other = Pg(pg.uri, os.environ.get("SOBRE_TEST_PG_BIN"), "public")
    rv = int(pg.rows("SELECT row_version FROM practice WHERE id = 2")[0][0])
    _, err = other.run("UPDATE {0}.practice SET owner = 'Dora', comment = 'vu' WHERE id = 2; "
                       "INSERT INTO {0}.evidence VALUES (2, 'https://example.org/b', 'x')".format(pg.schema))
    check(err is None, "writes from another search_path: %s" % (err,))
    check(version() == v4 + 3, "data version: a write from another search_path did not change it")
    check(pg.rows("SELECT role, name FROM assignment ORDER BY id DESC LIMIT 1") == [["owner", "Dora"]],
          "assignment: a write from another search_path did not fill the outbox")
    check(pg.rows("SELECT row_version FROM practice WHERE id = 2") == [[str(rv + 2)]],
          "row version: an update and an evidence from another search_path did not add 2")


def main():
    if len(sys.argv) != 3:
        print("usage: test_schema.py path/to/sobre path/to/tools/pg_schema", file=sys.stderr)
        return 2
    sobre, tool = sys.argv[1], sys.argv[2]
    uri = os.environ.get("SOBRE_TEST_PG")
    if not uri:
        print("test_schema.py: SOBRE_TEST_PG is not set (run tests/pg/test_schema.sh)", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="sobre-pg-schema.")
    schema = "t_schema_%d" % os.getpid()
    pg = Pg(uri, os.environ.get("SOBRE_TEST_PG_BIN"), schema)
    try:
        path = os.path.join(tmp, "sobre.db")
        subprocess.run([sobre, "init", "--db", path], check=True, capture_output=True,
                       env=dict(os.environ, SOBRE_USER="test"))
        lite = sqlite_connect(path)
        locale = pg.rows("SELECT datcollate, datctype, current_setting('server_encoding') FROM pg_database "
                         "WHERE datname = current_database()")
        check(locale == [["C", "C", "UTF8"]], "the test database must be UTF8 in the C locale, not %s" % locale)
        pg.rows("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (schema, schema))
        ddl = subprocess.run([tool], check=True, capture_output=True).stdout.decode()
        _, err = pg.run(None, stdin=ddl, single=True)
        check(err is None, "the baseline failed: %s" % (err,))
        if err:
            return 1
        # The version, SQLite's header against the row. A migration added to
        # SQLite without its PostgreSQL counterpart fails here first.
        lv = lite.execute("PRAGMA user_version").fetchone()[0]
        pv = pg.rows("SELECT application, version FROM sobre_schema")
        check(pv == [["sobre", str(lv)]], "SQLite's schema is %d, PostgreSQL's %s: each migration needs its "
              "PostgreSQL counterpart" % (lv, pv))
        check(lite.execute("PRAGMA application_id").fetchone()[0] == 0x736f6272, "SQLite's application id")
        ls = sqlite_schema(lite)
        RAISES.update(m for t in ls["triggers"].values() for m in t[3])
        refusing = compare_structure(ls, pg_schema(pg))
        # The seeded rows: what the migrations leave. sobre init adds its
        # own through the store (meta created_at, one history line).
        for table in sorted(ls["tables"]):
            n = lite.execute('SELECT count(*) FROM "%s"' % table).fetchone()[0]
            m = int(pg.rows('SELECT count(*) FROM "%s"' % table)[0][0])
            init = {"meta": 1, "history": 1}.get(table, 0)
            check(n - init == m, "%s: %d rows after the migrations, %d in the baseline" % (table, n - init, m))
        check(lite.execute("SELECT key FROM meta").fetchall() == [("created_at",)], "sobre init's meta")
        check(lite.execute("SELECT field, new FROM history").fetchall() == [("database", "created")],
              "sobre init's history line")
        root = "SELECT id, name, parent_id, kind, archived_at FROM perimeter"
        lrows, _ = lite_run(lite, [root])
        check(lrows == pg.rows(root), "the root perimeter: %s in SQLite, %s" % (lrows, pg.rows(root)))
        created = pg.rows("SELECT created_at FROM perimeter")[0][0]
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created), "the root's date: %s" % created)
        behaviour(Both(lite, pg), refusing)
        pg_alone(pg, refusing)
        lite.close()
    finally:
        try:
            pg.run("DROP SCHEMA IF EXISTS %s CASCADE" % schema)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        print("pg schema: %d of %d checks failed" % (len(FAILS), CHECKS))
        return 1
    print("pg schema: %d checks passed (baseline 8 against SQLite's migrations)" % CHECKS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
