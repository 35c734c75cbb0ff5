/*
 * sort.c - the program behind traces/sort.lackey.gz: a small, deterministic
 * workload with the shape of a real one. It builds a table of 1000
 * 64-byte records on the heap (16 pages), fills their keys from a fixed
 * linear congruential sequence, sorts them with glibc's qsort (which takes
 * a temporary buffer from malloc), checks the order and prints a checksum.
 * No input, no time, no randomness: the same accesses on every run.
 *
 * Built static (scripts/record-trace.sh) so that the trace is the program
 * and glibc's start-up, not the dynamic linker's relocation work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N	1000

struct rec {
	unsigned int key;
	unsigned int seq;
	char name[56];
};

static int by_key(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

int main(void)
{
	struct rec *t = malloc(N * sizeof(*t));
	unsigned int x = 12345, sum = 0;

	if (!t)
		return 1;
	for (int i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		t[i].key = x >> 8;
		t[i].seq = (unsigned int)i;
		memset(t[i].name, 'a' + i % 26, sizeof(t[i].name));
	}
	qsort(t, N, sizeof(*t), by_key);
	for (int i = 1; i < N; i++)
		if (t[i - 1].key > t[i].key)
			return 2;
	for (int i = 0; i < N; i++)
		sum = sum * 31 + t[i].seq;
	printf("sorted %d records, checksum %08x\n", N, sum);
	free(t);
	return 0;
}
