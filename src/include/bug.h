/*
 * bug.h - graded checks, as the kernel's BUG_ON / VM_BUG_ON / WARN_ON.
 *
 * BUG_ON and WARN_ON are always on: they are cheap and a failure means the
 * simulator itself is broken. VM_BUG_ON*, VM_WARN_ON* and the validators that
 * CONFIG_DEBUG_VM guards are on when MMSIM_DEBUG_VM is 1 (the debug build).
 * When off they are still compiled and type-checked (if (0) ...), so they
 * never rot. A bug prints the object it is about and aborts: a broken
 * invariant is never an outcome the simulator reports.
 */
#ifndef MMSIM_BUG_H
#define MMSIM_BUG_H

#include "compiler.h"

#ifndef MMSIM_DEBUG_VM
#define MMSIM_DEBUG_VM 0
#endif
#define IS_ENABLED_DEBUG_VM (MMSIM_DEBUG_VM != 0)

struct page;
struct machine;

__noreturn __cold void mmsim_bug(const char *file, int line, const char *cond);
__cold void mmsim_warn(const char *file, int line, const char *cond);
__noreturn __cold void mmsim_bug_page(const struct machine *m, const struct page *page,
				      const char *file, int line, const char *cond);

#define BUG() mmsim_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(c) do { if (unlikely(c)) mmsim_bug(__FILE__, __LINE__, #c); } while (0)
#define WARN_ON(c) ({						\
	bool __w = !!(c);						\
	if (unlikely(__w))						\
		mmsim_warn(__FILE__, __LINE__, #c);			\
	unlikely(__w);							\
})
/* Once per call site; the flag is a debug aid, not simulation state. */
#define WARN_ON_ONCE(c) ({						\
	static bool __warned;						\
	bool __w = !!(c);						\
	if (unlikely(__w) && !__warned) {				\
		__warned = true;					\
		mmsim_warn(__FILE__, __LINE__, #c);			\
	}								\
	unlikely(__w);							\
})

#define VM_BUG_ON(c) do { if (IS_ENABLED_DEBUG_VM && unlikely(c)) \
	mmsim_bug(__FILE__, __LINE__, #c); } while (0)
#define VM_BUG_ON_PAGE(c, m, page) do { if (IS_ENABLED_DEBUG_VM && unlikely(c)) \
	mmsim_bug_page(m, page, __FILE__, __LINE__, #c); } while (0)
#define VM_WARN_ON(c) do { if (IS_ENABLED_DEBUG_VM && unlikely(c)) \
	mmsim_warn(__FILE__, __LINE__, #c); } while (0)

#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

#endif
