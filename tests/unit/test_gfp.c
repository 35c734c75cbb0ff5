/*
 * test_gfp.c - gfp_format() renders flags exactly as Linux 6.18's %pGg
 * (mmflags.h name order), gfp_parse() reads every rendering back.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"

static const char *fmt(gfp_t gfp)
{
	static char buf[512];

	return gfp_format(gfp, buf, sizeof(buf));
}

static void test_linux_strings(void **state)
{
	(void)state;
	assert_int_equal(GFP_KERNEL, 0xcc0);
	assert_string_equal(fmt(0xcc0), "GFP_KERNEL");
	assert_int_equal(GFP_HIGHUSER_MOVABLE | __GFP_COMP, 0x140cca);
	assert_string_equal(fmt(0x140cca), "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	assert_int_equal(GFP_ATOMIC, 0x820);
	assert_string_equal(fmt(0x820), "GFP_ATOMIC");
	assert_string_equal(fmt(GFP_NOWAIT), "GFP_NOWAIT");
	assert_string_equal(fmt(GFP_KERNEL | __GFP_NOWARN), "GFP_KERNEL|__GFP_NOWARN");
	assert_string_equal(fmt(GFP_KERNEL | __GFP_ZERO | __GFP_NORETRY),
			    "GFP_KERNEL|__GFP_ZERO|__GFP_NORETRY");
	assert_string_equal(fmt(GFP_KERNEL_ACCOUNT), "GFP_KERNEL_ACCOUNT");
	assert_string_equal(fmt(GFP_TRANSHUGE), "GFP_TRANSHUGE");
	assert_string_equal(fmt(GFP_TRANSHUGE_LIGHT), "GFP_TRANSHUGE_LIGHT");
	assert_string_equal(fmt(GFP_NOFS), "GFP_NOFS");
	assert_string_equal(fmt(GFP_NOIO), "GFP_NOIO");
	assert_string_equal(fmt(GFP_USER), "GFP_USER");
	assert_string_equal(fmt(GFP_DMA), "GFP_DMA");
	assert_string_equal(fmt(GFP_KERNEL | GFP_DMA32), "GFP_KERNEL|GFP_DMA32");
	/* GFP_ATOMIC takes __GFP_HIGH only with kswapd reclaim */
	assert_string_equal(fmt(__GFP_HIGH), "__GFP_HIGH");
	assert_string_equal(fmt(__GFP_DIRECT_RECLAIM), "__GFP_DIRECT_RECLAIM");
	/* GFP_NOIO is __GFP_RECLAIM and comes first */
	assert_string_equal(fmt(__GFP_RECLAIM | __GFP_WRITE), "GFP_NOIO|__GFP_WRITE");
	/* bit 9 has no name: the rest in hex, as vsprintf does */
	assert_string_equal(fmt(GFP_KERNEL | 0x200), "GFP_KERNEL|0x200");
	assert_string_equal(fmt(0), "none");
}

static void test_round_trip(void **state)
{
	(void)state;
	for (gfp_t g = 0; g < (1u << 20); g += 0x3b) {
		gfp_t back = 0;
		const char *bad = NULL;

		assert_int_equal(gfp_parse(fmt(g), &back, &bad), 0);
		assert_int_equal(back, g);
	}
	for (int b = 0; b < __GFP_BITS_SHIFT; b++) {
		gfp_t back = 0;

		assert_int_equal(gfp_parse(fmt(1u << b), &back, NULL), 0);
		assert_int_equal(back, 1u << b);
	}
}

static void test_parse(void **state)
{
	gfp_t g;
	const char *bad = NULL;

	(void)state;
	assert_int_equal(gfp_parse("GFP_KERNEL|__GFP_ZERO", &g, &bad), 0);
	assert_int_equal(g, GFP_KERNEL | __GFP_ZERO);
	assert_int_equal(gfp_parse("GFP_ATOMIC | __GFP_NOWARN", &g, &bad), 0);
	assert_int_equal(g, GFP_ATOMIC | __GFP_NOWARN);
	assert_int_equal(gfp_parse("0x140cca", &g, &bad), 0);
	assert_int_equal(g, 0x140cca);
	assert_int_equal(gfp_parse("GFP_KERNEL|__GFP_BOGUS", &g, &bad), -EINVAL);
	assert_string_equal(bad, "__GFP_BOGUS");
	assert_int_equal(gfp_parse("", &g, &bad), -EINVAL);
	assert_int_equal(gfp_parse("0x80000000", &g, &bad), -EINVAL);
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	gfp_format(0x140cca, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_HIG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_strings),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
