#!/usr/bin/env bash
# Installs the Debian packages cccd builds and tests with (as root, or through sudo), only those missing.
# Used by scripts/test.sh and scripts/demo.sh; safe to run again.
set -euo pipefail

packages=(
  pkg-config openssl libssl-dev            # OpenSSL 3: 3DES, AES, CMAC, EC incl. brainpool, CMS
  pcscd libpcsclite-dev libccid            # PC/SC daemon, client library, USB CCID driver
  vsmartcard-vpcd                          # virtual reader driver the tests and the demo put the virtual chip in
  opensc                                   # opensc-tool: an independent PC/SC client the tests check the virtual card with
  libzbar-dev                              # QR decoding
  libpng-dev libjpeg62-turbo-dev libopenjp2-7-dev   # image loading (PNG, JPEG, JPEG 2000)
  iso-codes                                # ISO 3166-1, the independent table the issuing-state tests check against
)
if [ "${CCCD_EXTRA_PACKAGES:-}" != "" ]; then
  # shellcheck disable=SC2206
  packages+=(${CCCD_EXTRA_PACKAGES})
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: the Swift toolchain (6.1 or later) is not on PATH; install it from swift.org first" >&2
  exit 1
fi
