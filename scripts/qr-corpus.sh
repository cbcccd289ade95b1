#!/usr/bin/env bash
# Installs the pinned Python packages (quietly) and generates the QR corpus into .build-qr-corpus/ if missing.
# The corpus tests (Tests/CCCDTests/QRCorpusTests.swift) run when .build-qr-corpus/manifest.json exists.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${QR_CORPUS_DIR:-$root/.build-qr-corpus}"
stamp="$out/manifest.json"
if [[ -f "$stamp" && "$stamp" -nt "$root/scripts/make-qr-corpus.py" && "$stamp" -nt "$root/Vectors/qr/texts.json" ]]; then
    exit 0
fi
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    -r "$root/scripts/requirements-qr.txt"
rm -rf "$out.tmp"
python3 "$root/scripts/make-qr-corpus.py" corpus "$out.tmp" 2>/dev/null
rm -rf "$out"
mv "$out.tmp" "$out"
echo "QR corpus generated in $out" >&2
