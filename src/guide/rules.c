/* rules: field, value, cross-page and content checks over the guide model.
 * Work is linear in the guide's size (sorts aside): lookups across pages go
 * through sorted arrays or hash sets, never a scan of every page for every
 * page. */
#include "guide/rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/imgsrc.h"
#include "guide/markdown.h"
#include "guide/mdurl.h"
#include "util/parallel.h"
#include "util/strset.h"
#include "util/suggest.h"
#include "util/utf8.h"
#include "util/xalloc.h"

const char *const rules_priorities[3] = {"Prioritaire", "Recommandée", "Aller plus loin"};
const char *const rules_difficulties[3] = {"Facile", "Moyenne", "Difficile"};

/* Content warnings are counted per page and rule; past RULES_MAX_PAGE_WARNINGS
 * they are no longer listed (see rules.h). */
enum { CAP_TEMPLATE, CAP_VARIABLE, CAP_LINK, CAP_IMAGE, CAP_RULES };
static const char *const cap_rule[CAP_RULES] = {"template-syntax", "unknown-variable", "broken-link",
						"broken-image"};

typedef struct {
	size_t n[CAP_RULES];      /* warnings met, listed or not */
	int line[CAP_RULES], col[CAP_RULES]; /* the first one not listed */
} pagecap_t;

typedef struct {
	const guide_t *g;
	diag_list_t *diags;
	pagecap_t *cap; /* content checks of one page; NULL elsewhere */
} ctx_t;

/* Counts a content warning; true when it is past the page's limit and must
 * not be listed. */
static bool capped(ctx_t *c, int rule, int line, int col)
{
	pagecap_t *cap = c->cap;
	if (++cap->n[rule] <= RULES_MAX_PAGE_WARNINGS)
		return false;
	if (cap->n[rule] == RULES_MAX_PAGE_WARNINGS + 1) {
		cap->line[rule] = line;
		cap->col[rule] = col;
	}
	return true;
}

/* Where to point when a field is missing: the opening '---' of the front matter. */
static diag_t *at_page(ctx_t *c, const page_t *p, diag_sev_t sev, const char *rule, const char *msg)
{
	return diag_add(c->diags, sev, p->path, 1, 1, rule, "%s", msg);
}

static diag_t *at_value(ctx_t *c, const page_t *p, const value_t *v, diag_sev_t sev, const char *rule,
			const char *msg)
{
	return diag_add(c->diags, sev, p->path, v->line, v->col, rule, "%s", msg);
}

static const value_t *field(const page_t *p, const char *name)
{
	if (strncmp(name, "eleventyNavigation.", 19) == 0)
		return guide_nav(p, name + 19);
	return value_get(p->fm, name);
}

/* Checks presence and type; returns the value when it has the wanted kind. */
static const value_t *require(ctx_t *c, const page_t *p, const char *name, val_kind_t kind,
			      const char *line)
{
	const value_t *v = field(p, name);
	char msg[256];
	if (!v || v->kind == VAL_NULL || (v->kind == VAL_STRING && v->u.str.len == 0)) {
		snprintf(msg, sizeof msg, "required field '%s' is missing", name);
		diag_t *d = v ? at_value(c, p, v, DIAG_ERROR, "missing-field", msg)
			      : at_page(c, p, DIAG_ERROR, "missing-field", msg);
		diag_hint(d, "add %s to the front matter", line);
		return NULL;
	}
	if (kind == VAL_LIST && v->kind == VAL_STRING) {
		snprintf(msg, sizeof msg, "'%s' must be a list, not a single string", name);
		diag_t *d = at_value(c, p, v, DIAG_ERROR, "wrong-type", msg);
		diag_hint(d, "write each item on its own line under '%s:', as '  - %s'", name, v->u.str.s);
		return NULL;
	}
	if (v->kind != kind) {
		snprintf(msg, sizeof msg, "'%s' must be a %s, not a %s", name, value_kind_name(kind),
			 value_kind_name(v->kind));
		diag_t *d = at_value(c, p, v, DIAG_ERROR, "wrong-type", msg);
		diag_hint(d, "write it as %s", line);
		return NULL;
	}
	return v;
}

/* Every item of a list must be a non-empty string. */
static void check_string_list(ctx_t *c, const page_t *p, const char *name, const value_t *list)
{
	for (size_t i = 0; i < list->u.list.len; i++) {
		const value_t *it = list->u.list.items[i];
		char msg[256];
		if (it->kind != VAL_STRING) {
			snprintf(msg, sizeof msg, "item %zu of '%s' must be a string, not a %s", i + 1, name,
				 value_kind_name(it->kind));
			diag_t *d = at_value(c, p, it, DIAG_ERROR, "wrong-type", msg);
			diag_hint(d, "quote the item: - \"...\"");
		} else if (it->u.str.len == 0) {
			snprintf(msg, sizeof msg, "item %zu of '%s' is empty", i + 1, name);
			at_value(c, p, it, DIAG_ERROR, "wrong-type", msg);
		}
	}
}

static void check_in_set(ctx_t *c, const page_t *p, const char *name, const value_t *v,
			 const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v->u.str.s, set[i]) == 0)
			return;
	char msg[512];
	snprintf(msg, sizeof msg, "'%s' is not a valid %s (expected %s, %s or %s)", v->u.str.s, name,
		 set[0], set[1], set[2]);
	diag_t *d = at_value(c, p, v, DIAG_ERROR, "value-not-in-set", msg);
	const char *s = suggest_closest(v->u.str.s, set, n);
	if (s)
		diag_hint(d, "did you mean '%s'?", s);
	else
		diag_hint(d, "use one of: %s, %s, %s", set[0], set[1], set[2]);
}

static void check_sheet_fields(ctx_t *c, const guide_practice_t *s)
{
	const page_t *p = s->page;
	require(c, p, "title", VAL_STRING, "a line 'title: <the practice\'s title>'");
	require(c, p, "idbp", VAL_STRING, "a line 'idbp: <theme id><number>', e.g. 'idbp: a.1'");
	const value_t *v = require(c, p, "priority", VAL_STRING, "a line 'priority: <Prioritaire, Recommandée or Aller plus loin>'");
	if (v)
		check_in_set(c, p, "priority", v, rules_priorities, 3);
	v = require(c, p, "difficulty", VAL_STRING, "a line 'difficulty: <Facile, Moyenne or Difficile>'");
	if (v)
		check_in_set(c, p, "difficulty", v, rules_difficulties, 3);
	v = require(c, p, "who", VAL_LIST, "'who:' followed by one '  - <pilot>' line per pilot");
	if (v)
		check_string_list(c, p, "who", v);
	const value_t *nav = value_get(p->fm, "eleventyNavigation");
	if (nav && nav->kind != VAL_MAP) {
		diag_t *d = at_value(c, p, nav, DIAG_ERROR, "wrong-type",
				     "'eleventyNavigation' must be a mapping");
		diag_hint(d, "write 'eleventyNavigation:' then indented 'parent: <theme key>' and 'order: <number>'");
	} else {
		require(c, p, "eleventyNavigation.parent", VAL_STRING,
			"'parent: <theme key>' under 'eleventyNavigation:'");
		const value_t *o = guide_nav(p, "order");
		if (o && o->kind != VAL_NUMBER) {
			diag_t *d = at_value(c, p, o, DIAG_ERROR, "wrong-type", "'eleventyNavigation.order' must be a number");
			diag_hint(d, "write it without quotes, e.g. 'order: 10'");
		}
	}
	const value_t *ind = value_get(p->fm, "indicators");
	if (!ind || ind->kind == VAL_NULL || (ind->kind == VAL_LIST && ind->u.list.len == 0)) {
		diag_t *d = ind ? at_value(c, p, ind, DIAG_WARNING, "no-indicators", "the sheet has no example indicator")
				: at_page(c, p, DIAG_WARNING, "no-indicators", "the sheet has no example indicator");
		diag_hint(d, "add 'indicators:' with at least one '  - \"<what to measure>\"' line");
	} else if (ind->kind == VAL_STRING) {
		diag_t *d = at_value(c, p, ind, DIAG_ERROR, "wrong-type", "'indicators' must be a list, not a single string");
		diag_hint(d, "write each indicator on its own line under 'indicators:', as '  - \"...\"'");
	} else if (ind->kind != VAL_LIST) {
		char msg[128];
		snprintf(msg, sizeof msg, "'indicators' must be a list, not a %s", value_kind_name(ind->kind));
		at_value(c, p, ind, DIAG_ERROR, "wrong-type", msg);
	} else {
		check_string_list(c, p, "indicators", ind);
	}
}

static void check_theme_fields(ctx_t *c, const guide_theme_t *t)
{
	const page_t *p = t->page;
	require(c, p, "title", VAL_STRING, "a line 'title: <the theme\'s title>'");
	const value_t *id = require(c, p, "idThematique", VAL_STRING, "a line 'idThematique: <letter>.', e.g. 'idThematique: a.'");
	if (id && id->u.str.s[id->u.str.len - 1] != '.') {
		diag_t *d = at_value(c, p, id, DIAG_WARNING, "theme-id-format",
				     "theme id does not end with '.', so sheet ids will not read as '<theme>.<n>'");
		diag_hint(d, "write it as '%s.'", id->u.str.s);
	}
	const value_t *nav = value_get(p->fm, "eleventyNavigation");
	if (nav && nav->kind != VAL_MAP)
		at_value(c, p, nav, DIAG_ERROR, "wrong-type", "'eleventyNavigation' must be a mapping");
	else
		require(c, p, "eleventyNavigation.key", VAL_STRING, "'key: <unique key>' under 'eleventyNavigation:'");
}

/* The field checks of item i of the guide's themes, then sheets, then
 * orphans: one page each. */
static void check_fields_of(const guide_t *g, size_t i, diag_list_t *diags)
{
	ctx_t c = {g, diags, NULL};
	if (i < g->nthemes)
		check_theme_fields(&c, g->themes[i]);
	else if ((i -= g->nthemes) < g->npractices)
		check_sheet_fields(&c, g->practices[i]);
	else
		check_sheet_fields(&c, g->orphans[i - g->npractices]);
}

static int cmp_by_id(const void *x, const void *y)
{
	const guide_practice_t *a = *(guide_practice_t *const *)x, *b = *(guide_practice_t *const *)y;
	int r = strcmp(a->id, b->id);
	return r ? r : strcmp(a->page->path, b->page->path);
}

static void check_duplicate_ids(ctx_t *c, guide_practice_t **all, size_t n)
{
	guide_practice_t **sorted = xmalloc((n + 1) * sizeof *sorted);
	memcpy(sorted, all, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_by_id);
	for (size_t i = 1; i < n; i++) {
		if (!*sorted[i]->id || strcmp(sorted[i]->id, sorted[i - 1]->id) != 0)
			continue;
		size_t first = i - 1;
		while (first > 0 && strcmp(sorted[first - 1]->id, sorted[i]->id) == 0)
			first--;
		const value_t *v = value_get(sorted[i]->page->fm, "idbp");
		const value_t *f = value_get(sorted[first]->page->fm, "idbp");
		char msg[256];
		snprintf(msg, sizeof msg, "duplicate idbp '%s'", sorted[i]->id);
		diag_t *d = at_value(c, sorted[i]->page, v, DIAG_ERROR, "duplicate-idbp", msg);
		diag_hint(d, "'%s' is already the id of %s:%d; give this sheet the next free number", sorted[i]->id,
			  sorted[first]->page->path, f->line);
	}
	free(sorted);
}

typedef struct {
	const char *s;
	size_t i;
} tref_t;

static int cmp_tref(const void *x, const void *y)
{
	const tref_t *a = x, *b = y;
	int r = strcmp(a->s, b->s);
	return r ? r : (a->i > b->i) - (a->i < b->i);
}

/* The themes sorted by key (or id), ties in theme order; for theme i, at[i]
 * is its place there and from[i] the first place of its run of equal
 * strings, so [from[i], at[i]) are the earlier themes sharing its string. */
static tref_t *theme_runs(const guide_t *g, bool by_id, size_t *at, size_t *from)
{
	tref_t *r = xcalloc(g->nthemes + 1, sizeof *r);
	for (size_t i = 0; i < g->nthemes; i++)
		r[i] = (tref_t){by_id ? g->themes[i]->id : g->themes[i]->key, i};
	qsort(r, g->nthemes, sizeof *r, cmp_tref);
	for (size_t k = 0; k < g->nthemes; k++) {
		at[r[k].i] = k;
		from[r[k].i] = k > 0 && strcmp(r[k - 1].s, r[k].s) == 0 ? from[r[k - 1].i] : k;
	}
	return r;
}

static void check_theme_links(ctx_t *c)
{
	const guide_t *g = c->g;
	/* Theme keys must be unique, or sheets would land in the first one
	 * silently. Each theme is reported once per earlier namesake, in theme
	 * order; sorted runs find them without comparing every pair of themes
	 * (a guide of 100,000 sheets may have thousands of themes). */
	size_t *kat = xcalloc(2 * g->nthemes + 1, sizeof *kat), *iat = kat + g->nthemes;
	size_t *kfrom = xcalloc(2 * g->nthemes + 1, sizeof *kfrom), *ifrom = kfrom + g->nthemes;
	tref_t *bykey = theme_runs(g, false, kat, kfrom), *byid = theme_runs(g, true, iat, ifrom);
	for (size_t i = 0; i < g->nthemes; i++) {
		const guide_theme_t *b = g->themes[i];
		size_t ka = *b->key ? kfrom[i] : kat[i], ke = kat[i];
		size_t ia = *b->id ? ifrom[i] : iat[i], ie = iat[i];
		while (ka < ke || ia < ie) {
			size_t jk = ka < ke ? bykey[ka].i : SIZE_MAX, ji = ia < ie ? byid[ia].i : SIZE_MAX;
			const guide_theme_t *a = g->themes[jk < ji ? jk : ji];
			if (jk <= ji) {
				diag_t *d = at_value(c, b->page, guide_nav(b->page, "key"), DIAG_ERROR, "duplicate-theme",
						     "duplicate theme key");
				diag_hint(d, "'%s' is already the key of %s", b->key, a->page->path);
				ka++;
			}
			if (ji <= jk) {
				diag_t *d = at_value(c, b->page, value_get(b->page->fm, "idThematique"), DIAG_ERROR,
						     "duplicate-theme", "duplicate idThematique");
				diag_hint(d, "'%s' is already the id of %s", b->id, a->page->path);
				ia++;
			}
		}
	}
	free(bykey);
	free(byid);
	free(kat);
	free(kfrom);
	const char **keys = xcalloc(g->nthemes + 1, sizeof *keys);
	for (size_t i = 0; i < g->nthemes; i++)
		keys[i] = g->themes[i]->key;
	for (size_t i = 0; i < g->norphans; i++) {
		const guide_practice_t *s = g->orphans[i];
		if (!*s->parent)
			continue; /* already reported as missing */
		const value_t *v = guide_nav(s->page, "parent");
		char msg[512];
		snprintf(msg, sizeof msg, "parent '%s' is not the key of any theme", s->parent);
		diag_t *d = at_value(c, s->page, v, DIAG_ERROR, "unknown-parent", msg);
		const char *sug = suggest_closest(s->parent, keys, g->nthemes);
		if (sug)
			diag_hint(d, "did you mean '%s'?", sug);
		else if (g->nthemes)
			diag_hint(d, "theme keys are set by 'eleventyNavigation.key' in each theme's index.md, e.g. '%s'",
				  keys[0]);
		else
			diag_hint(d, "the guide has no theme page (a page with 'tags: guideBpNrThematique')");
	}
	free(keys);

	for (size_t t = 0; t < g->nthemes; t++) {
		const guide_theme_t *th = g->themes[t];
		for (size_t i = 0; i < th->npractices; i++) {
			const guide_practice_t *s = th->practices[i];
			if (*s->id && *th->id && strncmp(s->id, th->id, strlen(th->id)) != 0) {
				char msg[512];
				snprintf(msg, sizeof msg, "idbp '%s' does not start with its theme's id '%s'", s->id, th->id);
				diag_t *d = at_value(c, s->page, value_get(s->page->fm, "idbp"), DIAG_ERROR,
						     "idbp-theme-mismatch", msg);
				diag_hint(d, "number it '%s<n>', or set its parent to the theme it belongs to", th->id);
			}
			/* Sheets are sorted by order, so equal orders are neighbours. */
			if (i > 0 && guide_nav(s->page, "order") && s->order == th->practices[i - 1]->order) {
				const guide_practice_t *prev = th->practices[i - 1];
				const value_t *v = guide_nav(s->page, "order");
				buf_t o = BUF_INIT;
				value_to_text(v, &o);
				char msg[256];
				snprintf(msg, sizeof msg, "order %s is also used by another sheet of this theme", o.ptr);
				diag_t *d = at_value(c, s->page, v, DIAG_ERROR, "duplicate-order", msg);
				diag_hint(d, "%s has the same order; give each sheet of a theme its own order",
					  prev->page->path);
				buf_free(&o);
			}
		}
	}
}

typedef struct {
	const char *name;
	const char *key;      /* name case-folded: spellings differing only in case are one pilot */
	size_t keyoff;        /* key's offset in the keys buffer, while it grows */
	const value_t *first; /* where it was first seen */
	const page_t *page;
	size_t count;
	size_t seq; /* order of first appearance in the guide */
} who_t;

static int cmp_who(const void *x, const void *y)
{
	const who_t *a = x, *b = y;
	int r = strcmp(a->key, b->key);
	return r ? r : (a->seq > b->seq) - (a->seq < b->seq);
}

/* A pilot named once while a near-identical name is used elsewhere is almost
 * always a typo; a pilot named once and unlike any other is a real, rare one.
 * Of two near-identical names used once each, the later one is flagged. */
static void check_who(ctx_t *c)
{
	const guide_t *g = c->g;
	size_t n = 0, cap = 0;
	who_t *all = NULL;
	buf_t keys = BUF_INIT;
	for (size_t i = 0; i < g->npractices; i++) {
		const value_t *w = g->practices[i]->who;
		if (!w || w->kind != VAL_LIST)
			continue;
		for (size_t k = 0; k < w->u.list.len; k++) {
			const value_t *it = w->u.list.items[k];
			if (it->kind != VAL_STRING)
				continue;
			all = xgrow(all, &cap, n + 1, sizeof *all);
			all[n] = (who_t){it->u.str.s, NULL, keys.len, it, g->practices[i]->page, 1, n};
			utf8_casefold(it->u.str.s, strlen(it->u.str.s), &keys);
			buf_putc(&keys, '\0');
			n++;
		}
	}
	for (size_t i = 0; i < n; i++)
		all[i].key = keys.ptr + all[i].keyoff;
	if (n > 1)
		qsort(all, n, sizeof *all, cmp_who);
	/* Collapse to distinct names, keeping the first occurrence in guide order. */
	size_t d = 0;
	for (size_t i = 0; i < n; i++) {
		if (d > 0 && strcmp(all[d - 1].key, all[i].key) == 0) {
			all[d - 1].count++;
			continue;
		}
		all[d++] = all[i];
	}
	const char **names = xcalloc(d + 1, sizeof *names);
	for (size_t i = 0; i < d; i++) {
		if (all[i].count > 1)
			continue;
		/* Candidates: names used more often, or once but earlier. */
		size_t nc = 0;
		for (size_t k = 0; k < d; k++)
			if (k != i && (all[k].count > 1 || all[k].seq < all[i].seq))
				names[nc++] = all[k].name;
		const char *sug = suggest_closest(all[i].name, names, nc);
		if (!sug)
			continue;
		char msg[512];
		snprintf(msg, sizeof msg, "pilot '%s' appears nowhere else in the guide", all[i].name);
		diag_t *dg = at_value(c, all[i].page, all[i].first, DIAG_WARNING, "unknown-who", msg);
		diag_hint(dg, "did you mean '%s'?", sug);
	}
	free(names);
	free(all);
	buf_free(&keys);
}

/* {% ... %} blocks are Nunjucks, which sobre does not run: they would be
 * published verbatim. */
static void check_template_syntax(ctx_t *c, const page_t *p)
{
	const char *body = p->text + p->body_off;
	size_t len = p->text_len - p->body_off;
	int line = p->body_line;
	/* Columns are counted on from the previous tag of the line, its end is
	 * found once, and a line known to hold no "}}" after some point is not
	 * scanned again for each later "{{": all three were quadratic on one
	 * long line of tags. */
	size_t colpos = 0, noclose = 0, lim = 0, counted = 0;
	int col = 1;
	for (size_t i = 0; i + 1 < len; i++) {
		/* From '{' to '{', lines counted only up to a tag. */
		const char *brace = memchr(body + i, '{', len - 1 - i);
		if (!brace)
			break;
		i = (size_t)(brace - body);
		if (body[i + 1] != '%' && body[i + 1] != '{')
			continue;
		for (const char *nl = memchr(body + counted, '\n', i - counted); nl;
		     nl = memchr(nl + 1, '\n', (size_t)(body + i - nl - 1))) {
			line++;
			colpos = (size_t)(nl - body) + 1;
			col = 1;
		}
		counted = i;
		if (body[i + 1] == '{' && i < noclose)
			continue;
		col += (int)utf8_length(body + colpos, i - colpos);
		colpos = i;
		if (body[i + 1] == '%') {
			if (capped(c, CAP_TEMPLATE, line, col)) {
				i++;
				continue;
			}
			diag_t *d = diag_add(c->diags, DIAG_WARNING, p->path, line, col, "template-syntax",
					     "template tag '{%%' is not supported and would be published as text");
			diag_hint(d, "write the content out in Markdown; only {{ dotted.name }} expressions are resolved");
			i++;
			continue;
		}
		/* {{ name }}: supported when it is a plain dotted name that resolves. */
		if (lim <= i) {
			const char *end = memchr(body + i, '\n', len - i);
			lim = end ? (size_t)(end - body) : len;
		}
		size_t close = 0;
		for (size_t j = i + 2; j + 1 < lim; j++)
			if (body[j] == '}' && body[j + 1] == '}') {
				close = j;
				break;
			}
		if (!close) {
			noclose = lim;
			continue;
		}
		size_t a = i + 2, b = close;
		while (a < b && body[a] == ' ')
			a++;
		while (b > a && body[b - 1] == ' ')
			b--;
		bool plain = b > a;
		for (size_t k = a; k < b && plain; k++) {
			char ch = body[k];
			plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
				ch == '_' || ch == '.' || ch == '-';
		}
		if (!plain) {
			if (capped(c, CAP_TEMPLATE, line, col)) {
				i = close + 1;
				continue;
			}
			diag_t *d = diag_add(c->diags, DIAG_WARNING, p->path, line, col, "template-syntax",
					     "expression '%.*s' is not supported and would be published as text",
					     (int)(close + 2 - i), body + i);
			diag_hint(d, "only plain names such as {{ metadata.guideBonnesPratiques.version }} are resolved");
		} else if (!value_get_path(c->g->data, body + a, b - a) && !capped(c, CAP_VARIABLE, line, col)) {
			diag_t *d = diag_add(c->diags, DIAG_WARNING, p->path, line, col, "unknown-variable",
					     "'%.*s' names no value of the global data and resolves to nothing",
					     (int)(b - a), body + a);
			diag_hint(d, "global data comes from _data/<name>.json, read as <name>.<field>");
		}
		i = close + 1;
	}
}

/* ---- URLs: one file of the site per page ---- */

/* A file the site is made of: a page, or an output build generates. */
typedef struct {
	char *url;
	const page_t *page;  /* NULL for a generated output */
	char *what;          /* a generated output, as messages name it */
	const value_t *at;   /* where the URL comes from (a permalink, a data value); NULL: a file's name */
	const char *fix;     /* how to give this output another URL, for the hint */
	char *path;          /* the file written, relative to the site's folder */
} out_t;

/* A folder or file of the site: a node of the tree all output paths make. */
typedef struct {
	size_t file;   /* 1 + index of the output written here, or 0 */
	size_t folder; /* 1 + index of the first output written below it, or 0 */
} node_t;

enum { CLASH_SAME, CLASH_FILE_IS_FOLDER, CLASH_FOLDER_IS_FILE };

/* Reports o, which comes after first and cannot be written beside it; the
 * diagnostic goes where o's URL comes from. */
static void report_clash(ctx_t *c, const out_t *o, const out_t *first, int kind, const char *folder, size_t flen)
{
	const char *file = NULL;
	int line = 0, col = 0;
	if (o->at) {
		file = o->page ? o->page->path : o->at->file;
		line = o->at->line;
		col = o->at->col;
	} else if (o->page) {
		file = o->page->path;
		line = col = 1;
	}
	buf_t name = BUF_INIT;
	if (first->page) {
		buf_puts(&name, first->page->path);
		if (first->at)
			buf_printf(&name, ":%d", first->at->line);
	} else {
		buf_puts(&name, first->what);
	}
	diag_t *d;
	if (kind == CLASH_SAME)
		d = diag_add(c->diags, DIAG_ERROR, file, line, col, "duplicate-url",
			     "URL '%s' is already taken by %s: both would be written to %s", o->url, buf_cstr(&name),
			     o->path);
	else if (kind == CLASH_FILE_IS_FOLDER)
		d = diag_add(c->diags, DIAG_ERROR, file, line, col, "duplicate-url",
			     "URL '%s' would be written to the file %s, which %s needs as a folder (URL '%s')", o->url,
			     o->path, buf_cstr(&name), first->url);
	else
		d = diag_add(c->diags, DIAG_ERROR, file, line, col, "duplicate-url",
			     "URL '%s' needs %.*s as a folder, but %s is written to that file (URL '%s')", o->url,
			     (int)flen, folder, buf_cstr(&name), first->url);
	if (o->fix)
		diag_hint(d, "%s %s; %s", buf_cstr(&name), kind == CLASH_SAME ? "has it already" : "is there first",
			  o->fix);
	buf_free(&name);
}

/* The node for segment seg in folder parent, added when new. */
static size_t tree_child(strset_t *set, node_t **nodes, size_t *n, size_t *cap, size_t parent, const char *seg,
			 size_t len, buf_t *key)
{
	buf_reset(key);
	buf_put(key, (const char *)&parent, sizeof parent);
	buf_put(key, seg, len);
	size_t id;
	if (!strset_add(set, key->ptr, key->len, *n, &id))
		return id;
	*nodes = xgrow(*nodes, cap, *n + 1, sizeof **nodes);
	(*nodes)[*n] = (node_t){0, 0};
	return (*n)++;
}

/* Two outputs written to one file would silently replace each other, and a
 * file where another needs a folder fails the build halfway: every output
 * path is walked once down a tree of folders (a hash set keyed by parent and
 * name), so the work is linear in the length of all paths. */
static void check_outputs(ctx_t *c, out_t *outs, size_t n)
{
	strset_t *set = strset_new();
	size_t nnodes = 1, cap = 0;
	node_t *nodes = xgrow(NULL, &cap, 1, sizeof *nodes);
	nodes[0] = (node_t){0, 0};
	buf_t key = BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		out_t *o = &outs[k];
		const char *p = o->path;
		size_t node = 0;
		for (;;) {
			const char *slash = strchr(p, '/');
			node = tree_child(set, &nodes, &nnodes, &cap, node, p, slash ? (size_t)(slash - p) : strlen(p), &key);
			node_t *t = &nodes[node];
			if (!slash) {
				if (t->file)
					report_clash(c, o, &outs[t->file - 1], CLASH_SAME, NULL, 0);
				else if (t->folder)
					report_clash(c, o, &outs[t->folder - 1], CLASH_FILE_IS_FOLDER, NULL, 0);
				else
					t->file = k + 1;
				break;
			}
			if (t->file) {
				report_clash(c, o, &outs[t->file - 1], CLASH_FOLDER_IS_FILE, o->path,
					     (size_t)(slash - o->path));
				break;
			}
			if (!t->folder)
				t->folder = k + 1;
			p = slash + 1;
		}
	}
	buf_free(&key);
	free(nodes);
	strset_free(set);
}

static void add_out(out_t **outs, size_t *n, size_t *cap, const char *url, const page_t *page, char *what,
		    const value_t *at, const char *fix)
{
	*outs = xgrow(*outs, cap, *n + 1, sizeof **outs);
	buf_t path = BUF_INIT;
	page_output_path(url, &path);
	(*outs)[(*n)++] = (out_t){xstrdup(url), page, what, at, fix, buf_detach(&path)};
}

/* A file build generates; kind as for guide_generated_url. */
static void add_generated(out_t **outs, size_t *n, size_t *cap, const guide_t *g, const char *kind, const char *asset,
			  const char *what, const value_t *at, const char *fix)
{
	buf_t url = BUF_INIT, name = BUF_INIT;
	guide_generated_url(g, kind, &url);
	if (asset) {
		buf_puts(&url, asset);
		buf_printf(&name, "the theme's asset '%s'", asset);
	} else {
		buf_puts(&name, what);
	}
	add_out(outs, n, cap, buf_cstr(&url), NULL, buf_detach(&name), at, fix);
	buf_free(&url);
}

/* Every file build writes, in the order the first of two clashing ones is
 * kept: the generated outputs whose names are fixed, the theme's assets, the
 * exports (named after the guide's version), then pages named by their
 * file, then pages with a permalink, each in path order. */
static void check_urls(ctx_t *c, const char *const *assets, size_t nassets)
{
	const guide_t *g = c->g;
	out_t *outs = NULL;
	size_t n = 0, cap = 0;
	add_generated(&outs, &n, &cap, g, "list", NULL, "the generated list of all practices", NULL, NULL);
	add_generated(&outs, &n, &cap, g, "reading", NULL, "the generated reading page (the whole guide on one page)",
		      NULL, NULL);
	char **parts = NULL;
	size_t nparts = guide_reading_parts(g, &parts);
	for (size_t t = 0; t < nparts; t++) {
		buf_t what = BUF_INIT;
		buf_printf(&what, "the generated reading page of the theme '%s' (over %d sheets, one per theme)",
			   g->themes[t]->title ? g->themes[t]->title : "", GUIDE_READING_SPLIT);
		add_out(&outs, &n, &cap, parts[t], NULL, buf_detach(&what), NULL, NULL);
		free(parts[t]);
	}
	free(parts);
	add_generated(&outs, &n, &cap, g, "sitemap", NULL, "the generated sitemap", NULL, NULL);
	add_generated(&outs, &n, &cap, g, "404", NULL, "the generated page for unknown URLs (404)", NULL, NULL);
	for (size_t i = 0; i < nassets; i++)
		add_generated(&outs, &n, &cap, g, "assets", assets[i], NULL, NULL, "rename this file of the theme");
	const value_t *version = value_get(value_get(value_get(g->data, "metadata"), "guideBonnesPratiques"), "version");
	if (version && !version->file)
		version = NULL;
	const char *vfix = "change metadata.guideBonnesPratiques.version, which the export's file name holds";
	add_generated(&outs, &n, &cap, g, "csv", NULL, "the generated CSV export", version, vfix);
	add_generated(&outs, &n, &cap, g, "json", NULL, "the generated JSON export", version, vfix);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < g->npages; i++) {
			const page_t *p = g->pages[i];
			const value_t *perm = value_get(p->fm, "permalink");
			bool from_perm = value_str(perm) && *value_str(perm);
			if (!p->url && pass == 0 && g->kinds[i] != PAGE_OTHER) {
				/* A sheet or theme is linked from the list, its theme
				 * and its neighbours: unpublished, every such link
				 * would lead nowhere. */
				diag_t *x = at_value(c, p, perm ? perm : p->fm, DIAG_ERROR, "not-published",
						     g->kinds[i] == PAGE_THEME
							     ? "a theme page must be published: 'permalink: false' leaves its sheets' links to it leading nowhere"
							     : "a sheet must be published: 'permalink: false' leaves the list's and its theme's links to it leading nowhere");
				diag_hint(x, "remove the 'permalink: false' line, or move the page out of the guide");
			}
			if (!p->url || from_perm != (pass == 1))
				continue;
			add_out(&outs, &n, &cap, p->url, p, NULL, from_perm ? perm : NULL,
				from_perm ? "change this page's 'permalink:' to a URL of its own"
					  : "rename or move this file, or give it a 'permalink:' of its own");
		}
	check_outputs(c, outs, n);
	for (size_t i = 0; i < n; i++) {
		free(outs[i].url);
		free(outs[i].what);
		free(outs[i].path);
	}
	free(outs);
}

/* ---- internal links ---- */

typedef struct {
	ctx_t *c;
	const page_t *page;
	const char **urls; /* sorted URLs of the site: pages, generated pages, assets */
	size_t nurls;
	const char *prefix; /* the guide's own URL space */
	size_t prefixlen;
	const char *assets; /* the assets' folder URL, for the hint */
} linkctx_t;

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whether an image's source (as the browser reads the attribute) is one
 * the site has: another host's or data: (left to the browser and to the
 * page's author), or the path of a page or an asset that the build writes.
 * A relative source never is: the build publishes no file of the guide's
 * folder (a page's URL is a folder of its own besides). */
static bool image_resolves(const char *const *urls, size_t nurls, const char *src, size_t n)
{
	buf_t b = BUF_INIT;
	mdurl_encode(&b, src, n);
	bool ok = mdurl_remote(buf_cstr(&b), b.len);
	if (!ok && n && src[0] == '/') {
		buf_reset(&b);
		/* the path, its %XX decoded: the site's URLs are kept as written */
		for (size_t i = 0; i < n && src[i] != '?' && src[i] != '#'; i++) {
			int hi, lo;
			if (src[i] == '%' && i + 2 < n && (hi = hexval(src[i + 1])) >= 0 && (lo = hexval(src[i + 2])) >= 0) {
				buf_putc(&b, (char)(hi * 16 + lo));
				i += 2;
			} else {
				buf_putc(&b, src[i]);
			}
		}
		size_t len;
		char *path = utf8_nfc_new(buf_cstr(&b), b.len, &len);
		const char *key = path ? path : buf_cstr(&b);
		ok = bsearch(&key, urls, nurls, sizeof *urls, cmp_cstr) != NULL;
		free(path);
	}
	buf_free(&b);
	return ok;
}

static void on_image(linkctx_t *lc, const md_link_t *l)
{
	if (image_resolves(lc->urls, lc->nurls, l->href, l->href_len) || capped(lc->c, CAP_IMAGE, l->line, l->col))
		return;
	bool abs = l->href_len && l->href[0] == '/';
	diag_t *d = diag_add(lc->c->diags, DIAG_WARNING, lc->page->path, l->line, l->col, "broken-image",
			     abs ? "image '%.*s', which the site does not have: the build leaves it out"
				 : "image '%.*s' by a relative path: the build publishes no file of the guide's folder "
				   "and leaves it out",
			     (int)(l->href_len > 300 ? 300 : l->href_len), l->href);
	diag_hint(d, "put the image in a theme folder (build --theme DIR) and write '%sNAME', or remove it",
		  lc->assets);
}

static void on_link(const md_link_t *link, void *ud)
{
	linkctx_t *lc = ud;
	/* Positions come relative to the body; the body starts below the front matter. */
	md_link_t shifted = *link;
	if (shifted.line > 0)
		shifted.line += lc->page->body_line - 1;
	const md_link_t *l = &shifted;
	if (l->image) {
		on_image(lc, l);
		return;
	}
	if (l->href_len == 0 || l->href[0] != '/' || (l->href_len > 1 && l->href[1] == '/'))
		return; /* external, anchor-only, relative (rare in guides) or protocol-relative */
	size_t n = l->href_len;
	for (size_t i = 0; i < l->href_len; i++)
		if (l->href[i] == '#' || l->href[i] == '?') {
			n = i;
			break;
		}
	/* Links outside the guide's URL space go to the rest of the host site. */
	if (n < lc->prefixlen || memcmp(l->href, lc->prefix, lc->prefixlen) != 0)
		return;
	/* Compared as rendered: page URLs are in NFC, and so is the link once
	 * the page is published. */
	size_t nfc_len;
	char *path = utf8_nfc_new(l->href, n, &nfc_len);
	if (!path)
		path = xstrndup(l->href, n);
	else
		n = nfc_len;
	bool found = bsearch(&path, lc->urls, lc->nurls, sizeof *lc->urls, cmp_cstr) != NULL;
	if (!found && n > 0 && path[n - 1] != '/') {
		/* "/x/y" is served by "/x/y/" */
		char *slash = xmalloc(n + 2);
		memcpy(slash, path, n);
		slash[n] = '/';
		slash[n + 1] = '\0';
		found = bsearch(&slash, lc->urls, lc->nurls, sizeof *lc->urls, cmp_cstr) != NULL;
		free(slash);
	}
	if (!found && !capped(lc->c, CAP_LINK, l->line, l->col)) {
		diag_t *d = diag_add(lc->c->diags, DIAG_WARNING, lc->page->path, l->line, l->col, "broken-link",
				     "link to '%s', which no page of the guide has", path);
		const char *sug = suggest_closest(path, lc->urls, lc->nurls);
		if (sug)
			diag_hint(d, "did you mean '%s'?", sug);
	}
	free(path);
}

typedef struct {
	ctx_t *c;
	const char **urls;
	size_t nurls;
	const char *prefix;
	size_t prefixlen;
	diag_list_t *diags; /* one per page */
	char **html;        /* when set: each page's full HTML, kept */
	size_t *html_len;
	const char *assets; /* the assets' folder URL */
	bool drop;          /* free each page's source once checked and rendered */
} pagejob_t;

static bool keep_image(const char *src, size_t len, void *ud)
{
	const pagejob_t *job = ud;
	return image_resolves(job->urls, job->nurls, src, len);
}

/* The checks that read one page's Markdown: template syntax and links. */
static bool check_page(size_t i, void *ud)
{
	pagejob_t *job = ud;
	const page_t *p = job->c->g->pages[i];
	pagecap_t cap = {{0}, {0}, {0}};
	ctx_t pc = {job->c->g, &job->diags[i], &cap};
	check_template_syntax(&pc, p);
	linkctx_t lc = {&pc, p, job->urls, job->nurls, job->prefix, job->prefixlen, job->assets};
	const char *body = p->text + p->body_off;
	size_t len = p->text_len - p->body_off;
	buf_t html = BUF_INIT, md = BUF_INIT;
	/* Link positions must point into the source as written, so a page whose
	 * text changes for rendering ({{ names }} expanded, or not in NFC) is
	 * parsed twice: as written for the links, as rendered for the HTML. */
	bool changed = job->html && guide_render_source(job->c->g, body, len, &md);
	if (!job->html || changed)
		md_render(body, len, MD_OPT_NOTYPO | MD_OPT_NOLINKIFY, &html, on_link, &lc);
	if (job->html) {
		buf_reset(&html);
		if (changed) {
			md_render(buf_cstr(&md), md.len, 0, &html, NULL, NULL);
		} else {
			md_render(body, len, 0, &html, on_link, &lc);
		}
		imgsrc_tag_t tag;
		if (imgsrc_next(html.ptr, html.len, 0, &tag)) {
			/* A page must not ask the site for what it does not have
			 * (check warns of each: broken-image). */
			buf_t kept = BUF_INIT;
			if (imgsrc_strip(html.ptr, html.len, keep_image, job, &kept)) {
				buf_free(&html);
				html = kept;
			} else {
				buf_free(&kept);
			}
		}
		/* Every body of the guide stays in memory until the site is
		 * written: copied at its size, without the doubling's spare
		 * room, into a block the size of the sources freed before it
		 * (see drop), where the growing buffer fitted in none of them. */
		job->html_len[i] = html.len;
		job->html[i] = xmalloc(html.len + 1);
		memcpy(job->html[i], buf_cstr(&html), html.len + 1);
	}
	buf_free(&html);
	buf_free(&md);
	if (job->drop) {
		/* Nothing reads the source after this page's check: at 100,000
		 * sheets, keeping every source beside every body until the end
		 * of the check was a third of the build's peak memory. */
		page_t *w = job->c->g->pages[i];
		free(w->text);
		w->text = NULL;
		w->text_len = w->body_off = 0;
	}
	for (int r = 0; r < CAP_RULES; r++) {
		if (cap.n[r] <= RULES_MAX_PAGE_WARNINGS)
			continue;
		diag_t *d = diag_add(pc.diags, DIAG_WARNING, p->path, cap.line[r], cap.col[r], cap_rule[r],
				     "%zu more %s warnings in this page are not listed (%zu in all)",
				     cap.n[r] - RULES_MAX_PAGE_WARNINGS, cap_rule[r], cap.n[r]);
		diag_hint(d, "fix the ones listed above, then check again");
	}
	return true;
}

/* The rules across pages, which one thread runs. */
static void check_across(const guide_t *g, const char *const *assets, size_t nassets, diag_list_t *diags)
{
	ctx_t c = {g, diags, NULL};
	size_t n = g->npractices + g->norphans;
	guide_practice_t **all = xcalloc(n + 1, sizeof *all);
	memcpy(all, g->practices, g->npractices * sizeof *all);
	memcpy(all + g->npractices, g->orphans, g->norphans * sizeof *all);
	check_duplicate_ids(&c, all, n);
	free(all);

	check_theme_links(&c);
	check_urls(&c, assets, nassets);
	check_who(&c);
}

/* Every check in one loop on threads: item 0 is the rules across pages, the
 * next ones each theme's, sheet's and orphan's fields, the last ones each
 * page's contents; the thread that takes item 0 runs the cross-page rules
 * while the others go through pages. Each item reports into a list of its
 * own, merged in the order one thread would have reported them: fields,
 * cross-page rules, contents. */
typedef struct {
	pagejob_t *pages;
	const char *const *assets;
	size_t nassets;
	size_t nfields;
	diag_list_t *field_diags; /* one per theme, sheet and orphan */
	diag_list_t across;
} alljob_t;

static bool check_one(size_t i, void *ud)
{
	alljob_t *job = ud;
	const guide_t *g = job->pages->c->g;
	if (i == 0) {
		check_across(g, job->assets, job->nassets, &job->across);
		return true;
	}
	if (--i < job->nfields) {
		check_fields_of(g, i, &job->field_diags[i]);
		return true;
	}
	return check_page(i - job->nfields, job->pages);
}

/* Fields, cross-page rules and page contents (template syntax, internal
 * links). */
static void check_contents(ctx_t *c, const char *const *assets, size_t nassets, char **keep, size_t *keep_len,
			   bool drop)
{
	const guide_t *g = c->g;
	size_t cap = g->npages + nassets + 8;
	const char **urls = xcalloc(cap, sizeof *urls);
	size_t n = 0;
	for (size_t i = 0; i < g->npages; i++)
		if (g->pages[i]->url)
			urls[n++] = g->pages[i]->url;
	const char *prefix = g->base;
	size_t plen = strlen(prefix);
	/* Pages sobre build generates besides the guide's own, and the
	 * theme's assets (which images may show). */
	buf_t gen = BUF_INIT;
	const char *kinds[] = {"list", "reading", "csv", "json"};
	size_t *offs = xcalloc(4 + nassets + 1, sizeof *offs);
	for (int i = 0; i < 4; i++) {
		offs[i] = gen.len;
		guide_generated_url(g, kinds[i], &gen);
		buf_putc(&gen, '\0');
	}
	buf_t folder = BUF_INIT;
	guide_generated_url(g, "assets", &folder);
	for (size_t i = 0; i < nassets; i++) {
		offs[4 + i] = gen.len;
		buf_printf(&gen, "%s%s", buf_cstr(&folder), assets[i]);
		buf_putc(&gen, '\0');
	}
	for (size_t i = 0; i < 4 + nassets; i++)
		urls[n++] = gen.ptr + offs[i];
	free(offs);
	qsort(urls, n, sizeof *urls, cmp_cstr);

	/* Pages are independent: each gets its own diagnostic list, merged in
	 * page order so the output never depends on thread scheduling. */
	pagejob_t job = {c, urls, n, prefix, plen, xcalloc(g->npages + 1, sizeof(diag_list_t)), keep, keep_len,
			 buf_cstr(&folder), drop};
	size_t nfields = g->nthemes + g->npractices + g->norphans;
	alljob_t all = {&job, assets, nassets, nfields, xcalloc(nfields + 1, sizeof(diag_list_t)), DIAG_LIST_INIT};
	size_t nitems = 1 + nfields + g->npages;
	parallel_for(nitems, parallel_threads(nitems, 32), check_one, &all);
	for (size_t i = 0; i < nfields; i++)
		diag_move_all(c->diags, &all.field_diags[i]);
	diag_move_all(c->diags, &all.across);
	for (size_t i = 0; i < g->npages; i++)
		diag_move_all(c->diags, &job.diags[i]);
	free(all.field_diags);
	free(job.diags);
	buf_free(&gen);
	buf_free(&folder);
	free(urls);
}

static void check_all(const guide_t *g, const char *const *assets, size_t nassets, diag_list_t *diags, char **html,
		      size_t *html_len, bool drop);

void rules_check(const guide_t *g, const char *const *assets, size_t nassets, diag_list_t *diags)
{
	check_all(g, assets, nassets, diags, NULL, NULL, false);
}

void rules_check_render(const guide_t *g, const char *const *assets, size_t nassets, diag_list_t *diags, char **html,
			size_t *html_len)
{
	check_all(g, assets, nassets, diags, html, html_len, false);
}

void rules_check_build(guide_t *g, const char *const *assets, size_t nassets, diag_list_t *diags, char **html,
		       size_t *html_len)
{
	check_all(g, assets, nassets, diags, html, html_len, true);
}

static void check_all(const guide_t *g, const char *const *assets, size_t nassets, diag_list_t *diags, char **html,
		      size_t *html_len, bool drop)
{
	ctx_t c = {g, diags, NULL};
	if (g->nignored)
		diag_add(diags, DIAG_INFO, NULL, 0, 0, "njk-ignored",
			 "%zu Nunjucks template%s (.njk) ignored: sobre renders pages with its own theme", g->nignored,
			 g->nignored > 1 ? "s" : "");
	check_contents(&c, assets, nassets, html, html_len, drop);
}
