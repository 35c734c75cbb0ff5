/*
 * bench_util.c - see bench_util.h.
 */
#include <stdio.h>
#include <time.h>

#include "bench_util.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void bench_report(const char *what, double ns, const char *anchor, double anchor_ns)
{
	printf("%-44s %9.2f ns/op   anchor %-28s %9.2f ns/op   ratio %.2f\n",
	       what, ns, anchor, anchor_ns, anchor_ns > 0 ? ns / anchor_ns : 0.0);
	fflush(stdout);
}

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);

void *glibc_malloc(size_t size)
{
	return __libc_malloc(size);
}

void glibc_free(void *p)
{
	__libc_free(p);
}

static volatile const void *sink;

void bench_sink(const void *p)
{
	sink = p;
}
