#!/usr/bin/env bash
# test_output.sh - the output options of mmsim run/show: --vmstat lines that
# advance with simulated time and add up, --json that parses (checked by a
# JSON reader of our own, tests/cli/json_check.lua, not by jansson), --csv
# with its columns and increasing time, --plot writing a PNG, the outputs
# following the machine booted last, identical output for identical runs,
# and one-line errors for bad options.
# Usage: bash tests/cli/test_output.sh path/to/mmsim
set -u
MMSIM=${1:?usage: test_output.sh path/to/mmsim}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$HERE/output_workload.lua
CHECK=$HERE/json_check.lua
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() {	# bad "what" FILE...: report with the files' heads
	failed=$((failed + 1))
	printf 'FAIL: %s\n' "$1"
	shift
	for f in "$@"; do [ -f "$f" ] && { echo "--- $f"; head -20 "$f"; }; done
	echo ---
}
check() {	# check "what" COMMAND...: the command must succeed
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$what"; fi
}

# ---- help ----
"$MMSIM" run --help >"$TMP/help" 2>&1
for o in "--json" "--vmstat INTERVAL" "--csv FILE" "--plot FILE.png"; do
	check "run --help lists $o" grep -qF -- "$o" "$TMP/help"
done
"$MMSIM" show --help >"$TMP/help" 2>&1
check "show --help lists --json" grep -qF -- "--json" "$TMP/help"
"$MMSIM" --help >"$TMP/help" 2>&1
check "mmsim --help lists the output options" grep -qF -- "--vmstat INTERVAL" "$TMP/help"

# ---- one run with every output: JSON on stdout, vmstat lines on stderr ----
"$MMSIM" --mem 64M run --json --vmstat 100ms --csv "$TMP/a.csv" --plot "$TMP/a.png" "$WORK" \
	>"$TMP/a.json" 2>"$TMP/a.err"
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "run with every output exits 0 (got $rc)" "$TMP/a.err"; fi
grep -v '^final ' "$TMP/a.err" >"$TMP/vm.out"
clock=$(sed -n 's/^final clock //p' "$TMP/a.err")
final_free=$(sed -n 's/^final MemFree //p' "$TMP/a.err")

# --vmstat
if [ "$(sed -n 1p "$TMP/vm.out")" = "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----" ] &&
   [ "$(sed -n 2p "$TMP/vm.out")" = " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st" ]
then ok; else bad "vmstat header is procps vmstat's" "$TMP/vm.out"; fi
# one line at boot, then one per 100 ms of the run (the run ends on a whole second)
lines=$(tail -n +3 "$TMP/vm.out" | wc -l)
if [ -n "$clock" ] && [ "$lines" -eq $((1 + clock / 100000000)) ]; then ok
else bad "vmstat: 1 + clock/100ms lines (clock $clock, lines $lines)" "$TMP/vm.out"; fi
# every line: 17 numbers; the CPU shares add up to 100 (+-2 for rounding);
# 'in' is the timer tick, 250 Hz x 2 CPUs = 500 per second after the first line;
# free never exceeds the boot's, falls while memory is taken, ends at MemFree.
if tail -n +3 "$TMP/vm.out" | awk -v final="$final_free" '
	NF != 17 { print "fields " NF; bad = 1 }
	{ for (i = 1; i <= 17; i++) if ($i !~ /^[0-9]+$/) { print "not a number: " $i; bad = 1 } }
	{ s = $13 + $14 + $15 + $16 + $17; if (s < 98 || s > 102) { print "cpu sum " s; bad = 1 } }
	NR == 1 { boot = $4 }
	NR > 1 && $11 != 500 { print "in " $11; bad = 1 }
	$4 > boot { print "free above boot"; bad = 1 }
	$4 < min || NR == 1 { min = $4 }
	{ last = $4 }
	END { if (min >= boot) { print "free never fell"; bad = 1 }
	      if (last != final) { print "last free " last " != " final; bad = 1 }
	      exit bad }'
then ok; else bad "vmstat lines advance and add up" "$TMP/vm.out"; fi
check "vmstat: the busy part shows system time" awk 'NR > 3 && $14 > 0 { f = 1 } END { exit !f }' "$TMP/vm.out"
if grep -q $'\033' "$TMP/a.json" "$TMP/a.err"; then bad "no progress escapes when stderr is no terminal"; else ok; fi

# --json: parses, has the summary's keys and every /proc/vmstat counter
"$MMSIM" --mem 64M show vmstat >"$TMP/vmstat.txt" 2>&1
set -- $(awk '{ print "vmstat." $1 }' "$TMP/vmstat.txt")
if [ $# -gt 50 ] && "$MMSIM" run "$CHECK" -- "$TMP/a.json" machines=1 "clock_ns=$clock" \
	"meminfo.MemFree=$final_free" meminfo.MemTotal meminfo.Cached meminfo.AnonPages \
	vmstat.pgfault vmstat.pgalloc_normal tasks.1.pid=1 tasks.1.status.Name=worker \
	tasks.1.status.VmRSS tasks.1.stime_ns zones.1.zone=DMA zones.1.min zones.2.high \
	cpu.idle_ns sched.forks=2 "$@" >"$TMP/jc" 2>&1
then ok; else bad "--json parses and has the summary's keys" "$TMP/jc" "$TMP/a.json"; fi
"$MMSIM" --mem 64M show --json --spawn demo meminfo >"$TMP/s.json" 2>&1
if "$MMSIM" run "$CHECK" -- "$TMP/s.json" machines=1 tasks.1.status.Name=demo proc.meminfo \
	>"$TMP/jc" 2>&1; then ok; else bad "show --json" "$TMP/jc" "$TMP/s.json"; fi

# --csv and --plot
if head -1 "$TMP/a.csv" | grep -qE '^time_s,MemFree_kB,Cached_kB,AnonPages_kB,SwapUsed_kB,Dirty_kB,node0_DMA_free,node0_DMA_min,node0_DMA_low,node0_DMA_high,node0_DMA32_free,'
then ok; else bad "csv header" "$TMP/a.csv"; fi
if awk -F, -v clock="$clock" '
	NR == 1 { n = NF; next }
	NF != n { print "row " NR " has " NF " fields"; bad = 1 }
	NR > 2 && $1 + 0 <= t { print "time not increasing at row " NR; bad = 1 }
	{ t = $1 + 0; rows++ }
	$2 + 0 <= 0 { print "MemFree " $2; bad = 1 }
	END { if (rows < 100) { print rows " rows"; bad = 1 }
	      if (sprintf("%.0f", t * 1e9) != clock) { print "last time " t " != " clock; bad = 1 }
	      exit bad }' "$TMP/a.csv"
then ok; else bad "csv rows: same width, increasing time, ending at the clock" "$TMP/a.csv"; fi
if [ "$(head -c 8 "$TMP/a.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] &&
   [ "$(stat -c %s "$TMP/a.png")" -gt 10000 ]; then ok; else bad "--plot writes a PNG"; fi

# ---- the same run twice: the same output, byte for byte ----
"$MMSIM" --mem 64M run --json --vmstat 100ms --csv "$TMP/b.csv" "$WORK" >"$TMP/b.json" 2>"$TMP/b.err"
if cmp -s "$TMP/a.err" "$TMP/b.err" && cmp -s "$TMP/a.csv" "$TMP/b.csv" &&
   cmp -s "$TMP/a.json" "$TMP/b.json"; then ok
else bad "same run, same vmstat, csv and json" "$TMP/b.err"; fi
# observing does not change the machine: the same end with no outputs
"$MMSIM" --mem 64M run "$WORK" >"$TMP/plain.out" 2>&1
if [ "$(grep '^final' "$TMP/plain.out")" = "$(grep '^final' "$TMP/a.err")" ]; then ok
else bad "outputs do not change the run" "$TMP/plain.out" "$TMP/a.err"; fi

# ---- the outputs follow the machine booted last ----
"$MMSIM" --mem 64M run --json --vmstat 1s "$WORK" -- twice >"$TMP/t.json" 2>"$TMP/t.err"
headers=$(grep -c "^procs -----" "$TMP/t.err")
total=$(sed -n 's/.*"MemTotal": \([0-9]*\).*/\1/p' "$TMP/t.json")
if [ "$headers" -eq 2 ] && grep -q '"machines": 2,' "$TMP/t.json" &&
   grep -q '"Name": "worker"' "$TMP/t.json" && [ "${total:-0}" -gt 40000 ]; then ok
else bad "outputs follow the machine booted last (headers $headers, MemTotal $total)" "$TMP/t.err"; fi

# ---- errors: non-zero, one line naming the problem ----
expect_fail() {	# expect_fail "what" PATTERN ARGS...
	local what=$1 pat=$2 out rc
	shift 2
	out=$("$MMSIM" "$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -lt 128 ] && printf '%s\n' "$out" | grep -qE -- "$pat" &&
	   [ "$(printf '%s\n' "$out" | wc -l)" -le 2 ]; then ok
	else failed=$((failed + 1)); printf 'FAIL: %s (exit %d)\n%s\n---\n' "$what" $rc "$out"; fi
}
expect_fail "--vmstat 0" "more than 0" run --vmstat 0 "$WORK"
expect_fail "--vmstat 1x" "bad duration '1x'" run --vmstat 1x "$WORK"
expect_fail "--plot not .png" "FILE.png" run --plot "$TMP/x.jpg" "$WORK"
expect_fail "--csv in a missing directory, before running" "cannot write $TMP/no/x.csv" \
	run --csv "$TMP/no/x.csv" "$WORK"
expect_fail "show --vmstat" "not an option of this command" show --vmstat 1s meminfo
expect_fail "--csv with the demo" "not an option of this command" --csv "$TMP/d.csv"
"$MMSIM" --mem 64M run --json "$WORK" -- fail >/dev/null 2>"$TMP/f.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "output_workload.lua:[0-9]*: failing on purpose" "$TMP/f.err"; then ok
else bad "a script error exits 1 with file:line (got $rc)" "$TMP/f.err"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
