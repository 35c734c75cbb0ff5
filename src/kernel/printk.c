/*
 * printk.c - the machine's kernel log ring.
 *
 * Each call formats one or more lines stamped "[ssss.uuuuuu] " with the
 * simulated clock. The ring holds whole lines: when a new line does not fit,
 * the oldest lines are dropped entirely.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

void printk_ring_init(struct printk_ring *r)
{
	r->buf = malloc(MMSIM_LOG_BUF_LEN);
	if (!r->buf)
		abort();
	r->head = 0;
	r->len = 0;
	r->seq = 0;
	r->console = false;
}

void printk_ring_free(struct printk_ring *r)
{
	free(r->buf);
	r->buf = NULL;
}

static char ring_at(const struct printk_ring *r, size_t i)
{
	return r->buf[(r->head + i) % MMSIM_LOG_BUF_LEN];
}

/* Drop oldest whole lines until n more bytes fit. */
static void ring_make_room(struct printk_ring *r, size_t n)
{
	while (r->len + n > MMSIM_LOG_BUF_LEN) {
		size_t i = 0;

		while (i < r->len && ring_at(r, i) != '\n')
			i++;
		i = i < r->len ? i + 1 : r->len;
		r->head = (r->head + i) % MMSIM_LOG_BUF_LEN;
		r->len -= i;
	}
}

static void ring_append(struct printk_ring *r, const char *s, size_t n)
{
	if (n > MMSIM_LOG_BUF_LEN / 2)
		n = MMSIM_LOG_BUF_LEN / 2;
	ring_make_room(r, n);
	for (size_t i = 0; i < n; i++)
		r->buf[(r->head + r->len + i) % MMSIM_LOG_BUF_LEN] = s[i];
	r->len += n;
}

void printk(struct machine *m, const char *fmt, ...)
{
	char body[1024], line[1100];
	va_list ap;
	uint64_t ns = m->clock_ns;
	const char *p, *nl;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);

	/* One stamp per line, as the kernel does for continuation-free text. */
	for (p = body; *p; p = nl ? nl + 1 : p + strlen(p)) {
		int n;

		nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		n = snprintf(line, sizeof(line), "[%5lu.%06lu] %.*s\n",
			     (unsigned long)(ns / 1000000000ULL),
			     (unsigned long)(ns % 1000000000ULL / 1000), (int)len, p);
		if (n < 0)
			return;
		if ((size_t)n >= sizeof(line))
			n = sizeof(line) - 1;
		ring_append(&m->log, line, (size_t)n);
		m->log.seq++;
		if (m->log.console)
			fputs(line, stderr);
		if (!nl)
			break;
	}
}

char *printk_ring_text(const struct machine *m, size_t *len)
{
	const struct printk_ring *r = &m->log;
	char *out = malloc(r->len + 1);

	if (!out)
		abort();
	for (size_t i = 0; i < r->len; i++)
		out[i] = ring_at(r, i);
	out[r->len] = '\0';
	if (len)
		*len = r->len;
	return out;
}
