/*
 * gfp.c - GFP flags as text: gfp_format() renders them the way Linux's %pGg
 * does (lib/vsprintf.c format_flags over include/trace/events/mmflags.h's
 * __def_gfpflag_names), gfp_parse() reads them back.
 *
 * Invariant: gfp_names[] is in mmflags.h's order - compound masks with the
 * most bits first, then GFP_DMA, GFP_DMA32, __GFP_RECLAIM, then each single
 * bit in bit order - because the renderer takes the first name whose whole
 * mask is present and clears those bits, so order decides the text.
 * parse(format(x)) == x for every x.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp.h"

struct gfp_name {
	gfp_t mask;
	const char *name;
};

#define GFP_NAME(f) { f, #f }

static const struct gfp_name gfp_names[] = {
	GFP_NAME(GFP_TRANSHUGE),
	GFP_NAME(GFP_TRANSHUGE_LIGHT),
	GFP_NAME(GFP_HIGHUSER_MOVABLE),
	GFP_NAME(GFP_HIGHUSER),
	GFP_NAME(GFP_USER),
	GFP_NAME(GFP_KERNEL_ACCOUNT),
	GFP_NAME(GFP_KERNEL),
	GFP_NAME(GFP_NOFS),
	GFP_NAME(GFP_ATOMIC),
	GFP_NAME(GFP_NOIO),
	GFP_NAME(GFP_NOWAIT),
	GFP_NAME(GFP_DMA),
	GFP_NAME(GFP_DMA32),
	GFP_NAME(__GFP_RECLAIM),
	/* single bits, in bit order (mmflags.h TRACE_GFP_FLAGS_GENERAL) */
	GFP_NAME(__GFP_DMA),
	GFP_NAME(__GFP_HIGHMEM),
	GFP_NAME(__GFP_DMA32),
	GFP_NAME(__GFP_MOVABLE),
	GFP_NAME(__GFP_RECLAIMABLE),
	GFP_NAME(__GFP_HIGH),
	GFP_NAME(__GFP_IO),
	GFP_NAME(__GFP_FS),
	GFP_NAME(__GFP_ZERO),
	GFP_NAME(__GFP_DIRECT_RECLAIM),
	GFP_NAME(__GFP_KSWAPD_RECLAIM),
	GFP_NAME(__GFP_WRITE),
	GFP_NAME(__GFP_NOWARN),
	GFP_NAME(__GFP_RETRY_MAYFAIL),
	GFP_NAME(__GFP_NOFAIL),
	GFP_NAME(__GFP_NORETRY),
	GFP_NAME(__GFP_MEMALLOC),
	GFP_NAME(__GFP_COMP),
	GFP_NAME(__GFP_NOMEMALLOC),
	GFP_NAME(__GFP_HARDWALL),
	GFP_NAME(__GFP_THISNODE),
	GFP_NAME(__GFP_ACCOUNT),
	GFP_NAME(__GFP_ZEROTAGS),
};

/* Names accepted by the parser but never printed (not in mmflags.h). */
static const struct gfp_name gfp_extra_names[] = {
	GFP_NAME(__GFP_BITS_MASK),
	{ 0, "none" },
	{ 0, "0" },
};

/* Append s to buf at *pos, keeping buf terminated and never overflowing. */
static void put(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + 1 < len) {
		size_t room = len - 1 - *pos;

		memcpy(buf + *pos, s, n < room ? n : room);
		buf[*pos + (n < room ? n : room)] = '\0';
	}
	*pos += n;
}

char *gfp_format(gfp_t gfp, char *buf, size_t len)
{
	size_t pos = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!gfp) {
		put(buf, len, &pos, "none");
		return buf;
	}
	for (size_t i = 0; gfp && i < ARRAY_SIZE(gfp_names); i++) {
		gfp_t mask = gfp_names[i].mask;

		if ((gfp & mask) != mask)
			continue;
		put(buf, len, &pos, gfp_names[i].name);
		gfp &= ~mask;
		if (gfp)
			put(buf, len, &pos, "|");
	}
	if (gfp) {
		char num[16];

		/* what no name covers: vsprintf's "%#x" of the rest */
		snprintf(num, sizeof(num), "%#x", gfp);
		put(buf, len, &pos, num);
	}
	return buf;
}

static int lookup(const char *s, size_t n, gfp_t *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(gfp_names); i++) {
		if (strlen(gfp_names[i].name) == n && !strncmp(gfp_names[i].name, s, n)) {
			*out = gfp_names[i].mask;
			return 0;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(gfp_extra_names); i++) {
		if (strlen(gfp_extra_names[i].name) == n &&
		    !strncmp(gfp_extra_names[i].name, s, n)) {
			*out = gfp_extra_names[i].mask;
			return 0;
		}
	}
	return -EINVAL;
}

/* A number: decimal, 0x-hex or octal, that fits in the gfp bits. */
static int parse_number(const char *s, size_t n, gfp_t *out)
{
	char tmp[32], *end;
	unsigned long v;

	if (n == 0 || n >= sizeof(tmp) || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	v = strtoul(tmp, &end, 0);
	if (errno || *end || (v & ~(unsigned long)__GFP_BITS_MASK))
		return -EINVAL;
	*out = (gfp_t)v;
	return 0;
}

int gfp_parse(const char *text, gfp_t *out, const char **bad)
{
	gfp_t gfp = 0;
	const char *p = text;

	if (!text || !*text) {
		if (bad)
			*bad = text;
		return -EINVAL;
	}
	for (;;) {
		const char *end = strchr(p, '|');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		gfp_t v;

		/* tolerate spaces around '|', as people type them */
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (lookup(p, n, &v) && parse_number(p, n, &v)) {
			if (bad)
				*bad = p;
			return -EINVAL;
		}
		gfp |= v;
		if (!end)
			break;
		p = end + 1;
	}
	*out = gfp;
	return 0;
}
