/*
 * trace.c - a parsed trace in memory: the compact record encoding that
 * trace.h describes, appending, reading back with a cursor, and the
 * validator that lets the cursor trust a cache file's records.
 *
 * The encoder and the validator are the two halves of one format: every
 * record trace_append() writes passes trace_validate(), and every byte
 * sequence trace_validate() accepts decodes in the cursor without a bounds
 * check (tests/unit/test_trace.c and the fuzzers hold them to it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define MIN_CAPACITY	4096

mmsim_trace *mmsim_trace_new(unsigned int flags)
{
	mmsim_trace *tr = calloc(1, sizeof(*tr));

	if (tr)
		tr->flags = flags & MMSIM_TRACE_LENIENT;
	return tr;
}

void mmsim_trace_free(mmsim_trace *tr)
{
	if (!tr)
		return;
	free(tr->buf);
	free(tr);
}

/* ---- encoding ---- */

static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static inline unsigned char *put_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

static int reserve(struct mmsim_trace *tr, size_t more)
{
	size_t cap;
	unsigned char *nb;

	if (tr->len + more <= tr->cap)
		return 0;
	cap = tr->cap ? tr->cap : MIN_CAPACITY;
	while (cap < tr->len + more)
		cap *= 2;
	nb = realloc(tr->buf, cap);
	if (!nb)
		return -ENOMEM;
	tr->buf = nb;
	tr->cap = cap;
	return 0;
}

int trace_append(struct mmsim_trace *tr, uint64_t addr, uint32_t size, unsigned int kind)
{
	unsigned int s = trace_stream(kind);
	unsigned char *p;

	if (reserve(tr, TRACE_MAX_RECORD))
		return -ENOMEM;
	p = tr->buf + tr->len;
	*p++ = (unsigned char)(kind | (size < TRACE_SIZE_ESCAPE ? size : TRACE_SIZE_ESCAPE) << 2);
	p = put_varint(p, zigzag((int64_t)(addr - tr->prev[s])));
	if (size >= TRACE_SIZE_ESCAPE)
		p = put_varint(p, size);
	tr->prev[s] = addr;
	tr->len = (size_t)(p - tr->buf);
	tr->count++;
	tr->nr_kind[kind]++;
	return 0;
}

/* An access a caller may hand us: the same rules the parser applies. */
static bool access_ok(const struct mmsim_access *a)
{
	return a->kind <= MMSIM_ACCESS_INSTR && a->size >= 1 && a->size <= TRACE_MAX_SIZE &&
	       a->addr + a->size - 1 >= a->addr;
}

int mmsim_trace_add(mmsim_trace *tr, const struct mmsim_access *acc, size_t n)
{
	if (!tr || (!acc && n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!access_ok(&acc[i]))
			return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (trace_append(tr, acc[i].addr, acc[i].size, acc[i].kind))
			return -ENOMEM;
	return 0;
}

/* ---- reading back ---- */

void mmsim_trace_rewind(struct mmsim_trace_cursor *c)
{
	if (c)
		memset(c, 0, sizeof(*c));
}

static inline const unsigned char *get_varint(const unsigned char *p, uint64_t *v)
{
	uint64_t x = 0;
	unsigned int shift = 0;

	while (*p & 0x80) {
		x |= (uint64_t)(*p++ & 0x7f) << shift;
		shift += 7;
	}
	*v = x | (uint64_t)*p++ << shift;
	return p;
}

size_t mmsim_trace_next(const mmsim_trace *tr, struct mmsim_trace_cursor *c,
			struct mmsim_access *out, size_t max)
{
	const unsigned char *p, *end;
	size_t n = 0;

	if (!tr || !c || !out || c->pos >= tr->len)
		return 0;		/* (an empty trace has no buffer at all) */
	p = tr->buf + c->pos;
	end = tr->buf + tr->len;
	while (n < max && p < end) {
		unsigned int kind = *p & 3, code = *p >> 2, s = trace_stream(kind);
		uint64_t delta, size = code;

		p = get_varint(p + 1, &delta);
		if (code == TRACE_SIZE_ESCAPE)
			p = get_varint(p, &size);
		c->prev[s] += (uint64_t)unzigzag(delta);
		out[n].addr = c->prev[s];
		out[n].size = (uint32_t)size;
		out[n].kind = kind;
		n++;
	}
	c->pos = (uint64_t)(p - tr->buf);
	c->index += n;
	return n;
}

/* ---- checking untrusted records ---- */

/* A varint within [p, end) of at most 10 bytes that fits 64 bits; NULL if not. */
static const unsigned char *get_varint_checked(const unsigned char *p, const unsigned char *end,
					       uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned int i = 0; i < 10 && p < end; i++, p++) {
		uint64_t bits = *p & 0x7f;

		if (i == 9 && bits > 1)
			return NULL;		/* more than 64 bits */
		x |= bits << (7 * i);
		if (!(*p & 0x80)) {
			*v = x;
			return p + 1;
		}
	}
	return NULL;
}

int trace_validate(const unsigned char *buf, size_t len, uint64_t count,
		   const uint64_t nr_kind[4], uint64_t prev_out[2], char *err, size_t errlen)
{
	const unsigned char *p = buf, *end = buf + len;
	uint64_t prev[2] = { 0, 0 }, seen[4] = { 0, 0, 0, 0 }, n = 0;

	while (p < end) {
		unsigned int kind = *p & 3, code = *p >> 2, s = trace_stream(kind);
		uint64_t delta, size = code, addr;

		if (code == 0)
			goto bad;
		p = get_varint_checked(p + 1, end, &delta);
		if (p && code == TRACE_SIZE_ESCAPE)
			p = get_varint_checked(p, end, &size);
		if (!p || size == 0 || size > TRACE_MAX_SIZE ||
		    (code == TRACE_SIZE_ESCAPE && size < TRACE_SIZE_ESCAPE))
			goto bad;
		addr = prev[s] + (uint64_t)unzigzag(delta);
		if (addr + size - 1 < addr)
			goto bad;
		prev[s] = addr;
		seen[kind]++;
		n++;
	}
	if (n != count || memcmp(seen, nr_kind, sizeof(seen))) {
		trace_err(err, errlen, "corrupt: %llu records, the header says %llu",
			 (unsigned long long)n, (unsigned long long)count);
		return -EINVAL;
	}
	if (prev_out)
		memcpy(prev_out, prev, sizeof(prev));
	return 0;
bad:
	trace_err(err, errlen, "corrupt: bad record %llu", (unsigned long long)n);
	return -EINVAL;
}

uint64_t trace_checksum(const unsigned char *buf, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= buf[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* ---- information ---- */

void mmsim_trace_info(const mmsim_trace *tr, struct mmsim_trace_info *info)
{
	if (!info)
		return;
	memset(info, 0, sizeof(*info));
	if (!tr)
		return;
	info->accesses = tr->count;
	memcpy(info->by_kind, tr->nr_kind, sizeof(info->by_kind));
	info->lines = tr->line;
	info->skipped = tr->skipped;
	info->encoded_bytes = tr->len;
	snprintf(info->command, sizeof(info->command), "%s", tr->command);
	snprintf(info->first_bad, sizeof(info->first_bad), "%s", tr->first_bad);
}

void trace_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void trace_quote(char *out, size_t outlen, const char *text, size_t len, size_t max)
{
	size_t o = 0;

	if (!outlen)
		return;
	out[o++] = '\'';
	for (size_t i = 0; i < len && i < max && o + 6 < outlen; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", ch);
	}
	if (len > max && o + 5 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	if (o + 1 < outlen)
		out[o++] = '\'';
	out[o] = '\0';
}
