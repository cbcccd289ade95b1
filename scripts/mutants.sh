#!/usr/bin/env bash
# The mutation check (README, "Mutation check"): plants each bug of scripts/mutants/mutants.txt and runs the unit
# tests named for it; every planted bug must make them fail. Built once as mutant schemata: a copy of the sources in
# .build/mutants/src where each mutation site is a run-time switch on CCCD_MUTANT, so one build serves every mutant.
# The repository's own Sources/ are only read.
#
#   scripts/mutants.sh            every mutant
#   scripts/mutants.sh 3 17       only mutants 3 and 17 (numbers: their order in mutants.txt)
#   MUTANT_TIMEOUT=60             seconds one mutant's tests may take before it counts as caught by a timeout
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="$root/.build/mutants"
scratch="$out/build"
timeout_seconds="${MUTANT_TIMEOUT:-60}"
mkdir -p "$out"

started=$(date +%s)
list="$(python3 scripts/mutants/schema.py "$root" "$out")"
echo "mutants: schema copy in $out/src ($(printf '%s\n' "$list" | wc -l) mutants)"

build_started=$(date +%s)
# No debug information: nobody debugs the schema copy, and it costs build time. (The index store stays: test
# discovery on Linux reads it.)
flags=(--package-path "$out/src" --scratch-path "$scratch" -Xswiftc -gnone)
if ! swift build "${flags[@]}" --build-tests >"$out/build.log" 2>&1; then
    grep -E "error:" "$out/build.log" | head -n 30 >&2
    echo "mutants: FAILED: the schema build did not compile (log: $out/build.log)" >&2
    exit 1
fi
build_seconds=$(( $(date +%s) - build_started ))
runner="$(swift build "${flags[@]}" --show-bin-path)/cccdPackageTests.xctest"
test -x "$runner" || { echo "mutants: FAILED: no test runner at $runner" >&2; exit 1; }
echo "mutants: schema build ${build_seconds}s"

# Runs the swift-testing tests matching the |-separated filters; the exit status is the runner's (124: timeout).
run_tests() {
    local filters=() f
    IFS='|' read -ra parts <<<"$1"
    for f in "${parts[@]}"; do filters+=(--filter "$f"); done
    timeout --kill-after=10 "$timeout_seconds" "$runner" --testing-library swift-testing "${filters[@]}" >"$out/last.log" 2>&1
}

selected=("$@")
wanted() {
    [ ${#selected[@]} -eq 0 ] && return 0
    local n
    for n in "${selected[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

# Soundness: with no mutant active the copy's tests pass, every filter of every mutant, and each filter matches
# at least one test.
all_filters="$(printf '%s\n' "$list" | while IFS=$'\t' read -r n name area tests about; do if wanted "$n"; then echo "$tests"; fi; done | tr '|' '\n' | sort -u | paste -sd'|')"
if [ -z "$all_filters" ]; then
    echo "mutants: FAILED: no mutant numbered ${selected[*]}" >&2
    exit 1
fi
if ! (unset CCCD_MUTANT; run_tests "$all_filters"); then
    tail -n 40 "$out/last.log" >&2
    echo "mutants: FAILED: with no mutant active the tests fail: the schema copy is not sound" >&2
    exit 1
fi
empty=()
while read -r f; do
    ran="$(unset CCCD_MUTANT; "$runner" --testing-library swift-testing --filter "$f" 2>&1 || true)"
    grep -q "Test run with [1-9]" <<<"$ran" || empty+=("$f")
done < <(printf '%s\n' "$all_filters" | tr '|' '\n')
if [ ${#empty[@]} -gt 0 ]; then
    echo "mutants: FAILED: these filters match no test: ${empty[*]}" >&2
    exit 1
fi
echo "mutants: sound (no mutant active, the tests pass)"

printf '\n%-4s %-44s %-22s %-9s %-46s %s\n' "#" "mutant" "area" "result" "caught by" "s"
caught=0 crashed=0 timed_out=0 survived=0 total=0 survivors=()
while IFS=$'\t' read -r n name area tests about; do
    wanted "$n" || continue
    total=$((total + 1))
    t0=$(date +%s)
    result="SURVIVED" by="-"
    IFS='|' read -ra parts <<<"$tests"
    for f in "${parts[@]}"; do
        set +e
        CCCD_MUTANT="$n" run_tests "$f"
        status=$?
        set -e
        if [ "$status" -eq 0 ]; then continue; fi
        by="$f"
        if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then result="timeout"
        elif [ "$status" -gt 128 ]; then result="crash"
        else result="caught"; fi
        break
    done
    case "$result" in
        caught) caught=$((caught + 1)) ;;
        crash) crashed=$((crashed + 1)) ;;
        timeout) timed_out=$((timed_out + 1)) ;;
        *) survived=$((survived + 1)); survivors+=("$n $name ($about; tests: $tests)") ;;
    esac
    printf '%-4s %-44s %-22s %-9s %-46s %s\n' "$n" "$name" "$area" "$result" "$by" "$(( $(date +%s) - t0 ))"
done <<<"$list"

echo
echo "mutants: $total planted, $caught caught by a failing test, $crashed by a crash, $timed_out by a timeout, $survived survived; schema build ${build_seconds}s, total $(( $(date +%s) - started ))s"
if [ "$survived" -gt 0 ]; then
    for s in "${survivors[@]}"; do echo "mutants: SURVIVED: mutant $s" >&2; done
    exit 1
fi
