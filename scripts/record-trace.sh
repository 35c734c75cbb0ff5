#!/usr/bin/env bash
# record-trace.sh - record a Valgrind lackey memory trace for mmsim replay.
#
#   scripts/record-trace.sh OUT.lackey.gz PROGRAM [ARGS...]
#   scripts/record-trace.sh OUT.lackey.gz --c SOURCE.c [ARGS...]
#
# The first form traces PROGRAM as it is; the second builds SOURCE.c first
# (gcc -O2 -static, so the trace holds the program and libc's start-up
# rather than the dynamic linker's). The trace is lackey's own format
# (valgrind --tool=lackey --trace-mem=yes), valgrind's log written to a file
# so that the program's output stays apart, then gzip -9'd. Replay it with
#   mmsim replay OUT.lackey.gz
# Needs valgrind (Debian: apt-get install valgrind) and gcc for --c.
set -euo pipefail

usage() {
	sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

[ $# -ge 2 ] || usage
out=$(realpath -m "$1")
shift
command -v valgrind >/dev/null || { echo "record-trace: valgrind is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$1" = "--c" ]; then
	[ $# -ge 2 ] || usage
	src=$2
	shift 2
	name=$(basename "${src%.c}")
	gcc -O2 -static -o "$tmp/$name" "$src"
	set -- "./$name" "$@"
	cd "$tmp"		# so the trace's Command: line reads ./NAME
fi

# --log-file keeps valgrind's output (the trace) apart from the program's.
valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/trace" "$@" >"$tmp/stdout"
gzip -9 -n -c "$tmp/trace" >"$out"
lines=$(gzip -dc "$out" | grep -c '^[I ]' || true)
printf 'record-trace: %s: %s accesses, %s bytes; the program said:\n' "$out" "$lines" \
	"$(wc -c <"$out")"
sed 's/^/  /' "$tmp/stdout"
