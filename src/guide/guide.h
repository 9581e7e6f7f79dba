/* guide: the in-memory model of a good-practice guide: global data from
 * the _data JSON files, every page, the themes and their practice sheets in
 * navigation order, and URLs. Everything later (check rules, exports, the
 * site, the steering database) reads this model. Read-only once loaded. */
#ifndef SOBRE_GUIDE_H
#define SOBRE_GUIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "guide/page.h"
#include "guide/value.h"
#include "util/diag.h"
#include "util/fs.h"

/* Larger sources are refused before being read: they are not hand-written pages. */
#define GUIDE_MAX_FILE (16u << 20)

typedef struct guide_theme guide_theme_t;

typedef enum { PAGE_OTHER, PAGE_THEME, PAGE_SHEET } page_kind_t;

typedef struct {
	page_t *page;
	const char *id;         /* idbp, e.g. "a.1"; "" when missing */
	const char *title;      /* "" when missing */
	const char *priority;   /* as written, "" when missing */
	const char *difficulty;
	const value_t *who;     /* list of strings, or NULL */
	const value_t *indicators;
	const char *parent;     /* eleventyNavigation.parent */
	double order;
	guide_theme_t *theme;   /* NULL when the parent is unknown */
	size_t index;           /* position within its theme */
	size_t seq;             /* position in guide order */
} guide_practice_t;

struct guide_theme {
	page_t *page;
	const char *id;    /* idThematique, e.g. "a." */
	const char *key;   /* eleventyNavigation.key */
	const char *title; /* title */
	double order;
	guide_practice_t **practices; /* in navigation order */
	size_t npractices;
	size_t index;
};

typedef struct {
	char *root;
	char *base;               /* the guide's URL space, e.g. "/publications/bonnes-pratiques/" */
	value_t *data;            /* global data: { "metadata": {...}, ... } */
	page_t **pages;           /* every page, sorted by path */
	page_kind_t *kinds;       /* kind of each page */
	size_t npages;
	guide_theme_t **themes;   /* navigation order */
	size_t nthemes;
	guide_practice_t **practices; /* guide order: theme by theme */
	size_t npractices;
	guide_practice_t **orphans;   /* sheets whose parent names no theme */
	size_t norphans;
	size_t nignored;          /* .njk templates skipped */
	fs_list_t data_files;     /* names of the _data files, which data values point to */
	char **html;              /* optional: each page's body as HTML, by page index */
	size_t *html_len;
} guide_t;

/* Loads the guide in dir. Returns NULL only when nothing can be loaded (no
 * such folder); pages with errors are left out of the model and reported in
 * diags. Caller frees with guide_free. */
guide_t *guide_load(const char *dir, diag_list_t *diags);
void guide_free(guide_t *g);

/* Builds a guide from pages already parsed (tests, fuzzing): takes ownership of
 * data and of the pages array and its pages. */
guide_t *guide_from_pages(value_t *data, page_t **pages, size_t npages, diag_list_t *diags);

/* A page's body as HTML ({{ names }} resolved, NFC, then Markdown),
 * appended to out: from the cache guide_adopt_html filled, else rendered now. */
void guide_page_html(const guide_t *g, const page_t *p, buf_t *out);
/* The cached HTML of a page, or NULL (length in *len). Borrowed. */
const char *guide_page_html_cached(const guide_t *g, const page_t *p, size_t *len);
/* Hands the guide every page's HTML (as rules_check_render renders it);
 * takes ownership of both arrays and the strings. */
void guide_adopt_html(guide_t *g, char **html, size_t *html_len);
/* Frees every page's Markdown source (front matter stays): for a build of a
 * large guide, once guide_adopt_html holds every body. */
void guide_drop_sources(guide_t *g);

/* Global data shortcuts: metadata.guideBonnesPratiques.<key>, metadata.<key>. */
const char *guide_meta(const guide_t *g, const char *key);
const char *guide_site_meta(const guide_t *g, const char *key);

/* The page's Markdown body with {{ dotted.name }} expressions resolved from
 * the global data (unknown names resolve to nothing, as in Nunjucks). */
void guide_expand(const guide_t *g, const char *src, size_t len, buf_t *out);
/* The Markdown to render for a body as written: {{ names }} resolved, then
 * in NFC. Returns false, leaving out untouched, when that is the body
 * itself (the usual case: render it in place, without a copy). Positions
 * of diagnostics must be taken from the body as written, not from out. */
bool guide_render_source(const guide_t *g, const char *src, size_t len, buf_t *out);

/* Absolute URL of a site path: base (metadata.url unless overridden) joined
 * with path, non-ASCII and unsafe bytes percent-encoded like WHATWG URL does. */
void guide_absolute_url(const char *base, const char *path, buf_t *out);

/* URL of a page sobre generates, appended to out: kind is "list" (all
 * sheets, filterable), "reading" (the whole guide on one page), "csv" or
 * "json" (exports), "sitemap", "404", or "assets" (the folder of the theme's
 * assets). Same URLs as the old Eleventy site. */
void guide_generated_url(const guide_t *g, const char *kind, buf_t *out);

/* Beyond this many sheets the reading version ("Le guide en une page") is
 * one page per theme, each printable as the whole page is, listed by an
 * index at the reading version's URL: 500 sheets make a page of about
 * 2 MB, the most a browser prints comfortably, where 10,000 would make
 * one of 40 MB. At or under it, the one page is unchanged. */
#define GUIDE_READING_SPLIT 500

/* The URLs of the split reading version's theme pages, urls[t] for
 * g->themes[t]: under the reading version's URL, each named after the last
 * segment of its theme's URL ("…/lecture/strategie/"), made unique with
 * the theme's rank when two share it. Returns how many (g->nthemes), or 0
 * and NULL when the guide has at most GUIDE_READING_SPLIT sheets. The
 * caller frees each URL and the array. Build writes these pages; check
 * reports a page that would take one of their URLs. */
size_t guide_reading_parts(const guide_t *g, char ***urls);

/* Front-matter helpers, shared by the rules. */
const value_t *guide_nav(const page_t *p, const char *key);

#endif
