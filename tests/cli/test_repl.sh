#!/usr/bin/env bash
# test_repl.sh - `mmsim repl` fed through a pipe: expressions print their
# values, statements do not, errors print file:line and the session goes
# on, the machine options boot `m`, and the exit status says whether any
# input failed. Usage: bash tests/cli/test_repl.sh path/to/mmsim
#
# Invariants: every check runs even after one fails and prints FAIL with
# the output; the script ends with a summary line and exits 0 only when no
# check failed. It creates no file of its own.
set -u
MMSIM=${1:?usage: test_repl.sh path/to/mmsim}
passed=0
failed=0
out=""
rc=0

repl() {	# repl INPUT ARGS...: feed INPUT to `mmsim ARGS... repl`
	local input=$1
	shift
	out=$(printf '%s' "$input" | HOME=/nonexistent "$MMSIM" "$@" repl 2>&1)
	rc=$?
}

check() {	# check "what" CONDITION...: run the condition
	local what=$1
	shift
	if "$@"; then passed=$((passed + 1)); else
		failed=$((failed + 1))
		printf 'FAIL: %s (exit %d)\n%s\n---\n' "$what" "$rc" "$(printf '%s\n' "$out" | head -30)"
	fi
}

has() { printf '%s\n' "$out" | grep -qE -- "$1"; }
lacks() { ! has "$1"; }
line() { [ "$(printf '%s\n' "$out" | sed -n "${1}p")" = "$2" ]; }

# Expressions, '=' expressions, statements, several values, multi-line chunks.
repl '1 + 1
= 6 * 7, "x"
x = 5
x * 2
for i = 1, 2 do
  print("i" .. i)
end
' --mem 64M
check "exit 0 when nothing failed" [ "$rc" -eq 0 ]
check "bare expression prints" line 1 "2"
check "= expr prints every value" line 2 "42	x"
check "a statement prints nothing; its effect stays" line 3 "10"
check "a multi-line chunk runs" line 4 "i1"
check "... to the end" line 5 "i2"
check "nothing else is printed (no prompts, no banner)" [ "$(printf '%s\n' "$out" | wc -l)" -eq 5 ]

# The machine: m is booted from the command line's options.
repl 'm:proc("meminfo"):match("MemTotal:%s+%d+")
p = m:spawn("demo")
p.pid
p:status().Name
m:proc("loadavg")
' --mem 64M
check "m is booted" has '^MemTotal: +[0-9]+$'
mt=$(printf '%s\n' "$out" | awk '/^MemTotal/ {print $2}')
check "--mem 64M reaches m" [ "${mt:-99999999}" -lt 65536 ]
check "a process can be spawned" line 2 "1"
check "its status reads" line 3 "demo"
check "loadavg counts it" has '^0\.00 0\.00 0\.00 [01]/1 1$'

# Tables print by sorted key.
repl 't = { b = 2, a = { 1 } }
t
' --mem 64M
check "tables print sorted, nested" [ "$out" = "$(printf '{\n  a = {\n    [1] = 1,\n  },\n  b = 2,\n}')" ]

# Errors: printed with stdin:LINE, the session goes on, exit status 1.
repl 'error("boom")
m:no_such_method()
x = = 1
after = "still here"
after
' --mem 64M
check "exit 1 when an input failed" [ "$rc" -eq 1 ]
check "a runtime error names stdin:line" has '^stdin:1: boom$'
check "misuse is an error, not a crash" has "stdin:1: attempt to call method 'no_such_method'"
check "a syntax error is reported" has "^stdin:[0-9]+: .*near"
check "the session goes on after errors" has '^still here$'

# os.exit ends the session with its status; end of input inside a chunk is an error.
repl 'os.exit(3)
print("not reached")
' --mem 64M
check "os.exit(3) ends with status 3" [ "$rc" -eq 3 ]
check "nothing after os.exit runs" lacks "not reached"
repl 'for i = 1, 2 do
' --mem 64M
check "input ending inside a chunk fails" [ "$rc" -eq 1 ]
check "... and says so" has "stdin:.*<eof>"

# Bad machine options are refused before the session.
repl '1
' --mem 4X
check "bad --mem: exit 2" [ "$rc" -eq 2 ]
repl '1
' --nodes 64 --mem 64M
check "an unbootable machine: exit 1 with the reason" [ "$rc" -eq 1 ]
check "... naming it" has "cannot boot.*--nodes 64"
out=$("$MMSIM" repl --frob 2>&1 </dev/null); rc=$?
check "an unknown word after repl: exit 2" [ "$rc" -eq 2 ]

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
