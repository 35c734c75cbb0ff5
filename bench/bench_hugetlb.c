/*
 * bench_hugetlb.c - the cost of a 2 MiB hugetlb fault and the TLB misses
 * a strided pass costs with 4 KiB and with 2 MiB pages.
 *
 * Faults: map 128 MiB MAP_HUGETLB private from a pool of 64 pages, write
 * one byte per 2 MiB (64 faults, each clearing 2 MiB in data mode), unmap;
 * per fault, in data mode and metadata-only mode. Anchor, measured in the
 * same run: the host kernel's own MAP_HUGETLB fault when its pool can be
 * set (root: vm.nr_hugepages is raised for the run and put back), else the
 * host's 512 4 KiB faults over the same 2 MiB.
 *
 * TLB: one read per 4 KiB page over 128 MiB, twice (the second pass finds
 * everything mapped), in mmsim with 4 KiB pages and with 2 MiB hugetlb
 * pages: TLB misses and page walks counted by the simulated MMU (exact,
 * deterministic) and ns per access. Host figures are reported, never
 * asserted.
 *
 * Invariants: each simulated measurement boots its own machine and shuts
 * it down after; a failed simulated call exits with status 1 rather than
 * report a figure. The host's vm.nr_hugepages is written back to the value
 * it had, also when raising it failed (a failed restore is printed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench_util.h"
#include "mm.h"
#include "mmsim/mmsim.h"

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif

#define MAP_BYTES	(128UL << 20)
#define HPAGE		(2UL << 20)
#define PAGE		4096UL
#define NHUGE		(MAP_BYTES / HPAGE)
#define RUNS		7
#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"

static mmsim_machine *boot(bool metadata_only)
{
	mmsim_machine *m = bench_boot(metadata_only ? "mem=1G cpus=2 metadata_only=1" :
				      "mem=1G cpus=2", true);
	char err[256];

	if (mmsim_sysctl_set(m, "vm.nr_hugepages", "64", err, sizeof(err))) {
		fprintf(stderr, "vm.nr_hugepages: %s\n", err);
		exit(1);
	}
	return m;
}

/* One round: map, one write per huge page, unmap. ns per huge-page fault. */
static double sim_fault_round(mmsim_machine *m, int pid)
{
	struct mmsim_fault f;
	uint64_t t0 = bench_now_ns();
	int64_t a = mmsim_mmap(m, pid, 0, MAP_BYTES, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS | MMSIM_MAP_HUGETLB, -1, 0);

	if (a < 0) {
		fprintf(stderr, "mmap MAP_HUGETLB: %lld\n", (long long)a);
		exit(1);
	}
	for (unsigned long i = 0; i < NHUGE; i++)
		if (mmsim_touch(m, pid, (uint64_t)a + i * HPAGE, 1, 1, &f)) {
			fprintf(stderr, "touch failed: signal %d\n", f.signo);
			exit(1);
		}
	mmsim_munmap(m, pid, (uint64_t)a, MAP_BYTES);
	return (double)(bench_now_ns() - t0) / NHUGE;
}

static double sim_fault_best(bool metadata_only)
{
	mmsim_machine *m = boot(metadata_only);
	int pid = mmsim_spawn(m, "hugefault");
	double best = 1e30;

	sim_fault_round(m, pid);
	for (int r = 0; r < RUNS; r++) {
		double ns = sim_fault_round(m, pid);

		if (ns < best)
			best = ns;
	}
	mmsim_shutdown(m);
	return best;
}

/* ---- The host ---- */

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

static bool write_long(const char *path, long v)
{
	char buf[32];
	int fd = open(path, O_WRONLY), len = snprintf(buf, sizeof(buf), "%ld\n", v);
	bool ok = fd >= 0 && write(fd, buf, (size_t)len) == len;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The host's HugePages_Rsvd (reservations some program holds or leaked). */
static long host_rsvd(void)
{
	char line[256];
	long v = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "HugePages_Rsvd:", 15))
			v = strtol(line + 15, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* The host's MAP_HUGETLB fault, or a negative figure when its pool cannot be set. */
static double host_huge_best(void)
{
	long saved = read_long(NR_HUGEPAGES), want = (long)NHUGE + host_rsvd();
	double best = -1;

	if (saved < 0 || !write_long(NR_HUGEPAGES, want) || read_long(NR_HUGEPAGES) != want) {
		if (saved >= 0)
			write_long(NR_HUGEPAGES, saved);
		return -1;
	}
	for (int r = 0; r < RUNS + 1; r++) {
		uint64_t t0 = bench_now_ns();
		char *p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		double ns;

		if (p == MAP_FAILED)
			break;
		for (unsigned long i = 0; i < NHUGE; i++)
			p[i * HPAGE] = 1;
		munmap(p, MAP_BYTES);
		ns = (double)(bench_now_ns() - t0) / NHUGE;
		if (r && (best < 0 || ns < best))
			best = ns;
	}
	if (!write_long(NR_HUGEPAGES, saved))
		fprintf(stderr, "could not restore %s to %ld\n", NR_HUGEPAGES, saved);
	return best;
}

/*
 * The host's 4 KiB faults over 2 MiB (512 of them): per 2 MiB, over 16 MiB
 * (a fault costs tens of microseconds in a VM; more would only be slower).
 */
#define HOST_SMALL_BYTES	(16UL << 20)
static double host_small_best(void)
{
	double best = 1e30;

	for (int r = 0; r < 4; r++) {
		uint64_t t0 = bench_now_ns();
		char *p = mmap(NULL, HOST_SMALL_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double ns;

		madvise(p, HOST_SMALL_BYTES, 15 /* MADV_NOHUGEPAGE */);
		for (unsigned long i = 0; i < HOST_SMALL_BYTES / PAGE; i++)
			p[i * PAGE] = 1;
		munmap(p, HOST_SMALL_BYTES);
		ns = (double)(bench_now_ns() - t0) / (HOST_SMALL_BYTES / HPAGE);
		if (r && ns < best)
			best = ns;
	}
	return best;
}

/* ---- TLB misses of a strided pass ---- */

struct tlb_result {
	uint64_t misses, walks;
	double ns_per_access;
};

static struct tlb_result tlb_pass(bool huge)
{
	mmsim_machine *m = boot(true);
	int pid = mmsim_spawn(m, "stride");
	struct mmsim_mmu_stats s0, s1;
	struct mmsim_fault f;
	struct tlb_result r = { 0 };
	int flags = MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS | (huge ? MMSIM_MAP_HUGETLB : 0);
	int64_t a = mmsim_mmap(m, pid, 0, MAP_BYTES, MMSIM_PROT_READ | MMSIM_PROT_WRITE, flags,
			       -1, 0);
	uint64_t t0;

	if (a < 0 || mmsim_touch(m, pid, (uint64_t)a, MAP_BYTES, 1, &f)) {
		fprintf(stderr, "stride setup failed\n");
		exit(1);
	}
	mmsim_mmu_stats(m, -1, &s0);
	t0 = bench_now_ns();
	mmsim_touch(m, pid, (uint64_t)a, MAP_BYTES, 0, &f);
	r.ns_per_access = (double)(bench_now_ns() - t0) / (MAP_BYTES / PAGE);
	mmsim_mmu_stats(m, -1, &s1);
	r.misses = s1.tlb_misses - s0.tlb_misses;
	r.walks = s1.walks - s0.walks;
	mmsim_shutdown(m);
	return r;
}

int main(void)
{
	double data = sim_fault_best(false), meta = sim_fault_best(true);
	double host_huge = host_huge_best(), host_small = host_small_best();
	struct tlb_result small = tlb_pass(false), huge = tlb_pass(true);

	printf("hugetlb faults: 128 MiB MAP_HUGETLB private, one write per 2 MiB, munmap; per 2 MiB fault\n");
	if (host_huge > 0) {
		bench_report("mmsim data mode (clears 2 MiB)", data, "host MAP_HUGETLB fault", host_huge);
		bench_report("mmsim metadata-only", meta, "host MAP_HUGETLB fault", host_huge);
	} else {
		printf("(the host's hugetlb pool cannot be set here: anchor is its 4 KiB faults)\n");
	}
	bench_report("mmsim data mode (clears 2 MiB)", data, "host 512 4 KiB faults", host_small);
	bench_report("mmsim metadata-only", meta, "host 512 4 KiB faults", host_small);
	printf("strided pass (one read per 4 KiB page over 128 MiB, all mapped), simulated MMU:\n");
	printf("  4 KiB pages:  %8llu TLB misses  %8llu walks  %6.2f ns/access\n",
	       (unsigned long long)small.misses, (unsigned long long)small.walks,
	       small.ns_per_access);
	printf("  2 MiB pages:  %8llu TLB misses  %8llu walks  %6.2f ns/access\n",
	       (unsigned long long)huge.misses, (unsigned long long)huge.walks,
	       huge.ns_per_access);
	bench_report("strided read, 2 MiB pages, per access", huge.ns_per_access,
		     "the same with 4 KiB pages", small.ns_per_access);
	return 0;
}
