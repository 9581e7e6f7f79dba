#!/usr/bin/env python3
"""The man pages against the binary, so that they cannot drift from the code:
every command of `sobre --help` has a line in sobre(1) and one section
(`## sobre CMD`) in a group page; every long option of a command's usage
lines (and of its subcommands' when its help points to them) is documented
in that section as *--option*, or in the page's preamble (--db, --perimeter,
--guide); every *--option* a section documents exists in the command's help.
With scdoc (required under CI), each page must also convert to roff, and
groff must format it without a warning.

usage: man.py SOBRE MANDIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

LONG = re.compile(r"--[a-z][a-z0-9-]*")
DOC_OPT = re.compile(r"\*(--[a-z][a-z0-9-]*)\*")


def help_of(sobre, args):
    r = subprocess.run([sobre] + args + ["--help"], capture_output=True, text=True)
    return r.stdout + r.stderr


def usage_lines(text):
    """The usage block: from 'usage:' to the first blank line."""
    out = []
    for line in text.splitlines():
        if out and not line.strip():
            break
        if out or line.startswith("usage:"):
            out.append(line)
    return "\n".join(out)


def commands(sobre):
    text = help_of(sobre, [])
    m = re.search(r"^commands:\n(.*?)\n\n", text, re.S | re.M)
    assert m, "no 'commands:' block in sobre --help"
    return [line.split()[0] for line in m.group(1).splitlines() if line.startswith("  ")]


def sections(mandir):
    """{command: (page, section text)} and {page: preamble text}."""
    found, preamble = {}, {}
    for name in sorted(os.listdir(mandir)):
        if not name.endswith(".scd"):
            continue
        text = open(os.path.join(mandir, name), encoding="utf-8").read()
        parts = re.split(r"^## sobre (\S+)\n", text, flags=re.M)
        preamble[name] = parts[0]
        for cmd, body in zip(parts[1::2], parts[2::2]):
            body = re.split(r"^# ", body, maxsplit=1, flags=re.M)[0]
            if cmd in found:
                raise SystemExit(f"FAIL: man: sobre {cmd} has a section in {found[cmd][0]} and {name}")
            found[cmd] = (name, body)
    return found, preamble


def main():
    sobre, mandir = sys.argv[1], sys.argv[2]
    fails = []
    checked = 0
    cmds = commands(sobre)
    if len(cmds) < 20:
        fails.append(f"only {len(cmds)} commands read from sobre --help")
    found, preamble = sections(mandir)
    main_page = open(os.path.join(mandir, "sobre.1.scd"), encoding="utf-8").read()
    for cmd in cmds:
        if not re.search(r"^\*" + re.escape(cmd) + r"\*$", main_page, re.M):
            fails.append(f"sobre.1.scd: no line for command {cmd}")
        if cmd not in found:
            fails.append(f"no man page has a section '## sobre {cmd}'")
            continue
        page, body = found[cmd]
        full = help_of(sobre, [cmd])
        usage = usage_lines(full)
        # A command whose help points to its subcommands' (sobre guide).
        for sub in re.findall(r"'sobre " + re.escape(cmd) + r" (\S+) --help'", full):
            subhelp = help_of(sobre, [cmd, sub])
            full += subhelp
            usage += "\n" + usage_lines(subhelp)
        documented = set(DOC_OPT.findall(body))
        common = set(DOC_OPT.findall(preamble[page]))
        for opt in sorted(set(LONG.findall(usage))):
            checked += 1
            if opt not in documented and opt not in common:
                fails.append(f"{page}: sobre {cmd}: {opt} (in its usage) is not documented")
        for opt in sorted(documented):
            checked += 1
            if opt not in full and opt not in ("--perimeter", "--guide", "--db"):
                fails.append(f"{page}: sobre {cmd}: {opt} is documented but not in sobre {cmd} --help")
    for cmd in found:
        if cmd not in cmds:
            fails.append(f"{found[cmd][0]}: section for sobre {cmd}, which sobre --help does not list")

    scdoc = shutil.which("scdoc")
    pages = sorted(n for n in os.listdir(mandir) if n.endswith(".scd"))
    if scdoc:
        with tempfile.TemporaryDirectory() as tmp:
            for name in pages:
                out = os.path.join(tmp, name[:-4])
                with open(os.path.join(mandir, name), "rb") as src, open(out, "wb") as dst:
                    r = subprocess.run([scdoc], stdin=src, stdout=dst, stderr=subprocess.PIPE)
                checked += 1
                if r.returncode != 0 or os.path.getsize(out) == 0:
                    fails.append(f"{name}: scdoc failed: {r.stderr.decode().strip()}")
                    continue
                if shutil.which("groff"):
                    g = subprocess.run(["groff", "-k", "-man", "-Tutf8", "-ww", "-z", out],
                                       capture_output=True, text=True)
                    if g.returncode != 0 or g.stderr.strip():
                        fails.append(f"{name}: groff: {g.stderr.strip()}")
    elif os.environ.get("CI"):
        fails.append("scdoc is missing (apt-get install scdoc): the pages were not converted")
    else:
        print("man: SKIPPED the roff conversion: no scdoc (apt-get install scdoc)")

    for f in fails:
        print("FAIL: man:", f)
    print(f"man: {len(cmds)} commands, {len(pages)} pages, {checked} checks, {len(fails)} failed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
