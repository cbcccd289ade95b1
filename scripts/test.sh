#!/usr/bin/env bash
# The test command: installs what the tests need, builds, and runs every test, the PC/SC ones against a real
# pcscd with the vsmartcard-vpcd driver (started by the tests themselves when none is running).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
# The QR corpus (photos, scans, 12 MP frames made from Vectors/qr/texts.json) the QR tests decode.
bash scripts/qr-corpus.sh
swift build --build-tests
swift test --skip-build
