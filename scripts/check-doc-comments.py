#!/usr/bin/env python3
"""Fails when a public symbol declared in Sources/ has no doc comment of its own.

Usage: check-doc-comments.py PACKAGE_DIR MODULE...

Reads the symbol graphs that `swift package generate-documentation` extracted (.build/*/extracted-symbols/*/MODULE/,
public symbols only) and lists every symbol whose declaration is in PACKAGE_DIR/Sources/ but whose documentation is
missing or is inherited from outside the package (the standard library's "A textual representation of this instance."
for a `description`, Foundation's for `localizedDescription`). A protocol requirement's doc comment inherited from one
of the package's own protocols counts as documentation. Symbols the compiler synthesised (no source location: `!=`,
`hashValue`, `init(rawValue:)`) and extension blocks are not counted. DocC reports neither case: its coverage output
counts inherited standard-library text as an abstract.

Prints the number of documented symbols per module; exits 1 with one line per undocumented symbol.
"""
import glob
import json
import os
import sys
from urllib.parse import unquote, urlparse


def path_of(uri):
    return os.path.realpath(unquote(urlparse(uri).path)) if uri else None


def main():
    package = os.path.realpath(sys.argv[1])
    sources = os.path.join(package, "Sources") + os.sep
    missing = []
    for module in sys.argv[2:]:
        graphs = glob.glob(os.path.join(package, ".build", "*", "extracted-symbols", "*", module, "*.symbols.json"))
        if not graphs:
            missing.append(f"{module}: no symbol graph (run swift package generate-documentation --target {module})")
            continue
        documented = set()
        for graph in graphs:
            for symbol in json.load(open(graph))["symbols"]:
                if symbol["kind"]["identifier"] == "swift.extension":
                    continue
                declared = path_of(symbol.get("location", {}).get("uri"))
                if not declared or not declared.startswith(sources):
                    continue
                comment = symbol.get("docComment")
                origin = path_of(comment.get("uri")) if comment else None
                text = "".join(line["text"] for line in comment["lines"]).strip() if comment else ""
                name = ".".join(symbol["pathComponents"])
                where = f"{os.path.relpath(declared, package)}:{symbol['location']['position']['line'] + 1}"
                if not text or not origin or not origin.startswith(sources):
                    missing.append(f"{where}: {module}.{name} ({symbol['kind']['displayName']}) has no doc comment")
                else:
                    documented.add(symbol["identifier"]["precise"])
        print(f"{module}: {len(documented)} public symbols documented", flush=True)
    for line in sorted(set(missing)):
        print(line, file=sys.stderr)
    if missing:
        print(f"{len(set(missing))} public symbols without a doc comment", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
