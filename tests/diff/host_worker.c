/*
 * host_worker.c - a process that performs a differential test's operations
 * on the host's real kernel, one command at a time (host_proto.h).
 *
 * difftest starts it with THP disabled for the process (PR_SET_THP_DISABLE)
 * and without address-space randomisation (ADDR_NO_RANDOMIZE), exec'd
 * fresh so its address space is a new program's: no heap yet, a stack as
 * exec leaves it. It is built without sanitizers and never calls malloc.
 *
 * Invariant - nothing but the operation faults inside a measured window:
 * every page the worker itself uses (its program, libraries, static
 * buffers, the top of its stack) is touched in warm_up() before the first
 * command and again in both processes after a fork (fork write-protects
 * the private pages and leaves file pages to fault again in the child).
 * Each operation is bracketed by getrusage(); the difference is the
 * operation's faults. Everything the worker reads or writes while it waits
 * is static and already touched, so figures the driver reads from
 * /proc/PID between commands see only the sequence's mappings change.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "host_proto.h"

#define MAX_OWN 256
#define MAX_MASK_WORDS 640	/* 40960 bits: past the 32768 a mask may have */

struct range {
	uint64_t start, end;
	char perm_r, perm_w;
};

static struct range own[MAX_OWN];	/* the worker's own VMAs at start */
static int nown;
static uint64_t stack_end;		/* end of the [stack] VMA */
static int cmd_fd[DT_MAXPROC], res_fd[DT_MAXPROC];
static int self;			/* this process's index */
static char maps_buf[256 * 1024];
static struct w_cmd cmd;
static struct w_reply reply;
static uint64_t total_min, total_maj;
static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_signo, fault_code;
static volatile uint64_t fault_addr;
static char altstack[64 * 1024] __attribute__((aligned(4096)));

/* ---- Small helpers (no stdio: it would allocate) ---- */

static uint64_t parse_hex(const char **s)
{
	uint64_t v = 0;

	for (;; (*s)++) {
		char c = **s;

		if (c >= '0' && c <= '9')
			v = v * 16 + (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint64_t)(c - 'a' + 10);
		else
			return v;
	}
}

static void die(const char *msg)
{
	ssize_t r = write(2, msg, strlen(msg));

	(void)r;
	_exit(111);
}

static void write_all(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		die("difftest_worker: reply write failed\n");
}

static int read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, (char *)buf + got, len - got);

		if (r == 0)
			return -1;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/* ---- Warm-up: touch every page the worker uses ---- */

static void touch_write(volatile unsigned char *p)
{
	/* A locked RMW is one write access and leaves the byte as it was. */
	__asm__ __volatile__("lock orb $0, %0" : "+m"(*p) : : "memory");
}

/* The worker's VMAs now, before any command: what warm_up() may touch. */
static void snapshot_own(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t len = 0;
	const char *s;

	if (fd < 0)
		die("difftest_worker: no /proc/self/maps\n");
	for (;;) {
		ssize_t r = read(fd, maps_buf + len, sizeof(maps_buf) - 1 - len);

		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	maps_buf[len] = '\0';
	for (s = maps_buf; *s && nown < MAX_OWN;) {
		struct range r;
		const char *eol = strchr(s, '\n');

		r.start = parse_hex(&s);
		s++;
		r.end = parse_hex(&s);
		s++;
		r.perm_r = s[0] == 'r';
		r.perm_w = s[1] == 'w';
		if (eol && (memmem(s, (size_t)(eol - s), "[stack]", 7)))
			stack_end = r.end;
		else if (!eol || !memmem(s, (size_t)(eol - s), "[vvar", 5))
			own[nown++] = r;
		s = eol ? eol + 1 : s + strlen(s);
	}
}

static void __attribute__((noinline)) warm_up(void)
{
	volatile unsigned char probe;
	uint64_t sp = (uint64_t)&probe & ~(DT_PAGE - 1);

	for (int i = 0; i < nown; i++) {
		for (uint64_t a = own[i].start; a < own[i].end; a += DT_PAGE) {
			if (own[i].perm_w)
				touch_write((volatile unsigned char *)a);
			else if (own[i].perm_r)
				(void)*(volatile unsigned char *)a;
		}
	}
	/* The stack in use and 32 KiB below it (deeper than any call here). */
	for (uint64_t a = sp - 8 * DT_PAGE; a < stack_end; a += DT_PAGE)
		touch_write((volatile unsigned char *)a);
}

/* ---- Measured operations ---- */

static void on_fault(int signo, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_signo = signo;
	fault_code = si->si_code;
	fault_addr = (uint64_t)si->si_addr;
	siglongjmp(fault_jmp, 1);
}

static long sys_ret(long r)
{
	return r == -1 ? -errno : r;
}

/* One access per page; -EFAULT with the signal in reply on a fault. */
static int64_t do_access(enum dt_access kind, uint64_t addr, uint64_t len, uint64_t seed)
{
	volatile uint64_t i = 0;
	int64_t bad = 0;

	fault_signo = 0;
	if (sigsetjmp(fault_jmp, 1)) {
		reply.signo = fault_signo;
		reply.code = fault_code;
		reply.fault_addr = fault_addr;
		return -EFAULT;
	}
	for (i = 0; i * DT_PAGE < len; i++) {
		uint64_t a = addr + i * DT_PAGE;

		switch (kind) {
		case DT_TOUCH_READ:
			(void)*(volatile unsigned char *)a;
			break;
		case DT_TOUCH_WRITE:
			touch_write((volatile unsigned char *)a);
			break;
		case DT_FILL:
			*(volatile uint64_t *)a = dt_pattern(seed, i);
			break;
		case DT_CHECK:
			bad += *(volatile uint64_t *)a != dt_pattern(seed, i);
			break;
		}
	}
	return bad;
}

/* NUMA node masks: a static buffer (no malloc), touched by warm_up's static pages. */
static unsigned long mask_buf[MAX_MASK_WORDS];

static unsigned long *node_mask(uint64_t w0, int hibit, uint64_t maxnode)
{
	if (!maxnode)
		return NULL;
	memset(mask_buf, 0, sizeof(mask_buf));
	mask_buf[0] = w0;
	if (hibit >= 0 && hibit < MAX_MASK_WORDS * 64)
		mask_buf[hibit / 64] |= 1UL << (hibit % 64);
	return mask_buf;
}

static int64_t do_get_mempolicy(uint64_t addr, uint64_t flags, uint64_t maxnode)
{
	int mode = -1;
	int64_t ret;

	memset(mask_buf, 0, sizeof(mask_buf));
	ret = sys_ret(syscall(SYS_get_mempolicy, &mode, maxnode ? mask_buf : NULL, maxnode, addr,
			      flags));
	reply.signo = mode;
	memcpy(reply.vec, mask_buf, sizeof(reply.vec));
	return ret;
}

/* ---- File mappings (filetests): static buffers only, no malloc ---- */

static int file_fd[DT_MAXFILE] = { -1, -1, -1, -1 };
static char file_path[4096];
static unsigned char file_page[DT_PAGE];

/* $DIFFTEST_FILEDIR/dtfS into file_path; false if no directory was given. */
static int make_path(uint64_t slot)
{
	const char *dir = getenv("DIFFTEST_FILEDIR");
	size_t n = dir ? strlen(dir) : 0;

	if (!dir || n + 8 > sizeof(file_path) || slot >= DT_MAXFILE)
		return 0;
	memcpy(file_path, dir, n);
	memcpy(file_path + n, "/dtf", 4);
	file_path[n + 4] = (char)('0' + slot);
	file_path[n + 5] = '\0';
	return 1;
}

static int64_t do_file_create(uint64_t slot, uint64_t npages, uint64_t base)
{
	int fd;

	if (!make_path(slot))
		return -EINVAL;
	fd = open(file_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t word = dt_pattern(base, i);

		memset(file_page, 0, sizeof(file_page));
		memcpy(file_page, &word, sizeof(word));
		if (write(fd, file_page, sizeof(file_page)) != (ssize_t)sizeof(file_page)) {
			close(fd);
			return -EIO;
		}
	}
	if (fsync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)) {
		close(fd);
		return -EIO;
	}
	file_fd[slot] = fd;
	return 0;
}

static int64_t do_file_check(uint64_t slot, uint64_t pgoff, uint64_t npages, uint64_t base)
{
	int64_t bad = 0;

	for (uint64_t i = 0; i < npages; i++) {
		uint64_t word = 0;

		if (pread(file_fd[slot], &word, sizeof(word), (off_t)((pgoff + i) * DT_PAGE)) < 0)
			return -errno;
		bad += word != dt_pattern(base, i);
	}
	return bad;
}

static int64_t execute_file(const struct w_cmd *c)
{
	const uint64_t *a = c->a;
	int ret;

	switch (c->op) {
	case W_FILE_CREATE:
		return do_file_create(a[0], a[1], a[2]);
	case W_FILE_MMAP:
		return sys_ret(syscall(SYS_mmap, a[0], a[1], a[2], a[3],
				       (long)file_fd[a[4] & (DT_PAGE - 1)], a[4] & ~(DT_PAGE - 1)));
	case W_FILE_TRUNCATE:
		return sys_ret(ftruncate(file_fd[a[0]], (off_t)a[1]));
	case W_FILE_FADVISE:
		ret = posix_fadvise(file_fd[a[0]], (off_t)a[1], (off_t)a[2], (int)a[3]);
		return -ret;
	case W_FILE_CHECK:
		return do_file_check(a[0], a[1], a[2], a[3]);
	case W_FILE_CLOSE:
		ret = close(file_fd[a[0]]);
		file_fd[a[0]] = -1;
		return sys_ret(ret);
	}
	return -ENOSYS;
}

static int64_t execute(const struct w_cmd *c)
{
	const uint64_t *a = c->a;

	if (c->op >= W_FILE_CREATE && c->op <= W_FILE_CLOSE)
		return execute_file(c);
	switch (c->op) {
	case W_MMAP:
		return sys_ret(syscall(SYS_mmap, a[0], a[1], a[2], a[3], -1L, a[4]));
	case W_MUNMAP:
		return sys_ret(syscall(SYS_munmap, a[0], a[1]));
	case W_MPROTECT:
		return sys_ret(syscall(SYS_mprotect, a[0], a[1], a[2]));
	case W_MREMAP:
		return sys_ret(syscall(SYS_mremap, a[0], a[1], a[2], a[3], a[4]));
	case W_BRK:
		return sys_ret(syscall(SYS_brk, a[0]));
	case W_MADVISE:
		return sys_ret(syscall(SYS_madvise, a[0], a[1], a[2]));
	case W_MLOCK:
		return sys_ret(syscall(SYS_mlock, a[0], a[1]));
	case W_MLOCK2:
		return sys_ret(syscall(SYS_mlock2, a[0], a[1], a[2]));
	case W_MUNLOCK:
		return sys_ret(syscall(SYS_munlock, a[0], a[1]));
	case W_MLOCKALL:
		return sys_ret(syscall(SYS_mlockall, a[0]));
	case W_MUNLOCKALL:
		return sys_ret(syscall(SYS_munlockall));
	case W_MINCORE:
		return sys_ret(syscall(SYS_mincore, a[0], a[1], reply.vec));
	case W_ACCESS:
		return do_access((enum dt_access)a[0], a[1], a[2], a[3]);
	/* NUMA */
	case W_SET_MEMPOLICY:
		return sys_ret(syscall(SYS_set_mempolicy, a[0], node_mask(a[1], (int)a[2], a[3]),
				       a[3]));
	case W_GET_MEMPOLICY:
		return do_get_mempolicy(a[0], a[1], a[2]);
	case W_MBIND:
		return sys_ret(syscall(SYS_mbind, a[0], a[1], a[2] & 0xffffffff,
				       node_mask(a[3], (int)(a[4] & 0xffff) - 1, a[4] >> 16),
				       a[4] >> 16, a[2] >> 32));
	case W_HOME_NODE:
		return sys_ret(syscall(450 /* set_mempolicy_home_node */, a[0], a[1], a[2], a[3]));
	}
	return -ENOSYS;
}

/* Run one command inside a getrusage() window. */
static void measured(const struct w_cmd *c)
{
	struct rusage before, after;

	getrusage(RUSAGE_SELF, &before);
	reply.ret = execute(c);
	getrusage(RUSAGE_SELF, &after);
	total_min += (uint64_t)(after.ru_minflt - before.ru_minflt);
	total_maj += (uint64_t)(after.ru_majflt - before.ru_majflt);
}

static void send_reply(int op, int64_t ret)
{
	reply.op = op;
	reply.pid = getpid();
	reply.ret = ret;
	reply.minflt = total_min;
	reply.majflt = total_maj;
	write_all(res_fd[self], &reply, sizeof(reply));
}

static void do_fork(int child)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* No PDEATHSIG here: a sequence may let the parent exit first.
		 * If the driver dies, the command pipe reads EOF instead. */
		self = child;
		total_min = total_maj = 0;
		warm_up();
		send_reply(W_READY, 0);
		return;
	}
	warm_up();
	send_reply(W_FORK, pid < 0 ? -errno : pid);
}

static void serve(void)
{
	for (;;) {
		if (read_all(cmd_fd[self], &cmd, sizeof(cmd)))
			_exit(0);
		memset(&reply, 0, sizeof(reply));
		if (cmd.op == W_EXIT)
			_exit(0);
		if (cmd.op == W_FORK) {
			do_fork((int)cmd.a[0]);
			continue;
		}
		measured(&cmd);
		send_reply(cmd.op, reply.ret);
	}
}

static void setup_signals(void)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaltstack(&ss, NULL) || sigaction(SIGSEGV, &sa, NULL) ||
	    sigaction(SIGBUS, &sa, NULL))
		die("difftest_worker: signal setup failed\n");
	/* Children are reaped by the kernel: an exited worker just goes. */
	signal(SIGCHLD, SIG_IGN);
}

/* difftest_worker CMDFD0 RESFD0 CMDFD1 RESFD1 ... (DT_MAXPROC pairs) */
int main(int argc, char **argv)
{
	if (argc != 1 + 2 * DT_MAXPROC)
		die("usage: difftest_worker CMDFD RESFD ... (started by difftest)\n");
	for (int i = 0; i < DT_MAXPROC; i++) {
		cmd_fd[i] = atoi(argv[1 + 2 * i]);
		res_fd[i] = atoi(argv[2 + 2 * i]);
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* the driver died: go too */
	setup_signals();
	snapshot_own();
	warm_up();
	send_reply(W_READY, 0);
	serve();
	return 0;
}
