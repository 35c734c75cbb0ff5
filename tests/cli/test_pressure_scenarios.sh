#!/usr/bin/env bash
# test_pressure_scenarios.sh - the memory-pressure scenarios (issue 5) are
# listed by `mmsim scenarios`, run through `mmsim run --scenario NAME`
# (their shapes are checked in tests/lua/test_scenarios_pressure.lua), and
# refuse bad arguments with a usage line and exit status 2 (two of them:
# each run costs a process start, the argument checks are alike).
# Usage: bash test_pressure_scenarios.sh path/to/mmsim
#
# Invariants: every check runs even after one fails and prints FAIL with
# the output; the script ends with a summary line and exits 0 only when no
# check failed. It creates no file of its own.
set -u
MMSIM=${1:?usage: test_pressure_scenarios.sh path/to/mmsim}
passed=0
failed=0

expect() {	# expect "what" STATUS PATTERN CMD...: exit status and a line matching PATTERN
	local what=$1 want=$2 pattern=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -q -- "$pattern" <<<"$out"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		printf 'FAIL: %s (exit %d, wanted %d and /%s/)\n%s\n---\n' "$what" "$rc" "$want" \
			"$pattern" "$(printf '%s\n' "$out" | head -20)"
	fi
}

list=$("$MMSIM" scenarios 2>&1)
for s in dd stress-vm swappiness watermarks; do
	if grep -q "^  $s " <<<"$list"; then passed=$((passed + 1)); else
		failed=$((failed + 1)); printf 'FAIL: mmsim scenarios lists %s\n%s\n' "$s" "$list"; fi
done

expect "dd runs small" 0 "oflag=direct" "$MMSIM" run --scenario dd -- 32 8
expect "watermarks runs" 0 "page allocation failure" "$MMSIM" run --scenario watermarks -- 64
expect "stress-vm runs small" 0 "every worker exited" "$MMSIM" run --scenario stress-vm -- 3 1 32 8
expect "swappiness runs small" 0 "^       200 " "$MMSIM" run --scenario swappiness -- 2 48 8 8 16
expect "dd refuses a tiny machine" 2 "usage: mmsim run --scenario dd" "$MMSIM" run --scenario dd -- 1
expect "swappiness refuses swap smaller than anon" 2 "usage: mmsim run --scenario swappiness" \
	"$MMSIM" run --scenario swappiness -- 3 64 32 32 16

echo "test_pressure_scenarios: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
