/* doc_internal: how a doc_t stores its blocks, for the files that write it
 * (doc.c: the model, HTML and Markdown; doc_odt.c: the ODT package). Not
 * for use outside src/render/doc*. */
#ifndef SOBRE_DOC_INTERNAL_H
#define SOBRE_DOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "render/doc.h"
#include "util/buf.h"

/* The blocks, flat and in reading order: a list is DOC_B_LIST, its
 * DOC_B_ITEMs, DOC_B_LIST_END; a table is DOC_B_TABLE, ncols DOC_B_HEADs,
 * then DOC_B_ROWs each followed by at most ncols DOC_B_CELLs, then
 * DOC_B_TABLE_END. */
typedef enum {
	DOC_B_HEADING,
	DOC_B_PARA,
	DOC_B_NOTE,
	DOC_B_LIST,
	DOC_B_ITEM,
	DOC_B_LIST_END,
	DOC_B_TABLE,
	DOC_B_HEAD,
	DOC_B_ROW,
	DOC_B_CELL,
	DOC_B_TABLE_END,
	DOC_B_SVG,
} doc_kind_t;

/* Texts are kept in one arena (doc->text), each followed by a NUL, already
 * cleaned: valid UTF-8, no control character but tab and line feed, none
 * of the characters XML 1.0 forbids. DOC_NONE: no text. */
#define DOC_NONE ((size_t)-1)

typedef struct {
	unsigned style;	     /* DOC_STRONG | DOC_EM | DOC_CODE */
	bool link;	     /* a link: url is its destination */
	size_t off, len;     /* the text; '\n' is a line break */
	size_t url, url_len; /* a link's destination */
} doc_run_t;

typedef struct {
	doc_kind_t kind;
	int level;	     /* heading: 1 to 4; list: 1 when ordered */
	size_t ncols;	     /* table */
	doc_align_t align[DOC_MAX_COLUMNS];
	size_t str, str_len; /* heading: id; table: caption; svg: alt */
	size_t first, nruns; /* runs: heading, paragraph, note, item, head, cell */
	size_t svg, svg_len; /* svg: its text, as given */
	double width, height; /* svg: millimetres */
	size_t picture;	     /* svg: N of Pictures/N.svg, from 1 */
} doc_block_t;

struct doc {
	buf_t text;
	doc_block_t *blk;
	size_t nblk, cap_blk;
	doc_run_t *run;
	size_t nrun, cap_run;
	size_t title, lang, subject, author, date; /* DOC_NONE when unset */

	/* building */
	int where;	/* top level, in a list, in a table */
	size_t target;	/* the block doc_run appends to, DOC_NONE when none */
	size_t cells;	/* cells in the current row */
	size_t ncols;	/* of the current table */
	size_t npictures;
};

static inline const char *doc_str(const doc_t *d, size_t off)
{
	return d->text.ptr + off;
}

/* Whether a link to url is written as a link: http:, https:, mailto: or a
 * relative URL (no scheme); javascript:, data: and every other scheme are
 * written as their text only. */
bool doc_url_safe(const char *url, size_t len);

#endif
