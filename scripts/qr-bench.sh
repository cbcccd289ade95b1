#!/usr/bin/env bash
# The QR benchmark: builds cccd in release mode, makes the corpus if missing, and prints decode rate and median
# time per category for cccd (measured inside the process) and zxing-cpp on the same images.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/qr-corpus.sh
swift build -c release --product cccd >&2
python3 scripts/qr-bench.py "$(swift build -c release --show-bin-path)/cccd" "${QR_CORPUS_DIR:-$root/.build-qr-corpus}" "$@"
