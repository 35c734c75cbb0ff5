#!/usr/bin/env bash
# test_rmap_scenarios.sh - the rmap scenarios (issue 4) run small and show
# the shape the issue expects, read from their tables: fork-storm's three
# variants and pte-chain-overhead. Usage: bash test_rmap_scenarios.sh mmsim
#
# The figures are work counts, so they are exact for a given K: the checks
# use the bounds the designs promise (anon_vma ~K/2 VMAs per page,
# anon_vma_chain 1, pte_chain 1 pte and no VMA, scan reading ~half of all
# page tables; nr_anon_vma bounded in a fork chain; pte_chain's 32 bytes
# per mapping at two sharers falling towards 64/7).
#
# Invariants: every check runs even after one fails and prints FAIL with
# the output; the script ends with a summary line and exits 0 only when no
# check failed. It creates no file of its own.
set -u
MMSIM=${1:?usage: test_rmap_scenarios.sh path/to/mmsim}
K=50
passed=0
failed=0
out=""
rc=0

run() {
	out=$("$MMSIM" "$@" 2>&1)
	rc=$?
}

check() {	# check "what" CONDITION...: the condition (a test expression) holds
	local what=$1
	shift
	if [ "$rc" -eq 0 ] && "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		printf 'FAIL: %s (exit %d)\n%s\n---\n' "$what" "$rc" "$(printf '%s\n' "$out" | head -40)"
	fi
}

# field N of the table row of design D (the first row starting with it)
col() {
	printf '%s\n' "$out" | awk -v d="$1" -v n="$2" '$1 == d && $2 ~ /^[0-9.]+$/ { print $n; exit }'
}

# awk as a calculator for comparisons of decimals: ok "expr"
ok() {
	awk "BEGIN { exit !($1) }"
}

run run --scenario fork-storm -- $K
check "fork-storm runs" true
check "fork-storm says reclaim is not built" grep -q "Reclaim is not built" <<<"$out"
check "anon_vma visits ~K/2 VMAs per page" ok "$(col anon_vma 2) > $K / 4 && $(col anon_vma 2) <= $K + 1"
check "anon_vma_chain visits 1 VMA per page" ok "$(col anon_vma_chain 2) == 1 && $(col anon_vma_chain 3) == 1"
check "pte_chain checks 1 pte, no VMA" ok "$(col pte_chain 2) == 0 && $(col pte_chain 3) == 1"
check "pte_chain keeps blocks at the peak" ok "$(col pte_chain 6) >= 2 * ($K + 1) / 7"
check "scan reads ~half of all page tables" ok "$(col scan 4) > $K / 4 && $(col scan 6) == 0"
check "anon_vma_chain makes objects per fork" ok "$(col anon_vma_chain 9) > 0 && $(col anon_vma 9) == 0"
check "simulated walk time follows the work" ok "$(col scan 5) > $(col anon_vma 5) && $(col anon_vma 5) > $(col anon_vma_chain 5) && $(col pte_chain 5) > 0"

run run --scenario fork-storm -- $K exec
check "fork-storm exec runs" true
check "exec: anon_vma_chain's fork objects" ok "$(col anon_vma_chain 2) > 0 && $(col scan 2) == 0"
check "exec: walks are short" ok "$(col anon_vma 4) == 1 && $(col anon_vma_chain 4) == 1 && $(col pte_chain 5) == 1"

run run --scenario fork-storm -- $K chain
check "fork-storm chain runs" true
# anon_vma_chain rows: generation 10 and generation K show the same nr_anon_vma
gen10=$(printf '%s\n' "$out" | awk '$1 == "anon_vma_chain" && $2 == 10 { print $3; exit }')
genK=$(printf '%s\n' "$out" | awk -v k=$K 'f && $1 == k { print $2; exit } $1 == "anon_vma_chain" { f = 1 }')
check "chain: nr_anon_vma bounded" ok "$gen10 > 0 && $gen10 == $genK"
check "chain: ancestors alive grow it" grep -qE "nothing is reused: $((2 * (K + 1))) anon_vmas" <<<"$out"

run run --scenario pte-chain-overhead -- 64 16
check "pte-chain-overhead runs" true
row() { printf '%s\n' "$out" | awk -v p="$1" -v n="$2" '$1 == p && NF == 7 { print $n; exit }'; }
check "one process: only the reserve block" ok "$(row 1 3) == 1"
check "two sharers: 32 bytes per mapping" ok "$(row 2 5) == 32"
check "sixteen: towards 64/7" ok "$(row 16 5) < 16 && $(row 16 5) > 64 / 7"

run run --scenario fork-storm -- 1
bad_rc=$rc
rc=0
check "fork-storm refuses a bad K with a usage line" test "$bad_rc" -eq 2 -a \
	"$(printf '%s\n' "$out" | wc -l)" -le 2

run run --scenario pte-chain-overhead -- 0
bad_rc=$rc
rc=0
check "pte-chain-overhead refuses a bad PAGES" test "$bad_rc" -eq 2

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
