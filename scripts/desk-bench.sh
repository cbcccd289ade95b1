#!/usr/bin/env bash
# The desk's latency benchmark (cccd-desk-bench): the time from the last APDU of a read to the verdict's server-sent
# event, through a real pcscd with the vpcd virtual reader. Starts pcscd when none answers (and stops it after);
# run it under the shared lock: flock /tmp/cccd-pcscd.lock scripts/desk-bench.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cccd-desk-bench >&2
swift build -c release --product cccd >&2
bin="$(swift build -c release --show-bin-path)"
started=""
if ! "$bin/cccd" readers >/dev/null 2>&1; then
  rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid
  /usr/sbin/pcscd --foreground >/dev/null 2>&1 &
  started=$!
  trap '[ -n "$started" ] && kill "$started"' EXIT
  for _ in $(seq 50); do "$bin/cccd" readers 2>/dev/null | grep -q "00 00" && break; sleep 0.2; done
fi
"$bin/cccd-desk-bench" "${1:-30}"
