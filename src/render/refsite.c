/* refsite: slugs and outputs, page contexts, the sections' HTML cache.
 * As in render/site, the parts every page shares (the référentiel, its
 * themes, the filters' choices) are built once and lent to each page's
 * context while it renders, so a page costs work in proportion to its own
 * content. The items' Markdown sections show on two pages each (the item's
 * and the reading page): refsite_write renders each once, on every core. */
#include "render/refsite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/markdown.h"
#include "guide/page.h"
#include "render/export_csv.h"
#include "render/export_json.h"
#include "render/pagectx.h"
#include "util/fold.h"
#include "util/parallel.h"
#include "util/strset.h"
#include "util/xalloc.h"

/* The référentiel's text comes from a data file, not from the site's
 * editors: raw HTML in it is shown as text, and an image on another host
 * becomes a link, so that no page asks another host. */
#define SECTION_MD_OPTS (MD_OPT_NOHTML | MD_OPT_NOREMOTEIMG)

typedef enum {
	R_HOME,
	R_THEME,
	R_ITEM,
	R_LIST,
	R_READING,
	R_CSV,
	R_JSON,
	R_SITEMAP,
	R_404,
	R_ASSET,
} rkind_t;

typedef struct {
	rkind_t kind;
	char *url;  /* URL path, "/criteres/1-1/" */
	char *path; /* file path relative to the site root */
	size_t index; /* R_THEME, R_ITEM: which one */
	const theme_file_t *asset;
} rout_t;

struct refsite {
	const referentiel_t *r;
	const theme_t *theme;
	char *base_url;
	rout_t *outs;
	size_t n, cap;
	size_t *order;       /* outputs, the big single ones first (sitewrite) */
	char **theme_slug;   /* per theme */
	char **item_slug;    /* per item */
	char **item_abs;     /* per item: its page's absolute URL, for the exports */
	const char **prio;   /* per item: its priority as the profile spells it ("" for none) */
	const char **diff;   /* per item: likewise its difficulty */
	size_t *prio_rank, *diff_rank; /* their place in the profile's lists (colours) */
	char **who_attr;     /* per item: its roles' filter spellings, '|' between them */
	strset_t *role_keys; /* fold key of a role -> index in roles */
	const char **roles;  /* the first spelling of each role met, in order met */
	size_t nroles;
	char **html;         /* per item and section: the HTML; NULL until refsite_write */
	size_t *html_len;
	value_t *shared;     /* lent to every page context */
};

static const char list_url[] = "/criteres/";
static const char reading_url[] = "/lecture/";

/* ---- slugs ---- */

/* Gives each of n texts a slug unique among them: its own when no text
 * before it took it, else the first of slug-2, slug-3... that no text
 * takes as its own. Linear: the next suffix to try is kept per slug. */
static char **unique_slugs(const char *const *texts, size_t n, const char *fallback)
{
	char **out = xcalloc(n + 1, sizeof *out);
	strset_t *taken = strset_new(), *bases = strset_new();
	size_t *next = xcalloc(n + 1, sizeof *next);
	buf_t b = BUF_INIT;
	bool *clash = xcalloc(n + 1, sizeof *clash);
	for (size_t i = 0; i < n; i++) {
		buf_reset(&b);
		referentiel_slug(texts[i], &b);
		if (b.len == 0)
			buf_puts(&b, fallback);
		out[i] = xstrdup(buf_cstr(&b));
		clash[i] = !strset_add(taken, out[i], b.len, i, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		if (!clash[i])
			continue;
		size_t at;
		if (strset_add(bases, out[i], strlen(out[i]), strset_len(bases), &at))
			at = strset_len(bases) - 1;
		if (next[at] < 2)
			next[at] = 2;
		for (;; next[at]++) {
			buf_reset(&b);
			buf_printf(&b, "%s-%zu", out[i], next[at]);
			if (strset_add(taken, b.ptr, b.len, i, NULL))
				break;
		}
		next[at]++;
		free(out[i]);
		out[i] = buf_detach(&b);
	}
	buf_free(&b);
	free(clash);
	free(next);
	strset_free(taken);
	strset_free(bases);
	return out;
}

/* ---- outputs ---- */

static void add_output(refsite_t *s, rkind_t kind, const char *url, size_t index, const theme_file_t *asset)
{
	s->outs = xgrow(s->outs, &s->cap, s->n + 1, sizeof *s->outs);
	rout_t *o = &s->outs[s->n++];
	o->kind = kind;
	o->url = xstrdup(url);
	o->index = index;
	o->asset = asset;
	buf_t p = BUF_INIT;
	page_output_path(url, &p);
	o->path = buf_detach(&p);
}

static void theme_url(const refsite_t *s, size_t t, buf_t *out)
{
	buf_printf(out, "/thematiques/%s/", s->theme_slug[t]);
}

static void item_url(const refsite_t *s, size_t i, buf_t *out)
{
	buf_printf(out, "%s%s/", list_url, s->item_slug[i]);
}

/* "/rgesn-2024.csv": the référentiel's id and version. */
static void export_url(const refsite_t *s, const char *ext, buf_t *out)
{
	buf_t name = BUF_INIT;
	buf_printf(&name, "%s %s", s->r->id, s->r->version);
	buf_putc(out, '/');
	size_t at = out->len;
	referentiel_slug(buf_cstr(&name), out);
	if (out->len == at)
		buf_puts(out, "referentiel");
	buf_printf(out, ".%s", ext);
	buf_free(&name);
}

/* Big single outputs first, so that they overlap with the many small pages. */
static int weight(rkind_t k)
{
	switch (k) {
	case R_READING: return 0;
	case R_LIST: return 1;
	case R_CSV:
	case R_JSON:
	case R_SITEMAP: return 2;
	default: return 3;
	}
}

static void add_outputs(refsite_t *s)
{
	const referentiel_t *r = s->r;
	buf_t u = BUF_INIT;
	add_output(s, R_HOME, "/", 0, NULL);
	for (size_t t = 0; t < r->nthemes; t++) {
		buf_reset(&u);
		theme_url(s, t, &u);
		add_output(s, R_THEME, buf_cstr(&u), t, NULL);
	}
	for (size_t i = 0; i < r->nitems; i++) {
		buf_reset(&u);
		item_url(s, i, &u);
		add_output(s, R_ITEM, buf_cstr(&u), i, NULL);
	}
	add_output(s, R_LIST, list_url, 0, NULL);
	add_output(s, R_READING, reading_url, 0, NULL);
	buf_reset(&u);
	export_url(s, "csv", &u);
	add_output(s, R_CSV, buf_cstr(&u), 0, NULL);
	buf_reset(&u);
	export_url(s, "json", &u);
	add_output(s, R_JSON, buf_cstr(&u), 0, NULL);
	add_output(s, R_SITEMAP, "/sitemap.xml", 0, NULL);
	add_output(s, R_404, "/404.html", 0, NULL);
	for (size_t i = 0; i < theme_asset_count(s->theme); i++) {
		const theme_file_t *f = theme_asset(s->theme, i);
		buf_reset(&u);
		buf_printf(&u, "/assets/%s", f->name);
		add_output(s, R_ASSET, buf_cstr(&u), 0, f);
	}
	buf_free(&u);
	s->order = xcalloc(s->n + 1, sizeof *s->order);
	size_t k = 0;
	for (int w = 0; w <= 3; w++)
		for (size_t i = 0; i < s->n; i++)
			if (weight(s->outs[i].kind) == w)
				s->order[k++] = i;
}

/* ---- the items' values as the pages show them ---- */

/* The profile's spelling of an item's priority and difficulty (the lists'
 * filters compare them with the profile's), and their ranks. */
static void canonical_values(refsite_t *s)
{
	const referentiel_t *r = s->r;
	const profile_t *p = r->profile;
	s->prio = xcalloc(r->nitems + 1, sizeof *s->prio);
	s->diff = xcalloc(r->nitems + 1, sizeof *s->diff);
	s->prio_rank = xcalloc(r->nitems + 1, sizeof *s->prio_rank);
	s->diff_rank = xcalloc(r->nitems + 1, sizeof *s->diff_rank);
	for (size_t i = 0; i < r->nitems; i++) {
		const ref_item_t *it = &r->items[i];
		int pi = *it->priority ? profile_priority_parse(p, it->priority) : -1;
		int di = *it->difficulty ? profile_difficulty_parse(p, it->difficulty) : -1;
		s->prio[i] = pi >= 0 ? p->priorities[pi].name : it->priority;
		s->diff[i] = di >= 0 ? p->difficulties[di] : it->difficulty;
		s->prio_rank[i] = pi >= 0 ? (size_t)pi : 3;
		s->diff_rank[i] = di >= 0 ? (size_t)di : 3;
	}
}

/* The spelling the filters use for a role: the first met of those equal
 * once case, accents and dashes are set aside. */
static const char *role_filter(const refsite_t *s, const char *role)
{
	buf_t key = BUF_INIT;
	fold_key(role, &key);
	size_t at;
	const char *name = strset_get(s->role_keys, key.ptr ? key.ptr : "", key.len, &at) ? s->roles[at] : role;
	buf_free(&key);
	return name;
}

static void collect_roles(refsite_t *s)
{
	const referentiel_t *r = s->r;
	size_t cap = 0;
	buf_t key = BUF_INIT;
	s->role_keys = strset_new();
	s->who_attr = xcalloc(r->nitems + 1, sizeof *s->who_attr);
	for (size_t i = 0; i < r->nitems; i++)
		for (size_t k = 0; k < r->items[i].nroles; k++) {
			buf_reset(&key);
			fold_key(r->items[i].roles[k], &key);
			if (strset_add(s->role_keys, key.ptr ? key.ptr : "", key.len, s->nroles, NULL)) {
				s->roles = xgrow(s->roles, &cap, s->nroles + 1, sizeof *s->roles);
				s->roles[s->nroles++] = r->items[i].roles[k];
			}
		}
	buf_free(&key);
	for (size_t i = 0; i < r->nitems; i++) {
		buf_t attr = BUF_INIT;
		for (size_t k = 0; k < r->items[i].nroles; k++)
			buf_printf(&attr, "%s%s", k ? "|" : "", role_filter(s, r->items[i].roles[k]));
		s->who_attr[i] = buf_detach(&attr);
	}
}

/* Section k of item i as HTML: lent from the cache when there is one. */
static value_t *section_html(const refsite_t *s, size_t i, size_t k)
{
	size_t at = i * REFERENTIEL_MAX_SECTIONS + k;
	if (s->html && s->html[at])
		return value_string_ref(s->html[at], s->html_len[at]);
	const ref_section_t *sec = &s->r->items[i].sections[k];
	buf_t b = BUF_INIT;
	/* md_render fails only past md4c's sizes (4 GiB), far above a
	 * référentiel's 64 MiB: what it rendered is kept. */
	(void)md_render(sec->text, strlen(sec->text), SECTION_MD_OPTS, &b, NULL, NULL);
	size_t n = b.len;
	return value_string_own(buf_detach(&b), n);
}

/* ---- shared context ---- */

static value_t *theme_ref(const refsite_t *s, size_t t)
{
	const ref_theme_t *th = &s->r->themes[t];
	value_t *m = value_map();
	buf_t b = BUF_INIT;
	pagectx_str(m, "id", s->theme_slug[t]);
	pagectx_str(m, "title", th->title);
	theme_url(s, t, &b);
	pagectx_buf(m, "url", &b);
	buf_printf(&b, "thematique-%s", s->theme_slug[t]);
	pagectx_str(m, "anchorId", buf_cstr(&b));
	buf_reset(&b);
	buf_printf(&b, "%s#thematique-%s", list_url, s->theme_slug[t]);
	pagectx_buf(m, "anchor", &b);
	value_map_set(m, "count", value_number((double)th->count));
	value_map_set(m, "plural", value_bool(th->count > 1));
	return m;
}

static value_t *choices(const char *const *names, size_t n)
{
	value_t *l = value_list();
	for (size_t i = 0; i < n; i++) {
		value_t *m = value_push_map(l);
		buf_t cls = BUF_INIT;
		referentiel_slug(names[i], &cls);
		pagectx_str(m, "value", names[i]);
		pagectx_buf(m, "class", &cls);
		pagectx_str(m, "color", pagectx_dsfr_color(i));
	}
	return l;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static value_t *build_shared(const refsite_t *s)
{
	const referentiel_t *r = s->r;
	const profile_t *p = r->profile;
	value_t *sh = value_map();
	value_t *site = value_map();
	pagectx_str(site, "title", "");
	pagectx_str(site, "url", s->base_url);
	pagectx_str(site, "assets", "/assets/");
	value_map_set(sh, "site", site);

	/* "guide": the layout's name for what the site publishes. */
	value_t *g = value_map();
	pagectx_str(g, "id", r->id);
	pagectx_str(g, "title", r->title);
	pagectx_str(g, "version", r->version);
	pagectx_str(g, "versionTitle", r->version);
	pagectx_str(g, "description", "");
	pagectx_date(g, "updated", r->date);
	pagectx_url(g, "home", "/");
	pagectx_url(g, "list", list_url);
	pagectx_url(g, "reading", reading_url);
	for (size_t i = 0; i < s->n; i++)
		if (s->outs[i].kind == R_CSV || s->outs[i].kind == R_JSON)
			pagectx_url(g, s->outs[i].kind == R_CSV ? "csv" : "json", s->outs[i].url);
	value_map_set(g, "items", value_number((double)r->nitems));
	value_map_set(g, "itemsPlural", value_bool(r->nitems > 1));
	value_map_set(g, "themeCount", value_number((double)r->nthemes));
	value_map_set(g, "themesPlural", value_bool(r->nthemes > 1));
	value_map_set(sh, "guide", g);

	value_t *themes = value_list();
	for (size_t t = 0; t < r->nthemes; t++)
		value_list_push(themes, theme_ref(s, t));
	value_map_set(sh, "themes", themes);
	value_map_set(sh, "sideThemes", r->nthemes <= REFSITE_MAX_SIDE_THEMES ? value_copy(themes) : value_list());

	const char **names = xcalloc(PROFILE_MAX_PRIORITIES + PROFILE_MAX_DIFFICULTIES + 1, sizeof *names);
	for (size_t i = 0; i < p->npriorities; i++)
		names[i] = p->priorities[i].name;
	value_map_set(sh, "priorities", choices(names, p->npriorities));
	free(names);
	value_map_set(sh, "difficulties", choices(p->difficulties, p->ndifficulties));
	const char **whos = xcalloc(s->nroles + 1, sizeof *whos);
	memcpy(whos, s->roles, s->nroles * sizeof *whos);
	if (s->nroles > 1)
		qsort(whos, s->nroles, sizeof *whos, cmp_cstr);
	value_t *wl = value_list();
	for (size_t i = 0; i < s->nroles; i++)
		pagectx_str(value_push_map(wl), "value", whos[i]);
	free(whos);
	value_map_set(sh, "whos", wl);
	/* The filter form only when there is something to choose. */
	bool filters = r->nthemes > 1 || p->npriorities || p->ndifficulties || s->nroles;
	value_map_set(sh, "filters", value_bool(filters));
	value_map_set(sh, "themeFilter", value_bool(r->nthemes > 1));
	return sh;
}

/* ---- page contexts ---- */

static value_t *crumb(const char *title, const char *url)
{
	value_t *m = value_map();
	pagectx_str(m, "title", title);
	if (url)
		pagectx_url(m, "url", url);
	return m;
}

/* What a list entry shows, and what the list's filters read. */
static value_t *item_ref(const refsite_t *s, size_t i)
{
	const ref_item_t *it = &s->r->items[i];
	value_t *m = value_map();
	buf_t b = BUF_INIT;
	pagectx_str(m, "id", it->id);
	pagectx_str(m, "title", it->title);
	item_url(s, i, &b);
	pagectx_buf(m, "url", &b);
	buf_printf(&b, "critere-%s", s->item_slug[i]);
	pagectx_buf(m, "anchorId", &b);
	pagectx_str(m, "themeId", s->theme_slug[it->theme]);
	pagectx_str(m, "priority", s->prio[i]);
	pagectx_str(m, "priorityColor", pagectx_dsfr_color(s->prio_rank[i]));
	pagectx_str(m, "difficulty", s->diff[i]);
	pagectx_str(m, "difficultyColor", pagectx_dsfr_color(s->diff_rank[i]));
	pagectx_str(m, "whoAttr", s->who_attr[i]);
	return m;
}

/* Everything an item's page and the reading page show of it. */
static value_t *item_full(const refsite_t *s, size_t i)
{
	const ref_item_t *it = &s->r->items[i];
	value_t *m = item_ref(s, i);
	value_map_set(m, "theme", theme_ref(s, it->theme));
	pagectx_filter_url(m, "priorityUrl", list_url, "priority", s->prio[i]);
	pagectx_filter_url(m, "difficultyUrl", list_url, "difficulty", s->diff[i]);
	pagectx_str(m, "applicability", it->applicability);
	value_t *roles = value_put_list(m, "roles");
	for (size_t k = 0; k < it->nroles; k++) {
		value_t *rm = value_push_map(roles);
		pagectx_str(rm, "name", it->roles[k]);
		pagectx_filter_url(rm, "url", list_url, "who", role_filter(s, it->roles[k]));
	}
	value_t *ind = value_put_list(m, "indicators");
	for (size_t k = 0; k < it->nindicators; k++)
		value_list_push(ind, value_cstring(it->indicators[k]));
	value_t *secs = value_put_list(m, "sections");
	buf_t id = BUF_INIT;
	for (size_t k = 0; k < it->nsections; k++) {
		value_t *sm = value_push_map(secs);
		/* "section-" keeps a section titled like one of the layout's ids
		 * (contenu, titre...) from taking it; a repeated key gets its place. */
		buf_reset(&id);
		buf_printf(&id, "section-%s", it->sections[k].key);
		for (size_t j = 0; j < k; j++)
			if (strcmp(it->sections[j].key, it->sections[k].key) == 0) {
				buf_printf(&id, "-%zu", k + 1);
				break;
			}
		pagectx_str(sm, "anchorId", buf_cstr(&id));
		pagectx_str(sm, "title", it->sections[k].title);
		value_map_set(sm, "html", section_html(s, i, k));
	}
	buf_free(&id);
	/* The item's page on the site it came from (NumEcoDiag gives one). */
	bool elsewhere = *it->url && strncmp(it->url, s->base_url, strlen(s->base_url)) != 0;
	pagectx_str(m, "source", elsewhere ? it->url : "");
	return m;
}

static value_t *theme_full(const refsite_t *s, size_t t, bool full)
{
	const ref_theme_t *th = &s->r->themes[t];
	value_t *m = theme_ref(s, t);
	value_t *items = value_put_list(m, "items");
	for (size_t i = th->first; i < th->first + th->count; i++)
		value_list_push(items, full ? item_full(s, i) : item_ref(s, i));
	return m;
}

static const char *const lent[] = {"site", "guide",   "themes",  "sideThemes", "priorities",
				   "difficulties", "whos", "filters", "themeFilter"};
#define NLENT (sizeof lent / sizeof *lent)

static value_t *sitemap_urls(const refsite_t *s)
{
	value_t *urls = value_list();
	for (size_t i = 0; i < s->n; i++) {
		if (s->outs[i].kind > R_READING)
			continue;
		buf_t loc = BUF_INIT;
		guide_absolute_url(s->base_url, s->outs[i].url, &loc);
		pagectx_buf(value_push_map(urls), "loc", &loc);
	}
	return urls;
}

static value_t *page_context(const refsite_t *s, const rout_t *o, const char **tpl)
{
	const referentiel_t *r = s->r;
	value_t *ctx = value_map();
	value_t *page = value_map();
	value_t *bc = value_list();
	value_list_push(bc, crumb(r->title, "/"));
	pagectx_url(page, "url", o->url);
	buf_t b = BUF_INIT;
	switch (o->kind) {
	case R_HOME:
		*tpl = "ref-home";
		pagectx_str(page, "title", r->title);
		break;
	case R_THEME:
		*tpl = "ref-theme";
		pagectx_str(page, "title", r->themes[o->index].title);
		value_list_push(bc, crumb(r->themes[o->index].title, NULL));
		value_map_set(ctx, "theme", theme_full(s, o->index, false));
		break;
	case R_ITEM: {
		size_t i = o->index;
		const ref_item_t *it = &r->items[i];
		*tpl = "ref-criterion";
		buf_printf(&b, "%s %s", it->id, it->title);
		pagectx_str(page, "title", buf_cstr(&b));
		value_list_push(bc, crumb("Critères", list_url));
		buf_reset(&b);
		theme_url(s, it->theme, &b);
		value_list_push(bc, crumb(r->themes[it->theme].title, buf_cstr(&b)));
		buf_reset(&b);
		buf_printf(&b, "Critère %s", it->id);
		value_list_push(bc, crumb(buf_cstr(&b), NULL));
		value_t *c = item_full(s, i);
		if (i > 0)
			value_map_set(c, "prev", item_ref(s, i - 1));
		if (i + 1 < r->nitems)
			value_map_set(c, "next", item_ref(s, i + 1));
		value_map_set(ctx, "criterion", c);
		break;
	}
	case R_LIST:
	case R_READING: {
		bool reading = o->kind == R_READING;
		*tpl = reading ? "ref-reading" : "ref-list";
		const char *title = reading ? "Le référentiel en une page" : "Critères";
		pagectx_str(page, "title", title);
		value_list_push(bc, crumb(title, NULL));
		value_t *groups = value_put_list(ctx, "groups");
		for (size_t t = 0; t < r->nthemes; t++)
			value_list_push(groups, theme_full(s, t, reading));
		break;
	}
	case R_SITEMAP:
		*tpl = "sitemap";
		value_map_set(ctx, "urls", sitemap_urls(s));
		break;
	default:
		*tpl = "ref-404";
		pagectx_str(page, "title", "Page introuvable");
		value_list_push(bc, crumb("Page introuvable", NULL));
		break;
	}
	buf_free(&b);
	/* The last crumb is the current page: never a link. */
	value_free(value_map_take(bc->u.list.items[bc->u.list.len - 1], "url"));
	value_map_set(ctx, "page", page);
	value_map_set(ctx, "breadcrumb", bc);
	for (size_t i = 0; i < NLENT; i++)
		value_map_set(ctx, lent[i], (value_t *)value_get(s->shared, lent[i]));
	return ctx;
}

static void context_free(value_t *ctx)
{
	/* Give the lent parts back before freeing what the page owns. */
	for (size_t i = 0; i < NLENT; i++)
		value_map_take(ctx, lent[i]);
	value_free(ctx);
}

int refsite_render(const refsite_t *s, size_t i, buf_t *out, diag_list_t *diags)
{
	const rout_t *o = &s->outs[i];
	switch (o->kind) {
	case R_CSV:
		export_csv_referentiel(s->r, (const char *const *)s->item_abs, false, out);
		return 0;
	case R_JSON:
		export_json_referentiel(s->r, s->base_url, (const char *const *)s->item_abs, out);
		return 0;
	case R_ASSET:
		buf_put(out, o->asset->data, o->asset->size);
		return 0;
	default:
		break;
	}
	const char *tpl = NULL;
	value_t *ctx = page_context(s, o, &tpl);
	const mst_t *t = theme_template(s->theme, tpl);
	int rc = -1;
	if (!t)
		diag_add(diags, DIAG_ERROR, NULL, 0, 0, "theme", "the theme has no template '%s.mustache'", tpl);
	else
		rc = mst_render(t, ctx, theme_lookup, (void *)s->theme, out, diags);
	context_free(ctx);
	return rc;
}

/* ---- the site ---- */

refsite_t *refsite_new(const referentiel_t *r, const theme_t *theme, const char *base_url)
{
	refsite_t *s = xcalloc(1, sizeof *s);
	s->r = r;
	s->theme = theme;
	s->base_url = xstrdup(base_url);
	/* Themes by their id: the RGESN's is a slug of its title already, the
	 * export envelope's ("a.") is the one its URLs used. */
	const char **texts = xcalloc(r->nitems + r->nthemes + 1, sizeof *texts);
	for (size_t t = 0; t < r->nthemes; t++)
		texts[t] = r->themes[t].id;
	s->theme_slug = unique_slugs(texts, r->nthemes, "thematique");
	for (size_t i = 0; i < r->nitems; i++)
		texts[i] = r->items[i].id;
	s->item_slug = unique_slugs(texts, r->nitems, "critere");
	free(texts);
	add_outputs(s);
	s->item_abs = xcalloc(r->nitems + 1, sizeof *s->item_abs);
	buf_t u = BUF_INIT, abs = BUF_INIT;
	for (size_t i = 0; i < r->nitems; i++) {
		buf_reset(&u);
		item_url(s, i, &u);
		guide_absolute_url(base_url, buf_cstr(&u), &abs);
		s->item_abs[i] = buf_detach(&abs);
	}
	buf_free(&u);
	canonical_values(s);
	collect_roles(s);
	s->shared = build_shared(s);
	return s;
}

static void free_strings(char **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

void refsite_free(refsite_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->outs[i].url);
		free(s->outs[i].path);
	}
	free(s->outs);
	free(s->order);
	free_strings(s->theme_slug, s->r->nthemes);
	free_strings(s->item_slug, s->r->nitems);
	free_strings(s->item_abs, s->r->nitems);
	free_strings(s->who_attr, s->r->nitems);
	free_strings(s->html, s->html ? s->r->nitems * REFERENTIEL_MAX_SECTIONS : 0);
	free(s->html_len);
	free(s->prio);
	free(s->diff);
	free(s->prio_rank);
	free(s->diff_rank);
	free(s->roles);
	strset_free(s->role_keys);
	value_free(s->shared);
	free(s->base_url);
	free(s);
}

size_t refsite_count(const refsite_t *s)
{
	return s->n;
}

const char *refsite_path(const refsite_t *s, size_t i)
{
	return s->outs[i].path;
}

static bool html_one(size_t i, void *ud)
{
	refsite_t *s = ud;
	const ref_item_t *it = &s->r->items[i];
	for (size_t k = 0; k < it->nsections; k++) {
		buf_t b = BUF_INIT;
		(void)md_render(it->sections[k].text, strlen(it->sections[k].text), SECTION_MD_OPTS, &b, NULL, NULL);
		size_t at = i * REFERENTIEL_MAX_SECTIONS + k;
		s->html_len[at] = b.len;
		s->html[at] = buf_detach(&b);
	}
	return true;
}

static const char *write_path(const void *s, size_t i)
{
	return refsite_path(s, i);
}

static int write_render(const void *s, size_t i, buf_t *out, diag_list_t *diags)
{
	return refsite_render(s, i, out, diags);
}

int refsite_write(refsite_t *s, const char *out_dir, int threads, sitewrite_progress_fn progress, void *ud,
		  sitewrite_stats_t *stats, diag_list_t *diags)
{
	if (!s->html) {
		size_t n = s->r->nitems * REFERENTIEL_MAX_SECTIONS;
		s->html = xcalloc(n + 1, sizeof *s->html);
		s->html_len = xcalloc(n + 1, sizeof *s->html_len);
		parallel_for(s->r->nitems, threads, html_one, s);
	}
	sitewrite_src_t src = {s->n, s, write_path, write_render, s->order};
	return sitewrite(&src, out_dir, threads, progress, ud, stats, diags);
}
