/* fuzz_doc: render/doc on a person's text, as the stratégie's texts reach
 * it from the web form: doc_markdown on arbitrary bytes (shifted by the
 * first byte's low bits), inside a document that also has a table and a
 * chart, then written out as HTML, Markdown and ODT. The Markdown written
 * is read back by doc_markdown, so that its escaping meets the parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "render/doc.h"
#include "util/buf.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (64u << 10))
		return 0;
	int shift = data[0] & 3;
	const char *src = (const char *)data + 1;
	size_t len = size - 1;
	doc_t *doc = doc_new("Essai", "fr-FR");
	doc_set_meta(doc, "sujet", "auteur", "2026-11-20T09:00:00Z");
	doc_heading(doc, 1, "t", "Titre");
	doc_markdown(doc, src, len, shift);
	static const char *const head[] = {"A", "B"};
	static const doc_align_t align[] = {DOC_LEFT, DOC_RIGHT};
	doc_table(doc, "Tableau", 2, head, align);
	doc_row(doc);
	doc_cell(doc);
	doc_run(doc, DOC_PLAIN, "x");
	doc_table_end(doc);
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>";
	doc_svg(doc, svg, sizeof svg - 1, "un graphique", 10, 10);
	buf_t html = BUF_INIT, md = BUF_INIT, odt = BUF_INIT;
	diag_list_t d = DIAG_LIST_INIT;
	doc_write_html(doc, &html);
	doc_write_md(doc, &md);
	(void)doc_write_odt(doc, &odt, &d);
	doc_t *back = doc_new("Relu", "fr-FR");
	doc_markdown(back, md.ptr ? md.ptr : "", md.len, 0);
	buf_t html2 = BUF_INIT;
	doc_write_html(back, &html2);
	doc_free(back);
	doc_free(doc);
	buf_free(&html);
	buf_free(&html2);
	buf_free(&md);
	buf_free(&odt);
	diag_list_free(&d);
	return 0;
}
