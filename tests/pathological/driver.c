/* driver: the library's Markdown renderer and Mustache engine on a file, for
 * tests/pathological.py, which times them on growing hostile inputs.
 *   driver markdown FILE           render FILE (all options on, link callback)
 *   driver mustache FILE [DATA]    parse FILE as a template, render it with
 *                                  DATA (YAML), FILE itself registered as "self"
 *   driver csv FILE                read FILE as an assessment sheet (CSV)
 * Prints the output size; diagnostics go to stderr; exit 1 when the library
 * refused the input (a limit), 2 on a usage or read error. */
#include <stdio.h>
#include <string.h>

#include "guide/markdown.h"
#include "guide/yaml.h"
#include "render/mustache.h"
#include "steer/sheet.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/fs.h"

/* Well above what the cases write (10 MB lines), like sobre's own file limit. */
#define DRIVER_MAX_FILE (64u << 20)

static void count_link(const md_link_t *l, void *ud)
{
	(*(size_t *)ud)++;
	(void)l;
}

static int print_diags(diag_list_t *d)
{
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < d->len; i++) {
		buf_reset(&b);
		diag_format_text(&d->items[i], &b);
		fputs(buf_cstr(&b), stderr);
	}
	buf_free(&b);
	return d->len ? 1 : 0;
}

static int run_markdown(const buf_t *src, buf_t *out)
{
	size_t links = 0;
	int rc = md_render(buf_cstr(src), src->len, 0, out, count_link, &links) ? 1 : 0;
	if (rc)
		fputs("driver: md_render failed\n", stderr);
	printf("%zu bytes, %zu links\n", out->len, links);
	return rc;
}

static int run_mustache(const char *name, const buf_t *src, const char *dname, const buf_t *data,
			buf_t *out)
{
	diag_list_t diags = DIAG_LIST_INIT;
	value_t *ctx = yaml_parse(dname, buf_cstr(data), data->len, 0, &diags);
	mst_registry_t *reg = mst_registry_new(&diags);
	mst_registry_add(reg, "self", name, buf_cstr(src), src->len);
	const mst_t *t = mst_registry_get(reg, "self", 4);
	if (t && ctx)
		mst_render(t, ctx, mst_registry_lookup, reg, out, &diags);
	int rc = print_diags(&diags);
	printf("%zu bytes\n", out->len);
	mst_registry_free(reg);
	value_free(ctx);
	diag_list_free(&diags);
	return rc;
}

static int run_csv(const char *name, const buf_t *src)
{
	diag_list_t diags = DIAG_LIST_INIT;
	csv_t csv;
	if (sheet_csv_parse(name, buf_cstr(src), src->len, &csv, &diags)) {
		printf("%zu rows\n", csv.len);
		csv_free(&csv);
	}
	int rc = print_diags(&diags);
	diag_list_free(&diags);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "markdown") && strcmp(argv[1], "mustache") && strcmp(argv[1], "csv"))) {
		fputs("usage: driver markdown FILE | driver mustache FILE [DATA] | driver csv FILE\n", stderr);
		return 2;
	}
	buf_t src = BUF_INIT, data = BUF_INIT, out = BUF_INIT;
	int rc = 2;
	if (fs_read_file(argv[2], DRIVER_MAX_FILE, &src) ||
	    (argc > 3 && fs_read_file(argv[3], DRIVER_MAX_FILE, &data)))
		fputs("driver: cannot read input\n", stderr);
	else if (strcmp(argv[1], "markdown") == 0)
		rc = run_markdown(&src, &out);
	else if (strcmp(argv[1], "csv") == 0)
		rc = run_csv(argv[2], &src);
	else
		rc = run_mustache(argv[2], &src, argc > 3 ? argv[3] : "-", &data, &out);
	buf_free(&src);
	buf_free(&data);
	buf_free(&out);
	return rc;
}
