#!/usr/bin/env python3
"""Validates cccd's JSON documents against the schemas of Schemas/ (JSON Schema 2020-12, formats checked).

Usage: validate-json.py SCHEMA_DIR [SCHEMA_NAME] < documents

stdin holds one document (pretty or not), or one per line, or documents separated by a line holding only U+001E.
Each is validated against the schema its "schema" member names (cccd-read/1 -> SCHEMA_DIR/cccd-read-1.schema.json),
or against SCHEMA_NAME when given. Exits 1 with the first violation on stderr.
"""
import json
import os
import sys

import jsonschema


def documents(text):
    if "\n\x1e\n" in text:
        return [json.loads(part) for part in text.split("\n\x1e\n") if part.strip()]
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def main():
    folder = sys.argv[1]
    forced = sys.argv[2] if len(sys.argv) > 2 else None
    for number, document in enumerate(documents(sys.stdin.read())):
        name = forced or document.get("schema")
        if not isinstance(name, str):
            sys.exit(f"document {number} has no schema member")
        with open(os.path.join(folder, name.replace("/", "-") + ".schema.json")) as f:
            schema = json.load(f)
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        try:
            validator.validate(document)
        except jsonschema.ValidationError as error:
            sys.exit(f"document {number} ({name}): {error.message} at {list(error.absolute_path)}")


if __name__ == "__main__":
    main()
