/*
 * bench_util.h - timing for the benchmarks: a monotonic clock, a "best of N
 * runs" helper, and one output line format:
 *   NAME  <figure> ns/op   anchor NAME2 <figure> ns/op   ratio R
 * Figures are host time and vary with the machine; they are reported, never
 * asserted.
 */
#ifndef MMSIM_BENCH_UTIL_H
#define MMSIM_BENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmsim/mmsim.h"

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

/*
 * Boot a machine from space-separated "key=value" options (mmsim_config_set's
 * names: "mem=1G cpus=2 metadata_only=1"); on failure print why and exit.
 * back_ram: have the host back the simulated RAM first (MADV_POPULATE_WRITE
 * of the memfd), so host first-touch faults, which are not the simulated
 * kernel's work, stay out of the figures.
 */
mmsim_machine *bench_boot(const char *options, bool back_ram);

/* Keep the compiler from dropping a computed value. */
void bench_sink(const void *p);

#endif
