#!/usr/bin/env bash
# Checks udev/*.rules with `udevadm verify` (systemd 254 or later). Debian bookworm's udev is 252, so this unpacks
# bookworm-backports' udev and libsystemd-shared into a scratch folder with a private apt state (the system's apt
# sources are not touched) and runs that udevadm on the files given (default udev/*.rules). Prints its report;
# exits non-zero when a rule is wrong.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${UDEV_VERIFY_DIR:-$root/.build-udev-verify}"
bin="$scratch/root/bin/udevadm"
mkdir -p "$scratch"
# One download at a time: parallel callers wait for the first to finish unpacking.
exec 9>"$scratch/.lock"
flock 9
if [ ! -x "$bin" ]; then
  mkdir -p "$scratch/lists/partial" "$scratch/cache/archives/partial" "$scratch/debs"
  echo "deb http://deb.debian.org/debian bookworm-backports main" >"$scratch/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$scratch/sources.list" -o "Dir::Etc::sourceparts=-"
            -o "Dir::State::Lists=$scratch/lists" -o "Dir::Cache=$scratch/cache" -o "APT::Get::List-Cleanup=0")
  apt-get "${apt_opts[@]}" -qq update
  (cd "$scratch/debs" && apt-get "${apt_opts[@]}" -qq download udev libsystemd-shared 2>&1 | grep -v "unsandboxed" || true)
  for deb in "$scratch"/debs/*.deb; do dpkg-deb -x "$deb" "$scratch/root"; done
fi
shared="$(dirname "$(find "$scratch/root" -name 'libsystemd-shared-*.so' | head -1)")"
flock -u 9
LD_LIBRARY_PATH="$shared" "$bin" --version >&2
if [ $# -eq 0 ]; then set -- "$root"/udev/*.rules; fi
LD_LIBRARY_PATH="$shared" "$bin" verify --resolve-names=never "$@"
