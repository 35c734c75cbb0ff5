/*
 * errseq.h - error sequence cookies (Linux's lib/errseq.c): one place that
 * records writeback errors, and any number of observers (open file
 * descriptions) that each learn of an error once.
 *
 * An errseq_t is 32 bits: the low 12 bits hold the last errno (MAX_ERRNO
 * 4095 is the mask), bit 12 says whether anybody has seen it, and the bits
 * above count errors recorded after a sighting. An observer samples the
 * value (errseq_sample) and later compares (errseq_check) or compares and
 * catches up (errseq_check_and_advance).
 *
 * Invariants: errseq_set never clears an error; the counter moves only when
 * the previous error was seen, so errors nobody looked at collapse into one
 * report; an unseen error is reported to observers sampled after it, a seen
 * one is not.
 */
#ifndef MMSIM_ERRSEQ_H
#define MMSIM_ERRSEQ_H

#include <stdint.h>

typedef uint32_t errseq_t;

#define ERRSEQ_MAX_ERRNO	4095u
#define ERRSEQ_SEEN		(ERRSEQ_MAX_ERRNO + 1)	/* bit 12 */
#define ERRSEQ_CTR_INC		(ERRSEQ_SEEN << 1)	/* the counter's lowest bit */

/* Record err (-1 .. -4095; others are ignored). Returns the new value. */
errseq_t errseq_set(errseq_t *eseq, int err);
/* The value to compare with later; 0 if the current error is unseen, so the sampler will see it. */
errseq_t errseq_sample(const errseq_t *eseq);
/* -errno if an error was recorded since the sample, else 0. */
int errseq_check(const errseq_t *eseq, errseq_t since);
/* As errseq_check, and mark the error seen and move *since up to it. */
int errseq_check_and_advance(errseq_t *eseq, errseq_t *since);

#endif
