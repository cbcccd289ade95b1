#!/usr/bin/env bash
# The test command: installs what the tests need, builds, and runs every test, the PC/SC ones against a real
# pcscd with the vsmartcard-vpcd driver (started by the tests themselves when none is running).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's chromium and its chromedriver, with a font that has every Vietnamese letter, for the desk page's browser
# tests (DeskBrowserTests: 19 packages, about 380 MB installed, about 1 minute to install here); groff to render the manual.
CCCD_EXTRA_PACKAGES="${CCCD_EXTRA_PACKAGES:-} chromium chromium-driver fonts-dejavu-core groff-base" ./scripts/setup.sh
# jsonschema, which the level-1 payload tests validate against shared/level1.schema.json with; Selenium, which drives
# chromium through Debian's chromedriver (nothing downloaded at run time).
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r scripts/requirements-test.txt
# The QR corpus (photos, scans, 12 MP frames made from Vectors/qr/texts.json) the QR tests decode.
bash scripts/qr-corpus.sh
# A bounded libFuzzer run over every LDS parser (no crash, hang or runaway allocation in 60 s).
./scripts/fuzz.sh 60
swift build --build-tests
# The manual page and the shell completions, generated from the argument parser and checked (groff, bash -n).
./scripts/make-manual.sh
swift test --skip-build
# The mutation check: every bug planted by scripts/mutants/mutants.txt must make the unit tests fail (README).
./scripts/mutants.sh
# Examples/: a package that depends on this one by path, as a client's would; the two examples that need no reader run.
swift build --package-path Examples
bin="$(swift build --package-path Examples --show-bin-path)"
"$bin/replay-a-trace" Vectors/traces/nguyen-van-an-2021.json Vectors/pki/csca-a.pem
"$bin/check-a-dump" Vectors/dumps/nguyen-van-an-2021 Vectors/pki/csca-a.pem
