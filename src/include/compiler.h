/*
 * compiler.h - the small vocabulary every file of the simulated kernel uses:
 * branch hints, container_of, min/max, alignment and bit helpers.
 *
 * Invariant: nothing here has state; everything is a macro or a static inline.
 */
#ifndef MMSIM_COMPILER_H
#define MMSIM_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#ifndef __maybe_unused
#define __maybe_unused __attribute__((unused))
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif
#ifndef __cold
#define __cold __attribute__((cold))
#endif
#ifndef __noreturn
#define __noreturn __attribute__((noreturn))
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max((v), (lo)), (hi))

#define ALIGN(x, a)       (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)  ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)  (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define BIT(n) (1UL << (n))

#define SZ_1K   0x400UL
#define SZ_4K   0x1000UL
#define SZ_1M   0x100000UL
#define SZ_2M   0x200000UL
#define SZ_16M  0x1000000UL
#define SZ_1G   0x40000000UL
#define SZ_4G   0x100000000UL

/* fls: 1-based index of the most significant set bit, 0 for 0 (as Linux). */
static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline int fls64(uint64_t x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* __ffs: 0-based index of the least significant set bit; x must not be 0. */
static inline unsigned long __ffs(unsigned long x)
{
	return (unsigned long)__builtin_ctzl(x);
}

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return n ? 1UL << (fls64(n) - 1) : 0;
}

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* int_sqrt: floor of the square root, as lib/math/int_sqrt.c computes it. */
unsigned long int_sqrt(unsigned long x);

/* Error pointers (include/linux/err.h): -4095..-1 encoded in a pointer. */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR(ptr); }

#endif
