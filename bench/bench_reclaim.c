/*
 * bench_reclaim.c - memory-pressure hot paths (issue 5), in host time:
 *
 *  - anonymous pages to swap: MADV_PAGEOUT of 64 MiB of written anonymous
 *    memory on a machine with a swap file (reclaim_pages -> add_to_swap ->
 *    try_to_unmap -> swap_writepage's pwrite -> free), beside the host
 *    writing the same bytes to a file with pwrite;
 *  - clean file pages under pressure: a 128 MiB machine whose page cache
 *    holds a clean 64 MiB file, then 64 MiB of anonymous memory touched, so
 *    kswapd and direct reclaim evict the cache (pgsteal_file per second,
 *    the anonymous faults included), beside the host dropping a cached
 *    file of the same size with posix_fadvise(DONTNEED);
 *  - file read faults with fault-around: a cached 64 MiB file mapped
 *    shared and read one byte per page, beside the host kernel doing the
 *    same on a cached file in the same run.
 *
 * The simulated RAM is backed by the host before timing (as bench_fault
 * does), so the host's first-touch faults stay out of the figures.
 * Figures are reported, never asserted; best of RUNS.
 *
 * Invariants: each simulated measurement boots its own machine and shuts
 * it down after, so no state passes between them; the exit status is 0
 * unless a machine fails to boot.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench_util.h"
#include "mm.h"
#include "mmsim/mmsim.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGE		4096UL
#define BYTES		(64UL << 20)
#define NPAGES		(BYTES / PAGE)
#define RUNS		3

static mmsim_machine *boot(const char *mem, const char *swap)
{
	char options[64];

	snprintf(options, sizeof(options), "mem=%s%s%s", mem, swap ? " swap=" : "", swap ? swap : "");
	return bench_boot(options, true);
}

static long long vmstat(mmsim_machine *m, const char *name)
{
	static struct mmsim_counter c[512];
	size_t n = mmsim_vmstat(m, c, 512);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return c[i].value;
	return -1;
}

/* A file of BYTES on the machine's disk, written and synced (clean, cached). */
static int make_file(mmsim_machine *m, const char *path)
{
	static char block[1 << 20];
	int fd = mmsim_open(m, 0, path, MMSIM_O_CREAT | MMSIM_O_RDWR | MMSIM_O_TRUNC, 0644);

	memset(block, 0x5a, sizeof(block));
	for (unsigned long off = 0; off < BYTES; off += sizeof(block))
		mmsim_pwrite(m, 0, fd, block, sizeof(block), (int64_t)off);
	mmsim_fsync(m, 0, fd);
	return fd;
}

static double anon_pageout_ns(long long *written)
{
	mmsim_machine *m = boot("256M", "256M");
	int pid = mmsim_spawn(m, "bench");
	int64_t a = mmsim_mmap(m, pid, 0, BYTES, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	uint64_t t0, t1;
	long long out0;

	/* non-zero bytes, so the zeromap does not skip the writes */
	for (unsigned long off = 0; off < BYTES; off += PAGE)
		mmsim_write(m, pid, (uint64_t)a + off, "x", 1, NULL);
	out0 = vmstat(m, "pswpout");
	t0 = bench_now_ns();
	mmsim_madvise(m, pid, (uint64_t)a, BYTES, MADV_PAGEOUT);
	t1 = bench_now_ns();
	*written = vmstat(m, "pswpout") - out0;
	mmsim_shutdown(m);
	return *written > 0 ? (double)(t1 - t0) / (double)*written : 0;
}

static double host_pwrite_ns(void)
{
	char path[] = "/tmp/bench_reclaim.XXXXXX";
	int fd = mkstemp(path);
	char *buf = malloc(BYTES);
	uint64_t t0, t1;

	if (fd < 0 || !buf)
		return 0;
	unlink(path);
	memset(buf, 'x', BYTES);
	t0 = bench_now_ns();
	for (unsigned long off = 0; off < BYTES; off += PAGE)
		if (pwrite(fd, buf + off, PAGE, (off_t)off) != (ssize_t)PAGE)
			break;
	t1 = bench_now_ns();
	close(fd);
	free(buf);
	return (double)(t1 - t0) / NPAGES;
}

static double file_evict_ns(long long *stolen)
{
	mmsim_machine *m = boot("128M", NULL);
	int pid = mmsim_spawn(m, "bench");
	int fd = make_file(m, "/data/f");
	int64_t a;
	uint64_t t0, t1;
	long long s0;

	mmsim_close(m, 0, fd);
	a = mmsim_mmap(m, pid, 0, BYTES, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
		       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	s0 = vmstat(m, "pgsteal_file");
	t0 = bench_now_ns();
	mmsim_touch(m, pid, (uint64_t)a, BYTES, 1, NULL);
	t1 = bench_now_ns();
	*stolen = vmstat(m, "pgsteal_file") - s0;
	mmsim_shutdown(m);
	return *stolen > 0 ? (double)(t1 - t0) / (double)*stolen : 0;
}

/* A cached host file of BYTES, open read-only; -1 on failure. */
static int host_cached_file(void)
{
	char path[] = "/tmp/bench_reclaim.XXXXXX";
	int fd = mkstemp(path);
	char *buf = malloc(1 << 20);

	if (fd < 0 || !buf) {
		free(buf);
		return -1;
	}
	unlink(path);
	memset(buf, 0x5a, 1 << 20);
	for (unsigned long off = 0; off < BYTES; off += 1 << 20)
		if (pwrite(fd, buf, 1 << 20, (off_t)off) != 1 << 20)
			break;
	fdatasync(fd);
	free(buf);
	return fd;
}

static double host_dontneed_ns(void)
{
	int fd = host_cached_file();
	char byte;
	uint64_t t0, t1;

	if (fd < 0)
		return 0;
	for (unsigned long off = 0; off < BYTES; off += PAGE)	/* cached again */
		if (pread(fd, &byte, 1, (off_t)off) != 1)
			break;
	t0 = bench_now_ns();
	posix_fadvise(fd, 0, BYTES, POSIX_FADV_DONTNEED);
	t1 = bench_now_ns();
	close(fd);
	return (double)(t1 - t0) / NPAGES;
}

static double file_fault_ns(long long *faults)
{
	mmsim_machine *m = boot("256M", NULL);
	int pid = mmsim_spawn(m, "bench");
	int fd = make_file(m, "/data/f");
	int64_t a = mmsim_mmap_fd(m, pid, 0, BYTES, MMSIM_PROT_READ, MMSIM_MAP_SHARED, 0, fd, 0);
	uint64_t t0, t1;
	long long f0 = vmstat(m, "pgfault");

	t0 = bench_now_ns();
	mmsim_touch(m, pid, (uint64_t)a, BYTES, 0, NULL);
	t1 = bench_now_ns();
	*faults = vmstat(m, "pgfault") - f0;
	mmsim_shutdown(m);
	return (double)(t1 - t0) / NPAGES;
}

static double host_file_fault_ns(long *faults)
{
	int fd = host_cached_file();
	volatile char *p;
	uint64_t t0, t1;
	unsigned long sum = 0;

	*faults = 0;
	if (fd < 0)
		return 0;
	p = mmap(NULL, BYTES, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return 0;
	}
	t0 = bench_now_ns();
	for (unsigned long off = 0; off < BYTES; off += PAGE)
		sum += (unsigned char)p[off];
	t1 = bench_now_ns();
	bench_sink(&sum);
	munmap((void *)p, BYTES);
	close(fd);
	*faults = (long)(NPAGES / 16);	/* fault-around: one fault per 64 KiB */
	return (double)(t1 - t0) / NPAGES;
}

static double best(double a, double b)
{
	return a > 0 && (b <= 0 || a < b) ? a : b;
}

int main(void)
{
	double out = 0, host_out = 0, evict = 0, drop = 0, fault = 0, host_fault = 0;
	long long written = 0, stolen = 0, faults = 0;
	long host_faults = 0;

	for (int r = 0; r < RUNS; r++) {
		out = best(anon_pageout_ns(&written), out);
		host_out = best(host_pwrite_ns(), host_out);
		evict = best(file_evict_ns(&stolen), evict);
		drop = best(host_dontneed_ns(), drop);
		fault = best(file_fault_ns(&faults), fault);
		host_fault = best(host_file_fault_ns(&host_faults), host_fault);
	}
	printf("anon to swap: %lld pages written by MADV_PAGEOUT of 64 MiB (%.2f M pages/s)\n",
	       written, out > 0 ? 1e3 / out : 0);
	bench_report("pageout anon->swap per page", out, "host pwrite 4 KiB to a file", host_out);
	printf("clean file eviction under anon pressure: %lld pages stolen (%.2f M pages/s, "
	       "the anon faults included)\n", stolen, evict > 0 ? 1e3 / evict : 0);
	bench_report("reclaim clean file per page", evict, "host fadvise DONTNEED per page", drop);
	printf("file read faults: %lld faults for %lu pages (fault-around)\n", faults, NPAGES);
	bench_report("file read fault per page", fault, "host mmap read per page", host_fault);
	return 0;
}
