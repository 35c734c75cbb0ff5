/*
 * fuzz_lackey.c - libFuzzer target for the lackey trace parser
 * (src/trace/lackey.c). The input is trace text, fed in chunks whose size
 * the first byte picks (so lines split across chunks are exercised); the
 * second byte's low bit chooses the lenient mode. Whatever the input, the
 * parser must not crash, hang or leak, and what it accepted must survive
 * the round trip: records read back, saved as a cache, loaded, read back
 * again, identical.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mmsim/mmsim.h"

#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

static size_t read_all(const mmsim_trace *tr, struct mmsim_access **out)
{
	struct mmsim_trace_info info;
	struct mmsim_trace_cursor c;
	size_t n;

	mmsim_trace_info(tr, &info);
	*out = malloc((info.accesses + 1) * sizeof(**out));
	CHECK(*out);
	mmsim_trace_rewind(&c);
	n = mmsim_trace_next(tr, &c, *out, info.accesses + 1);
	CHECK(n == info.accesses);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmsim_access *a, *b;
	mmsim_trace *tr, *back;
	size_t chunk, n, len;
	char err[512];
	void *img;
	int ret = 0;

	if (size < 2)
		return 0;
	chunk = (size_t)data[0] + 1;
	tr = mmsim_trace_new(data[1] & 1 ? MMSIM_TRACE_LENIENT : 0);
	data += 2;
	size -= 2;
	for (size_t off = 0; off < size && !ret; off += chunk)
		ret = mmsim_trace_parse(tr, (const char *)data + off,
					size - off < chunk ? size - off : chunk, err, sizeof(err));
	if (!ret)
		ret = mmsim_trace_parse_end(tr, err, sizeof(err));
	if (ret)
		CHECK(!strncmp(err, "line ", 5));	/* every error names its line */
	n = read_all(tr, &a);
	img = mmsim_trace_save(tr, &len);
	CHECK(img);
	back = mmsim_trace_load(img, len, err, sizeof(err));
	CHECK(back);
	CHECK(read_all(back, &b) == n);
	CHECK(!memcmp(a, b, n * sizeof(*a)));
	for (size_t i = 0; i < n; i++)
		CHECK(a[i].size >= 1 && a[i].kind <= MMSIM_ACCESS_INSTR &&
		      a[i].addr + a[i].size - 1 >= a[i].addr);
	free(a);
	free(b);
	free(img);
	mmsim_trace_free(back);
	mmsim_trace_free(tr);
	return 0;
}
