/*
 * bench_boot.c - bench_boot() of bench_util.h: one way for every benchmark
 * to boot its machine. Apart from bench_util.c because it reads the
 * machine's internals (mm.h), whose timer_delete clashes with <time.h>.
 *
 * Invariants: bench_boot returns a booted machine or exits with status 1
 * after printing the bad option or the boot error on stderr; a failed
 * MADV_POPULATE_WRITE of the simulated RAM is reported, not fatal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench_util.h"
#include "mm.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

mmsim_machine *bench_boot(const char *options, bool back_ram)
{
	mmsim_config *cfg = mmsim_config_new();
	char err[256], opt[128];
	mmsim_machine *m;

	for (const char *p = options; *p;) {
		size_t n = strcspn(p, " ");
		char *eq;

		if (n && n < sizeof(opt)) {
			memcpy(opt, p, n);
			opt[n] = 0;
			eq = strchr(opt, '=');
			if (!eq || (*eq = 0, mmsim_config_set(cfg, opt, eq + 1, err, sizeof(err)))) {
				fprintf(stderr, "bench: option %s: %s\n", opt, eq ? err : "not key=value");
				exit(1);
			}
		}
		p += n + (p[n] == ' ');
	}
	m = mmsim_boot(cfg, err, sizeof(err));
	mmsim_config_free(cfg);
	if (!m) {
		fprintf(stderr, "bench: boot %s: %s\n", options, err);
		exit(1);
	}
	if (back_ram && madvise(m->phys_base, m->phys_bytes, MADV_POPULATE_WRITE))
		perror("madvise(MADV_POPULATE_WRITE) of the simulated RAM");
	return m;
}
