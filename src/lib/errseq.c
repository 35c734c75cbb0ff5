/*
 * errseq.c - error sequence cookies (Linux's lib/errseq.c; see errseq.h).
 *
 * Single host thread: the plain loads and stores stand for the cmpxchg
 * loops Linux needs; the states and transitions are the same.
 *
 * Invariants: those of errseq.h. Only errseq_set and
 * errseq_check_and_advance write *eseq; errseq_set leaves it unchanged for
 * an err outside -1..-4095 and bumps the counter only over a seen error.
 */
#include "errseq.h"

errseq_t errseq_set(errseq_t *eseq, int err)
{
	errseq_t old = *eseq, new;

	/* zero would clear an error; anything beyond MAX_ERRNO does not fit */
	if (err >= 0 || (unsigned int)-err > ERRSEQ_MAX_ERRNO)
		return old;
	new = (old & ~(ERRSEQ_MAX_ERRNO | ERRSEQ_SEEN)) | (errseq_t)-err;
	/* a new sequence number only if someone saw the previous error */
	if (old & ERRSEQ_SEEN)
		new += ERRSEQ_CTR_INC;
	*eseq = new;
	return new;
}

errseq_t errseq_sample(const errseq_t *eseq)
{
	errseq_t old = *eseq;

	/* nobody has seen it yet: this observer may be the first */
	return (old & ERRSEQ_SEEN) ? old : 0;
}

int errseq_check(const errseq_t *eseq, errseq_t since)
{
	errseq_t cur = *eseq;

	return cur == since ? 0 : -(int)(cur & ERRSEQ_MAX_ERRNO);
}

int errseq_check_and_advance(errseq_t *eseq, errseq_t *since)
{
	errseq_t old = *eseq, new;

	if (old == *since)
		return 0;
	new = old | ERRSEQ_SEEN;
	*eseq = new;
	*since = new;
	return -(int)(new & ERRSEQ_MAX_ERRNO);
}
