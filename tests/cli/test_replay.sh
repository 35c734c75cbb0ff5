#!/usr/bin/env bash
# test_replay.sh - `mmsim replay` as a user meets it: the shipped trace
# replays with plausible figures (faults > 0, RSS > 0, a TLB hit rate
# strictly between 0 and 1), the same twice, the same from its binary
# cache; several traces run as several processes; a machine too small
# kills the process; the output options follow the replay's machine (--json
# checked by tests/cli/json_check.lua, --csv, --vmstat, --procfs, and --convert
# refusing them). (Bad input: tests/cli/test_replay_errors.sh.)
# Usage: bash tests/cli/test_replay.sh path/to/mmsim
set -u
MMSIM=${1:?usage: test_replay.sh path/to/mmsim}
TRACE=$(cd "$(dirname "$0")/../../traces" && pwd)/sort.lackey.gz
CHECK=$(cd "$(dirname "$0")" && pwd)/json_check.lua
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

# ---- the output options (output.h), as for mmsim run ----
# --json, before the command: stdout is the summary alone (the report on
# stderr), with the replay's process in its tasks.
"$MMSIM" --json replay "$TRACE" >"$tmp/r.json" 2>"$tmp/r.err"
rc=$?
out=$(cat "$tmp/r.json")
if [ "$rc" -eq 0 ] && "$MMSIM" run "$CHECK" -- "$tmp/r.json" machines=1 tasks.1.pid=1 \
	tasks.1.status.Name=sort vmstat.pgfault meminfo.MemFree zones.1.zone >/dev/null; then ok
else bad "--json: a valid summary with the sort process"; fi
grep -qE "^ +1 sort +[0-9]+ " "$tmp/r.err" && ok || bad "--json: the report on stderr"
# The task's RSS in the summary is the report's RSS_END.
rss=$(awk '$1 == 1 && $2 == "sort" { print $9 }' "$tmp/r.err")
"$MMSIM" run "$CHECK" -- "$tmp/r.json" "tasks.1.status.VmRSS=${rss:-x}" >/dev/null 2>&1 &&
	ok || bad "--json: VmRSS is the report's RSS_END ($rss)"

# --csv, --vmstat and --procfs, after the command: rows along simulated time,
# vmstat lines as the clock passes, the /proc tree of the end.
run replay --csv "$tmp/r.csv" --vmstat 200us --procfs "$tmp/proc" "$TRACE"
rows=$(tail -n +2 "$tmp/r.csv" 2>/dev/null | wc -l)
if [ "$rc" -eq 0 ] && head -1 "$tmp/r.csv" | grep -q '^time_s,MemFree_kB,' && [ "$rows" -ge 2 ] &&
   awk -F, 'NR > 2 && $1 <= prev { exit 1 } { prev = $1 }' "$tmp/r.csv"; then ok
else bad "--csv: a header and rows in increasing time ($rows rows)"; fi
vmlines=$(printf '%s\n' "$out" | grep -cE '^( +[0-9]+){17}$')
[ "$vmlines" -ge 3 ] && ok || bad "--vmstat 200us: lines as time passes ($vmlines)"
grep -q '^MemFree:' "$tmp/proc/meminfo" 2>/dev/null && ok || bad "--procfs: meminfo"
grep -q '^Name:	sort$' "$tmp/proc/1/status" 2>/dev/null && [ -s "$tmp/proc/1/maps" ] &&
	ok || bad "--procfs: the process's PID directory"
# Same replay, same outputs.
cp "$tmp/r.csv" "$tmp/r1.csv"
run replay --csv "$tmp/r.csv" "$TRACE"
cmp -s "$tmp/r.csv" "$tmp/r1.csv" && ok || bad "--csv: the same twice"
# --convert runs no machine: output options are refused.
expect_fail "--convert refuses --json" "not an option of this command" \
	--json replay --convert "$tmp/x.mmtrace" "$TRACE"
expect_fail "--csv in a missing directory, before replaying" "cannot write" \
	replay --csv "$tmp/no/x.csv" "$TRACE"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
