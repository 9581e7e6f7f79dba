/* guide: loading a guide folder into the model, classifying pages, and
 * ordering themes and sheets the way Eleventy's navigation plugin does. */
#include "guide/guide.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guide/markdown.h"
#include "guide/yaml.h"
#include "util/fs.h"
#include "util/parallel.h"
#include "util/strset.h"
#include "util/utf8.h"
#include "util/xalloc.h"

const value_t *guide_nav(const page_t *p, const char *key)
{
	return value_get(value_get(p->fm, "eleventyNavigation"), key);
}

static const char *fm_str(const page_t *p, const char *key)
{
	const char *s = value_str(value_get(p->fm, key));
	return s ? s : "";
}

static bool has_tag(const page_t *p, const char *tag)
{
	const value_t *t = value_get(p->fm, "tags");
	if (!t)
		return false;
	if (t->kind == VAL_STRING)
		return strcmp(t->u.str.s, tag) == 0;
	if (t->kind == VAL_LIST)
		for (size_t i = 0; i < t->u.list.len; i++)
			if (value_str(t->u.list.items[i]) && strcmp(value_str(t->u.list.items[i]), tag) == 0)
				return true;
	return false;
}

static page_kind_t classify(const page_t *p)
{
	const char *type = value_str(value_get(p->fm, "type"));
	if (type && strcmp(type, "bpnr") == 0)
		return PAGE_SHEET;
	if (has_tag(p, "guideBpNrThematique"))
		return PAGE_THEME;
	return PAGE_OTHER;
}

/* Eleventy keeps collections in (date, input path) order and the navigation
 * plugin then sorts stably by order: one comparison gives both. The sort
 * keys are read once per page, not once per comparison. */
typedef struct {
	double order;
	const char *date;
	const char *path;
	void *item; /* the guide_theme_t or guide_practice_t */
} navkey_t;

static int cmp_navkey(const void *x, const void *y)
{
	const navkey_t *a = x, *b = y;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	int c = strcmp(a->date, b->date);
	return c ? c : strcmp(a->path, b->path);
}

static int cmp_theme_key_only(const void *x, const void *y)
{
	return strcmp((*(guide_theme_t *const *)x)->key, (*(guide_theme_t *const *)y)->key);
}

static int cmp_theme_key(const void *x, const void *y)
{
	int r = cmp_theme_key_only(x, y);
	if (r)
		return r;
	size_t a = (*(guide_theme_t *const *)x)->index, b = (*(guide_theme_t *const *)y)->index;
	return (a > b) - (a < b);
}

static int cmp_page(const void *x, const void *y)
{
	return strcmp((*(page_t *const *)x)->path, (*(page_t *const *)y)->path);
}

static void set_url(page_t *p)
{
	const value_t *perm = value_get(p->fm, "permalink");
	if (perm && perm->kind == VAL_BOOL && !perm->u.b) {
		p->url = NULL;
		return;
	}
	const char *s = value_str(perm);
	if (s && *s) {
		p->url = page_permalink_url(s);
		return;
	}
	p->url = page_default_url(p->path);
}

/* The guide's URL space: the folder of its home page (the top-most index.md),
 * else the longest folder common to all page URLs. */
static char *url_space(const guide_t *g)
{
	const char *best = NULL;
	for (size_t i = 0; i < g->npages; i++) {
		const char *u = g->pages[i]->url;
		if (u && u[strlen(u) - 1] == '/' && (!best || strlen(u) < strlen(best)))
			best = u;
	}
	if (!best)
		return xstrdup("/");
	size_t plen = strlen(best);
	for (size_t i = 0; i < g->npages; i++) {
		const char *u = g->pages[i]->url;
		size_t k = 0;
		while (u && k < plen && u[k] == best[k])
			k++;
		if (u)
			plen = k;
	}
	while (plen > 0 && best[plen - 1] != '/')
		plen--;
	return plen ? xstrndup(best, plen) : xstrdup("/");
}

void guide_generated_url(const guide_t *g, const char *kind, buf_t *out)
{
	/* At the host's root, where crawlers, servers and the theme expect them. */
	if (strcmp(kind, "sitemap") == 0) {
		buf_puts(out, "/sitemap.xml");
		return;
	}
	if (strcmp(kind, "404") == 0) {
		buf_puts(out, "/404.html");
		return;
	}
	if (strcmp(kind, "assets") == 0) {
		buf_puts(out, "/assets/");
		return;
	}
	buf_puts(out, g->base);
	if (strcmp(kind, "list") == 0) {
		buf_puts(out, "bonnes-pratiques/");
	} else if (strcmp(kind, "reading") == 0) {
		buf_puts(out, "lecture/");
	} else {
		const char *version = guide_meta(g, "version");
		buf_printf(out, "guide-bonnes-pratiques-numerique-responsable-export-version-%s.%s",
			   version ? version : "", kind);
	}
}

size_t guide_reading_parts(const guide_t *g, char ***urls)
{
	*urls = NULL;
	if (g->npractices <= GUIDE_READING_SPLIT)
		return 0;
	buf_t reading = BUF_INIT, u = BUF_INIT;
	guide_generated_url(g, "reading", &reading);
	char **out = xcalloc(g->nthemes + 1, sizeof *out);
	strset_t *seen = strset_new();
	for (size_t t = 0; t < g->nthemes; t++) {
		const char *url = g->themes[t]->page->url ? g->themes[t]->page->url : "";
		size_t end = strlen(url);
		while (end > 0 && url[end - 1] == '/')
			end--;
		size_t start = end;
		while (start > 0 && url[start - 1] != '/')
			start--;
		buf_reset(&u);
		buf_put(&u, reading.ptr, reading.len);
		if (end > start)
			buf_put(&u, url + start, end - start);
		else
			buf_printf(&u, "theme-%zu", t + 1);
		size_t at = reading.len, bare = u.len;
		for (size_t k = t + 1; !strset_add(seen, u.ptr + at, u.len - at, t, NULL); k += g->nthemes) {
			buf_truncate(&u, bare);
			buf_printf(&u, "-%zu", k);
		}
		buf_putc(&u, '/');
		out[t] = xstrdup(buf_cstr(&u));
	}
	buf_free(&u);
	buf_free(&reading);
	strset_free(seen);
	*urls = out;
	return g->nthemes;
}

/* Each page's URL, kind and fields depend on that page alone: one pass on
 * threads, each writing only its own slots, leaves the whole-guide work
 * (counting, sorting, dealing sheets to themes) to one thread. */
typedef struct {
	page_t **pages;
	page_kind_t *kinds;
	navkey_t *key; /* per page: its theme or sheet (NULL if neither) and sort key */
} prepjob_t;

static bool prep_one(size_t i, void *ud)
{
	prepjob_t *job = ud;
	page_t *p = job->pages[i];
	p->index = i;
	set_url(p);
	page_kind_t kind = classify(p);
	job->kinds[i] = kind;
	const value_t *nav = value_get(p->fm, "eleventyNavigation");
	const value_t *o = value_get(nav, "order");
	double order = o && o->kind == VAL_NUMBER ? o->u.num : 0;
	const char *date = value_str(value_get(p->fm, "date"));
	job->key[i] = (navkey_t){order, date ? date : "", p->path, NULL};
	if (kind == PAGE_THEME) {
		guide_theme_t *t = xcalloc(1, sizeof *t);
		t->page = p;
		t->id = fm_str(p, "idThematique");
		const char *key = value_str(value_get(nav, "key"));
		t->key = key ? key : "";
		t->title = fm_str(p, "title");
		t->order = order;
		job->key[i].item = t;
	} else if (kind == PAGE_SHEET) {
		guide_practice_t *s = xcalloc(1, sizeof *s);
		s->page = p;
		s->id = fm_str(p, "idbp");
		s->title = fm_str(p, "title");
		s->priority = fm_str(p, "priority");
		s->difficulty = fm_str(p, "difficulty");
		s->who = value_get(p->fm, "who");
		s->indicators = value_get(p->fm, "indicators");
		const char *parent = value_str(value_get(nav, "parent"));
		s->parent = parent ? parent : "";
		s->order = order;
		job->key[i].item = s;
	}
	return true;
}

guide_t *guide_from_pages(value_t *data, page_t **pages, size_t npages, diag_list_t *diags)
{
	(void)diags;
	guide_t *g = xcalloc(1, sizeof *g);
	g->data = data ? data : value_map();
	g->pages = pages;
	g->npages = npages;
	/* guide_load's pages come in path order already (fs_list sorts): a
	 * merge sort of 100,000 paths sharing long prefixes is not free. */
	size_t sorted = 1;
	while (sorted < npages && cmp_page(&pages[sorted - 1], &pages[sorted]) <= 0)
		sorted++;
	if (sorted < npages)
		qsort(g->pages, g->npages, sizeof *g->pages, cmp_page);
	g->kinds = xcalloc(npages ? npages : 1, sizeof *g->kinds);

	prepjob_t job = {pages, g->kinds, xcalloc(npages + 1, sizeof(navkey_t))};
	parallel_for(npages, parallel_threads(npages, 256), prep_one, &job);
	size_t nthemes = 0, nsheets = 0;
	for (size_t i = 0; i < npages; i++) {
		nthemes += g->kinds[i] == PAGE_THEME;
		nsheets += g->kinds[i] == PAGE_SHEET;
	}
	g->themes = xcalloc(nthemes + 1, sizeof *g->themes);
	guide_practice_t **all = xcalloc(nsheets + 1, sizeof *all);
	size_t na = 0;
	navkey_t *tkeys = xcalloc(nthemes + 1, sizeof *tkeys), *skeys = xcalloc(nsheets + 1, sizeof *skeys);
	for (size_t i = 0; i < npages; i++) {
		if (g->kinds[i] == PAGE_THEME)
			tkeys[g->nthemes++] = job.key[i];
		else if (g->kinds[i] == PAGE_SHEET)
			skeys[na++] = job.key[i];
	}
	free(job.key);
	qsort(tkeys, g->nthemes, sizeof *tkeys, cmp_navkey);
	for (size_t t = 0; t < g->nthemes; t++)
		g->themes[t] = tkeys[t].item;
	/* Sorting the sheets once and then dealing them to their themes keeps
	 * each theme's list in navigation order without a sort per theme. */
	qsort(skeys, na, sizeof *skeys, cmp_navkey);
	for (size_t i = 0; i < na; i++)
		all[i] = skeys[i].item;
	free(tkeys);
	free(skeys);
	for (size_t t = 0; t < g->nthemes; t++)
		g->themes[t]->index = t;
	/* Themes by key, for a binary search per sheet; on duplicate keys the
	 * first theme in navigation order wins (check reports the duplicate). */
	guide_theme_t **bykey = xcalloc(g->nthemes + 1, sizeof *bykey);
	memcpy(bykey, g->themes, g->nthemes * sizeof *bykey);
	qsort(bykey, g->nthemes, sizeof *bykey, cmp_theme_key);
	size_t *counts = xcalloc(g->nthemes + 1, sizeof *counts);
	for (size_t i = 0; i < na; i++) {
		if (!*all[i]->parent)
			continue;
		guide_theme_t key = {.key = all[i]->parent};
		guide_theme_t *kp = &key;
		guide_theme_t **hit = bsearch(&kp, bykey, g->nthemes, sizeof *bykey, cmp_theme_key_only);
		if (!hit)
			continue;
		while (hit > bykey && strcmp(hit[-1]->key, all[i]->parent) == 0)
			hit--;
		all[i]->theme = *hit;
		counts[(*hit)->index]++;
	}
	free(bykey);
	for (size_t t = 0; t < g->nthemes; t++) {
		g->themes[t]->practices = xcalloc(counts[t] + 1, sizeof(guide_practice_t *));
	}
	g->practices = xcalloc(na + 1, sizeof *g->practices);
	g->orphans = xcalloc(na + 1, sizeof *g->orphans);
	for (size_t i = 0; i < na; i++) {
		guide_theme_t *t = all[i]->theme;
		if (t) {
			all[i]->index = t->npractices;
			t->practices[t->npractices++] = all[i];
		} else {
			g->orphans[g->norphans++] = all[i];
		}
	}
	for (size_t t = 0; t < g->nthemes; t++)
		for (size_t i = 0; i < g->themes[t]->npractices; i++) {
			guide_practice_t *s = g->themes[t]->practices[i];
			s->seq = g->npractices;
			g->practices[g->npractices++] = s;
		}
	free(counts);
	free(all);
	g->base = url_space(g);
	return g;
}

static bool skip_entry(const char *rel, const char *name, bool is_dir, void *ud)
{
	size_t *njk = ud;
	if (is_dir)
		return name[0] != '_' && name[0] != '.' && strcmp(name, "node_modules") != 0;
	size_t n = strlen(name);
	if (name[0] == '.')
		return false;
	if (n > 4 && strcmp(name + n - 4, ".njk") == 0) {
		(*njk)++;
		return false;
	}
	(void)rel;
	return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

static const char *errno_hint(int err)
{
	switch (err) {
	case EACCES: return "check the file's permissions (chmod a+r)";
	case EFBIG: return "guide pages are hand-written text; this file is too large to be one";
	case ELOOP: return "a symbolic link leads back to a folder above it, or folders nest more than "
			   "64 deep: remove the link or flatten the folders";
	default: return NULL;
	}
}

static void io_error(diag_list_t *diags, const char *path, int err, const char *what)
{
	diag_t *d;
	if (err == EFBIG)
		d = diag_add(diags, DIAG_ERROR, path, 0, 0, "file-too-large",
			     "cannot %s: larger than %u MiB", what, GUIDE_MAX_FILE >> 20);
	else
		d = diag_add(diags, DIAG_ERROR, path, 0, 0, "io-error", "cannot %s: %s", what, strerror(err));
	if (errno_hint(err))
		diag_hint(d, "%s", errno_hint(err));
}

static value_t *load_data(const char *root, fs_list_t *names, diag_list_t *diags)
{
	value_t *data = value_map();
	char *dir = fs_join(root, "_data");
	if (!fs_is_dir(dir)) {
		free(dir);
		return data;
	}
	fs_list_t files = {0};
	char *failed = NULL;
	int err = fs_list(dir, NULL, NULL, &files, &failed);
	if (err) {
		io_error(diags, failed, err, "read folder");
		free(failed);
	}
	buf_t src = BUF_INIT;
	for (size_t i = 0; i < files.len; i++) {
		const char *rel = files.paths[i];
		size_t n = strlen(rel);
		if (strchr(rel, '/') || n <= 5 || strcmp(rel + n - 5, ".json") != 0)
			continue;
		char *full = fs_join(dir, rel);
		/* Values point at their file name: the guide keeps the names alive. */
		char *shown = fs_join("_data", rel);
		names->paths = xgrow(names->paths, &names->cap, names->len + 1, sizeof *names->paths);
		names->paths[names->len++] = shown;
		err = fs_read_file(full, GUIDE_MAX_FILE, &src);
		if (err) {
			io_error(diags, shown, err, "read");
		} else {
			value_t *v = yaml_parse(shown, src.ptr ? src.ptr : "", src.len, 0, diags);
			if (v) {
				char *key = xstrndup(rel, n - 5);
				value_map_set(data, key, v);
				free(key);
			}
		}
		free(full);
	}
	buf_free(&src);
	fs_list_free(&files);
	free(dir);
	return data;
}

/* Reading and parsing pages is independent per file: each file writes only
 * its own page slot and diagnostic list, merged in file order afterwards. */
typedef struct {
	const char *dir;
	const fs_list_t *files;
	page_t **pages;          /* one slot per file, NULL when it failed */
	diag_list_t *file_diags; /* one list per file */
} loadjob_t;

static bool load_one(size_t i, void *ud)
{
	loadjob_t *job = ud;
	const char *rel = job->files->paths[i];
	char *full = fs_join(job->dir, rel);
	buf_t src = BUF_INIT;
	int err = fs_read_file(full, GUIDE_MAX_FILE, &src);
	if (err)
		io_error(&job->file_diags[i], rel, err, "read");
	else
		job->pages[i] = page_parse(rel, src.ptr ? src.ptr : "", src.len, &job->file_diags[i]);
	buf_free(&src);
	free(full);
	return true;
}

guide_t *guide_load(const char *dir, diag_list_t *diags)
{
	if (!fs_is_dir(dir)) {
		diag_t *d = diag_add(diags, DIAG_ERROR, dir, 0, 0, "io-error", "no such guide folder");
		diag_hint(d, "give the folder that holds _data/ and the Markdown pages");
		return NULL;
	}
	size_t njk = 0;
	fs_list_t files = {0};
	char *failed = NULL;
	int err = fs_list(dir, skip_entry, &njk, &files, &failed);
	if (err) {
		io_error(diags, failed, err, "read folder");
		free(failed);
	}
	loadjob_t job;
	job.dir = dir;
	job.files = &files;
	job.pages = xcalloc(files.len + 1, sizeof *job.pages);
	job.file_diags = xcalloc(files.len + 1, sizeof *job.file_diags);
	parallel_for(files.len, parallel_threads(files.len, 64), load_one, &job);

	size_t np = 0;
	for (size_t i = 0; i < files.len; i++) {
		if (job.pages[i])
			job.pages[np++] = job.pages[i];
		diag_move_all(diags, &job.file_diags[i]);
	}
	free(job.file_diags);
	fs_list_free(&files);

	fs_list_t names = {0};
	value_t *data = load_data(dir, &names, diags);
	guide_t *g = guide_from_pages(data, job.pages, np, diags);
	g->data_files = names;
	g->root = xstrdup(dir);
	g->nignored = njk;
	return g;
}

static void free_html(guide_t *g)
{
	for (size_t i = 0; g->html && i < g->npages; i++)
		free(g->html[i]);
	free(g->html);
	free(g->html_len);
	g->html = NULL;
	g->html_len = NULL;
}

/* A page's front matter is a tree of thousands of small blocks: freeing
 * 100,000 of them was one thread's work at the end of a build. */
static bool free_page(size_t i, void *ud)
{
	guide_t *g = ud;
	page_free(g->pages[i]);
	if (g->html)
		free(g->html[i]);
	return true;
}

void guide_free(guide_t *g)
{
	if (!g)
		return;
	parallel_for(g->npages, parallel_threads(g->npages, 1024), free_page, g);
	free(g->html);
	free(g->html_len);
	g->html = NULL;
	g->html_len = NULL;
	for (size_t i = 0; i < g->nthemes; i++) {
		free(g->themes[i]->practices);
		free(g->themes[i]);
	}
	for (size_t i = 0; i < g->npractices; i++)
		free(g->practices[i]);
	for (size_t i = 0; i < g->norphans; i++)
		free(g->orphans[i]);
	free(g->themes);
	free(g->practices);
	free(g->orphans);
	free(g->pages);
	free(g->kinds);
	value_free(g->data);
	free_html(g);
	free(g->base);
	fs_list_free(&g->data_files);
	free(g->root);
	free(g);
}

void guide_page_html(const guide_t *g, const page_t *p, buf_t *out)
{
	size_t n;
	const char *h = guide_page_html_cached(g, p, &n);
	if (h) {
		buf_put(out, h, n);
		return;
	}
	if (!p->text)
		return; /* sources dropped: only the cache has bodies */
	const char *body = p->text + p->body_off;
	size_t len = p->text_len - p->body_off;
	buf_t md = BUF_INIT;
	if (guide_render_source(g, body, len, &md))
		md_render(buf_cstr(&md), md.len, 0, out, NULL, NULL);
	else
		md_render(body, len, 0, out, NULL, NULL);
	buf_free(&md);
}

const char *guide_page_html_cached(const guide_t *g, const page_t *p, size_t *len)
{
	if (!g->html || p->index >= g->npages || g->pages[p->index] != p || !g->html[p->index])
		return NULL;
	*len = g->html_len[p->index];
	return g->html[p->index];
}

void guide_adopt_html(guide_t *g, char **html, size_t *html_len)
{
	free_html(g);
	g->html = html;
	g->html_len = html_len;
}

void guide_drop_sources(guide_t *g)
{
	for (size_t i = 0; i < g->npages; i++) {
		page_t *p = g->pages[i];
		free(p->text);
		p->text = NULL;
		p->text_len = p->body_off = 0;
	}
}

const char *guide_meta(const guide_t *g, const char *key)
{
	const value_t *m = value_get(value_get(value_get(g->data, "metadata"), "guideBonnesPratiques"), key);
	return value_str(m);
}

const char *guide_site_meta(const guide_t *g, const char *key)
{
	return value_str(value_get_path(value_get(g->data, "metadata"), key, strlen(key)));
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '-';
}

void guide_expand(const guide_t *g, const char *src, size_t len, buf_t *out)
{
	size_t i = 0, start = 0;
	/* The "}}" (or the end of line without one) found for a "{{" is also the
	 * answer for every later "{{" before it: remembering it keeps a line of
	 * many "{{" linear instead of rescanning the line for each. */
	const char *memo = NULL;
	size_t memo_end = 0;
	while (i + 1 < len) {
		if (src[i] != '{' || src[i + 1] != '{') {
			i++;
			continue;
		}
		const char *close = NULL;
		if (i + 2 <= memo_end) {
			close = memo;
		} else {
			size_t j = i + 2;
			for (; j + 1 < len && src[j] != '\n'; j++)
				if (src[j] == '}' && src[j + 1] == '}') {
					close = src + j;
					break;
				}
			memo = close;
			memo_end = j;
		}
		if (!close) {
			i += 2;
			continue;
		}
		size_t a = i + 2, b = (size_t)(close - src);
		while (a < b && src[a] == ' ')
			a++;
		while (b > a && src[b - 1] == ' ')
			b--;
		bool name = b > a;
		for (size_t k = a; k < b && name; k++)
			name = is_name_char(src[k]);
		if (!name) {
			i += 2;
			continue;
		}
		buf_put(out, src + start, i - start);
		value_to_text(value_get_path(g->data, src + a, b - a), out);
		i = (size_t)(close - src) + 2;
		start = i;
	}
	buf_put(out, src + start, len - start);
}

bool guide_render_source(const guide_t *g, const char *src, size_t len, buf_t *out)
{
	bool expands = false;
	for (const char *q = memchr(src, '{', len); q && !expands; q = memchr(q + 1, '{', len - (size_t)(q + 1 - src)))
		expands = q + 1 < src + len && q[1] == '{';
	if (!expands) {
		size_t n;
		char *nfc = utf8_nfc_new(src, len, &n);
		if (!nfc)
			return false;
		buf_put(out, nfc, n);
		free(nfc);
		return true;
	}
	/* Normalized after the expansion: a value may end where a combining
	 * mark of the text begins. */
	buf_t md = BUF_INIT;
	guide_expand(g, src, len, &md);
	utf8_nfc(buf_cstr(&md), md.len, out);
	buf_free(&md);
	return true;
}

void guide_absolute_url(const char *base, const char *path, buf_t *out)
{
	size_t bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	buf_put(out, base, bl);
	if (*path != '/')
		buf_putc(out, '/');
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		/* The WHATWG path percent-encode set, plus everything non-ASCII. */
		if (*s >= 0x7F || *s <= 0x20 || *s == '"' || *s == '<' || *s == '>' || *s == '`' ||
		    *s == '{' || *s == '}' || *s == '#' || *s == '?') {
			buf_putc(out, '%');
			buf_putc(out, hex[*s >> 4]);
			buf_putc(out, hex[*s & 15]);
		} else {
			buf_putc(out, (char)*s);
		}
	}
}
