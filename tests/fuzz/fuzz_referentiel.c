/* fuzz_referentiel: the référentiel readers (guide/ref_json, guide/ref_csv)
 * on arbitrary bytes. The first byte chooses the reader: 0 JSON (parsed by
 * guide/yaml, recognised by its shape as referentiel_load does), 1 CSV
 * without a profile (sobre's export or a csv-no-profile error), 2 CSV with
 * the RGESN 2024 profile's mapping; the rest is the file. Whatever the
 * input, the référentiel that comes back must hold: ids usable and unique,
 * each found again by referentiel_find; themes that partition the items in
 * order; every item's theme, sections and priority valid for its profile.
 * A broken invariant aborts. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/ref_csv.h"
#include "guide/ref_json.h"
#include "guide/yaml.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                      \
	do {                                                                                             \
		if (!(cond)) {                                                                           \
			fprintf(stderr, "fuzz_referentiel: line %d: invariant failed: %s\n", __LINE__, #cond); \
			abort();                                                                         \
		}                                                                                        \
	} while (0)

static void check_model(const referentiel_t *r)
{
	diag_list_t d = DIAG_LIST_INIT;
	size_t next = 0;
	for (size_t t = 0; t < r->nthemes; t++) {
		CHECK(r->themes[t].first == next);
		next += r->themes[t].count;
	}
	CHECK(next == r->nitems);
	for (size_t i = 0; i < r->nitems; i++) {
		const ref_item_t *it = &r->items[i];
		CHECK(ref_check_id(&d, "f", 0, 0, "x", it->id));
		CHECK(referentiel_find(r, it->id) == it);
		CHECK(it->theme < r->nthemes);
		CHECK(i >= r->themes[it->theme].first && i < r->themes[it->theme].first + r->themes[it->theme].count);
		CHECK(it->nsections <= REFERENTIEL_MAX_SECTIONS);
		CHECK(*it->title);
		if (r->profile && r->profile->npriorities)
			CHECK(profile_priority_parse(r->profile, it->priority) >= 0);
	}
	CHECK(d.len == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0] % 3;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	diag_list_t d = DIAG_LIST_INIT;
	referentiel_t *r = NULL;
	ref_builder_t b;
	if (mode == 0) {
		value_t *v = yaml_parse("fuzz.json", text, len, 0, &d);
		int f = ref_json_shape(v);
		if (f >= 0) {
			static const char *const builtin[] = {"gbpnr", "rgesn-2024", "rgesn-2023", "gbpnr", "rgesn-2023"};
			ref_build_start(&b, (referentiel_format_t)f, "fuzz.json", profile_builtin(builtin[f]), &d);
			ref_json_read(&b, v);
			r = ref_build_finish(&b);
		}
		value_free(v);
	} else {
		const profile_t *p = mode == 2 ? profile_builtin("rgesn-2024") : NULL;
		ref_build_start(&b, REF_CSV, "fuzz.csv", p, &d);
		ref_csv_read(&b, text, len, p);
		r = ref_build_finish(&b);
	}
	if (r)
		check_model(r);
	referentiel_free(r);
	diag_list_free(&d);
	return 0;
}
