#!/usr/bin/env python3
"""The steering SQL stays in the dialect SQLite and PostgreSQL both accept
(make lint; issue #16). It reads src/steer/*.c as text and takes as SQL:

- every string literal passed to store_query() (adjacent literals and the
  file's string macros, such as USER_COLUMNS, joined and expanded);
- every other literal that starts with SELECT, INSERT, UPDATE, DELETE or
  WITH (the statements handed to a helper that calls store_query).

store_sqlite.c is skipped: its migrations and PRAGMAs are SQLite's own,
and a PostgreSQL backend replaces them instead of translating them.

A statement that has no text common to both engines is marked on the line
above its first literal:

    /* sqlcheck: sqlite-only (group-concat, char), see #16 */

which waives the rules named in parentheses (all rules without them) for
that statement only. A marker with nothing left to waive is a finding
too, so that markers do not outlive the SQL they excuse.

    sqlcheck.py [FILE|DIR ...]   (default src/steer)
    sqlcheck.py --self-test      the rules against tests/sqlcheck/fixture.c
    sqlcheck.py --list FILE ...  the statements found, one per line

Prints file:line: rule: message, with a hint, and exits 1 on a finding."""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
FIXTURE = os.path.join(ROOT, "tests", "sqlcheck", "fixture.c")
SKIPPED = {"store_sqlite.c"}
SQL_START = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s")
MARKER = re.compile(r"sqlcheck:\s*sqlite-only(?:\s*\(([^)]*)\))?")

# rule id -> (what is wrong, what to write instead)
RULES = {
    "insert-or": ("INSERT OR … is SQLite's",
                  "write INSERT … ON CONFLICT DO NOTHING (or DO UPDATE with a target)"),
    "conflict-target": ("ON CONFLICT DO UPDATE without a conflict target",
                        "name the unique columns: ON CONFLICT (a, b) DO UPDATE"),
    "upsert-column": ("bare column in the values of DO UPDATE SET",
                      "PostgreSQL finds it ambiguous: write table.col (the row there) or excluded.col (the new one)"),
    "group-concat": ("group_concat() is SQLite's",
                     "PostgreSQL has string_agg(); write the statement per backend"),
    "char": ("char(n) is SQLite's (PostgreSQL: chr(n))",
             "bind the character as a parameter, or write the statement per backend"),
    "reserved-word": ("unquoted reserved word",
                      "quote it: \"user\", \"end\" (SQLite accepts the quotes)"),
    "in-cte": ("IN followed by a bare table or CTE name is SQLite's",
               "write IN (SELECT id FROM name)"),
    "nocase": ("COLLATE NOCASE does not exist in PostgreSQL",
               "compare lower(x) = lower(?), or rely on the column's own collation (citext there)"),
    "select-param": ("parameter in a select list without a type",
                     "PostgreSQL types it text: write CAST(? AS BIGINT) (or AS TEXT)"),
    "is-not": ("IS NOT between two values is SQLite's null-safe comparison",
               "write IS DISTINCT FROM"),
    "bool-param": ("parameter used as a boolean",
                   "integers are not booleans in PostgreSQL: write (? <> 0 OR …)"),
    "recursive-limit": ("LIMIT inside a recursive CTE",
                        "PostgreSQL refuses it: limit the outer query, or write the statement per backend"),
    "subquery-alias": ("subquery in FROM without an alias",
                       "add one: FROM (SELECT …) AS x (PostgreSQL before 16 requires it)"),
    "unused-marker": ("a sqlite-only marker that waives nothing",
                      "remove it, or name only the rules the statement below still breaks"),
}

# ---------------------------------------------------------------- C side


def c_unescape(body):
    out = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e == "x":
            m = re.match(r"[0-9a-fA-F]+", body[i + 2:])
            out.append(chr(int(m.group(0), 16)) if m else "x")
            i += 2 + (len(m.group(0)) if m else 0)
        elif e in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        else:
            out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(e, e))
            i += 2
    return "".join(out)


def c_tokens(text):
    """(kind, value, line) for the C text, and the preprocessor #defines as
    {name: [tokens]}, and the comments as [(line, text)]. Kinds: str, id,
    punct, other."""
    toks, defines, comments = [], {}, []
    i, n, line = 0, len(text), 1
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            comments.append((line, text[i:j]))
            line += text.count("\n", i, j)
            i = j
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            comments.append((line, text[i:j]))
            i = j
            continue
        if c == "#" and at_line_start:
            # A directive runs to the end of the line, continuations joined.
            j = i
            while True:
                k = text.find("\n", j)
                k = n if k < 0 else k
                if k > j and text[k - 1] == "\\" and k < n:
                    j = k + 1
                    continue
                break
            directive = text[i:k]
            m = re.match(r"#\s*define\s+([A-Za-z_]\w*)(?!\()\s*(.*)", directive, re.S)
            if m:
                body = m.group(2).replace("\\\n", " \n")
                sub, _, sub_comments = c_tokens("\n" * (line - 1) + " " * (m.start(2)) + body)
                defines[m.group(1)] = sub
                comments.extend(sub_comments)
            line += text.count("\n", i, k)
            i = k
            continue
        at_line_start = False
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            toks.append(("str", c_unescape(text[i + 1:j]), line))
            i = j + 1
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            toks.append(("other", text[i:j + 1], line))
            i = j + 1
        elif c.isalpha() or c == "_":
            m = re.match(r"\w+", text[i:])
            toks.append(("id", m.group(0), line))
            i += len(m.group(0))
        elif c.isdigit():
            m = re.match(r"[\w.]+", text[i:])
            toks.append(("other", m.group(0), line))
            i += len(m.group(0))
        else:
            toks.append(("punct", c, line))
            i += 1
    return toks, defines, comments


def string_macros(defines):
    """The macros whose body is only string literals and such macros."""
    found = {}
    changed = True
    while changed:
        changed = False
        for name, body in defines.items():
            if name in found or not body:
                continue
            if all(t[0] == "str" or (t[0] == "id" and t[1] in found) for t in body):
                found[name] = body
                changed = True
    return found


def expand(tok, macros):
    """[(text, line)] of one string token or string macro, each piece on
    the line that spells it (a macro's body on its #define's lines)."""
    if tok[0] == "str":
        return [(tok[1], tok[2])]
    out = []
    for t in macros[tok[1]]:
        out.extend(expand(t, macros))
    return out


def statements(path, text=None, unclaimed=None):
    """(first line, call line, [(char, line)], (marker line, waived rules)
    or None) of each SQL statement in a C file; the lines of markers above
    no statement are added to unclaimed when given."""
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    toks, defines, comments = c_tokens(text)
    macros = string_macros(defines)
    markers = {}
    for line, body in comments:
        m = MARKER.search(body)
        if m:
            rules = {r.strip() for r in m.group(1).split(",")} if m.group(1) else None
            unknown = (rules or set()) - set(RULES)
            if unknown:
                raise SystemExit("%s:%d: sqlcheck: unknown rule in marker: %s" % (path, line, ", ".join(sorted(unknown))))
            markers[line + body.count("\n")] = (line, rules)
    found = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if not (t[0] == "str" or (t[0] == "id" and t[1] in macros)):
            i += 1
            continue
        j = i
        pieces = []
        while j < len(toks) and (toks[j][0] == "str" or (toks[j][0] == "id" and toks[j][1] in macros)):
            pieces.extend(expand(toks[j], macros))
            j += 1
        chars = [(ch, line) for piece, line in pieces for ch in piece]
        sql = "".join(ch for ch, _ in chars)
        call = None
        if i >= 4 and toks[i - 1][1] == "," and toks[i - 3][1] == "(" and toks[i - 4][1] == "store_query":
            call = toks[i - 4][2]
        if call is not None or SQL_START.match(sql):
            first = t[2]
            key = first - 1 if first - 1 in markers else call - 1 if call is not None and call - 1 in markers else None
            found.append((first, call, chars, markers.pop(key) if key is not None else None))
        i = j
    if unclaimed is not None:
        unclaimed.extend(line for line, _rules in markers.values())
    return found


# -------------------------------------------------------------- SQL side

SQL_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*'?)
  | (?P<qident>"(?:[^"]|"")*"?|`[^`]*`?|\[[^\]]*\]?)
  | (?P<param>\?\d*|[:@$][A-Za-z_]\w*)
  | (?P<word>[A-Za-z_][\w$]*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
  | (?P<op>\|\||<>|<=|>=|!=|==|<<|>>|.)
""", re.X | re.S)


def sql_tokens(chars):
    """(kind, text, upper text, line) of each SQL token, blanks dropped."""
    text = "".join(ch for ch, _ in chars)
    out = []
    for m in SQL_TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "space":
            continue
        value = m.group(0)
        out.append((kind, value, value.upper() if kind == "word" else value, chars[m.start()][1]))
    return out


LIST_END = {"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION", "EXCEPT", "INTERSECT", "WINDOW"}
BOOL_BEFORE = {"WHERE", "AND", "OR", "NOT", "HAVING", "ON"}
BOOL_AFTER_WORDS = {"AND", "OR", "ORDER", "GROUP", "LIMIT", "UNION"}


def is_word(tok, *words):
    return tok is not None and tok[0] == "word" and tok[2] in words


def check_sql(toks):
    """[(line, rule, detail)] of one statement's SQL tokens."""
    found = []
    n = len(toks)

    def at(k):
        return toks[k] if 0 <= k < n else None

    case_depth = 0
    depth = 0
    select_state = {}  # paren depth -> True while in a SELECT's list
    for k, t in enumerate(toks):
        kind, value, up, line = t
        prev, nxt = at(k - 1), at(k + 1)
        if kind == "op" and value == "(":
            depth += 1
        elif kind == "op" and value == ")":
            for d in [d for d in select_state if d >= depth]:
                del select_state[d]
            depth -= 1
        if kind == "word":
            if up == "INSERT" and is_word(nxt, "OR"):
                found.append((line, "insert-or", "INSERT OR " + (at(k + 2) or ("", "", "", 0))[1]))
            elif up == "CONFLICT" and is_word(prev, "ON") and is_word(nxt, "DO") and is_word(at(k + 2), "UPDATE"):
                found.append((line, "conflict-target", "ON CONFLICT DO UPDATE"))
            elif up == "GROUP_CONCAT":
                found.append((line, "group-concat", value))
            elif up == "CHAR" and nxt is not None and nxt[1] == "(":
                found.append((line, "char", value + "("))
            elif up == "CASE":
                case_depth += 1
            elif up == "END" and case_depth > 0:
                case_depth -= 1
            elif up in ("USER", "END"):
                found.append((line, "reserved-word", value))
            elif up == "IN" and nxt is not None and nxt[0] in ("word", "qident"):
                found.append((line, "in-cte", "IN " + nxt[1]))
            elif up == "COLLATE" and is_word(nxt, "NOCASE"):
                found.append((line, "nocase", "COLLATE " + nxt[1]))
            elif up == "IS" and is_word(nxt, "NOT") and not is_word(at(k + 2), "NULL", "DISTINCT", "TRUE", "FALSE"):
                found.append((line, "is-not", "IS NOT " + (at(k + 2) or ("", "", "", 0))[1]))
            elif up == "SELECT":
                select_state[depth] = True
            elif up in LIST_END and select_state.get(depth):
                select_state[depth] = False
            if up in ("FROM", "JOIN") and nxt is not None and nxt[1] == "(" and is_word(at(k + 2), "SELECT", "WITH", "VALUES"):
                close = matching(toks, k + 1)
                after = at(close + 1)
                if after is None or not (after[0] in ("word", "qident") and after[2] not in
                                         ("WHERE", "GROUP", "ORDER", "LIMIT", "UNION", "EXCEPT", "INTERSECT",
                                          "JOIN", "LEFT", "INNER", "CROSS", "ON", "HAVING", "WINDOW")):
                    found.append((line, "subquery-alias", "FROM (SELECT …)"))
        if kind == "param":
            # An item of its own, or text glued with ||: PostgreSQL has
            # nothing to type it from (compared with a column, it takes the
            # column's type).
            inner = [d for d in select_state if d <= depth]
            if inner and select_state[max(inner)]:
                item = (max(inner) == depth and (is_word(prev, "SELECT", "DISTINCT", "ALL") or prev[1] == ",") and
                        (nxt is None or nxt[1] in (",", ")") or is_word(nxt, "AS", *LIST_END)))
                if item or (prev is not None and prev[1] == "||") or (nxt is not None and nxt[1] == "||"):
                    found.append((line, "select-param", value))
            if prev is not None and not (is_word(at(k - 3), "BETWEEN") and is_word(prev, "AND")):
                if prev[1] == "(":
                    flag = is_word(nxt, "AND", "OR")
                else:
                    flag = is_word(prev, *BOOL_BEFORE) and (nxt is None or nxt[1] == ")" or
                                                             is_word(nxt, *BOOL_AFTER_WORDS))
                if flag:
                    found.append((line, "bool-param", value))
    found.extend(recursive_limits(toks))
    found.extend(upsert_columns(toks))
    return found


# Words that may stand bare in an expression without naming a column.
EXPR_WORDS = {"NULL", "TRUE", "FALSE", "CASE", "WHEN", "THEN", "ELSE", "END", "AND", "OR", "NOT", "IS", "IN",
              "CAST", "AS", "DISTINCT", "FROM", "BIGINT", "INTEGER", "TEXT", "COLLATE", "LIKE", "BETWEEN",
              "CURRENT_TIMESTAMP"}
SET_END = {"WHERE", "RETURNING", "FROM", "ON"}


def upsert_columns(toks):
    """Bare columns on the right of DO UPDATE SET's assignments."""
    found = []
    for k, t in enumerate(toks):
        if not (is_word(t, "UPDATE") and k > 0 and is_word(toks[k - 1], "DO")):
            continue
        j = k + 2 if k + 1 < len(toks) and is_word(toks[k + 1], "SET") else len(toks)
        depth, rhs = 0, False
        while j < len(toks):
            u = toks[j]
            if u[1] == "(":
                depth += 1
            elif u[1] == ")":
                depth -= 1
            elif depth == 0 and u[1] == ",":
                rhs = False
            elif depth == 0 and u[1] == "=" and not rhs:
                rhs = True
            elif depth == 0 and is_word(u, *SET_END):
                break
            elif rhs and u[0] == "word" and u[2] not in EXPR_WORDS:
                before = toks[j - 1][1]
                after = toks[j + 1][1] if j + 1 < len(toks) else ""
                if before != "." and after not in (".", "("):
                    found.append((u[3], "upsert-column", "SET … = " + u[1]))
            j += 1
    return found


def matching(toks, k):
    """Index of the ')' closing the '(' at k (the last token if none)."""
    depth = 0
    for j in range(k, len(toks)):
        if toks[j][1] == "(":
            depth += 1
        elif toks[j][1] == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def recursive_limits(toks):
    """LIMIT at the top level of a CTE that reads itself, under WITH
    RECURSIVE."""
    found = []
    for k, t in enumerate(toks):
        if not (is_word(t, "WITH") and k + 1 < len(toks) and is_word(toks[k + 1], "RECURSIVE")):
            continue
        j = k + 2
        while j < len(toks) and toks[j][0] in ("word", "qident"):
            name = toks[j][2] if toks[j][0] == "word" else toks[j][1].strip('"').upper()
            j += 1
            if j < len(toks) and toks[j][1] == "(":
                j = matching(toks, j) + 1
            if not (j < len(toks) and is_word(toks[j], "AS")):
                break
            j += 1
            if not (j < len(toks) and toks[j][1] == "("):
                break
            close = matching(toks, j)
            body = toks[j + 1:close]
            if any(b[0] == "word" and b[2] == name for b in body):
                depth = 0
                for b in body:
                    if b[1] == "(":
                        depth += 1
                    elif b[1] == ")":
                        depth -= 1
                    elif depth == 0 and is_word(b, "LIMIT"):
                        found.append((b[3], "recursive-limit", "LIMIT in " + name.lower()))
            j = close + 1
            if j < len(toks) and toks[j][1] == ",":
                j += 1
            else:
                break
    return found


# ------------------------------------------------------------------ main


def check_file(path, text=None):
    """[(path, line, rule, detail)] of one C file."""
    out = []
    unclaimed = []
    for _first, _call, chars, marker in statements(path, text, unclaimed):
        found = check_sql(sql_tokens(chars))
        if marker is None:
            out.extend((path, line, rule, detail) for line, rule, detail in found)
            continue
        mline, rules = marker
        broken = {rule for _l, rule, _d in found}
        out.extend((path, line, rule, detail) for line, rule, detail in found
                   if rules is not None and rule not in rules)
        idle = sorted(rules - broken) if rules is not None else ([] if broken else ["any rule"])
        if idle:
            out.append((path, mline, "unused-marker", ", ".join(idle)))
    out.extend((path, line, "unused-marker", "no statement below") for line in unclaimed)
    return sorted(set(out), key=lambda f: (f[0], f[1], f[2]))


def sources(args):
    files = []
    for a in args or [os.path.join(ROOT, "src", "steer")]:
        if os.path.isdir(a):
            files.extend(os.path.join(a, f) for f in sorted(os.listdir(a))
                         if f.endswith(".c") and f not in SKIPPED)
        else:
            files.append(a)
    return files


def shown(path):
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def report(findings):
    for path, line, rule, detail in findings:
        what, hint = RULES[rule]
        print("%s:%d: %s: %s (%s); hint: %s" % (shown(path), line, rule, what, detail, hint))


def self_test():
    """The fixture's expectations (/* expect: rule */ on the line of each
    finding) must be exactly what the rules find, and every rule must be
    expected somewhere: removing or weakening a rule fails here."""
    with open(FIXTURE, encoding="utf-8") as f:
        text = f.read()
    expected = set()
    for number, line in enumerate(text.split("\n"), 1):
        for m in re.finditer(r"expect:\s*([\w, -]+?)\s*\*/", line):
            for rule in m.group(1).split(","):
                expected.add((number, rule.strip()))
    got = {(line, rule) for _p, line, rule, _d in check_file(FIXTURE, text)}
    errors = []
    for line, rule in sorted(expected - got):
        errors.append("%s:%d: expected %s, not found" % (shown(FIXTURE), line, rule))
    for line, rule in sorted(got - expected):
        errors.append("%s:%d: found %s, not expected" % (shown(FIXTURE), line, rule))
    for rule in sorted(set(RULES) - {r for _l, r in expected}):
        errors.append("%s: rule %s has no bad example" % (shown(FIXTURE), rule))
    if len(statements(FIXTURE, text)) < 10:
        errors.append("%s: too few statements extracted" % shown(FIXTURE))
    for e in errors:
        print("sqlcheck self-test: " + e)
    if errors:
        return 1
    print("sqlcheck self-test: %d findings as expected, %d rules" % (len(expected), len(RULES)))
    return 0


def main(argv):
    if argv[:1] == ["--self-test"]:
        return self_test()
    if argv[:1] == ["--list"]:
        for path in sources(argv[1:]):
            for first, _call, chars, waived in statements(path):
                sql = " ".join("".join(ch for ch, _ in chars).split())
                print("%s:%d:%s %s" % (shown(path), first, " [marked]" if waived else "", sql))
        return 0
    findings = []
    files = sources(argv)
    count = 0
    for path in files:
        count += len(statements(path))
        findings.extend(check_file(path))
    report(findings)
    if findings:
        print("sqlcheck: %d finding(s) in %d statements: SQL both SQLite and PostgreSQL accept, see #16" %
              (len(findings), count))
        return 1
    print("sqlcheck: %d statements in %d files, clean" % (count, len(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
