#!/usr/bin/env bash
# test_replay_errors.sh - `mmsim replay` given bad input: every bad trace
# (a bad line, in plain text or gzip, a truncated gzip stream, a missing
# file, a directory, random bytes) and every bad option fails with one
# clear line and exit 2; the bad line is named by number and quoted.
# (tests/cli/test_replay.sh has the good runs.)
# Usage: bash tests/cli/test_replay_errors.sh path/to/mmsim
set -u
MMSIM=${1:?usage: test_replay_errors.sh path/to/mmsim}
TRACE=$(cd "$(dirname "$0")/../../traces" && pwd)/sort.lackey.gz
passed=0
failed=0
out=""
rc=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {	# run ARGS...: stdout+stderr in $out, status in $rc
	out=$("$MMSIM" "$@" 2>&1)
	rc=$?
}

ok() { passed=$((passed + 1)); }

bad() {
	failed=$((failed + 1))
	printf 'FAIL: %s (exit %d)\n%s\n---\n' "$1" "$rc" "$(printf '%s\n' "$out" | head -20)"
}

expect_ok() {	# expect_ok "what" PATTERN ARGS...
	local what=$1 pat=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -qE -- "$pat"; then ok; else bad "$what"; fi
}

expect_fail() {	# expect_fail "what" PATTERN ARGS...: non-zero, at most 2 lines
	local what=$1 pat=$2
	shift 2
	run "$@"
	if [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] && printf '%s\n' "$out" | grep -qE -- "$pat" &&
	   [ "$(printf '%s\n' "$out" | wc -l)" -le 2 ]; then ok; else bad "$what"; fi
}

# Help.
expect_ok "--help" "Usage: mmsim .*replay .*TRACE" replay --help
expect_ok "mmsim --help lists replay" "replay TRACE" --help

# Bad traces: the line number and the line.
printf '==1== Command: ./x\nI  0400,4\n L 1000,4\n Q 2000,4\n' >"$tmp/bad.txt"
expect_fail "bad line" "bad.txt: line 4: unknown record .*' Q 2000,4'" replay "$tmp/bad.txt"
printf 'I  0400,4\n L 1000,zz\n' | gzip >"$tmp/bad.gz"
expect_fail "bad line in gzip" "bad.gz: line 2: no decimal size: ' L 1000,zz'" replay "$tmp/bad.gz"
expect_ok "--skip-bad counts it" "1 bad lines skipped; the first: line 4" replay --skip-bad "$tmp/bad.txt"
head -c 50000 "$TRACE" >"$tmp/cut.gz"
expect_fail "truncated gzip" "cut.gz: read error" replay "$tmp/cut.gz"
expect_fail "missing file" "cannot open '/nonexistent/t': No such file" replay /nonexistent/t
expect_fail "a directory" "read error" replay "$tmp"
head -c 3000 /dev/urandom >"$tmp/noise"
run replay "$tmp/noise"
[ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -le 2 ] && ok || bad "random bytes"

# Bad options.
expect_fail "no trace" "name at least one TRACE" replay
expect_fail "unknown option" "unknown option '--frob'" replay --frob "$TRACE"
expect_fail "unknown short option" "unknown option '-x'.*--quantum" replay -x "$TRACE"
expect_fail "bad quantum" "--quantum needs a positive integer, not 'x'" replay --quantum x "$TRACE"
expect_fail "quantum 0" "--quantum needs a positive integer" replay --quantum=0 "$TRACE"
expect_fail "samples missing" "--samples needs a value" replay --samples
expect_fail "--convert needs one trace" "exactly one TRACE" replay --convert "$tmp/x" "$TRACE" "$TRACE"
expect_fail "bad machine option" "--mem: '4X' is not a size" replay --mem 4X "$TRACE"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
