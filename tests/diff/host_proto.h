/*
 * host_proto.h - the pipe protocol between the host backend (backend_host.c,
 * inside difftest) and its worker processes (host_worker.c).
 *
 * Each simulated process of a sequence is a real worker process. Worker i
 * reads fixed-size commands from its command pipe and answers each with one
 * fixed-size reply (smaller than PIPE_BUF, so writes are atomic). All
 * workers inherit every pipe, so a forked worker simply switches to the
 * pair of the index it is given.
 *
 * Invariant: a worker touches no memory of its own inside a measured window
 * that it has not touched before (see host_worker.c), so the fault counts
 * in a reply are the operation's alone.
 */
#ifndef MMSIM_DIFF_HOST_PROTO_H
#define MMSIM_DIFF_HOST_PROTO_H

#include <stdint.h>

#include "ops.h"

enum w_op {
	W_READY = 1,		/* (reply only) a worker is ready: pid */
	W_MMAP,			/* addr, len, prot, flags, off */
	W_MUNMAP,		/* addr, len */
	W_MPROTECT,		/* addr, len, prot */
	W_MREMAP,		/* addr, old_len, new_len, flags, new_addr */
	W_BRK,			/* addr */
	W_MADVISE,		/* addr, len, advice */
	W_MLOCK,		/* addr, len */
	W_MLOCK2,		/* addr, len, flags */
	W_MUNLOCK,		/* addr, len */
	W_MLOCKALL,		/* flags */
	W_MUNLOCKALL,
	W_MINCORE,		/* addr, len: vec in the reply */
	W_ACCESS,		/* kind, addr, len, seed */
	W_FORK,			/* child index: parent replies the child's pid,
				   the child sends W_READY on its own pipe */
	W_EXIT,			/* no reply */
	/* NUMA: masks as w0 + hibit (-1 none) + maxnode (0: NULL mask) */
	W_SET_MEMPOLICY,	/* mode, w0, hibit, maxnode */
	W_GET_MEMPOLICY,	/* addr, flags, maxnode: mode in signo, mask in vec */
	W_MBIND,		/* addr, len, mode | flags << 32, w0, hibit | maxnode << 16 */
	W_HOME_NODE,		/* addr, len, node, flags */
	/* filetests: files dtfS in the directory $DIFFTEST_FILEDIR */
	W_FILE_CREATE,		/* slot, npages, base */
	W_FILE_MMAP,		/* addr, len, prot, flags, off | slot (off is page-aligned) */
	W_FILE_TRUNCATE,	/* slot, len */
	W_FILE_FADVISE,		/* slot, off, len, advice */
	W_FILE_CHECK,		/* slot, pgoff, npages, base */
	W_FILE_CLOSE,		/* slot */
};

struct w_cmd {
	int32_t op;
	int32_t pad;
	uint64_t a[6];
};

struct w_reply {
	int32_t op;
	int32_t pid;
	int64_t ret;		/* >= 0 or -errno */
	int32_t signo, code;	/* W_ACCESS that faulted (ret == -EFAULT) */
	uint64_t fault_addr;
	uint64_t minflt, majflt; /* faults inside measured windows, cumulative */
	uint32_t nvec;
	unsigned char vec[DT_MAXVEC];
};

_Static_assert(sizeof(struct w_reply) < 4096, "replies must be atomic pipe writes");

#endif
