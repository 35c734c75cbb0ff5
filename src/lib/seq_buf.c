/*
 * seq_buf.c - growable text buffers for /proc views. Host allocation failure
 * aborts: it is a failure of the simulator's host, not a simulated outcome.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seq_buf.h"

void seq_init(struct seq_buf *s)
{
	s->buf = NULL;
	s->len = 0;
	s->cap = 0;
}

static void seq_reserve(struct seq_buf *s, size_t extra)
{
	size_t need = s->len + extra + 1;

	if (need <= s->cap)
		return;
	size_t cap = s->cap ? s->cap : 4096;
	while (cap < need)
		cap *= 2;
	char *nb = realloc(s->buf, cap);
	if (!nb) {
		fprintf(stderr, "mmsim: host out of memory\n");
		abort();
	}
	s->buf = nb;
	s->cap = cap;
}

void seq_printf(struct seq_buf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	seq_reserve(s, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

void seq_puts(struct seq_buf *s, const char *str)
{
	size_t n = strlen(str);

	seq_reserve(s, n);
	memcpy(s->buf + s->len, str, n + 1);
	s->len += n;
}

void seq_putc(struct seq_buf *s, char c)
{
	seq_reserve(s, 1);
	s->buf[s->len++] = c;
	s->buf[s->len] = '\0';
}

char *seq_detach(struct seq_buf *s, size_t *len)
{
	char *b;

	seq_reserve(s, 0);
	b = s->buf;
	if (len)
		*len = s->len;
	seq_init(s);
	return b;
}

void seq_free(struct seq_buf *s)
{
	free(s->buf);
	seq_init(s);
}
