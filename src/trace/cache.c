/*
 * cache.c - the binary cache of a parsed trace: parse a lackey trace once,
 * replay it many times. The file is the in-memory records (trace.h) behind
 * a versioned header, all integers little-endian:
 *
 *   off  size  field
 *     0     8  magic "MMSIMTRC"
 *     8     4  version (CACHE_VERSION)
 *    12     4  command length C (0..255)
 *    16     8  records
 *    24    32  records by kind (load, store, modify, instr), 8 bytes each
 *    56     8  record bytes P
 *    64     8  FNV-1a 64 of the command and the record bytes
 *    72     8  reserved, 0
 *    80     C  command (valgrind's "Command:" text, no NUL)
 *  80+C     P  records
 *
 * A file is accepted only whole: exact length, known version, matching
 * checksum, and records that trace_validate() decodes to exactly the
 * counts the header gives. Anything else is refused with one line saying
 * what is wrong; nothing read from the file is trusted before that.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define CACHE_MAGIC	"MMSIMTRC"
#define CACHE_VERSION	1
#define CACHE_HEADER	80

static void put_le(unsigned char *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void *mmsim_trace_save(const mmsim_trace *tr, size_t *len)
{
	size_t cl, total;
	unsigned char *img;

	if (!tr || !len)
		return NULL;
	cl = strlen(tr->command);
	total = CACHE_HEADER + cl + tr->len;
	img = calloc(1, total);
	if (!img)
		return NULL;
	memcpy(img, CACHE_MAGIC, 8);
	put_le(img + 8, CACHE_VERSION, 4);
	put_le(img + 12, cl, 4);
	put_le(img + 16, tr->count, 8);
	for (int k = 0; k < 4; k++)
		put_le(img + 24 + 8 * k, tr->nr_kind[k], 8);
	put_le(img + 56, tr->len, 8);
	memcpy(img + CACHE_HEADER, tr->command, cl);
	if (tr->len)
		memcpy(img + CACHE_HEADER + cl, tr->buf, tr->len);
	put_le(img + 64, trace_checksum(img + CACHE_HEADER, cl + tr->len), 8);
	*len = total;
	return img;
}

int mmsim_trace_is_cache(const void *buf, size_t len)
{
	return buf && len >= 8 && !memcmp(buf, CACHE_MAGIC, 8);
}

/* The header's fields, checked against the file's length. 0 or -EINVAL. */
static int check_header(const unsigned char *p, size_t len, size_t *cl, uint64_t *plen,
			char *err, size_t errlen)
{
	uint64_t version;

	if (!mmsim_trace_is_cache(p, len)) {
		trace_err(err, errlen, "not an mmsim trace cache (no MMSIMTRC magic)");
		return -EINVAL;
	}
	if (len < CACHE_HEADER) {
		trace_err(err, errlen, "truncated: %zu bytes, the header alone is %d", len,
			  CACHE_HEADER);
		return -EINVAL;
	}
	version = get_le(p + 8, 4);
	if (version != CACHE_VERSION) {
		trace_err(err, errlen, "version %llu; this mmsim reads version %d",
			  (unsigned long long)version, CACHE_VERSION);
		return -EINVAL;
	}
	*cl = (size_t)get_le(p + 12, 4);
	*plen = get_le(p + 56, 8);
	if (*cl >= TRACE_COMMAND_MAX || get_le(p + 72, 8)) {
		trace_err(err, errlen, "corrupt header");
		return -EINVAL;
	}
	if (*plen > len || CACHE_HEADER + *cl + *plen != len) {
		trace_err(err, errlen, "truncated or padded: %zu bytes, the header says %llu",
			  len, (unsigned long long)(CACHE_HEADER + *cl + *plen));
		return -EINVAL;
	}
	return 0;
}

mmsim_trace *mmsim_trace_load(const void *buf, size_t len, char *err, size_t errlen)
{
	const unsigned char *p = buf, *rec;
	uint64_t plen, count, kinds[4];
	struct mmsim_trace *tr;
	size_t cl;

	if (!buf || check_header(p, len, &cl, &plen, err, errlen))
		return NULL;
	rec = p + CACHE_HEADER + cl;
	if (trace_checksum(p + CACHE_HEADER, cl + (size_t)plen) != get_le(p + 64, 8)) {
		trace_err(err, errlen, "corrupt: checksum mismatch");
		return NULL;
	}
	count = get_le(p + 16, 8);
	for (int k = 0; k < 4; k++)
		kinds[k] = get_le(p + 24 + 8 * k, 8);
	tr = mmsim_trace_new(0);
	if (tr && trace_validate(rec, (size_t)plen, count, kinds, tr->prev, err, errlen)) {
		mmsim_trace_free(tr);
		return NULL;
	}
	if (!tr || (plen && !(tr->buf = malloc((size_t)plen)))) {
		mmsim_trace_free(tr);
		trace_err(err, errlen, "out of memory");
		return NULL;
	}
	if (plen)
		memcpy(tr->buf, rec, (size_t)plen);
	tr->len = tr->cap = (size_t)plen;
	tr->count = count;
	memcpy(tr->nr_kind, kinds, sizeof(kinds));
	memcpy(tr->command, p + CACHE_HEADER, cl);
	tr->command[cl] = '\0';
	for (size_t i = 0; i < cl; i++)	/* a stray NUL or control byte: keep it printable */
		if (tr->command[i] < 0x20 || tr->command[i] >= 0x7f)
			tr->command[i] = '?';
	return tr;
}
