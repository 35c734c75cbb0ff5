/*
 * harness.h - shared helpers for the cmocka unit tests: boot a machine from
 * option text, run the validators after a step, read a /proc view.
 *
 * Every test that changes allocator state should call check_machine() after
 * each step: in the debug build the validators then run after every step,
 * as the issue asks; in the release build they run too (they are cheap at
 * test sizes), so a broken invariant fails both builds.
 */
#ifndef MMSIM_TEST_HARNESS_H
#define MMSIM_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm.h"

/*
 * Boot from "key=value" pairs separated by spaces, as mmsim_config_set()
 * takes them: test_boot("mem=256M nodes=2 cpus=4"). Fails the test (with the
 * boot error) when the machine does not boot.
 */
struct machine *test_boot(const char *options);
/* Boot expecting failure; returns the error text (static buffer). */
const char *test_boot_error(const char *options);
/* Run every validator; fails the test on any problem. */
void check_machine(struct machine *m);
/* A /proc view as text (malloc'd). */
char *test_proc(struct machine *m, const char *file);
/* Free pages in all zones (NR_FREE_PAGES, global). */
long test_free_pages(struct machine *m);

/* Text split into lines in place: v[0..n) point into buf. */
struct lines {
	char *buf;
	char **v;
	int n;
};
struct lines split_lines(const char *text);
void free_lines(struct lines *l);
/* A whole host file as text (malloc'd), or NULL if it cannot be read. */
char *read_text_file(const char *path);
/* The host kernel is our format reference only when it runs Linux 6.18. */
bool host_is_reference(void);

#endif
