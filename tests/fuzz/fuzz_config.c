/*
 * fuzz_config.c - libFuzzer target for the option and size parsers
 * (src/kernel/config.c, src/mm/gfp.c): mmsim_parse_size, mmsim_config_set
 * with every key, the whole-configuration check boot_config_check, and
 * mmsim_gfp_parse / mmsim_madvise_parse. The input is lines; a line's
 * first byte picks the key (an index into mmsim_config_keys()), the rest
 * is the value. Refusals must say why; nothing may crash or hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "mmsim/mmsim.h"

#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

/*
 * struct mmsim_config (config.c) begins with its struct boot_config: a
 * pointer to a struct is a pointer to its first member, so the check can
 * be run without booting.
 */
static const struct boot_config *cfg_of(const mmsim_config *c)
{
	return (const struct boot_config *)(const void *)c;
}

static void one_value(mmsim_config *cfg, const char *key, const char *value)
{
	char err[512] = "";
	unsigned int gfp;
	uint64_t bytes;

	if (mmsim_parse_size(value, &bytes, err, sizeof(err)))
		CHECK(err[0]);
	err[0] = '\0';
	if (mmsim_config_set(cfg, key, value, err, sizeof(err)))
		CHECK(err[0]);
	err[0] = '\0';
	if (mmsim_gfp_parse(value, &gfp, err, sizeof(err)))
		CHECK(err[0]);
	mmsim_madvise_parse(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *const *keys = mmsim_config_keys();
	mmsim_config *cfg = mmsim_config_new();
	char *text = malloc(size + 1), *line, *save = NULL, err[512] = "";
	size_t nkeys = 0;

	CHECK(cfg && text);
	while (keys[nkeys])
		nkeys++;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!line[0])
			continue;
		one_value(cfg, keys[(unsigned char)line[0] % nkeys], line + 1);
	}
	if (boot_config_check(cfg_of(cfg), err, sizeof(err)))
		CHECK(err[0]);
	mmsim_config_set(cfg, NULL, "x", err, sizeof(err));
	mmsim_config_set(cfg, "mem", NULL, err, sizeof(err));
	mmsim_config_free(cfg);
	free(text);
	return 0;
}
