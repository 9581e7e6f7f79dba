#!/usr/bin/env python3
"""Compares `sobre build` of the real guide with the old Eleventy site.

    compare_site.py OUR_SITE REFERENCE_SITE GUIDE_SOURCES

Checks: every file of the reference site exists in ours (same URLs); for
every practice sheet, the text of its body equals the reference page's
(tags stripped, entities decoded, whitespace collapsed); a sheet page with
the assets it loads weighs at most 35 KB; no page loads anything from
another host."""
import html
import os
import re
import sys

MAX_SHEET_WEIGHT = 35 * 1024


def text(fragment):
    fragment = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(fragment)).strip()


def ref_body(page):
    m = re.search(r'\?difficulty=[^>]*>[^<]*</a>\s*</p>(.*?)<h2>Pilotage</h2>', page, re.S)
    return m.group(1) if m else None


def our_body(page):
    m = re.search(r'<div class="sheet-body">(.*?)</div>\s*<section class="pilotage"', page, re.S)
    return m.group(1) if m else None


def main(ours, ref, sources):
    failures = []
    ref_files = sorted(os.path.relpath(os.path.join(d, f), ref)
                       for d, _, fs in os.walk(ref) for f in fs)
    missing = [f for f in ref_files if not os.path.exists(os.path.join(ours, f))]
    for f in missing:
        failures.append(f"missing in our site: {f}")

    sheets = 0
    for d, _, fs in os.walk(os.path.join(sources, "publications")):
        for f in fs:
            src = os.path.join(d, f)
            if not f.endswith(".md") or "type: bpnr" not in open(src, encoding="utf-8").read():
                continue
            rel = os.path.relpath(src, sources)[:-3] + "/index.html"
            a = open(os.path.join(ours, rel), encoding="utf-8").read()
            b = open(os.path.join(ref, rel), encoding="utf-8").read()
            ta, tb = our_body(a), ref_body(b)
            sheets += 1
            if ta is None or tb is None:
                failures.append(f"{rel}: body not found (ours: {ta is not None}, reference: {tb is not None})")
            elif text(ta) != text(tb):
                x, y = text(ta), text(tb)
                i = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]), min(len(x), len(y)))
                failures.append(f"{rel}: body text differs at {i}:\n  ours: {x[max(0, i - 60):i + 80]!r}\n"
                                f"  ref:  {y[max(0, i - 60):i + 80]!r}")
            assets = re.findall(r'<(?:link[^>]*href|script[^>]*src)="([^"]+)"', a)
            weight = len(a.encode())
            for u in assets:
                if u.startswith("/"):
                    weight += os.path.getsize(os.path.join(ours, u.lstrip("/")))
            if weight > MAX_SHEET_WEIGHT:
                failures.append(f"{rel}: {weight} bytes with its assets, over {MAX_SHEET_WEIGHT}")

    for d, _, fs in os.walk(ours):
        for f in fs:
            if not f.endswith(".html"):
                continue
            page = open(os.path.join(d, f), encoding="utf-8").read()
            for tag, url in re.findall(r'<(link|script|img|iframe|source)\b[^>]*?(?:href|src)="([^"]*)"', page):
                if re.match(r"(https?:)?//", url):
                    failures.append(f"{os.path.relpath(os.path.join(d, f), ours)}: <{tag}> loads {url}")

    for f in failures[:40]:
        print("FAIL:", f)
    print(f"site: {len(ref_files) - len(missing)}/{len(ref_files)} reference files present, "
          f"{sheets} sheets compared, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
