#!/usr/bin/env bash
# test_procfs.sh - `--procfs DIR` read by the real procps tools.
#
# A script runs a small workload with --procfs; the tree is checked while
# the run goes (the script itself looks at DIR after simulated time passed)
# and after it, and then free, vmstat, slabtop, pmap and ps are run with
# DIR bind-mounted over /proc in a private mount (and PID) namespace, as
# docs/procfs.md shows. Their output must carry mmsim's figures: free's
# total is MemTotal, vmstat's free column is MemFree, slabtop lists a cache
# the script made, pmap lists the script's mapping, ps lists the live
# processes and not the exited one.
#
# Needs root (or unprivileged user namespaces), unshare and procps. When
# they are missing the test FAILS with the reason: the feature is promised
# to work with them, so a silent skip would hide a break.
# Usage: bash tests/cli/test_procfs.sh path/to/mmsim
#
# Invariants: everything it writes is under one mktemp -d directory,
# removed on exit; /proc is covered only inside the private namespace. A
# missing prerequisite exits 1, never 0; otherwise every check runs and
# the script exits 0 only when none failed.
set -u
MMSIM=${1:?usage: test_procfs.sh path/to/mmsim}
passed=0
failed=0
out=""
rc=0

ok() { passed=$((passed + 1)); }
bad() {	# bad "what": report with the last output
	failed=$((failed + 1))
	printf 'FAIL: %s (exit %d)\n%s\n---\n' "$1" "$rc" "$(printf '%s\n' "$out" | head -30)"
}
check() {	# check "what" CONDITION...
	local what=$1
	shift
	if "$@"; then ok; else bad "$what"; fi
}
has() { printf '%s\n' "$out" | grep -qE -- "$1"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/proc

# ---- prerequisites: fail loudly, never skip ----
for tool in unshare mount free vmstat slabtop pmap ps; do
	if ! command -v "$tool" >/dev/null; then
		echo "FAIL: '$tool' is not installed (procps and util-linux are needed: scripts/install-deps.sh)"
		exit 1
	fi
done
unshare_args=(--mount --pid --fork)
[ "$(id -u)" -eq 0 ] || unshare_args=(--map-root-user "${unshare_args[@]}")
private=""
if ! err=$(unshare "${unshare_args[@]}" sh -c "mount --bind '$tmp' /proc" 2>&1); then
	# Inside a chroot "/" is no mount point, so unshare cannot make it
	# private: keep propagation as it is and make only /proc private.
	unshare_args+=(--propagation unchanged)
	private="mount --make-private /proc && "
	if ! err2=$(unshare "${unshare_args[@]}" sh -c "${private}mount --bind '$tmp' /proc" 2>&1); then
		echo "FAIL: cannot make a private mount namespace and bind-mount over /proc here:"
		echo "  unshare --mount --pid --fork sh -c 'mount --bind DIR /proc' said: $err"
		echo "  and with --propagation unchanged: $err2"
		echo "  (run as root, or allow unprivileged user namespaces)"
		exit 1
	fi
fi

# tool ARGS...: run a tool with the tree as /proc, as docs/procfs.md does.
tool() {
	out=$(unshare "${unshare_args[@]}" sh -c "${private}"'mount --bind "$0" /proc && exec "$@"' "$dir" "$@" 2>&1)
	rc=$?
}

# ---- the run ----
cat > "$tmp/work.lua" <<'EOF'
-- pid 1 maps and fills 8 MiB; pid 2 is forked and exits; pid 3 stays.
local dir = arg[1]
local m = mmsim.boot{}
local p = m:spawn("demo")
local a = assert(p:mmap(8 * 1024 * 1024, "rw", "private,anonymous"))
assert(p:touch(a, 8 * 1024 * 1024, "w"))
local c = p:fork()
local kc = m:kmem_cache_create("mmsim_probe", 200)
local objs = {}
for i = 1, 100 do objs[i] = kc:alloc() end
m:tick("1500ms")
-- Live: the tree already shows the child and the mapping.
local function exists(path)
	local f = io.open(dir .. "/" .. path)
	if f then f:close() end
	return f ~= nil
end
assert(exists("2/status"), "pid 2 is in the tree while it lives")
local maps = assert(io.open(dir .. "/1/maps")):read("*a")
local start = string.format("%x", a) .. "%-"
assert(maps:find("^" .. start) or maps:find("\n" .. start), "the mapping is in 1/maps during the run")
c:exit()
m:spawn("worker")
m:tick("1500ms")
assert(not exists("2"), "pid 2's directory went with it")
assert(exists("3/maps"), "pid 3 appeared")
io.write(string.format("%x\n", a))
EOF
out=$("$MMSIM" --mem 256M --procfs "$dir" run "$tmp/work.lua" -- "$dir" 2>&1)
rc=$?
check "the run succeeds (the live checks inside it pass)" [ "$rc" -eq 0 ]
addr=$(printf '%s\n' "$out" | tail -1)

# ---- the tree left behind ----
for f in meminfo vmstat zoneinfo buddyinfo pagetypeinfo slabinfo stat loadavg uptime \
	 cpuinfo sys/vm/min_free_kbytes sys/vm/swappiness sys/kernel/pid_max \
	 1/maps 1/smaps 1/smaps_rollup 1/status 1/statm 1/stat 1/cmdline 3/status; do
	check "the tree has $f" test -f "$dir/$f"
done
check "no directory of the exited pid 2" test ! -e "$dir/2"
check "self is a link to a live pid" test -d "$dir/self/"
check "no temporary file is left" [ -z "$(find "$dir" -name '.*.tmp' -o -name '.*.new')" ]
mem_total=$(awk '/^MemTotal:/ {print $2}' "$dir/meminfo")
mem_free=$(awk '/^MemFree:/ {print $2}' "$dir/meminfo")
check "MemTotal is a 256M machine's" test "${mem_total:-0}" -gt 200000 -a "${mem_total:-0}" -lt 262144

# ---- the tools ----
tool free -k
check "free runs" [ "$rc" -eq 0 ]
check "free's total is mmsim's MemTotal" has "^Mem: +$mem_total +"
check "free's free is mmsim's MemFree" \
	[ "$(printf '%s\n' "$out" | awk '/^Mem:/ {print $4}')" = "$mem_free" ]

tool vmstat
check "vmstat runs" [ "$rc" -eq 0 ]
check "vmstat's free column is MemFree" \
	[ "$(printf '%s\n' "$out" | awk 'NR == 3 {print $4}')" = "$mem_free" ]

tool slabtop -o
check "slabtop runs" [ "$rc" -eq 0 ]
check "slabtop lists the script's cache" has " mmsim_probe *$"
check "slabtop lists the kernel's vm_area_struct" has " vm_area_struct *$"

tool pmap 1
check "pmap runs" [ "$rc" -eq 0 ]
check "pmap names the process" has "^1: +demo$"
check "pmap lists the 8 MiB mapping" has "^0*$addr +8192K rw--- +\[ anon \]$"
tool pmap -x 1
check "pmap -x shows it resident and dirty" has "^0*$addr +8192 +8192 +8192 rw--- +\[ anon \]$"

tool ps -eo pid,ppid,comm
check "ps runs" [ "$rc" -eq 0 ]
check "ps lists pid 1 (demo)" has "^ +1 +0 demo$"
check "ps lists pid 3 (worker)" has "^ +3 +0 worker$"
lacks() { ! has "$1"; }
check "ps does not list the exited pid 2" lacks "^ +2 "

# ---- repl: the tree follows each input, without simulated time passing ----
out=$(printf 'p = m:spawn("demo")\nassert(io.open("%s/1/maps"), "1/maps after the input")\np:exit()\nassert(not io.open("%s/1/maps"), "1/ removed after the exit")\n' \
	"$tmp/rt" "$tmp/rt" | "$MMSIM" --mem 64M repl --procfs "$tmp/rt" 2>&1); rc=$?
check "repl --procfs rewrites the tree after each input" [ "$rc" -eq 0 ]

# ---- refusals ----
echo x > "$tmp/file"
out=$("$MMSIM" --mem 64M --procfs "$tmp/file" show meminfo 2>&1); rc=$?
check "a DIR that is a file is refused" [ "$rc" -ne 0 ]
check "... saying so" has "procfs.*not a directory"
mkdir "$tmp/busy" && echo keep > "$tmp/busy/mine"
out=$("$MMSIM" --mem 64M --procfs "$tmp/busy" show meminfo 2>&1); rc=$?
check "a directory with other files is refused" [ "$rc" -ne 0 ]
check "... and left as it was" [ "$(ls -A "$tmp/busy")" = "mine" ]
out=$("$MMSIM" --mem 64M show --procfs "$tmp/new/deeper" --spawn demo meminfo 2>&1); rc=$?
check "show --procfs creates DIR and writes the tree" test "$rc" -eq 0 -a -f "$tmp/new/deeper/1/maps"
out=$("$MMSIM" --mem 64M show --procfs "$tmp/new/deeper" meminfo 2>&1); rc=$?
check "an earlier tree is reused; gone pids are removed" test "$rc" -eq 0 -a ! -e "$tmp/new/deeper/1"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
