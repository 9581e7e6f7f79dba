#!/usr/bin/env python3
"""The architecture, checked (make lint): in src/,

- a file includes headers of its own layer or lower ones only
  (util < guide < render < steer < web < cli; main.c is above all);
- no two files call each other's functions in a circle, directly or
  through others;
- no file is over 1,500 lines, no function over 120 (tables of data are
  not functions and may be longer).

It reads the sources as text: definitions are the lines that open a
function at the start of a line; a file depends on another when it names
one of the other's public functions (a call, or a handler in a table). Comments and strings are blanked first so that a name in
them counts for nothing.

    layers.py [SRC_DIR]

Prints one line per finding and exits 1 if there is any."""
import os
import re
import sys

LAYERS = ["util", "guide", "render", "steer", "web", "cli"]
MAX_FILE_LINES = 1500
MAX_FUNCTION_LINES = 120

DEF = re.compile(r"^(?:static\s+)?(?:inline\s+)?[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*\{?\s*$")
ONELINE = re.compile(r"^(?:static\s+)?(?:inline\s+)?[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*\{.*\}\s*$")
NAME = re.compile(r"\b[A-Za-z_]\w*\b")
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "_Static_assert", "_Alignof", "defined"}


def blank(text):
    """Comments, strings and character constants replaced by spaces, line
    breaks kept, so that positions and line numbers stay those of the file."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def layer_of(path):
    parts = path.split(os.sep)
    if len(parts) >= 2 and parts[-2] in LAYERS:
        return LAYERS.index(parts[-2])
    return len(LAYERS)  # main.c


def functions(text):
    """(name, first line, last line, body) of each function defined at the
    start of a line, its body ending at the first '}' in column 0."""
    lines = text.split("\n")
    found = []
    i = 0
    while i < len(lines):
        line = lines[i]
        head = line
        j = i
        # A definition's head may span lines: join until ')' closes.
        while head.count("(") > head.count(")") and j + 1 < len(lines):
            j += 1
            head += " " + lines[j].strip()
        one = ONELINE.match(line) if line and not line[0].isspace() else None
        if one and one.group(1) not in KEYWORDS:
            found.append((one.group(1), i + 1, i + 1, ""))
            i += 1
            continue
        m = DEF.match(head) if line and not line[0].isspace() and not line.startswith("#") else None
        brace = m and (head.rstrip().endswith("{") or (j + 1 < len(lines) and lines[j + 1].startswith("{")))
        if m and brace and m.group(1) not in KEYWORDS:
            end = j + 1
            while end < len(lines) and not lines[end].startswith("}"):
                end += 1
            found.append((m.group(1), i + 1, end + 1, "\n".join(lines[j + 1:end])))
            i = end + 1
        else:
            i += 1
    return found


def main(src):
    problems = []
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith((".c", ".h")))
    defined = {}   # public function name -> file
    texts = {}     # file -> its text, comments and strings blanked
    for path in files:
        raw = open(path, encoding="utf-8").read()
        text = blank(raw)
        rel = os.path.relpath(path, os.path.dirname(src))
        nlines = raw.count("\n")
        if nlines > MAX_FILE_LINES:
            problems.append(f"{rel}: {nlines} lines, more than {MAX_FILE_LINES}: split it along its seams")
        mine = layer_of(path)
        for no, line in enumerate(raw.split("\n"), 1):
            m = re.match(r'\s*#\s*include\s+"(\w+)/', line)
            if m and m.group(1) in LAYERS and LAYERS.index(m.group(1)) > mine:
                problems.append(f"{rel}:{no}: includes a header of the higher layer '{m.group(1)}'")
        if not path.endswith(".c"):
            continue
        fns = functions(text)
        texts[path] = text
        for name, first, last, _ in fns:
            if last - first + 1 > MAX_FUNCTION_LINES:
                problems.append(f"{rel}:{first}: function {name} is {last - first + 1} lines, more than "
                                f"{MAX_FUNCTION_LINES}")
            static = re.search(rf"^static\b[^\n]*\b{name}\s*\(", text, re.M)
            if not static:
                defined.setdefault(name, path)
    # File graph: a -> b when a names a public function defined in b, to call
    # it or to put it in a table of handlers.
    edges = {p: set() for p in texts}
    for path, text in texts.items():
        for m in NAME.finditer(text):
            target = defined.get(m.group(0))
            if target and target != path:
                edges[path].add(target)
    for cycle in cycles(edges):
        names = [os.path.relpath(p, os.path.dirname(src)) for p in cycle]
        problems.append("files calling each other in a circle: " + " -> ".join(names + names[:1]))
    for p in problems:
        print("layers: " + p)
    print(f"layers: {len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


def cycles(edges):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "src"))
