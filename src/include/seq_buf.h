/*
 * seq_buf.h - a growable text buffer that /proc views print into, like the
 * kernel's seq_file. Allocation failure of the host is fatal (it is not a
 * simulated outcome).
 */
#ifndef MMSIM_SEQ_BUF_H
#define MMSIM_SEQ_BUF_H

#include "compiler.h"

struct seq_buf {
	char *buf;
	size_t len;
	size_t cap;
};

void seq_init(struct seq_buf *s);
__printf(2, 3) void seq_printf(struct seq_buf *s, const char *fmt, ...);
void seq_puts(struct seq_buf *s, const char *str);
void seq_putc(struct seq_buf *s, char c);
/* Hand the text to the caller (malloc'd, NUL-terminated); s is empty after. */
char *seq_detach(struct seq_buf *s, size_t *len);
void seq_free(struct seq_buf *s);

#endif
