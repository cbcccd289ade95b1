#!/bin/sh
# Fuzzes every LDS parser, then the PKI (certificates, Names, CRLs, CMS SignedData, master lists, passive
# authentication), then the session layer (secure messaging unwrapping, the file reader, PACE, active
# authentication), each under libFuzzer for a bounded time (default 60 s per harness).
# Usage: scripts/fuzz.sh [seconds-per-harness]      See Fuzz/README.md for longer runs.
set -eu
SECONDS_EACH="${1:-60}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ="$ROOT/Fuzz"
WORK="${FUZZ_WORKDIR:-$FUZZ/.work}"
FLAGS="-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library"

echo "fuzz: building the harnesses (release, -sanitize=fuzzer,address)" >&2
# shellcheck disable=SC2086
(cd "$FUZZ" && swift build $FLAGS --product LDSFuzzer >&2 && swift build $FLAGS --product PKIFuzzer >&2 \
    && swift build $FLAGS --product SMFuzzer >&2)
# shellcheck disable=SC2086
BIN="$(cd "$FUZZ" && swift build $FLAGS --show-bin-path)"

seed() { # folder selector file
    name="$(basename "$3")"
    { printf "\\$(printf '%03o' "$2")"; cat "$3"; } > "$1/$2-$name"
}

run() { # harness corpus seeds
    mkdir -p "$2" "$WORK/artifacts"
    echo "fuzz: $1 for ${SECONDS_EACH}s" >&2
    # -rss_limit_mb and -malloc_limit_mb turn an unbounded allocation into a failure; -timeout catches hangs.
    "$BIN/$1" "$2" "$3" -max_total_time="$SECONDS_EACH" -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=512 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$WORK/artifacts/$1-" >&2
}

# LDS seeds: every sample file behind the selector byte of each parser that reads it (see LDSFuzzer.swift).
SEEDS="$WORK/seeds"
rm -rf "$SEEDS"
mkdir -p "$SEEDS"
V="$ROOT/Vectors/lds/cccd"
for f in "$V"/*.bin "$V"/LDSSecurityObject.der; do seed "$SEEDS" 0 "$f"; seed "$SEEDS" 1 "$f"; done
seed "$SEEDS" 2 "$V/EF.COM.bin"; seed "$SEEDS" 3 "$V/DG1.bin"; seed "$SEEDS" 4 "$V/DG2.bin"; seed "$SEEDS" 4 "$V/DG2-sloppy.bin"
seed "$SEEDS" 5 "$V/DG13.bin"; seed "$SEEDS" 5 "$V/DG13-2024.bin"; seed "$SEEDS" 5 "$V/DG13-nested.bin"
for f in "$V"/dg13/*.bin; do seed "$SEEDS" 5 "$f"; done
seed "$SEEDS" 6 "$V/DG14.bin"; seed "$SEEDS" 6 "$V/DG14-explicit.bin"
seed "$SEEDS" 7 "$V/DG15.bin"; seed "$SEEDS" 7 "$V/DG15-explicit.bin"
seed "$SEEDS" 8 "$V/EF.CardAccess.bin"; seed "$SEEDS" 9 "$V/EF.SOD.bin"; seed "$SEEDS" 9 "$V/EF.SOD-indefinite.bin"
seed "$SEEDS" 9 "$V/EF.SOD-keyid.bin"; seed "$SEEDS" 9 "$V/EF.SOD-rsapss.bin"; seed "$SEEDS" 10 "$V/LDSSecurityObject.der"
seed "$SEEDS" 11 "$ROOT/Vectors/lds/keys/test-only-ds.cert.der"; seed "$SEEDS" 13 "$ROOT/Vectors/lds/keys/test-only-ca.pub.der"
seed "$SEEDS" 13 "$ROOT/Vectors/lds/keys/test-only-ca-explicit.pub.der"
seed "$SEEDS" 13 "$ROOT/Vectors/lds/keys/test-only-aa-explicit.pub.der"
seed "$SEEDS" 11 "$ROOT/Vectors/lds/keys/test-only-ds-rsa.cert.der"
printf '\014IDVNM0990123459001099012345<<09903159M3903157VNM<<<<<<<<<<<0NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<' > "$SEEDS/12-mrz"

# PKI seeds (see Target in PKIFuzzer.swift): 0 certificate, 1 Name, 2 CRL, 3 SignedData, 4 master list, 5 EF.SOD
# (passive authentication), 6 master list verification. Vectors/pki and Vectors/real; Germany's 900 KB master list
# is left out (beyond -max_len).
PKI_SEEDS="$WORK/pki-seeds"
rm -rf "$PKI_SEEDS"
mkdir -p "$PKI_SEEDS"
P="$ROOT/Vectors/pki"
for f in "$P"/*.der; do case "$f" in *.key.der) ;; *) seed "$PKI_SEEDS" 0 "$f";; esac; done
for f in "$ROOT"/Vectors/real/sod/*/ds.der "$ROOT"/Vectors/real/sod/*/csca.der; do
    seed "$PKI_SEEDS" 0 "$f"
done
seed "$PKI_SEEDS" 0 "$ROOT/Vectors/real/masterlist/DE_ROOT_CA_CSCA07.cer"
# Names: C=VN, O=cccd TEST ONLY, CN=cccd TEST CSCA A (as openssl writes it), and two RDNs in one SET.
printf '\001\060\101\061\013\060\011\006\003\125\004\006\023\002VN\061\027\060\025\006\003\125\004\012\014\016cccd TEST ONLY\061\031\060\027\006\003\125\004\003\014\020cccd TEST CSCA A' \
    > "$PKI_SEEDS/1-name"
printf '\001\060\032\061\030\060\011\006\003\125\004\006\023\002VN\060\013\006\003\125\004\003\023\004CSCA' > "$PKI_SEEDS/1-multivalued"
for f in "$P"/*.crl; do seed "$PKI_SEEDS" 2 "$f"; done
for f in "$P"/*.ml; do seed "$PKI_SEEDS" 3 "$f"; seed "$PKI_SEEDS" 4 "$f"; seed "$PKI_SEEDS" 6 "$f"; done
for f in "$ROOT"/Vectors/real/sod/*/EF.SOD.bin "$V"/EF.SOD*.bin; do seed "$PKI_SEEDS" 5 "$f"; done

# Session seeds (see Target in SMFuzzer.swift): ICAO 9303-11 Appendix D.4 and G.1 answers, files' first bytes,
# active authentication signatures, each behind the selector byte of its target.
SM_SEEDS="$WORK/sm-seeds"
rm -rf "$SM_SEEDS"
mkdir -p "$SM_SEEDS"
python3 - "$ROOT" "$SM_SEEDS" <<'PY'
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

run LDSFuzzer "$WORK/corpus" "$SEEDS"
run PKIFuzzer "$WORK/pki-corpus" "$PKI_SEEDS"
run SMFuzzer "$WORK/sm-corpus" "$SM_SEEDS"
echo "fuzz: no crash, hang or runaway allocation in ${SECONDS_EACH}s per harness" >&2
