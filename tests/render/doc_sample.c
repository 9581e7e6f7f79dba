/* doc_sample: writes a sample document built with render/doc, holding every
 * kind of block and the two charts of render/chart, to DIR as sample.odt,
 * sample.html (the fragment in a page) and sample.md, with expected.txt: the
 * headings' and the table cells' texts, one a line, that a reader of the
 * ODT must show (tests/render/odt-libreoffice.sh checks them).
 *
 *     doc_sample DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/chart.h"
#include "render/doc.h"
#include "util/diag.h"

/* A chart partial rendered, with charts.css inside the SVG: a picture in
 * a package has no page stylesheet around it. */
static void chart_svg(mst_registry_t *r, const char *partial, const char *title, value_t *ctx, buf_t *out)
{
	buf_t page = BUF_INIT, svg = BUF_INIT;
	diag_list_t d = DIAG_LIST_INIT;
	buf_printf(&page, "{{<%s}}{{$title}}%s{{/title}}{{/%s}}", partial, title, partial);
	mst_registry_add(r, "page", NULL, page.ptr, page.len);
	if (mst_render(mst_registry_get(r, "page", 4), ctx, mst_registry_lookup, r, &svg, &d) != 0) {
		fprintf(stderr, "doc_sample: cannot render the %s chart\n", partial);
		exit(1);
	}
	const char *s = buf_cstr(&svg), *gt = strchr(s, '>');
	size_t css_len;
	const char *css = chart_css(&css_len);
	buf_put(out, s, (size_t)(gt - s) + 1);
	buf_puts(out, "<style>");
	buf_put(out, css, css_len);
	buf_puts(out, "</style>");
	buf_puts(out, gt + 1);
	buf_free(&page);
	buf_free(&svg);
	diag_list_free(&d);
}

static const char intro_md[] =
	"## Gouvernance\n\n"
	"La *stratégie* est portée par la **direction du numérique** ; voir "
	"[le décret](https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000046180470) et `sobre report`.\n\n"
	"- réduire le nombre de terminaux\n"
	"- allonger leur durée de vie\n"
	"  1. réemploi\n"
	"  2. réparation\n\n"
	"> Une citation en bloc.\n\n"
	"| Action | Échéance |\n| --- | ---: |\n| Inventaire des services | 2026 |\n";

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "doc_sample: cannot write %s\n", path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: doc_sample DIR\n");
		return 2;
	}
	diag_list_t d = DIAG_LIST_INIT;
	mst_registry_t *reg = mst_registry_new(&d);
	chart_register(reg);
	doc_t *doc = doc_new("Stratégie numérique responsable 2026", "fr-FR");
	doc_set_meta(doc, "Loi REEN, article 35", "Direction du numérique", "2026-03-01T09:00:00Z");

	doc_heading(doc, 1, "strategie", "Stratégie numérique responsable 2026");
	doc_note(doc);
	doc_run(doc, DOC_PLAIN, "Adoptée le 1er mars 2026 ; décret n° 2022-1084.");
	doc_para(doc);
	doc_run(doc, DOC_PLAIN, "Ce document présente les ");
	doc_run(doc, DOC_STRONG, "objectifs");
	doc_run(doc, DOC_PLAIN, " de l'organisation, ses ");
	doc_run(doc, DOC_EM, "indicateurs");
	doc_run(doc, DOC_PLAIN, " et la commande ");
	doc_run(doc, DOC_CODE, "sobre report");
	doc_run(doc, DOC_PLAIN, ". Caractères à échapper : <&>\"'*_[]#|`. Voir ");
	doc_link(doc, "https://ecoresponsable.numerique.gouv.fr/", "le guide");
	doc_run(doc, DOC_PLAIN, ".");

	doc_heading(doc, 2, "etat", "État des lieux");
	static const char *const heads[] = {"Thématique", "Pratiques", "Score"};
	static const doc_align_t align[] = {DOC_LEFT, DOC_RIGHT, DOC_RIGHT};
	static const char *const rows[][3] = {
		{"Stratégie", "12", "41,7 %"}, {"Achats", "8", "62,5 %"}, {"Services numériques", "20", "—"}};
	doc_table(doc, "Score par thématique", 3, heads, align);
	for (size_t i = 0; i < 3; i++) {
		doc_row(doc);
		for (size_t j = 0; j < 3; j++) {
			doc_cell(doc);
			doc_run(doc, DOC_PLAIN, rows[i][j]);
		}
	}
	doc_table_end(doc);

	chart_bar_t bars[] = {{"Stratégie", 417, "41,7 %"}, {"Achats", 625, "62,5 %"}, {"Services numériques", -1, "—"}};
	static const chart_bars_size_t size = {640, 180, 380, 30};
	value_t *ctx = chart_bars("b", bars, 3, &size);
	buf_t svg = BUF_INIT;
	chart_svg(reg, "bars", "Score par thématique", ctx, &svg);
	value_free(ctx);
	doc_svg(doc, svg.ptr, svg.len, "Score par thématique : Stratégie 41,7 %, Achats 62,5 %", 160, 160.0 * 88 / 640);

	chart_point_t pts[] = {{"2024", 310}, {"2025", 385}, {"2026", 470}};
	ctx = chart_line("l", pts, 3, 640, 240);
	buf_reset(&svg);
	chart_svg(reg, "line", "Score global par année", ctx, &svg);
	value_free(ctx);
	doc_svg(doc, svg.ptr, svg.len, "Score global : 31 % en 2024, 38,5 % en 2025, 47 % en 2026", 160, 60);

	doc_heading(doc, 2, "objectifs", "Objectifs");
	doc_list(doc, true);
	doc_item(doc);
	doc_run(doc, DOC_PLAIN, "Mesurer l'empreinte du parc.");
	doc_item(doc);
	doc_run(doc, DOC_PLAIN, "Former les agents.");
	doc_list_end(doc);
	doc_markdown(doc, intro_md, sizeof intro_md - 1, 1);

	buf_t out = BUF_INIT, frag = BUF_INIT;
	if (!doc_write_odt(doc, &out, &d)) {
		fprintf(stderr, "doc_sample: %s\n", d.items[d.len - 1].msg);
		return 1;
	}
	write_file(argv[1], "sample.odt", out.ptr, out.len);
	doc_write_html(doc, &frag);
	buf_reset(&out);
	buf_printf(&out, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<title>Stratégie numérique responsable 2026</title>\n</head>\n<body>\n<main>\n%s</main>\n"
			 "</body>\n</html>\n",
		   frag.ptr);
	write_file(argv[1], "sample.html", out.ptr, out.len);
	buf_reset(&out);
	doc_write_md(doc, &out);
	write_file(argv[1], "sample.md", out.ptr, out.len);

	buf_reset(&out);
	buf_puts(&out, "Stratégie numérique responsable 2026\nÉtat des lieux\nObjectifs\nGouvernance\n");
	for (size_t i = 0; i < 3; i++)
		buf_printf(&out, "%s\n", heads[i]);
	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < 3; j++)
			buf_printf(&out, "%s\n", rows[i][j]);
	buf_puts(&out, "Inventaire des services\n");
	write_file(argv[1], "expected.txt", out.ptr, out.len);

	buf_free(&out);
	buf_free(&frag);
	buf_free(&svg);
	doc_free(doc);
	mst_registry_free(reg);
	diag_list_free(&d);
	return 0;
}
