/* fuzz_mustache: the template engine. The first byte holds options, the next
 * two the template's length; then the template, then YAML data up to the
 * first NUL, then partial sources separated by NUL bytes (named p0, p1, ...).
 * The template itself is registered as "main", so recursion is reachable. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guide/yaml.h"
#include "render/mustache.h"
#include "util/buf.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARTIALS 4

enum {
	OPT_NO_LOOKUP = 1, /* render without partials: the tags render as nothing */
	OPT_NO_DATA = 2,   /* render with a NULL context */
	OPT_TWICE = 4,     /* render twice into the same buffer (appends, state reset) */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	unsigned opts = data[0];
	size_t tlen = (size_t)data[1] | (size_t)data[2] << 8;
	const char *src = (const char *)data + 3;
	size_t len = size - 3;
	if (tlen > len)
		tlen = len;
	diag_list_t diags = DIAG_LIST_INIT;
	mst_registry_t *reg = mst_registry_new(&diags);
	mst_registry_add(reg, "main", NULL, src, tlen);

	const char *rest = src + tlen;
	size_t rlen = len - tlen;
	const char *nul = memchr(rest, '\0', rlen);
	size_t dlen = nul ? (size_t)(nul - rest) : rlen;
	value_t *ctx = yaml_parse("data.yml", rest, dlen, 0, &diags);
	for (int i = 0; nul && i < MAX_PARTIALS; i++) {
		const char *p = nul + 1;
		size_t left = rlen - (size_t)(p - rest);
		nul = memchr(p, '\0', left);
		char name[3] = {'p', (char)('0' + i), '\0'};
		mst_registry_add(reg, name, NULL, p, nul ? (size_t)(nul - p) : left);
	}

	const mst_t *t = mst_registry_get(reg, "main", 4);
	if (t) {
		buf_t out = BUF_INIT;
		for (int k = 0; k < ((opts & OPT_TWICE) ? 2 : 1); k++)
			mst_render(t, (opts & OPT_NO_DATA) ? NULL : ctx,
				   (opts & OPT_NO_LOOKUP) ? NULL : mst_registry_lookup, reg, &out, &diags);
		buf_free(&out);
	}
	value_free(ctx);
	mst_registry_free(reg);
	diag_list_free(&diags);
	return 0;
}
