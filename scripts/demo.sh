#!/usr/bin/env bash
# The main job on a machine with no reader: pcscd with the vpcd virtual reader and the project's virtual CCCD chip
# in it; cccd reads the chip through PC/SC like any desk reader, verifies it against the test CSCA, decodes the
# card-front image's QR, cross-checks the two and prints the cccd-level1/1 payload.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
swift build --product cccd >&2
bin="$(swift build --show-bin-path)/cccd"
card="${CCCD_DEMO_CARD:-nguyen-van-an-2021}"

started_pcscd=""
emulator=""
cleanup() {
  [ -n "$emulator" ] && kill "$emulator" 2>/dev/null || true
  [ -n "$started_pcscd" ] && kill "$started_pcscd" 2>/dev/null || true
}
trap cleanup EXIT

if ! "$bin" readers >/dev/null 2>&1; then
  # pcscd's log goes to a private folder: with --apdu (CCCD_PCSCD_APDU=1 asks for it) it holds every APDU.
  logdir="$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/cccd-demo-pcscd.XXXXXX")"
  apdu=()
  [ "${CCCD_PCSCD_APDU:-0}" = 1 ] && apdu=(--apdu)
  echo "demo: starting pcscd (log in $logdir/pcscd.log)" >&2
  (umask 077 && exec pcscd --foreground --debug "${apdu[@]}" >"$logdir/pcscd.log" 2>&1) &
  started_pcscd=$!
  for _ in $(seq 1 50); do "$bin" readers >/dev/null 2>&1 && break; sleep 0.2; done
fi

"$bin" emulate --card "Vectors/cards/$card.json" --port 35963 --once &
emulator=$!
for _ in $(seq 1 50); do
  "$bin" readers --json 2>/dev/null | grep -q '"Virtual PCD 00 00", "cardPresent": true' && break
  sleep 0.2
done

echo "demo: readers seen through PC/SC:" >&2
"$bin" readers >&2
echo "demo: cccd level1 --qr Vectors/cards/fronts/$card.png --phone 0912345678 --trust Vectors/pki/csca-a.pem" >&2
"$bin" level1 --reader "Virtual PCD 00 00" --qr "Vectors/cards/fronts/$card.png" --phone 0912345678 \
  --trust Vectors/pki/csca-a.pem --pretty
