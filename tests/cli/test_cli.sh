#!/usr/bin/env bash
# test_cli.sh - the mmsim command as a user meets it: exit codes and the
# lines that matter. Usage: bash tests/cli/test_cli.sh path/to/mmsim
#
# Each check runs the binary once and looks at its exit status and output.
# Every failure prints what ran and what came out; the summary line is
# "N passed, N failed", and the script fails if anything did.
set -u
MMSIM=${1:?usage: test_cli.sh path/to/mmsim}
passed=0
failed=0
out=""
rc=0

run() {	# run ARGS...: capture stdout+stderr in $out and the status in $rc
	out=$("$MMSIM" "$@" 2>&1)
	rc=$?
}

ok() {
	passed=$((passed + 1))
}

bad() {	# bad "what": report with the last command's output
	failed=$((failed + 1))
	printf 'FAIL: %s (exit %d)\n%s\n---\n' "$1" "$rc" "$(printf '%s\n' "$out" | head -20)"
}

expect_ok() {	# expect_ok "what" PATTERN ARGS...: exit 0 and output matches
	local what=$1 pat=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -qE -- "$pat"; then ok; else bad "$what"; fi
}

expect_fail() {	# expect_fail "what" PATTERN ARGS...: non-zero, one clear line
	local what=$1 pat=$2
	shift 2
	run "$@"
	if [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] && printf '%s\n' "$out" | grep -qE -- "$pat" &&
	   [ "$(printf '%s\n' "$out" | wc -l)" -le 2 ]; then ok; else bad "$what"; fi
}

# Help and version.
expect_ok "--help lists show" "show FILE" --help
expect_ok "-h works" "Machine options" -h
expect_ok "--help names --mem" "--mem SIZE" --help
expect_ok "--version" "^mmsim [0-9]+\.[0-9]+" --version
expect_ok "show --help" "Usage: mmsim .*show FILE" show --help
expect_ok "--help lists run" "run SCRIPT.lua" --help
expect_ok "--help lists run --scenario" "run --scenario NAME" --help
# proctools: repl (more in test_repl.sh)
expect_ok "--help lists repl" "^  repl " --help
expect_ok "repl --help" "Usage: mmsim .*repl" repl --help
expect_ok "--help lists --procfs" "--procfs DIR" --help
expect_fail "--procfs needs a DIR" "--procfs needs a value" run --procfs

# show.
expect_ok "show meminfo has MemTotal" "^MemTotal: +[0-9]+ kB$" show meminfo
expect_ok "show /proc/meminfo" "^MemFree:" show /proc/meminfo
expect_ok "show buddyinfo" "^Node 0, zone +DMA32" show buddyinfo
expect_ok "show zoneinfo" "^Node 0, zone +Normal" show zoneinfo
expect_ok "show several files has headers" "==> /proc/buddyinfo <==" show meminfo buddyinfo
expect_ok "show slabinfo header" "^slabinfo - version: 2.1" show slabinfo
expect_ok "show vmstat" "^nr_free_pages [0-9]+" show vmstat
expect_ok "show sys/vm/min_free_kbytes" "^[0-9]+$" show sys/vm/min_free_kbytes
expect_ok "--sysctl applies" "^8192$" --sysctl vm.min_free_kbytes=8192 show sys/vm/min_free_kbytes
expect_ok "--sysctl later wins" "^4096$" --sysctl vm.min_free_kbytes=8192 \
	--sysctl vm.min_free_kbytes=4096 show sys/vm/min_free_kbytes
expect_ok "options after show" "^MemTotal: +[0-9]+ kB$" show --mem 256M meminfo
expect_ok "--opt=value form" "^MemTotal: +[0-9]+ kB$" --mem=256M show meminfo
expect_ok "show dmesg" "." show dmesg
expect_fail "unknown file" "no such file 'nosuchfile'; known: meminfo" show nosuchfile
expect_fail "show needs a file" "name at least one file" show

# Machine sizes and shapes.
expect_ok "1T metadata-only" "^MemTotal: +[0-9]+ kB$" --mem 1T --metadata-only show meminfo
expect_ok "1T, 4 nodes" "^Node 3, zone" --mem 1T --metadata-only --nodes 4 show buddyinfo
expect_ok "64M machine" "^MemTotal:" --mem 64M show meminfo
expect_ok "--node-mem" "^Node 1, zone" --node-mem 256M,768M show buddyinfo
run --nodes 3 --mem 64M show meminfo
if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -q "^MemTotal:"; then ok
elif [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] && printf '%s\n' "$out" | grep -q -- "--nodes"; then ok
else bad "--nodes 3 --mem 64M works or fails cleanly"; fi

# Bad input: non-zero, one line that names the option and what is valid.
expect_fail "unknown option named" "unknown option '--frobnicate'.*--mem" --frobnicate show meminfo
expect_fail "unknown option after show" "--bogus" show --bogus meminfo
expect_fail "--mem 4X names units" "--mem: '4X' is not a size.*K, M, G, T" --mem 4X show meminfo
expect_fail "--mem missing value" "--mem needs a value" --mem
expect_fail "--mem 1000" "--mem 1000: must be a multiple of 4096" --mem 1000 show meminfo
expect_fail "--mem 16M too small" "--mem 16M" --mem 16M show meminfo
expect_fail "too many nodes" "--nodes 64 with --mem 64M" --nodes 64 --mem 64M show meminfo
expect_fail "--sysctl bad value" "min_free_kbytes.*abc" --sysctl vm.min_free_kbytes=abc show meminfo
expect_fail "--sysctl unknown name" "vm.nope" --sysctl vm.nope=1 show meminfo
expect_fail "--sysctl no =" "vm.NAME=VALUE" --sysctl swappiness show meminfo
expect_fail "--rmap bad" "anon_vma_chain" --rmap magic show meminfo
expect_fail "--thp bad" "always.madvise.never" --thp sometimes show meminfo
expect_fail "--cpus 0" "--cpus 0" --cpus 0 show meminfo
expect_fail "unknown command" "unknown command 'frob'" frob
# swap (issue 5): --swap SIZE[@PRIO] makes /swapfile
expect_ok "--swap 64M SwapTotal" "^SwapTotal: +65532 kB" --swap 64M show meminfo
expect_ok "--swap 64M@3 /proc/swaps" "^/swapfile +file[[:space:]]+65532[[:space:]]+0[[:space:]]+3$" --swap 64M@3 show swaps
expect_fail "--swap bad prio" "PRIO must be 0..32767" --swap 64M@x show meminfo
expect_ok "--rmap pte_chain boots" "pte_chain" --rmap pte_chain show slabinfo

# run and scenarios.
expect_ok "scenarios lists buddy-fragmentation" "^  buddy-fragmentation +Buddy" scenarios
expect_ok "scenarios lists slab-kmalloc" "^  slab-kmalloc +Slab" scenarios
expect_ok "scenarios --help" "^Usage: mmsim scenarios" scenarios --help
expect_fail "scenarios takes no argument" "unexpected argument 'foo'" scenarios foo
expect_ok "run --help" "Usage: mmsim .*run SCRIPT.lua" run --help
expect_ok "run --scenario buddy-fragmentation" "FAILS" run --scenario buddy-fragmentation
expect_ok "run --scenario slab-kmalloc" "kmalloc-256" run --scenario slab-kmalloc
expect_fail "unknown scenario" "no scenario 'nope'; scenarios: buddy-fragmentation" run --scenario nope
expect_fail "run needs a script" "run needs SCRIPT.lua" run
expect_fail "run missing file" "cannot open" run /nonexistent/x.lua
tmp=$(mktemp -d)
printf 'local m = mmsim.boot{}\nprint(m:proc("meminfo"):match("MemTotal:%%s+%%d+"), arg[1], arg[2])\n' > "$tmp/args.lua"
expect_ok "run: CLI options are boot defaults, args reach arg[]" "^MemTotal: +[0-9]+	a	b$" \
	--mem 64M run "$tmp/args.lua" -- a b
run --mem 64M run "$tmp/args.lua"
mt=$(printf '%s\n' "$out" | awk '{print $2}')
[ "$rc" -eq 0 ] && [ "${mt:-0}" -lt 65536 ] && ok || bad "run: --mem 64M is the default of mmsim.boot{}"
printf 'local m = mmsim.boot{ mem = "128M" }\nprint(m:proc("meminfo"):match("MemTotal:%%s+(%%d+)"))\n' > "$tmp/win.lua"
run --mem 64M run "$tmp/win.lua"
[ "$rc" -eq 0 ] && [ "$out" -gt 65536 ] 2>/dev/null && ok || bad "run: the script's fields win"
printf 'local x = 1\nx = x +\n' > "$tmp/syntax.lua"
expect_fail "run: syntax error names file:line" "syntax.lua:[0-9]+:" run "$tmp/syntax.lua"
printf 'local m = mmsim.boot{ mem = "64M" }\n\nm:kfree("x")\n' > "$tmp/misuse.lua"
run run "$tmp/misuse.lua"
[ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -q "misuse.lua:3: bad argument" && ok || bad "run: runtime error names file:line, exit 1"
printf 'os.exit(require("mmsim") == mmsim and 0 or 3)\n' > "$tmp/req.lua"
run run "$tmp/req.lua"
[ "$rc" -eq 0 ] && ok || bad "run: require \"mmsim\" is the global mmsim"
rm -rf "$tmp"

# NUMA: node distances and the per-node sysfs files.
expect_ok "--node-distance" "^10 30$" --nodes 2 --node-distance 30 show /sys/devices/system/node/node0/distance
expect_ok "numastat" "^interleave_hit 0$" --nodes 2 show /sys/devices/system/node/node1/numastat
expect_fail "--node-distance needs a full table" "give 2 rows of 2" --nodes 2 --node-distance 10,20 show vmstat
# hugetlb: boot keys and the large-pages scenario (small: 64 MiB, 2 processes).
expect_ok "--hugepages fills the pool" "^HugePages_Total: +4$" --hugepages 4 show meminfo
expect_fail "hugepagesz= names the sizes" "2M or 1G" --hugepagesz 4M show meminfo
expect_ok "scenarios lists large-pages" "^  large-pages +Large pages" scenarios
expect_ok "run --scenario large-pages" "TLB misses, one read per 4 KiB page +16384 +32$" \
	run --scenario large-pages -- 2 64M

# The default demo: exits 0, explains, and makes its point quickly.
start=$(date +%s%N)
expect_ok "demo runs" "Fragmentation" 
end=$(date +%s%N)
printf '%s\n' "$out" | grep -q "buddyinfo" && ok || bad "demo shows buddyinfo"
printf '%s\n' "$out" | grep -q "kmalloc-256" && ok || bad "demo shows kmalloc-256"
printf '%s\n' "$out" | grep -q "FAILS" && ok || bad "demo shows a failed high-order request"
[ $(( (end - start) / 1000000 )) -lt 5000 ] && ok || bad "demo took $(( (end - start) / 1000000 )) ms"

# vmalloc (issue 7): /proc/vmallocinfo, --vmalloc-fault, the scenario.
expect_ok "show vmallocinfo: the idle stack of CPU 1" \
	"^0xffffc90000000000-0xffffc90000005000   20480 fork_idle\\+0x9e/0x150 pages=4 vmalloc N0=4$" \
	--mem 64M show vmallocinfo
expect_ok "show vmallocinfo with one CPU is empty" "^$" --mem 64M --cpus 1 show vmallocinfo
expect_ok "--vmalloc-fault prints the vmalloc_fault line" "^vmalloc_fault 0$" \
	--mem 64M --vmalloc-fault show vmstat
run --mem 64M show vmstat
printf '%s\n' "$out" | grep -q "^vmalloc_fault" && bad "vmalloc_fault is not a Linux line" || ok
expect_ok "scenario vmalloc" "check: true" run --scenario vmalloc

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
