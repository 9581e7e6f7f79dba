/* export_csv: every cell quoted, quotes doubled, CRLF record ends (RFC 4180). */
#include "render/export_csv.h"

#include <stdlib.h>
#include <string.h>

#include "guide/ref_model.h"
#include "util/xalloc.h"

static void cell(buf_t *out, const char *s, size_t n, char sep, bool first)
{
	if (!first)
		buf_putc(out, sep);
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, s[i]);
	}
	buf_putc(out, '"');
}

static void cell_str(buf_t *out, const char *s, char sep)
{
	cell(out, s, strlen(s), sep, false);
}

static void cell_list(buf_t *out, const value_t *v, char sep)
{
	buf_t joined = BUF_INIT;
	if (v && v->kind == VAL_LIST)
		for (size_t i = 0; i < v->u.list.len; i++) {
			const char *s = value_str(v->u.list.items[i]);
			if (!s)
				continue;
			if (joined.len)
				buf_putc(&joined, '\n');
			buf_puts(&joined, s);
		}
	cell(out, buf_cstr(&joined), joined.len, sep, false);
	buf_free(&joined);
}

void export_csv(const guide_t *g, const char *base_url, bool excel, buf_t *out)
{
	static const char *const header[] = {"Id", "Titre", "Thématique", "Priorité", "Difficulté",
					     "Exemples pilotes", "Exemples indicateurs", "Url"};
	char sep = excel ? ';' : ',';
	if (excel)
		buf_puts(out, "\xEF\xBB\xBF");
	for (size_t i = 0; i < 8; i++)
		cell(out, header[i], strlen(header[i]), sep, i == 0);
	buf_puts(out, "\r\n");
	buf_t url = BUF_INIT;
	for (size_t i = 0; i < g->npractices; i++) {
		const guide_practice_t *s = g->practices[i];
		cell(out, s->id, strlen(s->id), sep, true);
		cell_str(out, s->title, sep);
		cell_str(out, s->theme->title, sep);
		cell_str(out, s->priority, sep);
		cell_str(out, s->difficulty, sep);
		cell_list(out, s->who, sep);
		cell_list(out, s->indicators, sep);
		buf_reset(&url);
		guide_absolute_url(base_url, s->page->url ? s->page->url : "/", &url);
		cell_str(out, buf_cstr(&url), sep);
		buf_puts(out, "\r\n");
	}
	buf_free(&url);
}

/* ---- a référentiel ---- */

enum { F_ID, F_TITLE, F_THEME, F_PRIORITY, F_DIFFICULTY, F_ROLES, F_INDICATORS, F_APPLICABILITY, F_SECTION, F_URL };

typedef struct {
	const char *name;
	int field;
	char *key; /* F_SECTION: the key of the items' section */
} column_t;

typedef struct {
	column_t *cols;
	size_t n, cap;
} columns_t;

static void add_column(columns_t *c, const char *name, int field, const char *key)
{
	c->cols = xgrow(c->cols, &c->cap, c->n + 1, sizeof *c->cols);
	c->cols[c->n++] = (column_t){name, field, key ? xstrdup(key) : NULL};
}

static bool has_section(const columns_t *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->cols[i].field == F_SECTION && strcmp(c->cols[i].key, key) == 0)
			return true;
	return false;
}

/* The columns of r's CSV, as the profile maps them. */
static void ref_columns(const referentiel_t *r, columns_t *c)
{
	const profile_csv_t *m = &r->profile->csv, *gbpnr = &profile_builtin("gbpnr")->csv;
	bool mapped = m->id != NULL;
	const profile_csv_t *names = mapped ? m : gbpnr;
	const char *const fields[] = {names->id, names->title, names->theme, names->priority, names->difficulty,
				      names->roles, names->indicators, mapped ? m->applicability : "Cible"};
	for (int f = F_ID; f <= F_APPLICABILITY; f++)
		if (fields[f])
			add_column(c, fields[f], f, NULL);
	buf_t key = BUF_INIT;
	if (mapped) {
		for (size_t k = 0; k < m->nsections && k < PROFILE_MAX_SECTIONS; k++) {
			buf_reset(&key);
			ref_section_key(m->section_titles[k] ? m->section_titles[k] : m->sections[k], &key);
			add_column(c, m->sections[k], F_SECTION, buf_cstr(&key));
		}
	} else {
		/* Every section the items have, in the order met. */
		for (size_t i = 0; i < r->nitems; i++)
			for (size_t k = 0; k < r->items[i].nsections; k++)
				if (!has_section(c, r->items[i].sections[k].key))
					add_column(c, r->items[i].sections[k].title, F_SECTION,
						   r->items[i].sections[k].key);
	}
	buf_free(&key);
	add_column(c, "Url", F_URL, NULL);
}

static void cell_strings(buf_t *out, char *const *list, size_t n, char sep)
{
	buf_t joined = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&joined, '\n');
		buf_puts(&joined, list[i]);
	}
	cell(out, buf_cstr(&joined), joined.len, sep, false);
	buf_free(&joined);
}

static const char *section_text(const ref_item_t *it, const char *key)
{
	for (size_t k = 0; k < it->nsections; k++)
		if (strcmp(it->sections[k].key, key) == 0)
			return it->sections[k].text;
	return "";
}

void export_csv_referentiel(const referentiel_t *r, const char *const *urls, bool excel, buf_t *out)
{
	char sep = excel ? ';' : ',';
	columns_t c = {NULL, 0, 0};
	ref_columns(r, &c);
	if (excel)
		buf_puts(out, "\xEF\xBB\xBF");
	for (size_t k = 0; k < c.n; k++)
		cell(out, c.cols[k].name, strlen(c.cols[k].name), sep, k == 0);
	buf_puts(out, "\r\n");
	for (size_t i = 0; i < r->nitems; i++) {
		const ref_item_t *it = &r->items[i];
		for (size_t k = 0; k < c.n; k++) {
			const column_t *col = &c.cols[k];
			const char *v = "";
			switch (col->field) {
			case F_ID: v = it->id; break;
			case F_TITLE: v = it->title; break;
			case F_THEME: v = r->themes[it->theme].title; break;
			case F_PRIORITY: v = it->priority; break;
			case F_DIFFICULTY: v = it->difficulty; break;
			case F_ROLES: cell_strings(out, it->roles, it->nroles, sep); continue;
			case F_INDICATORS: cell_strings(out, it->indicators, it->nindicators, sep); continue;
			case F_APPLICABILITY: v = it->applicability; break;
			case F_SECTION: v = section_text(it, col->key); break;
			default: v = urls ? urls[i] : it->url; break;
			}
			cell(out, v, strlen(v), sep, k == 0);
		}
		buf_puts(out, "\r\n");
	}
	for (size_t k = 0; k < c.n; k++)
		free(c.cols[k].key);
	free(c.cols);
}
