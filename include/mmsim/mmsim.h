/*
 * mmsim.h - the public C API of libmmsim: boot a simulated Linux machine,
 * drive it, read its /proc. The only header a user includes; everything
 * behind it is opaque.
 *
 * Conventions: functions that can fail for a reason the simulated kernel
 * would report return a negative errno (-ENOMEM, -EINVAL, ...) or NULL with
 * a one-line reason in the caller's err buffer; they never abort on bad
 * input. Kernel addresses are Linux x86-64 direct-map addresses
 * (0xffff888000000000 + physical address). Sizes are bytes.
 */
#ifndef MMSIM_MMSIM_H
#define MMSIM_MMSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MMSIM_VERSION "0.1.0"

typedef struct mmsim_config mmsim_config;
typedef struct machine mmsim_machine;
typedef struct kmem_cache mmsim_cache;

/* ---- Configuration ---- */

mmsim_config *mmsim_config_new(void);
void mmsim_config_free(mmsim_config *cfg);
/*
 * Set one machine option by name, from text. Names are those of the CLI
 * without dashes: mem ("4G"), node_mem ("1G,3G"), nodes, cpus, swap, disk,
 * rmap (scan|pte_chain|anon_vma|anon_vma_chain), thp (always|madvise|never),
 * arch (x86_64|i386-pae|i386), seed, metadata_only (0|1), zero_page (0|1),
 * kernel_image (size), movablecore (size), kernelcore (size), console (0|1),
 * sysctl ("vm.KEY=VALUE", repeatable). Returns 0 or -EINVAL with a reason.
 */
int mmsim_config_set(mmsim_config *cfg, const char *key, const char *value,
		     char *err, size_t errlen);
/* Option names mmsim_config_set() knows, NULL-terminated. */
const char *const *mmsim_config_keys(void);
/* "4G", "512M", "100k", "4096" (bytes); binary units. 0 or -EINVAL. */
int mmsim_parse_size(const char *text, uint64_t *bytes, char *err, size_t errlen);

/* ---- Machines ---- */

mmsim_machine *mmsim_boot(const mmsim_config *cfg, char *err, size_t errlen);
void mmsim_shutdown(mmsim_machine *m);
/* Run every invariant validator; 0 when consistent, else problems (see dmesg). */
int mmsim_check(mmsim_machine *m);
uint64_t mmsim_clock_ns(const mmsim_machine *m);

/*
 * A /proc file as text: "meminfo", "zoneinfo", "buddyinfo", "pagetypeinfo",
 * "slabinfo", "vmstat", "sys/vm/NAME". malloc'd, NUL-terminated; NULL with
 * errno = ENOENT for an unknown file.
 */
char *mmsim_proc_read(mmsim_machine *m, const char *path, size_t *len);
/* The machine-wide /proc files mmsim_proc_read() knows, NULL-terminated. */
const char *const *mmsim_proc_files(void);
/* The kernel log, oldest line first; malloc'd. */
char *mmsim_dmesg(mmsim_machine *m, size_t *len);

int mmsim_sysctl_set(mmsim_machine *m, const char *name, const char *value,
		     char *err, size_t errlen);
/* The value as /proc/sys/vm/NAME prints it. 0 or -ENOENT. */
int mmsim_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len);
/* Sysctl names ("vm.min_free_kbytes", ...), NULL-terminated. */
const char *const *mmsim_sysctl_names(void);

/* Every /proc/vmstat counter, in its order. Returns the count. */
struct mmsim_counter {
	const char *name;
	long long value;
};
size_t mmsim_vmstat(mmsim_machine *m, struct mmsim_counter *out, size_t max);

/* ---- Kernel-side allocators, for studying them directly ---- */

/* "GFP_KERNEL|__GFP_ZERO" into flags. 0 or -EINVAL naming the bad flag. */
int mmsim_gfp_parse(const char *text, unsigned int *gfp, char *err, size_t errlen);
/* 2^order frames; the first pfn, or -ENOMEM (logged unless __GFP_NOWARN). */
int64_t mmsim_alloc_pages(mmsim_machine *m, unsigned int gfp, unsigned int order);
/* 0, or -EINVAL when pfn/order is not a block this API handed out. */
int mmsim_free_pages(mmsim_machine *m, uint64_t pfn, unsigned int order);

/* Object addresses; 0 on failure. kmalloc(0) returns ZERO_SIZE_PTR (16). */
uint64_t mmsim_kmalloc(mmsim_machine *m, size_t size, unsigned int gfp);
/* 0, or -EINVAL for an address kmalloc did not return (nothing is freed). */
int mmsim_kfree(mmsim_machine *m, uint64_t addr);
/* The usable size of a kmalloc'd object, or 0 for a bad address. */
size_t mmsim_ksize(mmsim_machine *m, uint64_t addr);

mmsim_cache *mmsim_kmem_cache_create(mmsim_machine *m, const char *name, size_t size,
				     size_t align, char *err, size_t errlen);
uint64_t mmsim_kmem_cache_alloc(mmsim_machine *m, mmsim_cache *c, unsigned int gfp);
int mmsim_kmem_cache_free(mmsim_machine *m, mmsim_cache *c, uint64_t addr);
void mmsim_kmem_cache_destroy(mmsim_machine *m, mmsim_cache *c);

/* Fault injection: make the nth next page ("page") or slab ("slab")
 * allocation fail; repeat != 0 keeps failing after it. nth = 0 disarms. */
int mmsim_fail_nth(mmsim_machine *m, const char *kind, unsigned long nth, int repeat);

#ifdef __cplusplus
}
#endif

#endif
