/*
 * lackey.c - the parser of Valgrind lackey's memory trace
 * (`valgrind --tool=lackey --trace-mem=yes`), as valgrind 3.x prints it:
 *
 *   I  0401ab70,3          an instruction fetch of 3 bytes
 *    L 1fff000628,8        a load          (lines start with a space)
 *    S 1fff000620,8        a store
 *    M 04a5c2d8,4          a modify: load then store of the same bytes
 *   ==9813== Command: ./t  valgrind's own lines: skipped ("--PID--" and
 *                          "**PID**" too); the Command: line is kept
 *   SB 0401ab70            a superblock (--trace-superblocks=yes): skipped
 *
 * Addresses are hex (1-16 digits), sizes decimal (1..TRACE_MAX_SIZE);
 * spaces or tabs separate the fields, a trailing '\r' is tolerated. Any
 * other line is bad: the error names its line number, what is wrong and
 * the line itself, quoted. A strict parse stops at the first bad line; a
 * lenient one (MMSIM_TRACE_LENIENT) counts and skips it.
 *
 * Input comes in chunks of any size (a gzip stream, a pipe): a line split
 * between chunks waits in tr->partial. Lines are parsed in place in the
 * chunk otherwise, so the common case copies nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace.h"

#define QUOTE_MAX	80	/* bytes of a bad line shown in the error */

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "==1234==", "--1234--" or "**1234**" at the start: a valgrind line. */
static bool is_valgrind_line(const char *s, size_t len)
{
	size_t i = 2;
	char c;

	if (len < 5 || (s[0] != '=' && s[0] != '-' && s[0] != '*') || s[1] != s[0])
		return false;
	c = s[0];
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 2 && i + 1 < len && s[i] == c && s[i + 1] == c;
}

/* Keep "==PID== Command: ./prog args" as the trace's command. */
static void note_command(struct mmsim_trace *tr, const char *s, size_t len)
{
	static const char key[] = " Command: ";
	const char *p = memchr(s + 2, s[0], len - 2);	/* the closing "==" */
	size_t rest;

	if (!p || tr->command[0])
		return;
	p += 2;
	rest = len - (size_t)(p - s);
	if (rest <= sizeof(key) - 1 || memcmp(p, key, sizeof(key) - 1))
		return;
	p += sizeof(key) - 1;
	rest -= sizeof(key) - 1;
	if (rest >= sizeof(tr->command))
		rest = sizeof(tr->command) - 1;
	for (size_t i = 0; i < rest; i++)	/* keep it printable */
		tr->command[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
	tr->command[rest] = '\0';
}

/* The access on a data or instruction line; NULL or the reason it is bad. */
static const char *parse_access(const char *s, const char *end, uint64_t *addr, uint32_t *size,
				unsigned int *kind)
{
	unsigned int digits = 0;
	uint64_t a = 0, n = 0;

	while (s < end && is_blank(*s))
		s++;
	if (s == end)
		return NULL;		/* blank: the caller skips it */
	switch (*s) {
	case 'I': *kind = MMSIM_ACCESS_INSTR; break;
	case 'L': *kind = MMSIM_ACCESS_LOAD; break;
	case 'S': *kind = MMSIM_ACCESS_STORE; break;
	case 'M': *kind = MMSIM_ACCESS_MODIFY; break;
	default: return "unknown record (lackey writes I, L, S, M)";
	}
	if (++s == end || !is_blank(*s))
		return "no blank after the record type";
	while (s < end && is_blank(*s))
		s++;
	for (; s < end && hex_value(*s) >= 0; s++, digits++) {
		if (digits == 16)
			return "address longer than 64 bits";
		a = a << 4 | (uint64_t)hex_value(*s);
	}
	if (!digits)
		return "no hex address";
	if (s == end || *s != ',')
		return "no ',' after the address";
	for (digits = 0, s++; s < end && *s >= '0' && *s <= '9'; s++, digits++) {
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > TRACE_MAX_SIZE)
			return "size larger than 65536";
	}
	if (!digits)
		return "no decimal size";
	if (n == 0)
		return "size 0";
	while (s < end && (is_blank(*s) || *s == '\r'))
		s++;
	if (s != end)
		return "unexpected text after the size";
	if (a + n - 1 < a)
		return "access wraps past the end of the address space";
	*addr = a;
	*size = (uint32_t)n;
	return NULL;
}

/* A bad line: the error (strict) or a count (lenient). 0 or -EINVAL. */
static int bad_line(struct mmsim_trace *tr, const char *why, const char *s, size_t len,
		    char *err, size_t errlen)
{
	char quoted[QUOTE_MAX * 4 + 8], msg[sizeof(quoted) + 128];

	trace_quote(quoted, sizeof(quoted), s, len, QUOTE_MAX);
	snprintf(msg, sizeof(msg), "line %llu: %s: %s", (unsigned long long)tr->line, why, quoted);
	if (tr->flags & MMSIM_TRACE_LENIENT) {
		if (!tr->skipped++) {
			memcpy(tr->first_bad, msg, sizeof(tr->first_bad) - 1);
			tr->first_bad[sizeof(tr->first_bad) - 1] = '\0';
		}
		return 0;
	}
	trace_err(err, errlen, "%s", msg);
	tr->failed = true;
	return -EINVAL;
}

/* One whole line without its '\n'. long_line: it was cut at TRACE_LINE_MAX. */
static int parse_line(struct mmsim_trace *tr, const char *s, size_t len, bool long_line,
		      char *err, size_t errlen)
{
	const char *why;
	uint64_t addr = 0;
	uint32_t size = 0;
	unsigned int kind = 0;

	tr->line++;
	if (is_valgrind_line(s, len)) {
		if (s[0] == '=' && !long_line)
			note_command(tr, s, len);
		return 0;
	}
	if (long_line)
		return bad_line(tr, "line longer than 4096 bytes", s, len, err, errlen);
	if (memchr(s, '\0', len))
		return bad_line(tr, "NUL byte in the line", s, len, err, errlen);
	if (len >= 2 && s[0] == 'S' && s[1] == 'B')
		return 0;		/* a superblock line */
	why = parse_access(s, s + len, &addr, &size, &kind);
	if (why)
		return bad_line(tr, why, s, len, err, errlen);
	if (!size)
		return 0;		/* blank line */
	return trace_append(tr, addr, size, kind);
}

/* Add bytes to the split line; past TRACE_LINE_MAX only remember it was long. */
static void partial_add(struct mmsim_trace *tr, const char *s, size_t len)
{
	size_t room = sizeof(tr->partial) - tr->partial_len;

	if (len > room) {
		len = room;
		tr->partial_long = true;
	}
	memcpy(tr->partial + tr->partial_len, s, len);
	tr->partial_len += len;
}

static int partial_flush(struct mmsim_trace *tr, char *err, size_t errlen)
{
	int ret = parse_line(tr, tr->partial, tr->partial_len, tr->partial_long, err, errlen);

	tr->partial_len = 0;
	tr->partial_long = false;
	return ret;
}

int mmsim_trace_parse(mmsim_trace *tr, const char *text, size_t len, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	int ret = 0;

	if (!tr || (!text && len))
		return -EINVAL;
	if (tr->failed) {
		trace_err(err, errlen, "line %llu: the trace already failed to parse",
			(unsigned long long)tr->line);
		return -EINVAL;
	}
	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl) {			/* the line goes on in the next chunk */
			partial_add(tr, p, (size_t)(end - p));
			break;
		}
		if (tr->partial_len || tr->partial_long) {
			partial_add(tr, p, (size_t)(nl - p));
			ret = partial_flush(tr, err, errlen);
		} else {
			size_t n = (size_t)(nl - p);

			ret = parse_line(tr, p, n > TRACE_LINE_MAX ? TRACE_LINE_MAX : n,
					 n > TRACE_LINE_MAX, err, errlen);
		}
		p = nl + 1;
	}
	return ret;
}

int mmsim_trace_parse_end(mmsim_trace *tr, char *err, size_t errlen)
{
	if (!tr)
		return -EINVAL;
	if (tr->failed)
		return mmsim_trace_parse(tr, NULL, 0, err, errlen);
	if (!tr->partial_len && !tr->partial_long)
		return 0;
	return partial_flush(tr, err, errlen);
}
