/* ref_model: building a référentiel, finding its items and the checks of
 * single values. Ids are looked up through a hash set (util/strset), so
 * that reading or importing thousands of items stays linear. */
#include "guide/ref_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fold.h"
#include "util/strset.h"
#include "util/xalloc.h"

const ref_section_def_t ref_rgesn_sections[3] = {
	{"objectif", "Objectif", "objectif"},
	{"mise-en-oeuvre", "Mise en œuvre", "miseEnOeuvre"},
	{"controle", "Moyen de test", "controle"},
};

static char *dup(const char *s)
{
	return xstrdup(s ? s : "");
}

void ref_build_start(ref_builder_t *b, referentiel_format_t format, const char *source, const profile_t *profile,
		     diag_list_t *d)
{
	memset(b, 0, sizeof *b);
	b->r = xcalloc(1, sizeof *b->r);
	b->r->format = format;
	b->r->source = dup(source);
	b->r->profile = profile;
	b->r->id = dup("");
	b->r->title = dup("");
	b->r->version = dup("");
	b->r->date = dup("");
	b->d = d;
	b->check = true;
	b->theme_ids = strset_new();
}

static void set(char **field, const char *value)
{
	if (!value)
		return;
	free(*field);
	*field = dup(value);
}

void ref_build_meta(ref_builder_t *b, const char *id, const char *title, const char *version, const char *date)
{
	set(&b->r->id, id);
	set(&b->r->title, title);
	set(&b->r->version, version);
	set(&b->r->date, date);
}

size_t ref_build_theme(ref_builder_t *b, const char *id, const char *title, bool *existed)
{
	referentiel_t *r = b->r;
	/* Through a hash set: a scan of the themes for every item was
	 * quadratic on a CSV naming a theme per row (100,000 rows: 74 s). */
	size_t i;
	bool found = !strset_add(b->theme_ids, id, strlen(id), r->nthemes, &i);
	if (existed)
		*existed = found;
	if (found)
		return i;
	r->themes = xgrow(r->themes, &b->themecap, r->nthemes + 1, sizeof *r->themes);
	ref_theme_t *t = &r->themes[r->nthemes];
	memset(t, 0, sizeof *t);
	t->id = dup(id);
	t->title = dup(title);
	return r->nthemes++;
}

ref_item_t *ref_build_item(ref_builder_t *b, size_t theme, const char *id, const char *title, const char *file,
			   int line, int col)
{
	referentiel_t *r = b->r;
	r->items = xgrow(r->items, &b->itemcap, r->nitems + 1, sizeof *r->items);
	ref_item_t *it = &r->items[r->nitems++];
	memset(it, 0, sizeof *it);
	it->id = dup(id);
	it->theme = theme;
	it->title = dup(title);
	it->priority = dup("");
	it->difficulty = dup("");
	it->applicability = dup("");
	it->url = dup("");
	it->file = file ? file : r->source;
	it->line = line;
	it->col = col;
	return it;
}

void ref_item_section(ref_item_t *it, const char *key, const char *title, const char *text)
{
	if (it->nsections >= REFERENTIEL_MAX_SECTIONS)
		return;
	ref_section_t *s = &it->sections[it->nsections++];
	s->key = dup(key);
	s->title = dup(title);
	s->text = dup(text);
}

void ref_item_push(char ***list, size_t *n, const char *s)
{
	/* Doubled at each power of two: a cell of many roles stays linear. */
	if ((*n & (*n - 1)) == 0)
		*list = xrealloc(*list, (*n ? *n * 2 : 1) * sizeof **list);
	(*list)[(*n)++] = dup(s);
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void ref_item_split(char ***list, size_t *n, const char *text, const char *seps)
{
	const char *p = text ? text : "";
	while (*p) {
		size_t len = strcspn(p, seps);
		const char *a = p, *z = p + len;
		while (a < z && space(*a))
			a++;
		while (z > a && space(z[-1]))
			z--;
		if (z > a) {
			char *part = xstrndup(a, (size_t)(z - a));
			ref_item_push(list, n, part);
			free(part);
		}
		p += len;
		if (*p)
			p++;
	}
}

static void item_free(ref_item_t *it)
{
	free(it->id);
	free(it->title);
	for (size_t i = 0; i < it->nsections; i++) {
		free(it->sections[i].key);
		free(it->sections[i].title);
		free(it->sections[i].text);
	}
	free(it->priority);
	free(it->difficulty);
	for (size_t i = 0; i < it->nroles; i++)
		free(it->roles[i]);
	free(it->roles);
	for (size_t i = 0; i < it->nindicators; i++)
		free(it->indicators[i]);
	free(it->indicators);
	free(it->applicability);
	free(it->url);
}

/* Leaves out the later of two items sharing an id, in source order. */
static void drop_duplicates(ref_builder_t *b)
{
	referentiel_t *r = b->r;
	strset_t *seen = strset_new();
	size_t kept = 0;
	for (size_t i = 0; i < r->nitems; i++) {
		ref_item_t *it = &r->items[i];
		size_t first;
		if (!strset_add(seen, it->id, strlen(it->id), kept, &first)) {
			if (b->check) {
				const ref_item_t *f = &r->items[first];
				char at[32] = "";
				if (f->col > 0)
					snprintf(at, sizeof at, ":%d", f->col);
				diag_t *x = diag_add(b->d, DIAG_ERROR, it->file, it->line, it->col, "ref-duplicate-id",
						     "duplicate id '%s': the first is at %s:%d%s", it->id, f->file, f->line,
						     at);
				diag_hint(x, "give this one the next free number, or remove the copy");
			}
			item_free(it);
			continue;
		}
		r->items[kept++] = *it;
	}
	r->nitems = kept;
	strset_free(seen);
}

referentiel_t *ref_build_finish(ref_builder_t *b)
{
	referentiel_t *r = b->r;
	drop_duplicates(b);
	/* A stable counting sort by theme: theme by theme, source order within. */
	size_t *start = xcalloc(r->nthemes + 1, sizeof *start);
	for (size_t i = 0; i < r->nitems; i++)
		start[r->items[i].theme + 1]++;
	for (size_t t = 0; t < r->nthemes; t++) {
		r->themes[t].first = start[t];
		r->themes[t].count = start[t + 1];
		start[t + 1] += start[t];
	}
	ref_item_t *sorted = xcalloc(r->nitems ? r->nitems : 1, sizeof *sorted);
	for (size_t i = 0; i < r->nitems; i++)
		sorted[start[r->items[i].theme]++] = r->items[i];
	free(start);
	free(r->items);
	r->items = sorted;
	r->index = strset_new();
	for (size_t i = 0; i < r->nitems; i++)
		strset_add(r->index, r->items[i].id, strlen(r->items[i].id), i, NULL);
	strset_free(b->theme_ids);
	b->theme_ids = NULL;
	b->r = NULL;
	return r;
}

void referentiel_free(referentiel_t *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nitems; i++)
		item_free(&r->items[i]);
	free(r->items);
	for (size_t i = 0; i < r->nthemes; i++) {
		free(r->themes[i].id);
		free(r->themes[i].title);
	}
	free(r->themes);
	free(r->id);
	free(r->title);
	free(r->version);
	free(r->date);
	free(r->source);
	free(r->files_arena);
	strset_free(r->index);
	guide_free(r->guide);
	free(r);
}

const ref_item_t *referentiel_find(const referentiel_t *r, const char *id)
{
	size_t i;
	if (!r || !id || !r->index || !strset_get(r->index, id, strlen(id), &i))
		return NULL;
	return &r->items[i];
}

const char *referentiel_format_name(referentiel_format_t f)
{
	switch (f) {
	case REF_GBPNR_FOLDER: return "gbpnr folder";
	case REF_RGESN_2024: return "rgesn-2024 JSON";
	case REF_RGESN_2023: return "rgesn-2023 JSON";
	case REF_EXPORT_JSON: return "gbpnr export JSON";
	case REF_NUMECODIAG: return "NumEcoDiag rgesn-v1 JSON";
	case REF_CSV: return "CSV";
	}
	return "unknown";
}

void referentiel_slug(const char *text, buf_t *out)
{
	buf_t key = BUF_INIT;
	fold_key(text ? text : "", &key);
	size_t start = out->len;
	bool dash = false;
	for (const char *p = buf_cstr(&key); *p; p++) {
		char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && out->len > start)
				buf_putc(out, '-');
			buf_putc(out, c);
			dash = false;
		} else {
			dash = true;
		}
	}
	buf_put(out, "", 0);
	buf_free(&key);
}

void ref_section_key(const char *title, buf_t *out)
{
	for (size_t i = 0; i < 3; i++)
		if (fold_equal(title, ref_rgesn_sections[i].title)) {
			buf_puts(out, ref_rgesn_sections[i].key);
			return;
		}
	referentiel_slug(title, out);
}

const char *ref_default_id(const profile_t *p, buf_t *scratch)
{
	if (!p)
		return "";
	if (strcmp(p->id, "gbpnr") == 0)
		return "gbpnr";
	if (strncmp(p->id, "rgesn-", 6) == 0)
		return "rgesn";
	buf_reset(scratch);
	referentiel_slug(p->title, scratch);
	return scratch->len ? buf_cstr(scratch) : p->id;
}

bool ref_check_id(diag_list_t *d, const char *file, int line, int col, const char *what, const char *id)
{
	size_t n = strlen(id);
	bool ok = n > 0 && n <= REF_MAX_ID;
	for (size_t i = 0; ok && i < n; i++) {
		char c = id[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		     c == '_';
	}
	if (ok)
		return true;
	diag_t *x = diag_add(d, DIAG_ERROR, file, line, col, "ref-bad-id", "'%s' is not a usable id (%s)", id, what);
	diag_hint(x, "an id is 1 to %d letters, digits, '.', '-' or '_', e.g. '4.1': it goes into URLs and commands",
		  REF_MAX_ID);
	return false;
}

/* names[0..n) as "A, B or C". */
static void list_names(buf_t *out, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(out, i + 1 == n ? " or " : ", ");
		buf_puts(out, names[i]);
	}
}

static bool unknown_value(diag_list_t *d, const char *file, int line, int col, const char *rule, const char *field,
			  const char *what, const char *value, const char *const *names, size_t n)
{
	diag_t *x = diag_add(d, DIAG_ERROR, file, line, col, rule, "the %s of %s, '%s', is not one of the profile's",
			     field, what, value);
	buf_t list = BUF_INIT;
	list_names(&list, names, n);
	if (n)
		diag_hint(x, "write %s (case and accents do not matter)", buf_cstr(&list));
	else
		diag_hint(x, "this profile has no %s values: leave it empty", field);
	buf_free(&list);
	return false;
}

bool ref_check_priority(diag_list_t *d, const profile_t *p, const char *file, int line, int col, const char *what,
			const char *value)
{
	if (profile_priority_parse(p, value) >= 0)
		return true;
	const char *names[PROFILE_MAX_PRIORITIES];
	for (size_t i = 0; i < p->npriorities; i++)
		names[i] = p->priorities[i].name;
	return unknown_value(d, file, line, col, "ref-unknown-priority", "priority", what, value, names,
			     p->npriorities);
}

bool ref_check_difficulty(diag_list_t *d, const profile_t *p, const char *file, int line, int col,
			  const char *what, const char *value)
{
	if (profile_difficulty_parse(p, value) >= 0)
		return true;
	return unknown_value(d, file, line, col, "ref-unknown-difficulty", "difficulty", what, value, p->difficulties,
			     p->ndifficulties);
}
