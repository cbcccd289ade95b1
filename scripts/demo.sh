#!/usr/bin/env bash
# The main job on a machine with no reader: pcscd with the vpcd virtual reader, the project's virtual chip in it,
# and cccd talking to it through PC/SC like to any desk reader.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
swift build --product cccd
bin="$(swift build --show-bin-path)/cccd"

started_pcscd=""
cleanup() {
  [ -n "${emulator:-}" ] && kill "$emulator" 2>/dev/null || true
  [ -n "$started_pcscd" ] && kill "$started_pcscd" 2>/dev/null || true
}
trap cleanup EXIT

if ! "$bin" readers >/dev/null 2>&1; then
  echo "demo: starting pcscd (log in ${TMPDIR:-/tmp}/cccd-demo-pcscd.log)" >&2
  pcscd --foreground --debug --apdu >"${TMPDIR:-/tmp}/cccd-demo-pcscd.log" 2>&1 &
  started_pcscd=$!
  for _ in $(seq 1 50); do "$bin" readers >/dev/null 2>&1 && break; sleep 0.2; done
fi

"$bin" emulate --port 35963 --once &
emulator=$!
for _ in $(seq 1 50); do
  "$bin" readers --json 2>/dev/null | grep -q '"cardPresent": true' && break
  sleep 0.2
done

echo "demo: readers seen through PC/SC:" >&2
"$bin" readers --json
