#!/usr/bin/env bash
# test_replay.sh - `mmsim replay` as a user meets it: the shipped trace
# replays with plausible figures (faults > 0, RSS > 0, a TLB hit rate
# strictly between 0 and 1), the same twice, the same from its binary
# cache; several traces run as several processes; a machine too small
# kills the process. (Bad input: tests/cli/test_replay_errors.sh.)
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

# The shipped trace: plausible figures, and --maps shows the layout rule at
# work (code shared r-x, data private rw-).
run replay --maps "$TRACE"
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
printf '%s\n' "$out" | grep -qE "^00401000-[0-9a-f]+ r-xs " && ok || bad "--maps shows the code"
printf '%s\n' "$out" | grep -qE "^[0-9a-f]+-[0-9a-f]+ rw-p " && ok || bad "--maps shows data"

# Deterministic: the same output twice.
run replay --maps "$TRACE"
[ "$out" = "$first" ] && ok || bad "two runs differ"

# The binary cache: written, replays identically, also gzip'd; a cut one is refused.
expect_ok "--convert" "accesses in [0-9]+ bytes" replay --convert "$tmp/sort.mmtrace" "$TRACE"
run replay --maps "$tmp/sort.mmtrace"
[ "$rc" -eq 0 ] && [ "$(printf '%s\n' "$out" | sed 1,2d)" = "$(printf '%s\n' "$first" | sed 1,2d)" ] &&
	ok || bad "the cache replays as the text"
gzip -c "$tmp/sort.mmtrace" >"$tmp/sort.mmtrace.gz"
head -c 1000 "$tmp/sort.mmtrace" >"$tmp/cut.mmtrace"
run replay "$tmp/sort.mmtrace.gz" "$tmp/cut.mmtrace"
[ "$rc" -eq 2 ] && printf '%s\n' "$out" | grep -q "cut.mmtrace: truncated" &&
	! printf '%s\n' "$out" | grep -q "sort.mmtrace.gz" && ok || bad "gzip'd cache read, cut cache refused"

# Several traces: several processes, taking turns.
expect_ok "two traces, two processes" "^ +2 sort " replay --quantum 500 "$TRACE" "$tmp/sort.mmtrace.gz"
[ -n "$(proc_line 1)" ] && ok || bad "pid 1 has a line"

# A machine too small: the process is killed, the run says so, exit 1.
awk 'BEGIN { printf "==1== Command: ./hog\n"; for (i = 0; i < 20000; i++) printf " S %x,8\n", 268435456 + i * 4096 }' \
	>"$tmp/hog.txt"
run --mem 64M replay "$tmp/hog.txt"
if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | tail -1 | grep -qE "pid 1 \(hog\) killed \(SIGKILL\): out of memory at access [0-9]+ of 20000"; then ok
else bad "--mem 64M kills the hog"; fi
run --mem 256M replay "$tmp/hog.txt"
[ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -qE "^ +1 hog +20000 +2000[0-9] " && ok ||
	bad "--mem 256M holds the hog"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
