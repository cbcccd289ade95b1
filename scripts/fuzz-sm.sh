#!/bin/sh
# Fuzzes the session layer under libFuzzer for a bounded time (default 30 s): secure messaging unwrapping, the file
# reader, PACE and active authentication over answers that are the input (Fuzz/Sources/SMFuzzer).
# Usage: scripts/fuzz-sm.sh [seconds]      See Fuzz/README.md for longer runs.
set -eu
SECONDS_TOTAL="${1:-30}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ="$ROOT/Fuzz"
WORK="${FUZZ_WORKDIR:-$FUZZ/.work}"
mkdir -p "$WORK/sm-corpus" "$WORK/artifacts"

echo "fuzz-sm: building the harness (release, -sanitize=fuzzer,address)" >&2
(cd "$FUZZ" && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    --product SMFuzzer >&2)
BIN="$(cd "$FUZZ" && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    --product SMFuzzer --show-bin-path)/SMFuzzer"

# Seeds: ICAO 9303-11 Appendix D.4 and G.1 answers, files' first bytes, active authentication signatures, each
# behind the selector byte of its target (see SMFuzzer.swift).
SEEDS="$WORK/sm-seeds"
rm -rf "$SEEDS"
mkdir -p "$SEEDS"
python3 - "$ROOT" "$SEEDS" <<'PY'
import json, pathlib, sys
root, seeds = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
H = bytes.fromhex
def seed(name, selector, body): (seeds / name).write_bytes(bytes([selector]) + body)
def answers(list_): return b"".join(len(a).to_bytes(2, "big") + a for a in list_)
# Target 0 (raw) and 1 (signed): D.4's answers, for each cipher (the selector's high nibble).
for c in (0x00, 0x10, 0x20):
    seed(f"raw-d4-select-{c}", c | 0, H("990290008E08FA855A5D4C50A8ED9000"))
    seed(f"raw-d4-read-{c}", c | 0, H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
    seed(f"signed-status-{c}", c | 1, H("990290009000"))
    seed(f"signed-data-{c}", c | 1, H("8711019FF0EC34F9922651AABBCCDDEEFF0011990262829000"))
    seed(f"cryptogram-{c}", c | 2, H("9000") + H("60145F01") + b"\x80" + bytes(11))
# Target 3: a file read over answers (plain).
seed("file-short", 3, answers([H("6014" + "5F0104303130375F360630343030303000" + "9000")[:24] + H("9000"),
                              H("6282"), H("6B00")]))
seed("file-chunks", 3 | 0x10, answers([H("6700"), H("6182012C") + bytes(200) + H("9000"), bytes(100) + H("9000")]))
# Target 4: PACE over G.1's answers.
trace = json.loads((root / "Vectors/icao/pace-g1.json").read_text())
seed("pace-g1", 0x44, answers([H(e["response"]) for e in trace["exchanges"]]))
# Target 5: active authentication signatures.
vectors = json.loads((root / "Vectors/icao/aa-vectors.json").read_text())
for case in vectors["rsa"]["cases"][:6]:
    seed(f"aa-{case['name']}", 5, H(case["signature"]))
PY

echo "fuzz-sm: running for ${SECONDS_TOTAL}s" >&2
"$BIN" "$WORK/sm-corpus" "$SEEDS" -max_total_time="$SECONDS_TOTAL" -timeout=5 -rss_limit_mb=2048 \
    -malloc_limit_mb=512 -max_len=8192 -print_final_stats=1 -artifact_prefix="$WORK/artifacts/sm-" >&2
echo "fuzz-sm: no crash, hang or runaway allocation in ${SECONDS_TOTAL}s" >&2
