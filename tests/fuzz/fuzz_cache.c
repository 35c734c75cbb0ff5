/*
 * fuzz_cache.c - libFuzzer target for the binary trace cache reader
 * (src/trace/cache.c): any bytes, loaded. A refused file must come with a
 * reason; an accepted one must decode to exactly the accesses its header
 * counts, each well formed, and save again to a file that loads again to
 * the same accesses.
 *
 * A random file almost never has the right checksum, so half the inputs
 * (first byte odd) are wrapped first: the next 40 bytes give the header's
 * counts, the rest is the records, and the checksum is made to match. The
 * record decoder and the count checks then see fuzzed bytes directly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mmsim/mmsim.h"

#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)
#define BATCH		256

/* Every access of tr, checked; their count. Hashes them into *h. */
static uint64_t walk(const mmsim_trace *tr, uint64_t *h)
{
	struct mmsim_access a[BATCH];
	struct mmsim_trace_cursor c;
	uint64_t total = 0;
	size_t n;

	mmsim_trace_rewind(&c);
	*h = 1469598103934665603ULL;
	while ((n = mmsim_trace_next(tr, &c, a, BATCH)) > 0) {
		for (size_t i = 0; i < n; i++) {
			CHECK(a[i].size >= 1 && a[i].size <= 65536);
			CHECK(a[i].kind <= MMSIM_ACCESS_INSTR);
			CHECK(a[i].addr + a[i].size - 1 >= a[i].addr);
			*h = (*h ^ a[i].addr ^ ((uint64_t)a[i].size << 40) ^ a[i].kind) * 1099511628211ULL;
		}
		total += n;
	}
	return total;
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A cache file around data: counts from its first 40 bytes, then records. */
static uint8_t *wrap(const uint8_t *data, size_t size, size_t *len)
{
	uint8_t *img;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t plen;

	if (size < 40)
		return NULL;
	plen = size - 40;
	img = calloc(1, 80 + plen);
	CHECK(img);
	memcpy(img, "MMSIMTRC", 8);
	put_le(img + 8, 1, 4);
	memcpy(img + 16, data, 40);		/* records, then by kind */
	put_le(img + 56, plen, 8);
	memcpy(img + 80, data + 40, plen);
	for (size_t i = 0; i < plen; i++) {
		h ^= img[80 + i];
		h *= 0x100000001b3ULL;
	}
	put_le(img + 64, h, 8);
	*len = 80 + plen;
	return img;
}

static int load_one(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *img;
	size_t len;

	if (size && (data[0] & 1) && (img = wrap(data + 1, size - 1, &len))) {
		load_one(img, len);
		free(img);
		return 0;
	}
	return load_one(data, size);
}

static int load_one(const uint8_t *data, size_t size)
{
	struct mmsim_trace_info info;
	mmsim_trace *tr, *again;
	char err[512] = "";
	uint64_t h1, h2;
	size_t len;
	void *img;

	tr = mmsim_trace_load(data, size, err, sizeof(err));
	if (!tr) {
		CHECK(err[0]);
		return 0;
	}
	mmsim_trace_info(tr, &info);
	CHECK(walk(tr, &h1) == info.accesses);
	img = mmsim_trace_save(tr, &len);
	CHECK(img);
	again = mmsim_trace_load(img, len, err, sizeof(err));
	CHECK(again);
	CHECK(walk(again, &h2) == info.accesses && h1 == h2);
	free(img);
	mmsim_trace_free(again);
	mmsim_trace_free(tr);
	return 0;
}
