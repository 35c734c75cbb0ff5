/*
 * printk.h - the machine's kernel log (dmesg ring).
 *
 * Lines are stamped with simulated time as "[%5lu.%06lu] " like the kernel's
 * printk. The ring keeps the newest MMSIM_LOG_BUF_LEN bytes; older lines are
 * dropped whole, never cut. Nothing is printed to the host's stdout/stderr
 * unless the machine was booted with the console option.
 */
#ifndef MMSIM_PRINTK_H
#define MMSIM_PRINTK_H

#include "compiler.h"

#define MMSIM_LOG_BUF_LEN (1u << 20)

struct machine;

struct printk_ring {
	char *buf;		/* MMSIM_LOG_BUF_LEN bytes, host memory */
	size_t head;		/* offset of the oldest byte */
	size_t len;		/* bytes in use */
	unsigned long seq;	/* lines ever logged */
	bool console;		/* also echo to stderr */
};

__printf(2, 3) void printk(struct machine *m, const char *fmt, ...);
#define pr_info(m, ...) printk(m, __VA_ARGS__)
#define pr_warn(m, ...) printk(m, __VA_ARGS__)
#define pr_err(m, ...)  printk(m, __VA_ARGS__)

/* Copy the ring, oldest line first, into a malloc'd NUL-terminated string. */
char *printk_ring_text(const struct machine *m, size_t *len);
void printk_ring_init(struct printk_ring *r);
void printk_ring_free(struct printk_ring *r);

#endif
