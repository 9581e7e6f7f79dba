/* cmd_plan: `sobre plan` — the action plan: applicable practices not yet
 * réalisée, Prioritaire first, then quick wins (Facile first), then by
 * target date; overdue ones flagged. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/jsonout.h"
#include "steer/plan.h"
#include "steer/sheet.h"
#include "steer/store.h"

static const char usage[] = "sobre plan [--pilot P] [--limit N] [--format table|csv|json|xlsx] [-o FILE] [--db FILE]";

/* The first n actions of p as CSV (RFC 4180), with their rank. */
static void write_csv(buf_t *out, const plan_t *p, size_t n)
{
	static const char *const head[] = {"rank", "id", "title", "theme", "priority", "difficulty", "status",
					   "pilot", "owner", "due date", "overdue", "budget", "staff_days"};
	buf_t budget = BUF_INIT, staff = BUF_INIT;
	for (size_t k = 0; k < 13; k++) {
		if (k)
			buf_putc(out, ',');
		buf_puts(out, head[k]);
	}
	buf_puts(out, "\r\n");
	for (size_t i = 0; i < n; i++) {
		const plan_item_t *x = &p->items[i];
		char rank[24];
		snprintf(rank, sizeof rank, "%zu", i + 1);
		buf_reset(&budget);
		buf_reset(&staff);
		if (x->budget >= 0)
			input_hundredths_text(x->budget, &budget);
		if (x->staff >= 0)
			input_hundredths_text(x->staff, &staff);
		const char *cells[] = {rank, x->idbp, x->title, x->theme_id, x->priority, x->difficulty,
				       status_name(p->profile, x->status), x->pilot, x->owner, x->due, x->overdue ? "yes" : "",
				       buf_cstr(&budget), buf_cstr(&staff)};
		for (size_t k = 0; k < 13; k++) {
			if (k)
				buf_putc(out, ',');
			sheet_csv_cell(out, cells[k], ',');
		}
		buf_puts(out, "\r\n");
	}
	buf_free(&budget);
	buf_free(&staff);
}

/* The first n actions of p as a table, with the counts. */
static void write_means(buf_t *out, const plan_t *p);

static void write_table(buf_t *out, const plan_t *p, size_t n)
{
	cli_table_t t = {0};
	const char *head[] = {"#", "id", "priority", "difficulty", "status", "due", "pilot", "title"};
	cli_table_row(&t, 8, head);
	for (size_t i = 0; i < n; i++) {
		const plan_item_t *x = &p->items[i];
		char rank[24];
		buf_t due = BUF_INIT, title = BUF_INIT;
		snprintf(rank, sizeof rank, "%zu", i + 1);
		buf_puts(&due, x->due ? x->due : "—");
		if (x->overdue)
			buf_puts(&due, " OVERDUE");
		buf_puts(&title, x->title);
		if (x->is_new)
			buf_puts(&title, " [nouvelle]");
		const char *row[] = {rank, x->idbp, x->priority, x->difficulty, status_name(p->profile, x->status), buf_cstr(&due),
				     x->pilot ? x->pilot : "—", buf_cstr(&title)};
		cli_table_row(&t, 8, row);
		buf_free(&due);
		buf_free(&title);
	}
	if (n)
		cli_table_print(&t, 1, out);
	cli_table_free(&t);
	buf_printf(out, "%zu action%s", p->len, p->len == 1 ? "" : "s");
	if (n < p->len)
		buf_printf(out, " (first %zu shown)", n);
	buf_printf(out, ", %zu overdue\n", p->overdue);
	write_means(out, p);
}

static void means_cells(const plan_means_t *m, buf_t *budget, buf_t *staff)
{
	buf_reset(budget);
	buf_reset(staff);
	if (m->budget >= 0) {
		input_hundredths_fr(m->budget, true, budget);
		buf_puts(budget, " €");
	} else {
		buf_puts(budget, "—");
	}
	if (m->staff >= 0)
		input_hundredths_fr(m->staff, false, staff);
	else
		buf_puts(staff, "—");
}

/* The means by theme and by pilot, when any action has some. */
static void write_means(buf_t *out, const plan_t *p)
{
	plan_totals_t t;
	plan_totals(p, &t);
	if (t.all.budget < 0 && t.all.staff < 0) {
		plan_totals_free(&t);
		return;
	}
	cli_table_t tab = {0};
	static const char *const head[] = {"means", "actions", "budget", "person-days"};
	cli_table_row(&tab, 4, head);
	buf_t b = BUF_INIT, st = BUF_INIT, name = BUF_INIT, count = BUF_INIT;
	for (size_t g = 0; g < t.nthemes + t.npilots + 1; g++) {
		const plan_means_t *m = g < t.nthemes ? &t.themes[g] : g < t.nthemes + t.npilots ? &t.pilots[g - t.nthemes] : &t.all;
		buf_reset(&name);
		buf_reset(&count);
		if (g < t.nthemes)
			buf_printf(&name, "theme %s %s", m->key, m->label);
		else if (g < t.nthemes + t.npilots)
			buf_printf(&name, "pilot %s", m->key ? m->key : "(none)");
		else
			buf_puts(&name, "all actions");
		buf_printf(&count, "%zu", m->actions);
		means_cells(m, &b, &st);
		const char *row[] = {buf_cstr(&name), buf_cstr(&count), buf_cstr(&b), buf_cstr(&st)};
		cli_table_row(&tab, 4, row);
	}
	buf_putc(out, '\n');
	cli_table_print(&tab, 2u | 4u | 8u, out);
	cli_table_free(&tab);
	buf_free(&b);
	buf_free(&st);
	buf_free(&name);
	buf_free(&count);
	plan_totals_free(&t);
}

int cmd_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		{"pilot", required_argument, NULL, 'p'},
		{"limit", required_argument, NULL, 'n'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *pilot = NULL, *format = "table", *output = NULL;
	long limit = 0;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:n:f:o:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pilot = optarg; break;
		case 'n': {
			if (!input_whole(optarg, 0, LONG_MAX, &limit))
				return cli_usage_error("plan", usage, "--limit takes a number of actions (0: all)");
			break;
		}
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "csv") && strcmp(optarg, "json") && strcmp(optarg, "xlsx"))
				return cli_usage_error("plan", usage, "unknown format '%s' (table, csv, json or xlsx)", optarg);
			format = optarg;
			break;
		case 'o': output = optarg; break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nThe action plan: applicable practices not yet réalisée, Prioritaire first,\n"
			       "then Facile before Moyenne before Difficile (quick wins), then by target date\n"
			       "(none last). Overdue actions (target date passed) are flagged.\n"
			       "  --pilot P   only the practices of pilot function P ('-': those without one)\n"
			       "  --limit N   the first N actions\n"
			       "  --format    table (default), csv, json, or xlsx: a workbook for people (French\n"
			       "              headers, overdue dates in red, filters; needs -o on a terminal)\n"
			       "  -o FILE     write to FILE atomically instead of the standard output\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("plan", usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("plan", usage, "unexpected argument '%s'", argv[optind]);
	bool xlsx = strcmp(format, "xlsx") == 0;
	if (xlsx && limit)
		return cli_usage_error("plan", usage, "--limit applies to table, csv and json: the workbook has every action");
	if (xlsx && (!output || strcmp(output, "-") == 0) && isatty(STDOUT_FILENO))
		return cli_usage_error("plan", usage, "an XLSX file is binary: give -o FILE.xlsx");
	store_t *s;
	if ((rc = cli_steer_open("plan", db, false, false, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	plan_t p;
	buf_t out = BUF_INIT;
	memset(&p, 0, sizeof p);
	rc = xlsx ? sheet_export_plan(s, pilot, true, &out, &d) : plan_build(s, PLAN_ACTIONS, pilot, &p, &d);
	rc = cli_steer_close("plan", s, rc, &d);
	if (rc) {
		buf_free(&out);
		return rc;
	}
	size_t n = limit && (size_t)limit < p.len ? (size_t)limit : p.len;
	if (xlsx) {
		/* built above */
	} else if (strcmp(format, "csv") == 0) {
		write_csv(&out, &p, n);
	} else if (strcmp(format, "json") == 0) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_plan(&w, &p, n);
		buf_putc(&out, '\n');
	} else {
		write_table(&out, &p, n);
	}
	rc = cli_write_output("plan", output, out.ptr ? out.ptr : "", out.len);
	buf_free(&out);
	plan_free(&p);
	return rc;
}
