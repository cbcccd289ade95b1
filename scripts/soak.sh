#!/usr/bin/env bash
# Soak test of the link rules (issue 13): many full reads of genuine virtual cards through the real pcscd while the
# emulated chip misbehaves at random (cccd emulate --fault-rate): the card dropping out, transactions the reader
# cannot complete, stray 6F00 answers, corrupted protected answers; and now and then another program resetting the
# card (opensc-tool --reset). A genuine card must never end with exit 5: each read ends 0 (read through the faults)
# or 3 (a link problem that persisted: "hold the card still and try again"). Each card is first read once without
# faults; one that does not end 0 on its own (expired by the day of the soak) is left out, and named.
#
# Usage: scripts/soak.sh [reads] [fault rate per exchange]      (defaults: 300 reads, 0.01)
# Runs under the global pcscd lock (/tmp/cccd-pcscd.lock); starts pcscd when none runs. Prints the figures: reads,
# faults injected by kind, outcomes by exit code; exits 1 if any read ended with another code than 0 or 3.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CCCD_SOAK_LOCKED:-}" ]; then
  exec env CCCD_SOAK_LOCKED=1 flock /tmp/cccd-pcscd.lock "$0" "$@"
fi

reads="${1:-300}"
rate="${2:-0.01}"
swift build --product cccd >&2
bin="$(swift build --show-bin-path)/cccd"
work="$(mktemp -d "${TMPDIR:-/tmp}/cccd-soak.XXXXXX")"
reader="Virtual PCD 00 01"

started_pcscd=""
emulator=""
cleanup() {
  [ -n "$emulator" ] && kill "$emulator" 2>/dev/null || true
  [ -n "$started_pcscd" ] && kill "$started_pcscd" 2>/dev/null || true
}
trap cleanup EXIT
# pcscd: the one running, or one of our own (started again should the one we found go away, e.g. a test run's
# daemon stopped as that run exits).
ensure_pcscd() {
  "$bin" readers >/dev/null 2>&1 && return 0
  [ -n "$started_pcscd" ] && kill "$started_pcscd" 2>/dev/null || true
  pcscd --foreground >>"$work/pcscd.log" 2>&1 &
  started_pcscd=$!
  for _ in $(seq 1 50); do "$bin" readers >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "soak: pcscd does not answer" >&2
  return 1
}
ensure_pcscd

# The genuine cards and how a desk opens each: the CAN (PACE) or the MRZ (the BAC-only chip).
python3 - "$work/cards" <<'PY'
import json, pathlib, sys
out = []
for path in sorted(pathlib.Path("Vectors/cards").glob("*.json")):
    card = json.loads(path.read_text())
    identity, chip = card["identity"], card["chip"]
    if chip.get("pace"):
        access = "--can " + identity["personalIdNumber"][-6:]
    else:
        def yymmdd(text):
            # As the virtual card writes its MRZ (Sources/VirtualCard/Personalization.swift): no expiry is 991231.
            parts = text.split("/")
            if len(parts) != 3:
                return "991231"
            d, m, y = parts
            return y[2:] + m + d
        mrz = card.get("mrz") or {}
        number = mrz.get("documentNumber") or identity["personalIdNumber"][-9:]
        access = f"--mrz {number},{yymmdd(identity['dateOfBirth'])},{yymmdd(identity['dateOfExpiry'])}"
    out.append(f"{path}\t{access}")
pathlib.Path(sys.argv[1]).write_text("\n".join(out) + "\n")
PY
mapfile -t all_cards < "$work/cards"
trust=(--trust Vectors/pki/csca-a.pem --trust Vectors/pki/csca-a2-link.pem)

present() { # reader yes|no: waits up to 5 s for the card to be (or not be) in the reader
  local want=true; [ "$2" = no ] && want=false
  for _ in $(seq 1 50); do
    "$bin" readers --json 2>/dev/null | grep -q "\"$1\", \"cardPresent\": $want" && return 0
    sleep 0.1
  done
  return 1
}

# The baseline: each card read once without faults. A card whose verdict is not `accept` on its own (one expired
# by now) says nothing about the link: it is left out of the soak, and named.
cards=()
for line in "${all_cards[@]}"; do
  card="${line%%$'\t'*}"
  access="${line#*$'\t'}"
  ensure_pcscd
  "$bin" emulate --card "$card" --port 35964 2>/dev/null &
  emulator=$!
  present "$reader" yes || true
  set +e
  # shellcheck disable=SC2086
  timeout 120 "$bin" read $access --reader "00 01" "${trust[@]}" --json >/dev/null 2>"$work/baseline.err"
  status=$?
  set -e
  kill "$emulator" 2>/dev/null || true
  wait "$emulator" 2>/dev/null || true
  emulator=""
  present "$reader" no || true
  if [ "$status" -eq 0 ]; then
    cards+=("$line")
  else
    echo "soak: $card left out: without faults it exits $status ($(tail -n 1 "$work/baseline.err"))"
  fi
done
[ "${#cards[@]}" -gt 0 ] || { echo "soak: no card reads clean without faults" >&2; exit 1; }
resetter=""
command -v opensc-tool >/dev/null && resetter="opensc-tool"

declare -A outcomes=()
declare -A faults=()
resets=0
failures=0
for i in $(seq 1 "$reads"); do
  line="${cards[$(( (i - 1) % ${#cards[@]} ))]}"
  card="${line%%$'\t'*}"
  access="${line#*$'\t'}"
  ensure_pcscd
  "$bin" emulate --card "$card" --port 35964 --fault-rate "$rate" --fault-seed "$i" \
    --fault-kinds remove,transaction-failed,sw-6F00,corrupt 2>"$work/emulate.log" &
  emulator=$!
  present "$reader" yes || true
  # Every tenth read, another program resets the card once during the read.
  resetpid=""
  if [ -n "$resetter" ] && [ $(( i % 10 )) -eq 5 ]; then
    ( sleep "0.$(( RANDOM % 9 + 1 ))"; opensc-tool --reader "$reader" --reset cold >/dev/null 2>&1 || true ) &
    resetpid=$!
    resets=$(( resets + 1 ))
  fi
  set +e
  # shellcheck disable=SC2086
  timeout 120 "$bin" read $access --reader "00 01" "${trust[@]}" --json >"$work/read.json" 2>"$work/read.err"
  status=$?
  set -e
  [ -n "$resetpid" ] && { wait "$resetpid" 2>/dev/null || true; }
  kill "$emulator" 2>/dev/null || true
  wait "$emulator" 2>/dev/null || true
  emulator=""
  outcomes[$status]=$(( ${outcomes[$status]:-0} + 1 ))
  while read -r kind; do
    faults[$kind]=$(( ${faults[$kind]:-0} + 1 ))
  done < <(sed -n 's/^cccd: fault \([^ ]*\) at exchange.*/\1/p' "$work/emulate.log")
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    failures=$(( failures + 1 ))
    echo "soak: read $i ($card, seed $i) exited $status: $(head -c 400 "$work/read.err")" >&2
    cp "$work/emulate.log" "$work/emulate-$i.log"
  fi
  # Let pcscd see the card leave before the next one comes.
  present "$reader" no || true
done

total_faults=0
for k in "${!faults[@]}"; do total_faults=$(( total_faults + faults[$k] )); done
echo "soak: $reads reads of ${#cards[@]} cards, fault rate $rate per exchange, $total_faults faults injected, $resets resets by another program"
for k in $(printf '%s\n' "${!faults[@]}" | sort); do echo "soak:   fault $k: ${faults[$k]}"; done
for k in $(printf '%s\n' "${!outcomes[@]}" | sort -n); do echo "soak:   exit $k: ${outcomes[$k]} reads"; done
echo "soak: logs in $work"
[ "$failures" -eq 0 ]
