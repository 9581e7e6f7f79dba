/* fuzz_profile: arbitrary bytes as a référentiel profile in YAML
 * (profile_parse). A profile it accepts must keep the promises the database
 * relies on, each an invariant that aborts when broken: profile_format
 * writes YAML that profile_parse reads back without a diagnostic to the
 * same profile, and writing that again gives the same text; the
 * not-assessed status is first, credits are at most credit_den and the
 * denominators divide 1000; every status is found again by its name and
 * each synonym, every priority and difficulty by its name. The input has
 * no option byte: it is the file. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/profile.h"
#include "util/buf.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                 \
	do {                                                                                        \
		if (!(cond)) {                                                                      \
			fprintf(stderr, "fuzz_profile: line %d: invariant failed: %s\n", __LINE__, #cond); \
			abort();                                                                    \
		}                                                                                   \
	} while (0)

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same(const profile_t *a, const profile_t *b)
{
	bool ok = same_str(a->id, b->id) && same_str(a->title, b->title) && a->nstatuses == b->nstatuses &&
		  a->npriorities == b->npriorities && a->ndifficulties == b->ndifficulties &&
		  a->credit_den == b->credit_den && a->weight_den == b->weight_den &&
		  a->default_weight == b->default_weight && a->csv.nsections == b->csv.nsections;
	for (size_t i = 0; ok && i < a->nstatuses; i++) {
		const profile_status_t *x = &a->statuses[i], *y = &b->statuses[i];
		ok = same_str(x->name, y->name) && x->kind == y->kind && x->credit == y->credit &&
		     x->justify == y->justify && x->rank == y->rank && x->nsynonyms == y->nsynonyms;
		for (size_t j = 0; ok && j < x->nsynonyms; j++)
			ok = same_str(x->synonyms[j], y->synonyms[j]);
	}
	for (size_t i = 0; ok && i < a->npriorities; i++)
		ok = same_str(a->priorities[i].name, b->priorities[i].name) &&
		     a->priorities[i].weight == b->priorities[i].weight;
	for (size_t i = 0; ok && i < a->ndifficulties; i++)
		ok = same_str(a->difficulties[i], b->difficulties[i]);
	const profile_csv_t *x = &a->csv, *y = &b->csv;
	ok = ok && same_str(x->id, y->id) && same_str(x->theme, y->theme) && same_str(x->title, y->title) &&
	     same_str(x->priority, y->priority) && same_str(x->difficulty, y->difficulty) &&
	     same_str(x->roles, y->roles) && same_str(x->indicators, y->indicators) &&
	     same_str(x->applicability, y->applicability);
	for (size_t i = 0; ok && i < x->nsections; i++)
		ok = same_str(x->sections[i], y->sections[i]) && same_str(x->section_titles[i], y->section_titles[i]);
	return ok;
}

static void check_model(const profile_t *p)
{
	CHECK(p->nstatuses >= 1 && p->statuses[0].kind == PROFILE_NOT_ASSESSED);
	CHECK(p->credit_den >= 1 && 1000 % p->credit_den == 0);
	CHECK(p->weight_den >= 1 && 1000 % p->weight_den == 0);
	for (size_t i = 0; i < p->nstatuses; i++) {
		const profile_status_t *st = &p->statuses[i];
		CHECK(st->credit <= p->credit_den);
		CHECK(profile_status_parse(p, st->name, NULL) == (int)i);
		for (size_t j = 0; j < st->nsynonyms; j++)
			CHECK(profile_status_parse(p, st->synonyms[j], NULL) == (int)i);
		CHECK((st->kind == PROFILE_NOT_APPLICABLE) == (st->rank == -1));
	}
	for (size_t i = 0; i < p->npriorities; i++)
		CHECK(profile_priority_parse(p, p->priorities[i].name) == (int)i);
	for (size_t i = 0; i < p->ndifficulties; i++)
		CHECK(profile_difficulty_parse(p, p->difficulties[i]) == (int)i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag_list_t d = DIAG_LIST_INIT;
	profile_t *p = profile_parse("grille.yaml", (const char *)data, size, &d);
	if (!p) {
		CHECK(diag_count(&d, DIAG_ERROR) > 0);
		buf_t out = BUF_INIT;
		diag_sort(&d);
		for (size_t i = 0; i < d.len; i++)
			diag_format_text(&d.items[i], &out);
		buf_free(&out);
		diag_list_free(&d);
		return 0;
	}
	CHECK(d.len == 0);
	check_model(p);
	buf_t y = BUF_INIT, again = BUF_INIT;
	profile_format(p, &y);
	profile_t *q = profile_parse("stored.yaml", y.ptr, y.len, &d);
	if (!q || d.len) {
		for (size_t i = 0; i < d.len; i++)
			diag_format_text(&d.items[i], &again);
		fprintf(stderr, "fuzz_profile: the formatted profile does not read back:\n%s\n%s", buf_cstr(&y),
			buf_cstr(&again));
		abort();
	}
	CHECK(same(p, q));
	profile_format(q, &again);
	CHECK(strcmp(buf_cstr(&y), buf_cstr(&again)) == 0);
	buf_free(&y);
	buf_free(&again);
	profile_free(q);
	profile_free(p);
	diag_list_free(&d);
	return 0;
}
