"""Prints an XLSX file as the sheets hold it: the sheet names, then for
each sheet whether its first row is frozen, its filter, and every cell
(REF=text) row by row. Reads the XML itself: no spreadsheet library."""
import re
import sys
import zipfile
from xml.sax.saxutils import unescape

z = zipfile.ZipFile(sys.argv[1])
strings = [unescape(re.sub(r"<[^>]+>", "", si))
           for si in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
print("sheets:", names)
for i, name in enumerate(names, 1):
    x = z.read(f"xl/worksheets/sheet{i}.xml").decode()
    frozen = 'state="frozen"' in x
    filters = re.findall(r'<autoFilter ref="([^"]+)"', x)
    print(f"[{name}] frozen: {frozen}, filter: {filters}")
    for row in re.findall(r"<row [^>]*>(.*?)</row>", x, re.S):
        cells = re.findall(r'<c r="([A-Z]+\d+)"([^>]*)>(?:<v>([^<]*)</v>)?</c>', row)
        print(" ".join(f"{ref}={strings[int(v)]!r}" if 't="s"' in attrs else f"{ref}:{v}"
                       for ref, attrs, v in cells if v))
