/* doc_odt: a doc_t as an OpenDocument text (ODF 1.3), the zip package built
 * in memory by libzip: mimetype first and stored (how readers recognise
 * the package), then content.xml, styles.xml, meta.xml, the pictures and
 * META-INF/manifest.xml. Every entry has the document's date as its time
 * (or 1980-01-01 without one), so the same document gives the same bytes. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "render/doc.h"
#include "render/doc_internal.h"
#include "util/xalloc.h"

#define MIMETYPE "application/vnd.oasis.opendocument.text"

#define NS_OFFICE "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
#define NS_STYLE "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""
#define NS_TEXT "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
#define NS_TABLE "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""
#define NS_DRAW "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\""
#define NS_FO "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\""
#define NS_XLINK "xmlns:xlink=\"http://www.w3.org/1999/xlink\""
#define NS_DC "xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
#define NS_META "xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\""
#define NS_SVG "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\""
#define BORDER "0.5pt solid #808080"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

/* ---- XML ----------------------------------------------------------------- */

/* Texts are clean already (doc.c): only the markup characters are left. */
static void x_esc(buf_t *o, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\t': rep = "&#9;"; break;
		case '\n': rep = "&#10;"; break;
		default: continue;
		}
		buf_put(o, s + start, i - start);
		buf_puts(o, rep);
		start = i + 1;
	}
	buf_put(o, s + start, n - start);
}

/* Paragraph text: ODF collapses white space as HTML does, so a space after
 * a space (or first in the paragraph, *sp true) is <text:s/>, a tab
 * <text:tab/>, a line feed <text:line-break/> (a space when br is false). */
static void x_text(buf_t *o, const char *s, size_t n, bool *sp, bool br)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' && *sp) {
			size_t j = i;
			while (j < n && s[j] == ' ')
				j++;
			x_esc(o, s + start, i - start);
			if (j - i == 1)
				buf_puts(o, "<text:s/>");
			else
				buf_printf(o, "<text:s text:c=\"%zu\"/>", j - i);
			i = j - 1;
			start = j;
			continue;
		}
		if (c == '\t' || c == '\n') {
			x_esc(o, s + start, i - start);
			buf_puts(o, c == '\t' ? "<text:tab/>" : br ? "<text:line-break/>" : *sp ? "<text:s/>" : " ");
			start = i + 1;
			*sp = c == '\n';
			continue;
		}
		*sp = c == ' ';
	}
	x_esc(o, s + start, n - start);
}

/* The text styles T1 to T7, one per combination of DOC_STRONG, DOC_EM and
 * DOC_CODE. */
static void text_styles(buf_t *o)
{
	for (unsigned s = 1; s <= 7; s++) {
		buf_printf(o, "<style:style style:name=\"T%u\" style:family=\"text\"><style:text-properties", s);
		if (s & DOC_STRONG)
			buf_puts(o, " fo:font-weight=\"bold\" style:font-weight-asian=\"bold\""
				    " style:font-weight-complex=\"bold\"");
		if (s & DOC_EM)
			buf_puts(o, " fo:font-style=\"italic\" style:font-style-asian=\"italic\""
				    " style:font-style-complex=\"italic\"");
		if (s & DOC_CODE)
			buf_puts(o, " style:font-name=\"Liberation Mono\"");
		buf_puts(o, "/></style:style>\n");
	}
}

static void odt_runs(const doc_t *d, const doc_block_t *b, buf_t *o, bool br)
{
	bool sp = true;
	for (size_t i = b->first; i < b->first + b->nruns; i++) {
		const doc_run_t *r = &d->run[i];
		const char *s = doc_str(d, r->off);
		if (r->link && doc_url_safe(doc_str(d, r->url), r->url_len)) {
			buf_puts(o, "<text:a xlink:type=\"simple\" xlink:href=\"");
			x_esc(o, doc_str(d, r->url), r->url_len);
			buf_puts(o, "\">");
			x_text(o, s, r->len, &sp, br);
			buf_puts(o, "</text:a>");
		} else if (r->style) {
			buf_printf(o, "<text:span text:style-name=\"T%u\">", r->style);
			x_text(o, s, r->len, &sp, br);
			buf_puts(o, "</text:span>");
		} else {
			x_text(o, s, r->len, &sp, br);
		}
	}
}

/* Millimetres with two decimals, whatever the locale's decimal separator. */
static void put_mm(buf_t *o, double mm)
{
	long h = lround(mm > 1000 ? 100000 : mm * 100);
	buf_printf(o, "%ld.%02ldmm", h / 100, h % 100);
}

static void odt_svg(const doc_t *d, const doc_block_t *b, buf_t *o)
{
	buf_printf(o, "<text:p text:style-name=\"Figure\"><draw:frame draw:style-name=\"fr1\" draw:name=\"Image%zu\""
		      " text:anchor-type=\"as-char\" svg:width=\"",
		   b->picture);
	put_mm(o, b->width);
	buf_puts(o, "\" svg:height=\"");
	put_mm(o, b->height);
	buf_printf(o, "\" draw:z-index=\"0\"><draw:image xlink:href=\"Pictures/%zu.svg\" xlink:type=\"simple\""
		      " xlink:show=\"embed\" xlink:actuate=\"onLoad\" draw:mime-type=\"image/svg+xml\"/>",
		   b->picture);
	buf_puts(o, "<svg:title>");
	x_esc(o, doc_str(d, b->str), b->str_len);
	buf_puts(o, "</svg:title><svg:desc>");
	x_esc(o, doc_str(d, b->str), b->str_len);
	buf_puts(o, "</svg:desc></draw:frame></text:p>\n");
}

static void cell_open(buf_t *o, const char *cell_style, const char *para_style)
{
	buf_printf(o, "<table:table-cell table:style-name=\"%s\" office:value-type=\"string\">"
		      "<text:p text:style-name=\"%s\">",
		   cell_style, para_style);
}

static void row_end(buf_t *o, size_t from, const doc_block_t *t)
{
	for (size_t c = from; c < t->ncols; c++) {
		cell_open(o, c + 1 == t->ncols ? "TblCellEnd" : "TblCell",
			  t->align[c] == DOC_RIGHT ? "Table_20_Number" : "Table_20_Contents");
		buf_puts(o, "</text:p></table:table-cell>");
	}
	buf_puts(o, "</table:table-row>\n");
}

/* Code points of a block's runs (its cell's text), and of its longest
 * word (what the column cannot wrap). */
static size_t runs_width(const doc_t *d, const doc_block_t *b, size_t *word)
{
	size_t n = 0, w = 0;
	*word = 0;
	for (size_t r = b->first; r < b->first + b->nruns; r++) {
		const char *t = doc_str(d, d->run[r].off);
		for (size_t i = 0; i < d->run[r].len; i++) {
			if (((unsigned char)t[i] & 0xc0) == 0x80)
				continue;
			n++;
			w = t[i] == ' ' || t[i] == '\n' || t[i] == '-' ? 0 : w + 1;
			if (w > *word)
				*word = w;
		}
	}
	return n;
}

/* Writer's automatic layout gives every column the same width: a column
 * of titles then wraps at every word and one of amounts breaks inside
 * them. The widths here, in centimetres of the 17 cm of the table, follow
 * how browsers lay tables out: each column first gets its longest word
 * (up to 16 characters: no amount or date is cut), then what is left goes
 * to the columns whose cells are longer than that, in proportion to the
 * room they would take (their longest cell, up to 60 characters). */
#define DOC_ODT_CM_PER_CHAR 0.17 /* Liberation Sans at 9 pt, bold headings included */
#define DOC_ODT_CELL_PAD 0.45
#define DOC_ODT_TABLE_CM 17.0
static void column_widths(const doc_t *d, size_t i, double widths[DOC_MAX_COLUMNS])
{
	const doc_block_t *t = &d->blk[i];
	size_t longest[DOC_MAX_COLUMNS] = {0}, word[DOC_MAX_COLUMNS] = {0}, col = 0;
	for (size_t k = i + 1; k < d->nblk && d->blk[k].kind != DOC_B_TABLE_END; k++) {
		const doc_block_t *b = &d->blk[k];
		if (b->kind == DOC_B_ROW) {
			col = 0;
			continue;
		}
		if ((b->kind == DOC_B_HEAD || b->kind == DOC_B_CELL) && col < t->ncols) {
			size_t w, n = runs_width(d, b, &w);
			if (n > longest[col])
				longest[col] = n;
			if (w > word[col])
				word[col] = w;
			col++;
		}
	}
	double min_sum = 0, extra_sum = 0, extra[DOC_MAX_COLUMNS];
	for (size_t c = 0; c < t->ncols; c++) {
		size_t w = word[c] > 16 ? 16 : word[c] < 3 ? 3 : word[c], n = longest[c] > 60 ? 60 : longest[c];
		widths[c] = (double)w * DOC_ODT_CM_PER_CHAR + DOC_ODT_CELL_PAD;
		double want = (double)(n > w ? n : w) * DOC_ODT_CM_PER_CHAR + DOC_ODT_CELL_PAD;
		extra[c] = want - widths[c];
		min_sum += widths[c];
		extra_sum += extra[c];
	}
	double left = DOC_ODT_TABLE_CM - min_sum;
	for (size_t c = 0; c < t->ncols; c++) {
		if (left <= 0)
			widths[c] *= DOC_ODT_TABLE_CM / min_sum;
		else if (extra_sum > left)
			widths[c] += left * extra[c] / extra_sum;
		else
			widths[c] += extra[c] + (left - extra_sum) * (widths[c] + extra[c]) / (min_sum + extra_sum);
	}
}

/* The automatic styles of every table's columns: TnCk. */
static void column_styles(const doc_t *d, buf_t *o)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nblk; i++) {
		if (d->blk[i].kind != DOC_B_TABLE)
			continue;
		double w[DOC_MAX_COLUMNS];
		column_widths(d, i, w);
		n++;
		for (size_t c = 0; c < d->blk[i].ncols; c++)
			buf_printf(o, "<style:style style:name=\"T%zuC%zu\" style:family=\"table-column\">"
				      "<style:table-column-properties style:column-width=\"%.3fcm\" "
				      "style:rel-column-width=\"%ld*\"/></style:style>\n",
				   n, c + 1, w[c], lround(w[c] * 1000));
	}
}

static void odt_table_start(const doc_t *d, const doc_block_t *b, size_t n, buf_t *o)
{
	if (b->str != DOC_NONE) {
		bool sp = true;
		buf_puts(o, "<text:p text:style-name=\"Table_20_Caption\">");
		x_text(o, doc_str(d, b->str), b->str_len, &sp, false);
		buf_puts(o, "</text:p>\n");
	}
	buf_printf(o, "<table:table table:name=\"Tableau%zu\" table:style-name=\"Tbl\">", n);
	for (size_t c = 0; c < b->ncols; c++)
		buf_printf(o, "<table:table-column table:style-name=\"T%zuC%zu\"/>", n, c + 1);
	buf_puts(o, "\n<table:table-header-rows><table:table-row>");
}

static void content_xml(const doc_t *d, buf_t *o)
{
	buf_puts(o, XML_DECL "<office:document-content " NS_OFFICE " " NS_STYLE " " NS_TEXT " " NS_TABLE
			 " " NS_DRAW " " NS_FO " " NS_XLINK " " NS_SVG " office:version=\"1.3\">\n");
	buf_puts(o, "<office:font-face-decls><style:font-face style:name=\"Liberation Mono\""
		    " svg:font-family=\"'Liberation Mono'\" style:font-family-generic=\"modern\""
		    " style:font-pitch=\"fixed\"/></office:font-face-decls>\n");
	buf_puts(o, "<office:automatic-styles>\n");
	text_styles(o);
	buf_puts(o, "<style:style style:name=\"Tbl\" style:family=\"table\"><style:table-properties"
		    " style:width=\"17cm\" table:align=\"margins\" fo:margin-top=\"0.1cm\""
		    " fo:margin-bottom=\"0.3cm\"/></style:style>\n"
		    "<style:style style:name=\"fr1\" style:family=\"graphic\"><style:graphic-properties"
		    " style:vertical-pos=\"top\" style:vertical-rel=\"baseline\"/></style:style>\n");
	/* Writer draws both borders where two cells meet: each cell draws its
	 * left and bottom, the last column its right, the header row its top. */
	static const char *const cells[][2] = {
		{"TblHead", " fo:border-top=\"" BORDER "\" fo:background-color=\"#e6e6e6\""},
		{"TblHeadEnd",
		 " fo:border-top=\"" BORDER "\" fo:border-right=\"" BORDER "\" fo:background-color=\"#e6e6e6\""},
		{"TblCell", ""},
		{"TblCellEnd", " fo:border-right=\"" BORDER "\""},
	};
	for (size_t i = 0; i < 4; i++)
		buf_printf(o, "<style:style style:name=\"%s\" style:family=\"table-cell\"><style:table-cell-properties"
			      " fo:padding=\"0.1cm\" fo:border-left=\"" BORDER "\" fo:border-bottom=\"" BORDER "\"%s/>"
			      "</style:style>\n",
			   cells[i][0], cells[i][1]);
	column_styles(d, o);
	buf_puts(o, "</office:automatic-styles>\n<office:body><office:text>\n");
	/* cells come after their table's block (doc.c's asserts) */
	static const doc_block_t no_table;
	const doc_block_t *table = &no_table;
	size_t col = 0, ntables = 0;
	bool row_open = false;
	for (size_t i = 0; i < d->nblk; i++) {
		const doc_block_t *b = &d->blk[i];
		switch (b->kind) {
		case DOC_B_HEADING:
			buf_printf(o, "<text:h text:style-name=\"Heading_20_%d\" text:outline-level=\"%d\">", b->level,
				   b->level);
			if (b->str != DOC_NONE) {
				buf_puts(o, "<text:bookmark text:name=\"");
				x_esc(o, doc_str(d, b->str), b->str_len);
				buf_puts(o, "\"/>");
			}
			odt_runs(d, b, o, false);
			buf_puts(o, "</text:h>\n");
			break;
		case DOC_B_PARA:
		case DOC_B_NOTE:
			if (!b->nruns)
				break;
			buf_printf(o, "<text:p text:style-name=\"%s\">",
				   b->kind == DOC_B_NOTE ? "Note" : "Text_20_body");
			odt_runs(d, b, o, true);
			buf_puts(o, "</text:p>\n");
			break;
		case DOC_B_LIST:
			buf_printf(o, "<text:list text:style-name=\"%s\">\n", b->level ? "Numbering_20_123" : "List_20_1");
			break;
		case DOC_B_ITEM:
			buf_puts(o, "<text:list-item><text:p text:style-name=\"List_20_Contents\">");
			odt_runs(d, b, o, true);
			buf_puts(o, "</text:p></text:list-item>\n");
			break;
		case DOC_B_LIST_END:
			buf_puts(o, "</text:list>\n");
			break;
		case DOC_B_TABLE:
			table = b;
			col = 0;
			odt_table_start(d, b, ++ntables, o);
			break;
		case DOC_B_HEAD:
			cell_open(o, col + 1 == table->ncols ? "TblHeadEnd" : "TblHead",
				  table->align[col] == DOC_RIGHT ? "Table_20_Heading_20_Number" : "Table_20_Heading");
			odt_runs(d, b, o, false);
			buf_puts(o, "</text:p></table:table-cell>");
			if (++col == table->ncols)
				buf_puts(o, "</table:table-row></table:table-header-rows>\n");
			break;
		case DOC_B_ROW:
			if (row_open)
				row_end(o, col, table);
			buf_puts(o, "<table:table-row>");
			row_open = true;
			col = 0;
			break;
		case DOC_B_CELL:
			cell_open(o, col + 1 == table->ncols ? "TblCellEnd" : "TblCell",
				  table->align[col] == DOC_RIGHT ? "Table_20_Number" : "Table_20_Contents");
			odt_runs(d, b, o, true);
			buf_puts(o, "</text:p></table:table-cell>");
			col++;
			break;
		case DOC_B_TABLE_END:
			if (row_open)
				row_end(o, col, table);
			row_open = false;
			buf_puts(o, "</table:table>\n");
			break;
		case DOC_B_SVG:
			odt_svg(d, b, o);
			break;
		}
	}
	buf_puts(o, "</office:text></office:body></office:document-content>\n");
}

/* A paragraph style; props: its paragraph and text properties. */
static void para_style(buf_t *o, const char *name, const char *display, const char *parent, const char *cls,
		       const char *props)
{
	buf_printf(o, "<style:style style:name=\"%s\" style:display-name=\"%s\" style:family=\"paragraph\"", name,
		   display);
	if (parent)
		buf_printf(o, " style:parent-style-name=\"%s\"", parent);
	buf_printf(o, " style:class=\"%s\">%s</style:style>\n", cls, props);
}

/* "fr-FR": fo:language="fr" fo:country="FR"; anything else: none. */
static void lang_props(const doc_t *d, buf_t *o)
{
	const char *l = doc_str(d, d->lang);
	size_t n = strspn(l, "abcdefghijklmnopqrstuvwxyz");
	if (n < 2 || n > 3)
		return;
	buf_puts(o, " fo:language=\"");
	buf_put(o, l, n);
	buf_putc(o, '"');
	if (l[n] == '-' && strspn(l + n + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 2 && !l[n + 3])
		buf_printf(o, " fo:country=\"%.2s\"", l + n + 1);
}

static void list_styles(buf_t *o)
{
	static const char align[] =
		"<style:list-level-properties text:list-level-position-and-space-mode=\"label-alignment\">"
		"<style:list-level-label-alignment text:label-followed-by=\"listtab\""
		" text:list-tab-stop-position=\"1cm\" fo:text-indent=\"-0.5cm\" fo:margin-left=\"1cm\"/>"
		"</style:list-level-properties>";
	buf_printf(o, "<text:list-style style:name=\"List_20_1\" style:display-name=\"List 1\">"
		      "<text:list-level-style-bullet text:level=\"1\" text:bullet-char=\"\xe2\x80\xa2\">%s"
		      "</text:list-level-style-bullet></text:list-style>\n",
		   align);
	buf_printf(o, "<text:list-style style:name=\"Numbering_20_123\" style:display-name=\"Numbering 123\">"
		      "<text:list-level-style-number text:level=\"1\" style:num-suffix=\".\" style:num-format=\"1\">%s"
		      "</text:list-level-style-number></text:list-style>\n",
		   align);
	/* Headings number nothing, but the outline style is what makes their
	 * outline levels the document's outline in every reader. */
	buf_puts(o, "<text:outline-style style:name=\"Outline\">");
	for (int l = 1; l <= 10; l++)
		buf_printf(o, "<text:outline-level-style text:level=\"%d\" style:num-format=\"\"/>", l);
	buf_puts(o, "</text:outline-style>\n");
}

static void styles_xml(const doc_t *d, buf_t *o)
{
	static const char *const heading[] = {"18pt", "15pt", "13pt", "12pt"};
	buf_puts(o, XML_DECL "<office:document-styles " NS_OFFICE " " NS_STYLE " " NS_TEXT " " NS_TABLE " " NS_FO
			 " " NS_SVG " office:version=\"1.3\">\n");
	buf_puts(o, "<office:font-face-decls>"
		    "<style:font-face style:name=\"Liberation Sans\" svg:font-family=\"'Liberation Sans'\""
		    " style:font-family-generic=\"swiss\" style:font-pitch=\"variable\"/>"
		    "<style:font-face style:name=\"Liberation Mono\" svg:font-family=\"'Liberation Mono'\""
		    " style:font-family-generic=\"modern\" style:font-pitch=\"fixed\"/>"
		    "</office:font-face-decls>\n<office:styles>\n");
	buf_puts(o, "<style:default-style style:family=\"paragraph\"><style:text-properties"
		    " style:font-name=\"Liberation Sans\" fo:font-size=\"11pt\"");
	lang_props(d, o);
	buf_puts(o, "/></style:default-style>\n");
	para_style(o, "Standard", "Standard", NULL, "text", "");
	para_style(o, "Text_20_body", "Text body", "Standard", "text",
		   "<style:paragraph-properties fo:margin-top=\"0cm\" fo:margin-bottom=\"0.25cm\""
		   " fo:line-height=\"115%\"/>");
	para_style(o, "Heading", "Heading", "Standard", "text",
		   "<style:paragraph-properties fo:margin-top=\"0.42cm\" fo:margin-bottom=\"0.21cm\""
		   " fo:keep-with-next=\"always\"/><style:text-properties fo:font-weight=\"bold\""
		   " style:font-weight-asian=\"bold\" style:font-weight-complex=\"bold\"/>");
	for (int l = 1; l <= 4; l++)
		buf_printf(o, "<style:style style:name=\"Heading_20_%d\" style:display-name=\"Heading %d\""
			      " style:family=\"paragraph\" style:parent-style-name=\"Heading\""
			      " style:next-style-name=\"Text_20_body\" style:default-outline-level=\"%d\""
			      " style:class=\"text\"><style:text-properties fo:font-size=\"%s\"/></style:style>\n",
			   l, l, l, heading[l - 1]);
	para_style(o, "Note", "Note", "Text_20_body", "extra",
		   "<style:text-properties fo:font-size=\"9pt\" fo:color=\"#4d4d4d\"/>");
	para_style(o, "List_20_Contents", "List Contents", "Standard", "list",
		   "<style:paragraph-properties fo:margin-top=\"0cm\" fo:margin-bottom=\"0.1cm\"/>");
	/* Tables a size down: a plan has eight columns on a portrait page. */
	para_style(o, "Table_20_Contents", "Table Contents", "Standard", "extra",
		   "<style:text-properties fo:font-size=\"9pt\"/>");
	para_style(o, "Table_20_Number", "Table Number", "Table_20_Contents", "extra",
		   "<style:paragraph-properties fo:text-align=\"end\"/>");
	para_style(o, "Table_20_Heading", "Table Heading", "Table_20_Contents", "extra",
		   "<style:text-properties fo:font-weight=\"bold\" style:font-weight-asian=\"bold\""
		   " style:font-weight-complex=\"bold\"/>");
	para_style(o, "Table_20_Heading_20_Number", "Table Heading Number", "Table_20_Heading", "extra",
		   "<style:paragraph-properties fo:text-align=\"end\"/>");
	para_style(o, "Table_20_Caption", "Table Caption", "Standard", "extra",
		   "<style:paragraph-properties fo:margin-top=\"0.2cm\" fo:margin-bottom=\"0.1cm\""
		   " fo:keep-with-next=\"always\"/><style:text-properties fo:font-style=\"italic\""
		   " style:font-style-asian=\"italic\" style:font-style-complex=\"italic\"/>");
	para_style(o, "Figure", "Figure", "Standard", "extra",
		   "<style:paragraph-properties fo:margin-top=\"0.2cm\" fo:margin-bottom=\"0.3cm\"/>");
	list_styles(o);
	buf_puts(o, "</office:styles>\n<office:automatic-styles><style:page-layout style:name=\"pm1\">"
		    "<style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\""
		    " style:print-orientation=\"portrait\" fo:margin-top=\"2cm\" fo:margin-bottom=\"2cm\""
		    " fo:margin-left=\"2cm\" fo:margin-right=\"2cm\"/></style:page-layout>"
		    "</office:automatic-styles>\n<office:master-styles><style:master-page style:name=\"Standard\""
		    " style:page-layout-name=\"pm1\"/></office:master-styles>\n</office:document-styles>\n");
}

static void meta_elem(const doc_t *d, buf_t *o, const char *elem, size_t off)
{
	if (off == DOC_NONE || !*doc_str(d, off))
		return;
	buf_printf(o, "<%s>", elem);
	x_esc(o, doc_str(d, off), strlen(doc_str(d, off)));
	buf_printf(o, "</%s>", elem);
}

/* The document's date, "YYYY-MM-DDTHH:MM:SS" and an optional "Z", split
 * into its six numbers; false when it is not one. */
static bool parse_date(const doc_t *d, int f[6])
{
	if (d->date == DOC_NONE)
		return false;
	const char *s = doc_str(d, d->date);
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	for (size_t i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return false;
	if (s[19] && strcmp(s + 19, "Z") != 0)
		return false;
	static const int at[6] = {0, 5, 8, 11, 14, 17};
	for (int i = 0; i < 6; i++)
		f[i] = (int)strtol(s + at[i], NULL, 10);
	return f[0] >= 1980 && f[0] <= 2107 && f[1] >= 1 && f[1] <= 12 && f[2] >= 1 && f[2] <= 31 &&
	       f[3] <= 23 && f[4] <= 59 && f[5] <= 59;
}

static void meta_xml(const doc_t *d, buf_t *o)
{
	buf_puts(o, XML_DECL "<office:document-meta " NS_OFFICE " " NS_DC " " NS_META " " NS_XLINK
			 " office:version=\"1.3\"><office:meta><meta:generator>sobre</meta:generator>");
	meta_elem(d, o, "dc:title", d->title);
	meta_elem(d, o, "dc:subject", d->subject);
	meta_elem(d, o, "meta:initial-creator", d->author);
	int f[6];
	if (parse_date(d, f))
		meta_elem(d, o, "meta:creation-date", d->date);
	meta_elem(d, o, "dc:language", d->lang);
	buf_puts(o, "</office:meta></office:document-meta>\n");
}

static void manifest_xml(const doc_t *d, buf_t *o)
{
	buf_puts(o, XML_DECL "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
			 " manifest:version=\"1.3\">\n"
			 " <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\""
			 " manifest:media-type=\"" MIMETYPE "\"/>\n"
			 " <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\n"
			 " <manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>\n"
			 " <manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>\n");
	for (size_t i = 1; i <= d->npictures; i++)
		buf_printf(o, " <manifest:file-entry manifest:full-path=\"Pictures/%zu.svg\""
			      " manifest:media-type=\"image/svg+xml\"/>\n",
			   i);
	buf_puts(o, "</manifest:manifest>\n");
}

/* ---- The package --------------------------------------------------------- */

typedef struct {
	zip_t *za;
	uint16_t time, date; /* MS-DOS format */
} pkg_t;

/* Adds an entry; data is libzip's to free when own is true (even on
 * failure). */
static bool pkg_add(pkg_t *p, const char *name, const char *data, size_t len, bool own, bool store)
{
	zip_source_t *s = zip_source_buffer(p->za, data, len, own);
	if (!s) {
		if (own)
			free((void *)data);
		return false;
	}
	zip_int64_t i = zip_file_add(p->za, name, s, ZIP_FL_ENC_UTF_8);
	if (i < 0) {
		zip_source_free(s);
		return false;
	}
	return zip_set_file_compression(p->za, (zip_uint64_t)i, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) == 0 &&
	       zip_file_set_dostime(p->za, (zip_uint64_t)i, p->time, p->date, 0) == 0;
}

static bool pkg_add_buf(pkg_t *p, const char *name, buf_t *b)
{
	size_t len = b->len;
	char *data = buf_detach(b);
	return pkg_add(p, name, data ? data : xstrdup(""), len, true, false);
}

static bool pkg_entries(const doc_t *doc, pkg_t *p)
{
	buf_t b = BUF_INIT;
	if (!pkg_add(p, "mimetype", MIMETYPE, sizeof MIMETYPE - 1, false, true))
		return false;
	content_xml(doc, &b);
	if (!pkg_add_buf(p, "content.xml", &b))
		return false;
	styles_xml(doc, &b);
	if (!pkg_add_buf(p, "styles.xml", &b))
		return false;
	meta_xml(doc, &b);
	if (!pkg_add_buf(p, "meta.xml", &b))
		return false;
	for (size_t i = 0; i < doc->nblk; i++) {
		const doc_block_t *blk = &doc->blk[i];
		if (blk->kind != DOC_B_SVG)
			continue;
		char name[48];
		snprintf(name, sizeof name, "Pictures/%zu.svg", blk->picture);
		if (!pkg_add(p, name, doc_str(doc, blk->svg), blk->svg_len, false, false))
			return false;
	}
	manifest_xml(doc, &b);
	return pkg_add_buf(p, "META-INF/manifest.xml", &b);
}

/* The archive libzip wrote into src, appended to out. */
static bool read_back(zip_source_t *src, buf_t *out)
{
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) < 0)
		return false;
	buf_grow(out, (size_t)st.size);
	zip_int64_t n = zip_source_read(src, out->ptr + out->len, st.size);
	zip_source_close(src);
	if (n < 0 || (zip_uint64_t)n != st.size)
		return false;
	out->len += (size_t)n;
	out->ptr[out->len] = '\0';
	return true;
}

bool doc_write_odt(const doc_t *doc, buf_t *out, diag_list_t *d)
{
	bool ok = false;
	zip_error_t ze;
	zip_error_init(&ze);
	pkg_t p = {NULL, 0, (0 << 9) | (1 << 5) | 1};
	int f[6];
	if (parse_date(doc, f)) {
		p.date = (uint16_t)(((f[0] - 1980) << 9) | (f[1] << 5) | f[2]);
		p.time = (uint16_t)((f[3] << 11) | (f[4] << 5) | (f[5] / 2));
	}
	const char *why = NULL;
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src)
		goto cleanup;
	p.za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!p.za)
		goto cleanup;
	/* zip_close frees the archive's source: this reference keeps what it
	 * wrote for reading back. */
	zip_source_keep(src);
	if (!pkg_entries(doc, &p)) {
		why = zip_strerror(p.za);
		goto cleanup;
	}
	if (zip_close(p.za) < 0) {
		why = zip_strerror(p.za);
		goto cleanup;
	}
	p.za = NULL;
	if (!read_back(src, out)) {
		why = zip_error_strerror(zip_source_error(src));
		goto cleanup;
	}
	ok = true;
cleanup:
	if (!ok)
		diag_add(d, DIAG_ERROR, NULL, 0, 0, "odt", "cannot build the ODT package: %s",
			 why ? why : zip_error_strerror(&ze));
	if (p.za)
		zip_discard(p.za);
	if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	return ok;
}
