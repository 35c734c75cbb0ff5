/*
 * shrinker.c - the shrinker framework (mm/shrinker.c, mm/vmscan.c's
 * drop_slab): reclaim's call into caches that keep their own lists.
 *
 * The arithmetic of do_shrink_slab is Linux's (see shrinker.h): a call at
 * priority p asks for (freeable >> p) * 4 / seeks objects plus the work
 * deferred by earlier calls (>> p), at most twice what is freeable, and
 * scans in batches; what it could not scan is deferred. Deferred work is
 * scaled by the priority too, so it comes due when reclaim gets harder: a
 * cache of 10,000 objects asks for 4 objects per call at priority 12 (no
 * batch: nothing scanned, 4 more deferred each time), and the call at a
 * lower priority that follows scans its own share plus the deferred >> p.
 *
 * Invariants: every registered shrinker is on machine->shrinker_list once,
 * with SHRINKER_REGISTERED set; 0 <= nr_deferred[nid] <= 2 * the freeable
 * count its last call saw.
 */
#include <stdio.h>

#include "mm.h"
#include "shrinker.h"

struct shrinker *shrinker_alloc(struct machine *m, const char *name)
{
	struct shrinker *s = kzalloc(m, sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->nr_deferred = kzalloc(m, sizeof(long) * (size_t)m->nr_nodes, GFP_KERNEL);
	if (!s->nr_deferred) {
		kfree(m, s);
		return NULL;
	}
	s->machine = m;
	s->seeks = DEFAULT_SEEKS;
	s->flags = SHRINKER_ALLOCATED;
	INIT_LIST_HEAD(&s->list);
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
	return s;
}

void shrinker_register(struct shrinker *s)
{
	struct machine *m = s->machine;

	BUG_ON(!s->count_objects || !s->scan_objects);
	if (s->flags & SHRINKER_REGISTERED)
		return;
	list_add_tail(&s->list, &m->shrinker_list);
	s->flags |= SHRINKER_REGISTERED;
}

void shrinker_free(struct shrinker *s)
{
	struct machine *m;

	if (!s)
		return;
	m = s->machine;
	if (s->flags & SHRINKER_REGISTERED) {
		list_del(&s->list);
		s->flags &= ~SHRINKER_REGISTERED;
	}
	kfree(m, s->nr_deferred);
	kfree(m, s);
}

/* Unaware shrinkers keep one deferred count, node 0's. */
static long *nr_deferred_slot(struct shrinker *s, const struct shrink_control *sc)
{
	int nid = (s->flags & SHRINKER_NUMA_AWARE) ? sc->nid : 0;

	return &s->nr_deferred[nid];
}

unsigned long do_shrink_slab(struct shrink_control *sc, struct shrinker *s, int priority)
{
	long batch = s->batch ? s->batch : SHRINK_BATCH;
	long *deferred = nr_deferred_slot(s, sc);
	long freeable, nr, total_scan, scanned = 0, next_deferred;
	unsigned long long delta;
	unsigned long freed = 0;

	freeable = (long)s->count_objects(s, sc);
	if (freeable == 0 || (unsigned long)freeable == SHRINK_EMPTY)
		return (unsigned long)freeable;

	/* Take the deferred work for ourselves (Linux: atomic xchg with 0). */
	nr = *deferred;
	*deferred = 0;

	if (s->seeks) {
		delta = (unsigned long long)freeable >> priority;
		delta *= 4;
		delta /= (unsigned int)s->seeks;
	} else {
		/* Objects that cost no I/O to recreate: trim hard. */
		delta = (unsigned long long)freeable / 2;
	}

	total_scan = (nr >> priority) + (long)delta;
	total_scan = min(total_scan, 2 * freeable);

	/*
	 * Scan whole batches; but a cache smaller than a batch is scanned
	 * whole once the target reaches its size (tight on memory), or it
	 * could never be emptied.
	 */
	while (total_scan >= batch || total_scan >= freeable) {
		unsigned long ret, nr_to_scan = (unsigned long)min(batch, total_scan);

		sc->nr_to_scan = nr_to_scan;
		sc->nr_scanned = nr_to_scan;
		ret = s->scan_objects(s, sc);
		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		count_vm_events(s->machine, SLABS_SCANNED, (long)sc->nr_scanned);
		total_scan -= (long)sc->nr_scanned;
		scanned += (long)sc->nr_scanned;
	}

	/* New work not done is deferred, old work done is paid off; capped. */
	next_deferred = max(nr + (long)delta - scanned, 0L);
	next_deferred = min(next_deferred, 2 * freeable);
	*deferred += next_deferred;
	return freed;
}

unsigned long shrink_slab(struct machine *m, gfp_t gfp, int nid, int priority)
{
	struct shrinker *s, *next;
	unsigned long freed = 0;

	list_for_each_entry_safe(s, next, &m->shrinker_list, list) {
		struct shrink_control sc = { .gfp_mask = gfp, .nid = nid };
		unsigned long ret = do_shrink_slab(&sc, s, priority);

		if (ret == SHRINK_EMPTY)
			ret = 0;
		freed += ret;
	}
	return freed;
}

/*
 * Keep going while a round frees more than 1, 2, 4, ... objects: the
 * threshold doubles each round, so a cache that keeps refilling (or a
 * shrinker that always claims progress) cannot keep drop_caches forever.
 */
void drop_slab(struct machine *m)
{
	unsigned long freed;
	int shift = 0, nid;

	do {
		freed = 0;
		for_each_online_node(m, nid)
			freed += shrink_slab(m, GFP_KERNEL, nid, 0);
	} while (shift < 64 && (freed >> shift++) > 1);
}
