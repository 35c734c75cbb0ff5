/*
 * test_procpid.c - /proc/PID files: their shape against the host's own
 * /proc/self files (Linux 6.18), and their figures for scripted scenarios
 * whose Linux answers are known (checked on the host kernel with the same
 * operations: mmap 16 pages, touch 10, fork, the child writes 3, ...).
 *
 * Shape: the same field names in the same order; kB lines of the same
 * width (the value right-aligned where the host's format puts it); maps
 * lines parse as "start-end perms offset dev inode" with the name at
 * column 73; the [vsyscall] line byte for byte; stat with 52 fields. Host
 * comparisons are skipped (with a note) unless the host runs Linux 6.18.
 *
 * Figures: Rss/Pss/Shared/Private/Referenced of both sides of a fork,
 * status's Vm and Rss lines against statm and smaps_rollup, oom_score's
 * formula, the names maps gives ([heap], [stack], [vdso], /dev/zero).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"
#include "mman.h"
#include "sched.h"

#define PG		4096UL
#define VSYSCALL_LINE	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0" \
			"                  [vsyscall]"

/* The host is our reference only when it runs Linux 6.18. */
static bool host_ref(void)
{
	if (!host_is_reference()) {
		print_message("note: host is not Linux 6.18; host shape checks skipped\n");
		return false;
	}
	return true;
}

/* A maps/smaps header line: starts with hex digits then '-'. */
static bool is_vma_header(const char *line)
{
	size_t n = strspn(line, "0123456789abcdef");

	return n >= 8 && line[n] == '-';
}

/* "Name:" of a "Name: value" line (static buffer), or NULL. */
static const char *field_name(const char *line)
{
	static char name[64];
	const char *colon = strchr(line, ':');
	size_t n = colon ? (size_t)(colon - line) : 0;

	if (!n || n >= sizeof(name) || strcspn(line, " \t") < n)
		return NULL;
	memcpy(name, line, (size_t)(colon - line));
	name[colon - line] = '\0';
	return name;
}

/*
 * A kB line's shape: every run of spaces/tabs-then-digits becomes '#'s of
 * its length, so right-aligned numbers of any value give the same shape.
 */
static void kb_shape(const char *line, char *out, size_t max)
{
	size_t i = 0, o = 0;

	while (line[i] && o + 1 < max) {
		size_t sp = strspn(line + i, " ");
		size_t dg = strspn(line + i + sp, "0123456789");

		if (dg && (sp || (i > 0 && (line[i - 1] == '\t' || line[i - 1] == ' ')))) {
			for (size_t k = 0; k < sp + dg && o + 1 < max; k++)
				out[o++] = '#';
			i += sp + dg;
		} else {
			out[o++] = line[i++];
		}
	}
	out[o] = '\0';
}

/* The block of lines of the VMA starting at start (smaps), malloc'd. */
static char *vma_block(const char *text, unsigned long start)
{
	char head[32];
	const char *p, *end;
	size_t hl = (size_t)snprintf(head, sizeof(head), "%08lx-", start);

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, head, hl))
			break;
	}
	if (!p || !*p)
		return NULL;
	for (end = strchr(p, '\n'); end && end[1] && !is_vma_header(end + 1);)
		end = strchr(end + 1, '\n');
	end = end ? end + 1 : p + strlen(p);
	return strndup(p, (size_t)(end - p));
}

/* The number after "name:" in text (first occurrence at a line start). */
static long field_val(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, name, n) && p[n] == ':')
			return strtol(p + n + 1, NULL, 10);
	}
	fail_msg("no field %s in:\n%s", name, text);
	return -1;
}

static char *pid_file(struct machine *m, int pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "%d/%s", pid, name);
	return test_proc(m, path);
}

static long smaps_field(struct machine *m, int pid, unsigned long start, const char *name)
{
	char *smaps = pid_file(m, pid, "smaps");
	char *block = vma_block(smaps, start);
	long v;

	if (!block)
		fail_msg("no VMA at %lx in %d/smaps:\n%s", start, pid, smaps);
	v = field_val(block, name);
	free(block);
	free(smaps);
	return v;
}

static long status_field(struct machine *m, int pid, const char *name)
{
	char *st = pid_file(m, pid, "status");
	long v = field_val(st, name);

	free(st);
	return v;
}

/* ---- machines and processes ---- */

static int spawn(struct machine *m, const char *comm)
{
	int pid = mmsim_spawn(m, comm);

	assert_true(pid > 0);
	return pid;
}

/* len bytes of private anonymous memory between two PROT_NONE guard pages (no merging). */
static unsigned long map_guarded(struct machine *m, int pid, unsigned long len, int prot,
				 int flags)
{
	int64_t g = mmsim_mmap(m, pid, 0, len + 2 * PG, MMSIM_PROT_NONE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	int64_t a;

	assert_true(g > 0);
	a = mmsim_mmap(m, pid, (uint64_t)g + PG, len, prot, flags | MMSIM_MAP_FIXED, -1, 0);
	assert_int_equal(a, g + (int64_t)PG);
	return (unsigned long)a;
}

static void touch(struct machine *m, int pid, unsigned long addr, unsigned long len, int write)
{
	struct mmsim_fault f;

	assert_int_equal(mmsim_touch(m, pid, addr, len, write, &f), 0);
}

/* ---- lookups and errors ---- */

static void test_pid_lookup(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	const char *const *names = mmsim_proc_pid_files();
	const char *const bad[] = { "1/maps", "0/maps", "01/maps", "x/maps", "1/", "1/nosuch",
				    "self/maps", "99999999999/maps", "-1/maps" };
	int n = 0, pid;
	char *text;

	(void)state;
	for (; names[n]; n++)
		;
	assert_int_equal(n, 11);	/* with numa_maps and oom_adj */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(mmsim_proc_read(m, bad[i], NULL));
		assert_int_equal(errno, ENOENT);
	}
	pid = spawn(m, "demo");
	assert_int_equal(pid, 1);
	for (int i = 0; names[i]; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/%s", pid, names[i]);
		text = mmsim_proc_read(m, path, NULL);
		assert_non_null(text);
		free(text);
	}
	errno = 0;
	assert_null(mmsim_proc_read(m, "2/maps", NULL));
	assert_int_equal(errno, ENOENT);
	assert_null(mmsim_proc_read(m, "1/nosuch", NULL));
	/* self: the task the kernel ran last, the one just spawned. */
	text = test_proc(m, "self/cmdline");
	assert_memory_equal(text, "demo\0", 5);
	free(text);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- shapes against the host ---- */

/* "start-end perms offset dev inode" and the name at column 73 (or none). */
static bool maps_line_ok(const char *line)
{
	unsigned long start, end, ino;
	unsigned long long off;
	unsigned int maj, min;
	char perms[8];
	int p = 0;
	size_t h1 = strspn(line, "0123456789abcdef"), name;

	if (h1 < 8 || line[h1] != '-' || strspn(line + h1 + 1, "0123456789abcdef") < 8)
		return false;
	if (sscanf(line, "%lx-%lx %4s %llx %x:%x %lu%n", &start, &end, perms, &off, &maj, &min,
		   &ino, &p) != 7 || !p || start >= end || strlen(perms) != 4)
		return false;
	if (!strchr("r-", perms[0]) || !strchr("w-", perms[1]) || !strchr("x-", perms[2]) ||
	    !strchr("sp", perms[3]) || line[p] != ' ')
		return false;
	/* "inode " ends a line without a name; else the name starts at column 73. */
	if (line[p + 1] == '\0')
		return true;
	name = (size_t)p + 1 > 73 ? (size_t)p + 1 : 73;
	return strspn(line + p, " ") == name - (size_t)p && line[name] != '\0';
}

static void check_maps_shape(const char *text)
{
	struct lines l = split_lines(text);

	assert_true(l.n >= 2);
	for (int i = 0; i < l.n; i++) {
		if (!maps_line_ok(l.v[i]))
			fail_msg("maps line %d has the wrong shape: '%s'", i, l.v[i]);
	}
	assert_string_equal(l.v[l.n - 1], VSYSCALL_LINE);
	free_lines(&l);
}

/* The field names of the first VMA block of smaps text (THPeligible, VmFlags...). */
static char *smaps_field_list(const char *block)
{
	struct lines l = split_lines(block);
	size_t cap = 4096, len = 0;
	char *out = calloc(1, cap);

	for (int i = 1; i < l.n && !is_vma_header(l.v[i]) && len + 64 < cap; i++) {
		const char *name = field_name(l.v[i]);

		if (name)
			len += (size_t)snprintf(out + len, cap - len, "%s,", name);
	}
	free_lines(&l);
	return out;
}

/* Digits in the number of a "Name: value kB" line. */
static size_t kb_digits(const char *line)
{
	const char *kb = strstr(line, " kB");
	size_t n = 0;

	while (kb && kb > line && isdigit((unsigned char)kb[-1]))
		kb--, n++;
	return n;
}

/*
 * Each kB line has the shape of the host line of the same name (unless the
 * host's number overflows its 8 columns, as a sanitizer's VmPeak does).
 */
static void check_kb_shapes(const char *ours, const char *host)
{
	struct lines a = split_lines(ours), b = split_lines(host);
	char sa[256], sb[256];

	for (int i = 0; i < a.n; i++) {
		const char *name = field_name(a.v[i]);
		size_t nl;

		if (!name || (!strstr(a.v[i], " kB") && strcmp(name, "THPeligible")))
			continue;
		nl = strlen(name);
		for (int j = 0; j < b.n; j++) {
			if (strncmp(b.v[j], a.v[i], nl + 1))
				continue;
			if (kb_digits(b.v[j]) >= 8)
				break;
			kb_shape(a.v[i], sa, sizeof(sa));
			kb_shape(b.v[j], sb, sizeof(sb));
			if (strcmp(sa, sb))
				fail_msg("'%s' is not shaped like the host's '%s'", a.v[i], b.v[j]);
			break;
		}
	}
	free_lines(&a);
	free_lines(&b);
}

static void check_vmflags_line(const char *block)
{
	const char *p = strstr(block, "\nVmFlags: ");

	assert_non_null(p);
	p += strlen("\nVmFlags: ");
	while (*p != '\n') {
		assert_true(islower((unsigned char)p[0]) && islower((unsigned char)p[1]));
		assert_int_equal(p[2], ' ');
		p += 3;
	}
}

static void test_shape_maps_smaps(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	bool ref = host_ref();
	char *host_maps = read_text_file("/proc/self/maps");
	char *host_smaps = read_text_file("/proc/self/smaps");
	char *maps, *smaps, *host_fields, *fields;
	int pid = spawn(m, "demo");
	struct lines l;

	(void)state;
	maps = pid_file(m, pid, "maps");
	smaps = pid_file(m, pid, "smaps");
	check_maps_shape(maps);
	if (ref && host_maps)
		check_maps_shape(host_maps);	/* the checker itself agrees with Linux */

	/* Every smaps block lists the host's fields in the host's order. */
	l = split_lines(smaps);
	host_fields = ref && host_smaps ? smaps_field_list(host_smaps) : NULL;
	for (int i = 0; i < l.n; i++) {
		unsigned long start;
		char *block;

		if (!is_vma_header(l.v[i]))
			continue;
		start = strtoul(l.v[i], NULL, 16);
		block = vma_block(smaps, start);
		assert_non_null(block);
		fields = smaps_field_list(block);
		assert_string_equal(fields, "Size,KernelPageSize,MMUPageSize,Rss,Pss,Pss_Dirty,"
			"Shared_Clean,Shared_Dirty,Private_Clean,Private_Dirty,Referenced,"
			"Anonymous,KSM,LazyFree,AnonHugePages,ShmemPmdMapped,FilePmdMapped,"
			"Shared_Hugetlb,Private_Hugetlb,Swap,SwapPss,Locked,THPeligible,VmFlags,");
		if (host_fields)
			assert_string_equal(fields, host_fields);
		if (ref && host_smaps)
			check_kb_shapes(block, host_smaps);
		check_vmflags_line(block);
		/* The header lines of smaps are the lines of maps. */
		assert_non_null(strstr(maps, strtok(block, "\n")));
		free(fields);
		free(block);
	}
	free_lines(&l);
	free(host_fields);
	free(maps);
	free(smaps);
	free(host_maps);
	free(host_smaps);
	mmsim_shutdown(m);
}

static void test_shape_rollup_status_stat(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	bool ref = host_ref();
	int pid = spawn(m, "demo");
	const char *files[] = { "smaps_rollup", "status" };

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		char host_path[64], *ours = pid_file(m, pid, files[f]), *host;
		struct lines a = split_lines(ours), b;

		snprintf(host_path, sizeof(host_path), "/proc/self/%s", files[f]);
		host = ref ? read_text_file(host_path) : NULL;
		if (!host) {
			free_lines(&a);
			free(ours);
			continue;
		}
		b = split_lines(host);
		/* Same field names in the same order (rollup: after its header). */
		assert_int_equal(a.n, b.n);
		for (int i = 0; i < a.n; i++) {
			char name[64];
			const char *na = field_name(a.v[i]), *nb;

			if (!strcmp(files[f], "smaps_rollup") && i == 0)
				continue;
			assert_non_null(na);
			snprintf(name, sizeof(name), "%s", na);
			nb = field_name(b.v[i]);
			assert_non_null(nb);
			assert_string_equal(name, nb);
		}
		check_kb_shapes(ours, host);
		if (!strcmp(files[f], "smaps_rollup")) {
			assert_true(maps_line_ok(a.v[0]));
			assert_non_null(strstr(a.v[0], " ---p 00000000 00:00 0 "));
			assert_string_equal(a.v[0] + 73, "[rollup]");
			assert_string_equal(b.v[0] + 73, "[rollup]");
		}
		free_lines(&a);
		free_lines(&b);
		free(ours);
		free(host);
	}
	mmsim_shutdown(m);
}

/* Cpus_allowed and Mems_allowed print as the host's do for the same CPU and node count. */
static void test_shape_status_masks(void **state)
{
	char *host = read_text_file("/proc/self/status");
	char cpus_list[64] = "", opts[64];
	struct machine *m;
	char *ours;
	int ncpu = 0, pid;
	const char *p;

	(void)state;
	if (!host_ref() || !host)
		goto out;
	p = strstr(host, "Cpus_allowed_list:\t");
	if (!p || sscanf(p, "Cpus_allowed_list:\t0-%d", &ncpu) != 1 || ncpu < 1 || ncpu > 255 ||
	    strstr(host, "Mems_allowed_list:\t0\n") == NULL) {
		print_message("note: host affinity is not 0-N on node 0; mask check skipped\n");
		goto out;
	}
	ncpu++;
	snprintf(opts, sizeof(opts), "mem=256M cpus=%d", ncpu);
	m = test_boot(opts);
	pid = spawn(m, "demo");
	ours = pid_file(m, pid, "status");
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "\nMems_allowed:" : "\nCpus_allowed:";
		const char *a = strstr(ours, name), *b = strstr(host, name);

		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(strcspn(a + 1, "\n"), strcspn(b + 1, "\n"));
		assert_memory_equal(a, b, strcspn(b + 1, "\n") + 1);
	}
	snprintf(cpus_list, sizeof(cpus_list), "Cpus_allowed_list:\t0-%d\n", ncpu - 1);
	assert_non_null(strstr(ours, cpus_list));
	free(ours);
	mmsim_shutdown(m);
out:
	free(host);
}

static int count_fields(const char *stat)
{
	const char *p = strrchr(stat, ')');
	int n = 2;

	for (p = p + 1; *p && *p != '\n'; p++)
		n += *p == ' ' && p[1] != ' ';
	return n;
}

static void test_shape_stat_statm_cmdline(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int pid = spawn(m, "demo");
	char *stat = pid_file(m, pid, "stat"), *statm = pid_file(m, pid, "statm");
	char *host = host_ref() ? read_text_file("/proc/self/stat") : NULL;
	unsigned long v[7];
	size_t len;
	char *cmd;

	(void)state;
	assert_int_equal(count_fields(stat), 52);
	if (host)
		assert_int_equal(count_fields(host), count_fields(stat));
	assert_int_equal(strncmp(stat, "1 (demo) ", 9), 0);
	assert_int_equal(sscanf(statm, "%lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3],
				&v[4], &v[5], &v[6]), 7);
	assert_int_equal(v[4], 0);
	assert_int_equal(v[6], 0);
	assert_int_equal(statm[strlen(statm) - 1], '\n');
	cmd = mmsim_proc_read(m, "1/cmdline", &len);
	assert_int_equal(len, 5);
	assert_memory_equal(cmd, "demo\0", 5);
	free(cmd);
	free(host);
	free(stat);
	free(statm);
	mmsim_shutdown(m);
}

/* ---- figures ---- */

/*
 * mmap 16 pages, write 10, fork, the child writes 3 of them (Linux 6.18 on
 * the host: both sides Rss 40 Pss 26 Shared_Dirty 28 Private_Dirty 12; the
 * child's copied ptes are old, so its Referenced is only the 3 it wrote).
 */
static void test_fork_cow_figures(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int pid = spawn(m, "demo"), child;
	unsigned long a;
	long anon0;

	(void)state;
	anon0 = status_field(m, pid, "RssAnon");
	a = map_guarded(m, pid, 16 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS);
	touch(m, pid, a, 10 * PG, 1);
	assert_int_equal(smaps_field(m, pid, a, "Size"), 64);
	assert_int_equal(smaps_field(m, pid, a, "Rss"), 40);
	assert_int_equal(smaps_field(m, pid, a, "Pss"), 40);
	assert_int_equal(smaps_field(m, pid, a, "Private_Dirty"), 40);
	assert_int_equal(smaps_field(m, pid, a, "Anonymous"), 40);
	assert_int_equal(status_field(m, pid, "RssAnon") - anon0, 40);
	check_machine(m);

	child = mmsim_fork(m, pid);
	assert_true(child > pid);
	/* Right after fork every page is shared: Pss is half. */
	assert_int_equal(smaps_field(m, child, a, "Rss"), 40);
	assert_int_equal(smaps_field(m, child, a, "Pss"), 20);
	assert_int_equal(smaps_field(m, child, a, "Shared_Dirty"), 40);
	assert_int_equal(smaps_field(m, child, a, "Private_Dirty"), 0);
	assert_int_equal(smaps_field(m, child, a, "Referenced"), 0);
	assert_int_equal(smaps_field(m, pid, a, "Shared_Dirty"), 40);

	touch(m, child, a, 3 * PG, 1);
	check_machine(m);
	for (int side = 0; side < 2; side++) {
		int p = side ? child : pid;

		assert_int_equal(smaps_field(m, p, a, "Rss"), 40);
		assert_int_equal(smaps_field(m, p, a, "Pss"), 26);
		assert_int_equal(smaps_field(m, p, a, "Pss_Dirty"), 26);
		assert_int_equal(smaps_field(m, p, a, "Shared_Clean"), 0);
		assert_int_equal(smaps_field(m, p, a, "Shared_Dirty"), 28);
		assert_int_equal(smaps_field(m, p, a, "Private_Clean"), 0);
		assert_int_equal(smaps_field(m, p, a, "Private_Dirty"), 12);
		assert_int_equal(smaps_field(m, p, a, "Anonymous"), 40);
		assert_int_equal(smaps_field(m, p, a, "Referenced"), side ? 12 : 40);
		assert_int_equal(smaps_field(m, p, a, "Locked"), 0);
	}
	/* COW moves no RSS: the child has what the parent had at fork. */
	assert_int_equal(status_field(m, child, "RssAnon"), status_field(m, pid, "RssAnon"));
	assert_int_equal(status_field(m, child, "VmRSS"), status_field(m, pid, "VmRSS"));
	mmsim_exit(m, child, 0);
	/* The parent's shared pages are its own again. */
	assert_int_equal(smaps_field(m, pid, a, "Pss"), 40);
	assert_int_equal(smaps_field(m, pid, a, "Private_Dirty"), 40);
	check_machine(m);
	mmsim_shutdown(m);
}

/* status, statm and smaps_rollup tell the same story. */
static void check_consistent(struct machine *m, int pid)
{
	char *st = pid_file(m, pid, "status"), *statm = pid_file(m, pid, "statm");
	char *roll = pid_file(m, pid, "smaps_rollup"), *smaps = pid_file(m, pid, "smaps");
	unsigned long size, res, shared, text, lib, data, dt;
	long rss = field_val(st, "VmRSS"), sum_rss = 0, sum_anon = 0;
	struct lines l = split_lines(smaps);

	assert_int_equal(sscanf(statm, "%lu %lu %lu %lu %lu %lu %lu", &size, &res, &shared, &text,
				&lib, &data, &dt), 7);
	assert_int_equal(size * 4, field_val(st, "VmSize"));
	assert_int_equal(res * 4, rss);
	assert_int_equal(shared * 4, field_val(st, "RssFile") + field_val(st, "RssShmem"));
	assert_int_equal(data * 4, field_val(st, "VmData") + field_val(st, "VmStk"));
	assert_int_equal(text * 4, field_val(st, "VmExe"));
	assert_int_equal(rss, field_val(st, "RssAnon") + field_val(st, "RssFile") +
			      field_val(st, "RssShmem"));
	assert_true(field_val(st, "VmHWM") >= rss);
	assert_true(field_val(st, "VmPeak") >= field_val(st, "VmSize"));
	/* Every mapped page is in some VMA's Rss: the rollup is VmRSS. */
	assert_int_equal(field_val(roll, "Rss"), rss);
	assert_int_equal(field_val(roll, "Anonymous"), field_val(st, "RssAnon"));
	assert_true(labs(field_val(roll, "Pss") - field_val(roll, "Pss_Anon") -
			 field_val(roll, "Pss_File") - field_val(roll, "Pss_Shmem")) <= 2);
	for (int i = 0; i < l.n; i++) {
		if (!strncmp(l.v[i], "Rss:", 4))
			sum_rss += strtol(l.v[i] + 4, NULL, 10);
		if (!strncmp(l.v[i], "Anonymous:", 10))
			sum_anon += strtol(l.v[i] + 10, NULL, 10);
	}
	assert_int_equal(sum_rss, rss);
	assert_int_equal(sum_anon, field_val(roll, "Anonymous"));
	free_lines(&l);
	free(st);
	free(statm);
	free(roll);
	free(smaps);
}

static void test_status_statm_rollup_agree(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int pid = spawn(m, "demo"), child;
	unsigned long a, sh;

	(void)state;
	check_consistent(m, pid);
	a = map_guarded(m, pid, 64 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS);
	touch(m, pid, a, 33 * PG, 1);
	sh = (unsigned long)mmsim_mmap(m, pid, 0, 8 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
				       MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS, -1, 0);
	touch(m, pid, sh, 5 * PG, 1);
	check_consistent(m, pid);
	child = mmsim_fork(m, pid);
	touch(m, child, a + 8 * PG, 4 * PG, 1);
	touch(m, child, sh, 2 * PG, 0);
	check_consistent(m, pid);
	check_consistent(m, child);
	/*
	 * Shared anonymous memory: fork copied none of its ptes (no anon_vma),
	 * the child's read fault mapped all 5 cached pages (fault-around), so
	 * each is mapped twice: Pss is half, as the host shows.
	 */
	assert_int_equal(smaps_field(m, child, sh, "Rss"), 20);
	assert_int_equal(smaps_field(m, child, sh, "Pss"), 10);
	assert_int_equal(smaps_field(m, child, sh, "Anonymous"), 0);
	assert_int_equal(smaps_field(m, pid, sh, "Rss"), 20);
	assert_int_equal(smaps_field(m, pid, sh, "Pss"), 10);
	assert_int_equal(smaps_field(m, pid, sh, "Shared_Dirty") +
			 smaps_field(m, pid, sh, "Shared_Clean"), 20);
	assert_int_equal(status_field(m, pid, "RssShmem"), 20);
	assert_int_equal(status_field(m, child, "RssShmem"), 20);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_maps_names(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int pid = spawn(m, "demo");
	int64_t brk0, brk1, sh;
	char *maps, line[256], *p;

	(void)state;
	maps = pid_file(m, pid, "maps");
	assert_null(strstr(maps, "[heap]"));	/* brk == start_brk: no heap yet */
	assert_non_null(strstr(maps, "[stack]\n"));
	assert_non_null(strstr(maps, " [vdso]\n"));
	assert_non_null(strstr(maps, " [vvar]\n"));
	free(maps);

	brk0 = mmsim_brk(m, pid, 0);
	brk1 = mmsim_brk(m, pid, (uint64_t)brk0 + 3 * PG);
	assert_int_equal(brk1, brk0 + 3 * (int64_t)PG);
	sh = mmsim_mmap(m, pid, 0, 4 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS, -1, 0);
	assert_true(sh > 0);
	maps = pid_file(m, pid, "maps");
	snprintf(line, sizeof(line), "%08lx-%08lx rw-p 00000000 00:00 0 ", (unsigned long)brk0,
		 (unsigned long)brk1);
	p = strstr(maps, line);
	assert_non_null(p);
	assert_int_equal(strncmp(p + 73, "[heap]\n", 7), 0);
	snprintf(line, sizeof(line), "%08lx-%08lx rw-s 00000000 ", (unsigned long)sh,
		 (unsigned long)sh + 4 * PG);
	p = strstr(maps, line);
	assert_non_null(p);
	assert_int_equal(strncmp(p + 73, "/dev/zero (deleted)\n", 20), 0);
	free(maps);
	mmsim_shutdown(m);
}

static void test_zero_page_not_counted(void **state)
{
	for (int zp = 0; zp < 2; zp++) {
		struct machine *m = test_boot(zp ? "mem=256M zero_page=1" : "mem=256M zero_page=0");
		int pid = spawn(m, "demo");
		unsigned long a = map_guarded(m, pid, 8 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
					      MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS);

		(void)state;
		touch(m, pid, a, 4 * PG, 0);
		/* Read faults map the shared zero page, which smaps skips (or private pages). */
		assert_int_equal(smaps_field(m, pid, a, "Rss"), zp ? 0 : 16);
		check_consistent(m, pid);
		mmsim_shutdown(m);
	}
}

static void test_locked_and_thp(void **state)
{
	struct machine *m = test_boot("mem=256M thp=madvise");
	int pid = spawn(m, "demo");
	unsigned long a = map_guarded(m, pid, 8 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
				      MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS);
	unsigned long big = map_guarded(m, pid, 4UL << 20, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
					MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS);
	char *smaps, *block;

	(void)state;
	assert_int_equal(mmsim_mlock(m, pid, a, 8 * PG), 0);
	assert_int_equal(smaps_field(m, pid, a, "Rss"), 32);
	assert_int_equal(smaps_field(m, pid, a, "Locked"), 32);
	assert_int_equal(status_field(m, pid, "VmLck"), 32);
	smaps = pid_file(m, pid, "smaps");
	block = vma_block(smaps, a);
	assert_non_null(strstr(block, "VmFlags: rd wr mr mw me lo ac \n"));
	free(block);
	free(smaps);

	/* madvise mode: eligible only with MADV_HUGEPAGE, and only if 2 MiB fits. */
	assert_int_equal(smaps_field(m, pid, big, "THPeligible"), 0);
	assert_int_equal(mmsim_madvise(m, pid, big, 4UL << 20, MADV_HUGEPAGE), 0);
	assert_int_equal(smaps_field(m, pid, big, "THPeligible"), 1);
	assert_int_equal(mmsim_madvise(m, pid, a, 8 * PG, MADV_HUGEPAGE), 0);
	assert_int_equal(smaps_field(m, pid, a, "THPeligible"), 0);
	smaps = pid_file(m, pid, "smaps");
	block = vma_block(smaps, big);
	assert_non_null(strstr(block, "VmFlags: rd wr mr mw me ac hg \n"));
	free(block);
	free(smaps);
	mmsim_shutdown(m);
}

static void test_oom_score(void **state)
{
	struct machine *m = test_boot("mem=256M");
	int pid = spawn(m, "demo");
	struct task_struct *t = find_task_by_pid(m, pid);
	long total = (long)m->totalram_pages, pts, expect;
	char *text;

	(void)state;
	pts = (status_field(m, pid, "VmRSS") + status_field(m, pid, "VmSwap") +
	       status_field(m, pid, "VmPTE")) / 4;
	for (int adj = -1000; adj <= 1000; adj += 500) {
		t->oom_score_adj = (short)adj;
		expect = adj == -1000 ? 0
			 : (1000 + (pts + adj * (total / 1000)) * 1000 / total) * 2 / 3;
		text = pid_file(m, pid, "oom_score");
		assert_int_equal(strtol(text, NULL, 10), expect);
		free(text);
		text = pid_file(m, pid, "oom_score_adj");
		assert_int_equal(strtol(text, NULL, 10), adj);
		free(text);
	}
	/* A small process on an idle machine reads 666, as on Linux. */
	t->oom_score_adj = 0;
	text = pid_file(m, pid, "oom_score");
	assert_string_equal(text, "666\n");
	free(text);
	mmsim_shutdown(m);
}

static void test_stat_fields(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int pid = spawn(m, "demo"), child;
	struct mmsim_task_info info;
	char *stat, *st;
	unsigned long f[53];
	char *p;

	(void)state;
	child = mmsim_fork(m, pid);
	stat = pid_file(m, child, "stat");
	st = pid_file(m, child, "status");
	assert_int_equal(mmsim_task_info(m, child, &info), 0);
	p = strrchr(stat, ')') + 2;
	f[3] = (unsigned long)*p;
	p += 2;
	for (int i = 4; i <= 52; i++)
		f[i] = strtoul(p, &p, 10);
	assert_int_equal(f[4], pid);
	assert_int_equal(f[10], info.min_flt);
	assert_int_equal(f[12], info.maj_flt);
	assert_int_equal(f[20], 1);				/* threads */
	assert_int_equal(f[23], field_val(st, "VmSize") * 1024);	/* vsize, bytes */
	assert_int_equal(f[24] * 4, field_val(st, "VmRSS"));	/* rss, pages */
	assert_int_equal(f[38], 17);				/* SIGCHLD */
	assert_int_equal(f[39], info.cpu);
	assert_true(f[26] < f[27] && f[27] < f[45] && f[28] > f[47]);
	assert_int_equal(strncmp(st, "Name:\tdemo\n", 11), 0);
	assert_int_equal(field_val(st, "PPid"), pid);
	assert_int_equal(field_val(st, "Threads"), 1);
	free(stat);
	free(st);
	mmsim_shutdown(m);
}

/* A CLONE_VM thread: counted in Threads, its faults in the group's stat. */
static void test_threads(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int pid = spawn(m, "demo"), tid;
	struct mmsim_task_info leader, thread;
	unsigned long a;
	char *stat, *p;

	(void)state;
	tid = mmsim_clone_vm(m, pid);
	assert_true(tid > pid);
	a = map_guarded(m, tid, 8 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS);
	touch(m, tid, a, 8 * PG, 1);
	assert_int_equal(mmsim_task_info(m, pid, &leader), 0);
	assert_int_equal(mmsim_task_info(m, tid, &thread), 0);
	assert_true(thread.min_flt >= 8);
	assert_int_equal(status_field(m, pid, "Threads"), 2);
	assert_int_equal(status_field(m, tid, "Threads"), 2);
	assert_int_equal(status_field(m, tid, "Tgid"), pid);
	assert_int_equal(status_field(m, tid, "Pid"), tid);
	/* One mm: the leader's smaps sees the thread's pages. */
	assert_int_equal(smaps_field(m, pid, a, "Rss"), 32);
	stat = pid_file(m, pid, "stat");
	p = strrchr(stat, ')') + 4;
	for (int i = 4; i < 10; i++)
		strtol(p, &p, 10);
	assert_int_equal(strtoul(p, NULL, 10), leader.min_flt + thread.min_flt);
	free(stat);
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pid_lookup),
		cmocka_unit_test(test_shape_maps_smaps),
		cmocka_unit_test(test_shape_rollup_status_stat),
		cmocka_unit_test(test_shape_status_masks),
		cmocka_unit_test(test_shape_stat_statm_cmdline),
		cmocka_unit_test(test_fork_cow_figures),
		cmocka_unit_test(test_status_statm_rollup_agree),
		cmocka_unit_test(test_maps_names),
		cmocka_unit_test(test_zero_page_not_counted),
		cmocka_unit_test(test_locked_and_thp),
		cmocka_unit_test(test_oom_score),
		cmocka_unit_test(test_stat_fields),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
