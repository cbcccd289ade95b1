#!/usr/bin/env bash
# Writes Vectors/traces/<card>.json (a recorded read of each virtual card of Vectors/cards, through the in-process
# virtual chip with seeded randomness, at a fixed time of reading) and Vectors/dumps/<card>/ (the dump of its
# replay, as `cccd read --out` writes one). Run it after changing a card, the test PKI or the read itself.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product cccd-vectors >&2
"$(swift build --show-bin-path)/cccd-vectors" "$PWD"
