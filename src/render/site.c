/* site: output list and page contexts; render/sitewrite writes them.
 * Contexts are value trees: the parts every page shares (guide, menu, themes,
 * filters) are built once and lent to each page's context for the time of its
 * rendering, so a page costs work in proportion to its own content only. */
#define _GNU_SOURCE /* qsort_r */
#include "render/site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/markdown.h"
#include "guide/rules.h"
#include "render/export_csv.h"
#include "render/export_json.h"
#include "render/pagectx.h"
#include "util/parallel.h"
#include "util/strset.h"
#include "util/utf8.h"
#include "util/xalloc.h"

typedef enum {
	OUT_PAGE,
	OUT_THEME,
	OUT_SHEET,
	OUT_LIST,
	OUT_READING,
	OUT_READING_PART, /* a theme of a split reading version (GUIDE_READING_SPLIT) */
	OUT_CSV,
	OUT_JSON,
	OUT_SITEMAP,
	OUT_404,
	OUT_ASSET,
} out_kind_t;

typedef struct {
	out_kind_t kind;
	char *path; /* file path relative to the site root */
	char *url;  /* URL path */
	const void *obj; /* page_t, guide_theme_t, guide_practice_t or theme_file_t */
} output_t;

/* A pilot as a sheet writes it, and as the list's filters name it: names
 * differing only in case (or composition) are one pilot, filtered under
 * the spelling the guide uses first. Both borrowed from the guide. */
typedef struct {
	const char *name;
	const char *filter;
	char *url; /* the list filtered on this pilot, encoded (site_new) */
} pilot_t;

struct site {
	guide_t *g;
	const theme_t *theme;
	char *base_url;
	value_t *shared; /* lent to every page context */
	output_t *outs;
	size_t n, cap;
	size_t *by_url; /* output indexes sorted by URL, for site_find */
	/* Computed once: every page links to them. */
	char *list_url;     /* the list page's URL path (not encoded) */
	char **anchors;     /* per theme: its place on the list page, encoded */
	pilot_t *pilots;    /* every pilot name of the guide, sorted (strcmp) */
	size_t npilots;
	char **enc;         /* per page of the guide: its URL percent-encoded, or NULL */
	/* The list filtered on each known priority and difficulty, encoded:
	 * every sheet links to two of them. */
	char *prio_urls[3], *diff_urls[3];
	bool split;         /* the reading version is one page per theme */
	char **parts;       /* per theme, when split: its reading page's URL path */
};

/* ---- small value builders (render/pagectx) ---- */

static void put_date(value_t *m, const char *key, const value_t *date)
{
	pagectx_date(m, key, value_str(date));
}

static const char *priority_class(const char *p)
{
	if (strcmp(p, rules_priorities[0]) == 0)
		return "prioritaire";
	if (strcmp(p, rules_priorities[1]) == 0)
		return "recommandee";
	return "aller-plus-loin";
}

static const char *dsfr_color(const char *v, const char *const *set)
{
	size_t i = 0;
	while (i < 3 && strcmp(v, set[i]) != 0)
		i++;
	return pagectx_dsfr_color(i);
}

static const char *difficulty_class(const char *d)
{
	if (strcmp(d, rules_difficulties[0]) == 0)
		return "facile";
	if (strcmp(d, rules_difficulties[1]) == 0)
		return "moyenne";
	return "difficile";
}

/* The body as a value: lent from the cache when there is one. */
static value_t *body_value(const site_t *s, const page_t *p)
{
	size_t n;
	const char *h = guide_page_html_cached(s->g, p, &n);
	if (h)
		return value_string_ref(h, n);
	buf_t b = BUF_INIT;
	guide_page_html(s->g, p, &b);
	n = b.len;
	return value_string_own(buf_detach(&b), n);
}

static const char *page_title(const page_t *p)
{
	const char *t = value_str(value_get(p->fm, "title"));
	return t ? t : p->path;
}

/* ---- shared context ---- */

static void add_output(site_t *s, out_kind_t kind, const char *url, const void *obj)
{
	s->outs = xgrow(s->outs, &s->cap, s->n + 1, sizeof *s->outs);
	output_t *o = &s->outs[s->n++];
	o->kind = kind;
	o->obj = obj;
	o->url = xstrdup(url);
	/* Resolved: no URL, not even an export named after the guide's version,
	 * leads outside the site's folder; check's duplicate-url rule compares
	 * these same paths. */
	buf_t p = BUF_INIT;
	page_output_path(url, &p);
	o->path = buf_detach(&p);
}

/* A page's URL, encoded once for the whole site (site_new): the list, the
 * theme pages and the reading version each link to every sheet. */
static void put_page_url(const site_t *s, value_t *m, const char *key, const page_t *p)
{
	if (p->index < s->g->npages && s->g->pages[p->index] == p && s->enc[p->index])
		pagectx_ref(m, key, s->enc[p->index]);
	else
		pagectx_url(m, key, p->url);
}

/* The references below lend the guide's and the site's strings (which
 * outlive every page context) instead of copying them: the list page holds
 * one per sheet of the guide. */
static value_t *theme_ref(const site_t *s, const guide_theme_t *t)
{
	value_t *m = value_map();
	pagectx_ref(m, "id", t->id);
	pagectx_ref(m, "key", t->key);
	pagectx_ref(m, "title", t->title);
	put_page_url(s, m, "url", t->page);
	pagectx_ref(m, "anchor", s->anchors[t->index]);
	value_map_set(m, "count", value_number((double)t->npractices));
	return m;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_menu(const void *x, const void *y)
{
	const page_t *a = *(page_t *const *)x, *b = *(page_t *const *)y;
	const value_t *oa = guide_nav(a, "order"), *ob = guide_nav(b, "order");
	double da = oa && oa->kind == VAL_NUMBER ? oa->u.num : 1e9;
	double db = ob && ob->kind == VAL_NUMBER ? ob->u.num : 1e9;
	if (da != db)
		return da < db ? -1 : 1;
	return strcmp(a->path, b->path);
}

static const page_t *home_page(const guide_t *g)
{
	for (size_t i = 0; i < g->npages; i++)
		if (g->pages[i]->url && strcmp(g->pages[i]->url, g->base) == 0)
			return g->pages[i];
	return NULL;
}

static value_t *build_shared(site_t *s)
{
	const guide_t *g = s->g;
	value_t *sh = value_map();

	value_t *site = value_map();
	pagectx_str(site, "title", guide_site_meta(g, "title"));
	pagectx_str(site, "url", s->base_url);
	buf_t assets = BUF_INIT;
	guide_generated_url(g, "assets", &assets);
	pagectx_buf(site, "assets", &assets);
	value_map_set(sh, "site", site);

	value_t *guide = value_map();
	const page_t *home = home_page(g);
	pagectx_str(guide, "title", guide_meta(g, "title") ? guide_meta(g, "title") : home ? page_title(home) : "");
	pagectx_str(guide, "version", guide_meta(g, "version"));
	pagectx_str(guide, "versionTitle", guide_meta(g, "versionTitle") ? guide_meta(g, "versionTitle") : guide_meta(g, "version"));
	pagectx_str(guide, "description", guide_meta(g, "description"));
	put_date(guide, "updated", value_get(value_get(value_get(g->data, "metadata"), "guideBonnesPratiques"), "updatedAt"));
	pagectx_url(guide, "home", g->base);
	const char *kinds[] = {"list", "reading", "csv", "json"};
	for (int i = 0; i < 4; i++) {
		buf_t u = BUF_INIT;
		guide_generated_url(g, kinds[i], &u);
		pagectx_url(guide, kinds[i], buf_cstr(&u));
		buf_free(&u);
	}
	if (s->split)
		value_map_set(guide, "readingSplit", value_bool(true));
	value_map_set(guide, "practices", value_number((double)g->npractices));
	value_map_set(guide, "themeCount", value_number((double)g->nthemes));
	value_map_set(sh, "guide", guide);

	/* The menu: the guide's other pages (not the home, themes or sheets). */
	page_t **others = xcalloc(g->npages + 1, sizeof *others);
	size_t no = 0;
	for (size_t i = 0; i < g->npages; i++)
		if (g->kinds[i] == PAGE_OTHER && g->pages[i] != home && g->pages[i]->url)
			others[no++] = g->pages[i];
	qsort(others, no, sizeof *others, cmp_menu);
	value_t *menu = value_list();
	for (size_t i = 0; i < no; i++) {
		value_t *m = value_map();
		const char *t = value_str(guide_nav(others[i], "title"));
		if (!t)
			t = value_str(value_get(others[i]->fm, "menuTitle"));
		pagectx_str(m, "title", t ? t : page_title(others[i]));
		pagectx_url(m, "url", others[i]->url);
		value_list_push(menu, m);
	}
	free(others);
	value_map_set(sh, "menu", menu);

	value_t *themes = value_list();
	for (size_t t = 0; t < g->nthemes; t++)
		value_list_push(themes, theme_ref(s, g->themes[t]));
	value_map_set(sh, "themes", themes);

	/* Filter choices: fixed sets, and every pilot of the guide sorted. */
	value_t *pri = value_list(), *dif = value_list();
	for (int i = 0; i < 3; i++) {
		value_t *a = value_map(), *b = value_map();
		pagectx_str(a, "value", rules_priorities[i]);
		pagectx_str(a, "class", priority_class(rules_priorities[i]));
		pagectx_str(b, "value", rules_difficulties[i]);
		pagectx_str(b, "class", difficulty_class(rules_difficulties[i]));
		value_list_push(pri, a);
		value_list_push(dif, b);
	}
	value_map_set(sh, "priorities", pri);
	value_map_set(sh, "difficulties", dif);
	size_t nw = s->npilots;
	const char **whos = xcalloc(nw + 1, sizeof *whos);
	for (size_t i = 0; i < nw; i++)
		whos[i] = s->pilots[i].filter;
	if (nw > 1) /* qsort's array may not be NULL, even empty: a guide without pilots */
		qsort(whos, nw, sizeof *whos, cmp_cstr);
	value_t *wl = value_list();
	for (size_t i = 0; i < nw; i++) {
		if (i > 0 && strcmp(whos[i], whos[i - 1]) == 0)
			continue;
		value_t *m = value_map();
		pagectx_str(m, "value", whos[i]);
		value_list_push(wl, m);
	}
	free(whos);
	value_map_set(sh, "whos", wl);
	return sh;
}

typedef struct {
	const char *name;
	size_t key; /* offset of the case-folded name in the keys buffer */
	size_t seq; /* place in the guide */
} pilot_seen_t;

static int cmp_pilot_seen(const void *x, const void *y, void *keys)
{
	const pilot_seen_t *a = x, *b = y;
	int r = strcmp((const char *)keys + a->key, (const char *)keys + b->key);
	return r ? r : (a->seq > b->seq) - (a->seq < b->seq);
}

static int cmp_pilot(const void *x, const void *y)
{
	return strcmp(((const pilot_t *)x)->name, ((const pilot_t *)y)->name);
}

/* Fills s->pilots: each name of the guide's who lists with the first
 * spelling, in guide order, of its case-folded form. */
static void collect_pilots(site_t *s)
{
	const guide_t *g = s->g;
	pilot_seen_t *seen = NULL;
	size_t n = 0, cap = 0, seq = 0;
	buf_t keys = BUF_INIT;
	/* Each spelling once, at its first place in the guide: a guide names
	 * a few dozen pilots tens of thousands of times, and only the first
	 * place of each spelling can be the first of its case-folded form. */
	strset_t *spellings = strset_new();
	for (size_t i = 0; i < g->npractices; i++) {
		const value_t *w = g->practices[i]->who;
		for (size_t k = 0; w && w->kind == VAL_LIST && k < w->u.list.len; k++) {
			const char *name = value_str(w->u.list.items[k]);
			if (!name)
				continue;
			size_t len = strlen(name);
			if (!strset_add(spellings, name, len, seq, NULL)) {
				seq++;
				continue;
			}
			seen = xgrow(seen, &cap, n + 1, sizeof *seen);
			seen[n] = (pilot_seen_t){name, keys.len, seq++};
			utf8_casefold(name, len, &keys);
			buf_putc(&keys, '\0');
			n++;
		}
	}
	strset_free(spellings);
	s->pilots = xcalloc(n + 1, sizeof *s->pilots);
	if (n > 1)
		qsort_r(seen, n, sizeof *seen, cmp_pilot_seen, keys.ptr);
	for (size_t i = 0, first = 0; i < n; i++) {
		if (strcmp(keys.ptr + seen[i].key, keys.ptr + seen[first].key) != 0)
			first = i;
		s->pilots[i] = (pilot_t){seen[i].name, seen[first].name, NULL};
	}
	if (n > 1)
		qsort(s->pilots, n, sizeof *s->pilots, cmp_pilot);
	size_t d = 0;
	for (size_t i = 0; i < n; i++)
		if (d == 0 || strcmp(s->pilots[d - 1].name, s->pilots[i].name) != 0)
			s->pilots[d++] = s->pilots[i];
	s->npilots = d;
	free(seen);
	buf_free(&keys);
}

static const pilot_t *find_pilot(const site_t *s, const char *name)
{
	pilot_t want = {name, NULL, NULL};
	return s->npilots ? bsearch(&want, s->pilots, s->npilots, sizeof *s->pilots, cmp_pilot) : NULL;
}

/* The spelling the list's filters use for a pilot name. */
static const char *pilot_filter(const site_t *s, const char *name)
{
	const pilot_t *p = find_pilot(s, name);
	return p ? p->filter : name;
}

static char *filter_href(const site_t *s, const char *param, const char *val)
{
	buf_t b = BUF_INIT;
	pagectx_encode_filter(s->list_url, param, val, &b);
	return buf_detach(&b);
}

/* The list filtered on param=val under key: computed once per site for the
 * known values (urls, indexed like names), built for any other. */
static void put_filter_url(const site_t *s, value_t *m, const char *key, const char *param, const char *val,
			   const char *const names[3], char *const urls[3])
{
	for (size_t i = 0; i < 3; i++)
		if (urls[i] && strcmp(val, names[i]) == 0) {
			pagectx_ref(m, key, urls[i]);
			return;
		}
	pagectx_filter_url(m, key, s->list_url, param, val);
}

/* ---- page contexts ---- */

/* A breadcrumb entry; url is a URL path to encode, href one already encoded. */
static value_t *crumb(const char *title, const char *url, const char *href)
{
	value_t *m = value_map();
	pagectx_str(m, "title", title);
	if (url)
		pagectx_url(m, "url", url);
	else if (href)
		pagectx_str(m, "url", href);
	return m;
}

static value_t *sheet_ref(const site_t *s, const guide_practice_t *p)
{
	value_t *m = value_map();
	pagectx_ref(m, "id", p->id);
	pagectx_ref(m, "title", p->title);
	put_page_url(s, m, "url", p->page);
	pagectx_ref(m, "priority", p->priority);
	pagectx_ref(m, "priorityClass", priority_class(p->priority));
	pagectx_ref(m, "priorityColor", dsfr_color(p->priority, rules_priorities));
	pagectx_ref(m, "difficultyColor", dsfr_color(p->difficulty, rules_difficulties));
	pagectx_ref(m, "difficulty", p->difficulty);
	pagectx_ref(m, "difficultyClass", difficulty_class(p->difficulty));
	return m;
}

/* Everything the sheet template shows; with_body false for list entries. */
static value_t *sheet_full(const site_t *s, const guide_practice_t *p, bool with_body)
{
	const char *list = s->list_url;
	value_t *m = sheet_ref(s, p);
	put_filter_url(s, m, "priorityUrl", "priority", p->priority, rules_priorities, s->prio_urls);
	put_filter_url(s, m, "difficultyUrl", "difficulty", p->difficulty, rules_difficulties, s->diff_urls);
	/* The old site's wording for each difficulty. */
	const char *label = strcmp(p->difficulty, rules_difficulties[0]) == 0   ? "Facile à mettre en œuvre"
			    : strcmp(p->difficulty, rules_difficulties[1]) == 0 ? "Difficulté de mise en œuvre moyenne"
			    : strcmp(p->difficulty, rules_difficulties[2]) == 0 ? "Difficile à mettre en œuvre"
										: p->difficulty;
	pagectx_ref(m, "difficultyLabel", label);

	value_map_set(m, "theme", theme_ref(s, p->theme));
	value_t *who = value_list();
	buf_t whoattr = BUF_INIT;
	for (size_t k = 0; p->who && p->who->kind == VAL_LIST && k < p->who->u.list.len; k++) {
		const char *w = value_str(p->who->u.list.items[k]);
		if (!w)
			continue;
		value_t *wm = value_map();
		pagectx_ref(wm, "name", w);
		const pilot_t *pilot = find_pilot(s, w);
		if (pilot)
			pagectx_ref(wm, "url", pilot->url);
		else
			pagectx_filter_url(wm, "url", list, "who", w);
		value_list_push(who, wm);
		/* The list filter reads pilots from one attribute: '|' never occurs in a name. */
		if (whoattr.len)
			buf_putc(&whoattr, '|');
		buf_puts(&whoattr, pilot ? pilot->filter : w);
	}
	value_map_set(m, "who", who);
	buf_t whotext = BUF_INIT;
	for (size_t k = 0; k < who->u.list.len; k++) {
		if (k)
			buf_puts(&whotext, ", ");
		buf_puts(&whotext, value_str(value_get(who->u.list.items[k], "name")));
	}
	pagectx_buf(m, "whoText", &whotext);
	pagectx_buf(m, "whoAttr", &whoattr);
	value_t *ind = value_list();
	for (size_t k = 0; p->indicators && p->indicators->kind == VAL_LIST && k < p->indicators->u.list.len; k++)
		if (value_str(p->indicators->u.list.items[k]))
			value_list_push(ind, value_cstring(value_str(p->indicators->u.list.items[k])));
	value_map_set(m, "indicators", ind);
	put_date(m, "date", value_get(p->page->fm, "date"));
	if (with_body)
		value_map_set(m, "body", body_value(s, p->page));
	return m;
}

/* What a list entry shows: the reference plus the pilots for the filters.
 * Kept small: the list page holds one per sheet of the guide. */
static value_t *sheet_entry(const site_t *s, const guide_practice_t *p)
{
	value_t *m = sheet_ref(s, p);
	buf_t attr = BUF_INIT;
	for (size_t k = 0; p->who && p->who->kind == VAL_LIST && k < p->who->u.list.len; k++) {
		const char *w = value_str(p->who->u.list.items[k]);
		if (!w)
			continue;
		if (attr.len)
			buf_putc(&attr, '|');
		buf_puts(&attr, pilot_filter(s, w));
	}
	pagectx_buf(m, "whoAttr", &attr);
	return m;
}

/* A theme with its sheets: complete with bodies (reading page), or as list
 * entries (theme page, list page, tables of contents). */
static value_t *theme_full(const site_t *s, const guide_theme_t *t, bool with_bodies)
{
	value_t *m = theme_ref(s, t);
	value_map_set(m, "intro", body_value(s, t->page));
	value_t *sheets = value_list();
	for (size_t i = 0; i < t->npractices; i++)
		value_list_push(sheets, with_bodies ? sheet_full(s, t->practices[i], true)
						    : sheet_entry(s, t->practices[i]));
	value_map_set(m, "sheets", sheets);
	return m;
}

/* A theme's page of the split reading version, for the links between them. */
static value_t *part_ref(const site_t *s, size_t t)
{
	value_t *m = value_map();
	pagectx_str(m, "id", s->g->themes[t]->id);
	pagectx_str(m, "title", s->g->themes[t]->title);
	pagectx_url(m, "url", s->parts[t]);
	return m;
}

/* The index of the split reading version: its themes, each with the link
 * to its page. */
static void reading_index(const site_t *s, value_t *ctx, value_t *page, value_t *bc)
{
	const guide_t *g = s->g;
	const page_t *home = home_page(g);
	pagectx_str(page, "title", "Le guide par thème");
	value_list_push(bc, crumb("Le guide par thème", NULL, NULL));
	value_t *groups = value_list();
	for (size_t t = 0; t < g->nthemes; t++) {
		value_t *m = theme_ref(s, g->themes[t]);
		pagectx_url(m, "readingUrl", s->parts[t]);
		value_list_push(groups, m);
	}
	value_map_set(ctx, "groups", groups);
	if (home)
		value_map_set(ctx, "home", body_value(s, home));
}

/* A theme's page of the split reading version: its table of contents and
 * neighbours; its bodies are rendered as the one page's are
 * (render_sections). */
static void reading_part(const site_t *s, const guide_theme_t *t, value_t *ctx, value_t *page, value_t *bc)
{
	pagectx_str(page, "title", t->title);
	buf_t reading = BUF_INIT;
	guide_generated_url(s->g, "reading", &reading);
	value_list_push(bc, crumb("Le guide par thème", buf_cstr(&reading), NULL));
	buf_free(&reading);
	value_list_push(bc, crumb(t->title, NULL, NULL));
	value_map_set(ctx, "theme", theme_full(s, t, false));
	value_map_set(ctx, "position", value_number((double)t->index + 1));
	if (t->index > 0)
		value_map_set(ctx, "prev", part_ref(s, t->index - 1));
	if (t->index + 1 < s->g->nthemes)
		value_map_set(ctx, "next", part_ref(s, t->index + 1));
}

/* Keys of the shared context lent to a page context. */
static const char *const lent[] = {"site", "guide", "menu", "themes", "priorities", "difficulties", "whos"};
#define NLENT (sizeof lent / sizeof *lent)

/* list_sections: the list page's themes are rendered one by one
 * (render_sections), so its context holds none of them. */
static value_t *page_context(const site_t *s, const output_t *o, const char **tpl, bool list_sections)
{
	const guide_t *g = s->g;
	value_t *ctx = value_map();
	value_t *page = value_map();
	value_t *bc = value_list();
	const page_t *home = home_page(g);
	value_list_push(bc, crumb(value_str(value_get(value_get(s->shared, "guide"), "title")), g->base, NULL));
	const char *list = s->list_url;
	pagectx_url(page, "url", o->url);

	switch (o->kind) {
	case OUT_SHEET: {
		const guide_practice_t *p = o->obj;
		*tpl = "sheet";
		pagectx_str(page, "title", p->title);
		value_list_push(bc, crumb("Bonnes pratiques", list, NULL));
		value_list_push(bc, crumb(p->theme->title, NULL, s->anchors[p->theme->index]));
		buf_t cur = BUF_INIT;
		buf_printf(&cur, "%s – %s", p->id, p->title);
		value_list_push(bc, crumb(buf_cstr(&cur), NULL, NULL));
		buf_free(&cur);
		value_t *sh = sheet_full(s, p, true);
		const guide_theme_t *t = p->theme;
		if (p->index > 0)
			value_map_set(sh, "prev", sheet_ref(s, t->practices[p->index - 1]));
		if (p->index + 1 < t->npractices)
			value_map_set(sh, "next", sheet_ref(s, t->practices[p->index + 1]));
		value_map_set(ctx, "sheet", sh);
		break;
	}
	case OUT_THEME: {
		const guide_theme_t *t = o->obj;
		*tpl = "theme";
		pagectx_str(page, "title", t->title);
		value_list_push(bc, crumb("Bonnes pratiques", list, NULL));
		value_list_push(bc, crumb(t->title, NULL, NULL));
		value_map_set(ctx, "theme", theme_full(s, t, false));
		break;
	}
	case OUT_READING:
		if (s->split) {
			*tpl = "reading-index";
			reading_index(s, ctx, page, bc);
			break;
		}
		/* fall through */
	case OUT_LIST: {
		bool reading = o->kind == OUT_READING;
		*tpl = reading ? "reading" : "list";
		pagectx_str(page, "title", reading ? "Le guide en une page" : "Bonnes pratiques");
		value_list_push(bc, crumb(reading ? "Le guide en une page" : "Bonnes pratiques", NULL, NULL));
		/* The reading page's bodies are rendered theme by theme (see
		 * render_sections): here, only what its table of contents needs. */
		if (!list_sections) {
			value_t *groups = value_list();
			for (size_t t = 0; t < g->nthemes; t++)
				value_list_push(groups, theme_full(s, g->themes[t], false));
			value_map_set(ctx, "groups", groups);
		}
		if (reading && home)
			value_map_set(ctx, "home", body_value(s, home));
		break;
	}
	case OUT_READING_PART:
		*tpl = "reading-part";
		reading_part(s, o->obj, ctx, page, bc);
		break;
	case OUT_404:
		*tpl = "404";
		pagectx_str(page, "title", "Page introuvable");
		value_list_push(bc, crumb("Page introuvable", NULL, NULL));
		break;
	case OUT_SITEMAP: {
		*tpl = "sitemap";
		value_t *urls = value_list();
		for (size_t i = 0; i < s->n; i++) {
			const output_t *x = &s->outs[i];
			if (x->kind > OUT_READING_PART)
				continue;
			value_t *u = value_map();
			buf_t loc = BUF_INIT;
			guide_absolute_url(s->base_url, x->url, &loc);
			pagectx_buf(u, "loc", &loc);
			value_list_push(urls, u);
		}
		value_map_set(ctx, "urls", urls);
		break;
	}
	default: {
		const page_t *p = o->obj;
		*tpl = "page";
		pagectx_str(page, "title", page_title(p));
		pagectx_str(page, "description", value_str(value_get(p->fm, "description")));
		if (p == home) {
			value_map_set(page, "isHome", value_bool(true));
		} else {
			value_list_push(bc, crumb(page_title(p), NULL, NULL));
		}
		value_map_set(ctx, "content", body_value(s, p));
		break;
	}
	}
	/* The last crumb is the current page: never a link. */
	if (bc->u.list.len > 0)
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

/* The reading page holds every body of the guide, the list page an entry
 * per sheet: rendering them theme by theme through the "reading-theme" or
 * "list-theme" template keeps only one theme's context alive at a time,
 * instead of a context as large as the whole guide (at 100,000 sheets, the
 * list's was a tenth of the build's peak memory). */
static int render_sections(const site_t *s, const char *tpl, bool bodies, size_t from, size_t to, buf_t *sections,
			   diag_list_t *diags)
{
	const mst_t *t = theme_template(s->theme, tpl);
	if (!t) {
		diag_add(diags, DIAG_ERROR, NULL, 0, 0, "theme", "the theme has no template '%s.mustache'", tpl);
		return -1;
	}
	for (size_t k = from; k < to; k++) {
		value_t *ctx = value_map();
		value_map_set(ctx, "group", theme_full(s, s->g->themes[k], bodies));
		for (size_t i = 0; i < NLENT; i++)
			value_map_set(ctx, lent[i], (value_t *)value_get(s->shared, lent[i]));
		int rc = mst_render(t, ctx, theme_lookup, (void *)s->theme, sections, diags);
		context_free(ctx);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int site_render(const site_t *s, size_t i, buf_t *out, diag_list_t *diags)
{
	const output_t *o = &s->outs[i];
	switch (o->kind) {
	case OUT_CSV:
		export_csv(s->g, s->base_url, false, out);
		return 0;
	case OUT_JSON:
		export_json(s->g, s->base_url, out);
		return 0;
	case OUT_ASSET: {
		const theme_file_t *f = o->obj;
		buf_put(out, f->data, f->size);
		return 0;
	}
	default:
		break;
	}
	const char *tpl = NULL;
	bool list = o->kind == OUT_LIST;
	value_t *ctx = page_context(s, o, &tpl, list);
	/* The reading and list pages are rendered around a marker, then the
	 * sections are rendered straight into place: never two copies of the
	 * whole guide. */
	static const char marker[] = "\x01sobre-sections\x01";
	bool sections = (o->kind == OUT_READING && !s->split) || o->kind == OUT_READING_PART || list;
	if (sections)
		value_map_set(ctx, "sections", value_string_ref(marker, sizeof marker - 1));
	const mst_t *t = theme_template(s->theme, tpl);
	int rc = -1;
	buf_t frame = BUF_INIT;
	if (!t)
		diag_add(diags, DIAG_ERROR, NULL, 0, 0, "theme", "the theme has no template '%s.mustache'", tpl);
	else
		rc = mst_render(t, ctx, theme_lookup, (void *)s->theme, sections ? &frame : out, diags);
	context_free(ctx);
	if (rc == 0 && list && !strstr(buf_cstr(&frame), marker)) {
		/* A theme's own list template that loops over {{#groups}} (as
		 * before list-theme existed) gets them all, in one context. */
		ctx = page_context(s, o, &tpl, false);
		rc = mst_render(t, ctx, theme_lookup, (void *)s->theme, out, diags);
		context_free(ctx);
		buf_free(&frame);
		return rc;
	}
	if (rc == 0 && sections) {
		const char *at = strstr(buf_cstr(&frame), marker);
		size_t pre = at ? (size_t)(at - frame.ptr) : frame.len;
		size_t from = 0, to = s->g->nthemes;
		if (o->kind == OUT_READING_PART) {
			from = ((const guide_theme_t *)o->obj)->index;
			to = from + 1;
		}
		/* Room for the bodies and what surrounds them: one allocation. */
		size_t estimate = frame.len, n;
		for (size_t k = from; k < to && !list; k++) {
			const guide_theme_t *th = s->g->themes[k];
			for (size_t j = 0; j < th->npractices; j++)
				if (guide_page_html_cached(s->g, th->practices[j]->page, &n))
					estimate += n + 1024;
		}
		buf_grow(out, estimate);
		buf_put(out, buf_cstr(&frame), pre);
		if (at) {
			rc = render_sections(s, list ? "list-theme" : "reading-theme", !list, from, to, out, diags);
			buf_puts(out, at + sizeof marker - 1);
		}
	}
	buf_free(&frame);
	return rc;
}

/* ---- outputs ---- */

static int cmp_by_url(const void *a, const void *b, void *ud)
{
	const site_t *s = ud;
	return strcmp(s->outs[*(const size_t *)a].url, s->outs[*(const size_t *)b].url);
}

/* The split reading version's theme pages (guide_reading_parts). */
static void add_parts(site_t *s)
{
	guide_reading_parts(s->g, &s->parts);
	for (size_t t = 0; s->parts && t < s->g->nthemes; t++)
		add_output(s, OUT_READING_PART, s->parts[t], s->g->themes[t]);
}

site_t *site_new(guide_t *g, const theme_t *theme, const char *base_url)
{
	site_t *s = xcalloc(1, sizeof *s);
	s->g = g;
	s->theme = theme;
	s->base_url = xstrdup(base_url);
	for (size_t i = 0; i < g->npages; i++) {
		const page_t *p = g->pages[i];
		if (!p->url)
			continue;
		if (g->kinds[i] == PAGE_OTHER)
			add_output(s, OUT_PAGE, p->url, p);
	}
	for (size_t t = 0; t < g->nthemes; t++) {
		/* check refuses an unpublished theme (not-published); a site is
		 * still made of what has a URL. */
		if (g->themes[t]->page->url)
			add_output(s, OUT_THEME, g->themes[t]->page->url, g->themes[t]);
		for (size_t k = 0; k < g->themes[t]->npractices; k++) {
			const guide_practice_t *p = g->themes[t]->practices[k];
			if (p->page->url)
				add_output(s, OUT_SHEET, p->page->url, p);
		}
	}
	const struct { const char *kind; out_kind_t out; } gen[] = {
		{"list", OUT_LIST}, {"reading", OUT_READING}, {"csv", OUT_CSV}, {"json", OUT_JSON}};
	s->split = g->npractices > GUIDE_READING_SPLIT;
	for (size_t i = 0; i < 4; i++) {
		buf_t u = BUF_INIT;
		guide_generated_url(g, gen[i].kind, &u);
		add_output(s, gen[i].out, buf_cstr(&u), NULL);
		if (gen[i].out == OUT_READING && s->split)
			add_parts(s);
		buf_free(&u);
	}
	buf_t u = BUF_INIT;
	guide_generated_url(g, "sitemap", &u);
	add_output(s, OUT_SITEMAP, buf_cstr(&u), NULL);
	buf_reset(&u);
	guide_generated_url(g, "404", &u);
	add_output(s, OUT_404, buf_cstr(&u), NULL);
	for (size_t i = 0; i < theme_asset_count(theme); i++) {
		const theme_file_t *f = theme_asset(theme, i);
		buf_reset(&u);
		guide_generated_url(g, "assets", &u);
		buf_puts(&u, f->name);
		add_output(s, OUT_ASSET, buf_cstr(&u), f);
	}
	buf_free(&u);
	buf_t lu = BUF_INIT;
	guide_generated_url(g, "list", &lu);
	s->list_url = buf_detach(&lu);
	s->anchors = xcalloc(g->nthemes + 1, sizeof *s->anchors);
	for (size_t t = 0; t < g->nthemes; t++) {
		buf_t a = BUF_INIT;
		pagectx_encode_path(s->list_url, &a);
		buf_putc(&a, '#');
		pagectx_encode_query(g->themes[t]->key, &a);
		s->anchors[t] = buf_detach(&a);
	}
	s->enc = xcalloc(g->npages + 1, sizeof *s->enc);
	for (size_t i = 0; i < g->npages; i++)
		if (g->pages[i]->url) {
			buf_t e = BUF_INIT;
			pagectx_encode_path(g->pages[i]->url, &e);
			s->enc[i] = buf_detach(&e);
		}
	collect_pilots(s);
	for (size_t i = 0; i < s->npilots; i++)
		s->pilots[i].url = filter_href(s, "who", s->pilots[i].filter);
	for (size_t i = 0; i < 3; i++) {
		s->prio_urls[i] = filter_href(s, "priority", rules_priorities[i]);
		s->diff_urls[i] = filter_href(s, "difficulty", rules_difficulties[i]);
	}
	s->shared = build_shared(s);
	s->by_url = xcalloc(s->n + 1, sizeof *s->by_url);
	for (size_t i = 0; i < s->n; i++)
		s->by_url[i] = i;
	qsort_r(s->by_url, s->n, sizeof *s->by_url, cmp_by_url, s);
	return s;
}

void site_free(site_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->outs[i].path);
		free(s->outs[i].url);
	}
	free(s->outs);
	free(s->by_url);
	value_free(s->shared);
	for (size_t t = 0; s->anchors && t < s->g->nthemes; t++)
		free(s->anchors[t]);
	free(s->anchors);
	for (size_t i = 0; s->enc && i < s->g->npages; i++)
		free(s->enc[i]);
	free(s->enc);
	for (size_t t = 0; s->parts && t < s->g->nthemes; t++)
		free(s->parts[t]);
	free(s->parts);
	free(s->list_url);
	free(s->base_url);
	for (size_t i = 0; s->pilots && i < s->npilots; i++)
		free(s->pilots[i].url);
	free(s->pilots);
	for (size_t i = 0; i < 3; i++) {
		free(s->prio_urls[i]);
		free(s->diff_urls[i]);
	}
	free(s);
}

size_t site_count(const site_t *s)
{
	return s->n;
}

const char *site_path(const site_t *s, size_t i)
{
	return s->outs[i].path;
}

const char *site_url(const site_t *s, size_t i)
{
	return s->outs[i].url;
}

static long find_exact(const site_t *s, const char *url)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->outs[s->by_url[mid]].url, url);
		if (c == 0)
			return (long)s->by_url[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

long site_find(const site_t *s, const char *url_path)
{
	long i = find_exact(s, url_path);
	if (i >= 0)
		return i;
	size_t n = strlen(url_path);
	buf_t alt = BUF_INIT;
	if (n >= 10 && strcmp(url_path + n - 10, "index.html") == 0)
		buf_put(&alt, url_path, n - 10);
	else if (n > 0 && url_path[n - 1] != '/')
		buf_printf(&alt, "%s/", url_path);
	if (alt.len)
		i = find_exact(s, alt.ptr);
	buf_free(&alt);
	return i;
}

const char *site_content_type(const site_t *s, size_t i)
{
	const char *p = s->outs[i].path;
	const char *dot = strrchr(p, '.');
	if (!dot)
		return "application/octet-stream";
	if (strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".json") == 0)
		return "application/json; charset=utf-8";
	if (strcmp(dot, ".csv") == 0)
		return "text/csv; charset=utf-8";
	if (strcmp(dot, ".xml") == 0)
		return "application/xml; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".txt") == 0)
		return "text/plain; charset=utf-8";
	return "application/octet-stream";
}

/* ---- writing (render/sitewrite) ---- */

typedef struct {
	const guide_t *g;
	char **html;
	size_t *len;
} bodyjob_t;

static bool body_one(size_t i, void *ud)
{
	bodyjob_t *j = ud;
	buf_t b = BUF_INIT;
	guide_page_html(j->g, j->g->pages[i], &b);
	j->len[i] = b.len;
	j->html[i] = buf_detach(&b);
	return true;
}

/* Big single outputs (the reading page, the list, exports) go first so that
 * they overlap with the many small pages instead of finishing last, alone. */
static int weight(out_kind_t k)
{
	switch (k) {
	case OUT_READING: return 0;
	case OUT_LIST:
	case OUT_READING_PART: return 1;
	case OUT_JSON:
	case OUT_CSV:
	case OUT_SITEMAP: return 2;
	default: return 3;
	}
}

static const char *write_path(const void *s, size_t i)
{
	return site_path(s, i);
}

static int write_render(const void *s, size_t i, buf_t *out, diag_list_t *diags)
{
	return site_render(s, i, out, diags);
}

int site_write(site_t *s, const char *out_dir, int threads, site_progress_fn progress, void *ud,
	       site_stats_t *stats, diag_list_t *diags)
{
	/* Every body shows on at least two outputs: render each once. */
	if (!s->g->html) {
		bodyjob_t bj = {s->g, xcalloc(s->g->npages + 1, sizeof(char *)),
				xcalloc(s->g->npages + 1, sizeof(size_t))};
		parallel_for(s->g->npages, threads, body_one, &bj);
		guide_adopt_html(s->g, bj.html, bj.len);
	}
	size_t *order = xcalloc(s->n + 1, sizeof *order);
	size_t k = 0;
	for (int w = 0; w <= 3; w++)
		for (size_t i = 0; i < s->n; i++)
			if (weight(s->outs[i].kind) == w)
				order[k++] = i;
	sitewrite_src_t src = {s->n, s, write_path, write_render, order};
	int rc = sitewrite(&src, out_dir, threads, progress, ud, stats, diags);
	free(order);
	return rc;
}
