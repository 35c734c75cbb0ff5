/*
 * percpu.h - per-CPU memory (mm/percpu.c), in simulated frames.
 *
 * A chunk is nr_cpus units of pcpu_unit_size bytes laid out back to back;
 * an allocation is one offset inside a unit, valid in every unit. The
 * pointer handed out is CPU 0's copy, so per_cpu_ptr(p, cpu) is
 * p + cpu * unit_size, as the kernel's __per_cpu_offset arithmetic. The
 * first chunk comes from memblock at boot; later chunks from the page
 * allocator. meminfo's Percpu is the bytes of all chunks.
 *
 * Invariant: objects never straddle a unit; every chunk has the same unit
 * size; freed space is reused first-fit.
 */
#ifndef MMSIM_PERCPU_H
#define MMSIM_PERCPU_H

#include "compiler.h"

struct machine;

#define PCPU_MIN_ALLOC	16
#define PCPU_MAX_CHUNKS	64

struct pcpu_chunk {
	char *base;		/* CPU 0's unit; host address in the direct map */
	unsigned long *map;	/* one bit per PCPU_MIN_ALLOC granule: used */
	unsigned long *bound;	/* one bit per granule: an allocation starts here */
	unsigned int nr_granules;
	unsigned int free_granules;
	unsigned int order;	/* page order when from the buddy allocator, -1 if memblock */
	bool from_memblock;
};

struct pcpu_state {
	size_t unit_size;	/* bytes per CPU per chunk, page multiple */
	int nr_chunks;
	struct pcpu_chunk chunks[PCPU_MAX_CHUNKS];
	unsigned long nr_pages;	/* all chunks, all CPUs: meminfo Percpu */
};

/* Boot: reserve the first chunk from memblock (static_size + dynamic reserve). */
int pcpu_setup_first_chunk(struct machine *m, size_t static_size);
/* Zeroed per-CPU object, or NULL (outcome: out of memory). */
void *__alloc_percpu(struct machine *m, size_t size, size_t align);
void free_percpu(struct machine *m, void *p);
void pcpu_teardown(struct machine *m);

#endif
