#!/usr/bin/env bash
# The test command: installs what the tests need, builds, and runs every test, the PC/SC ones against a real
# pcscd with the vsmartcard-vpcd driver (started by the tests themselves when none is running).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
# jsonschema, which the level-1 payload tests validate against shared/level1.schema.json with.
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r scripts/requirements-test.txt
# The QR corpus (photos, scans, 12 MP frames made from Vectors/qr/texts.json) the QR tests decode.
bash scripts/qr-corpus.sh
# A bounded libFuzzer run over every LDS parser (no crash, hang or runaway allocation in 60 s).
./scripts/fuzz.sh 60
swift build --build-tests
swift test --skip-build
