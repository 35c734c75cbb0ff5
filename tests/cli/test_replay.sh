#!/usr/bin/env bash
# test_replay.sh - `mmsim replay` as a user meets it: the shipped trace
# replays with plausible figures (faults > 0, RSS > 0, a TLB hit rate
# strictly between 0 and 1), the same twice, the same from its binary
# cache; several traces run as several processes; bad traces and bad
# options fail with one clear line; a machine too small kills the process.
# Usage: bash tests/cli/test_replay.sh path/to/mmsim
set -u
MMSIM=${1:?usage: test_replay.sh path/to/mmsim}
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

# The figures of the process line: PID COMMAND ACCESSES MINFLT MAJFLT SIGNALS
# RSS_PEAK kB RSS_END kB TLB_HITS TLB_MISS HIT_RATE.
proc_line() { printf '%s\n' "$out" | awk -v pid="$1" '$1 == pid && $2 == "sort"'; }

[ -f "$TRACE" ] && ok || bad "the shipped trace exists: $TRACE"
expect_ok "--help" "Usage: mmsim .*replay .*TRACE" replay --help
expect_ok "mmsim --help lists replay" "replay TRACE" --help

# The shipped trace: plausible figures.
run replay "$TRACE"
first=$out
line=$(proc_line 1)
read -r _ _ accesses minflt majflt signals peak _ final _ hits misses rate <<<"$line"
if [ "$rc" -eq 0 ] && [ "${accesses:-0}" -gt 500000 ] && [ "${minflt:-0}" -gt 0 ] &&
   [ "${majflt:-x}" = 0 ] && [ "${signals:-x}" = 0 ] && [ "${peak:-0}" -gt 0 ] &&
   [ "${final:-0}" -gt 0 ] && [ "${hits:-0}" -gt 0 ] && [ "${misses:-0}" -gt 0 ] &&
   awk -v r="${rate:-0}" 'BEGIN { exit !(r > 0 && r < 1) }'; then ok
else bad "sort trace: plausible figures ($line)"; fi
# Faults: at least one per page of the final RSS (every resident page faulted once).
[ "${minflt:-0}" -ge $(( ${final:-1} / 4 )) ] && ok || bad "minflt $minflt >= RSS pages"
printf '%s\n' "$out" | grep -qE "^Machine \(/proc/vmstat\): pgfault [1-9][0-9]* .*pswpin 0  pswpout 0" &&
	ok || bad "vmstat line"
printf '%s\n' "$out" | grep -qE "^ +[0-9]+ +[0-9]+\.[0-9]+ +[0-9]+ +[0-9]+$" && ok || bad "RSS over time rows"
printf '%s\n' "$out" | grep -qE "^Simulated time at the end: [0-9]+\.[0-9]+ ms" && ok || bad "the clock"

# Deterministic: the same output twice.
run replay "$TRACE"
[ "$out" = "$first" ] && ok || bad "two runs differ"

# The binary cache: written, smaller than the text, replays identically.
expect_ok "--convert" "accesses in [0-9]+ bytes" replay --convert "$tmp/sort.mmtrace" "$TRACE"
run replay "$tmp/sort.mmtrace"
[ "$rc" -eq 0 ] && [ "$(printf '%s\n' "$out" | sed 1,2d)" = "$(printf '%s\n' "$first" | sed 1,2d)" ] &&
	ok || bad "the cache replays as the text"
gzip -c "$tmp/sort.mmtrace" >"$tmp/sort.mmtrace.gz"
run replay "$tmp/sort.mmtrace.gz"
[ "$rc" -eq 0 ] && ok || bad "a gzip'd cache replays"
head -c 1000 "$tmp/sort.mmtrace" >"$tmp/cut.mmtrace"
expect_fail "truncated cache" "cut.mmtrace: truncated" replay "$tmp/cut.mmtrace"

# Several traces: several processes, taking turns.
expect_ok "two traces, two processes" "^ +2 sort " replay --quantum 500 "$TRACE" "$TRACE"
line=$(proc_line 2)
[ -n "$line" ] && ok || bad "pid 2 has a line"

# --maps: the layout rule at work (code shared r-x, data private rw-).
expect_ok "--maps shows the code" "^00401000-[0-9a-f]+ r-xs " replay --maps "$TRACE"
printf '%s\n' "$out" | grep -qE "^[0-9a-f]+-[0-9a-f]+ rw-p " && ok || bad "--maps shows data"

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
expect_fail "quantum missing" "--quantum needs a value" replay --quantum
expect_fail "--convert needs one trace" "exactly one TRACE" replay --convert "$tmp/x" "$TRACE" "$TRACE"
expect_fail "bad machine option" "--mem: '4X' is not a size" replay --mem 4X "$TRACE"

# A machine too small: the process is killed, the run says so, exit 1.
awk 'BEGIN { printf "==1== Command: ./hog\n"; for (i = 0; i < 40000; i++) printf " S %x,8\n", 268435456 + i * 4096 }' \
	>"$tmp/hog.txt"
run --mem 64M replay "$tmp/hog.txt"
if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -qE "pid 1 \(hog\) killed \(SIGKILL\): out of memory at access [0-9]+ of 40000"; then ok
else bad "--mem 64M kills the hog"; fi
run --mem 512M replay "$tmp/hog.txt"
[ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -qE "^ +1 hog +40000 +4000[0-9] " && ok ||
	bad "--mem 512M holds the hog"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
