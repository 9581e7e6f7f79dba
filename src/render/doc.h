/* doc: a long document as a flat list of blocks (headings, paragraphs,
 * lists, tables, images), built by a caller in reading order and written
 * out as an HTML fragment, Markdown or an OpenDocument text (ODT, the
 * format the Référentiel Général d'Interopérabilité asks administrations to
 * exchange). The one model of sobre's documents (the stratégie numérique
 * responsable), so that its three formats say the same thing. A doc_t owns
 * copies of everything appended; doc_free frees them. Building never fails
 * (xalloc aborts on OOM); a call out of place (a cell outside a table) is a
 * programming error, caught by assert. */
#ifndef SOBRE_DOC_H
#define SOBRE_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

typedef struct doc doc_t;

/* title: the document's title (metadata; not a heading: add one); lang:
 * "fr-FR". */
doc_t *doc_new(const char *title, const char *lang);
void doc_free(doc_t *doc);
/* Metadata written to meta.xml (ODT) and <meta> is not written (the
 * caller's page template has its head): subject, author (initial-creator),
 * date ("YYYY-MM-DDTHH:MM:SSZ", the creation date). NULL leaves it unset. */
void doc_set_meta(doc_t *doc, const char *subject, const char *author, const char *date);

/* A heading of level 1 to 4 (the ODT outline level; h1..h4 in HTML; # to
 * #### in Markdown). id: the HTML anchor (may be NULL). */
void doc_heading(doc_t *doc, int level, const char *id, const char *text);

/* Inline runs: text styles, combinable. */
enum { DOC_PLAIN = 0, DOC_STRONG = 1, DOC_EM = 2, DOC_CODE = 4 };

/* Starts a paragraph; doc_run and doc_link append to it until the next
 * block starts. */
void doc_para(doc_t *doc);
/* A note paragraph (smaller text: sources, dates, "written by"). */
void doc_note(doc_t *doc);
void doc_run(doc_t *doc, unsigned style, const char *text);
void doc_link(doc_t *doc, const char *url, const char *text);

/* A bulleted (or numbered) list: doc_item starts each item, a paragraph
 * that doc_run and doc_link fill; doc_list_end closes the list. Lists do
 * not nest. */
void doc_list(doc_t *doc, bool ordered);
void doc_item(doc_t *doc);
void doc_list_end(doc_t *doc);

typedef enum { DOC_LEFT, DOC_RIGHT } doc_align_t;

/* A table of ncols columns (at most DOC_MAX_COLUMNS), a caption (may be
 * NULL), a header row, then rows: doc_row starts a row, doc_cell each cell
 * (doc_run and doc_link fill it; a row may have fewer cells, the rest are
 * empty); doc_table_end closes it. align: ncols alignments, NULL: all
 * left (numbers go right). */
#define DOC_MAX_COLUMNS 16
void doc_table(doc_t *doc, const char *caption, size_t ncols, const char *const *headers,
	       const doc_align_t *align);
void doc_row(doc_t *doc);
void doc_cell(doc_t *doc);
void doc_table_end(doc_t *doc);

/* An image given as SVG text (a chart from render/chart), alt its text
 * alternative, shown width x height millimetres in the ODT (kept in the
 * package as Pictures/N.svg), inline in HTML, as its alt text in Markdown
 * (a wiki page has no file beside it). */
void doc_svg(doc_t *doc, const char *svg, size_t len, const char *alt, double width_mm, double height_mm);

/* A person's Markdown text (an introduction, the governance) as blocks:
 * paragraphs, headings (shifted down by shift levels, at most 4), lists,
 * emphasis, code, links; raw HTML and images are dropped (their text
 * kept). Parsed with md4c (CommonMark). */
void doc_markdown(doc_t *doc, const char *md, size_t len, int shift);

/* The body as an HTML fragment (no <html> or <head>: the caller's page
 * template wraps it): every text escaped, tables with <caption>, <th
 * scope="col">, numbers' cells class="n", SVG inline with role="img" and
 * aria-label. */
void doc_write_html(const doc_t *doc, buf_t *out);
/* CommonMark with GitHub tables (pipes in cells escaped, line breaks as
 * spaces), for wikis. */
void doc_write_md(const doc_t *doc, buf_t *out);
/* The ODT package: mimetype first and stored, content.xml, styles.xml
 * (heading styles that build the outline, table and note styles),
 * meta.xml, META-INF/manifest.xml, Pictures/. false with a diagnostic when
 * the zip library fails. */
bool doc_write_odt(const doc_t *doc, buf_t *out, diag_list_t *d);

#endif
