#!/usr/bin/env bash
# The documentation: a DocC archive per library module (swift-docc-plugin), in
# .build/plugins/Swift-DocC/outputs/<Module>.doccarchive. Fails on any DocC warning (a ``link`` that does not resolve,
# a malformed catalog) and on a public symbol without a doc comment of its own (scripts/check-doc-comments.py).
# Usage: scripts/docs.sh [Module...]   (every library module by default)
set -euo pipefail
cd "$(dirname "$0")/.."

modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
    modules=(CardIO ICAOCrypto LDS ICAOSession Verification CCCD CCCDQR CCCDConfiguration DeskRecord VirtualCard
             DeskServer)
fi
targets=()
for module in "${modules[@]}"; do targets+=(--target "$module"); done

swift package generate-documentation "${targets[@]}" --warnings-as-errors
python3 scripts/check-doc-comments.py . "${modules[@]}"
