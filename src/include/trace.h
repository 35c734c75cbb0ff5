/*
 * trace.h - parsed memory-access traces (src/trace/): the in-memory form
 * shared by the Valgrind lackey parser (lackey.c), the compact encoding and
 * its cursor (trace.c), the binary cache file (cache.c) and the address
 * space a replay builds from a trace (layout.c).
 *
 * A trace is host memory (host-side tooling state, like a program on the
 * host's disk), never simulated memory: it is input to the machine, not
 * part of it.
 *
 * The encoding, one record per access, in trace order:
 *   byte 0      kind (bits 0-1, enum mmsim_access_kind) | size code << 2:
 *               size code 1..62 is the size, 63 means "a varint size follows"
 *   varint      zigzag(addr - prev), prev = the previous address of the same
 *               stream (instruction fetches and data accesses are two streams,
 *               so both deltas stay small)
 *   [varint]    the size, when the size code is 63
 * Varints are LEB128 (7 bits a byte, low first, at most 10 bytes).
 *
 * Invariants: every record in buf decodes, within len, to an access with
 * 1 <= size <= TRACE_MAX_SIZE and addr + size <= 2^64; count and nr_kind[]
 * count the records. Records come only from trace_append() or from a
 * cache file that trace_validate() accepted, so the cursor trusts them.
 */
#ifndef MMSIM_TRACE_H
#define MMSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmsim/mmsim.h"

#define TRACE_MAX_SIZE		65536	/* one access; lackey's are at most 512 */
#define TRACE_SIZE_ESCAPE	63
#define TRACE_MAX_RECORD	21	/* header byte + two 10-byte varints */
#define TRACE_LINE_MAX		4096	/* a longer line is bad (banner lines excepted) */
#define TRACE_COMMAND_MAX	256

struct mmsim_trace {
	/* The records. */
	unsigned char *buf;
	size_t len, cap;
	uint64_t count;
	uint64_t nr_kind[4];		/* by enum mmsim_access_kind */
	uint64_t prev[2];		/* encoder: last address of each stream */
	char command[TRACE_COMMAND_MAX];	/* valgrind's "Command:" line, or "" */
	/* The lackey parser's state between chunks. */
	unsigned int flags;		/* MMSIM_TRACE_* */
	uint64_t line;			/* lines seen so far */
	uint64_t skipped;		/* bad lines skipped (MMSIM_TRACE_LENIENT) */
	char first_bad[256];		/* the first of them, as the error said */
	char partial[TRACE_LINE_MAX];	/* a line split between chunks */
	size_t partial_len;
	bool partial_long;		/* the split line is longer than partial[] */
	bool failed;			/* a strict parse met a bad line: no more input */
};

/* The stream an access kind belongs to: 0 instruction fetches, 1 data. */
static inline unsigned int trace_stream(unsigned int kind)
{
	return kind == MMSIM_ACCESS_INSTR ? 0 : 1;
}

/* Append one access (already checked). 0 or -ENOMEM. */
int trace_append(struct mmsim_trace *tr, uint64_t addr, uint32_t size, unsigned int kind);

/*
 * Check that buf[0, len) is a well-formed record sequence of exactly count
 * records with the given per-kind counts; prev_out (may be NULL) gets each
 * stream's last address. 0, or -EINVAL with the reason.
 */
int trace_validate(const unsigned char *buf, size_t len, uint64_t count,
		   const uint64_t nr_kind[4], uint64_t prev_out[2], char *err, size_t errlen);

/* FNV-1a, 64 bits: the cache file's checksum of its records. */
uint64_t trace_checksum(const unsigned char *buf, size_t len);

/* An error message into err (which may be NULL or 0 bytes long). */
void trace_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "'text'" for an error message: at most max bytes, non-printables escaped. */
void trace_quote(char *out, size_t outlen, const char *text, size_t len, size_t max);

#endif
