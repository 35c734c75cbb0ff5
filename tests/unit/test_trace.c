/*
 * test_trace.c - the trace half of replay (src/trace/): the lackey parser
 * on good lines and on every kind of bad line (each error names its line
 * number, the reason and the line), chunked input, the lenient mode, the
 * compact encoding read back by the cursor, and the binary cache: round
 * trip, then truncation at every length and every single byte changed,
 * each refused with a reason and never a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"

/* Parse text whole (strict); the return of parse or parse_end, error in err. */
static int parse_all(mmsim_trace *tr, const char *text, char *err, size_t errlen)
{
	int ret = mmsim_trace_parse(tr, text, strlen(text), err, errlen);

	return ret ? ret : mmsim_trace_parse_end(tr, err, errlen);
}

static size_t read_all(const mmsim_trace *tr, struct mmsim_access *out, size_t max)
{
	struct mmsim_trace_cursor c;

	mmsim_trace_rewind(&c);
	return mmsim_trace_next(tr, &c, out, max);
}

static const char good_text[] =
	"==9813== Lackey, an example Valgrind tool\n"
	"==9813== Command: ./sort -n input.txt\n"
	"==9813== \n"
	"I  0401ab70,3\n"
	" S 1fff000628,8\n"
	" L 04a5c2d8,4\n"
	" M 04a5c2d8,4\n"
	"SB 0401ab70\n"
	"\n"
	"I\t0401AB73,5\r\n"
	" L ffffffffff600000,8\n"
	" S 10,512\n"
	"--9813-- a debug line\n"
	"**9813** a warning\n"
	" L 0,1\n"
	"==9813== Exit code: 0\n";

static void test_good_lines(void **state)
{
	mmsim_trace *tr = mmsim_trace_new(0);
	struct mmsim_access a[16];
	struct mmsim_trace_info info;
	char err[512] = "";

	(void)state;
	assert_int_equal(parse_all(tr, good_text, err, sizeof(err)), 0);
	assert_int_equal(read_all(tr, a, 16), 8);
	assert_true(a[0].addr == 0x401ab70 && a[0].size == 3 && a[0].kind == MMSIM_ACCESS_INSTR);
	assert_true(a[1].addr == 0x1fff000628ULL && a[1].size == 8 && a[1].kind == MMSIM_ACCESS_STORE);
	assert_true(a[2].addr == 0x4a5c2d8 && a[2].size == 4 && a[2].kind == MMSIM_ACCESS_LOAD);
	assert_true(a[3].addr == 0x4a5c2d8 && a[3].kind == MMSIM_ACCESS_MODIFY);
	assert_true(a[4].addr == 0x401ab73 && a[4].size == 5 && a[4].kind == MMSIM_ACCESS_INSTR);
	assert_true(a[5].addr == 0xffffffffff600000ULL && a[5].size == 8);
	assert_true(a[6].addr == 0x10 && a[6].size == 512);	/* size escape */
	assert_true(a[7].addr == 0 && a[7].size == 1);
	mmsim_trace_info(tr, &info);
	assert_int_equal(info.accesses, 8);
	assert_int_equal(info.by_kind[MMSIM_ACCESS_INSTR], 2);
	assert_int_equal(info.by_kind[MMSIM_ACCESS_LOAD], 3);
	assert_int_equal(info.by_kind[MMSIM_ACCESS_STORE], 2);
	assert_int_equal(info.by_kind[MMSIM_ACCESS_MODIFY], 1);
	assert_int_equal(info.lines, 16);
	assert_string_equal(info.command, "./sort -n input.txt");
	assert_true(info.encoded_bytes < 8 * 8);	/* compact */
	mmsim_trace_free(tr);
}

/* The same text fed in pieces of every size from 1 to 40 gives the same trace. */
static void test_chunks(void **state)
{
	struct mmsim_access whole[16], part[16];
	mmsim_trace *ref = mmsim_trace_new(0);
	size_t len = strlen(good_text), n;
	char err[256];

	(void)state;
	assert_int_equal(parse_all(ref, good_text, err, sizeof(err)), 0);
	n = read_all(ref, whole, 16);
	for (size_t step = 1; step <= 40; step++) {
		mmsim_trace *tr = mmsim_trace_new(0);
		struct mmsim_trace_info info;

		for (size_t off = 0; off < len; off += step)
			assert_int_equal(mmsim_trace_parse(tr, good_text + off,
							   off + step > len ? len - off : step,
							   err, sizeof(err)), 0);
		assert_int_equal(mmsim_trace_parse_end(tr, err, sizeof(err)), 0);
		assert_int_equal(read_all(tr, part, 16), n);
		assert_memory_equal(part, whole, n * sizeof(part[0]));
		mmsim_trace_info(tr, &info);
		assert_string_equal(info.command, "./sort -n input.txt");
		mmsim_trace_free(tr);
	}
	mmsim_trace_free(ref);
}

static void test_unterminated_last_line(void **state)
{
	mmsim_trace *tr = mmsim_trace_new(0);
	struct mmsim_access a[2];
	char err[256];

	(void)state;
	assert_int_equal(mmsim_trace_parse(tr, "I  1000,4\n L 2000,8", 19, err, sizeof(err)), 0);
	assert_int_equal(read_all(tr, a, 2), 1);	/* the last line waits */
	assert_int_equal(mmsim_trace_parse_end(tr, err, sizeof(err)), 0);
	assert_int_equal(read_all(tr, a, 2), 2);
	assert_true(a[1].addr == 0x2000 && a[1].size == 8);
	mmsim_trace_free(tr);
}

struct bad_case {
	const char *line;
	const char *why;
};

static const struct bad_case bad_cases[] = {
	{ " X 0400,4", "unknown record" },
	{ "hello world", "unknown record" },
	{ "I0400,4", "no blank after the record type" },
	{ "I  ,4", "no hex address" },
	{ "I  04g0,4", "no ',' after the address" },
	{ " L 11112222333344445,4", "address longer than 64 bits" },
	{ "I  0400 4", "no ',' after the address" },
	{ "I  0400,", "no decimal size" },
	{ "I  0400,x", "no decimal size" },
	{ " S 0400,0", "size 0" },
	{ " S 0400,70000", "size larger than 65536" },
	{ " S 0400,99999999999999999999999", "size larger than 65536" },
	{ " L 0400,4 extra", "unexpected text after the size" },
	{ " L 0400,4,4", "unexpected text after the size" },
	{ " L ffffffffffffffff,2", "access wraps past the end" },
	{ "==12 not a banner", "unknown record" },
	{ "I", "no blank after the record type" },
};

/* Each bad line, after two good ones and a banner: line 4, its reason, quoted. */
static void test_bad_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		mmsim_trace *tr = mmsim_trace_new(0);
		char text[256], err[512] = "", want[300];

		snprintf(text, sizeof(text), "==1== x\nI  1000,4\n L 2000,4\n%s\n S 3000,4\n",
			 bad_cases[i].line);
		assert_int_equal(parse_all(tr, text, err, sizeof(err)), -EINVAL);
		snprintf(want, sizeof(want), "line 4: %s", bad_cases[i].why);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("'%s': got '%s', want '%s...'", bad_cases[i].line, err, want);
		snprintf(want, sizeof(want), "'%s'", bad_cases[i].line);
		if (!strstr(err, want))
			fail_msg("'%s': the error does not quote the line: %s", bad_cases[i].line, err);
		/* The records before stay; nothing more is parsed. */
		assert_int_equal(mmsim_trace_parse(tr, "I  1,1\n", 7, err, sizeof(err)), -EINVAL);
		{
			struct mmsim_trace_info info;

			mmsim_trace_info(tr, &info);
			assert_int_equal(info.accesses, 2);
		}
		mmsim_trace_free(tr);
	}
}

static void test_bad_bytes_and_long_lines(void **state)
{
	mmsim_trace *tr = mmsim_trace_new(0);
	char err[512] = "", *big = malloc(6000);
	const char nul[] = "I  1000,4\n L 20\0000,4\n";

	(void)state;
	assert_int_equal(mmsim_trace_parse(tr, nul, sizeof(nul) - 1, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line 2: NUL byte in the line: ' L 20\\x000,4'"));
	mmsim_trace_free(tr);

	/* A line longer than 4096 bytes, fed whole and fed in pieces. */
	memset(big, '7', 5999);
	memcpy(big, "I  ", 3);
	big[5999] = '\n';
	for (int pieces = 0; pieces < 2; pieces++) {
		tr = mmsim_trace_new(0);
		if (pieces) {
			for (int off = 0; off < 6000; off += 1000)
				if (mmsim_trace_parse(tr, big + off, 1000, err, sizeof(err)))
					break;
		} else {
			mmsim_trace_parse(tr, big, 6000, err, sizeof(err));
		}
		assert_non_null(strstr(err, "line 1: line longer than 4096 bytes: 'I  7777"));
		assert_non_null(strstr(err, "...'"));
		mmsim_trace_free(tr);
	}
	/* A long valgrind line is skipped, not an error. */
	memcpy(big, "==42== ", 7);
	tr = mmsim_trace_new(0);
	assert_int_equal(mmsim_trace_parse(tr, big, 6000, err, sizeof(err)), 0);
	assert_int_equal(mmsim_trace_parse_end(tr, err, sizeof(err)), 0);
	mmsim_trace_free(tr);
	free(big);
}

static void test_lenient(void **state)
{
	mmsim_trace *tr = mmsim_trace_new(MMSIM_TRACE_LENIENT);
	struct mmsim_trace_info info;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse_all(tr, "I  1000,4\nprogram output\n L 2000,4\n S 1,0\n M 3000,2\n",
				   err, sizeof(err)), 0);
	mmsim_trace_info(tr, &info);
	assert_int_equal(info.accesses, 3);
	assert_int_equal(info.skipped, 2);
	assert_string_equal(info.first_bad, "line 2: unknown record (lackey writes I, L, S, M): "
			    "'program output'");
	mmsim_trace_free(tr);
}

static void test_api_misuse(void **state)
{
	struct mmsim_access a = { 0x1000, 0, 0 }, out[1];
	struct mmsim_trace_cursor c = { 0 };
	struct mmsim_trace_info info;
	mmsim_trace *tr = mmsim_trace_new(0);

	(void)state;
	assert_int_equal(mmsim_trace_parse(NULL, "x", 1, NULL, 0), -EINVAL);
	assert_int_equal(mmsim_trace_parse(tr, NULL, 3, NULL, 0), -EINVAL);
	assert_int_equal(mmsim_trace_parse(tr, "bad\n", 4, NULL, 0), -EINVAL);	/* no err buffer */
	assert_int_equal(mmsim_trace_parse_end(NULL, NULL, 0), -EINVAL);
	assert_int_equal(mmsim_trace_add(tr, &a, 1), -EINVAL);		/* size 0 */
	a.size = 4;
	a.kind = 4;
	assert_int_equal(mmsim_trace_add(tr, &a, 1), -EINVAL);		/* kind */
	a.kind = 0;
	a.addr = ~0ULL - 1;
	assert_int_equal(mmsim_trace_add(tr, &a, 1), -EINVAL);		/* wraps */
	assert_int_equal(mmsim_trace_next(NULL, &c, out, 1), 0);
	assert_int_equal(mmsim_trace_next(tr, NULL, out, 1), 0);
	c.pos = 1ULL << 40;
	assert_int_equal(mmsim_trace_next(tr, &c, out, 1), 0);
	mmsim_trace_info(NULL, &info);
	assert_int_equal(info.accesses, 0);
	mmsim_trace_info(tr, NULL);
	mmsim_trace_rewind(NULL);
	mmsim_trace_free(NULL);
	assert_null(mmsim_trace_save(NULL, NULL));
	assert_null(mmsim_trace_load(NULL, 0, NULL, 0));
	assert_false(mmsim_trace_is_cache(NULL, 8));
	mmsim_trace_free(tr);
}

/* ---- the encoding and the cache ---- */

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* n accesses with every kind, near and far deltas, sizes on both sides of the escape. */
static mmsim_trace *random_trace(size_t n, uint64_t seed, struct mmsim_access *keep)
{
	mmsim_trace *tr = mmsim_trace_new(0);
	uint64_t s = seed, at = 0x400000;

	for (size_t i = 0; i < n; i++) {
		struct mmsim_access a;
		uint64_t r = xs(&s);

		at = (r & 3) == 0 ? (xs(&s) & ((1ULL << 47) - 1)) : at + (r >> 60) * 8 - 32;
		if (at >= 1ULL << 47)
			at = 0x400000;		/* stepped below 0 */
		a.kind = (uint32_t)((r >> 8) & 3);
		a.size = (r & 0x30000) ? (uint32_t)(1 + ((r >> 20) & 15))
				       : (uint32_t)(1 + ((r >> 20) & 0xffff));
		a.addr = at;
		assert_int_equal(mmsim_trace_add(tr, &a, 1), 0);
		if (keep)
			keep[i] = a;
	}
	return tr;
}

static void test_encoding_round_trip(void **state)
{
	enum { N = 20000 };
	struct mmsim_access *want = malloc(N * sizeof(*want)), *got = malloc(N * sizeof(*got));
	mmsim_trace *tr = random_trace(N, 42, want);
	struct mmsim_trace_cursor c;
	size_t n = 0, k;

	(void)state;
	/* Read back in odd-sized batches: the cursor's state carries over. */
	mmsim_trace_rewind(&c);
	while ((k = mmsim_trace_next(tr, &c, got + n, n % 7 + 1)) > 0)
		n += k;
	assert_int_equal(n, N);
	assert_memory_equal(got, want, N * sizeof(*got));
	free(want);
	free(got);
	mmsim_trace_free(tr);
}

static void test_cache_round_trip(void **state)
{
	enum { N = 5000 };
	struct mmsim_access *want = malloc(N * sizeof(*want)), *got = malloc(N * sizeof(*got));
	mmsim_trace *tr = mmsim_trace_new(0), *back;
	struct mmsim_trace_info a, b;
	struct mmsim_access more = { 0x12345678, 8, MMSIM_ACCESS_STORE };
	char err[256] = "";
	size_t len;
	void *img;

	(void)state;
	assert_int_equal(parse_all(tr, "==7== Command: /bin/true --x\n", err, sizeof(err)), 0);
	mmsim_trace_free(random_trace(0, 1, NULL));
	{
		mmsim_trace *r = random_trace(N, 7, want);
		struct mmsim_trace_cursor c;

		mmsim_trace_rewind(&c);
		assert_int_equal(mmsim_trace_next(r, &c, got, N), N);
		assert_int_equal(mmsim_trace_add(tr, got, N), 0);
		mmsim_trace_free(r);
	}
	img = mmsim_trace_save(tr, &len);
	assert_non_null(img);
	assert_true(mmsim_trace_is_cache(img, len));
	back = mmsim_trace_load(img, len, err, sizeof(err));
	if (!back)
		fail_msg("load: %s", err);
	mmsim_trace_info(tr, &a);
	mmsim_trace_info(back, &b);
	assert_int_equal(b.accesses, N);
	assert_memory_equal(a.by_kind, b.by_kind, sizeof(a.by_kind));
	assert_string_equal(b.command, "/bin/true --x");
	assert_int_equal(read_all(back, got, N), N);
	assert_memory_equal(got, want, N * sizeof(*got));
	/* A loaded trace can grow: the encoder's state came back with it. */
	assert_int_equal(mmsim_trace_add(back, &more, 1), 0);
	{
		struct mmsim_access *all = malloc((N + 1) * sizeof(*all));

		assert_int_equal(read_all(back, all, N + 1), N + 1);
		assert_true(all[N].addr == more.addr && all[N].size == 8);
		free(all);
	}
	/* An empty trace round-trips too. */
	{
		mmsim_trace *e = mmsim_trace_new(0), *e2;
		size_t elen;
		void *eimg = mmsim_trace_save(e, &elen);

		e2 = mmsim_trace_load(eimg, elen, err, sizeof(err));
		assert_non_null(e2);
		mmsim_trace_free(e2);
		mmsim_trace_free(e);
		free(eimg);
	}
	free(img);
	free(want);
	free(got);
	mmsim_trace_free(back);
	mmsim_trace_free(tr);
}

static void test_cache_corruption(void **state)
{
	mmsim_trace *tr = random_trace(300, 99, NULL), *back;
	unsigned char *img, *bad;
	char err[256];
	size_t len;

	(void)state;
	img = mmsim_trace_save(tr, &len);
	bad = malloc(len + 1);
	/* Every truncation is refused. */
	for (size_t cut = 0; cut < len; cut++) {
		memcpy(bad, img, cut);
		err[0] = '\0';
		back = mmsim_trace_load(bad, cut, err, sizeof(err));
		if (back)
			fail_msg("a cache cut to %zu of %zu bytes was accepted", cut, len);
		assert_true(err[0] != '\0');
	}
	/* A byte more is refused. */
	memcpy(bad, img, len);
	bad[len] = 0;
	assert_null(mmsim_trace_load(bad, len + 1, err, sizeof(err)));
	assert_non_null(strstr(err, "truncated or padded"));
	/* Every single byte changed (three ways) is refused. */
	for (size_t i = 0; i < len; i++) {
		static const unsigned char flips[] = { 0x01, 0x80, 0xff };

		for (size_t f = 0; f < sizeof(flips); f++) {
			memcpy(bad, img, len);
			bad[i] ^= flips[f];
			back = mmsim_trace_load(bad, len, err, sizeof(err));
			if (back)
				fail_msg("byte %zu ^ %#x was accepted", i, flips[f]);
		}
	}
	/* The reasons a user reads. */
	memcpy(bad, img, len);
	bad[8] = 2;
	assert_null(mmsim_trace_load(bad, len, err, sizeof(err)));
	assert_string_equal(err, "version 2; this mmsim reads version 1");
	assert_null(mmsim_trace_load("I  1000,4\n", 10, err, sizeof(err)));
	assert_string_equal(err, "not an mmsim trace cache (no MMSIMTRC magic)");
	memcpy(bad, img, len);
	bad[len - 1] ^= 0x55;
	assert_null(mmsim_trace_load(bad, len, err, sizeof(err)));
	assert_string_equal(err, "corrupt: checksum mismatch");
	free(bad);
	free(img);
	mmsim_trace_free(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_lines),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_unterminated_last_line),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_bad_bytes_and_long_lines),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_api_misuse),
		cmocka_unit_test(test_encoding_round_trip),
		cmocka_unit_test(test_cache_round_trip),
		cmocka_unit_test(test_cache_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
