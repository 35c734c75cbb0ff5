/*
 * bench_util.h - timing for the benchmarks: a monotonic clock, a "best of N
 * runs" helper, and one output line format:
 *   NAME  <figure> ns/op   anchor NAME2 <figure> ns/op   ratio R
 * Figures are host time and vary with the machine; they are reported, never
 * asserted.
 */
#ifndef MMSIM_BENCH_UTIL_H
#define MMSIM_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

uint64_t bench_now_ns(void);
/* Print one result line: our figure beside its anchor. */
void bench_report(const char *what, double ns_per_op, const char *anchor, double anchor_ns);
/*
 * glibc's allocator by its own entry points. Linking libmimalloc.so replaces
 * malloc/free for the whole process, so an anchor that says "glibc" must
 * call glibc explicitly.
 */
void *glibc_malloc(size_t size);
void glibc_free(void *p);

/* Keep the compiler from dropping a computed value. */
void bench_sink(const void *p);

#endif
