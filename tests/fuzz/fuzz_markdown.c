/* fuzz_markdown: the Markdown renderer (md4c plus our markdown-it compatible
 * output, linkify and typographer) on arbitrary bytes; the first byte picks the
 * options, as md4c's and cmark's harnesses do. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guide/markdown.h"
#include "guide/typography.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	OPT_MASK = MD_OPT_NOHTML | MD_OPT_NOTYPO | MD_OPT_NOLINKIFY,
	OPT_LINKS = 8,  /* with a link callback, as the broken-link rule renders */
	OPT_TYPO = 16,  /* also the typographer alone, as titles get it */
	OPT_NOREMOTEIMG = 32, /* MD_OPT_NOREMOTEIMG (its own bit is OPT_LINKS here), as comments render */
};

/* Reads every byte of each href, so that ASan sees a destination that points
 * outside its buffer or is used after the renderer moved it. */
static void on_link(const md_link_t *link, void *ud)
{
	unsigned *sum = ud;
	for (size_t i = 0; i < link->href_len; i++)
		*sum += (unsigned char)link->href[i];
	*sum += (unsigned)link->line + (unsigned)link->col;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned opts = data[0];
	const char *src = (const char *)data + 1;
	size_t len = size - 1;
	buf_t out = BUF_INIT;
	unsigned sum = 0;
	unsigned md = (opts & OPT_MASK) | ((opts & OPT_NOREMOTEIMG) ? MD_OPT_NOREMOTEIMG : 0);
	md_render(src, len, md, &out, (opts & OPT_LINKS) ? on_link : NULL, &sum);
	if (opts & OPT_TYPO) {
		buf_reset(&out);
		typo_text(src, len, &out);
	}
	buf_free(&out);
	return (int)(sum & 0);
}
