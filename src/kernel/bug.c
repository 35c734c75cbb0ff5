/*
 * bug.c - what BUG_ON, WARN_ON and VM_BUG_ON_PAGE do, and the lock-order
 * checker behind spinlock.h (a small lockdep).
 *
 * A bug is a broken invariant of the simulator: print where and what, then
 * abort so the test or the user sees it at once. Warnings print and go on.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mm.h"

void mmsim_bug(const char *file, int line, const char *cond)
{
	fprintf(stderr, "mmsim: kernel BUG at %s:%d: %s\n", file, line, cond);
	abort();
}

void mmsim_warn(const char *file, int line, const char *cond)
{
	fprintf(stderr, "mmsim: WARNING at %s:%d: %s\n", file, line, cond);
}

void dump_page(const struct machine *m, const struct page *page, const char *reason)
{
	unsigned long pfn = page_to_pfn(m, page);

	fprintf(stderr, "page:%p pfn:%#lx refcount:%d mapcount:%d mapping:%p index:%#lx\n",
		(const void *)page, pfn, page->_refcount, page->_mapcount,
		page->mapping, page->index);
	fprintf(stderr, "flags: %#lx(node=%d zone=%u) type:%#x private:%#lx\n",
		page->flags, page_to_nid(page), page_zonenum(page), page->page_type,
		page->private);
	if (reason)
		fprintf(stderr, "page dumped because: %s\n", reason);
}

void mmsim_bug_page(const struct machine *m, const struct page *page,
		    const char *file, int line, const char *cond)
{
	dump_page(m, page, cond);
	mmsim_bug(file, line, cond);
}

/* ---- lock order checking ---- */

#define LOCKDEP_MAX_DEPTH 32
static _Thread_local const spinlock_t *held[LOCKDEP_MAX_DEPTH];
static _Thread_local int depth;

void lockdep_acquire(spinlock_t *l)
{
	if (depth > 0 && held[depth - 1]->class >= l->class) {
		fprintf(stderr, "mmsim: lock order violation: taking class %d while "
			"holding class %d\n", l->class, held[depth - 1]->class);
		abort();
	}
	BUG_ON(depth >= LOCKDEP_MAX_DEPTH);
	held[depth++] = l;
}

void lockdep_release(spinlock_t *l)
{
	/* Locks may be released out of order; find and remove. */
	for (int i = depth - 1; i >= 0; i--) {
		if (held[i] == l) {
			for (int j = i; j < depth - 1; j++)
				held[j] = held[j + 1];
			depth--;
			return;
		}
	}
	fprintf(stderr, "mmsim: releasing a lock that is not held (class %d)\n", l->class);
	abort();
}

int lockdep_depth(void)
{
	return depth;
}
