/* page: one Markdown source file of a guide: its normalised text (no BOM,
 * LF line ends), its YAML front matter as a value tree, its Markdown body and
 * its URL. Parses a buffer; reading the file is the caller's business. */
#ifndef SOBRE_PAGE_H
#define SOBRE_PAGE_H

#include <stddef.h>

#include "guide/value.h"
#include "util/diag.h"

/* A front matter this large is a mistake (or an attack on the YAML parser);
 * real sheets use under 2 KB. */
#define PAGE_MAX_FRONTMATTER (1u << 20)

typedef struct {
	char *path;      /* relative to the guide root, '/'-separated; owns the string all diagnostics and values point to */
	char *url;       /* "/x/y/" (unencoded); NULL when the page sets permalink: false */
	value_t *fm;     /* front matter, always a map (empty without front matter) */
	char *text;      /* whole normalised file text, NUL-terminated */
	size_t text_len;
	size_t body_off; /* Markdown body: text + body_off, up to text_len */
	int body_line;   /* 1-based line of the body's first line in the file */
	size_t index;    /* position in guide_t.pages, set by the guide */
} page_t;

/* Parses src (the raw bytes of file path). Returns NULL with diagnostics when
 * the page cannot be read as a page: empty, binary, not UTF-8, front matter
 * not closed or too large, invalid YAML, front matter not a mapping.
 * Caller frees with page_free. */
page_t *page_parse(const char *path, const char *src, size_t len, diag_list_t *diags);
void page_free(page_t *p);

/* Eleventy's default permalink: "a/b.md" -> "/a/b/", "a/index.md" -> "/a/".
 * Caller frees the result. */
char *page_default_url(const char *path);

/* The URL path of a front-matter permalink, resolved as a browser resolves a
 * path: a leading '/' added, runs of '/' merged, "." and ".." segments
 * resolved (".." never climbing above the root), a final "index.html"
 * dropped: "x//y/../z/index.html" -> "/x/z/". Caller frees the result. */
char *page_permalink_url(const char *permalink);

/* The file a URL path is written to, relative to the site's folder, appended
 * to out: "/x/y/" -> "x/y/index.html", "/sitemap.xml" -> "sitemap.xml".
 * Resolved as page_permalink_url does, so that every spelling of one file
 * gives one path and no URL leads outside the site's folder. */
void page_output_path(const char *url, buf_t *out);

#endif
