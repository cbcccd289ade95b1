#!/usr/bin/env bash
# Generates cccd's manual page and its bash, zsh and fish completions from the argument parser (swift-argument-parser's
# generate-manual plugin and --generate-completion-script), into DIR (default .build/share), laid out as under
# /usr/local/share, and checks that each parses. CONFIGURATION=release builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build/share}"
config="${CONFIGURATION:-debug}"

rm -rf .build/plugins/GenerateManual/outputs/cccd
swift package --disable-sandbox generate-manual --configuration "$config" --date 2026-01-01 \
  --authors "cccd contributors" >&2
mkdir -p "$out/man/man1" "$out/bash-completion/completions" "$out/zsh/site-functions" "$out/fish/vendor_completions.d"
cp .build/plugins/GenerateManual/outputs/cccd/cccd.1 "$out/man/man1/cccd.1"
bin="$(swift build -c "$config" --show-bin-path)"
"$bin/cccd" --generate-completion-script bash > "$out/bash-completion/completions/cccd"
"$bin/cccd" --generate-completion-script zsh > "$out/zsh/site-functions/_cccd"
"$bin/cccd" --generate-completion-script fish > "$out/fish/vendor_completions.d/cccd.fish"

# The manual renders (groff's mdoc macros, UTF-8 through preconv) without an error or a warning other than the blank
# lines the generator leaves between a discussion's paragraphs; it names every command; each completion script parses
# in its shell (where installed).
warnings="$(preconv "$out/man/man1/cccd.1" | groff -mdoc -Tutf8 -ww -z 2>&1 | grep -v "Empty input line" || true)"
if [ -n "$warnings" ]; then echo "make-manual: groff: $warnings" >&2; exit 1; fi
for command in read level1 qr watch desk replay verify readers emulate; do
  grep -q "$command" "$out/man/man1/cccd.1" || { echo "make-manual: the manual lacks $command" >&2; exit 1; }
  for script in "$out/bash-completion/completions/cccd" "$out/zsh/site-functions/_cccd" "$out/fish/vendor_completions.d/cccd.fish"; do
    grep -q "$command" "$script" || { echo "make-manual: $script lacks $command" >&2; exit 1; }
  done
done
bash -n "$out/bash-completion/completions/cccd"
if command -v zsh >/dev/null; then zsh -n "$out/zsh/site-functions/_cccd"; fi
if command -v fish >/dev/null; then fish --no-execute "$out/fish/vendor_completions.d/cccd.fish"; fi
echo "make-manual: $out/man/man1/cccd.1, $out/bash-completion/completions/cccd, $out/zsh/site-functions/_cccd, $out/fish/vendor_completions.d/cccd.fish" >&2
