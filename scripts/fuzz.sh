#!/bin/sh
# Fuzzes every LDS parser under libFuzzer for a bounded time (default 60 s in total).
# Usage: scripts/fuzz.sh [seconds]      See Fuzz/README.md for longer runs.
set -eu
SECONDS_TOTAL="${1:-60}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ="$ROOT/Fuzz"
WORK="${FUZZ_WORKDIR:-$FUZZ/.work}"
mkdir -p "$WORK/corpus" "$WORK/artifacts"

echo "fuzz: building the harness (release, -sanitize=fuzzer,address)" >&2
(cd "$FUZZ" && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    --product LDSFuzzer >&2)
BIN="$(cd "$FUZZ" && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    --product LDSFuzzer --show-bin-path)/LDSFuzzer"

# Seeds: every sample file behind the selector byte of each parser that reads it (see LDSFuzzer.swift).
SEEDS="$WORK/seeds"
rm -rf "$SEEDS"
mkdir -p "$SEEDS"
V="$ROOT/Vectors/lds/cccd"
seed() { # selector file
    name="$(basename "$2")"
    { printf "\\$(printf '%03o' "$1")"; cat "$2"; } > "$SEEDS/$1-$name"
}
for f in "$V"/*.bin "$V"/LDSSecurityObject.der; do seed 0 "$f"; seed 1 "$f"; done
seed 2 "$V/EF.COM.bin"; seed 3 "$V/DG1.bin"; seed 4 "$V/DG2.bin"; seed 4 "$V/DG2-sloppy.bin"; seed 5 "$V/DG13.bin"
seed 5 "$V/DG13-2024.bin"; seed 5 "$V/DG13-nested.bin"; for f in "$V"/dg13/*.bin; do seed 5 "$f"; done
seed 6 "$V/DG14.bin"; seed 6 "$V/DG14-explicit.bin"; seed 7 "$V/DG15.bin"; seed 7 "$V/DG15-explicit.bin"
seed 8 "$V/EF.CardAccess.bin"; seed 9 "$V/EF.SOD.bin"
seed 9 "$V/EF.SOD-indefinite.bin"; seed 9 "$V/EF.SOD-keyid.bin"; seed 9 "$V/EF.SOD-rsapss.bin"
seed 10 "$V/LDSSecurityObject.der"; seed 11 "$ROOT/Vectors/lds/keys/test-only-ds.cert.der"
seed 13 "$ROOT/Vectors/lds/keys/test-only-ca.pub.der"; seed 13 "$ROOT/Vectors/lds/keys/test-only-ca-explicit.pub.der"
seed 13 "$ROOT/Vectors/lds/keys/test-only-aa-explicit.pub.der"; seed 11 "$ROOT/Vectors/lds/keys/test-only-ds-rsa.cert.der"
printf '\014IDVNM0990123459001099012345<<09903159M3903157VNM<<<<<<<<<<<0NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<' > "$SEEDS/12-mrz"

echo "fuzz: running for ${SECONDS_TOTAL}s" >&2
# -rss_limit_mb and -malloc_limit_mb turn an unbounded allocation into a failure; -timeout catches hangs.
"$BIN" "$WORK/corpus" "$SEEDS" -max_total_time="$SECONDS_TOTAL" -timeout=5 -rss_limit_mb=2048 \
    -malloc_limit_mb=512 -max_len=65536 -print_final_stats=1 -artifact_prefix="$WORK/artifacts/" >&2
echo "fuzz: no crash, hang or runaway allocation in ${SECONDS_TOTAL}s" >&2
